package evaluate

import (
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/pipeline"
)

func ptr[T any](v T) *T { return &v }

func TestScorerCountsEachKindOfError(t *testing.T) {
	truth := &Truth{
		Kind: "imr", CaseNumber: "CM17-0000001", DateOfInjury: ptr("2015-10-10"),
		Outcome: "partially_overturned",
		Services: []TruthService{
			{Text: "Lumbar facet injections L4-5", Decision: "upheld", Procedure: "facet_injection"},
			{Text: "Physical therapy x 6 sessions", Decision: "overturned", Procedure: "physical_therapy"},
		},
		Patient:    TruthPatient{Age: ptr(34), Sex: "male"},
		Reviewer:   TruthReviewer{Specialties: []string{"Anesthesiology", "Pain Medicine"}},
		Guidelines: []string{"MTUS", "ODG"},
	}
	got := &pipeline.Case{
		Kind: "imr", CaseNumber: "CM17-0000002", // wrong: one FP and one FN
		DateOfInjury: &pipeline.Date{ISO: "2015-10-10"},
		Outcome:      "partially_overturned",
		Services: []pipeline.Service{
			{Span: pipeline.Span{Text: "Lumbar facet injections L4-5"}, Decision: "upheld", Procedure: "facet_injection"},
			{Span: pipeline.Span{Text: "Norco 10/325"}, Decision: "upheld"},
		},
		Patient:    pipeline.Patient{Age: ptr(34)},
		Reviewer:   pipeline.Reviewer{Specialties: []string{"Anesthesiology"}},
		Guidelines: []string{"MTUS", "ACOEM"},
	}
	s := NewScorer()
	s.Add("x", got, truth)
	want := map[string]Counts{
		"kind":                 {TP: 1},
		"case_number":          {FP: 1, FN: 1},
		"date_of_injury":       {TP: 1},
		"outcome":              {TP: 1},
		"patient.age":          {TP: 1},
		"patient.sex":          {FN: 1},
		"reviewer.specialties": {TP: 1, FN: 1},
		"guidelines":           {TP: 1, FP: 1, FN: 1},
		"services":             {TP: 1, FP: 1, FN: 1},
		"services.decision":    {TP: 1, FN: 1},
		"services.procedure":   {TP: 1, FN: 1},
	}
	for f, w := range want {
		if g := *s.Fields[f]; g != w {
			t.Errorf("%s: got %+v, want %+v", f, g, w)
		}
	}
	if c := s.Fields["guidelines"]; c.Precision() != 0.5 || c.Recall() != 0.5 {
		t.Errorf("guidelines precision/recall = %v/%v, want 0.5/0.5", c.Precision(), c.Recall())
	}
	var b strings.Builder
	s.WriteTable(&b)
	if !strings.Contains(b.String(), "case_number") {
		t.Errorf("table lacks a row: %s", b.String())
	}
}

func TestParseTruthIsStrict(t *testing.T) {
	if _, err := ParseTruth("a.json", []byte(`{"kind":"imr","case_nmber":"x"}`)); err == nil {
		t.Fatal("a misspelled field was accepted")
	}
	tr, err := ParseTruth("b.json", []byte(`{"kind":"iro","date_of_injury":"","decision_date":null}`))
	if err != nil {
		t.Fatal(err)
	}
	if truthDate(tr.DateOfInjury) != "(redacted)" || truthDate(tr.DecisionDate) != "" {
		t.Errorf("redacted/absent dates decoded wrong: %q %q", truthDate(tr.DateOfInjury), truthDate(tr.DecisionDate))
	}
}

func TestCoverage(t *testing.T) {
	var v Coverage
	v.Add(&pipeline.Case{Kind: "imr", CaseNumber: "CM1", Services: []pipeline.Service{{Decision: "upheld"}}})
	v.Add(&pipeline.Case{Kind: "unknown"})
	if v.Has("kind") != 1 || v.Has("case_number") != 1 || v.Has("services.decision (all)") != 1 || v.Has("patient.age") != 0 {
		t.Errorf("coverage counts wrong: kind=%d case=%d dec=%d age=%d", v.Has("kind"), v.Has("case_number"), v.Has("services.decision (all)"), v.Has("patient.age"))
	}
	if v.Has("nope") != -1 {
		t.Error("unknown field should give -1")
	}
}
