package index

import (
	"context"
	"fmt"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A quoted phrase of the query string is a bleve phrase searcher: a
// conjunction of its terms, read with their locations, and for each case
// holding all the terms, a map of every location of every term from which
// it finds the phrase's paths. On a phrase of common words that is most of
// the time of a search (tens of thousands of candidate cases).
//
// phraseQuery is the same search made cheaper: the conjunction of the
// terms is read without locations (it scores the match, as it does inside
// bleve's phrase searcher: same searchers, same weights, same scores), and
// a candidate is kept when the positions of the terms, read from their own
// postings, hold the phrase (the terms at consecutive positions, a removed
// stop word counting as one). It does not give the phrase's locations, so
// it serves the searches that need none (the main search; snippets
// highlight the returned hits with bleve's own phrase query).

// fastPhrases returns bq with the phrases of its query string (in any
// boolean, conjunction or disjunction) replaced by phraseQuery, and a
// query string of one optional clause replaced by the clause.
func fastPhrases(bq query.Query) (query.Query, error) {
	switch x := bq.(type) {
	case *query.QueryStringQuery:
		parsed, err := x.Parse()
		if err != nil {
			return nil, err
		}
		return fastPhrases(parsed)
	case *query.MatchPhraseQuery:
		if x.Fuzziness != 0 {
			return x, nil
		}
		return &phraseQuery{orig: x}, nil
	case *query.BooleanQuery:
		var err error
		for _, q := range []*query.Query{&x.Must, &x.Should, &x.MustNot} {
			if *q != nil {
				if *q, err = fastPhrases(*q); err != nil {
					return nil, err
				}
			}
		}
		// A query string of one optional clause: bleve searches its
		// disjunction of one clause, which scores as the clause (the sum
		// of one score, coordination factor 1/1) but wraps every match
		// once more.
		d, ok := x.Should.(*query.DisjunctionQuery)
		if ok && x.Must == nil && x.MustNot == nil && x.Filter == nil && x.BoostVal == nil &&
			len(d.Disjuncts) == 1 && d.Min <= 1 && d.BoostVal == nil {
			return d.Disjuncts[0], nil
		}
	case *query.ConjunctionQuery:
		for i, c := range x.Conjuncts {
			r, err := fastPhrases(c)
			if err != nil {
				return nil, err
			}
			x.Conjuncts[i] = r
		}
	case *query.DisjunctionQuery:
		for i, c := range x.Disjuncts {
			r, err := fastPhrases(c)
			if err != nil {
				return nil, err
			}
			x.Disjuncts[i] = r
		}
	}
	return bq, nil
}

// phraseQuery is orig (a phrase without fuzziness) searched by
// phraseSearcher when that gives the same matches and scores, else by
// bleve's phrase searcher.
type phraseQuery struct {
	orig *query.MatchPhraseQuery
}

func (q *phraseQuery) Searcher(ctx context.Context, r bleveindex.IndexReader, m mapping.IndexMapping, options search.SearcherOptions) (search.Searcher, error) {
	if options.IncludeTermVectors || options.Explain || options.Score == "none" ||
		ctx.Value(search.FieldTermSynonymMapKey) != nil {
		return q.orig.Searcher(ctx, r, m, options)
	}
	field := q.orig.FieldVal
	if field == "" {
		field = m.DefaultSearchField()
	}
	name := q.orig.Analyzer
	if name == "" {
		name = m.AnalyzerNameForPath(field)
	}
	analyzer := m.AnalyzerNamed(name)
	if analyzer == nil {
		return q.orig.Searcher(ctx, r, m, options)
	}
	// The phrase as bleve's match phrase query makes it: one slot per
	// position from the first token to the last, empty where a token was
	// removed.
	tokens := analyzer.Analyze([]byte(q.orig.MatchPhrase))
	if len(tokens) == 0 {
		return q.orig.Searcher(ctx, r, m, options)
	}
	first, last := tokens[0].Position, tokens[0].Position
	for _, t := range tokens {
		first, last = min(first, t.Position), max(last, t.Position)
	}
	slots := make([]string, last-first+1)
	for _, t := range tokens {
		if slots[t.Position-first] != "" || len(t.Term) == 0 {
			// Two terms at one position: bleve's multi-phrase.
			return q.orig.Searcher(ctx, r, m, options)
		}
		slots[t.Position-first] = string(t.Term)
	}
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		return q.orig.Searcher(ctx, r, m, options)
	}
	boost := q.orig.BoostVal.Value()
	var terms []search.Searcher
	var words []string
	var offsets []uint64
	for i, t := range slots {
		if t == "" {
			continue
		}
		ts, err := searcher.NewTermSearcher(ctx, r, t, field, boost, options)
		if err != nil {
			for _, s := range terms {
				_ = s.Close()
			}
			return nil, err
		}
		terms = append(terms, ts)
		words = append(words, t)
		offsets = append(offsets, uint64(i))
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, terms, options)
	if err != nil {
		for _, s := range terms {
			_ = s.Close()
		}
		return nil, err
	}
	s := &phraseSearcher{must: must, field: field, words: words, offsets: offsets, seg: -1}
	s.segs = snap.Segments()
	var n uint64
	for _, sg := range s.segs {
		s.starts = append(s.starts, n)
		n += sg.Segment().Count() // deleted documents included, as scorch numbers them
	}
	s.starts = append(s.starts, n)
	s.iters = make([]segment.PostingsIterator, len(words))
	// As bleve's phrase searcher: normalized on its own until the
	// enclosing query sets the norm.
	s.must.SetQueryNorm(1 / math.Sqrt(s.must.Weight()))
	return s, nil
}

