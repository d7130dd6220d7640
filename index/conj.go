package index

import (
	"context"
	"math"
	"sort"

	"github.com/RoaringBitmap/roaring/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
)

// A conjunction (the must clauses of a query string, or the query string
// and the filters beside it) is, in bleve, a ConjunctionSearcher that
// advances its children in turn until they agree on a document: with
// table-backed children (numrange.go) over tens of thousands of documents,
// much of a query's time goes to that leapfrog, a DocumentMatch per child
// and document.
//
// conjQuery is the same search made cheaper when some children are
// rangeSearchers. It builds the same child searchers as bleve, orders them
// as bleve does (by count), sets the same query norm and sums the
// children's scores in bleve's order (bleve's ConjunctionQueryScorer), so
// matches and scores are bleve's (TestSearchMatchesBleve):
//   - all children tables (+outcome:upheld +age:>=40): conjSearcher, per
//     segment the intersection of their live documents as bitmaps;
//   - some children bleve's (the query string beside --kind imr):
//     mixedConj, bleve's conjunction step by step, the tables' steps moves
//     on their bitmaps. The steps are bleve's, not a cheaper leapfrog,
//     because bleve's boolean searcher answers differently to different
//     calls (advanced to a document its should clause already returned,
//     it loses that clause's score), so only bleve's order of calls gives
//     bleve's scores.
// With no rangeSearcher child, a single child, a child that matches
// nothing, nested mode, term vectors or explanations, it is bleve's
// conjunction.

// conjQuery is orig searched by conjSearcher when that gives the same
// matches and scores, else by bleve's conjunction searcher.
type conjQuery struct {
	orig *query.ConjunctionQuery
}

func (q *conjQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	fallback := func() (search.Searcher, error) { return q.orig.Searcher(ctx, r, m, options) }
	if nested, _ := ctx.Value(search.NestedSearchKey).(bool); nested || !tableOptions(ctx, options) || len(q.orig.Conjuncts) < 2 {
		return fallback()
	}
	ss := make(searcher.OrderedSearcherList, 0, len(q.orig.Conjuncts))
	closeAll := func() {
		for _, s := range ss {
			_ = s.Close()
		}
	}
	tables := 0
	for _, c := range q.orig.Conjuncts {
		s, err := c.Searcher(ctx, r, m, options)
		if err != nil {
			closeAll()
			return nil, err
		}
		ss = append(ss, s)
		if _, ok := s.(*searcher.MatchNoneSearcher); ok {
			// bleve drops it in query-string mode only (a flag this
			// package cannot read).
			closeAll()
			return fallback()
		}
		if _, ok := s.(*rangeSearcher); ok {
			tables++
		}
	}
	if tables == 0 {
		closeAll()
		return fallback()
	}
	// bleve's order (sort.Sort of its OrderedSearcherList) and query norm.
	sort.Sort(ss)
	var sum float64
	for _, s := range ss {
		sum += s.Weight()
	}
	qnorm := 1.0 / math.Sqrt(sum)
	if tables < len(ss) {
		s := newMixedConj(ss)
		s.SetQueryNorm(qnorm)
		return s, nil
	}
	cs := &conjSearcher{children: children(ss)}
	cs.SetQueryNorm(qnorm)
	for _, s := range ss {
		cs.cur.tables = append(cs.cur.tables, s.(*rangeSearcher))
	}
	cs.cur.seg = -1
	return cs, nil
}

// children are the searchers of a conjunction in bleve's order, with
// what bleve's ConjunctionSearcher answers from its children alone.
type children searcher.OrderedSearcherList

func (ss children) Weight() float64 {
	var rv float64
	for _, c := range ss {
		rv += c.Weight()
	}
	return rv
}

func (ss children) SetQueryNorm(qnorm float64) {
	for _, c := range ss {
		c.SetQueryNorm(qnorm)
	}
}

func (ss children) Count() uint64 {
	var sum uint64
	for _, c := range ss {
		sum += c.Count()
	}
	return sum
}

func (ss children) Min() int  { return 0 }
func (ss children) Size() int { return 0 }

func (ss children) DocumentMatchPoolSize() int {
	rv := len(ss)
	for _, c := range ss {
		rv += c.DocumentMatchPoolSize()
	}
	return rv
}

func (ss children) Close() (rv error) {
	for _, c := range ss {
		if err := c.Close(); err != nil && rv == nil {
			rv = err
		}
	}
	return rv
}

// conjSearcher is bleve's conjunction of rangeSearchers (tables): per
// segment, the intersection of their live documents. Its answers do not
// depend on the order of the calls (nor do bleve's over the same tables).
type conjSearcher struct {
	children // bleve's order

	cur  tableCursor // over all the children, in the same order
	next uint64      // document number to look at next
}

func (s *conjSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.from(ctx, s.next), nil
}

func (s *conjSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	return s.from(ctx, max(s.next, id.Value())), nil
}

// from returns the first match at or after document number n: the
// children's scores summed in bleve's order.
func (s *conjSearcher) from(ctx *search.SearchContext, n uint64) *search.DocumentMatch {
	if !s.cur.seek(n) {
		return nil
	}
	m := ctx.DocumentMatchPool.Get()
	m.IndexInternalID = bleveindex.NewIndexInternalID(m.IndexInternalID, s.cur.cur)
	m.Score = s.cur.score()
	s.next = s.cur.cur + 1
	return m
}

// tableCursor walks the documents live in all its rangeSearchers (of one
// index snapshot: the same segments) as bleve's searchers walk theirs:
// Next and Advance never go back.
type tableCursor struct {
	tables []*rangeSearcher
	seg    int // segment of it; -1: none yet
	it     roaring.IntPeekable
	cur    uint64 // current document; valid when ok
	ok     bool
	done   bool
}

