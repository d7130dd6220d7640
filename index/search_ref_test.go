package index

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	"github.com/google/go-cmp/cmp"

	"github.com/precedent-dev/precedent/internal/synth"
	"github.com/precedent-dev/precedent/pipeline"
)

// refFacets counts q's facets with bleve's own terms facet builder.
func refFacets(t *testing.T, ix *Index, q Query) map[string]map[string]int {
	t.Helper()
	bq, err := buildQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	req := bleve.NewSearchRequestOptions(bq, 0, 0, false)
	for _, f := range facetFields {
		req.AddFacet(f.name, bleve.NewFacetRequest(f.field, facetSize))
	}
	res, err := ix.idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]map[string]int{}
	for _, f := range facetFields {
		m := map[string]int{}
		if fr := res.Facets[f.name]; fr != nil {
			for _, tf := range fr.Terms.Terms() {
				m[tf.Term] = tf.Count
			}
		}
		out[f.name] = m
	}
	return out
}

// synthCasesForTest extracts n synthetic letters (seed 7) and returns them with
// copies under other ids, copies in all, so that many cases tie.
func synthCasesForTest(t *testing.T, n, copies int) []*pipeline.Case {
	t.Helper()
	p := testPipeline(t)
	g := synth.New(7)
	distinct := make([]*pipeline.Case, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			l := g.Letter(i)
			distinct[i], errs[i] = p.ExtractBytes(context.Background(), l.Name, []byte(l.Text))
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	out := make([]*pipeline.Case, 0, n*copies)
	for c := range copies {
		for i, d := range distinct {
			cp := *d
			// Ids out of addition order; ages varied for the age ranges.
			cp.ID = fmt.Sprintf("s%03d-%04d", (c*7919)%copies, i)
			age := 20 + (i+c)%50
			cp.Patient.Age = &age
			out = append(out, &cp)
		}
	}
	return out
}

// TestSearchMatchesBleve compares Search, its hits (order, fields,
// snippets, scores) and facets, with bleve's plain search and terms facets
// over a few thousand synthetic cases in several segments, some replaced
// (deleted documents), for filter-only queries (searchFilters) and query
// strings (bleve with hitCollector).
func TestSearchMatchesBleve(t *testing.T) {
	n, copies := 30, 40
	if testing.Short() {
		n, copies = 20, 30
	}
	cases := synthCasesForTest(t, n, copies)
	ix := newIndex(t, nil)
	for _, q := range []Query{{}, {Q: "sacroiliac"}, {Outcome: "upheld"}} {
		res, err := ix.Search(q)
		if err != nil || res.Total != 0 || len(res.Hits) != 0 || len(res.Facets) != len(facetFields) {
			t.Fatalf("empty index, %+v: %+v, %v", q, res, err)
		}
	}
	for i := 0; i < len(cases); i += 700 {
		if err := ix.Add(cases[i:min(i+700, len(cases))]); err != nil {
			t.Fatal(err)
		}
	}
	// Replace some cases: their old documents are deleted ones.
	if err := ix.Add(cases[100:400]); err != nil {
		t.Fatal(err)
	}
	all, err := ix.Search(Query{})
	if err != nil {
		t.Fatal(err)
	}
	if all.Total != uint64(len(cases)) {
		t.Fatalf("match all: total %d, want %d", all.Total, len(cases))
	}
	// Queries from the terms present, so they match something.
	terms := func(facet string, k int) []string {
		var out []string
		for term := range all.Facets[facet] {
			out = append(out, term)
		}
		if len(out) == 0 {
			t.Fatalf("no %s terms in the synthetic cases", facet)
		}
		// Deterministic choice.
		slices.Sort(out)
		return out[:min(k, len(out))]
	}
	f50, f0 := 50.0, 0.0
	queries := []Query{
		{},
		{Limit: 3, Offset: 2},
		{Limit: 50, Offset: 1990},
		{Offset: 100000},
		{Outcome: "nosuchoutcome"},
		{MinRelief: &f50},
		{MinRelief: &f0, Limit: 30},
		{Q: `"sacroiliac joint"`},
		{Q: "radiofrequency ablation", Outcome: "overturned"},
		{Q: "+outcome:upheld +age:>=40 epidural", Kind: "imr"},
		{Q: "injection -epidural", Limit: 25, Offset: 5},
		{Q: `"range of motion"`, Limit: 15},
		{Q: `"lumbar epidural steroid injection" -sacroiliac`},
		{Q: `text:"joint injection" +outcome:upheld`},
		{Q: "-epidural", Limit: 5},
		{Q: "sacro* fluoroscop*", Outcome: "upheld"},
		{Q: "sacroilac~1"},
		{Q: "+age:>=40 +age:<60"},
		{Q: "outcome:upheld", Limit: 4},
		{Q: `"joint" +outcome:upheld`},
		{Q: `"sacroiliac joint" "range of motion"`, Limit: 30},
		{Q: `+"sacroiliac joint" +"range of motion" -"facet joint"`, Limit: 30},
		{Q: `"sacroiliac joint"^2 injection`, Procedure: "si_joint_injection"},
		{Q: "age:45 sacroiliac", Limit: 20},
		{Q: "+age:>40 sacroiliac", Limit: 20},
		{Q: "age:<30 injection", Outcome: "upheld"},
		{Q: `+age:>=30 +age:<=50 "sacroiliac joint"`, Limit: 25},
		{Q: "+max_relief:>=50 epidural", Limit: 15},
		{Q: "+si_positive_tests:>=2 faber -outcome:overturned"},
		{Q: "age:>=40^3 epidural", Limit: 10},
		{Q: "age:>=40", Limit: 10},
		{Q: "+age:>=200 epidural"},
		{Q: "+age:>=25 +age:<25"},
		{Q: "-age:<40 +epidural", Limit: 10},
		{Q: "+epidural", MinRelief: &f50, Limit: 10},
		{Q: "outcome:upheld^2 kind:iro epidural", Limit: 10},
		{Q: "+outcome:overturned -kind:imr", Limit: 10},
		{Q: "outcome:upheld~1 epidural", Limit: 10},
		// Conjunctions with tables (conj.go): several should terms, must
		// not, boosts, no should term, a text term among the musts.
		{Q: "+outcome:upheld +age:>=40 epidural injection", Kind: "imr", Limit: 30},
		{Q: "+outcome:upheld +age:>=40 -epidural", Kind: "imr", Limit: 30},
		{Q: "+outcome:upheld +age:>=40 -kind:iro sacroiliac", Limit: 30},
		{Q: "+outcome:upheld^2 +age:>=40^0.5 epidural^3 fluoroscopy", Kind: "iro", Limit: 30},
		{Q: "+outcome:upheld +age:>=40", Kind: "imr", MinRelief: &f50, Limit: 30},
		{Q: "+outcome:upheld +kind:imr +age:>=30 +age:<60", Limit: 30},
		{Q: "+outcome:upheld +age:>=40 +epidural", Kind: "imr", Limit: 30},
		{Q: `+outcome:overturned +age:<50 "sacroiliac joint" injection`, Procedure: "si_joint_injection", Limit: 30},
	}
	for _, f := range terms("finding", 4) {
		code, _, _ := strings.Cut(f, ":")
		queries = append(queries,
			Query{Findings: []string{f}},
			Query{Findings: []string{strings.ToUpper(code)}, Limit: 20},
			Query{Findings: []string{f}, MinRelief: &f50, Limit: 40},
		)
	}
	for _, p := range terms("procedure", 3) {
		queries = append(queries,
			Query{Procedure: p, Outcome: "upheld"},
			Query{Procedure: p, Kind: "iro", Limit: 7, Offset: 3},
			Query{Q: "fluoroscopy", Procedure: p},
		)
	}
	for _, g := range terms("guideline", 2) {
		queries = append(queries, Query{Guideline: g}, Query{Guideline: g, Q: "sacroiliac"})
	}
	for _, sp := range terms("specialty", 2) {
		queries = append(queries, Query{Specialty: sp, Outcome: "overturned", Limit: 12})
	}
	for _, q := range queries {
		res, err := ix.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		total, want := refSearch(t, ix, q)
		if res.Total != total {
			t.Errorf("%+v: total %d, bleve %d", q, res.Total, total)
		}
		if diff := cmp.Diff(want, res.Hits); diff != "" {
			t.Errorf("%+v: hits (-bleve +got):\n%s", q, diff)
		}
		if diff := cmp.Diff(refFacets(t, ix, q), res.Facets); diff != "" {
			t.Errorf("%+v: facets (-bleve +got):\n%s", q, diff)
		}
	}
}

// TestRangeSearcherUsed checks that the numeric ranges of query strings
// and the term queries of the filters are searched by rangeSearcher
// (numrange.go), and their conjunctions by conjSearcher and mixedConj
// (conj.go), not left to bleve, so that TestSearchMatchesBleve compares
// their scores.
func TestRangeSearcherUsed(t *testing.T) {
	ix := newIndex(t, nil)
	if err := ix.Add(synthCasesForTest(t, 5, 3)); err != nil {
		t.Fatal(err)
	}
	adv, err := ix.idx.Advanced()
	if err != nil {
		t.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	// searcherOf is the type of the searcher of q.
	searcherOf := func(q query.Query) string {
		t.Helper()
		s, err := q.Searcher(context.Background(), r, ix.idx.Mapping(), search.SearcherOptions{})
		if err != nil {
			t.Fatal(err)
		}
		_ = s.Close()
		return fmt.Sprintf("%T", s)
	}
	for _, qs := range []string{"age:>=22", "age:<25", "age:>21"} {
		bq, err := fastPhrases(bleve.NewQueryStringQuery(qs), &ix.segs)
		if err != nil {
			t.Fatal(err)
		}
		rq, ok := bq.(*rangeQuery)
		if !ok {
			t.Fatalf("%s: %T, want *rangeQuery", qs, bq)
		}
		if got := searcherOf(rq); got != "*index.rangeSearcher" {
			t.Errorf("%s: searcher %s, want *index.rangeSearcher", qs, got)
		}
	}
	// A query string with its filters: the outer conjunction is a
	// mixedConj, the query string's must clauses a conjSearcher.
	bq, err := buildQuery(Query{Q: "+outcome:upheld +age:>=22 epidural", Kind: "imr"})
	if err != nil {
		t.Fatal(err)
	}
	if bq, err = fastPhrases(bq, &ix.segs); err != nil {
		t.Fatal(err)
	}
	outer, ok := bq.(*conjQuery)
	if !ok {
		t.Fatalf("query string and filter: %T, want *conjQuery", bq)
	}
	for _, c := range []struct {
		q    query.Query
		want string
	}{{outer, "*index.mixedConj"}, {outer.orig.Conjuncts[0].(*query.BooleanQuery).Must, "*index.conjSearcher"}} {
		if got := searcherOf(c.q); got != c.want {
			t.Errorf("%T: searcher %s, want %s", c.q, got, c.want)
		}
	}
	for _, q := range []query.Query{term(fieldKind, "iro"), bleve.NewQueryStringQuery("outcome:upheld")} {
		tq, err := fastPhrases(q, &ix.segs)
		if err != nil {
			t.Fatal(err)
		}
		if got := searcherOf(tq); got != "*index.rangeSearcher" {
			t.Errorf("%T: searcher %s, want *index.rangeSearcher", tq, got)
		}
	}
}
