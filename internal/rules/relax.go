package rules

import (
	"regexp"
	"regexp/syntax"
)

// Go's regexp runs a program of more than maxBacktrackProg instructions
// with its NFA, several times slower than the backtracker it uses for
// smaller ones (regexp/backtrack.go). A counted repetition is compiled as
// that many copies: "[^.\"“]{0,150}?" alone is 300 instructions, and the
// section rule holding it (a guideline quote's start) 503, so each of its
// anchored attempts ran in the NFA (2.8 µs on a sentence, 0.5 µs with the
// backtracker).
//
// A relaxed regexp is the pattern with such a repetition of one rune,
// x{n,m}, made x{n,}: on an input of at most m bytes the two match the
// same way, because no path through x{n,m} can make more than m
// iterations there (each consumes a rune, at least one byte), so both
// explore the same paths in the same order of preference and find the
// same match with the same groups.
const maxBacktrackProg = 500

// minRelax is the smallest count of a repetition worth relaxing.
const minRelax = 16

// A relaxed holds the relaxed regexp of a pattern (nil: none) and the
// longest input on which it may stand in for the pattern.
type relaxed struct {
	re    *regexp.Regexp
	bound int
}

// newRelaxed returns the relaxed regexp of src when src compiles to more
// than maxBacktrackProg instructions and the relaxed one to no more.
func newRelaxed(src string) relaxed {
	tree, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return relaxed{}
	}
	var reps []*syntax.Regexp
	var walk func(re *syntax.Regexp)
	walk = func(re *syntax.Regexp) {
		for _, sub := range re.Sub {
			walk(sub)
		}
		if re.Op == syntax.OpRepeat && re.Max >= minRelax && oneRune(re.Sub[0]) {
			reps = append(reps, re)
		}
	}
	walk(tree)
	if len(reps) == 0 || progLen(tree) <= maxBacktrackProg {
		return relaxed{} // (most patterns: no program compiled)
	}
	bound := reps[0].Max
	for _, re := range reps {
		bound = min(bound, re.Max)
		re.Max = -1
	}
	if progLen(tree) > maxBacktrackProg {
		return relaxed{}
	}
	orig, err := regexp.Compile(src)
	if err != nil {
		return relaxed{}
	}
	re, err := regexp.Compile(Source(tree))
	if err != nil || re.NumSubexp() != orig.NumSubexp() {
		return relaxed{}
	}
	return relaxed{re: re, bound: bound}
}

// pick returns the relaxed regexp when it may run on an input of n bytes,
// else re.
func (r relaxed) pick(re *regexp.Regexp, n int) *regexp.Regexp {
	if r.re != nil && n <= r.bound {
		return r.re
	}
	return re
}

// progLen is the number of instructions of re's program (a parsed, not
// simplified tree; re is not changed).
func progLen(re *syntax.Regexp) int {
	prog, err := syntax.Compile(copyTree(re).Simplify())
	if err != nil {
		return 0
	}
	return len(prog.Inst)
}

func copyTree(re *syntax.Regexp) *syntax.Regexp {
	c := *re
	c.Sub = make([]*syntax.Regexp, len(re.Sub))
	for k, sub := range re.Sub {
		c.Sub[k] = copyTree(sub)
	}
	return &c
}

// oneRune reports whether every match of re is exactly one rune (or one
// invalid byte).
func oneRune(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpCharClass, syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return true
	case syntax.OpLiteral:
		return len(re.Rune) == 1
	}
	return false
}
