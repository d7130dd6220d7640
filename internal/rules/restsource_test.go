package rules

import (
	"regexp/syntax"
	"testing"
)

// TestRestSource checks that the source restSource cuts out of a pattern
// parses to exactly the expression left after the leading assertions, both
// when the cut is made in the text and when it falls back to printing.
func TestRestSource(t *testing.T) {
	tests := []struct {
		src     string
		n       int
		textCut bool // the source text itself is cut (no printing)
	}{
		{`(?i)\bcriteria for\b`, 1, true},
		{`\bat least\b.*\b(?:positive|relief)`, 1, true},
		{`(?i)^\s*(?:,|and|or)\s*$`, 1, true},
		{`\A\bfoo[^.]{0,60}bar`, 2, true},
		{`(?is)\Bx+y`, 1, true},
		{`(?i:\bfoo)bar`, 1, false}, // a group, not a flag setting: printed
		{`(?i)(?:\bfoo)bar`, 1, false},
	}
	for _, tc := range tests {
		parsed, err := syntax.Parse(tc.src, syntax.Perl)
		if err != nil {
			t.Fatalf("%s: %v", tc.src, err)
		}
		tree := parsed.Simplify()
		if tree.Op != syntax.OpConcat || len(tree.Sub) <= tc.n {
			t.Fatalf("%s: want a concatenation with more than %d parts, got %v", tc.src, tc.n, tree.Op)
		}
		rest := tree.Sub[tc.n:]
		for _, s := range tree.Sub[:tc.n] {
			if !isAssert(s.Op) {
				t.Fatalf("%s: %v is not an assertion", tc.src, s.Op)
			}
		}
		want := &syntax.Regexp{Op: syntax.OpConcat, Sub: rest}
		if len(rest) == 1 {
			want = rest[0]
		}
		got := restSource(tc.src, tc.n, rest)
		if !tc.textCut && got != Source(want) {
			t.Errorf("%s: restSource gave %q, want the printed rest %q", tc.src, got, Source(want))
		}
		re, err := syntax.Parse(got, syntax.Perl)
		if err != nil {
			t.Fatalf("%s: restSource gave %q: %v", tc.src, got, err)
		}
		if !sameMatches(re.Simplify(), want) {
			t.Errorf("%s: restSource gave %q, which is not the rest %q", tc.src, got, want.String())
		}
		if tc.textCut && got == Source(want) {
			t.Errorf("%s: restSource printed the rest instead of cutting the source", tc.src)
		}
	}
}

// sameMatches reports whether a and b are the same expression once
// printed by the standard printer and parsed again (Source writes each
// part in its own group, so adjacent literals parse as one).
func sameMatches(a, b *syntax.Regexp) bool {
	pa, err1 := syntax.Parse(a.String(), syntax.Perl)
	pb, err2 := syntax.Parse(b.String(), syntax.Perl)
	return err1 == nil && err2 == nil && pa.Simplify().Equal(pb.Simplify())
}
