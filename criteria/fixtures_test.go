package criteria

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/precedent-dev/precedent/pipeline"
)

// The criterion fixtures: testdata/<set id>/<n>.txtar for the criterion
// <set id>/<n> of every loaded set. Each archive holds one letter snippet
// that meets the criterion (met.txt) and one that does not (not_met.txt or
// not_documented.txt; not_applicable.txt may be added). A criterion no
// letter can meet (not_recommended) says "never met: <why>" in the comment
// instead of having met.txt. A snippet is framed
// as an IRO letter whose disputed service is the archive comment's
// "service:" line, or testdata/<set id>/service.txt; <status>.service.txt
// overrides it for one snippet (several lines: several services). A snippet
// that has its own "DESCRIPTION OF THE SERVICE" heading is used as written.

var statusFiles = []string{Met, NotMet, NotDocumented, NotApplicable}

type archive struct {
	comment string
	files   map[string]string
}

// parseTxtar reads the txtar format: a comment, then "-- name --" lines
// each starting a file.
func parseTxtar(data string) archive {
	a := archive{files: map[string]string{}}
	name := ""
	var b strings.Builder
	flush := func() {
		if name == "" {
			a.comment = b.String()
		} else {
			a.files[name] = b.String()
		}
		b.Reset()
	}
	for _, line := range strings.SplitAfter(data, "\n") {
		t := strings.TrimRight(line, "\r\n")
		if strings.HasPrefix(t, "-- ") && strings.HasSuffix(t, " --") && len(t) > 6 {
			flush()
			name = strings.TrimSpace(t[3 : len(t)-3])
			continue
		}
		b.WriteString(line)
	}
	flush()
	return a
}

const letterFrame = `IRO CASE #: XXXXXX

DESCRIPTION OF THE SERVICE OR SERVICES IN DISPUTE:
%SERVICE%

REVIEW OUTCOME:

Upon independent review, the reviewer finds that the previous adverse determination/adverse determinations
should be:

[X] Upheld     (Agree)

PATIENT CLINICAL HISTORY [SUMMARY]:
%SNIPPET%
`

func frame(service, snippet string) string {
	if strings.Contains(snippet, "DESCRIPTION OF THE SERVICE") {
		return snippet
	}
	return strings.NewReplacer("%SERVICE%", strings.TrimSpace(service), "%SNIPPET%", snippet).Replace(letterFrame)
}

var (
	pipeOnce sync.Once
	pipe     *pipeline.Pipeline
	pipeErr  error
)

func testPipeline(t *testing.T) *pipeline.Pipeline {
	t.Helper()
	pipeOnce.Do(func() { pipe, pipeErr = pipeline.New(pipeline.Options{}) })
	if pipeErr != nil {
		t.Fatal(pipeErr)
	}
	return pipe
}

func serviceLine(comment string) string {
	for _, l := range strings.Split(comment, "\n") {
		if s, ok := strings.CutPrefix(strings.TrimSpace(l), "service:"); ok {
			return strings.TrimSpace(s)
		}
	}
	return ""
}

func TestCriterionFixtures(t *testing.T) {
	ch, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := testPipeline(t)
	for _, s := range ch.Sets() {
		for i := range s.Criteria {
			c := &s.Criteria[i]
			t.Run(c.ID, func(t *testing.T) {
				n := strings.TrimPrefix(c.ID, s.ID+"/")
				path := filepath.Join("testdata", s.ID, n+".txtar")
				data, err := os.ReadFile(path)
				if errors.Is(err, fs.ErrNotExist) {
					t.Fatalf("criterion %s has no fixture file %s", c.ID, path)
				}
				if err != nil {
					t.Fatal(err)
				}
				a := parseTxtar(string(data))
				if _, ok := a.files[Met+".txt"]; !ok && !neverMet(a.comment) {
					t.Errorf("%s: no %s.txt snippet (a rule that can never be met says \"never met:\" in the comment)", path, Met)
				}
				if _, ok := a.files[NotMet+".txt"]; !ok {
					if _, ok := a.files[NotDocumented+".txt"]; !ok {
						t.Errorf("%s: no %s.txt or %s.txt snippet", path, NotMet, NotDocumented)
					}
				}
				service := serviceLine(a.comment)
				if service == "" {
					b, err := os.ReadFile(filepath.Join("testdata", s.ID, "service.txt"))
					if err != nil {
						t.Fatalf("%s: no service: line and no service.txt", path)
					}
					service = string(b)
				}
				for _, want := range statusFiles {
					snippet, ok := a.files[want+".txt"]
					if !ok {
						continue
					}
					sv := service
					if o, ok := a.files[want+".service.txt"]; ok {
						sv = o
					}
					t.Run(want, func(t *testing.T) {
						cs, err := p.ExtractBytes(context.Background(), path, []byte(frame(sv, snippet)))
						if err != nil {
							t.Fatal(err)
						}
						r, ok := resultFor(ch.Check(cs), s.ID, c.ID)
						if !ok {
							t.Fatalf("set %s does not apply to the snippet (services %v)", s.ID, procedures(cs))
						}
						if r.Status != want {
							t.Errorf("status %s (%s), want %s", r.Status, r.Reason, want)
						}
						if r.Reason == "" {
							t.Error("empty reason")
						}
					})
				}
			})
		}
	}
}

