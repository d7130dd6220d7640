package evaluate

import (
	"testing"

	"github.com/precedent-dev/precedent/pipeline"
)

func TestAddFindingsAlignsByQuoteAndCode(t *testing.T) {
	text := "Exam: Positive right sided figure 4 test. Straight leg raises are normal bilateral. " +
		"Per ODG: a positive response is 80% relief. The injection gave 50% relief for 2 weeks. Pain 8/10. EHL 4/5 on the left."
	c := &pipeline.Case{Text: text}
	at := func(s string) (int, int) {
		a, b, ok := locate(text, TQuote{Quote: s})
		if !ok {
			t.Fatalf("quote %q not in text", s)
		}
		return a, b
	}
	a, b := at("Positive right sided figure 4 test")
	c.Findings = append(c.Findings, pipeline.Finding{Span: pipeline.Span{Start: a, End: b}, Code: "faber", Status: "positive", Laterality: "left"})
	a, b = at("Straight leg raises are normal bilateral")
	c.Findings = append(c.Findings, pipeline.Finding{Span: pipeline.Span{Start: a, End: b}, Code: "gaenslen", Status: "negative"}) // wrong code
	a, b = at("a positive response is 80% relief")
	pct := 80.0
	c.Relief = append(c.Relief, pipeline.Relief{Span: pipeline.Span{Start: a, End: b}, Percent: &pct, InGuideline: false})
	a, b = at("Pain 8/10")
	c.PainScores = append(c.PainScores, pipeline.Score{Span: pipeline.Span{Start: a, End: b}, Value: 8, Site: ""})
	a, b = at("EHL 4/5 on the left")
	c.Strength = append(c.Strength, pipeline.Strength{Span: pipeline.Span{Start: a, End: b}, Grade: "4/5", Muscle: "extensor hallucis", Laterality: "left"})

	p80, p50 := 80.0, 50.0
	truth := &FindingsTruth{
		Findings: []TFinding{
			{TQuote: TQuote{Quote: "Positive right sided figure 4 test"}, Code: "faber", Status: "positive", Laterality: "right", Certainty: "definite"},
			{TQuote: TQuote{Quote: "Straight leg raises are normal bilateral"}, Code: "straight_leg_raise", Status: "negative", Laterality: "bilateral"},
			{TQuote: TQuote{Quote: "no such words"}, Code: "faber"},
		},
		Relief: []TRelief{
			{TQuote: TQuote{Quote: "positive response is 80% relief"}, Percent: &p80, InGuideline: true},
			{TQuote: TQuote{Quote: "gave 50% relief for 2 weeks"}, Percent: &p50, Duration: &pipeline.Duration{Value: 2, Unit: "week"}},
		},
		PainScores: []TScore{{TQuote: TQuote{Quote: "Pain 8/10"}, Value: 8}},
		Strength:   []TStrength{{TQuote: TQuote{Quote: "EHL 4/5"}, Grade: "4/5", Muscle: "extensor hallucis", Laterality: "left"}},
	}
	s := NewScorer()
	s.AddFindings("x", c, truth)
	want := map[string]Counts{
		"findings.code":         {TP: 1, FP: 1, FN: 1}, // faber found; SLR missed; gaenslen spurious
		"findings.status":       {TP: 1},
		"findings.side":         {FP: 1, FN: 1}, // left vs right
		"quote not found":       {FN: 1},
		"relief":                {TP: 1, FN: 1},
		"relief.percent":        {TP: 1},
		"relief.in_guideline":   {FP: 1, FN: 1},
		"pain_scores":           {TP: 1},
		"strength":              {TP: 1},
		"strength.muscle":       {TP: 1},
		"findings.in_guideline": {TP: 1},
	}
	for f, w := range want {
		g := s.Fields[f]
		if g == nil || *g != w {
			t.Errorf("%s: got %+v, want %+v", f, g, w)
		}
	}
}

func TestLocateOccurrenceAndWhitespace(t *testing.T) {
	text := "tender on the\nleft. Later: tender on the left again."
	a, b, ok := locate(text, TQuote{Quote: "tender on the left", Occurrence: 2})
	if !ok || text[a:b] != "tender on the left" || a < 20 {
		t.Errorf("occurrence 2: %d %d %v", a, b, ok)
	}
	if a, b, ok = locate(text, TQuote{Quote: "tender  on the left"}); !ok || text[a:b] != "tender on the\nleft" {
		t.Errorf("folded whitespace: %q %v", text[a:b], ok)
	}
	if _, _, ok = locate(text, TQuote{Quote: "tender on the left", Occurrence: 3}); ok {
		t.Error("a third occurrence does not exist")
	}
}
