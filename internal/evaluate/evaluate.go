// Package evaluate scores case records against hand-annotated truth files
// (fixtures/truth) and counts field coverage over a corpus. It backs
// `make eval` (cmd/evaluate) and the hand-checked corpus test.
package evaluate

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/pipeline"
)

// A Truth is the hand-annotated letter-level part of a case record, with
// the record's own field names. Dates are ISO strings ("" when redacted,
// null when the letter has none).
type Truth struct {
	Kind         string         `json:"kind"`
	CaseNumber   string         `json:"case_number"`
	DateOfInjury *string        `json:"date_of_injury"`
	DecisionDate *string        `json:"decision_date"`
	URDenialDate *string        `json:"ur_denial_date"`
	Outcome      string         `json:"outcome"`
	Services     []TruthService `json:"services"`
	Patient      TruthPatient   `json:"patient"`
	Reviewer     TruthReviewer  `json:"reviewer"`
	Guidelines   []string       `json:"guidelines"`
	// Notes are the annotator's remarks; not scored.
	Notes string `json:"notes,omitempty"`
}

// A TruthService is one annotated disputed item.
type TruthService struct {
	Text       string   `json:"text"`
	Decision   string   `json:"decision"`
	Procedure  string   `json:"procedure"`
	Laterality string   `json:"laterality"`
	Levels     []string `json:"levels"`
}

// TruthPatient holds annotated demographics.
type TruthPatient struct {
	Age *int   `json:"age"`
	Sex string `json:"sex"`
}

// TruthReviewer holds the annotated reviewer fields.
type TruthReviewer struct {
	Specialties     []string `json:"specialties"`
	Licensure       []string `json:"licensure"`
	BoardCertified  *bool    `json:"board_certified"`
	YearsExperience *int     `json:"years_experience"`
}

// ParseTruth decodes one truth file strictly (unknown fields are errors).
func ParseTruth(name string, data []byte) (*Truth, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t Truth
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if dec.More() {
		return nil, fmt.Errorf("%s: trailing data after the truth object", name)
	}
	return &t, nil
}

// LoadTruths reads every *.json file directly in dir of fsys, keyed by the
// file's base name without extension.
func LoadTruths(fsys fs.FS, dir string) (map[string]*Truth, error) {
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		return nil, err
	}
	out := map[string]*Truth{}
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		t, err := ParseTruth(path.Join(dir, e.Name()), data)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(e.Name(), ".json")] = t
	}
	return out, nil
}

// Counts are true positives, false positives and false negatives.
type Counts struct{ TP, FP, FN int }

// Precision is TP/(TP+FP), 1 when nothing was predicted.
func (c Counts) Precision() float64 { return ratio(c.TP, c.TP+c.FP) }

// Recall is TP/(TP+FN), 1 when nothing was expected.
func (c Counts) Recall() float64 { return ratio(c.TP, c.TP+c.FN) }

// F1 is the harmonic mean of precision and recall.
func (c Counts) F1() float64 {
	p, r := c.Precision(), c.Recall()
	if p+r == 0 {
		return 0
	}
	return 2 * p * r / (p + r)
}

func ratio(a, b int) float64 {
	if b == 0 {
		return 1
	}
	return float64(a) / float64(b)
}

// A Mismatch is one disagreement between a record and its truth.
type Mismatch struct {
	Letter, Field, Want, Got string
}

// A Scorer accumulates per-field counts over letters.
type Scorer struct {
	Fields     map[string]*Counts
	Mismatches []Mismatch
}

// NewScorer returns an empty Scorer.
func NewScorer() *Scorer { return &Scorer{Fields: map[string]*Counts{}} }

func (s *Scorer) counts(field string) *Counts {
	c := s.Fields[field]
	if c == nil {
		c = &Counts{}
		s.Fields[field] = c
	}
	return c
}

// scalar scores one single-valued field: "" means absent.
func (s *Scorer) scalar(letter, field, want, got string) {
	c := s.counts(field)
	switch {
	case want == "" && got == "":
	case want == got:
		c.TP++
	default:
		if got != "" {
			c.FP++
		}
		if want != "" {
			c.FN++
		}
		s.Mismatches = append(s.Mismatches, Mismatch{letter, field, want, got})
	}
}

