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
