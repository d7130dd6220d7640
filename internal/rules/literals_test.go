package rules

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"
)

// TestLiteralsHoldForMatches checks NeedLiterals and LeadLiterals against
// the regexp on random texts: every match contains one of the need
// literals and starts with one of the lead literals, in the text with
// ASCII letters lowered, when the text holds neither the long s nor the
// Kelvin sign (FoldsOutsideASCII, as documented).
func TestLiteralsHoldForMatches(t *testing.T) {
	r := rand.New(rand.NewSource(7))
	known := [2]int{}
	for _, p := range matcherPatterns {
		re := regexp.MustCompile(p)
		need, lead := NeedLiterals(re), LeadLiterals(re)
		if need != nil {
			known[0]++
		}
		if lead != nil {
			known[1]++
		}
		for _, l := range lead {
			if len(l) < 2 || l != asciiLower(l) {
				t.Fatalf("%s: lead literal %q: want two bytes or more, lower case", p, l)
			}
		}
		for n := 0; n < 1000; n++ {
			s := randomText(r, r.Intn(120))
			low := asciiLower(s)
			plain := !FoldsOutsideASCII(s)
			for _, loc := range re.FindAllStringIndex(s, -1) {
				if loc[0] == loc[1] {
					continue
				}
				m := low[loc[0]:loc[1]]
				if need != nil && plain && !containsAny(m, need) {
					t.Fatalf("%s: match %q of %q holds none of %q", p, s[loc[0]:loc[1]], s, need)
				}
				if lead != nil && plain && !hasAnyPrefix(low[loc[0]:], lead) {
					t.Fatalf("%s: match %q of %q starts with none of %q", p, s[loc[0]:loc[1]], s, lead)
				}
			}
		}
	}
	// The analysis must know something, or the test checks nothing.
	if known[0] < len(matcherPatterns)/2 || known[1] < len(matcherPatterns)/4 {
		t.Errorf("literals known for %d (need) and %d (lead) of %d patterns", known[0], known[1], len(matcherPatterns))
	}
	for p, want := range map[string][]string{
		`(?i)\bcriteria for\b`:             {"criteria for"},
		`\bMs\.?\s+[A-Z]|\bMrs\.?\s+[A-Z]`: {"ms", "mrs"},
		`(?i)\bha[sd]\b|\bsession`:         {"had", "has", "haſ", "session"},
	} {
		if got := NeedLiterals(regexp.MustCompile(p)); strings.Join(got, "|") != strings.Join(want, "|") {
			t.Errorf("NeedLiterals(%s) = %q, want %q", p, got, want)
		}
	}
	if got := LeadLiterals(regexp.MustCompile(`(?i)\b(?:he|his)\s*/`)); strings.Join(got, "|") != "he|his" {
		t.Errorf("LeadLiterals = %q, want he, his", got)
	}
}

func containsAny(s string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
}

func hasAnyPrefix(s string, lits []string) bool {
	for _, l := range lits {
		if strings.HasPrefix(s, l) {
			return true
		}
	}
	return false
}

func TestTextFoldsOutsideASCII(t *testing.T) {
	for _, c := range []struct {
		s    string
		want bool
	}{{"plain text, “quotes”", false}, {"the long \u017f", true}, {"\u212aelvin", true}, {"", false}} {
		tx := NewText(c.s)
		for range 2 { // the second answer is the remembered one
			if got := tx.FoldsOutsideASCII(); got != c.want {
				t.Errorf("NewText(%q).FoldsOutsideASCII() = %v, want %v", c.s, got, c.want)
			}
		}
	}
}
