package rules

import (
	"regexp"
	"strings"
	"testing"
)

// TestReach checks the reach of a pattern of words joined by white space
// (TestMatcherAgreesWithRegexp compares its matches with the regexp's).
func TestReach(t *testing.T) {
	re := regexp.MustCompile(`(?i)\b(?:over|more than)?\s*(?P<n>\d{1,2}|one|twenty-five)\+?\s+years\b`)
	m := NewMatcher(re)
	// "more than" 9, "twenty-five" 11, "+" 1, "years" 6 (the long s is
	// two bytes): the literal "year" ends at most 27 bytes after a
	// start, white space aside.
	if len(m.reachLits) != 1 || m.reachLits[0].s != "year" || m.reachMax != 27 {
		t.Fatalf("reach %v %d; want year within 27", m.reachLits, m.reachMax)
	}
	s := "a doctor of twenty words and more with more than \t\n  twenty-five   years and 3 years"
	rs := m.newReachScan(s)
	// From 0, the first start within reach of the first "year" is the
	// space before "with": 27 bytes (white space aside) before its end.
	if got, want := rs.next(0), strings.Index(s, " with"); got != want {
		t.Errorf("next(0) = %d, want %d (%q)", got, want, s[got:])
	}
	if loc := m.FindStringSubmatchIndex(s); loc == nil || s[loc[0]:loc[1]] != "more than \t\n  twenty-five   years" {
		t.Errorf("match %v, want the one of more than twenty-five years", loc)
	}
	// Past the last "year", no start is within reach.
	if got := rs.next(len(s) - 4); got != -1 {
		t.Errorf("next after the last year = %d, want -1", got)
	}
	if m.MatchString("more than twenty-five") {
		t.Errorf("a match without years")
	}
}
