package criteria

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strings"

	"github.com/precedent-dev/precedent/internal/rules"
	"github.com/precedent-dev/precedent/pipeline"
	"go.yaml.in/yaml/v3"
)

//go:embed data/*.yaml
var embedded embed.FS

// Criterion statuses.
const (
	Met           = "met"
	NotMet        = "not_met"
	NotDocumented = "not_documented"
	NotApplicable = "not_applicable"
)

// Set verdicts.
const (
	CriteriaMet       = "criteria_met"
	CriteriaNotMet    = "criteria_not_met"
	Insufficient      = "insufficient_documentation"
	verdictNotApplies = "not_applicable"
)

// A Source names where a set's criteria come from.
type Source struct {
	Guideline string `yaml:"guideline" json:"guideline"`
	Edition   string `yaml:"edition" json:"edition"`
	Chapter   string `yaml:"chapter" json:"chapter"`
	Topic     string `yaml:"topic" json:"topic"`
}

func (s Source) String() string {
	parts := []string{s.Guideline}
	for _, p := range []string{s.Edition, s.Chapter, s.Topic} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

// A Set is one guideline's criteria for a group of procedures.
type Set struct {
	ID          string      `yaml:"id"`
	Title       string      `yaml:"title"`
	Description string      `yaml:"description"`
	Source      Source      `yaml:"source"`
	AppliesTo   []string    `yaml:"applies_to"`
	Criteria    []Criterion `yaml:"criteria"`

	File string `yaml:"-"`
}

// A Criterion is one numbered criterion of a set.
type Criterion struct {
	// ID is stable: "<set id>/<number as the guideline numbers it>".
	ID    string `yaml:"id"`
	Title string `yaml:"title"`
	// Text is the criterion as the guideline words it (as letters quote it).
	Text string `yaml:"text"`
	// Rule is the rule kind and its parameters.
	Rule yaml.Node `yaml:"rule"`

	Line int  `yaml:"-"`
	rule Rule // compiled from Rule
}

// An Evidence span points into the case text.
type Evidence struct {
	Text  string `json:"text"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// An Outcome is what a rule decides for one criterion.
type Outcome struct {
	Status   string
	Reason   string
	Evidence []Evidence
}

// Input is what a rule sees: the case and the disputed service the set is
// checked for.
type Input struct {
	Case    *pipeline.Case
	Service *pipeline.Service
}

// A Rule decides one criterion.
type Rule interface {
	Eval(in *Input) Outcome
}

// A kind builds a Rule from its YAML parameters (decoded strictly).
type kind func(params *yaml.Node) (Rule, error)

// kinds is the registry of rule kinds, filled by the kinds*.go files.
var kinds = map[string]kind{}

// register adds a rule kind; it panics on a duplicate name (a programming
// error found by any test).
func register(name string, k kind) {
	if _, dup := kinds[name]; dup {
		panic("criteria: duplicate rule kind " + name)
	}
	kinds[name] = k
}

// decodeParams decodes a rule's parameters strictly into v, ignoring the
// "kind" key.
func decodeParams(n *yaml.Node, v any) error {
	cp := *n
	cp.Content = nil
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == "kind" {
			continue
		}
		cp.Content = append(cp.Content, n.Content[i], n.Content[i+1])
	}
	b, err := yaml.Marshal(&cp)
	if err != nil {
		return err
	}
	dec := yaml.NewDecoder(strings.NewReader(string(b)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil && err.Error() != "EOF" {
		return err
	}
	return nil
}

// A Checker holds validated criteria sets. It is safe for concurrent use.
type Checker struct {
	sets []*Set
}

var idRE = regexp.MustCompile(`^[a-z0-9][a-z0-9-]*$`)

type setFile struct {
	Sets []Set `yaml:"sets"`
}

// Load reads every *.yaml at the root of fsys (nil: the embedded sets) and
// validates the sets; an error names file:line.
func Load(fsys fs.FS) (*Checker, error) {
	if fsys == nil {
		sub, err := fs.Sub(embedded, "data")
		if err != nil {
			return nil, err
		}
		fsys = sub
	}
	files, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	ch := &Checker{}
	seen := map[string]bool{}
	for _, f := range files {
		var sf setFile
		if err := rules.Decode(fsys, f, &sf); err != nil {
			return nil, err
		}
		for i := range sf.Sets {
			s := &sf.Sets[i]
			s.File = f
			if err := s.compile(seen); err != nil {
				return nil, err
			}
			ch.sets = append(ch.sets, s)
		}
	}
	if len(ch.sets) == 0 {
		return nil, &rules.Error{File: "criteria", Reason: "no criteria sets"}
	}
	return ch, nil
}

func (s *Set) compile(seen map[string]bool) error {
	bad := func(line int, format string, args ...any) error {
		return &rules.Error{File: s.File, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	if !idRE.MatchString(s.ID) {
		return bad(0, "set id %q is not lower-case-with-dashes", s.ID)
	}
	if seen[s.ID] {
		return bad(0, "duplicate set id %q", s.ID)
	}
	seen[s.ID] = true
	if s.Title == "" || s.Source.Guideline == "" || len(s.AppliesTo) == 0 || len(s.Criteria) == 0 {
		return bad(0, "set %s needs title, source.guideline, applies_to and criteria", s.ID)
	}
	for i := range s.Criteria {
		c := &s.Criteria[i]
		c.Line = c.Rule.Line
		if !strings.HasPrefix(c.ID, s.ID+"/") || seen[c.ID] {
			return bad(c.Line, "criterion id %q must be unique and start with %q", c.ID, s.ID+"/")
		}
		seen[c.ID] = true
		if c.Title == "" {
			return bad(c.Line, "criterion %s has no title", c.ID)
		}
		var head struct {
			Kind string `yaml:"kind"`
		}
		if c.Rule.Kind != yaml.MappingNode {
			return bad(c.Line, "criterion %s: rule must be a mapping with a kind", c.ID)
		}
		for j := 0; j+1 < len(c.Rule.Content); j += 2 {
			if c.Rule.Content[j].Value == "kind" {
				head.Kind = c.Rule.Content[j+1].Value
			}
		}
		k, ok := kinds[head.Kind]
		if !ok {
			return bad(c.Line, "criterion %s: unknown rule kind %q (known: %s)", c.ID, head.Kind, strings.Join(kindNames(), ", "))
		}
		r, err := k(&c.Rule)
		if err != nil {
			return bad(c.Line, "criterion %s: %v", c.ID, err)
		}
		c.rule = r
	}
	return nil
}

func kindNames() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// Sets returns the loaded sets in file order. The slice must not be changed.
func (ch *Checker) Sets() []*Set { return ch.sets }

// Report is the criteria report of shared/spec/case-v1.md.
type Report struct {
	CaseID  string      `json:"case_id"`
	Outcome string      `json:"outcome"`
	Sets    []SetReport `json:"sets"`
}

// A SetReport is one set checked for one disputed service.
type SetReport struct {
	ID        string   `json:"id"`
	Title     string   `json:"title"`
	Source    string   `json:"source"`
	AppliesTo []string `json:"applies_to"`
	// Service is the disputed item the set was checked for, and Decision
	// its decision in the letter.
	Service  string   `json:"service"`
	Decision string   `json:"decision"`
	Results  []Result `json:"results"`
	Verdict  string   `json:"verdict"`
	// Agrees says whether the verdict agrees with the letter's decision
	// (criteria met ↔ overturned); null when the decision is unknown.
	Agrees *bool `json:"agrees_with_decision"`
}

// A Result is one criterion's status.
type Result struct {
	ID       string     `json:"id"`
	Title    string     `json:"title"`
	Status   string     `json:"status"`
	Reason   string     `json:"reason"`
	Evidence []Evidence `json:"evidence"`
}

// Check runs every set that applies to one of the case's services.
func (ch *Checker) Check(c *pipeline.Case) *Report {
	rep := &Report{CaseID: c.ID, Outcome: c.Outcome, Sets: []SetReport{}}
	for i := range c.Services {
		sv := &c.Services[i]
		for _, s := range ch.sets {
			if !contains(s.AppliesTo, sv.Procedure) {
				continue
			}
			rep.Sets = append(rep.Sets, s.check(&Input{Case: c, Service: sv}))
		}
	}
	return rep
}

func (s *Set) check(in *Input) SetReport {
	sr := SetReport{
		ID: s.ID, Title: s.Title, Source: s.Source.String(), AppliesTo: s.AppliesTo,
		Service: in.Service.Text, Decision: in.Service.Decision, Results: []Result{},
	}
	for i := range s.Criteria {
		c := &s.Criteria[i]
		o := c.rule.Eval(in)
		if o.Evidence == nil {
			o.Evidence = []Evidence{}
		}
		sr.Results = append(sr.Results, Result{ID: c.ID, Title: c.Title, Status: o.Status, Reason: o.Reason, Evidence: o.Evidence})
	}
	sr.Verdict = verdict(sr.Results)
	switch in.Service.Decision {
	case "upheld", "overturned":
		agrees := (sr.Verdict == CriteriaMet) == (in.Service.Decision == "overturned")
		sr.Agrees = &agrees
	}
	return sr
}

// verdict: any criterion not met → criteria_not_met; else any not
// documented → insufficient_documentation; else criteria_met.
func verdict(rs []Result) string {
	v := CriteriaMet
	for _, r := range rs {
		switch r.Status {
		case NotMet:
			return CriteriaNotMet
		case NotDocumented:
			v = Insufficient
		}
	}
	return v
}

func contains(xs []string, s string) bool {
	for _, x := range xs {
		if x == s {
			return true
		}
	}
	return false
}

// evidence makes an Evidence from a span of the case text.
func evidence(c *pipeline.Case, start, end int) Evidence {
	return Evidence{Text: c.Text[start:end], Start: start, End: end}
}
