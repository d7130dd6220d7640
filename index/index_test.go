package index

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/precedent-dev/precedent/internal/testenv"
	"github.com/precedent-dev/precedent/pipeline"
)

var (
	pipeOnce sync.Once
	pipe     *pipeline.Pipeline
	pipeErr  error

	fixOnce  sync.Once
	fixCases []*pipeline.Case
	fixErr   error
)

// testPipeline returns the shared pipeline (in-process PDF parsing).
func testPipeline(tb testing.TB) *pipeline.Pipeline {
	tb.Helper()
	pipeOnce.Do(func() { pipe, pipeErr = pipeline.New(pipeline.Options{}) })
	if pipeErr != nil {
		tb.Fatal(pipeErr)
	}
	return pipe
}

// extractAll extracts files with the pipeline, in order.
func extractAll(tb testing.TB, files []string) []*pipeline.Case {
	tb.Helper()
	p := testPipeline(tb)
	cases := make([]*pipeline.Case, len(files))
	errs := make([]error, len(files))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	for i, f := range files {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			cases[i], errs[i] = p.ExtractFile(context.Background(), f)
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			tb.Fatal(err)
		}
	}
	return cases
}

// fixtureCases returns the records of fixtures/letters/*, by file name.
func fixtureCases(tb testing.TB) []*pipeline.Case {
	tb.Helper()
	fixOnce.Do(func() {
		files, err := filepath.Glob(filepath.Join(testenv.RepoRoot(tb), "fixtures", "letters", "*"))
		if err != nil || len(files) == 0 {
			fixErr = errors.New("no fixture letters")
			return
		}
		sort.Strings(files)
		fixCases = extractAll(tb, files)
	})
	if fixErr != nil {
		tb.Fatal(fixErr)
	}
	return fixCases
}

// byName maps a letter's file name to its case.
func byName(cases []*pipeline.Case) map[string]*pipeline.Case {
	m := map[string]*pipeline.Case{}
	for _, c := range cases {
		m[filepath.Base(c.Source.Path)] = c
	}
	return m
}

// newIndex builds an index of cases in a temporary folder.
func newIndex(tb testing.TB, cases []*pipeline.Case) *Index {
	tb.Helper()
	ix, err := Open(filepath.Join(tb.TempDir(), "idx"), Options{})
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := ix.Close(); err != nil {
			tb.Error(err)
		}
	})
	if err := ix.Add(cases); err != nil {
		tb.Fatal(err)
	}
	return ix
}

// outcomeCounts counts the outcomes of cases, as the outcome facet does.
func outcomeCounts(cases []*pipeline.Case) map[string]int {
	m := map[string]int{}
	for _, c := range cases {
		m[strings.ToLower(c.Outcome)]++
	}
	return m
}

func TestFacetsMatchRecords(t *testing.T) {
	cases := fixtureCases(t)
	ix := newIndex(t, cases)
	res, err := ix.Search(Query{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Total != uint64(len(cases)) {
		t.Errorf("match all: total %d, want %d", res.Total, len(cases))
	}
	if diff := cmp.Diff(outcomeCounts(cases), res.Facets["outcome"]); diff != "" {
		t.Errorf("outcome facet (-records +index):\n%s", diff)
	}
	kinds := map[string]int{}
	procs := map[string]int{}
	for _, c := range cases {
		kinds[c.Kind]++
		seen := map[string]bool{}
		for _, s := range c.Services {
			if !seen[s.Procedure] {
				seen[s.Procedure] = true
				procs[s.Procedure]++
			}
		}
	}
	if diff := cmp.Diff(kinds, res.Facets["kind"]); diff != "" {
		t.Errorf("kind facet (-records +index):\n%s", diff)
	}
	if diff := cmp.Diff(procs, res.Facets["procedure"]); diff != "" {
		t.Errorf("procedure facet (-records +index):\n%s", diff)
	}
	// A filtered search: facets count the matching cases only.
	res, err = ix.Search(Query{Kind: "iro"})
	if err != nil {
		t.Fatal(err)
	}
	var iro []*pipeline.Case
	for _, c := range cases {
		if c.Kind == "iro" {
			iro = append(iro, c)
		}
	}
	if diff := cmp.Diff(outcomeCounts(iro), res.Facets["outcome"]); diff != "" {
		t.Errorf("outcome facet of kind iro (-records +index):\n%s", diff)
	}
}

// searchTest is one case of testdata/searches.json.
type searchTest struct {
	Comment string `json:"comment"`
	Query   struct {
		Q         string   `json:"q"`
		Findings  []string `json:"findings"`
		Outcome   string   `json:"outcome"`
		Procedure string   `json:"procedure"`
		Kind      string   `json:"kind"`
		MinRelief *float64 `json:"min_relief"`
	} `json:"query"`
	// Files are the file names of the letters expected, sorted.
	Files []string `json:"files"`
}

func TestSearches(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("testdata", "searches.json"))
	if err != nil {
		t.Fatal(err)
	}
	var tests []searchTest
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&tests); err != nil {
		t.Fatalf("testdata/searches.json: %v", err)
	}
	cases := fixtureCases(t)
	names := map[string]string{}
	for name, c := range byName(cases) {
		names[c.ID] = name
	}
	ix := newIndex(t, cases)
	for i, tt := range tests {
		t.Run(tt.Comment, func(t *testing.T) {
			q := Query{Q: tt.Query.Q, Findings: tt.Query.Findings, Outcome: tt.Query.Outcome,
				Procedure: tt.Query.Procedure, Kind: tt.Query.Kind, MinRelief: tt.Query.MinRelief, Limit: 100}
			res, err := ix.Search(q)
			if err != nil {
				t.Fatalf("searches.json[%d]: %v", i, err)
			}
			got := []string{}
			for _, h := range res.Hits {
				got = append(got, names[h.ID])
			}
			sort.Strings(got)
			if diff := cmp.Diff(tt.Files, got); diff != "" {
				t.Errorf("searches.json[%d] %+v (-want +got):\n%s", i, q, diff)
			}
			if res.Total != uint64(len(res.Hits)) {
				t.Errorf("total %d, %d hits", res.Total, len(res.Hits))
			}
		})
	}
}

