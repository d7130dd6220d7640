package index

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/registry"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/highlight"
	"github.com/blevesearch/bleve/v2/search/highlight/format/plain"
	simpleFragmenter "github.com/blevesearch/bleve/v2/search/highlight/fragmenter/simple"
	simpleHighlighter "github.com/blevesearch/bleve/v2/search/highlight/highlighter/simple"
	"github.com/blevesearch/bleve/v2/search/query"

	"github.com/precedent-dev/precedent/pipeline"
)

// Snippet markers: a snippet is plain text with each match between
// MarkStart and MarkEnd. Nothing is escaped.
const (
	MarkStart = "[["
	MarkEnd   = "]]"
)

// highlighterName is the plain-text highlighter registered by this package.
const highlighterName = "precedent_plain"

func init() {
	err := registry.RegisterHighlighter(highlighterName, func(config map[string]interface{}, cache *registry.Cache) (highlight.Highlighter, error) {
		fragmenter, err := cache.FragmenterNamed(simpleFragmenter.Name)
		if err != nil {
			return nil, err
		}
		return simpleHighlighter.NewHighlighter(fragmenter,
			plain.NewFragmentFormatter(MarkStart, MarkEnd), simpleHighlighter.DefaultSeparator), nil
	})
	if err != nil {
		panic(err)
	}
}

// DefaultLimit is the number of hits of a query without a Limit.
const DefaultLimit = 10

// facetSize is the number of terms of each facet.
const facetSize = 20

// facetFields maps a facet name of Result.Facets to its field.
var facetFields = []struct{ name, field string }{
	{"outcome", fieldOutcome},
	{"procedure", fieldProcedures},
	{"finding", fieldFindings},
	{"guideline", fieldGuidelines},
	{"kind", fieldKind},
	{"specialty", fieldSpecialties},
}

// storedFields are the stored fields a hit shows.
var storedFields = []string{fieldCaseNumberShown, fieldKind, fieldOutcome, fieldServices, fieldPath}

// A Query is a search: a bleve query string and filters, all ANDed.
type Query struct {
	// Q is bleve query-string syntax over the letter text by default
	// ("hardware removal", +faber -outcome:overturned); "" matches all.
	Q string
	// Findings are finding tags: "code", "code:status" or
	// "code:status:side" ("faber:positive:right"). A bare code matches any
	// status.
	Findings []string
	// Outcome, Procedure and Kind filter on those keywords.
	Outcome, Procedure, Kind string
	// Guideline and Specialty keep cases relying on that guideline and
	// reviewed by that specialty (terms of the facets of those names).
	Guideline, Specialty string
	// MinRelief keeps cases whose largest patient relief percent is at
	// least this.
	MinRelief *float64
	// Limit (default DefaultLimit) and Offset page the hits.
	Limit, Offset int
}

// A Hit is one case found.
type Hit struct {
	ID         string   `json:"id"`
	Score      float64  `json:"score"`
	CaseNumber string   `json:"case_number"`
	Kind       string   `json:"kind"`
	Outcome    string   `json:"outcome"`
	Services   []string `json:"services"`
	Path       string   `json:"path"`
	// Snippets are plain-text fragments of the letter with each match
	// between MarkStart and MarkEnd.
	Snippets []string `json:"snippets"`
}

// A Result is the answer to a Query.
type Result struct {
	Total uint64 `json:"total"`
	Hits  []Hit  `json:"hits"`
	// Facets count the matching cases per term of outcome, procedure,
	// finding, guideline, kind and specialty (top 20 terms each).
	Facets map[string]map[string]int `json:"facets"`
}

// Search runs q. A query string that does not parse gives an error wrapping
// ErrBadQuery with bleve's reason.
func (ix *Index) Search(q Query) (*Result, error) {
	return ix.SearchContext(context.Background(), q)
}

// SearchContext is Search bounded by ctx: a cancelled or expired ctx stops
// the search and its error wraps ctx.Err().
func (ix *Index) SearchContext(ctx context.Context, q Query) (*Result, error) {
	bq, err := buildQuery(q)
	if err != nil {
		return nil, err
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	offset := max(q.Offset, 0)
	if strings.TrimSpace(q.Q) == "" {
		// Filters only: bitmaps, hits in id order (filter.go).
		if clauses, ok := filterClauses(bq); ok {
			return ix.searchFilters(ctx, clauses, limit, offset)
		}
	}
	// Phrases without their locations (phrase.go); bq, with bleve's
	// phrases, gives the snippets.
	main, err := buildQuery(q)
	if err == nil {
		main, err = fastPhrases(main, &ix.segs)
	}
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrBadQuery, err)
	}
	req := bleve.NewSearchRequestOptions(main, limit, offset, false)
	req.Fields = storedFields
	// Score descending, then id ascending: bleve sorts by score, hc breaks
	// the ties by id (order.go).
	req.SortBy([]string{"-_score"})
	// No highlighting here: bleve would read the term locations of every
	// match for it. The returned hits are highlighted after (snippets).
	// Facets are counted by fc during the search (facets.go), not by bleve.
	fc := &facetCounter{}
	hc := &hitCollector{segs: &ix.segs, size: offset + limit, fc: fc}
	hctx := context.WithValue(ctx, search.MakeDocumentMatchHandlerKey,
		search.MakeDocumentMatchHandler(hc.makeHandler))
	res, err := ix.idx.SearchInContext(hctx, req)
	if err != nil {
		return nil, fmt.Errorf("index %s: search: %w", ix.path, err)
	}
	out := &Result{Total: res.Total, Hits: hits(res.Hits), Facets: map[string]map[string]int{}}
	if q.Q != "" {
		if err := ix.snippets(ctx, bq, out.Hits); err != nil {
			return nil, err
		}
	}
	for _, f := range facetFields {
		counts := fc.facets[f.name]
		if counts == nil {
			counts = map[string]int{}
		}
		out.Facets[f.name] = counts
	}
	return out, nil
}

