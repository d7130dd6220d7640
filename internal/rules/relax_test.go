package rules

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestNewRelaxed(t *testing.T) {
	for _, tc := range []struct {
		src   string
		bound int // 0: not relaxed
	}{
		{`^(?:(?i)\b(?:odg|mtus)\b[^."“]{0,250}?\b(?:states?|notes?)\b)`, 250},
		{`(?i)\b(?:odg|mtus)\b[^.]{0,60}\b(?:states?|notes?)\b`, 0}, // small enough for the backtracker
		{`a[^.]{0,40}b[^;]{3,300}c`, 40},
		{`(?:ab){0,300}`, 0},          // not one rune per iteration
		{`(?:[^.]{0,20}x){0,30}`, 20}, // 1,262 instructions, relaxed 150
		{`(?:[^.]{0,20}x){0,300}`, 0}, // relaxed, still too large
	} {
		r := newRelaxed(tc.src)
		if got := r.bound; got != tc.bound || (r.re != nil) != (tc.bound > 0) {
			t.Errorf("newRelaxed(%q): bound %d (regexp %v), want %d", tc.src, got, r.re != nil, tc.bound)
		}
	}
}

// TestRelaxedAgrees compares relaxed regexps with their patterns on random
// texts no longer than the bound (and checks that pick keeps the pattern
// on longer ones).
func TestRelaxedAgrees(t *testing.T) {
	rnd := rand.New(rand.NewSource(3))
	for _, src := range []string{
		`^(?:(?i)(?:the\s+)?(?:(?:ca|\d{4}|current)\s+)*(?:odg|mtus)\b[^."“]{0,250}?\b(?:states?|notes?|says)\b)`,
		`(?i)\b(?:odg|guidelines?)\b(?P<gap>[^.]{0,40})\b(?:recommends?|notes?)\b.{0,300}?(x|y)`,
		`(?:a|b)[^.;]{16,30}?x[^.]{0,300}(y|a)`,
	} {
		orig := regexp.MustCompile(src)
		r := newRelaxed(src)
		if r.re == nil {
			t.Fatalf("%s: not relaxed", src)
		}
		matched := 0
		for k := 0; k < 20000; k++ {
			s := relaxText(rnd, rnd.Intn(r.bound+40))
			if len(s) > r.bound {
				if r.pick(orig, len(s)) != orig {
					t.Fatalf("%s: relaxed picked for %d bytes (bound %d)", src, len(s), r.bound)
				}
				s = s[:r.bound]
			}
			want := orig.FindStringSubmatchIndex(s)
			if d := cmp.Diff(want, r.pick(orig, len(s)).FindStringSubmatchIndex(s)); d != "" {
				t.Fatalf("%s on %q:\n%s", src, s, d)
			}
			if want != nil {
				matched++
			}
		}
		if matched < 50 {
			t.Errorf("%s: %d of the texts match, too few to tell", src, matched)
		}
	}
}

// relaxText returns a random text of about n bytes made of the words of
// the patterns of TestRelaxedAgrees.
func relaxText(r *rand.Rand, n int) string {
	pieces := []string{"the ", "The  ", "ca ", "2019 ", "current\n", "ODG", "mtus", " odg ", "guidelines", "Guideline",
		" states", " state ", "notes", " says", "recommends", " ", " ", "  ", ".", "\"", "“", ";", "x", "y", "a", "b", "é", "ſ", "\xff", "k"}
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(pieces[r.Intn(len(pieces))])
	}
	return b.String()
}
