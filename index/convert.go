package index

import (
	"bytes"
	"embed"
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"

	"github.com/precedent-dev/precedent/pipeline"
)

//go:embed data/fields.yaml
var dataFS embed.FS

// indexDoc is the flat document indexed for one case; its json tags are the
// field names of mapping.go. Nil pointers are fields the case lacks.
type indexDoc struct {
	Kind             string   `json:"kind"`
	Outcome          string   `json:"outcome"`
	CaseNumber       string   `json:"case_number,omitempty"`
	CaseNumberShown  string   `json:"case_number_shown,omitempty"`
	Procedures       []string `json:"procedures"`
	ServiceDecisions []string `json:"service_decisions"`
	// ServiceKeys are the procedure with its laterality and with each
	// level ("si_joint_injection:right", "lumbar_esi:l4-l5"): Similar
	// boosts them.
	ServiceKeys []string `json:"service_keys"`
	Guidelines  []string `json:"guidelines"`
	Specialties []string `json:"specialties"`
	// Findings are the patient finding tags "code:status" and
	// "code:status:laterality".
	Findings        []string   `json:"findings"`
	Age             *float64   `json:"age,omitempty"`
	MaxRelief       *float64   `json:"max_relief,omitempty"`
	SIPositiveTests float64    `json:"si_positive_tests"`
	DecisionDate    *time.Time `json:"decision_date,omitempty"`
	DateOfInjury    *time.Time `json:"date_of_injury,omitempty"`
	Text            string     `json:"text"`
	// TextPairs is Text again, indexed as pairs of adjacent words
	// (pairs.go).
	TextPairs string `json:"text_pairs"`
	Path      string `json:"path"`
	// Services are the disputed items for display, "text (decision)".
	Services []string `json:"services"`
	// Record is the case record as JSON, stored and not indexed.
	Record string `json:"record"`
}

// fieldRules are the rules of data/fields.yaml.
type fieldRules struct {
	SIProvocativeTests []string `yaml:"si_provocative_tests"`

	siTests map[string]bool
}

// rules are the embedded field rules, loaded once.
var rules = func() *fieldRules {
	const name = "data/fields.yaml"
	b, err := dataFS.ReadFile(name)
	if err != nil {
		panic(err)
	}
	r, err := loadFieldRules(name, b)
	if err != nil {
		panic(err) // embedded data: TestFieldRules catches it
	}
	return r
}()

// loadFieldRules decodes and validates the rules file b, named name in
// errors.
func loadFieldRules(name string, b []byte) (*fieldRules, error) {
	var root yaml.Node
	if err := yaml.Unmarshal(b, &root); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	dec := yaml.NewDecoder(bytes.NewReader(b))
	dec.KnownFields(true)
	r := &fieldRules{}
	if err := dec.Decode(r); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	if len(r.SIProvocativeTests) == 0 {
		return nil, fmt.Errorf("%s: si_provocative_tests is empty", name)
	}
	r.siTests = map[string]bool{}
	for i, code := range r.SIProvocativeTests {
		line := 0
		if n := seqItem(&root, "si_provocative_tests", i); n != nil {
			line = n.Line
		}
		if code == "" || code != strings.ToLower(code) || strings.ContainsAny(code, " :") {
			return nil, fmt.Errorf("%s:%d: bad finding code %q (lower case, no spaces or colons)", name, line, code)
		}
		if r.siTests[code] {
			return nil, fmt.Errorf("%s:%d: duplicate finding code %q", name, line, code)
		}
		r.siTests[code] = true
	}
	return r, nil
}

// seqItem returns item i of the sequence under key of a YAML document.
func seqItem(doc *yaml.Node, key string, i int) *yaml.Node {
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil
	}
	m := doc.Content[0]
	for k := 0; k+1 < len(m.Content); k += 2 {
		if m.Content[k].Value == key && i < len(m.Content[k+1].Content) {
			return m.Content[k+1].Content[i]
		}
	}
	return nil
}

// patientFinding reports whether f is a documented finding of this
// patient: not quoted guideline text, not family history, and definite (a
// "possible" or hypothetical finding is not a precedent for a search by
// finding).
func patientFinding(f *pipeline.Finding) bool {
	return !f.InGuideline && f.Experiencer != "family" && (f.Certainty == "definite" || f.Certainty == "")
}