func TestHitFieldsAndSnippets(t *testing.T) {
	cases := fixtureCases(t)
	seed := byName(cases)["iro_si_injection_upheld.txt"]
	ix := newIndex(t, cases)
	res, err := ix.Search(Query{Q: `"hardware removal"`, Kind: "iro"})
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(res.Hits, func(h Hit) bool { return h.ID == seed.ID })
	if i < 0 {
		t.Fatalf("IRO seed %s not among %+v", seed.ID, res.Hits)
	}
	h := res.Hits[i]
	if h.Kind != "iro" || h.Outcome != "upheld" || h.Path != seed.Source.Path || h.CaseNumber != seed.CaseNumber {
		t.Errorf("hit fields %+v, want kind iro, outcome upheld, path %s, case number %q", h, seed.Source.Path, seed.CaseNumber)
	}
	if len(h.Services) != len(seed.Services) || !strings.HasSuffix(h.Services[0], "("+seed.Services[0].Decision+")") {
		t.Errorf("services %q, want %d ending with the decision", h.Services, len(seed.Services))
	}
	if len(h.Snippets) == 0 {
		t.Fatal("no snippets")
	}
	marked := false
	for _, s := range h.Snippets {
		if strings.Contains(strings.ToLower(s), MarkStart+"hardware"+MarkEnd) {
			marked = true
		}
		if strings.Contains(s, "<mark>") || strings.Contains(s, "\x1b[") {
			t.Errorf("snippet has html or ansi markup: %q", s)
		}
	}
	if !marked {
		t.Errorf("no snippet marks %shardware%s: %q", MarkStart, MarkEnd, h.Snippets)
	}
}

