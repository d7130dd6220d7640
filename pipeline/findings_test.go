package pipeline

import (
	"fmt"
	"io/fs"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/extract"
)

func sentence(start, end int) extract.Sentence { return extract.Sentence{Start: start, End: end} }

// findingKey is what the seed assertions compare.
func findingKey(f Finding) string {
	return fmt.Sprintf("%s %s %s %s", f.Code, f.Status, f.Laterality, f.SideDetail)
}

func hasFinding(c *Case, key string, patient bool) bool {
	for _, f := range c.Findings {
		if strings.TrimSpace(findingKey(f)) == key && (!patient || !f.InGuideline && f.Experiencer == "patient" && f.Certainty == "definite") {
			return true
		}
	}
	return false
}

// TestFindingsSeeds checks the must-show findings of the two seeds.
func TestFindingsSeeds(t *testing.T) {
	p := newTestPipeline(t)
	iro := extractFixture(t, p, "iro_si_injection_upheld.txt")
	for _, key := range []string{
		"faber positive right",
		"si_tenderness positive bilateral right>left",
		"straight_leg_raise negative bilateral",
		"paraspinal_tenderness positive left",
		"spinous_tenderness positive",
		"reflex_change negative bilateral", // "Lower extremities reflexes are symmetrically present"
		"sensory_deficit negative",
		"straight_leg_raise negative",
	} {
		if !hasFinding(iro, key, true) {
			t.Errorf("IRO seed: no patient finding %q", key)
		}
	}
	for _, f := range iro.Findings {
		if f.Code == "si_tenderness" && (strings.Contains(f.Text, "L5/S1") || strings.Contains(f.Text, "l5/s1") || strings.Contains(f.Text, "hardware")) {
			t.Errorf("IRO seed: SI tenderness from a level or the hardware: %q", f.Text)
		}
		if f.Code == "faber" && f.Status != "positive" {
			t.Errorf("IRO seed: FABER %s in %q", f.Status, f.Text)
		}
	}
	imr := extractFixture(t, p, "imr_si_block_upheld.txt")
	if !hasFinding(imr, "sensory_deficit positive", true) {
		t.Errorf("IMR seed: no decreased sensation")
	}
	for _, f := range imr.Findings {
		if f.Status == "positive" && !f.InGuideline && strings.Contains(f.Text, "positive exam findings") {
			t.Errorf("IMR seed: a patient finding from the criteria: %+v", f)
		}
	}
}

// TestFindingsInvariants: every finding of every fixture letter is well
// formed, sorted, and its evidence is the case text at its offsets.
func TestFindingsInvariants(t *testing.T) {
	p := newTestPipeline(t)
	enums := map[string][]string{
		"status":      {"positive", "negative", "not_performed"},
		"laterality":  {"", "left", "right", "bilateral"},
		"side_detail": {"", "right>left", "left>right"},
		"certainty":   {"definite", "possible", "hypothetical"},
		"experiencer": {"patient", "family"},
	}
	in := func(k, v string) bool {
		for _, x := range enums[k] {
			if x == v {
				return true
			}
		}
		return false
	}
	for _, name := range fixtureLetters(t) {
		c := extractFixture(t, p, name)
		for i, f := range c.Findings {
			if f.Start < 0 || f.End > len(c.Text) || f.Start > f.End || c.Text[f.Start:f.End] != f.Text {
				t.Errorf("%s: finding %d: bad evidence span %d:%d", name, i, f.Start, f.End)
			}
			if f.Label == "" || !in("status", f.Status) || !in("laterality", f.Laterality) || !in("side_detail", f.SideDetail) ||
				!in("certainty", f.Certainty) || !in("experiencer", f.Experiencer) {
				t.Errorf("%s: finding %d: bad attributes %+v", name, i, f)
			}
			if i > 0 {
				a := c.Findings[i-1]
				if a.Start > f.Start || a.Start == f.Start && a.Code > f.Code {
					t.Errorf("%s: findings not sorted at %d", name, i)
				}
			}
		}
	}
}

// TestFindingsGuideline: tests named in a quoted guideline list are kept,
// in_guideline; a test named without a result outside rule text is not a
// finding.
func TestFindingsGuideline(t *testing.T) {
	r, err := newFindingRules(nil)
	if err != nil {
		t.Fatal(err)
	}
	text := "Per ODG: Criteria for the use of sacroiliac blocks: the history should suggest the diagnosis with documentation of at least 3 positive exam findings: Patrick's test (FABER), Gaenslen's test and thigh thrust test. The provider listed Gaenslen's test."
	c := &Case{Text: text}
	d := &caseDoc{c: c}
	cut := strings.Index(text, " The provider")
	d.sents = append(d.sents, sentence(0, cut), sentence(cut+1, len(text)))
	d.guide = append(d.guide, sentence(0, cut))
	r.apply(d)
	var got []string
	for _, f := range c.Findings {
		got = append(got, fmt.Sprintf("%s %s %v %s", f.Code, f.Status, f.InGuideline, f.Certainty))
	}
	want := []string{"faber positive true hypothetical", "gaenslen positive true hypothetical", "thigh_thrust positive true hypothetical"}
	if strings.Join(got, "|") != strings.Join(want, "|") {
		t.Errorf("got %q, want %q", got, want)
	}
}

// TestRuleTextZoneCut: a sentence of the patient's record that a guideline
// zone swallowed is no rule text; the zone's other sentences stay.
func TestRuleTextZoneCut(t *testing.T) {
	sub, err := fs.Sub(fieldData, "data")
	if err != nil {
		t.Fatal(err)
	}
	g, err := loadRuleTextRules(sub)
	if err != nil {
		t.Fatal(err)
	}
	s1 := "ODG recommends imaging for patients with radiculopathy."
	s2 := "The most recent physical examination revealed a positive straight leg raise on the right."
	s3 := "Imaging is indicated when red flags are present."
	text := s1 + " " + s2 + " " + s3
	c := &Case{Text: text, Sections: []Section{{Name: "guideline_quote", Start: 0, End: len(text)}}}
	d := &caseDoc{c: c}
	a, b := len(s1)+1, len(s1)+1+len(s2)
	d.sents = append(d.sents, sentence(0, len(s1)), sentence(a, b), sentence(b+1, len(text)))
	got := g.ranges(d)
	inside := func(lo, hi int) bool {
		for _, r := range got {
			if r.Start <= lo && hi <= r.End {
				return true
			}
		}
		return false
	}
	if !inside(0, len(s1)) || !inside(b+1, len(text)) {
		t.Errorf("zone sentences lost: %v", got)
	}
	if inside(a+4, a+20) {
		t.Errorf("patient exam sentence is rule text: %v", got)
	}
}
