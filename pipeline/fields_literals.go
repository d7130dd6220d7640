package pipeline

import (
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strings"
	"sync"

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
	strs   []string          // the literals
	lits   *lexicon.Literals // nil when no regexp has literals
	owners [][]int           // by literal: the regexps that need it
	always []int             // regexps without known literals
	// shared, when set, holds the literals too (ids: theirs there): the
	// letter's litHits then tell where they are, with no pass of lits.
	shared *litIndex
	ids    []int
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
		f.strs, f.lits = lits, lexicon.NewLiterals(lits)
	}
	return f
}

// share adds the literals of f to x (before its first use), whose litHits
// then serve mark.
func (f *rangeFilter) share(x *litIndex) {
	f.shared, f.ids = x, x.add(f.strs)
}

// mark returns may, with may[j*n+i] (n the number of regexps) set when
// regexp i may match in rs[j]; rs are sorted and disjoint. A false entry
// means no match; a true one says nothing. h are the litHits of t, or nil:
// when they are those of the litIndex f shares, the literals are not
// looked for again.
func (f *rangeFilter) mark(t *rules.Text, rs []extract.Sentence, h *litHits) []bool {
	may := make([]bool, len(rs)*f.n)
	if t.FoldsOutsideASCII() {
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
	found := func(end, n, lit int) {
		start := end - n + 1
		j := sort.Search(len(rs), func(j int) bool { return rs[j].End > start })
		if j == len(rs) || rs[j].Start > start || rs[j].End <= end {
			return // not inside one range
		}
		for _, i := range f.owners[lit] {
			may[j*f.n+i] = true
		}
	}
	if h != nil && f.shared != nil && h.x == f.shared {
		for lit, id := range f.ids {
			n := len(f.strs[lit])
			for _, start := range h.of(id) {
				found(start+n-1, n, lit)
			}
		}
		return may
	}
	f.lits.WalkString(t.Lower(), found)
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

// A litIndex gathers the literals of several rule sets (the windows'
// headings, the date cues) so that one automaton pass over a letter in
// ASCII lower case finds them all: each heading pattern searched the whole
// letter, a case-insensitive one absent from it byte by byte (0.33M
// instructions per IRO seed for the windows, 0.26M for the cues' own pass).
type litIndex struct {
	lits []string
	ids  map[string]int
	once sync.Once
	walk *lexicon.Literals // nil when there are no literals
}

// add puts lits in x and returns their ids. The literals are compiled on
// the first use of x: add must come before.
func (x *litIndex) add(lits []string) []int {
	if x.walk != nil {
		panic("litIndex: add after use")
	}
	if x.ids == nil {
		x.ids = map[string]int{}
	}
	var ids []int
	for _, l := range lits {
		id, ok := x.ids[l]
		if !ok {
			id = len(x.lits)
			x.ids[l] = id
			x.lits = append(x.lits, l)
		}
		ids = append(ids, id)
	}
	return ids
}

// compile builds the automaton of the literals added.
func (x *litIndex) compile() {
	x.once.Do(func() {
		if len(x.lits) > 0 {
			x.walk = lexicon.NewLiterals(x.lits)
		}
	})
}

// litHits are the places of the literals of a litIndex in one letter.
type litHits struct {
	x *litIndex
	// starts holds the start offsets of each literal in order, literal
	// after literal: those of literal i are starts[from[i]:from[i+1]]
	// (two allocations per letter, not one slice per literal found).
	starts []int
	from   []int
}

// of returns the start offsets of literal id, in order.
func (h *litHits) of(id int) []int { return h.starts[h.from[id]:h.from[id+1]] }

// hits finds the literals of x in t. It returns nil when t holds a rune
// that folds to an ASCII letter (rules.FoldsOutsideASCII): the literals
// could miss a match there.
func (x *litIndex) hits(t *rules.Text) *litHits {
	if t.FoldsOutsideASCII() {
		return nil
	}
	x.compile()
	h := &litHits{x: x, from: make([]int, len(x.lits)+1)}
	if x.walk == nil {
		return h
	}
	// The occurrences in the order of their ends (so each literal's in
	// order), as literal<<32 | start; then grouped by literal.
	occ := make([]uint64, 0, 128)
	x.walk.WalkString(t.Lower(), func(end, n, i int) {
		occ = append(occ, uint64(i)<<32|uint64(end-n+1))
		h.from[i+1]++
	})
	for i := range len(x.lits) {
		h.from[i+1] += h.from[i]
	}
	// Each occurrence at the start of its literal's free space; then
	// from[i] is the end of group i, one place later than wanted.
	h.starts = make([]int, len(occ))
	for _, o := range occ {
		i := o >> 32
		h.starts[h.from[i]] = int(uint32(o))
		h.from[i]++
	}
	copy(h.from[1:], h.from[:len(x.lits)])
	h.from[0] = 0
	return h
}

// next returns the first start at or after from of one of the literals
// ids, or -1.
func (h *litHits) next(ids []int, from int) int {
	best := -1
	for _, id := range ids {
		at := h.of(id)
		if k := sort.SearchInts(at, from); k < len(at) && (best < 0 || at[k] < best) {
			best = at[k]
		}
	}
	return best
}

// within reports whether one of the literals ids lies in [a, b).
func (h *litHits) within(ids []int, a, b int) bool {
	for _, id := range ids {
		at := h.of(id)
		if k := sort.SearchInts(at, a); k < len(at) && at[k]+len(h.x.lits[id]) <= b {
			return true
		}
	}
	return false
}

// A litPattern is a rule regexp with the literals of its matches in a
// litIndex.
type litPattern struct {
	m *rules.Matcher
	// need: every match holds one of these literals (rules.NeedLiterals);
	// nil when unknown.
	need []int
	// lead: every match starts with one of these (rules.LeadLiterals),
	// and nothing in the pattern looks at the text before its match (no
	// \b, \B, ^ or \A), so a search may start at the first of them; nil
	// otherwise.
	lead []int
}

func newLitPattern(re *regexp.Regexp, x *litIndex) litPattern {
	p := litPattern{m: rules.NewMatcher(re)}
	if l := rules.NeedLiterals(re); len(l) > 0 {
		p.need = x.add(l)
	}
	if l := rules.LeadLiterals(re); len(l) > 0 && !p.m.MayBeEmpty() && !looksBehind(re) {
		p.lead = x.add(l)
	}
	return p
}

// looksBehind reports whether re has an assertion that looks at the text
// before its position (\b, \B, ^, \A), or cannot be parsed.
func looksBehind(re *regexp.Regexp) bool {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return true
	}
	var walk func(*syntax.Regexp) bool
	walk = func(t *syntax.Regexp) bool {
		switch t.Op {
		case syntax.OpBeginLine, syntax.OpBeginText, syntax.OpWordBoundary, syntax.OpNoWordBoundary:
			return true
		}
		return slices.ContainsFunc(t.Sub, walk)
	}
	return walk(tree)
}

// index returns the leftmost match of p in text[from:] as offsets into
// text (FindStringIndex), with h the litHits of text (nil: none).
func (p *litPattern) index(text string, from int, h *litHits) (start, end int, ok bool) {
	if h != nil {
		if p.need != nil && h.next(p.need, from) < 0 {
			return 0, 0, false
		}
		if p.lead != nil {
			q := h.next(p.lead, from)
			if q < 0 {
				return 0, 0, false
			}
			from = q
		}
	}
	loc := p.m.FindStringIndex(text[from:])
	if loc == nil {
		return 0, 0, false
	}
	return from + loc[0], from + loc[1], true
}
