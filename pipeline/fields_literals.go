package pipeline

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"

	"github.com/precedent-dev/precedent/extract"
	"github.com/precedent-dev/precedent/internal/rules"
	"github.com/precedent-dev/precedent/lexicon"
)

// A rangeFilter tells, for several rule regexps and the ranges of a letter
// (its sentences), which regexp may match in which range: one holding one
// of the literals every match of the regexp contains (rules.NeedLiterals).
// The literals of all the regexps are found in one automaton pass over the
// letter in ASCII lower case, and each occurrence marks the one range it
// lies in; a regexp then runs only on the ranges marked for it, instead of
// a literal test per range and regexp (BenchmarkLetterFields/ruletext: 228
// sentences by 8 rule patterns in the IRO seed).
type rangeFilter struct {
	n      int
	lits   *lexicon.Literals // nil when no regexp has literals
	owners [][]int           // by literal: the regexps that need it
	always []int             // regexps without known literals
}

func newRangeFilter(res []*regexp.Regexp) *rangeFilter {
	f := &rangeFilter{n: len(res)}
	index := map[string]int{}
	var lits []string
	for i, re := range res {
		need := rules.NeedLiterals(re)
		if len(need) == 0 {
			f.always = append(f.always, i)
			continue
		}
		for _, l := range need {
			k, ok := index[l]
			if !ok {
				k = len(lits)
				index[l] = k
				lits = append(lits, l)
				f.owners = append(f.owners, nil)
			}
			if o := f.owners[k]; len(o) == 0 || o[len(o)-1] != i {
				f.owners[k] = append(o, i)
			}
		}
	}
	if len(lits) > 0 {
		f.lits = lexicon.NewLiterals(lits)
	}
	return f
}

// mark returns may, with may[j*n+i] (n the number of regexps) set when
// regexp i may match in rs[j]; rs are sorted and disjoint. A false entry
// means no match; a true one says nothing.
func (f *rangeFilter) mark(t *rules.Text, rs []extract.Sentence) []bool {
	may := make([]bool, len(rs)*f.n)
	if rules.FoldsOutsideASCII(t.S) {
		// A case-insensitive s or k may match a rune the literals, in
		// ASCII, do not show.
		for i := range may {
			may[i] = true
		}
		return may
	}
	for _, i := range f.always {
		for j := range rs {
			may[j*f.n+i] = true
		}
	}
	if f.lits == nil || len(rs) == 0 {
		return may
	}
	f.lits.WalkString(t.Lower(), func(end, n, lit int) {
		start := end - n + 1
		j := sort.Search(len(rs), func(j int) bool { return rs[j].End > start })
		if j == len(rs) || rs[j].Start > start || rs[j].End <= end {
			return // not inside one range
		}
		for _, i := range f.owners[lit] {
			may[j*f.n+i] = true
		}
	})
	return may
}

// A literalCheck is a cheap test before a rule regexp runs on a stretch of
// a letter: every match contains one literal of each of its sets (the
// regexp's rules.NeedLiterals, and those of each part of its top-level
// sequence, such as the verb list of "the prior injection provided"). The
// rules.Matcher methods that take no Hits test one set only; a regexp whose
// set is common ("the", "he") then runs on nearly every sentence, at some
// microseconds each in the backtracker.
type literalCheck [][]string

func newLiteralCheck(re *regexp.Regexp) literalCheck {
	var sets literalCheck
	if l := rules.NeedLiterals(re); len(l) > 0 {
		sets = append(sets, l)
	}
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return sets
	}
	// Not simplified: Simplify spells out counted repeats ({0,200}),
	// whose String is then huge.
	for tree.Op == syntax.OpCapture {
		tree = tree.Sub[0]
	}
	if tree.Op != syntax.OpConcat {
		return sets
	}
	// A match of the sequence is a match of each part followed by the
	// next: it contains what every part's matches contain.
	for _, sub := range tree.Sub {
		if sub.Op == syntax.OpStar || sub.Op == syntax.OpQuest || sub.Op == syntax.OpRepeat && sub.Min == 0 {
			continue // may match nothing: needs no literal (and {0,200} is slow to compile)
		}
		part, err := regexp.Compile(sub.String())
		if err != nil {
			continue
		}
		if l := rules.NeedLiterals(part); len(l) > 0 && !slices.ContainsFunc(sets, func(s []string) bool { return slices.Equal(s, l) }) {
			sets = append(sets, l)
		}
	}
	return sets
}

// may reports whether a match may lie in low, a stretch of the letter in
// ASCII lower case (rules.Text.Lower); false means no match. With fold
// set (rules.FoldsOutsideASCII of the letter) it says yes.
func (c literalCheck) may(low string, fold bool) bool {
	if fold {
		return true
	}
	for _, set := range c {
		found := false
		for _, l := range set {
			if strings.Contains(low, l) {
				found = true
				break
			}
		}
		if !found {
			return false
		}
	}
	return true
}