// set scores a multi-valued field as a set.
func (s *Scorer) set(letter, field string, want, got []string) {
	c := s.counts(field)
	w, g := map[string]bool{}, map[string]bool{}
	for _, x := range want {
		w[x] = true
	}
	for _, x := range got {
		g[x] = true
	}
	bad := false
	for x := range g {
		if w[x] {
			c.TP++
		} else {
			c.FP++
			bad = true
		}
	}
	for x := range w {
		if !g[x] {
			c.FN++
			bad = true
		}
	}
	if bad {
		s.Mismatches = append(s.Mismatches, Mismatch{letter, field, strings.Join(sorted(want), ","), strings.Join(sorted(got), ",")})
	}
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

func dateISO(d *pipeline.Date) string {
	if d == nil {
		return ""
	}
	if d.Redacted || d.ISO == "" {
		return "(redacted)"
	}
	return d.ISO
}

func truthDate(s *string) string {
	if s == nil {
		return ""
	}
	if *s == "" {
		return "(redacted)"
	}
	return *s
}

func itoa(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

func btoa(p *bool) string {
	if p == nil {
		return ""
	}
	return strconv.FormatBool(*p)
}

// Add scores one record against its truth.
func (s *Scorer) Add(letter string, c *pipeline.Case, t *Truth) {
	s.scalar(letter, "kind", t.Kind, c.Kind)
	s.scalar(letter, "case_number", t.CaseNumber, c.CaseNumber)
	s.scalar(letter, "date_of_injury", truthDate(t.DateOfInjury), dateISO(c.DateOfInjury))
	s.scalar(letter, "decision_date", truthDate(t.DecisionDate), dateISO(c.DecisionDate))
	s.scalar(letter, "ur_denial_date", truthDate(t.URDenialDate), dateISO(c.URDenialDate))
	s.scalar(letter, "outcome", t.Outcome, c.Outcome)
	s.scalar(letter, "patient.age", itoa(t.Patient.Age), itoa(c.Patient.Age))
	s.scalar(letter, "patient.sex", t.Patient.Sex, c.Patient.Sex)
	s.set(letter, "reviewer.specialties", t.Reviewer.Specialties, c.Reviewer.Specialties)
	s.set(letter, "reviewer.licensure", t.Reviewer.Licensure, c.Reviewer.Licensure)
	s.scalar(letter, "reviewer.board_certified", btoa(t.Reviewer.BoardCertified), btoa(c.Reviewer.BoardCertified))
	s.scalar(letter, "reviewer.years_experience", itoa(t.Reviewer.YearsExperience), itoa(c.Reviewer.YearsExperience))
	s.set(letter, "guidelines", t.Guidelines, c.Guidelines)
	s.services(letter, c.Services, t.Services)
}

// services aligns predicted and annotated services by name similarity and
// scores the item itself and each of its attributes.
func (s *Scorer) services(letter string, got []pipeline.Service, want []TruthService) {
	used := make([]bool, len(got))
	item := s.counts("services")
	for _, w := range want {
		best, bestSim := -1, 0.0
		for i, g := range got {
			if used[i] {
				continue
			}
			if sim := similarity(w.Text, g.Text); sim > bestSim {
				best, bestSim = i, sim
			}
		}
		if best < 0 || bestSim < 0.5 {
			item.FN++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "services", w.Text, "(missing)"})
			for f, v := range map[string]string{"services.decision": w.Decision, "services.procedure": w.Procedure,
				"services.laterality": w.Laterality, "services.levels": strings.Join(w.Levels, ",")} {
				if v != "" {
					s.counts(f).FN++ // an attribute the letter has was not extracted
				}
			}
			continue
		}
		used[best] = true
		item.TP++
		g := got[best]
		s.scalar(letter, "services.decision", w.Decision, g.Decision)
		s.scalar(letter, "services.procedure", w.Procedure, g.Procedure)
		s.scalar(letter, "services.laterality", w.Laterality, g.Laterality)
		s.scalar(letter, "services.levels", strings.Join(w.Levels, ","), strings.Join(g.Levels, ","))
	}
	for i, g := range got {
		if !used[i] {
			item.FP++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "services", "(none)", g.Text})
		}
	}
}

// similarity is the Jaccard overlap of the lower-cased word sets of a and b.
func similarity(a, b string) float64 {
	wa, wb := words(a), words(b)
	if len(wa) == 0 || len(wb) == 0 {
		return 0
	}
	inter := 0
	for w := range wa {
		if wb[w] {
			inter++
		}
	}
	return float64(inter) / float64(len(wa)+len(wb)-inter)
}

func words(s string) map[string]bool {
	out := map[string]bool{}
	for _, f := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		out[f] = true
	}
	return out
}

// WriteTable prints precision, recall and F1 per field, sorted by name.
func (s *Scorer) WriteTable(w io.Writer) {
	names := make([]string, 0, len(s.Fields))
	for n := range s.Fields {
		names = append(names, n)
	}
	sort.Strings(names)
	fmt.Fprintf(w, "%-28s %5s %5s %5s %9s %7s %6s\n", "field", "tp", "fp", "fn", "precision", "recall", "f1")
	for _, n := range names {
		c := s.Fields[n]
		fmt.Fprintf(w, "%-28s %5d %5d %5d %9.3f %7.3f %6.3f\n", n, c.TP, c.FP, c.FN, c.Precision(), c.Recall(), c.F1())
	}
}
