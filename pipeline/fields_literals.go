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

// A checkFilter answers the literal checks of several rule regexps
// (literalCheck.may) for every sentence of a letter at once, from the
// places of their literals that the fields stage's one automaton pass
// finds (litHits, see share), instead of a strings.Contains per literal,
// set, regexp and sentence (that was 4.4% of the pipeline's time and 0.3M
// instructions per IRO seed: 228 sentences, 8 rule patterns, the patient
// patterns on the rule sentences and the zone patterns on the guideline
// zones' sentences).
//
// The literals of a set of a check that are at least strongLen bytes long
// make a slot, one bit of a sentence's mask, set when one of them lies
// wholly in the sentence. A check passes a sentence when the slots of its
// sets are all set there, except for the sets that also have shorter
// literals ("odg" beside "guideline") or only those ("he", "is", " ",
// found nearly everywhere: marking their thousands of places would cost
// more than it saves): such a set is found when its slot is set or one of
// its short literals is in the sentence by strings.Contains, asked only in
// the few sentences that passed the slots. The answer is literalCheck.may's.
type checkFilter struct {
	checks []literalCheck
	need   []uint64    // by check: the slots of its sets without short literals
	parts  [][]partSet // by check: its sets with short literals
	strs   []string    // the literals of the slots
	slots  []uint64    // by literal of strs: the slots it fills
	shared *litIndex   // holds strs too (see share), under ids
	ids    []int
}

// A partSet is a set of a check with literals shorter than strongLen: in a
// sentence when its slot (that of its longer literals; 0: none) is set
// there, or one of short is in it.
type partSet struct {
	slot  uint64
	short []string
}

// strongLen is the shortest literal of a slot (see checkFilter). At 4
// bytes, the 75 literals of the rule-text patterns' slots lie 178 times in
// the IRO seed's sentences; at 3, "the", "his" and "her" would come in.
const strongLen = 4

// maxSlots is the number of bits of a sentence's mask: the literals of the
// sets of checks beyond it are all tested by strings.Contains (ruletext.yaml
// makes 24).
const maxSlots = 64

func newCheckFilter(checks []literalCheck) *checkFilter {
	f := &checkFilter{checks: checks, need: make([]uint64, len(checks)), parts: make([][]partSet, len(checks))}
	slotOf := map[string]uint64{} // by the literals of a slot, joined: its bit
	litOf := map[string]int{}     // by literal: its place in strs
	for k, c := range checks {
		for _, set := range c {
			var long, short []string
			for _, l := range set {
				if len(l) >= strongLen {
					long = append(long, l)
				} else {
					short = append(short, l)
				}
			}
			key := strings.Join(long, "\x00")
			slot := slotOf[key]
			if slot == 0 && len(long) > 0 && len(slotOf) < maxSlots {
				slot = 1 << len(slotOf)
				slotOf[key] = slot
				for _, l := range long {
					i, seen := litOf[l]
					if !seen {
						i = len(f.strs)
						litOf[l] = i
						f.strs = append(f.strs, l)
						f.slots = append(f.slots, 0)
					}
					f.slots[i] |= slot
				}
			}
			switch {
			case slot == 0:
				f.parts[k] = append(f.parts[k], partSet{short: set})
			case len(short) > 0:
				f.parts[k] = append(f.parts[k], partSet{slot: slot, short: short})
			default:
				f.need[k] |= slot
			}
		}
	}
	return f
}

// share adds the literals of f's slots to x (before its first use), whose
// litHits then serve marks.
func (f *checkFilter) share(x *litIndex) {
	f.shared, f.ids = x, x.add(f.strs)
}

// marks returns the slots found in each of rs, sorted and disjoint, from h,
// the litHits of their letter; nil when h is nil (the letter folds outside
// ASCII, see litIndex.hits) or not of the litIndex f shares: may then asks
// the checks themselves. The marks are made in *buf, grown when short: a
// scratch of the caller's (see marksPool).
func (f *checkFilter) marks(buf *[]uint64, rs []extract.Sentence, h *litHits) []uint64 {
	if h == nil || f.shared == nil || h.x != f.shared {
		return nil
	}
	if len(rs) == 0 {
		return []uint64{}
	}
	// The range of a literal's place is found from first, the first range
	// ending after the start of its block of 1<<blockShift bytes, a step or
	// two on (a binary search took 100 instructions a place, 18K per IRO
	// seed). Each block starts before end, so the last range ends after it.
	end := rs[len(rs)-1].End
	size := len(rs) + (end+1<<blockShift-1)>>blockShift
	if cap(*buf) < size {
		*buf = make([]uint64, size)
	}
	m, first := (*buf)[:len(rs):len(rs)], (*buf)[len(rs):size]
	clear(m)
	j := 0
	for b := range first {
		for rs[j].End <= b<<blockShift {
			j++
		}
		first[b] = uint64(j)
	}
	for i, id := range f.ids {
		n, slots := len(f.strs[i]), f.slots[i]
		for _, start := range h.of(id) {
			if start >= end {
				break
			}
			j := int(first[start>>blockShift])
			for rs[j].End <= start {
				j++
			}
			if rs[j].Start <= start && start+n <= rs[j].End {
				m[j] |= slots
			}
		}
	}
	return m
}

// marksPool holds the scratch of checkFilter.marks, 3.7 KB per IRO seed
// (made for each letter, it was the largest allocation of the rule-text
// stage).
var marksPool = sync.Pool{New: func() any { return new([]uint64) }}

// blockShift sets the size of the blocks of checkFilter.marks: 64 bytes,
// about one sentence.
const blockShift = 6

// someSlot returns the slots one of which every check from..to-1 needs (a
// sentence without them passes none of those checks), or 0 when one of
// them needs none.
func (f *checkFilter) someSlot(from, to int) uint64 {
	var some uint64
	for _, need := range f.need[from:to] {
		if need == 0 {
			return 0
		}
		some |= need
	}
	return some
}

// may reports whether check k may match in rs[j] (false: no match), with m
// the marks of rs, low the text of rs[j] in ASCII lower case and fold
// rules.FoldsOutsideASCII of the letter: literalCheck.may(low, fold).
func (f *checkFilter) may(m []uint64, j, k int, low string, fold bool) bool {
	if m == nil {
		return f.checks[k].may(low, fold)
	}
	// m is only made when the letter does not fold (fold is false).
	if !f.slotsIn(m, j, k) {
		return false
	}
	for _, p := range f.parts[k] {
		if m[j]&p.slot == 0 && !containsAny(low, p.short) {
			return false
		}
	}
	return true
}

// slotsIn reports whether the slots of check k are all in rs[j] (m nil:
// unknown, true), the first test of may, which most sentences fail: it is
// inlined, may is not.
func (f *checkFilter) slotsIn(m []uint64, j, k int) bool {
	return m == nil || m[j]&f.need[k] == f.need[k]
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
		if !containsAny(low, set) {
			return false
		}
	}
	return true
}

// containsAny reports whether one of lits is in s.
func containsAny(s string, lits []string) bool {
	for _, l := range lits {
		if strings.Contains(s, l) {
			return true
		}
	}
	return false
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

// occPool holds the scratch of litIndex.hits: the occurrences before they
// are grouped by literal, 267 in the IRO seed (a slice grown from 128 for
// each letter took three allocations, 7 KB).
var occPool = sync.Pool{New: func() any { return new([]uint64) }}

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
	scratch := occPool.Get().(*[]uint64)
	occ := (*scratch)[:0]
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
	*scratch = occ
	occPool.Put(scratch)
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
