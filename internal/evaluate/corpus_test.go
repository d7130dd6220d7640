package evaluate

import (
	"context"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/precedent-dev/precedent/extract/pdftext"
	"github.com/precedent-dev/precedent/internal/testenv"
	"github.com/precedent-dev/precedent/pipeline"
)

func TestMain(m *testing.M) {
	if child, code := pdftext.RunIfChild(); child {
		os.Exit(code) // served as the PDF child process
	}
	os.Exit(m.Run())
}

// handChecked is the part of a record the hand-checked corpus table fixes.
type handChecked struct {
	CaseNumber                               string
	DateOfInjury, DecisionDate, URDenialDate string
	Items                                    []string // "<item name>: <decision>"
	Age                                      string
	Sex                                      string
	Specialties                              []string
}

func fold(s string) string { return strings.Join(strings.Fields(s), " ") }

func fromTruth(t *Truth) handChecked {
	h := handChecked{
		CaseNumber: t.CaseNumber, DateOfInjury: truthDate(t.DateOfInjury), DecisionDate: truthDate(t.DecisionDate),
		URDenialDate: truthDate(t.URDenialDate), Age: itoa(t.Patient.Age), Sex: t.Patient.Sex,
		Specialties: sorted(t.Reviewer.Specialties),
	}
	for _, s := range t.Services {
		h.Items = append(h.Items, fold(s.Text)+": "+s.Decision)
	}
	return h
}

func fromCase(c *pipeline.Case) handChecked {
	h := handChecked{
		CaseNumber: c.CaseNumber, DateOfInjury: dateISO(c.DateOfInjury), DecisionDate: dateISO(c.DecisionDate),
		URDenialDate: dateISO(c.URDenialDate), Age: itoa(c.Patient.Age), Sex: c.Patient.Sex,
		Specialties: sorted(c.Reviewer.Specialties),
	}
	for _, s := range c.Services {
		h.Items = append(h.Items, fold(s.Text)+": "+s.Decision)
	}
	return h
}

// TestCorpusHandChecked extracts every corpus letter that has a hand-checked
// truth file (fixtures/truth/corpus) and requires an exact match of the case
// number, the three header dates, each item with its decision, age, sex and
// specialties.
func TestCorpusHandChecked(t *testing.T) {
	truths, err := LoadTruths(os.DirFS("../../fixtures/truth"), "corpus")
	if err != nil {
		t.Fatal(err)
	}
	if len(truths) < 20 {
		t.Fatalf("want at least 20 hand-checked corpus letters, have %d", len(truths))
	}
	dir := testenv.CorpusDir(t)
	p, err := pipeline.New(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	names := make([]string, 0, len(truths))
	for n := range truths {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, name := range names {
		t.Run(name, func(t *testing.T) {
			c, err := p.ExtractFile(context.Background(), filepath.Join(dir, name+".pdf"))
			if err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(fromTruth(truths[name]), fromCase(c)); d != "" {
				t.Errorf("(-hand-checked +extracted):\n%s", d)
			}
		})
	}
}
