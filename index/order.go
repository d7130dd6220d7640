package index

import (
	"bytes"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/collector"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// Hits are ordered by score descending, then case id ascending. Asking
// bleve for that order (sort "-_score", "_id") makes it look up the
// external id of every match in the segment's stored fields, a good part
// of a search over many matches. Instead bleve sorts by score alone (it
// then loads no id), and the document match handler of this file keeps the
// top hits itself, breaking score ties by the case id read from a table of
// the ids of each segment (segcache.go). The hits, their
// order and the totals are the same as with bleve's sort.

// idTable holds the external ids of a segment's documents, by segment-local
// document number: id n is data[offs[n]:offs[n+1]].
type idTable struct {
	data []byte
	offs []uint32
}

func (t *idTable) id(n uint64) []byte { return t.data[t.offs[n]:t.offs[n+1]] }

// newIDTable reads the ids of s.
func newIDTable(s segment.Segment) (*idTable, error) {
	n := s.Count()
	t := &idTable{offs: make([]uint32, 0, n+1)}
	t.offs = append(t.offs, 0)
	for i := range n {
		id, err := s.DocID(i)
		if err != nil {
			return nil, err
		}
		t.data = append(t.data, id...)
		t.offs = append(t.offs, uint32(len(t.data)))
	}
	return t, nil
}

// hitCollector wraps bleve's top-N document match handler: it keeps the
// top size hits by score then id, and counts facets when fc is not nil.
type hitCollector struct {
	segs *segCache
	size int // offset + limit
	fc   *facetCounter
}

// topEntry is a held hit and its id.
type topEntry struct {
	d  *search.DocumentMatch
	id []byte
}

// worse reports whether a sorts after b: lower score, or the same score
// and a larger id.
func worse(a, b topEntry) bool {
	if a.d.Score != b.d.Score {
		return a.d.Score < b.d.Score
	}
	return bytes.Compare(a.id, b.id) > 0
}

// makeHandler is a search.MakeDocumentMatchHandler. The search must sort
// by "-_score" alone.
func (hc *hitCollector) makeHandler(sc *search.SearchContext) (search.DocumentMatchHandler, bool, error) {
	next, loadID, err := collector.MakeTopNDocumentMatchHandler(sc)
	if err != nil {
		return nil, false, err
	}
	snap, ok := sc.IndexReader.(*scorch.IndexSnapshot)
	if !ok {
		return nil, false, errFacetReader
	}
	segs := snap.Segments()
	offsets := make([]uint64, len(segs))
	var running uint64
	for i, s := range segs {
		offsets[i] = running
		running += s.Segment().Count()
	}
	data := hc.segs.get(segs)
	if hc.fc != nil {
		hc.fc.start(segs, data)
	}
	tables := make([]*idTable, len(segs))
	// heap is a max-heap by worse: heap[0] is the worst held hit.
	heap := make([]topEntry, 0, min(hc.size, 1024))
	down := func(i int) {
		for {
			l := 2*i + 1
			if l >= len(heap) {
				return
			}
			w := l
			if r := l + 1; r < len(heap) && worse(heap[r], heap[l]) {
				w = r
			}
			if !worse(heap[w], heap[i]) {
				return
			}
			heap[i], heap[w] = heap[w], heap[i]
			i = w
		}
	}
	up := func(i int) {
		for i > 0 {
			p := (i - 1) / 2
			if !worse(heap[i], heap[p]) {
				return
			}
			heap[i], heap[p] = heap[p], heap[i]
			i = p
		}
	}
	return func(d *search.DocumentMatch) error {
		if d == nil {
			if hc.fc != nil {
				if err := hc.fc.finish(); err != nil {
					return err
				}
			}
			// Hand the hits to bleve best first, numbered in that order:
			// bleve breaks score ties by that number.
			out := make([]topEntry, len(heap))
			for i := len(heap) - 1; i >= 0; i-- {
				out[i] = heap[0]
				heap[0] = heap[len(heap)-1]
				heap = heap[:len(heap)-1]
				down(0)
			}
			for i, e := range out {
				e.d.HitNumber = uint64(i + 1)
				e.d.ID = string(e.id)
				if err := next(e.d); err != nil {
					return err
				}
			}
			return next(nil)
		}
		n := d.IndexInternalID.Value()
		i := sort.Search(len(offsets), func(x int) bool { return offsets[x] > n }) - 1
		if i < 0 {
			return errFacetReader
		}
		local := n - offsets[i]
		if hc.fc != nil {
			hc.fc.record(i, local)
		}
		if hc.size <= 0 {
			sc.DocumentMatchPool.Put(d)
			return nil
		}
		if len(heap) == hc.size && d.Score < heap[0].d.Score {
			sc.DocumentMatchPool.Put(d)
			return nil
		}
		if tables[i] == nil {
			t, err := data[i].idTable()
			if err != nil {
				return err
			}
			tables[i] = t
		}
		e := topEntry{d: d, id: tables[i].id(local)}
		if len(heap) < hc.size {
			heap = append(heap, e)
			up(len(heap) - 1)
			return nil
		}
		if !worse(heap[0], e) {
			sc.DocumentMatchPool.Put(d)
			return nil
		}
		sc.DocumentMatchPool.Put(heap[0].d)
		heap[0] = e
		down(0)
		return nil
	}, loadID, nil
}