// snippets sets the snippets of hits, matches of bq, so that only the
// returned hits are highlighted: bleve's highlighter on the term locations
// of each case found by one search restricted to the hits. A
// matching case's locations are those of the clauses of the query string
// that are not negated and match the case (bleve merges them and removes
// duplicates), so the restricted search is the disjunction of those
// clauses: bleve v2.6.1's boolean searcher, advanced to a case, can lose
// the locations of its should clauses (TestSearchMatchesBleve).
func (ix *Index) snippets(ctx context.Context, bq query.Query, hs []Hit) error {
	all, err := positiveClauses(bq, nil)
	if err != nil {
		return fmt.Errorf("%w: %v", ErrBadQuery, err)
	}
	// Only the clauses over the letter text give snippet locations (the
	// others, e.g. a numeric range costly to set up, are left out).
	var leaves []query.Query
	for _, c := range all {
		if f, ok := c.(query.FieldableQuery); ok && (f.Field() == "" || f.Field() == fieldText) {
			leaves = append(leaves, c)
		}
	}
	highlight := func(q query.Query, size int) (*bleve.SearchResult, error) {
		req := bleve.NewSearchRequestOptions(q, size, 0, false)
		req.Highlight = bleve.NewHighlightWithStyle(highlighterName)
		req.Highlight.AddField(fieldText)
		res, err := ix.idx.SearchInContext(ctx, req)
		if err != nil {
			return nil, fmt.Errorf("index %s: search: snippets: %w", ix.path, err)
		}
		return res, nil
	}
	// One search for all the hits: the clauses' searchers are set up once
	// and advanced from hit to hit.
	fragments := map[string][]string{}
	if len(leaves) > 0 && len(hs) > 0 {
		ids := make([]string, len(hs))
		for i, h := range hs {
			ids[i] = h.ID
		}
		res, err := highlight(bleve.NewConjunctionQuery(bleve.NewDisjunctionQuery(leaves...), bleve.NewDocIDQuery(ids)), len(hs))
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			fragments[h.ID] = h.Fragments[fieldText]
		}
	}
	for i := range hs {
		frags, ok := fragments[hs[i].ID]
		if !ok {
			// No location in the text: bleve's highlighter still gives
			// the text's first fragment.
			res, err := highlight(bleve.NewDocIDQuery([]string{hs[i].ID}), 1)
			if err != nil {
				return err
			}
			if len(res.Hits) == 1 {
				frags = res.Hits[0].Fragments[fieldText]
			}
		}
		hs[i].Snippets = append([]string{}, frags...)
	}
	return nil
}