func TestHasReaddCount(t *testing.T) {
	cases := fixtureCases(t)
	ix := newIndex(t, cases[:3])
	for _, c := range cases[:3] {
		if ok, err := ix.Has(c.ID); err != nil || !ok {
			t.Errorf("Has(%s) = %v, %v; want true", c.ID, ok, err)
		}
	}
	if ok, err := ix.Has(cases[3].ID); err != nil || ok {
		t.Errorf("Has(%s) before adding = %v, %v; want false", cases[3].ID, ok, err)
	}
	// Re-adding all of them (the first three again) keeps the count exact.
	if err := ix.Add(cases); err != nil {
		t.Fatal(err)
	}
	if err := ix.Add(cases); err != nil {
		t.Fatal(err)
	}
	if n, err := ix.Count(); err != nil || n != uint64(len(cases)) {
		t.Errorf("Count = %d, %v; want %d", n, err, len(cases))
	}
	// A replaced record is the new one.
	changed := *cases[0]
	changed.Outcome = "overturned"
	if cases[0].Outcome == "overturned" {
		changed.Outcome = "upheld"
	}
	if err := ix.Add([]*pipeline.Case{&changed}); err != nil {
		t.Fatal(err)
	}
	got, err := ix.Get(changed.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Outcome != changed.Outcome {
		t.Errorf("re-added outcome %q, want %q", got.Outcome, changed.Outcome)
	}
	if n, err := ix.Count(); err != nil || n != uint64(len(cases)) {
		t.Errorf("Count after replace = %d, %v; want %d", n, err, len(cases))
	}
}

func TestGetRoundTrip(t *testing.T) {
	cases := fixtureCases(t)
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.Add(cases); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	// Reopened read-only: the records survive Close.
	ix, err = Open(dir, Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, c := range cases {
		got, err := ix.Get(c.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(c, got); diff != "" {
			t.Errorf("Get(%s) %s (-added +stored):\n%s", c.ID, filepath.Base(c.Source.Path), diff)
		}
	}
	if _, err := ix.Get("0000000000000000"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Get of a missing id: %v, want ErrNotFound", err)
	}
}

func TestSimilar(t *testing.T) {
	cases := fixtureCases(t)
	named := byName(cases)
	imr := named["imr_si_block_upheld.txt"]
	ix := newIndex(t, cases)
	sim, err := ix.Similar(imr, len(cases))
	if err != nil {
		t.Fatal(err)
	}
	rank := map[string]int{}
	sum := 0
	for i, h := range sim.Hits {
		if h.ID == imr.ID {
			t.Errorf("Similar returned the case itself at %d", i)
		}
		rank[h.ID] = i
	}
	for _, n := range sim.Outcomes {
		sum += n
	}
	if sum != len(sim.Hits) {
		t.Errorf("outcome counts %v sum to %d, %d hits", sim.Outcomes, sum, len(sim.Hits))
	}
	for _, name := range []string{"iro_si_injection_upheld.txt", "iro_si_injection_upheld.pdf"} {
		seed := named[name]
		r, ok := rank[seed.ID]
		if !ok {
			t.Fatalf("%s not similar to the IMR seed: %+v", name, sim.Hits)
		}
		for _, c := range cases {
			if slices.ContainsFunc(c.Services, func(s pipeline.Service) bool { return s.Procedure == "si_joint_injection" }) {
				continue
			}
			if rc, ok := rank[c.ID]; ok && rc < r {
				t.Errorf("%s (no SI injection) ranks %d, above %s at %d", filepath.Base(c.Source.Path), rc, name, r)
			}
		}
	}
	top, err := ix.Similar(imr, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(top.Hits) != 2 {
		t.Errorf("Similar limit 2: %d hits", len(top.Hits))
	}
}

func TestBadQuery(t *testing.T) {
	ix := newIndex(t, nil)
	for _, q := range []string{`text:"unclosed`, `+`, `age:>>3`} {
		_, err := ix.Search(Query{Q: q})
		if !errors.Is(err, ErrBadQuery) {
			t.Errorf("Search(%q): %v, want ErrBadQuery", q, err)
		} else if len(err.Error()) <= len(ErrBadQuery.Error())+2 {
			t.Errorf("Search(%q): %q gives no reason", q, err)
		}
	}
}

func TestLocked(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	for _, ro := range []bool{false, true} {
		start := time.Now()
		second, err := Open(dir, Options{ReadOnly: ro, Timeout: 200 * time.Millisecond})
		if err == nil {
			second.Close()
			t.Fatalf("second Open (read-only %v) while open: no error", ro)
		}
		if !errors.Is(err, ErrLocked) {
			t.Errorf("second Open (read-only %v): %v, want ErrLocked", ro, err)
		}
		if d := time.Since(start); d > 5*time.Second {
			t.Errorf("second Open (read-only %v) took %v", ro, d)
		}
	}
}

func TestReadOnlyMissing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "none")
	_, err := Open(dir, Options{ReadOnly: true})
	if !errors.Is(err, ErrNoIndex) || !strings.Contains(err.Error(), dir) {
		t.Errorf("read-only Open of a missing index: %v, want ErrNoIndex naming %s", err, dir)
	}
	if _, serr := os.Stat(dir); serr == nil {
		t.Errorf("read-only Open created %s", dir)
	}
}

func TestVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "idx")
	ix, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := ix.idx.SetInternal(versionKey, []byte("precedent.index/v0 0000")); err != nil {
		t.Fatal(err)
	}
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := Open(dir, Options{}); !errors.Is(err, ErrVersion) {
		t.Errorf("Open of another version: %v, want ErrVersion", err)
	}
}

func TestCorpusFacets(t *testing.T) {
	files := testenv.CorpusPDFs(t)
	cases := extractAll(t, files)
	ix := newIndex(t, cases)
	if n, err := ix.Count(); err != nil || n != uint64(len(cases)) {
		t.Fatalf("Count = %d, %v; want %d", n, err, len(cases))
	}
	res, err := ix.Search(Query{})
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(outcomeCounts(cases), res.Facets["outcome"]); diff != "" {
		t.Errorf("outcome facet (-records +index):\n%s", diff)
	}
	// Each outcome filter totals its facet count.
	for outcome, n := range outcomeCounts(cases) {
		r, err := ix.Search(Query{Outcome: outcome})
		if err != nil {
			t.Fatal(err)
		}
		if r.Total != uint64(n) {
			t.Errorf("outcome %s: total %d, want %d", outcome, r.Total, n)
		}
	}
	// The finding facet counts cases with each tag, as the records say.
	want := map[string]int{}
	for _, c := range cases {
		for _, tag := range findingTags(c) {
			want[tag]++
		}
	}
	for tag, n := range res.Facets["finding"] {
		if want[tag] != n {
			t.Errorf("finding facet %s = %d, records %d", tag, n, want[tag])
		}
	}
}
