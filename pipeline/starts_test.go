package pipeline

import (
	"regexp"
	"testing"
)

func TestStartMatcherFirstBytes(t *testing.T) {
	for _, tc := range []struct {
		re        string
		want, not string // bytes that must / must not be possible starts
		any       bool
	}{
		{re: `(?P<m>[0-9X]{1,2})/(?P<y>\d{4})`, want: "09X", not: "ax/ "},
		{re: `(?i)(?:jan|feb)\.?\s+\d`, want: "jJfF", not: "aK1"},
		{re: `x?\d`, any: true},       // may start with \d or x: an optional first part is unknown
		{re: `(?:ab)*c`, any: true},   // a star may match nothing
		{re: `\bfoo`, any: true},      // empty-width assertions are not looked through
		{re: `(?i)kelvin`, any: true}, // k folds to the Kelvin sign (non-ASCII)
		{re: `(a|b+|[c-e])z`, want: "abcde", not: "fz"},
	} {
		m := newStartMatcher(regexp.MustCompile(tc.re), 32)
		if m.any != tc.any {
			t.Errorf("%s: any = %v, want %v", tc.re, m.any, tc.any)
		}
		for _, c := range []byte(tc.want) {
			if !m.first[c] {
				t.Errorf("%s: %q should be a possible first byte", tc.re, c)
			}
		}
		for _, c := range []byte(tc.not) {
			if m.first[c] {
				t.Errorf("%s: %q should not be a possible first byte", tc.re, c)
			}
		}
	}
}

// TestStartMatcherAgreesWithFindAll checks that anchored matching at every
// position finds the matches the unanchored regexp finds.
func TestStartMatcherAgreesWithFindAll(t *testing.T) {
	text := "Seen 10/16/14 and XX/XX/XX; L5/S1, 8/10, Norco 10/325 on October 10, 2015 (DOI 6/17/95)."
	for _, src := range []string{
		`(?P<m>[0-9X]{1,2})/(?P<d>[0-9X]{1,2})/(?P<y>[0-9X]{4}|[0-9X]{2})`,
		`(?i)(?P<m>oct(?:ober)?)\.?\s+(?P<d>\d{1,2}),?\s+(?P<y>\d{4})`,
	} {
		re := regexp.MustCompile(src)
		m := newStartMatcher(re, 48)
		var got [][2]int
		for i := 0; i < len(text); {
			if loc := m.matchAt(text, i); loc != nil && loc[1] > loc[0] {
				got = append(got, [2]int{loc[0], loc[1]})
				i = loc[1]
				continue
			}
			i++
		}
		var want [][2]int
		for _, loc := range re.FindAllStringIndex(text, -1) {
			want = append(want, [2]int{loc[0], loc[1]})
		}
		if len(got) != len(want) {
			t.Fatalf("%s: got %v, want %v", src, got, want)
		}
		for k := range got {
			if got[k] != want[k] {
				t.Errorf("%s: match %d = %v, want %v", src, k, got[k], want[k])
			}
		}
	}
}