// phraseSearcher filters the matches of must (the conjunction of the
// phrase's terms) by the positions of the terms (words[i] at offsets[i]
// from the first), read from the postings of the segment of each match.
type phraseSearcher struct {
	must    search.Searcher
	field   string
	words   []string
	offsets []uint64
	curr    *search.DocumentMatch // must's current match, not yet checked
	started bool

	segs   []*scorch.SegmentSnapshot
	starts []uint64 // first document number of each segment, then the total
	seg    int      // segment of iters, -1 before the first
	iters  []segment.PostingsIterator
	pls    []segment.PostingsList
}

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	if !s.started {
		s.started = true
		var err error
		if s.curr, err = s.must.Next(ctx); err != nil {
			return nil, err
		}
	}
	for s.curr != nil {
		d := s.curr
		ok, err := s.holds(d.IndexInternalID)
		if err != nil {
			return nil, err
		}
		if s.curr, err = s.must.Next(ctx); err != nil {
			return nil, err
		}
		if ok {
			return d, nil
		}
		ctx.DocumentMatchPool.Put(d)
	}
	return nil, nil
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	if !s.started {
		s.started = true
		var err error
		if s.curr, err = s.must.Advance(ctx, id); err != nil {
			return nil, err
		}
		return s.Next(ctx)
	}
	if s.curr == nil {
		return nil, nil
	}
	if s.curr.IndexInternalID.Compare(id) < 0 {
		ctx.DocumentMatchPool.Put(s.curr)
		var err error
		if s.curr, err = s.must.Advance(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.Next(ctx)
}

// holds reports whether the document id, which has every term, has them
// at the phrase's positions.
func (s *phraseSearcher) holds(id bleveindex.IndexInternalID) (bool, error) {
	n := id.Value()
	if s.seg < 0 || n < s.starts[s.seg] || n >= s.starts[s.seg+1] {
		if err := s.openSegment(n); err != nil {
			return false, err
		}
	}
	local := n - s.starts[s.seg]
	var first []segment.Location
	var locs [8][]segment.Location
	rest := locs[:0]
	if len(s.iters) > len(locs) {
		rest = make([][]segment.Location, 0, len(s.iters))
	}
	for i, it := range s.iters {
		p, err := it.Advance(local)
		if err != nil {
			return false, err
		}
		if p == nil || p.Number() != local {
			// Cannot happen: the conjunction found every term here.
			return false, nil
		}
		if i == 0 {
			first = p.Locations()
		} else {
			rest = append(rest, p.Locations())
		}
	}
	for _, l0 := range first {
		at := l0.Pos() - s.offsets[0]
		ok := true
		for i := 1; i < len(s.iters) && ok; i++ {
			ok = hasPos(rest[i-1], at+s.offsets[i], l0.ArrayPositions())
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// openSegment points the iterators at the postings of the segment of
// document number n (matches come in increasing order).
func (s *phraseSearcher) openSegment(n uint64) error {
	s.seg = sort.Search(len(s.segs), func(i int) bool { return s.starts[i+1] > n })
	if s.seg >= len(s.segs) {
		return fmt.Errorf("phrase: document number %d out of range %v", n, s.starts)
	}
	sg := s.segs[s.seg]
	dict, err := sg.Segment().Dictionary(s.field)
	if err != nil {
		return err
	}
	if s.pls == nil {
		s.pls = make([]segment.PostingsList, len(s.words))
	}
	for i, w := range s.words {
		if s.pls[i], err = dict.PostingsList([]byte(w), sg.Deleted(), s.pls[i]); err != nil {
			return err
		}
		s.iters[i] = s.pls[i].Iterator(false, false, true, s.iters[i])
	}
	return nil
}

// hasPos reports whether a location of ls is at pos in the same array
// element as ap (bleve's phrase paths stay in one element).
func hasPos(ls []segment.Location, pos uint64, ap []uint64) bool {
	for _, l := range ls {
		if l.Pos() == pos && slices.Equal(l.ArrayPositions(), ap) {
			return true
		}
	}
	return false
}

func (s *phraseSearcher) Close() error { return s.must.Close() }

func (s *phraseSearcher) Weight() float64            { return s.must.Weight() }
func (s *phraseSearcher) SetQueryNorm(qnorm float64) { s.must.SetQueryNorm(qnorm) }
func (s *phraseSearcher) Count() uint64              { return s.must.Count() }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Size() int                  { return s.must.Size() }
func (s *phraseSearcher) DocumentMatchPoolSize() int {
	return s.must.DocumentMatchPoolSize() + 1
}
