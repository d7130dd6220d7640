package index

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"sort"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A numeric range in a query string (+age:>=40) is, in bleve, a
// disjunction of term searchers, one per prefix-coded term of the range
// (terms of several precisions, a few dozen for an open range), merged
// through a heap document by document: most of the time of a query string
// with a range over many cases.
//
// rangeQuery is the same search made cheaper: rangeSearcher reads the
// postings (frequency and norm) of the range's terms in a segment once,
// into a table of the segment's matching documents and their term, kept
// with the segment (segcache.go), and walks the tables. It scores as bleve does: the term's tf-idf score, with
// bleve's idf, norm and query weight, times the disjunction's coordination
// factor (1 of the number of terms: a single-valued number is in one term
// of the range). It finds the same terms in the same order as bleve's
// numeric range searcher (the same split of the range into precisions;
// the terms present in the index), so the weights and counts that the
// enclosing searchers see are bleve's too (TestSearchMatchesBleve). A
// document in two terms of the range (a multi-valued field), term vectors,
// explanations or another scoring model leave the range to bleve.
//
// The same tables serve the term queries of the filters beside a query
// string (--kind imr: termQuery, scored as bleve's term searcher) and the
// keyword match queries of the query string (outcome:upheld: matchQuery, a
// disjunction of one term in bleve), so that a query string with filters
// reads no postings for its keyword and numeric clauses once the tables of
// the segments are built.

// rangeQuery is orig searched by rangeSearcher when that gives the same
// matches and scores, else by bleve's numeric range searcher.
type rangeQuery struct {
	orig *query.NumericRangeQuery
	segs *segCache // nil: tables not kept
}

// rangeTerm is a term of the range with what bleve's term scorer needs.
type rangeTerm struct {
	term []byte
	termStats
}

func (q *rangeQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	return tableSearch(ctx, r, m, options, q.orig, q.orig.FieldVal, func(snap *scorch.IndexSnapshot, field string) (search.Searcher, error) {
		terms, err := rangeTerms(snap, field, q.orig)
		if err != nil {
			return nil, err
		}
		if len(terms) == 0 || (searcher.DisjunctionMaxClauseCount != 0 && len(terms) > searcher.DisjunctionMaxClauseCount) {
			return nil, nil
		}
		lo, hi := rangeBounds(q.orig)
		key := fmt.Sprintf("n\x00%s\x00%x\x00%x", field, lo, hi)
		// nil (no error) when a document is in two terms of the range:
		// bleve's sum over several matches is left to bleve.
		return tableSearcher(newTableSearcher(r, snap, q.segs, field, q.orig.BoostVal.Value(), terms,
			splitInt64Range(lo, hi, 4), key, false))
	})
}

// termQuery is orig, a term query, searched by a rangeSearcher of its one
// term (a per-segment table instead of the term's postings), scored as
// bleve's term searcher: not normalized on its own, and no disjunction
// around it.
type termQuery struct {
	orig *query.TermQuery
	segs *segCache // nil: tables not kept
}

func (q *termQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	return tableSearch(ctx, r, m, options, q.orig, q.orig.FieldVal, func(snap *scorch.IndexSnapshot, field string) (search.Searcher, error) {
		term := []byte(q.orig.Term)
		return tableSearcher(newTableSearcher(r, snap, q.segs, field, q.orig.BoostVal.Value(),
			[]*rangeTerm{{term: term}}, [][2][]byte{{term, term}}, "t\x00"+field+"\x00"+q.orig.Term, true))
	})
}

// tableSearch searches orig with the searcher build makes from the index
// snapshot and orig's field (the mapping's default when it has none), or
// with orig's own bleve searcher when the index is not a scorch snapshot,
// the options need bleve (tableOptions), or build returns neither a
// searcher nor an error.
func tableSearch(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions,
	orig query.Query, field string, build func(snap *scorch.IndexSnapshot, field string) (search.Searcher, error)) (search.Searcher, error) {
	if snap, ok := r.(*scorch.IndexSnapshot); ok && tableOptions(ctx, options) {
		if field == "" {
			field = m.DefaultSearchField()
		}
		s, err := build(snap, field)
		if err != nil || s != nil {
			return s, err
		}
	}
	return orig.Searcher(ctx, r, m, options)
}

// tableSearcher turns newTableSearcher's answer into tableSearch's: a nil
// *rangeSearcher is no searcher (a nil interface), not a searcher.
func tableSearcher(s *rangeSearcher, err error) (search.Searcher, error) {
	if err != nil || s == nil {
		return nil, err
	}
	return s, nil
}

