package index

import (
	"errors"
	"slices"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Facets are counted from the postings of the facet terms instead of by
// bleve's terms facet builder. bleve visits every doc value of every
// matching case (tens of finding tags per case), a string map update each;
// that was most of the time of a search over many cases. Here the matching
// documents are a bitmap per segment (recorded during a bleve search, or
// computed by searchFilters), and each segment keeps, built once from the
// postings of the facet fields, the numbered facet terms of each of its
// documents (facetIndex): a count is an array increment per term of a
// matching document. The counts are the same: a keyword field's doc values
// hold each of a document's terms once, as its postings do. The top terms
// are chosen as bleve does (count descending, then term ascending).

// facetCounter counts the facets of one search. hitCollector (order.go)
// records each match with it, then has it count the facets at the end of
// the collection, while bleve's index snapshot is still open.
type facetCounter struct {
	data    []*segData
	matched []*roaring.Bitmap // per segment, segment-local document numbers
	facets  map[string]map[string]int
}

// errFacetReader: the index reader is not a scorch snapshot.
var errFacetReader = errors.New("facets: not a scorch index snapshot")

// start begins a search over segs.
func (fc *facetCounter) start(segs []*scorch.SegmentSnapshot, data []*segData) {
	fc.data = data
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
	fc.facets, err = countFacets(fc.data, fc.matched)
	return err
}

// A facetIndex lists the facet terms of each document of a segment: the
// terms of every facet field, numbered, and for document n the numbers
// ords[offs[n]:offs[n+1]]. Counting the facets of the matches of a segment
// is then one increment per term of each matching document. (Intersecting
// the matches with each term's postings costs the postings of every term
// whatever the number of matches.)
type facetIndex struct {
	terms []facetTerm
	offs  []uint32
	ords  []uint32
	// postings is the number of documents (deleted ones included) of each
	// term: the counts when every document of the segment matches.
	postings []uint32
}

// facetTerm is a numbered term of a facet field.
type facetTerm struct {
	facet int // index in facetFields
	term  string
}

// newFacetIndex reads the facet terms of the documents of s.
func newFacetIndex(s segment.Segment) (*facetIndex, error) {
	fi := &facetIndex{}
	n := s.Count()
	var lists []termBits
	for f, ff := range facetFields {
		tb, err := termsWithPostings(s, ff.field, nil, nil, nil)
		if err != nil {
			return nil, err
		}
		for _, t := range tb {
			fi.terms = append(fi.terms, facetTerm{facet: f, term: t.term})
			fi.postings = append(fi.postings, uint32(t.bm.GetCardinality()))
		}
		lists = append(lists, tb...)
	}
	counts := make([]uint32, n+1)
	for _, t := range lists {
		it := t.bm.Iterator()
		for it.HasNext() {
			counts[it.Next()+1]++
		}
	}
	for i := uint64(1); i <= n; i++ {
		counts[i] += counts[i-1]
	}
	fi.offs = counts
	fi.ords = make([]uint32, counts[n])
	next := slices.Clone(counts[:n])
	for ord, t := range lists {
		it := t.bm.Iterator()
		for it.HasNext() {
			doc := it.Next()
			fi.ords[next[doc]] = uint32(ord)
			next[doc]++
		}
	}
	return fi, nil
}

// countFacets computes the facets of the documents matched[i] of each
// segment data[i] (live documents only).
func countFacets(data []*segData, matched []*roaring.Bitmap) (map[string]map[string]int, error) {
	counts := make([]map[string]int, len(facetFields))
	for f := range counts {
		counts[f] = map[string]int{}
	}
	var perOrd []uint32
	buf := make([]uint32, 256)
	for i, d := range data {
		m := matched[i]
		card := m.GetCardinality()
		if card == 0 {
			continue
		}
		fi, err := d.facetIndex()
		if err != nil {
			return nil, err
		}
		segCounts := fi.postings // every document matches: the postings sizes
		if card != uint64(len(fi.offs)-1) {
			perOrd = slices.Grow(perOrd[:0], len(fi.terms))[:len(fi.terms)]
			clear(perOrd)
			segCounts = perOrd
			it := m.ManyIterator()
			for {
				k := it.NextMany(buf)
				if k == 0 {
					break
				}
				for _, doc := range buf[:k] {
					for _, o := range fi.ords[fi.offs[doc]:fi.offs[doc+1]] {
						perOrd[o]++
					}
				}
			}
		}
		for o, c := range segCounts {
			if c > 0 {
				t := fi.terms[o]
				counts[t.facet][t.term] += int(c)
			}
		}
	}
	out := make(map[string]map[string]int, len(facetFields))
	for f, ff := range facetFields {
		out[ff.name] = topTerms(counts[f], facetSize)
	}
	return out, nil
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
