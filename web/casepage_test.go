package web

import (
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/criteria"
	"github.com/precedent-dev/precedent/pipeline"
)

// TestCaseViewOverlappingSpans builds a case whose spans cross each other,
// run past the text or cut a character, and checks the letter tokens: one
// id per anchor, bad spans left out (and their evidence unlinked), the
// text intact.
func TestCaseViewOverlappingSpans(t *testing.T) {
	text := "Positive FABER on the right. Relief 80% for 6 weeks. Café 01/02/2020."
	at := func(s string) (int, int) {
		i := strings.Index(text, s)
		if i < 0 {
			t.Fatalf("%q not in the text", s)
		}
		return i, i + len(s)
	}
	fs, fe := at("Positive FABER on the right.")
	rs, re := at("Relief 80% for 6 weeks.")
	ds, de := at("01/02/2020")
	cafe, _ := at("Café")
	c := &pipeline.Case{
		ID:   "0123456789abcdef",
		Text: text,
		Findings: []pipeline.Finding{
			{Span: pipeline.Span{Start: fs, End: fe}, Code: "faber", Status: "positive", Laterality: "right", Certainty: "definite"},
			{Span: pipeline.Span{Start: fs + 9, End: fe}, Code: "faber", Status: "positive", Certainty: "definite", InGuideline: true},
			{Span: pipeline.Span{Start: 5, End: len(text) + 10}, Code: "out_of_range"},
		},
		Relief: []pipeline.Relief{{Span: pipeline.Span{Start: rs, End: re}, Percent: ptr(80.0), Qualitative: "significant"}},
		Dates:  []pipeline.Date{{Text: "01/02/2020", ISO: "2020-01-02", Start: ds, End: de}},
	}
	rep := &criteria.Report{Sets: []criteria.SetReport{{ID: "set", Results: []criteria.Result{{
		ID: "set/1", Status: criteria.Met,
		Evidence: []criteria.Evidence{
			{Start: fs + 9, End: re},   // crosses the end of the finding and into the relief
			{Start: cafe + 4, End: de}, // starts inside "é"
		},
	}}}}}
	v := buildCaseView(c, rep)

	ids := map[string]int{}
	var b strings.Builder
	for _, tok := range v.Letter {
		switch {
		case tok.Open != nil && tok.Open.ID != "":
			ids[tok.Open.ID]++
		case tok.Open == nil && tok.Close == "":
			b.WriteString(tok.Text)
		}
	}
	if b.String() != text {
		t.Errorf("letter text %q, want %q", b.String(), text)
	}
	for _, id := range []string{anchorID(fs, fe), anchorID(fs+9, fe), anchorID(rs, re), anchorID(ds, de), anchorID(fs+9, re)} {
		if ids[id] != 1 {
			t.Errorf("anchor %s: %d ids, want 1 (all: %v)", id, ids[id], ids)
		}
	}
	if len(ids) != 5 {
		t.Errorf("anchors %v, want 5", ids)
	}
	ev := v.Sets[0].Results[0].Evidence
	if ev[0].Href != "#"+anchorID(fs+9, re) || ev[1].Href != "" {
		t.Errorf("evidence links %+v: want the crossing span linked and the cut one not", ev)
	}
	if v.Dropped != 2 {
		t.Errorf("dropped %d spans, want 2 (the out-of-range finding, the evidence cutting a character)", v.Dropped)
	}
	if v.Findings[2].Href != "" {
		t.Errorf("the out-of-range finding links to %q", v.Findings[2].Href)
	}
	// The crossing evidence anchor is split: several pieces, one id.
	pieces := 0
	for _, tok := range v.Letter {
		if tok.Open != nil && tok.Open.Anchor && (tok.Open.ID == anchorID(fs+9, re) || tok.Open.ID == "") {
			pieces++
		}
	}
	if pieces < 2 {
		t.Errorf("the crossing anchor has %d pieces, want it split", pieces)
	}
}
