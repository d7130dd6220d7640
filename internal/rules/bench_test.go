package rules

import (
	"regexp"
	"testing"
)

// benchWindow is a stretch of letter text of the length the start scan
// searches for a pattern's needed literals before it runs the regexp.
const benchWindow = "the injured worker reported 50% relief from the prior sacroiliac joint injection for 3 weeks, and guidelines recommend"

// BenchmarkNeedIn measures the needed-literal test of a start-scan window
// (litSet.in over each literal set of the pattern).
func BenchmarkNeedIn(b *testing.B) {
	m := NewMatcher(regexp.MustCompile(`(?i)\b(?:guidelines?|ODG|MTUS|ACOEM|criteria)\b[^.]{0,60}\b(?:recommends?|supports?|states?|requires?|indicates?|notes?)\b`))
	if len(m.needSets) == 0 {
		b.Fatal("no literal sets")
	}
	for b.Loop() {
		m.needIn(benchWindow, 0, len(benchWindow)-10)
	}
}

// benchSentences are sentences of a letter, the strings the zone and
// field rules test one by one.
var benchSentences = []string{
	"The injured worker is a 45 year old male who sustained an injury on XX/XX/XX.",
	"Per the ODG, sacroiliac joint blocks are recommended as an option if the patient has failed at least 4-6 weeks of aggressive conservative therapy.",
	"He reported 50% relief from the prior injection for 3 weeks.",
	"The request for a repeat right sacroiliac joint injection is not medically necessary.",
	"Physical examination revealed tenderness over the right SI joint with a positive FABER test.",
}

// BenchmarkMayMatch measures the literal test of MayMatch on sentences, for
// a pattern with four needed literals (one of which every match holds).
func BenchmarkMayMatch(b *testing.B) {
	m := NewMatcher(regexp.MustCompile(`(?i)(?:specifically,\s+)?(?:the\s+)?(?:(?:california|ca|\d{4}|current)\s+)*(?:odg|mtus|acoem|official\s+disability\s+guidelines?)\b[^."“]{0,150}?\b(?:states?|notes?|recommends?|indicates?)\b`))
	for b.Loop() {
		for _, s := range benchSentences {
			m.MayMatch(s)
		}
	}
}

// BenchmarkMayMatchOne is BenchmarkMayMatch for a pattern with one needed
// literal.
func BenchmarkMayMatchOne(b *testing.B) {
	m := NewMatcher(regexp.MustCompile(`(?i)\brequest(?:s|ed)?\b`))
	for b.Loop() {
		for _, s := range benchSentences {
			m.MayMatch(s)
		}
	}
}
