package pipeline

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/precedent-dev/precedent/extract"
)

var update = flag.Bool("update", false, "rewrite golden files")

const lettersDir = "../fixtures/letters"
const goldenDir = "../fixtures/golden"

// newTestPipeline builds a pipeline that parses PDFs in process.
func newTestPipeline(t testing.TB) *Pipeline {
	t.Helper()
	p, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { p.Close() })
	return p
}

// fixtureDocs loads every fixture letter (fixtureLetters) with p's loader.
func fixtureDocs(t testing.TB, p *Pipeline) []*extract.Document {
	t.Helper()
	var docs []*extract.Document
	for _, name := range fixtureLetters(t) {
		data, err := os.ReadFile(filepath.Join(lettersDir, name))
		if err != nil {
			t.Fatal(err)
		}
		doc, err := p.loader.Load(context.Background(), name, data)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
	}
	return docs
}

// fixtureTexts returns the text of each of fixtureDocs.
func fixtureTexts(t testing.TB, p *Pipeline) []string {
	t.Helper()
	var texts []string
	for _, doc := range fixtureDocs(t, p) {
		texts = append(texts, doc.Text)
	}
	return texts
}

// rawFixtureTexts returns the names and the bytes, as read, of the
// plain-text fixture letters (*.txt).
func rawFixtureTexts(t testing.TB) (names, texts []string) {
	t.Helper()
	for _, name := range fixtureLetters(t) {
		if !strings.HasSuffix(name, ".txt") {
			continue
		}
		data, err := os.ReadFile(filepath.Join(lettersDir, name))
		if err != nil {
			t.Fatal(err)
		}
		names, texts = append(names, name), append(texts, string(data))
	}
	return names, texts
}

// fixtureLetters lists the fixture letters (text and PDF).
func fixtureLetters(t testing.TB) []string {
	t.Helper()
	ents, err := os.ReadDir(lettersDir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range ents {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			names = append(names, e.Name())
		}
	}
	if len(names) < 8 {
		t.Fatalf("only %d fixture letters in %s", len(names), lettersDir)
	}
	return names
}

func extractFixture(t testing.TB, p *Pipeline, name string) *Case {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(lettersDir, name))
	if err != nil {
		t.Fatal(err)
	}
	c, err := p.ExtractBytes(context.Background(), "fixtures/letters/"+name, data)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return c
}

// TestGoldenRecords compares the record of every fixture letter with its
// golden file (fixtures/golden/<letter>.json; refresh with -update and
// review the diff like code).
func TestGoldenRecords(t *testing.T) {
	p := newTestPipeline(t)
	for _, name := range fixtureLetters(t) {
		t.Run(name, func(t *testing.T) {
			c := extractFixture(t, p, name)
			var b bytes.Buffer
			enc := json.NewEncoder(&b)
			enc.SetEscapeHTML(false)
			enc.SetIndent("", "  ")
			if err := enc.Encode(c); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join(goldenDir, name+".json")
			if *update {
				if err := os.MkdirAll(goldenDir, 0o755); err != nil {
					t.Fatal(err)
				}
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./pipeline -update to create it)", err)
			}
			if d := cmp.Diff(string(want), b.String()); d != "" {
				t.Errorf("record differs from %s (-want +got):\n%s", golden, d)
			}
		})
	}
}

// letterFields is the letter-level part of a record, offsets left out.
type letterFields struct {
	Kind, CaseNumber, Outcome  string
	DateOfInjury, DecisionDate string
	URDenialDate               string
	Services                   []string
	Reviewer                   Reviewer
	Patient                    Patient
	Guidelines                 []string
	Dates                      []string
}

func fieldsOf(c *Case) letterFields {
	iso := func(d *Date) string {
		if d == nil {
			return "<nil>"
		}
		return d.ISO + "|" + d.Text
	}
	f := letterFields{
		Kind: c.Kind, CaseNumber: c.CaseNumber, Outcome: c.Outcome,
		DateOfInjury: iso(c.DateOfInjury), DecisionDate: iso(c.DecisionDate), URDenialDate: iso(c.URDenialDate),
		Reviewer: c.Reviewer, Patient: c.Patient, Guidelines: c.Guidelines,
	}
	for _, s := range c.Services {
		f.Services = append(f.Services, strings.Join([]string{
			strings.Join(strings.Fields(s.Text), " "), s.Procedure, s.Laterality, strings.Join(s.Levels, ","),
			s.Decision, s.Guidance, s.Frequency, map[bool]string{true: "sedation"}[s.Sedation],
		}, "|"))
	}
	for _, d := range c.Dates {
		f.Dates = append(f.Dates, d.Text+"|"+d.ISO)
	}
	return f
}

// TestPDFAndTextAgree checks that each letter rendered to PDF gives the same
// letter-level fields as its text version.
func TestPDFAndTextAgree(t *testing.T) {
	p := newTestPipeline(t)
	n := 0
	for _, name := range fixtureLetters(t) {
		if !strings.HasSuffix(name, ".pdf") {
			continue
		}
		txt := strings.TrimSuffix(name, ".pdf") + ".txt"
		if _, err := os.Stat(filepath.Join(lettersDir, txt)); err != nil {
			continue
		}
		n++
		t.Run(name, func(t *testing.T) {
			fromPDF, fromText := extractFixture(t, p, name), extractFixture(t, p, txt)
			if fromPDF.Source.Format != "pdf" || fromPDF.Source.Pages == nil || *fromPDF.Source.Pages < 1 {
				t.Errorf("PDF source wrong: %+v", fromPDF.Source)
			}
			if d := cmp.Diff(fieldsOf(fromText), fieldsOf(fromPDF)); d != "" {
				t.Errorf("PDF and text disagree (-text +pdf):\n%s", d)
			}
		})
	}
	if n < 2 {
		t.Fatalf("want at least the two seeds as PDF and text, found %d pairs", n)
	}
}
