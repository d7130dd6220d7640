package index

import (
	"bytes"
	"slices"
	"sync"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// scorch segments are immutable: what this package derives from a segment
// (its ids, the postings bitmaps of the facet terms and of filter clauses)
// is built once, on first use, and kept while the segment is in the index.

// segData is what is kept of one segment. Its methods are safe for
// concurrent use.
type segData struct {
	seg segment.Segment

	idsOnce sync.Once
	ids     *idTable
	idsErr  error

	orderOnce sync.Once
	order     []uint32 // document numbers by id ascending
	orderErr  error

	facetOnce sync.Once
	facet     *facetIndex // facets.go
	facetErr  error

	mu      sync.Mutex
	filters map[string]*roaring.Bitmap // by clause key (filter.go)
	ranges  map[string]*rangeTable     // by field and bounds (numrange.go)
}

// termBits is a term of a field and its postings (deleted documents
// included; the caller intersects with live documents).
type termBits struct {
	term string
	bm   *roaring.Bitmap
}

// maxCachedFilters bounds the filter bitmaps kept per segment.
const maxCachedFilters = 256

// maxCachedRanges bounds the numeric range tables kept per segment (12
// bytes per document each).
const maxCachedRanges = 16

// idTable returns the table of the segment's external ids.
func (d *segData) idTable() (*idTable, error) {
	d.idsOnce.Do(func() { d.ids, d.idsErr = newIDTable(d.seg) })
	return d.ids, d.idsErr
}

// idOrder returns the segment's document numbers sorted by external id.
func (d *segData) idOrder() ([]uint32, error) {
	d.orderOnce.Do(func() {
		t, err := d.idTable()
		if err != nil {
			d.orderErr = err
			return
		}
		n := len(t.offs) - 1
		o := make([]uint32, n)
		for i := range o {
			o[i] = uint32(i)
		}
		slices.SortFunc(o, func(a, b uint32) int {
			return bytes.Compare(t.id(uint64(a)), t.id(uint64(b)))
		})
		d.order = o
	})
	return d.order, d.orderErr
}

// facetIndex returns the facet terms of the segment's documents.
func (d *segData) facetIndex() (*facetIndex, error) {
	d.facetOnce.Do(func() { d.facet, d.facetErr = newFacetIndex(d.seg) })
	return d.facet, d.facetErr
}

// filter returns the cached bitmap of the clause key, building it with
// build when missing.
func (d *segData) filter(key string, build func(segment.Segment) (*roaring.Bitmap, error)) (*roaring.Bitmap, error) {
	return cached(&d.mu, &d.filters, maxCachedFilters, key, func() (*roaring.Bitmap, error) {
		bm, err := build(d.seg)
		if err != nil {
			return nil, err
		}
		bm.RunOptimize()
		return bm, nil
	})
}

// rangeTable returns the cached numeric range table of key, building it
// with build when missing.
func (d *segData) rangeTable(key string, build func(segment.Segment) (*rangeTable, error)) (*rangeTable, error) {
	return cached(&d.mu, &d.ranges, maxCachedRanges, key, func() (*rangeTable, error) { return build(d.seg) })
}

// cached returns (*m)[key], guarded by mu, building it with build (mu not
// held) when missing and keeping it while m holds fewer than limit.
func cached[V any](mu *sync.Mutex, m *map[string]V, limit int, key string, build func() (V, error)) (V, error) {
	mu.Lock()
	v, ok := (*m)[key]
	mu.Unlock()
	if ok {
		return v, nil
	}
	v, err := build()
	if err != nil {
		var none V
		return none, err
	}
	mu.Lock()
	if *m == nil {
		*m = map[string]V{}
	}
	if len(*m) < limit {
		(*m)[key] = v
	}
	mu.Unlock()
	return v, nil
}

// termsWithPostings lists the terms of field in [start, end) accepted by
// keep (nil: all) with a copy of their postings.
func termsWithPostings(s segment.Segment, field string, start, end []byte, keep func(term string) bool) ([]termBits, error) {
	dict, err := s.Dictionary(field)
	if err != nil || dict == nil {
		return nil, err
	}
	var out []termBits
	var pl segment.PostingsList
	var it segment.PostingsIterator
	terms := dict.AutomatonIterator(nil, start, end)
	for {
		e, err := terms.Next()
		if err != nil {
			return nil, err
		}
		if e == nil {
			return out, nil
		}
		if keep != nil && !keep(e.Term) {
			continue
		}
		pl, err = dict.PostingsList([]byte(e.Term), nil, pl)
		if err != nil {
			return nil, err
		}
		it = pl.Iterator(false, false, false, it)
		bm, err := postingsBitmap(it)
		if err != nil {
			return nil, err
		}
		out = append(out, termBits{term: e.Term, bm: bm})
	}
}

// postingsBitmap copies the documents of the postings iterator it.
func postingsBitmap(it segment.PostingsIterator) (*roaring.Bitmap, error) {
	if o, ok := it.(segment.OptimizablePostingsIterator); ok {
		if n, ok := o.DocNum1Hit(); ok {
			return roaring.BitmapOf(uint32(n)), nil
		}
		if bm := o.ActualBitmap(); bm != nil {
			return bm.Clone(), nil
		}
	}
	bm := roaring.New()
	for {
		p, err := it.Next()
		if err != nil {
			return nil, err
		}
		if p == nil {
			bm.RunOptimize()
			return bm, nil
		}
		bm.Add(uint32(p.Number()))
	}
}

// segCache keeps the segData of the segments of the latest searched
// snapshot. Safe for concurrent use.
type segCache struct {
	mu   sync.Mutex
	segs map[segment.Segment]*segData
}

// get returns the data of segs, creating what is missing and dropping the
// data of segments no longer in the index (merged away or deleted). A
// search still running on an older snapshot keeps its own pointers.
func (c *segCache) get(segs []*scorch.SegmentSnapshot) []*segData {
	out := make([]*segData, len(segs))
	c.mu.Lock()
	defer c.mu.Unlock()
	next := make(map[segment.Segment]*segData, len(segs))
	for i, s := range segs {
		d := c.segs[s.Segment()]
		if d == nil {
			d = &segData{seg: s.Segment()}
		}
		next[s.Segment()] = d
		out[i] = d
	}
	c.segs = next
	return out
}