// tableOptions reports whether a rangeSearcher or a phraseSearcher
// (phrase.go), which stand in for bleve's, can serve a search with
// these options: no term vectors, explanations, synonyms or score
// breakdown, tf-idf scores.
func tableOptions(ctx context.Context, options search.SearcherOptions) bool {
	if options.IncludeTermVectors || options.Explain || options.Score == "none" ||
		ctx.Value(search.FieldTermSynonymMapKey) != nil ||
		ctx.Value(search.IncludeScoreBreakdownKey) != nil {
		return false
	}
	if cb, ok := ctx.Value(search.GetScoringModelCallbackKey).(search.GetScoringModelCallbackFn); ok &&
		cb() != bleveindex.DefaultScoringModel && cb() != "" {
		return false
	}
	return true
}

// newTableSearcher returns the searcher of terms (bleve's order) of field,
// the terms in ranges, from the segments' tables of key (kept in segs). It
// is nil when a document is in two of the terms. single: a term
// searcher's scores, else a disjunction's.
func newTableSearcher(r bleveindex.IndexReader, snap *scorch.IndexSnapshot, segs *segCache, field string, boost float64,
	terms []*rangeTerm, ranges [][2][]byte, key string, single bool) (*rangeSearcher, error) {
	docTotal, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	global := make(map[string]int32, len(terms))
	for i, t := range terms {
		global[string(t.term)] = int32(i)
	}
	s := &rangeSearcher{boost: boost, terms: terms, coord: 1 / float64(len(terms)), single: single}
	snaps := snap.Segments()
	var data []*segData
	if segs != nil {
		data = segs.get(snaps)
	}
	for i, sg := range snaps {
		var tab *rangeTable
		if data != nil {
			tab, err = data[i].rangeTable(key, func(seg segment.Segment) (*rangeTable, error) {
				return newRangeTable(seg, field, ranges)
			})
		} else {
			tab, err = newRangeTable(sg.Segment(), field, ranges)
		}
		if err != nil {
			return nil, err
		}
		if tab.multi {
			return nil, nil
		}
		seg := rangeSeg{tab: tab, del: sg.Deleted(), term: make([]int32, len(tab.terms))}
		for lt, term := range tab.terms {
			g, ok := global[term]
			if !ok {
				return nil, fmt.Errorf("index: term %x of a segment not in the index's", term)
			}
			seg.term[lt] = g
			n := tab.docs[lt].GetCardinality()
			if seg.del != nil {
				n -= tab.docs[lt].AndCardinality(seg.del)
			}
			terms[g].count += n
		}
		s.starts = append(s.starts, s.n)
		s.seg = append(s.seg, seg)
		s.n += uint64(len(tab.term))
	}
	for _, t := range terms {
		t.setIDF(docTotal)
		t.queryWeight = 1.0
	}
	// bleve's disjunction sums the weights of its term searchers in its
	// order: as given for the heap searcher, by count for the slice one.
	s.order = append([]*rangeTerm(nil), terms...)
	if len(terms) <= searcher.DisjunctionHeapTakeover {
		sort.Sort(byCount[*rangeTerm](s.order))
	}
	if !single {
		// As bleve's disjunction: normalized on its own until the
		// enclosing query sets the norm.
		s.SetQueryNorm(1.0 / math.Sqrt(s.Weight()))
	}
	return s, nil
}

