package index

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/precedent-dev/precedent/pipeline"
)

func TestFieldRules(t *testing.T) {
	b, err := dataFS.ReadFile("data/fields.yaml")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := loadFieldRules("data/fields.yaml", b); err != nil {
		t.Fatalf("embedded rules: %v", err)
	}
	for _, tt := range []struct{ name, yaml, want string }{
		{"unknown key", "si_provocative_tests: [faber]\nextra: 1\n", "field extra not found"},
		{"empty", "si_provocative_tests: []\n", "is empty"},
		{"upper case", "si_provocative_tests:\n  - faber\n  - Gaenslen\n", "x.yaml:3: bad finding code"},
		{"colon", "si_provocative_tests:\n  - \"faber:positive\"\n", "x.yaml:2: bad finding code"},
		{"duplicate", "si_provocative_tests:\n  - faber\n  - gillet\n  - faber\n", "x.yaml:4: duplicate"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := loadFieldRules("x.yaml", []byte(tt.yaml))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("error %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestToDoc(t *testing.T) {
	f := func(code, status, side string, mod func(*pipeline.Finding)) pipeline.Finding {
		x := pipeline.Finding{Code: code, Status: status, Laterality: side, Certainty: "definite", Experiencer: "patient"}
		if mod != nil {
			mod(&x)
		}
		return x
	}
	c := &pipeline.Case{
		ID: "0123456789abcdef", Kind: "IRO", Outcome: "Upheld", CaseNumber: "AB-123",
		Text: "letter", Source: pipeline.Source{Path: "a/b.txt"},
		DecisionDate: &pipeline.Date{ISO: "2020-09-03"},
		DateOfInjury: &pipeline.Date{ISO: "2019-05"}, // partial: no date field
		Patient:      pipeline.Patient{Age: ptr(44)},
		Guidelines:   []string{"ODG", "MTUS", "ODG"},
		Reviewer:     pipeline.Reviewer{Specialties: []string{"Pain Medicine", "Anesthesiology"}},
		Services: []pipeline.Service{
			{Span: pipeline.Span{Text: "Right SI joint injection"}, Procedure: "si_joint_injection", Laterality: "right", Decision: "upheld"},
			{Procedure: "epidural_steroid_injection", Levels: []string{"L4-L5", "L5-S1"}, Decision: "overturned"},
		},
		Findings: []pipeline.Finding{
			f("faber", "positive", "right", nil),
			f("faber", "positive", "", nil),
			f("gaenslen", "positive", "", nil),
			f("thigh_thrust", "negative", "left", nil),
			f("si_tenderness", "positive", "bilateral", nil),
			f("compression", "positive", "", func(x *pipeline.Finding) { x.InGuideline = true }),
			f("distraction", "positive", "", func(x *pipeline.Finding) { x.Experiencer = "family" }),
			f("gillet", "positive", "", func(x *pipeline.Finding) { x.Certainty = "hypothetical" }),
			f("cranial_shear", "positive", "", func(x *pipeline.Finding) { x.Certainty = "possible" }),
			f("spurling", "positive", "left", nil), // not an SI test
			f("fortin_finger", "", "", nil),        // no status: no tag
		},
		Relief: []pipeline.Relief{
			{Percent: ptr(50.0), PercentMax: ptr(70.0)},
			{Percent: ptr(80.0), InGuideline: true},
			{Percent: ptr(90.0), Certainty: "hypothetical"},
			{Percent: nil},
		},
	}
	d, err := toDoc(c)
	if err != nil {
		t.Fatal(err)
	}
	d.Record = "" // checked by TestGetRoundTrip
	want := &indexDoc{
		Kind: "iro", Outcome: "upheld", CaseNumber: "ab-123", CaseNumberShown: "AB-123",
		Procedures:       []string{"epidural_steroid_injection", "si_joint_injection"},
		ServiceDecisions: []string{"epidural_steroid_injection:overturned", "si_joint_injection:upheld"},
		ServiceKeys:      []string{"epidural_steroid_injection:l4-l5", "epidural_steroid_injection:l5-s1", "si_joint_injection:right"},
		Guidelines:       []string{"mtus", "odg"},
		Specialties:      []string{"anesthesiology", "pain medicine"},
		Findings: []string{"faber:positive", "faber:positive:right", "gaenslen:positive",
			"si_tenderness:positive", "si_tenderness:positive:bilateral",
			"spurling:positive", "spurling:positive:left",
			"thigh_thrust:negative", "thigh_thrust:negative:left"},
		Age:             ptr(44.0),
		MaxRelief:       ptr(70.0),
		SIPositiveTests: 3, // faber, gaenslen, si_tenderness
		DecisionDate:    ptr(time.Date(2020, 9, 3, 0, 0, 0, 0, time.UTC)),
		Text:            "letter",
		TextPairs:       "letter",
		Path:            "a/b.txt",
		Services:        []string{"Right SI joint injection (upheld)", "epidural_steroid_injection (overturned)"},
	}
	if diff := cmp.Diff(want, d); diff != "" {
		t.Errorf("toDoc (-want +got):\n%s", diff)
	}
}
