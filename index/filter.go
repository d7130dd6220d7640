package index

import (
	"bytes"
	"context"
	"fmt"
	"math"
	"slices"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/numeric"
	"github.com/blevesearch/bleve/v2/search/query"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A query without a query string is a filter: every case that passes the
// filters is an equally good hit (score 1, as bleve's match-all gives), and
// the hits are in case id order. Such a query is answered from bitmaps,
// without bleve's searchers: per segment, the live documents are
// intersected with the postings bitmap of each filter (kept per segment,
// segcache.go), the first hits in id order are read from the segment's
// documents sorted by id, and the facets are counted on the match bitmaps.
// The matches are those of the bleve query buildQuery makes (tested
// against it: filter_test.go); only the scores differ: bleve would rank by
// tf-idf over the keyword tags, which favours cases with fewer tags.

// filterScore is the score of every hit of a filter-only query.
const filterScore = 1

// A filterClause is one filter: its cache key and how to build its bitmap
// in a segment.
type filterClause struct {
	key   string
	build func(segment.Segment) (*roaring.Bitmap, error)
}

// filterClauses translates bq, the query buildQuery makes of a Query
// without query string, into filter clauses: a match-all, a term, a prefix
// or a numeric range query, or a conjunction of them. ok is false for any
// other query (it is left to bleve).
func filterClauses(bq query.Query) (out []filterClause, ok bool) {
	switch x := bq.(type) {
	case *query.MatchAllQuery:
		return nil, true
	case *query.TermQuery:
		return []filterClause{termClause(x.Field(), x.Term)}, true
	case *query.PrefixQuery:
		return []filterClause{prefixClause(x.Field(), x.Prefix)}, true
	case *query.NumericRangeQuery:
		return []filterClause{rangeClause(x)}, true
	case *query.ConjunctionQuery:
		for _, c := range x.Conjuncts {
			cs, ok := filterClauses(c)
			if !ok {
				return nil, false
			}
			out = append(out, cs...)
		}
		return out, true
	}
	return nil, false
}

// termClause matches the documents with term in field.
func termClause(field, term string) filterClause {
	return filterClause{
		key: "t\x00" + field + "\x00" + term,
		build: func(s segment.Segment) (*roaring.Bitmap, error) {
			return orPostings(s, field, []byte(term), append([]byte(term), 0), nil)
		},
	}
}

// prefixClause matches the documents with a term of field starting with
// prefix.
func prefixClause(field, prefix string) filterClause {
	return filterClause{
		key: "p\x00" + field + "\x00" + prefix,
		build: func(s segment.Segment) (*roaring.Bitmap, error) {
			return orPostings(s, field, []byte(prefix), prefixEnd([]byte(prefix)), nil)
		},
	}
}

// rangeClause matches the documents with a value of the numeric field in
// the range of q. Every indexed number has one full-precision term (shift
// 0); the bounds are compared on bleve's sortable int64 form of the float,
// as its numeric range searcher does (inclusive minimum and exclusive
// maximum by default).
func rangeClause(q *query.NumericRangeQuery) filterClause {
	lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
	if q.Min != nil {
		lo = numeric.Float64ToInt64(*q.Min)
		if q.InclusiveMin != nil && !*q.InclusiveMin && lo != math.MaxInt64 {
			lo++
		}
	}
	if q.Max != nil {
		hi = numeric.Float64ToInt64(*q.Max)
		if (q.InclusiveMax == nil || !*q.InclusiveMax) && hi != math.MinInt64 {
			hi--
		}
	}
	field := q.Field()
	start := []byte{numeric.ShiftStartInt64}
	return filterClause{
		key: fmt.Sprintf("n\x00%s\x00%x\x00%x", field, lo, hi),
		build: func(s segment.Segment) (*roaring.Bitmap, error) {
			return orPostings(s, field, start, prefixEnd(start), func(term string) bool {
				v, err := numeric.PrefixCoded(term).Int64()
				return err == nil && v >= lo && v <= hi
			})
		},
	}
}

// orPostings is the union of the postings of the terms of field in
// [start, end) accepted by keep (nil: all).
func orPostings(s segment.Segment, field string, start, end []byte, keep func(string) bool) (*roaring.Bitmap, error) {
	terms, err := termsWithPostings(s, field, start, end, keep)
	if err != nil {
		return nil, err
	}
	bm := roaring.New()
	for _, t := range terms {
		bm.Or(t.bm)
	}
	return bm, nil
}

// prefixEnd is the smallest key after every key starting with prefix (nil
// when there is none).
func prefixEnd(prefix []byte) []byte {
	end := bytes.Clone(prefix)
	for i := len(end) - 1; i >= 0; i-- {
		end[i]++
		if end[i] != 0 {
			return end[:i+1]
		}
	}
	return nil
}

// liveDocs are the documents of s not deleted.
func liveDocs(s *scorch.SegmentSnapshot) *roaring.Bitmap {
	bm := roaring.New()
	bm.AddRange(0, s.Segment().Count())
	if del := s.Deleted(); del != nil {
		bm.AndNot(del)
	}
	return bm
}

// filterHit is a hit of a filter search: a document of a segment.
type filterHit struct {
	seg   int
	local uint32
	id    []byte
}

// searchFilters answers the query of clauses (see above).
func (ix *Index) searchFilters(ctx context.Context, clauses []filterClause, limit, offset int) (*Result, error) {
	adv, err := ix.idx.Advanced()
	if err != nil {
		return nil, fmt.Errorf("index %s: search: %w", ix.path, err)
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, fmt.Errorf("index %s: search: %w", ix.path, err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return nil, fmt.Errorf("index %s: search: %w", ix.path, errFacetReader)
	}
	segs := snap.Segments()
	data := ix.segs.get(segs)
	size := offset + limit
	matched := make([]*roaring.Bitmap, len(segs))
	var total uint64
	var top []filterHit
	for i, s := range segs {
		if err := ctx.Err(); err != nil {
			return nil, fmt.Errorf("index %s: search: %w", ix.path, err)
		}
		m := liveDocs(s)
		for _, c := range clauses {
			if m.IsEmpty() {
				break
			}
			bm, err := data[i].filter(c.key, c.build)
			if err != nil {
				return nil, fmt.Errorf("index %s: search: %w", ix.path, err)
			}
			m.And(bm)
		}
		matched[i] = m
		total += m.GetCardinality()
		h, err := firstByID(data[i], i, m, size)
		if err != nil {
			return nil, fmt.Errorf("index %s: search: %w", ix.path, err)
		}
		top = append(top, h...)
	}
	slices.SortFunc(top, func(a, b filterHit) int { return bytes.Compare(a.id, b.id) })
	top = top[:min(len(top), size)]
	facets, err := countFacets(data, matched)
	if err != nil {
		return nil, fmt.Errorf("index %s: search: %w", ix.path, err)
	}
	out := &Result{Total: total, Hits: []Hit{}, Facets: facets}
	for _, h := range top[min(offset, len(top)):] {
		hit, err := storedHit(segs[h.seg], h.local, string(h.id))
		if err != nil {
			return nil, fmt.Errorf("index %s: search: %w", ix.path, err)
		}
		out.Hits = append(out.Hits, hit)
	}
	return out, nil
}

// firstByID returns the (at most) size documents of m with the smallest
// ids, by id. A dense m is read in id order (the segment's documents
// sorted by id) until size are found; a sparse one is read whole.
func firstByID(d *segData, seg int, m *roaring.Bitmap, size int) ([]filterHit, error) {
	card := m.GetCardinality()
	if card == 0 || size <= 0 {
		return nil, nil
	}
	ids, err := d.idTable()
	if err != nil {
		return nil, err
	}
	n := uint64(len(ids.offs) - 1)
	var out []filterHit
	// Reading in id order checks about size*n/card documents.
	if card*card > uint64(size)*n {
		order, err := d.idOrder()
		if err != nil {
			return nil, err
		}
		for _, doc := range order {
			if m.Contains(doc) {
				out = append(out, filterHit{seg: seg, local: doc, id: ids.id(uint64(doc))})
				if len(out) == size {
					break
				}
			}
		}
		return out, nil
	}
	out = make([]filterHit, 0, card)
	it := m.Iterator()
	for it.HasNext() {
		doc := it.Next()
		out = append(out, filterHit{seg: seg, local: doc, id: ids.id(uint64(doc))})
	}
	slices.SortFunc(out, func(a, b filterHit) int { return bytes.Compare(a.id, b.id) })
	return out[:min(len(out), size)], nil
}

// storedHit reads the stored fields of document local of s, as bleve loads
// a hit's fields: a field stored once is a string, several times a list.
func storedHit(s *scorch.SegmentSnapshot, local uint32, id string) (Hit, error) {
	values := map[string][]string{}
	err := s.VisitDocument(uint64(local), func(field string, typ byte, value []byte, pos []uint64) bool {
		if typ == 't' && slices.Contains(storedFields, field) {
			values[field] = append(values[field], string(value))
		}
		return true
	})
	if err != nil {
		return Hit{}, err
	}
	one := func(f string) string {
		if v := values[f]; len(v) == 1 {
			return v[0]
		}
		return ""
	}
	services := values[fieldServices]
	if services == nil {
		services = []string{}
	}
	return Hit{
		ID:         id,
		Score:      filterScore,
		CaseNumber: one(fieldCaseNumberShown),
		Kind:       one(fieldKind),
		Outcome:    one(fieldOutcome),
		Services:   services,
		Path:       one(fieldPath),
		Snippets:   []string{},
	}, nil
}
