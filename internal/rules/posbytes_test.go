package rules

import (
	"regexp/syntax"
	"testing"
)

// TestPosBytes checks the leading-byte sets on a few shapes; that they
// never reject a match is checked with every Matcher shortcut by
// TestMatcherAgreesWithRegexp.
func TestPosBytes(t *testing.T) {
	tests := []struct {
		pattern string
		n       int // 0: nil
		yes, no []string
	}{
		{`(?P<m>[0-9X]{1,2})/(?P<d>[0-9X]{1,2})/(?P<y>[0-9X]{4}|[0-9X]{2})`, 6, []string{"1/2/34", "10/16/2014", "XX/XX/XX"}, []string{"12 ", "7,", "1/2/3", "12/ab"}},
		{`(?i)\bx\s*\d`, 2, []string{"x1", "X 1", "x\t"}, []string{"xa", "y1", "x"}},
		{`(?i)sk`, 0, nil, nil}, // k folds to the Kelvin sign
		{`a?b`, 0, nil, nil},    // the first byte only: no better than firstBytes
		{`ab(?:c|$)`, 2, []string{"ab"}, []string{"ac"}},
		{`é.`, 0, nil, nil},
		{`a.c`, 0, nil, nil}, // one byte, then anything
	}
	for _, tt := range tests {
		re, err := syntax.Parse(tt.pattern, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		p := newPosBytes(re.Simplify())
		switch {
		case tt.n == 0 && p != nil:
			t.Errorf("%s: n = %d, want nil", tt.pattern, p.n)
		case tt.n > 0 && (p == nil || p.n != tt.n):
			t.Errorf("%s: %v, want n = %d", tt.pattern, p, tt.n)
		}
		if p == nil {
			continue
		}
		for _, s := range tt.yes {
			if !p.at(s, 0) {
				t.Errorf("%s: at(%q) = false", tt.pattern, s)
			}
		}
		for _, s := range tt.no {
			if p.at(s, 0) {
				t.Errorf("%s: at(%q) = true", tt.pattern, s)
			}
		}
	}
}