// positiveClauses appends to out the clauses of the query string of bq
// that are not negated.
func positiveClauses(bq query.Query, out []query.Query) ([]query.Query, error) {
	var err error
	switch x := bq.(type) {
	case *query.QueryStringQuery:
		parsed, err := x.Parse()
		if err != nil {
			return nil, err
		}
		return positiveClauses(parsed, out)
	case *query.BooleanQuery:
		for _, c := range []query.Query{x.Must, x.Should} {
			if c != nil {
				if out, err = positiveClauses(c, out); err != nil {
					return nil, err
				}
			}
		}
		return out, nil
	case *query.ConjunctionQuery:
		for _, c := range x.Conjuncts {
			if out, err = positiveClauses(c, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	case *query.DisjunctionQuery:
		for _, c := range x.Disjuncts {
			if out, err = positiveClauses(c, out); err != nil {
				return nil, err
			}
		}
		return out, nil
	}
	return append(out, bq), nil
}

// buildQuery turns q into a bleve query.
func buildQuery(q Query) (query.Query, error) {
	var must []query.Query
	if s := strings.TrimSpace(q.Q); s != "" {
		qs := bleve.NewQueryStringQuery(s)
		if _, err := qs.Parse(); err != nil {
			return nil, fmt.Errorf("%w: %v", ErrBadQuery, err)
		}
		must = append(must, qs)
	}
	for _, f := range q.Findings {
		f = lower(f)
		if f == "" {
			continue
		}
		if !strings.Contains(f, ":") {
			// A bare code: any status.
			p := bleve.NewPrefixQuery(f + ":")
			p.SetField(fieldFindings)
			must = append(must, p)
			continue
		}
		must = append(must, term(fieldFindings, f))
	}
	if s := lower(q.Outcome); s != "" {
		must = append(must, term(fieldOutcome, s))
	}
	if s := lower(q.Procedure); s != "" {
		must = append(must, term(fieldProcedures, s))
	}
	if s := lower(q.Kind); s != "" {
		must = append(must, term(fieldKind, s))
	}
	if s := lower(q.Guideline); s != "" {
		must = append(must, term(fieldGuidelines, s))
	}
	if s := lower(q.Specialty); s != "" {
		must = append(must, term(fieldSpecialties, s))
	}
	if q.MinRelief != nil {
		incl := true
		r := bleve.NewNumericRangeInclusiveQuery(q.MinRelief, nil, &incl, nil)
		r.SetField(fieldMaxRelief)
		must = append(must, r)
	}
	switch len(must) {
	case 0:
		return bleve.NewMatchAllQuery(), nil
	case 1:
		return must[0], nil
	}
	return bleve.NewConjunctionQuery(must...), nil
}

func term(field, value string) *query.TermQuery {
	t := bleve.NewTermQuery(value)
	t.SetField(field)
	return t
}

// hits converts bleve's hits.
func hits(dm search.DocumentMatchCollection) []Hit {
	out := make([]Hit, 0, len(dm))
	for _, h := range dm {
		out = append(out, Hit{
			ID:         h.ID,
			Score:      h.Score,
			CaseNumber: str(h.Fields[fieldCaseNumberShown]),
			Kind:       str(h.Fields[fieldKind]),
			Outcome:    str(h.Fields[fieldOutcome]),
			Services:   strs(h.Fields[fieldServices]),
			Path:       str(h.Fields[fieldPath]),
			Snippets:   append([]string{}, h.Fragments[fieldText]...),
		})
	}
	return out
}

func str(v interface{}) string {
	s, _ := v.(string)
	return s
}

// strs reads a stored multi-valued field: bleve returns a single value as
// a string and several as a slice.
func strs(v interface{}) []string {
	switch v := v.(type) {
	case string:
		return []string{v}
	case []interface{}:
		out := make([]string, 0, len(v))
		for _, x := range v {
			if s, ok := x.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return []string{}
}

// Similar is the answer to Index.Similar.
type Similar struct {
	Hits []Hit `json:"hits"`
	// Outcomes counts the outcomes among Hits.
	Outcomes map[string]int `json:"outcomes"`
}

// Boosts of the similarity query: a shared procedure weighs most, then its
// side and levels, then each shared finding tag.
const (
	boostProcedure  = 4
	boostServiceKey = 2
	boostFinding    = 1
)

// Similar returns the limit cases (default DefaultLimit) with the most
// similar services (procedure, laterality, levels) and finding profile,
// excluding c itself, and the outcome counts among them.
func (ix *Index) Similar(c *pipeline.Case, limit int) (*Similar, error) {
	if c == nil {
		return nil, errors.New("index: Similar of a nil case")
	}
	if limit <= 0 {
		limit = DefaultLimit
	}
	d, err := toDoc(c)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", ix.path, err)
	}
	var should []query.Query
	add := func(field string, values []string, boost float64) {
		for _, v := range values {
			t := term(field, v)
			t.SetBoost(boost)
			should = append(should, t)
		}
	}
	add(fieldProcedures, d.Procedures, boostProcedure)
	add(fieldServiceKeys, d.ServiceKeys, boostServiceKey)
	add(fieldFindings, d.Findings, boostFinding)
	out := &Similar{Hits: []Hit{}, Outcomes: map[string]int{}}
	if len(should) == 0 {
		return out, nil
	}
	bq := bleve.NewBooleanQuery()
	bq.AddShould(should...)
	bq.SetMinShould(1)
	if c.ID != "" {
		bq.AddMustNot(bleve.NewDocIDQuery([]string{c.ID}))
	}
	req := bleve.NewSearchRequestOptions(bq, limit, 0, false)
	req.Fields = storedFields
	req.SortBy([]string{"-_score"}) // then id: hc (order.go)
	hc := &hitCollector{segs: &ix.segs, size: limit}
	ctx := context.WithValue(context.Background(), search.MakeDocumentMatchHandlerKey,
		search.MakeDocumentMatchHandler(hc.makeHandler))
	res, err := ix.idx.SearchInContext(ctx, req)
	if err != nil {
		return nil, fmt.Errorf("index %s: similar: %w", ix.path, err)
	}
	out.Hits = hits(res.Hits)
	for _, h := range out.Hits {
		out.Outcomes[h.Outcome]++
	}
	return out, nil
}
