package main

import (
	"encoding/json"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/precedent-dev/precedent/index"
	"github.com/precedent-dev/precedent/pipeline"
)

// searchJSON runs search with --format json and decodes the result.
func searchJSON(t *testing.T, args ...string) *index.Result {
	t.Helper()
	out, errOut, code := runCLI(t, "", append([]string{"search", "--format", "json"}, args...)...)
	if code != exitOK {
		t.Fatalf("search %v: exit %d: %s", args, code, errOut)
	}
	var res index.Result
	if err := json.Unmarshal([]byte(out), &res); err != nil {
		t.Fatalf("search %v: %v\n%s", args, err, out)
	}
	return &res
}

func hitIDs(hits []index.Hit) []string {
	ids := make([]string, len(hits))
	for i, h := range hits {
		ids[i] = h.ID
	}
	return ids
}

func TestSearchFixtures(t *testing.T) {
	idx := ingestFixtures(t)
	files := letterFiles(t, fixtureLetters)
	iroTxt, iroPDF := fileID(t, iroSeed), fileID(t, strings.TrimSuffix(iroSeed, ".txt")+".pdf")

	t.Run("outcome facet equals the extracted records", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", append([]string{"extract", "--no-text", "--format", "jsonl"}, files...)...)
		if code != exitOK {
			t.Fatalf("extract: exit %d: %s", code, errOut)
		}
		want := map[string]int{}
		for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
			var c pipeline.Case
			if err := json.Unmarshal([]byte(line), &c); err != nil {
				t.Fatal(err)
			}
			want[c.Outcome]++
		}
		res := searchJSON(t, "--index", idx, "--limit", "100")
		if diff := cmp.Diff(want, res.Facets["outcome"]); diff != "" {
			t.Errorf("outcome facet (-records +index):\n%s", diff)
		}
		if res.Total != uint64(len(files)) || len(res.Hits) != len(files) {
			t.Errorf("match-all: total %d, %d hits; want %d", res.Total, len(res.Hits), len(files))
		}
	})

	t.Run("faber positive SI injection finds the IRO seed", func(t *testing.T) {
		res := searchJSON(t, "--index", idx, "--finding", "faber:positive", "--procedure", "si_joint_injection")
		ids := hitIDs(res.Hits)
		for _, id := range []string{iroTxt, iroPDF} {
			if !slices.Contains(ids, id) {
				t.Errorf("hits %v miss the IRO seed %s", ids, id)
			}
		}
		for _, h := range res.Hits {
			if !slices.ContainsFunc(h.Services, func(s string) bool {
				return strings.Contains(strings.ToLower(s), "sacroiliac") || strings.Contains(strings.ToLower(s), "si joint")
			}) {
				t.Errorf("hit %s (%s) disputes no SI injection: %v", h.ID, h.Path, h.Services)
			}
		}
		// A side that the seed does not document excludes it.
		left := searchJSON(t, "--index", idx, "--finding", "faber:positive:left", "--procedure", "si_joint_injection")
		if slices.Contains(hitIDs(left.Hits), iroTxt) {
			t.Errorf("faber:positive:left found the IRO seed, whose FABER is positive on the right")
		}
	})

	t.Run("full text finds the letter", func(t *testing.T) {
		res := searchJSON(t, "--index", idx, `"hardware removal"`)
		if ids := hitIDs(res.Hits); !slices.Contains(ids, iroTxt) {
			t.Fatalf("hits %v miss the IRO seed %s", ids, iroTxt)
		}
		for _, h := range res.Hits {
			if len(h.Snippets) == 0 || !strings.Contains(strings.Join(h.Snippets, " "), index.MarkStart) {
				t.Errorf("hit %s has no highlighted snippet: %q", h.ID, h.Snippets)
			}
		}
		other := searchJSON(t, "--index", idx, "--kind", "imr", `"hardware removal"`)
		if other.Total != 0 {
			t.Errorf("--kind imr should exclude the IRO letters, got %v", hitIDs(other.Hits))
		}
	})

	t.Run("text output", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", "search", "--index", idx, "--limit", "2", "sacroiliac")
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		lines := strings.Split(out, "\n")
		if !strings.HasSuffix(lines[0], "cases match") || !strings.Contains(lines[1], "outcome:") {
			t.Errorf("want the total then the outcome facet first, got:\n%s", out)
		}
		if strings.Count(out, "\n1. ") != 1 || strings.Count(out, "\n2. ") != 1 || strings.Contains(out, "\n3. ") {
			t.Errorf("want two hit blocks with --limit 2:\n%s", out)
		}
	})

	t.Run("paging", func(t *testing.T) {
		all := searchJSON(t, "--index", idx, "--limit", "100")
		page := searchJSON(t, "--index", idx, "--limit", "3", "--offset", "3")
		if diff := cmp.Diff(hitIDs(all.Hits)[3:6], hitIDs(page.Hits)); diff != "" {
			t.Errorf("page 2 of 3 (-all[3:6] +page):\n%s", diff)
		}
	})

	t.Run("similar", func(t *testing.T) {
		out, errOut, code := runCLI(t, "", "similar", "--index", idx, "--format", "json", imrSeed)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		var sim index.Similar
		if err := json.Unmarshal([]byte(out), &sim); err != nil {
			t.Fatal(err)
		}
		ids := hitIDs(sim.Hits)
		if slices.Contains(ids, fileID(t, imrSeed)) {
			t.Error("similar lists the letter itself")
		}
		if !slices.Contains(ids, iroTxt) {
			t.Errorf("similar of the IMR SI seed misses the IRO SI seed: %v", ids)
		}
		n := 0
		for _, c := range sim.Outcomes {
			n += c
		}
		if n != len(sim.Hits) {
			t.Errorf("outcome counts %v sum to %d, want %d hits", sim.Outcomes, n, len(sim.Hits))
		}
	})

	t.Run("errors", func(t *testing.T) {
		for _, tc := range []struct {
			name string
			args []string
			want string
		}{
			{"bad query", []string{"search", "--index", idx, `"unterminated`}, "bad query"},
			{"bad format", []string{"search", "--index", idx, "--format", "xml"}, "--format"},
			{"bad relief", []string{"search", "--index", idx, "--min-relief", "lots"}, "min-relief"},
			{"no index", []string{"search", "--index", filepath.Join(t.TempDir(), "none")}, "no index"},
			{"similar no file", []string{"similar", "--index", idx}, "FILE"},
		} {
			t.Run(tc.name, func(t *testing.T) {
				_, errOut, code := runCLI(t, "", tc.args...)
				if code != exitUsage || !strings.Contains(errOut, tc.want) {
					t.Errorf("exit %d, want %d and %q in:\n%s", code, exitUsage, tc.want, errOut)
				}
			})
		}
	})

	t.Run("index held by a writer", func(t *testing.T) {
		ix, err := index.Open(idx, index.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		_, errOut, code := runCLI(t, "", "search", "--index", idx, "faber")
		if code != exitUsage {
			t.Fatalf("exit %d, want %d: %s", code, exitUsage, errOut)
		}
		for _, want := range []string{"in use by another precedent process (ingest or serve)", "http://127.0.0.1:8080/api/search"} {
			if !strings.Contains(errOut, want) {
				t.Errorf("stderr misses %q:\n%s", want, errOut)
			}
		}
		if strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
			t.Errorf("want one line, got:\n%s", errOut)
		}
	})
}
