package index

import (
	"errors"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Facets are counted from the postings of each facet term instead of by
// bleve's terms facet builder. bleve visits every doc value of every
// matching case (tens of finding tags per case), a string map update each;
// that was most of the time of a search over many cases. Here the search
// only records the matching documents, one bitmap per segment, and each
// facet count is the size of the intersection of that bitmap with the
// term's postings. The counts are the same: a keyword field's doc values
// hold each of a document's terms once, as its postings do. The top terms
// are chosen as bleve does (count descending, then term ascending).

// facetCounter counts the facets of one search. hitCollector (order.go)
// records each match with it, then has it count the facets at the end of
// the collection, while bleve's index snapshot is still open.
type facetCounter struct {
	segs    []*scorch.SegmentSnapshot
	matched []*roaring.Bitmap // per segment, segment-local document numbers
	facets  map[string]map[string]int
}

// errFacetReader: the index reader is not a scorch snapshot.
var errFacetReader = errors.New("facets: not a scorch index snapshot")

// start begins a search over segs.
func (fc *facetCounter) start(segs []*scorch.SegmentSnapshot) {
	fc.segs = segs
	fc.matched = make([]*roaring.Bitmap, len(segs))
	for i := range segs {
		fc.matched[i] = roaring.New()
	}
}

// record adds the match of document local of segment i.
func (fc *facetCounter) record(i int, local uint64) {
	fc.matched[i].Add(uint32(local))
}

// finish counts the facets of the recorded matches.
func (fc *facetCounter) finish() error {
	var err error
	fc.facets, err = fc.count()
	return err
}

// count computes the facets of the recorded matches.
func (fc *facetCounter) count() (map[string]map[string]int, error) {
	out := make(map[string]map[string]int, len(facetFields))
	counts := map[string]int{}
	var pl segment.PostingsList
	var it segment.PostingsIterator
	for _, f := range facetFields {
		clear(counts)
		for i, s := range fc.segs {
			m := fc.matched[i]
			if m.IsEmpty() {
				continue
			}
			dict, err := s.Segment().Dictionary(f.field)
			if err != nil {
				return nil, err
			}
			if dict == nil {
				continue
			}
			terms := dict.AutomatonIterator(nil, nil, nil)
			for {
				e, err := terms.Next()
				if err != nil {
					return nil, err
				}
				if e == nil {
					break
				}
				// Deleted documents are never in m: no except bitmap.
				pl, err = dict.PostingsList([]byte(e.Term), nil, pl)
				if err != nil {
					return nil, err
				}
				it = pl.Iterator(false, false, false, it)
				n, err := andCount(it, m)
				if err != nil {
					return nil, err
				}
				if n > 0 {
					counts[e.Term] += n
				}
			}
		}
		out[f.name] = topTerms(counts, facetSize)
	}
	return out, nil
}

// andCount is the number of documents of the postings iterator it in m.
func andCount(it segment.PostingsIterator, m *roaring.Bitmap) (int, error) {
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if n, ok := o.DocNum1Hit(); ok {
			if m.Contains(uint32(n)) {
				return 1, nil
			}
			return 0, nil
		}
		if bm := o.ActualBitmap(); bm != nil {
			return int(bm.AndCardinality(m)), nil
		}
	}
	c := 0
	for {
		p, err := it.Next()
		if err != nil {
			return 0, err
		}
		if p == nil {
			return c, nil
		}
		if m.Contains(uint32(p.Number())) {
			c++
		}
	}
}

// topTerms keeps the size terms with the largest counts, ties broken by
// the term, as bleve's terms facet does.
func topTerms(counts map[string]int, size int) map[string]int {
	type tc struct {
		term  string
		count int
	}
	all := make([]tc, 0, len(counts))
	for t, c := range counts {
		all = append(all, tc{t, c})
	}
	sort.Slice(all, func(i, j int) bool {
		if all[i].count == all[j].count {
			return all[i].term < all[j].term
		}
		return all[i].count > all[j].count
	})
	out := make(map[string]int, min(size, len(all)))
	for _, x := range all[:min(size, len(all))] {
		out[x.term] = x.count
	}
	return out
}