// live returns the documents of segment i in all the tables and not
// deleted.
func (c *tableCursor) live(i int) *roaring.Bitmap {
	bm := c.tables[0].seg[i].tab.all()
	if len(c.tables) > 1 {
		// Not in place: a run container's in-place And converts it first.
		alls := make([]*roaring.Bitmap, len(c.tables))
		for k, t := range c.tables {
			alls[k] = t.seg[i].tab.all()
		}
		bm = roaring.FastAnd(alls...)
	}
	if del := c.tables[0].seg[i].del; del != nil {
		bm = roaring.AndNot(bm, del)
	}
	return bm
}

// seek moves to the first document at or after n (and after the current
// one when started) and reports whether there is one.
func (c *tableCursor) seek(n uint64) bool {
	t := c.tables[0]
	for !c.done && n < t.n {
		i := t.segOf(n)
		if i != c.seg {
			c.seg = i
			c.it = c.live(i).Iterator()
		}
		c.it.AdvanceIfNeeded(uint32(n - t.starts[i]))
		if c.it.HasNext() {
			c.cur = t.starts[i] + uint64(c.it.Next())
			c.ok = true
			return true
		}
		n = t.segEnd(i)
	}
	c.done, c.ok = true, false
	return false
}

// score is the sum of the tables' scores of the current document, in
// their order (bleve's ConjunctionQueryScorer).
func (c *tableCursor) score() float64 {
	d := uint32(c.cur - c.tables[0].starts[c.seg])
	var sum float64
	for _, t := range c.tables {
		sum += t.scoreAt(c.seg, d)
	}
	return sum
}

// mixedConj is bleve's ConjunctionSearcher (v2.6.1) over children of which
// some are tables: the same steps, in the same order, so that the other
// children (bleve's, whose answers can depend on the order of the calls:
// its boolean searcher, advanced past a document its should clause has
// already returned, loses that clause's score) see exactly the calls of
// bleve's conjunction; the tables' steps are moves on their bitmaps.
type mixedConj struct {
	children                         // bleve's order
	cursors  []*tableCursor          // of each child; nil: not a table
	currs    []*search.DocumentMatch // of the other children
	maxIDIdx int
	init     bool
}

func newMixedConj(ss searcher.OrderedSearcherList) *mixedConj {
	s := &mixedConj{children: children(ss), cursors: make([]*tableCursor, len(ss)), currs: make([]*search.DocumentMatch, len(ss))}
	for i, c := range ss {
		if t, ok := c.(*rangeSearcher); ok {
			s.cursors[i] = &tableCursor{tables: []*rangeSearcher{t}, seg: -1}
		}
	}
	return s
}

// has reports whether child i has a current document, and which.
func (s *mixedConj) has(i int) (uint64, bool) {
	if c := s.cursors[i]; c != nil {
		return c.cur, c.ok
	}
	if m := s.currs[i]; m != nil {
		return m.IndexInternalID.Value(), true
	}
	return 0, false
}

// step is child i's Next (advance false) or Advance to id.
func (s *mixedConj) step(ctx *search.SearchContext, i int, advance bool, id uint64) error {
	if c := s.cursors[i]; c != nil {
		n := c.tables[0].n
		if c.ok {
			n = c.cur + 1
		} else if !c.done {
			n = 0
		}
		if advance {
			n = max(n, id)
		}
		c.seek(n)
		return nil
	}
	if s.currs[i] != nil {
		ctx.DocumentMatchPool.Put(s.currs[i])
	}
	var err error
	if advance {
		s.currs[i], err = s.children[i].Advance(ctx, bleveindex.NewIndexInternalID(nil, id))
	} else {
		s.currs[i], err = s.children[i].Next(ctx)
	}
	return err
}

func (s *mixedConj) initSearchers(ctx *search.SearchContext) error {
	for i := range s.children {
		if err := s.step(ctx, i, false, 0); err != nil {
			return err
		}
	}
	s.init = true
	return nil
}

func (s *mixedConj) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.init {
		if err := s.initSearchers(ctx); err != nil {
			return nil, err
		}
	}
OUTER:
	for s.maxIDIdx < len(s.children) {
		maxID, ok := s.has(s.maxIDIdx)
		if !ok {
			break
		}
		i := 0
		for i < len(s.children) {
			v, ok := s.has(i)
			if !ok {
				return nil, nil
			}
			if i == s.maxIDIdx || v == maxID {
				i++
				continue
			}
			if maxID < v {
				s.maxIDIdx = i
				maxID = v
				for x := 0; x < i; x++ {
					if err := s.step(ctx, x, true, maxID); err != nil {
						return nil, err
					}
				}
				continue OUTER
			}
			if err := s.step(ctx, i, true, maxID); err != nil {
				return nil, err
			}
		}
		// bleve's ConjunctionQueryScorer: the sum in the children's order.
		var sum float64
		for i, c := range s.cursors {
			if c != nil {
				sum += c.score()
			} else {
				sum += s.currs[i].Score
			}
		}
		rv := ctx.DocumentMatchPool.Get()
		rv.IndexInternalID = bleveindex.NewIndexInternalID(rv.IndexInternalID, maxID)
		rv.Score = sum
		for i := range s.children {
			if err := s.step(ctx, i, false, 0); err != nil {
				return nil, err
			}
		}
		return rv, nil
	}
	return nil, nil
}

func (s *mixedConj) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.init {
		if err := s.initSearchers(ctx); err != nil {
			return nil, err
		}
	}
	n := id.Value()
	for i := range s.children {
		if v, ok := s.has(i); ok && v >= n {
			continue
		}
		if err := s.step(ctx, i, true, n); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}
