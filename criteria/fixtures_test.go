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
