package index

import (
	"context"
	"math"
	"slices"

	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"
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
	boost := q.orig.BoostVal.Value()
	var terms []search.Searcher
	var offsets []uint64
	var readers []bleveindex.TermFieldReader
	closeAll := func() {
		for _, s := range terms {
			_ = s.Close()
		}
		for _, tr := range readers {
			_ = tr.Close()
		}
	}
	for i, t := range slots {
		if t == "" {
			continue
		}
		ts, err := searcher.NewTermSearcher(ctx, r, t, field, boost, options)
		if err != nil {
			closeAll()
			return nil, err
		}
		terms = append(terms, ts)
		tr, err := r.TermFieldReader(ctx, []byte(t), field, false, false, true)
		if err != nil {
			closeAll()
			return nil, err
		}
		readers = append(readers, tr)
		offsets = append(offsets, uint64(i))
	}
	must, err := searcher.NewConjunctionSearcher(ctx, r, terms, options)
	if err != nil {
		closeAll()
		return nil, err
	}
	s := &phraseSearcher{must: must, readers: readers, offsets: offsets}
	s.docs = make([]bleveindex.TermFieldDoc, len(readers))
	// As bleve's phrase searcher: normalized on its own until the
	// enclosing query sets the norm.
	s.must.SetQueryNorm(1 / math.Sqrt(s.must.Weight()))
	return s, nil
}

// phraseSearcher filters the matches of must (the conjunction of the
// phrase's terms) by the positions read with readers: term i of the
// phrase at offsets[i] from the first.
type phraseSearcher struct {
	must    search.Searcher
	readers []bleveindex.TermFieldReader
	offsets []uint64
	docs    []bleveindex.TermFieldDoc
	curr    *search.DocumentMatch // must's current match, not yet checked
	started bool
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
	for i, tr := range s.readers {
		d := &s.docs[i]
		if d.ID != nil && d.ID.Compare(id) == 0 {
			continue
		}
		got, err := tr.Advance(id, d)
		if err != nil {
			return false, err
		}
		if got == nil || got.ID.Compare(id) != 0 {
			// Cannot happen: the conjunction found every term here.
			return false, nil
		}
	}
	first := s.docs[0].Vectors
	for _, v0 := range first {
		at := v0.Pos - s.offsets[0]
		ok := true
		for i := 1; i < len(s.readers) && ok; i++ {
			ok = hasPos(s.docs[i].Vectors, at+s.offsets[i], v0.ArrayPositions)
		}
		if ok {
			return true, nil
		}
	}
	return false, nil
}

// hasPos reports whether a location of vs is at pos in the same array
// element as ap (bleve's phrase paths stay in one element).
func hasPos(vs []*bleveindex.TermFieldVector, pos uint64, ap []uint64) bool {
	for _, v := range vs {
		if v.Pos == pos && slices.Equal(v.ArrayPositions, ap) {
			return true
		}
	}
	return false
}

func (s *phraseSearcher) Close() error {
	err := s.must.Close()
	for _, tr := range s.readers {
		if cerr := tr.Close(); err == nil {
			err = cerr
		}
	}
	return err
}

func (s *phraseSearcher) Weight() float64            { return s.must.Weight() }
func (s *phraseSearcher) SetQueryNorm(qnorm float64) { s.must.SetQueryNorm(qnorm) }
func (s *phraseSearcher) Count() uint64              { return s.must.Count() }
func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Size() int                  { return s.must.Size() }
func (s *phraseSearcher) DocumentMatchPoolSize() int {
	return s.must.DocumentMatchPoolSize() + 1
}