// findingTags returns the finding tags of c, sorted and distinct.
func findingTags(c *pipeline.Case) []string {
	var tags []string
	for i := range c.Findings {
		f := &c.Findings[i]
		if !patientFinding(f) || f.Code == "" || f.Status == "" {
			continue
		}
		tag := lower(f.Code) + ":" + lower(f.Status)
		tags = append(tags, tag)
		if f.Laterality != "" {
			tags = append(tags, tag+":"+lower(f.Laterality))
		}
	}
	return distinct(tags)
}

// toDoc builds the index document of c.
func toDoc(c *pipeline.Case) (*indexDoc, error) {
	rec, err := json.Marshal(c)
	if err != nil {
		return nil, fmt.Errorf("case %s: %w", c.ID, err)
	}
	d := &indexDoc{
		Kind:            lower(c.Kind),
		Outcome:         lower(c.Outcome),
		CaseNumber:      lower(c.CaseNumber),
		CaseNumberShown: c.CaseNumber,
		Guidelines:      lowerAll(c.Guidelines),
		Specialties:     lowerAll(c.Reviewer.Specialties),
		Findings:        findingTags(c),
		Text:            c.Text,
		TextPairs:       c.Text,
		Path:            c.Source.Path,
		Record:          string(rec),
	}
	for _, s := range c.Services {
		p := lower(s.Procedure)
		if p != "" {
			d.Procedures = append(d.Procedures, p)
			if s.Decision != "" {
				d.ServiceDecisions = append(d.ServiceDecisions, p+":"+lower(s.Decision))
			}
			if s.Laterality != "" {
				d.ServiceKeys = append(d.ServiceKeys, p+":"+lower(s.Laterality))
			}
			for _, l := range s.Levels {
				d.ServiceKeys = append(d.ServiceKeys, p+":"+lower(l))
			}
		}
		label := s.Text
		if label == "" {
			label = s.Procedure
		}
		if s.Decision != "" {
			label += " (" + s.Decision + ")"
		}
		d.Services = append(d.Services, label)
	}
	d.Procedures = distinct(d.Procedures)
	d.ServiceDecisions = distinct(d.ServiceDecisions)
	d.ServiceKeys = distinct(d.ServiceKeys)
	if c.Patient.Age != nil {
		a := float64(*c.Patient.Age)
		d.Age = &a
	}
	for i := range c.Relief {
		r := &c.Relief[i]
		if r.InGuideline || r.Certainty == "hypothetical" {
			continue
		}
		for _, p := range []*float64{r.Percent, r.PercentMax} {
			if p != nil && (d.MaxRelief == nil || *p > *d.MaxRelief) {
				v := *p
				d.MaxRelief = &v
			}
		}
	}
	si := map[string]bool{}
	for i := range c.Findings {
		f := &c.Findings[i]
		if patientFinding(f) && f.Status == "positive" && rules.siTests[f.Code] {
			si[f.Code] = true
		}
	}
	d.SIPositiveTests = float64(len(si))
	d.DecisionDate = fullDate(c.DecisionDate)
	d.DateOfInjury = fullDate(c.DateOfInjury)
	return d, nil
}

// fullDate returns the time of a full ISO date (YYYY-MM-DD), or nil.
func fullDate(d *pipeline.Date) *time.Time {
	if d == nil || len(d.ISO) != len("2006-01-02") {
		return nil
	}
	t, err := time.Parse("2006-01-02", d.ISO)
	if err != nil {
		return nil
	}
	return &t
}

func lower(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

func lowerAll(ss []string) []string {
	out := make([]string, 0, len(ss))
	for _, s := range ss {
		if s = lower(s); s != "" {
			out = append(out, s)
		}
	}
	return distinct(out)
}

// distinct sorts ss and drops duplicates.
func distinct(ss []string) []string {
	sort.Strings(ss)
	out := ss[:0]
	for i, s := range ss {
		if i == 0 || s != ss[i-1] {
			out = append(out, s)
		}
	}
	return out
}
