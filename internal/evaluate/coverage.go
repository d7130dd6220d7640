package evaluate

import (
	"fmt"
	"io"

	"github.com/precedent-dev/precedent/pipeline"
)

// coverageFields are the letter-level fields counted by Coverage, in print
// order, with the test that says a record has the field.
var coverageFields = []struct {
	name string
	has  func(c *pipeline.Case) bool
}{
	{"kind", func(c *pipeline.Case) bool { return c.Kind != "unknown" && c.Kind != "" }},
	{"case_number", func(c *pipeline.Case) bool { return c.CaseNumber != "" }},
	{"date_of_injury", func(c *pipeline.Case) bool { return c.DateOfInjury != nil }},
	{"decision_date", func(c *pipeline.Case) bool { return c.DecisionDate != nil }},
	{"ur_denial_date", func(c *pipeline.Case) bool { return c.URDenialDate != nil }},
	{"outcome", func(c *pipeline.Case) bool { return c.Outcome != "unknown" && c.Outcome != "" }},
	{"services", func(c *pipeline.Case) bool { return len(c.Services) > 0 }},
	{"services.decision (all)", func(c *pipeline.Case) bool {
		for _, s := range c.Services {
			if s.Decision == "unknown" || s.Decision == "" {
				return false
			}
		}
		return len(c.Services) > 0
	}},
	{"services.procedure (all)", func(c *pipeline.Case) bool {
		for _, s := range c.Services {
			if s.Procedure == "" {
				return false
			}
		}
		return len(c.Services) > 0
	}},
	{"patient.age", func(c *pipeline.Case) bool { return c.Patient.Age != nil }},
	{"patient.sex", func(c *pipeline.Case) bool { return c.Patient.Sex != "" }},
	{"reviewer.specialties", func(c *pipeline.Case) bool { return len(c.Reviewer.Specialties) > 0 }},
	{"reviewer.licensure", func(c *pipeline.Case) bool { return len(c.Reviewer.Licensure) > 0 }},
	{"guidelines", func(c *pipeline.Case) bool { return len(c.Guidelines) > 0 }},
	{"dates", func(c *pipeline.Case) bool { return len(c.Dates) > 0 }},
	{"sections.clinical_summary", hasSection("clinical_summary")},
	{"sections.analysis", hasSection("analysis")},
	{"sections.guideline_quote", hasSection("guideline_quote")},
}

func hasSection(name string) func(c *pipeline.Case) bool {
	return func(c *pipeline.Case) bool {
		for _, s := range c.Sections {
			if s.Name == name {
				return true
			}
		}
		return false
	}
}

// Coverage counts, per field, how many records have it.
type Coverage struct {
	Letters int
	Failed  int
	counts  []int
}

// Add counts one record.
func (v *Coverage) Add(c *pipeline.Case) {
	if v.counts == nil {
		v.counts = make([]int, len(coverageFields))
	}
	v.Letters++
	for i, f := range coverageFields {
		if f.has(c) {
			v.counts[i]++
		}
	}
}

// Has returns how many records have the named field (-1 if unknown name).
func (v *Coverage) Has(field string) int {
	for i, f := range coverageFields {
		if f.name == field {
			if v.counts == nil {
				return 0
			}
			return v.counts[i]
		}
	}
	return -1
}

// WriteTable prints the coverage table.
func (v *Coverage) WriteTable(w io.Writer) {
	fmt.Fprintf(w, "%-28s %7s %7s\n", "field", "letters", "share")
	for i, f := range coverageFields {
		n := 0
		if v.counts != nil {
			n = v.counts[i]
		}
		fmt.Fprintf(w, "%-28s %3d/%-3d %6.1f%%\n", f.name, n, v.Letters, 100*ratio(n, v.Letters))
	}
}
