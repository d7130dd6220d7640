package index

import (
	"fmt"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/google/go-cmp/cmp"

	"github.com/precedent-dev/precedent/pipeline"
)

// refSearch runs q with bleve's own sort (score descending, then id), the
// order hitCollector reproduces; a query without query string unscored, by
// id, the order of searchFilters.
func refSearch(t *testing.T, ix *Index, q Query) (uint64, []Hit) {
	t.Helper()
	bq, err := buildQuery(q)
	if err != nil {
		t.Fatal(err)
	}
	limit := q.Limit
	if limit <= 0 {
		limit = DefaultLimit
	}
	req := bleve.NewSearchRequestOptions(bq, limit, max(q.Offset, 0), false)
	req.Fields = storedFields
	req.SortBy([]string{"-_score", "_id"})
	if q.Q != "" {
		req.Highlight = bleve.NewHighlightWithStyle(highlighterName)
		req.Highlight.AddField(fieldText)
	} else {
		// Filters only: no ranking, hits in id order, score 1 (filter.go).
		req.Score = "none"
		req.SortBy([]string{"_id"})
	}
	res, err := ix.idx.Search(req)
	if err != nil {
		t.Fatal(err)
	}
	out := hits(res.Hits)
	if q.Q == "" {
		for i := range out {
			out[i].Score = filterScore
		}
	}
	return res.Total, out
}

// copies returns a copy of each case with the id prefix+n, so that many
// hits tie in score and the id order is not the order of addition.
func copies(cases []*pipeline.Case, prefix string, n int) []*pipeline.Case {
	out := make([]*pipeline.Case, 0, len(cases)*n)
	for i := range n {
		for j, c := range cases {
			cp := *c
			cp.ID = fmt.Sprintf("%s%03d-%02d", prefix, n-i, j)
			out = append(out, &cp)
		}
	}
	return out
}

func TestHitOrderMatchesIDSort(t *testing.T) {
	cases := fixtureCases(t)
	ix := newIndex(t, cases)
	queries := []Query{
		{},
		{Limit: 7, Offset: 5},
		{Limit: 1000},
		{Q: `"sacroiliac joint"`, Limit: 25},
		{Q: "injection", Limit: 12, Offset: 30},
		{Q: "+outcome:upheld epidural"},
		{Outcome: "upheld", Limit: 40},
		{Findings: []string{"faber"}, Limit: 15, Offset: 3},
		{Q: "nosuchwordanywhere"},
		{Offset: 100000},
	}
	check := func(stage string) {
		t.Helper()
		for _, q := range queries {
			res, err := ix.Search(q)
			if err != nil {
				t.Fatal(err)
			}
			total, want := refSearch(t, ix, q)
			if res.Total != total {
				t.Errorf("%s %+v: total %d, bleve %d", stage, q, res.Total, total)
			}
			if diff := cmp.Diff(want, res.Hits); diff != "" {
				t.Errorf("%s %+v: hits (-bleve +got):\n%s", stage, q, diff)
			}
		}
		for _, c := range cases[:min(3, len(cases))] {
			sim, err := ix.Similar(c, 20)
			if err != nil {
				t.Fatal(err)
			}
			d, err := toDoc(c)
			if err != nil {
				t.Fatal(err)
			}
			bq := bleve.NewBooleanQuery()
			for _, p := range d.Procedures {
				x := term(fieldProcedures, p)
				x.SetBoost(boostProcedure)
				bq.AddShould(x)
			}
			for _, k := range d.ServiceKeys {
				x := term(fieldServiceKeys, k)
				x.SetBoost(boostServiceKey)
				bq.AddShould(x)
			}
			for _, f := range d.Findings {
				x := term(fieldFindings, f)
				x.SetBoost(boostFinding)
				bq.AddShould(x)
			}
			if len(d.Procedures)+len(d.ServiceKeys)+len(d.Findings) == 0 {
				continue
			}
			bq.SetMinShould(1)
			bq.AddMustNot(bleve.NewDocIDQuery([]string{c.ID}))
			req := bleve.NewSearchRequestOptions(bq, 20, 0, false)
			req.Fields = storedFields
			req.SortBy([]string{"-_score", "_id"})
			res, err := ix.idx.Search(req)
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(hits(res.Hits), sim.Hits); diff != "" {
				t.Errorf("%s Similar(%s): hits (-bleve +got):\n%s", stage, c.ID, diff)
			}
		}
	}
	check("fixtures")
	// More segments, hits tying in score, ids out of addition order.
	for b, prefix := range []string{"m", "b", "x"} {
		if err := ix.Add(copies(cases, prefix, 4)); err != nil {
			t.Fatal(err)
		}
		check(fmt.Sprintf("batch %d", b))
	}
}
