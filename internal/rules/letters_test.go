package rules

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"go.yaml.in/yaml/v3"

	"github.com/precedent-dev/precedent/internal/testenv"
)

// rulePatterns returns the string scalars of the pipeline's and the
// extractor's rule files that compile as regexps and hold a regexp
// operator (the patterns, and some plain words, which do no harm).
func rulePatterns(t *testing.T) []string {
	t.Helper()
	root := testenv.RepoRoot(t)
	var files []string
	for _, dir := range []string{"pipeline/data", "extract/data"} {
		fs, err := filepath.Glob(filepath.Join(root, dir, "*.yaml"))
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, fs...)
	}
	if len(files) == 0 {
		t.Fatal("no rule files")
	}
	seen := map[string]bool{}
	var out []string
	var walk func(n *yaml.Node)
	walk = func(n *yaml.Node) {
		if n.Kind == yaml.ScalarNode && n.Tag == "!!str" && !seen[n.Value] && strings.ContainsAny(n.Value, `\[](){}?*+|^$`) {
			seen[n.Value] = true
			if _, err := regexp.Compile(n.Value); err == nil {
				out = append(out, n.Value)
			}
		}
		for _, c := range n.Content {
			walk(c)
		}
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		var doc yaml.Node
		if err := yaml.Unmarshal(data, &doc); err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		walk(&doc)
	}
	return out
}

// TestMatcherOnLetters compares the Matcher with its regexp for every
// rule pattern on the fixture letters: whole texts (the region and start
// scans over long text, where their byte searches reuse what they found)
// and the lines of one.
func TestMatcherOnLetters(t *testing.T) {
	patterns := rulePatterns(t)
	if len(patterns) < 100 {
		t.Fatalf("only %d rule patterns found", len(patterns))
	}
	// One letter of each kind keeps the run time small (the plain regexps
	// over whole letters cost most): 1.5 s. With -short or -race (which
	// slows the regexps tenfold), FindAll on the IRO seed only: 6 s.
	dir := filepath.Join(testenv.RepoRoot(t), "fixtures", "letters")
	letters := []string{"iro_si_injection_upheld.txt", "imr_si_block_upheld.txt"}
	full := !testing.Short() && !raceEnabled
	if !full {
		letters = letters[:1]
	}
	var texts []string
	for _, f := range letters {
		data, err := os.ReadFile(filepath.Join(dir, f))
		if err != nil {
			t.Fatal(err)
		}
		texts = append(texts, string(data))
	}
	for _, p := range patterns {
		re := regexp.MustCompile(p)
		m := NewMatcher(re)
		for k, s := range texts {
			if d := cmp.Diff(re.FindAllStringSubmatchIndex(s, -1), m.FindAllStringSubmatchIndex(s)); d != "" {
				t.Fatalf("%s: FindAllStringSubmatchIndex on a letter:\n%s", p, d)
			}
			if !full {
				continue
			}
			if got, want := m.MatchText(NewText(s)), re.MatchString(s); got != want {
				t.Fatalf("%s: MatchText on a letter = %v", p, got)
			}
			if k > 0 {
				continue // the lines of the first letter only
			}
			for _, line := range strings.Split(s, "\n") {
				if d := cmp.Diff(re.FindStringSubmatchIndex(line), m.FindStringSubmatchIndex(line)); d != "" {
					t.Fatalf("%s: FindStringSubmatchIndex(%q):\n%s", p, line, d)
				}
				if got, want := m.MatchString(line), re.MatchString(line); got != want {
					t.Fatalf("%s: MatchString(%q) = %v", p, line, got)
				}
			}
		}
	}
}