// neverMet: the archive comment declares that no letter can meet the
// criterion ("never met: not recommended at all").
func neverMet(comment string) bool {
	for _, l := range strings.Split(comment, "\n") {
		if strings.HasPrefix(strings.TrimSpace(l), "never met:") {
			return true
		}
	}
	return false
}

func resultFor(rep *Report, setID, id string) (Result, bool) {
	for _, sr := range rep.Sets {
		if sr.ID != setID {
			continue
		}
		for _, r := range sr.Results {
			if r.ID == id {
				return r, true
			}
		}
	}
	return Result{}, false
}

func procedures(c *pipeline.Case) []string {
	var out []string
	for _, s := range c.Services {
		out = append(out, s.Procedure)
	}
	return out
}

func TestParseTxtar(t *testing.T) {
	a := parseTxtar("service: Left SI joint injection\n-- met.txt --\nline one\n-- not_met.txt --\nline two\n")
	if serviceLine(a.comment) != "Left SI joint injection" || a.files["met.txt"] != "line one\n" || a.files["not_met.txt"] != "line two\n" {
		t.Errorf("got %+v", a)
	}
}

func TestPerYear(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want float64
		ok   bool
	}{
		{"every 3 months", 4, true},
		{"every month", 12, true},
		{"every other week", 26, true},
		{"4 times a year", 4, true},
		{"quarterly", 4, true},
		{"as needed", 0, false},
		{"", 0, false},
	} {
		t.Run(tc.in, func(t *testing.T) {
			got, ok := PerYear(tc.in)
			if got != tc.want || ok != tc.ok {
				t.Errorf("PerYear(%q) = %v, %v; want %v, %v", tc.in, got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestCommonKindParamErrors(t *testing.T) {
	for _, tc := range []struct{ name, rule, want string }{
		{"positive_tests min", "{kind: positive_tests, tests: [faber], min: 0}", "min must be at least 1"},
		{"positive_tests same", "{kind: positive_tests, tests: [faber], min: 1, same: [[faber, gillet]]}", "not among the tests"},
		{"conservative_care require", "{kind: conservative_care, modalities: [physical_therapy], require: most}", "require"},
		{"relief comparator", "{kind: relief, min_percent: 80, comparator: '<', after: [si_joint_injection]}", "comparator"},
		{"relief unit", "{kind: relief, min_percent: 80, min_duration: {value: 6, unit: fortnight}, after: [si_joint_injection]}", "unit"},
		{"frequency_cap group", "{kind: frequency_cap, max_per_year: 4, history: ['(\\d+) blocks']}", "group named n"},
		{"diagnosis empty", "{kind: diagnosis, require: []}", "require is empty"},
		{"findings_present min", "{kind: findings_present, codes: [faber], min: 2}", "min 2"},
		{"unknown param", "{kind: no_same_day, procedure: [mri]}", "field procedure not found"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			y := "sets:\n  - id: x\n    title: X\n    source: {guideline: ODG}\n    applies_to: [mri]\n    criteria:\n      - id: x/1\n        title: one\n        rule: " + tc.rule + "\n"
			_, err := Load(fstest.MapFS{"bad.yaml": {Data: []byte(y)}})
			if err == nil || !strings.Contains(err.Error(), "bad.yaml:9:") || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want bad.yaml:9: ... %q", err, tc.want)
			}
		})
	}
}
