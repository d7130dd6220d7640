package extract

import (
	"regexp"
	"regexp/syntax"
	"unicode/utf8"

	"github.com/precedent-dev/precedent/internal/rules"
)

// minRelaxRepeat is the smallest upper bound of a repeat that relaxRepeats
// lifts. Go expands x{0,n} into n copies of x (two instructions each), and
// a program of more than 500 instructions runs on the slow NFA instead of
// the backtracker: the quote cue "ODG ... [^."“]{0,150}? ... states" compiles
// to 503 and cost about 47,000 instructions a sentence that reaches it.
const minRelaxRepeat = 16

// A relaxedRepeats runs a pattern anchored at the start of the text with
// its long bounded repeats of one character (x{m,n}, n >= minRelaxRepeat)
// made unbounded (x{m,}) and captured, then checks their lengths.
//
// Why the answer is the original pattern's: the paths through the relaxed
// pattern that repeat each x at most n times are exactly the original's
// paths, in the same order of preference (a lazy repeat tries 0, 1, 2, ...
// in both, a greedy one the reverse). If the relaxed pattern's preferred
// match keeps every count within bounds, it is also the original's
// preferred match; if it has no match, neither has the original. Only when
// a count is over its bound is the answer unknown: match then says so and
// the caller runs the original pattern.
type relaxedRepeats struct {
	m   *rules.Matcher
	max []int // the bound of capture group k+1, in runes
}

// newRelaxedRepeats returns the relaxed form of re, or nil when re has no
// repeat to lift. re must be anchored at the start of the text: only the
// end of the match is reported (the relaxed pattern has its own groups).
func newRelaxedRepeats(re *regexp.Regexp) *relaxedRepeats {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil
	}
	r := &relaxedRepeats{}
	tree = r.lift(tree)
	if len(r.max) == 0 {
		return nil
	}
	relaxed, err := regexp.Compile(rules.Source(tree))
	if err != nil || relaxed.NumSubexp() != len(r.max) {
		return nil
	}
	r.m = rules.NewMatcher(relaxed)
	return r
}

// lift rewrites t: the original groups lose their capture (so that the
// only groups are the lifted repeats, numbered in the order they open)
// and each long bounded repeat of one character becomes an unbounded one
// in a group.
func (r *relaxedRepeats) lift(t *syntax.Regexp) *syntax.Regexp {
	switch {
	case t.Op == syntax.OpCapture:
		return r.lift(t.Sub[0])
	case t.Op == syntax.OpRepeat && t.Max >= minRelaxRepeat && oneRune(t.Sub[0]):
		r.max = append(r.max, t.Max)
		rep := *t
		rep.Max = -1
		return &syntax.Regexp{Op: syntax.OpCapture, Cap: len(r.max), Sub: []*syntax.Regexp{&rep}, Sub0: [1]*syntax.Regexp{&rep}}
	}
	out := *t
	out.Sub = make([]*syntax.Regexp, len(t.Sub))
	for i, s := range t.Sub {
		out.Sub[i] = r.lift(s)
	}
	return &out
}

// oneRune reports whether t matches exactly one character.
func oneRune(t *syntax.Regexp) bool {
	switch t.Op {
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	case syntax.OpLiteral:
		return len(t.Rune) == 1
	}
	return false
}

// match returns the original pattern's match at the start of s as
// FindStringIndex does (nil: none), and false when it cannot tell (a
// lifted repeat ran past its bound).
func (r *relaxedRepeats) match(s string) (loc []int, ok bool) {
	if s == "" {
		return nil, false // MatchAt tries no match at the end of s
	}
	loc = r.m.MatchAt(s, 0, 0)
	if loc == nil {
		return nil, true
	}
	for k, n := range r.max {
		if a, b := loc[2*k+2], loc[2*k+3]; a >= 0 && b-a > n && utf8.RuneCountInString(s[a:b]) > n {
			return nil, false
		}
	}
	return loc[:2:2], true
}