// rangeTerms lists the terms of field in the range of q as bleve's numeric
// range searcher does: the range split into prefix-coded ranges of
// precision step 4, each walked in term order, keeping the terms in the
// index (deleted documents' terms included, as bleve's dictionary has
// them).
func rangeTerms(snap *scorch.IndexSnapshot, field string, q *query.NumericRangeQuery) ([]*rangeTerm, error) {
	minInt64, maxInt64 := rangeBounds(q)
	var out []*rangeTerm
	for _, tr := range splitInt64Range(minInt64, maxInt64, 4) {
		fd, err := snap.FieldDictRange(field, tr[0], tr[1])
		if err != nil {
			return nil, err
		}
		for {
			e, err := fd.Next()
			if err != nil {
				_ = fd.Close()
				return nil, err
			}
			if e == nil {
				break
			}
			// Same length as the bounds: a term of this precision.
			if len(e.Term) == len(tr[0]) {
				out = append(out, &rangeTerm{term: []byte(e.Term)})
			}
		}
		if err := fd.Close(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// rangeBounds are the smallest and largest sortable int64 of the range of
// q, as bleve's numeric range searcher computes them (inclusive minimum
// and exclusive maximum by default).
func rangeBounds(q *query.NumericRangeQuery) (lo, hi int64) {
	minF, maxF := math.Inf(-1), math.Inf(1)
	if q.Min != nil {
		minF = *q.Min
	}
	if q.Max != nil {
		maxF = *q.Max
	}
	lo = numeric.Float64ToInt64(minF)
	if q.InclusiveMin != nil && !*q.InclusiveMin && lo != math.MaxInt64 {
		lo++
	}
	hi = numeric.Float64ToInt64(maxF)
	if (q.InclusiveMax == nil || !*q.InclusiveMax) && hi != math.MinInt64 {
		hi--
	}
	return lo, hi
}

// A rangeTable is what a segment holds of a numeric range, deleted
// documents included: the range's terms in the segment, their documents,
// and for each document the index of its term (-1: none) and its tf ×
// norm. It is kept per segment (segcache.go).
type rangeTable struct {
	terms  []string
	docs   []*roaring.Bitmap // of each term
	term   []int32
	tfNorm []float64
	multi  bool // a document is in two terms

	allOnce sync.Once
	allDocs *roaring.Bitmap // union of docs (conj.go)
}

// all returns the documents in a term of the table (deleted ones
// included).
func (t *rangeTable) all() *roaring.Bitmap {
	t.allOnce.Do(func() {
		// Array and bitmap containers, no runs: intersecting run
		// containers converts them on every search.
		t.allDocs = roaring.BitmapOf(roaring.FastOr(t.docs...).ToArray()...)
	})
	return t.allDocs
}

// newRangeTable reads the table of the terms of field in ranges (each its
// first and last term) in seg.
func newRangeTable(seg segment.Segment, field string, ranges [][2][]byte) (*rangeTable, error) {
	t := &rangeTable{term: make([]int32, seg.Count())}
	for d := range t.term {
		t.term[d] = -1
	}
	dict, err := seg.Dictionary(field)
	if err != nil || dict == nil {
		return t, err
	}
	var pl segment.PostingsList
	var it segment.PostingsIterator
	for _, tr := range ranges {
		terms := dict.AutomatonIterator(nil, tr[0], prefixEnd(tr[1]))
		for {
			e, err := terms.Next()
			if err != nil {
				return nil, err
			}
			if e == nil {
				break
			}
			if len(e.Term) != len(tr[0]) || e.Term > string(tr[1]) {
				continue
			}
			lt := int32(len(t.terms))
			t.terms = append(t.terms, e.Term)
			bm := roaring.New()
			if pl, err = dict.PostingsList([]byte(e.Term), nil, pl); err != nil {
				return nil, err
			}
			it = pl.Iterator(true, true, false, it)
			for {
				p, err := it.Next()
				if err != nil {
					return nil, err
				}
				if p == nil {
					break
				}
				d := p.Number()
				bm.Add(uint32(d))
				if t.term[d] >= 0 {
					t.multi = true
				}
				if t.tfNorm == nil {
					t.tfNorm = make([]float64, len(t.term))
				}
				t.term[d] = lt
				t.tfNorm[d] = termFreq(p.Frequency()) * p.Norm()
			}
			bm.RunOptimize()
			t.docs = append(t.docs, bm)
		}
	}
	return t, nil
}

// splitInt64Range is bleve's split of [minBound, maxBound] into ranges of
// prefix-coded terms (search/searcher/search_numeric_range.go, v2.6.1):
// each range is its first and last term, inclusive.
func splitInt64Range(minBound, maxBound int64, precisionStep uint) [][2][]byte {
	var rv [][2][]byte
	if minBound > maxBound {
		return rv
	}
	newRange := func(minBound, maxBound int64, shift uint) [2][]byte {
		maxBound |= (int64(1) << shift) - int64(1)
		return [2][]byte{numeric.MustNewPrefixCodedInt64(minBound, shift), numeric.MustNewPrefixCodedInt64(maxBound, shift)}
	}
	for shift := uint(0); ; shift += precisionStep {
		diff := int64(1) << (shift + precisionStep)
		mask := ((int64(1) << precisionStep) - int64(1)) << shift
		hasLower := (minBound & mask) != int64(0)
		hasUpper := (maxBound & mask) != mask

		var nextMinBound int64
		if hasLower {
			nextMinBound = (minBound + diff) &^ mask
		} else {
			nextMinBound = minBound &^ mask
		}
		var nextMaxBound int64
		if hasUpper {
			nextMaxBound = (maxBound - diff) &^ mask
		} else {
			nextMaxBound = maxBound &^ mask
		}
		lowerWrapped := nextMinBound < minBound
		upperWrapped := nextMaxBound > maxBound
		if shift+precisionStep >= 64 || nextMinBound > nextMaxBound ||
			lowerWrapped || upperWrapped {
			rv = append(rv, newRange(minBound, maxBound, shift))
			break
		}
		if hasLower {
			rv = append(rv, newRange(minBound, minBound|mask, shift))
		}
		if hasUpper {
			rv = append(rv, newRange(maxBound&^mask, maxBound, shift))
		}
		minBound = nextMinBound
		maxBound = nextMaxBound
	}
	return rv
}

// rangeSeg is a segment's table in a search: its deleted documents and
// the index in rangeSearcher.terms of each of its terms.
type rangeSeg struct {
	tab  *rangeTable
	del  *roaring.Bitmap
	term []int32
}

// rangeSearcher walks the per-segment tables of the documents in a range
// and scores them as bleve's numeric range searcher does.
type rangeSearcher struct {
	boost  float64
	coord  float64
	single bool         // a term searcher
	terms  []*rangeTerm // bleve's term order
	order  []*rangeTerm // bleve's disjunction's order

	seg    []rangeSeg
	starts []uint64 // first document number of each segment
	n      uint64   // documents in all
	next   uint64   // document number to look at next
}

func (s *rangeSearcher) Weight() float64 { return termsWeight(s.boost, s.order) }

func (s *rangeSearcher) SetQueryNorm(qnorm float64) { setTermsQueryNorm(s.boost, qnorm, s.order) }

// Count is bleve's disjunction's: the sum of the terms' counts.
func (s *rangeSearcher) Count() uint64 { return termsCount(s.terms) }

func (s *rangeSearcher) Min() int  { return 0 }
func (s *rangeSearcher) Size() int { return 0 }
func (s *rangeSearcher) DocumentMatchPoolSize() int {
	if s.single {
		return 1
	}
	return 2*len(s.terms) + 1
}
func (s *rangeSearcher) Close() error { return nil }

func (s *rangeSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.from(ctx, s.next), nil
}

func (s *rangeSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	return s.from(ctx, max(s.next, id.Value())), nil
}

// from returns the first match at or after document number n.
func (s *rangeSearcher) from(ctx *search.SearchContext, n uint64) *search.DocumentMatch {
	if n >= s.n {
		s.next = s.n
		return nil
	}
	for i := s.segOf(n); i < len(s.seg); i++ {
		seg := s.seg[i]
		tab := seg.tab
		local := n - s.starts[i]
		for d := local; d < uint64(len(tab.term)); d++ {
			lt := tab.term[d]
			if lt < 0 || (seg.del != nil && seg.del.Contains(uint32(d))) {
				continue
			}
			m := ctx.DocumentMatchPool.Get()
			id := s.starts[i] + d
			m.IndexInternalID = bleveindex.NewIndexInternalID(m.IndexInternalID, id)
			m.Score = s.scoreAt(i, uint32(d))
			s.next = id + 1
			return m
		}
		n = s.segEnd(i)
	}
	s.next = s.n
	return nil
}

// segOf is the segment of document number n (< s.n).
func (s *rangeSearcher) segOf(n uint64) int {
	return sort.Search(len(s.starts), func(i int) bool { return s.starts[i] > n }) - 1
}

// segEnd is the first document number after segment i.
func (s *rangeSearcher) segEnd(i int) uint64 {
	if i+1 < len(s.starts) {
		return s.starts[i+1]
	}
	return s.n
}

// scoreAt is the score of document d of segment i, a match.
func (s *rangeSearcher) scoreAt(i int, d uint32) float64 {
	seg := s.seg[i]
	t := s.terms[seg.term[seg.tab.term[d]]]
	// bleve's TermQueryScorer.Score, then the disjunction's sum of one
	// score times its coordination factor.
	score := t.score(seg.tab.tfNorm[d])
	if s.single {
		return score
	}
	return score * s.coord
}

// matchQuery is orig, a match query of the query string on a keyword field
// (outcome:upheld): bleve searches it as a disjunction of its one term,
// which a rangeSearcher of that term reproduces (normalized on its own,
// coordination 1/1). Other match queries are left to bleve.
type matchQuery struct {
	orig *query.MatchQuery
	segs *segCache // nil: tables not kept
}

func (q *matchQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if q.orig.Fuzziness != 0 || q.orig.Operator != query.MatchQueryOperatorOr || q.orig.Match == "" {
		return q.orig.Searcher(ctx, r, m, options)
	}
	return tableSearch(ctx, r, m, options, q.orig, q.orig.FieldVal, func(snap *scorch.IndexSnapshot, field string) (search.Searcher, error) {
		name := q.orig.Analyzer
		if name == "" {
			name = m.AnalyzerNameForPath(field)
		}
		if name != keyword.Name {
			return nil, nil
		}
		// Automatic fuzziness is only seen in the query's JSON.
		if b, err := json.Marshal(q.orig); err != nil || bytes.Contains(b, []byte(`"auto"`)) {
			return nil, nil
		}
		term := []byte(q.orig.Match) // the keyword analyzer's one token
		return tableSearcher(newTableSearcher(r, snap, q.segs, field, q.orig.BoostVal.Value(),
			[]*rangeTerm{{term: term}}, [][2][]byte{{term, term}}, "t\x00"+field+"\x00"+q.orig.Match, false))
	})
}
