package extract

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
)

func TestRelaxedRepeats(t *testing.T) {
	re := regexp.MustCompile(`(?i)^(?:(odg|mtus)\b[^."“]{0,20}?\b(states?|notes?)\b)`)
	r := newRelaxedRepeats(re)
	if r == nil {
		t.Fatal("no relaxed form")
	}
	if got := r.m.Regexp().NumSubexp(); got != 1 {
		t.Fatalf("relaxed pattern has %d groups, want only the lifted repeat", got)
	}
	for _, tc := range []struct {
		s   string
		end int
		ok  bool
	}{
		{"ODG clearly states that", len("ODG clearly states"), true},
		{"MTUS notes", len("MTUS notes"), true},
		{"The ODG states", -1, true},                             // not at the start
		{"ODG says. It states", -1, true},                        // the gap may not hold a period
		{"ODG " + strings.Repeat("x", 30) + " states", 0, false}, // past the bound: the original decides
		{"ODG " + strings.Repeat("é", 16) + " states", len("ODG " + strings.Repeat("é", 16) + " states"), true}, // bound in runes, not bytes
		{"", 0, false},
	} {
		loc, ok := r.match(tc.s)
		end := -1
		if loc != nil {
			end = loc[1]
		}
		if !ok {
			end = 0
		}
		if end != tc.end || ok != tc.ok {
			t.Errorf("match(%q) = %d, %v; want %d, %v", tc.s, end, ok, tc.end, tc.ok)
		}
	}
	// The embedded quote cue with a gap of 150 gets a relaxed form small
	// enough for the backtracker (at most 500 instructions).
	relaxed := 0
	for _, c := range newTestSectioner(t).quotes.start {
		if c.relaxed == nil {
			continue
		}
		relaxed++
		tree, err := syntax.Parse(c.relaxed.m.Regexp().String(), syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		prog, err := syntax.Compile(tree.Simplify())
		if err != nil {
			t.Fatal(err)
		}
		if len(prog.Inst) > 500 {
			t.Errorf("relaxed cue of line %d: %d instructions", c.line, len(prog.Inst))
		}
	}
	if relaxed == 0 {
		t.Error("no quote start cue has a relaxed form")
	}
	if newRelaxedRepeats(regexp.MustCompile(`^a{0,3}b`)) != nil {
		t.Error("a short repeat was lifted")
	}
	if newRelaxedRepeats(regexp.MustCompile(`^(?:ab){0,30}c`)) != nil {
		t.Error("a repeat of more than one character was lifted")
	}
}

// TestRelaxedRepeatsAgree compares relaxed patterns, lazy and greedy, with
// the original regexps on random texts whose gaps are around the bound.
func TestRelaxedRepeatsAgree(t *testing.T) {
	pats := []string{
		`(?i)^(?:(?:the\s+)?(?:(?:ca|\d{4})\s+)*(?:odg|mtus)\b[^."“]{0,20}?\b(?:states?|notes?)\b)`,
		`(?i)^(?:(?:the\s+)?(?:odg|mtus)\b[^."“]{2,20}\b(?:states?|notes?)\b)`,
		`^(?:a[^.]{0,16}?b|a[^.]{0,18}c)`,
		`^(?:x{0,17}y{0,20}?z)`,
	}
	words := []string{"the", "ca", "2019", "ODG", "mtus", "states", "notes", "note", "a", "b", "c", "x", "xxxxxxxx", "y", "yyyyyy", "z", "é", ".", "“", "\"", "foo"}
	r := rand.New(rand.NewPCG(3, 4))
	lifted, over, n := 0, 0, 0
	for _, p := range pats {
		re := regexp.MustCompile(p)
		rr := newRelaxedRepeats(re)
		if rr == nil {
			t.Fatalf("%s: no relaxed form", p)
		}
		lifted++
		for k := 0; k < 3000; k++ {
			var sb strings.Builder
			for m := r.IntN(16); m > 0; m-- {
				sb.WriteString(words[r.IntN(len(words))])
				sb.WriteString([]string{" ", "", "  ", "\n"}[r.IntN(4)])
			}
			s := sb.String()
			want := re.FindStringIndex(s)
			got, ok := rr.match(s)
			if !ok {
				over++
				continue
			}
			if got != nil {
				n++
			}
			if !slices.Equal(got, want) {
				t.Fatalf("%s on %q: got %v, want %v", p, s, got, want)
			}
		}
	}
	if n == 0 || over == 0 {
		t.Fatalf("%d matches and %d undecided: the texts test too little", n, over)
	}
}
