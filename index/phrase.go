package index

import (
	"context"
	"math"
	"slices"
	"sort"

	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
	segment "github.com/blevesearch/scorch_segment_api/v2"
)

// A quoted phrase of the query string is a bleve phrase searcher: a
// conjunction of its terms, read with their locations, and for each case
// holding all the terms, a map of every location of every term from which
// it finds the phrase's paths. On a phrase of common words that is most of
// the time of a search (tens of thousands of candidate cases).
//
// phraseQuery is the same search made cheaper: phraseSearcher walks the
// postings of the phrase's terms in each segment once (frequency, norm and
// locations together), keeps a case when the terms are at the phrase's
// positions (consecutive, a removed stop word counting as one), and scores
// it as bleve does (the sum of its terms' tf-idf scores, with bleve's
// weights, norms and order of summation; TestSearchMatchesBleve compares
// hits and scores). It gives no locations, so it serves the searches that
// need none (the main search; snippets highlight the returned hits with
// bleve's own phrase query), and leaves the others to bleve. A phrase of
// two words of the letter text reads no location at all: its matches are
// the postings of the pair of words (pairs.go), and its terms' postings
// give only the frequencies and norms of the scores.

// fastPhrases returns bq with the phrases of its query string (in any
// boolean, conjunction or disjunction) replaced by phraseQuery, its numeric
// ranges by rangeQuery (with segs, the cache of their tables), and a query
// string of one optional clause replaced by the clause.
func fastPhrases(bq query.Query, segs *segCache) (query.Query, error) {
	switch x := bq.(type) {
	case *query.QueryStringQuery:
		parsed, err := x.Parse()
		if err != nil {
			return nil, err
		}
		return fastPhrases(parsed, segs)
	case *query.MatchPhraseQuery:
		if x.Fuzziness != 0 {
			return x, nil
		}
		return &phraseQuery{orig: x}, nil
	case *query.NumericRangeQuery:
		return &rangeQuery{orig: x, segs: segs}, nil // numrange.go
	case *query.TermQuery:
		return &termQuery{orig: x, segs: segs}, nil // numrange.go
	case *query.MatchQuery:
		return &matchQuery{orig: x, segs: segs}, nil // numrange.go
	case *query.BooleanQuery:
		var err error
		for _, q := range []*query.Query{&x.Must, &x.Should, &x.MustNot} {
			if *q != nil {
				if *q, err = fastPhrases(*q, segs); err != nil {
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
			r, err := fastPhrases(c, segs)
			if err != nil {
				return nil, err
			}
			x.Conjuncts[i] = r
		}
		return &conjQuery{orig: x}, nil // conj.go
	case *query.DisjunctionQuery:
		for i, c := range x.Disjuncts {
			r, err := fastPhrases(c, segs)
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
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok || !tableOptions(ctx, options) {
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
	docTotal, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	s := &phraseSearcher{seg: -1, boost: q.orig.BoostVal.Value()}
	if len(slots) == 2 && field == fieldText && name == en.AnalyzerName {
		// Two adjacent words: the cases of their pair (pairs.go).
		s.pair = []byte(pairTerm(slots[0], slots[1]))
	}
	s.segs = snap.Segments()
	var n uint64
	for _, sg := range s.segs {
		s.starts = append(s.starts, n)
		n += sg.Segment().Count() // deleted documents included, as scorch numbers them
	}
	s.starts = append(s.starts, n)
	for i, w := range slots {
		if w != "" {
			s.terms = append(s.terms, &phraseTerm{offset: uint64(i), pls: make([]segment.PostingsList, len(s.segs))})
		}
	}
	// Live documents with each term, as bleve's term field reader counts
	// them, from the postings lists that openSegment walks.
	for k, sg := range s.segs {
		dict, err := sg.Segment().Dictionary(field)
		if err != nil {
			return nil, err
		}
		for _, t := range s.terms {
			pl, err := dict.PostingsList([]byte(slots[t.offset]), sg.Deleted(), nil)
			if err != nil {
				return nil, err
			}
			t.count += pl.Count()
			t.pls[k] = pl
		}
	}
	for _, t := range s.terms {
		t.setIDF(docTotal)
	}
	// bleve's conjunction orders its term searchers by count; it sums
	// weights and scores in that order.
	s.order = slices.Clone(s.terms)
	sort.Sort(byCount[*phraseTerm](s.order))
	// As bleve's phrase searcher: normalized on its own until the
	// enclosing query sets the norm.
	s.SetQueryNorm(1.0 / math.Sqrt(s.Weight()))
	return s, nil
}

// phraseTerm is a term of a phrase, offset positions after the first,
// with what bleve's term scorer needs.
type phraseTerm struct {
	offset uint64
	termStats
	pls []segment.PostingsList // of each segment
	it  segment.PostingsIterator
	p   segment.Posting // at the current document
}

// phraseSearcher finds the documents with every term of the phrase at its
// position, reading each segment's postings once (frequency, norm and
// locations), and scores them as bleve's phrase searcher does (the sum of
// the tf-idf scores of its terms, in the order of its conjunction).
type phraseSearcher struct {
	boost float64
	terms []*phraseTerm // in phrase order
	order []*phraseTerm // by count, bleve's conjunction order

	// pair is the term of fieldTextPairs of a phrase of two words: its
	// postings are the matches, no location is read.
	pair   []byte
	pairPL segment.PostingsList
	pairIt segment.PostingsIterator

	segs    []*scorch.SegmentSnapshot
	starts  []uint64 // first document number of each segment, then the total
	seg     int      // segment of the iterators, -1 before the first
	done    bool
	started bool   // a document was returned: last
	last    uint64 // document number of the last match returned
}

func (s *phraseSearcher) Weight() float64 { return termsWeight(s.boost, s.order) }

func (s *phraseSearcher) SetQueryNorm(qnorm float64) { setTermsQueryNorm(s.boost, qnorm, s.order) }

// Count is bleve's conjunction's: the sum of the terms' counts.
func (s *phraseSearcher) Count() uint64 { return termsCount(s.order) }

func (s *phraseSearcher) Min() int                   { return 0 }
func (s *phraseSearcher) Size() int                  { return 0 }
func (s *phraseSearcher) DocumentMatchPoolSize() int { return 2*len(s.terms) + 1 }
func (s *phraseSearcher) Close() error               { return nil }

func (s *phraseSearcher) Next(ctx *search.SearchContext) (*search.DocumentMatch, error) {
	return s.from(ctx, 0, false)
}

func (s *phraseSearcher) Advance(ctx *search.SearchContext, id bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	return s.from(ctx, id.Value(), true)
}

// from returns the first match at or after document number n (after the
// current document when !advance).
func (s *phraseSearcher) from(ctx *search.SearchContext, n uint64, advance bool) (*search.DocumentMatch, error) {
	if s.done || len(s.terms) == 0 {
		return nil, nil
	}
	if advance && s.started && n <= s.last {
		// Already past n: the next match.
		advance = false
	}
	if s.seg < 0 || (advance && n >= s.starts[s.seg+1]) {
		if !advance {
			n = 0
		}
		seg := sort.Search(len(s.segs), func(i int) bool { return s.starts[i+1] > n })
		if err := s.openSegment(seg); err != nil {
			return nil, err
		}
		advance = true
	}
	for {
		if s.seg >= len(s.segs) {
			s.done = true
			return nil, nil
		}
		lead := s.order[0]
		leadIt, follow := lead.it, s.order[1:]
		if s.pair != nil {
			leadIt, follow = s.pairIt, s.order
		}
		var p segment.Posting
		var err error
		if advance && n > s.starts[s.seg] {
			p, err = leadIt.Advance(n - s.starts[s.seg])
		} else {
			p, err = leadIt.Next()
		}
		advance = false
		if err != nil {
			return nil, err
		}
		if p == nil {
			if err := s.openSegment(s.seg + 1); err != nil {
				return nil, err
			}
			continue
		}
		local := p.Number()
		if s.pair == nil {
			lead.p = p
		}
		ok := true
		for _, t := range follow {
			// The iterator may already be at or past local (a posting
			// read for an earlier candidate); it only moves forward.
			if t.p == nil || t.p.Number() < local {
				q, err := t.it.Advance(local)
				if err != nil {
					return nil, err
				}
				t.p = q
			}
			if t.p == nil || t.p.Number() != local {
				ok = false
				break
			}
		}
		if !ok || (s.pair == nil && !s.holds()) {
			continue
		}
		// bleve's TermQueryScorer.Score, summed in conjunction order.
		var sum float64
		for _, t := range s.order {
			sum += t.score(termFreq(t.p.Frequency()) * t.p.Norm())
		}
		d := ctx.DocumentMatchPool.Get()
		s.last, s.started = local+s.starts[s.seg], true
		d.IndexInternalID = bleveindex.NewIndexInternalID(d.IndexInternalID, s.last)
		d.Score = sum
		return d, nil
	}
}

// openSegment points the iterators at the postings of segment seg (past
// the last: done).
func (s *phraseSearcher) openSegment(seg int) error {
	s.seg = seg
	if seg >= len(s.segs) {
		s.done = true
		return nil
	}
	sg := s.segs[seg]
	for _, t := range s.terms {
		t.it = t.pls[seg].Iterator(true, true, s.pair == nil, t.it)
		t.p = nil
	}
	if s.pair != nil {
		pairs, err := sg.Segment().Dictionary(fieldTextPairs)
		if err != nil {
			return err
		}
		if s.pairPL, err = pairs.PostingsList(s.pair, sg.Deleted(), s.pairPL); err != nil {
			return err
		}
		s.pairIt = s.pairPL.Iterator(false, false, false, s.pairIt)
	}
	return nil
}

// holds reports whether the current document has the terms at the
// phrase's positions.
func (s *phraseSearcher) holds() bool {
	first := s.terms[0]
	for _, l0 := range first.p.Locations() {
		at := l0.Pos() - first.offset
		ok := true
		for _, t := range s.terms[1:] {
			if ok = hasPos(t.p.Locations(), at+t.offset, l0.ArrayPositions()); !ok {
				break
			}
		}
		if ok {
			return true
		}
	}
	return false
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
