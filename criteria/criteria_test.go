package criteria

import (
	"strings"
	"testing"
	"testing/fstest"

	"github.com/precedent-dev/precedent/pipeline"
)

func TestLoadEmbedded(t *testing.T) {
	ch, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(ch.Sets()) == 0 {
		t.Fatal("no sets")
	}
}

func TestLoadErrorsNameFileAndLine(t *testing.T) {
	for _, tc := range []struct{ name, yaml, want string }{
		{"unknown kind", "sets:\n  - id: x\n    title: X\n    source: {guideline: ODG}\n    applies_to: [mri]\n    criteria:\n      - id: x/1\n        title: one\n        rule: {kind: nope}\n", "bad.yaml:9: criterion x/1: unknown rule kind"},
		{"bad param", "sets:\n  - id: x\n    title: X\n    source: {guideline: ODG}\n    applies_to: [mri]\n    criteria:\n      - id: x/1\n        title: one\n        rule: {kind: guidance, allowd: [ct]}\n", "bad.yaml:9:"},
		{"id prefix", "sets:\n  - id: x\n    title: X\n    source: {guideline: ODG}\n    applies_to: [mri]\n    criteria:\n      - id: y/1\n        title: one\n        rule: {kind: guidance, allowed: [ct]}\n", "must be unique and start with"},
		{"unknown key", "sets:\n  - id: x\n    titel: X\n", "bad.yaml:3:"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"bad.yaml": {Data: []byte(tc.yaml)}})
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %v, want an error containing %q", err, tc.want)
			}
		})
	}
}

func TestVerdictAndAgreement(t *testing.T) {
	ch, err := Load(fstest.MapFS{"s.yaml": {Data: []byte(`sets:
  - id: g
    title: Guided
    source: {guideline: ODG}
    applies_to: [si_joint_injection]
    criteria:
      - id: g/1
        title: fluoroscopy
        rule: {kind: guidance, allowed: [fluoroscopy]}
`)}})
	if err != nil {
		t.Fatal(err)
	}
	text := "Right SI joint injection under fluoroscopy. MRI lumbar."
	c := &pipeline.Case{ID: "x", Text: text, Outcome: "partially_overturned", Services: []pipeline.Service{
		{Span: pipeline.Span{Text: text[:42], Start: 0, End: 42}, Procedure: "si_joint_injection", Guidance: "fluoroscopy", Decision: "overturned"},
		{Span: pipeline.Span{Text: "MRI lumbar", Start: 44, End: 54}, Procedure: "mri", Decision: "upheld"},
	}}
	rep := ch.Check(c)
	if len(rep.Sets) != 1 {
		t.Fatalf("want the set once (only the SI service), got %d", len(rep.Sets))
	}
	sr := rep.Sets[0]
	if sr.Verdict != CriteriaMet || sr.Agrees == nil || !*sr.Agrees || sr.Results[0].Evidence[0].Text != text[:42] {
		t.Errorf("verdict %s agrees %v results %+v", sr.Verdict, sr.Agrees, sr.Results)
	}
	c.Services[0].Guidance = ""
	if sr := ch.Check(c).Sets[0]; sr.Verdict != Insufficient || *sr.Agrees {
		t.Errorf("no guidance: verdict %s agrees %v", sr.Verdict, *sr.Agrees)
	}
	c.Services[0].Guidance = "ultrasound"
	if sr := ch.Check(c).Sets[0]; sr.Verdict != CriteriaNotMet || sr.Results[0].Status != NotMet {
		t.Errorf("ultrasound: verdict %s", sr.Verdict)
	}
}
