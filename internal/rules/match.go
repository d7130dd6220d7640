package rules

import (
	"encoding/binary"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
	"unsafe"
)

// A Matcher runs a rule's regexp only where it can match. Rule patterns
// stay plain RE2 in the YAML files; at load NewMatcher reads facts off the
// pattern's syntax tree, and the methods use them to skip the regexp engine
// (which tries every position of its input) with a cheap byte or substring
// test:
//
//   - the bytes a non-empty match can start with (MayStartWith), for
//     patterns anchored at the start of a line or window;
//   - literals one of which every match contains (MayMatch), tried with
//     strings.Index before the regexp runs;
//   - a literal every match starts with (MatchText): the regexp runs
//     anchored at the places the literal occurs, not over the whole text;
//   - a byte every match contains, for patterns with a bounded match length
//     and no assertions (FindAllStringSubmatchIndex): the regexp runs on the
//     short stretches of text around those bytes.
//
// Every shortcut gives exactly the result of the plain regexp call; a
// pattern the analysis does not understand falls back to it. A Matcher is
// safe for concurrent use.
type Matcher struct {
	re *regexp.Regexp

	first      [256]bool // bytes a non-empty match can start with
	firstKnown bool
	empty      bool // the empty string may match (where assertions allow)
	begin      bool // the pattern starts with ^ (not multi-line)

	need []foldLit // every match contains one of these (nil: unknown)
	// needIsLead: need is the one literal lead, which the start scan
	// jumps to (mayScan).
	needIsLead bool
	// needSets are need and more literal sets, each of which every match
	// contains one of, from the other parts of a top-level sequence
	// ("guidelines ... recommends": need is one of the two lists, the
	// second set the other; needMore), indexed for a search of a short
	// window (needIn).
	needSets []*litSet

	// prefix scan (MatchText): a match starts with lead, after the
	// zero-width assertions asserts; rest is the pattern without those
	// assertions, anchored.
	lead    foldLit
	asserts []syntax.Op
	rest    *regexp.Regexp
	window  int // bytes the anchored regexp needs from a start (0: all)

	// region scan (FindAll*): every match contains a byte of region and
	// is at most maxLen bytes long.
	region   [256]bool
	regionOK bool
	// pair: every match also holds a byte of pairA right before a byte
	// of pairB (". " then a capital); when set, regions grow around such
	// pairs instead of around the bytes of region.
	pair         bool
	pairA, pairB [256]bool
	maxLen       int
	// scanBytes are the bytes of region (pairA with pair, or pairB when
	// scanSecond) when there are few of them: the region scan jumps to
	// them with strings.IndexByte.
	scanBytes []byte
	// scanSecond: the region scan jumps to the bytes of pairB and looks
	// at the byte before (pairB has fewer or rarer bytes than pairA).
	scanSecond bool

	// start scan (FindAll*, FindStringSubmatchIndex, MatchString): a
	// non-empty match starts, after the zero-width assertions startAsserts,
	// with a byte of first; startRE is the rest of the pattern, anchored,
	// run at those places on startWindow bytes (0: the rest of the text).
	startRE *regexp.Regexp
	// startBack, when set, is the whole pattern after one rune, anchored:
	// run from the rune before a start, its assertions see the text
	// before it (startRE is then the whole pattern anchored, for a start
	// at 0).
	startBack    *regexp.Regexp
	startFirst   [256]bool
	startAsserts []syntax.Op
	startWordB   bool   // startAsserts is \b alone (tested inline)
	startBytes   []byte // the bytes of startFirst, when one or two
	startWindow  int
	startLeads   *leadSet
	startPos     *posBytes // the first bytes of the rest (nil: unknown)
	// reachLits (nil: none): every match holds one of them, ending at
	// most reachMax bytes other than white space after the match's start
	// (reach.go).
	reachLits []foldLit
	reachMax  int
	// stop holds the ASCII bytes the pattern can never consume: an
	// anchored attempt at i needs no text past the first of them after i
	// (kept, for the assertions that look at it).
	stop      [256]bool
	stopKnown bool

	// tail: the pattern ends with $ (end of text), has no other assertion
	// and its matches are at most tail bytes long: MatchString looks at
	// the last tail bytes only.
	tail int

	// last: the pattern ends with $ and a non-empty part whose last byte is
	// one of last (ASCII): a text ending otherwise has no match.
	last      [256]bool
	lastKnown bool

	// MatchAt: every non-empty match starts with one of leads (nil:
	// unknown); anchored is the pattern anchored at the start, compiled
	// on first use.
	leads        *leadSet
	pos          *posBytes // the first bytes of a match (nil: unknown)
	anchoredOnce sync.Once
	anchored     *regexp.Regexp
	// anchoredRelaxed, startRelaxed and backRelaxed may stand in for
	// anchored, startRE and startBack on short inputs (relax.go).
	anchoredRelaxed, startRelaxed, backRelaxed relaxed
}

// A leadSet holds literals, lowercase ASCII where they are letters, one of
// which every match starts with, compared ASCII case-insensitively (a
// superset of the matches: a prefilter), by their first byte.
type leadSet struct {
	by [256][]string
	// words[c] are the literals of by[c] as little-endian words (at most
	// maxLeadLen = 8 bytes each) with a mask of their bytes: at compares
	// eight ASCII bytes of the text, lowered at once, with each.
	words [256][]leadWord
	// pairs has the bit pairKey(a, b) set for the first two bytes a, b of
	// every literal: a quick test before the comparisons (the key keeps
	// five bits of each byte, which ignore ASCII case; other bytes may
	// share a key, which only makes the test weaker).
	pairs [16]uint64
}

func pairKey(a, b byte) uint { return uint(a&31)<<5 | uint(b&31) }

// A leadWord is a lead literal's bytes in the low bytes of val (little
// endian), and mask the bytes it has.
type leadWord struct{ val, mask uint64 }

func newLeadWord(l string) leadWord {
	var w leadWord
	for k := 0; k < len(l); k++ {
		w.val |= uint64(l[k]) << (8 * k)
		w.mask |= 0xFF << (8 * k)
	}
	return w
}

// Eight bytes at a time (asciiLower, leadSet.at): ones has a one in each
// byte, highs each byte's high bit.
const ones, highs = 0x0101010101010101, 0x8080808080808080

// word8 returns s[i:i+8] as a little-endian word (the compiler makes it one
// load).
func word8(s string, i int) uint64 {
	s = s[i : i+8]
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

// lowerASCII lowers the ASCII capitals of x, leaving bytes from 0x80 up
// as they are: the high bit of each byte of upper marks an ASCII capital
// (computed on the low seven bits, so no carry crosses bytes).
func lowerASCII(x uint64) uint64 {
	low := x &^ highs
	upper := (low + (0x80-'A')*ones) &^ (low + (0x80-'Z'-1)*ones) &^ x & highs
	return x | upper>>2
}

// lowerWord lowers the ASCII capitals of x, a word of ASCII bytes: the
// high bit of each byte of upper marks a capital, and upper>>2 is 0x20
// there.
func lowerWord(x uint64) uint64 {
	upper := (x + (0x80-'A')*ones) &^ (x + (0x80-'Z'-1)*ones) & highs
	return x | upper>>2
}

// The comparison (hasPrefixFold) is ASCII case-insensitive, and takes the
// long s and the Kelvin sign for s and k, the only runes outside ASCII that
// fold to ASCII letters.
//
// maxLeads bounds the literals of a leadSet; maxLeadLen their length.
const (
	maxLeads   = 64
	maxLeadLen = 8
)

// newLeadSet returns the leadSet of re, or nil when unknown or useless (a
// literal is empty, or there are too many).
func newLeadSet(re *syntax.Regexp) *leadSet {
	lits, _, ok := leads(re)
	if !ok || len(lits) == 0 {
		return nil
	}
	n := maxLeadLen
	for _, l := range lits {
		n = min(n, len(l))
	}
	if n < 2 {
		return nil // no better than the first byte
	}
	ls := &leadSet{}
	seen := map[string]bool{}
	for _, l := range lits {
		l = l[:n]
		if !seen[l] {
			seen[l] = true
			ls.by[l[0]] = append(ls.by[l[0]], l)
			ls.words[l[0]] = append(ls.words[l[0]], newLeadWord(l))
			k := pairKey(l[0], l[1])
			ls.pairs[k>>6] |= 1 << (k & 63)
		}
	}
	return ls
}

// at reports whether s[i:] starts with one of the literals.
func (ls *leadSet) at(s string, i int) bool {
	if i+1 < len(s) && s[i] < utf8.RuneSelf && s[i+1] < utf8.RuneSelf {
		// ASCII: a literal's first two bytes are these two, in either
		// case (the long s and the Kelvin sign are not ASCII).
		if k := pairKey(s[i], s[i+1]); ls.pairs[k>>6]&(1<<(k&63)) == 0 {
			return false
		}
	}
	if i+8 <= len(s) {
		if x := word8(s, i); x&highs == 0 {
			// Eight ASCII bytes hold every literal's place, and no long
			// s or Kelvin sign: lowered, they are compared at once
			// (hasPrefixFold compared byte by byte, 65 instructions a
			// call on the letters, with the loop of this function 250 a
			// MatchAt).
			x = lowerWord(x)
			for _, w := range ls.words[lowerByte(s[i])] {
				if x&w.mask == w.val {
					return true
				}
			}
			return false
		}
	}
	return ls.atBytes(s, i)
}

// atBytes is at without the tests of pairs and words: the literals
// compared with s[i:] byte by byte.
func (ls *leadSet) atBytes(s string, i int) bool {
	for _, l := range ls.by[lowerByte(s[i])] {
		if hasPrefixFold(s[i:], l) {
			return true
		}
	}
	var alt byte
	switch s[i] {
	case 0xC5: // the long s (U+017F) folds to s
		alt = 's'
	case 0xE2: // the Kelvin sign (U+212A) folds to k
		alt = 'k'
	default:
		return false
	}
	for _, l := range ls.by[alt] {
		if hasPrefixFold(s[i:], l) {
			return true
		}
	}
	return false
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// hasPrefixFold reports whether s starts with lit (lowercase) with ASCII
// letters of s in any case, and s and k also matched by the long s and
// the Kelvin sign they fold to.
func hasPrefixFold(s, lit string) bool {
	j := 0
	for k := 0; k < len(lit); k++ {
		if j >= len(s) {
			return false
		}
		if lowerByte(s[j]) == lit[k] {
			j++
			continue
		}
		switch {
		case lit[k] == 's' && strings.HasPrefix(s[j:], "\u017f"):
			j += len("\u017f")
		case lit[k] == 'k' && strings.HasPrefix(s[j:], "\u212a"):
			j += len("\u212a")
		default:
			return false
		}
	}
	return true
}

// asciiFold returns the ASCII lowercase letter r folds to, if any.
func asciiFold(r rune) (byte, bool) {
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f < utf8.RuneSelf {
			return lowerByte(byte(f)), true
		}
	}
	return 0, false
}

// leads returns literals one of which every match of re starts with
// (lowercased: they are compared ASCII case-insensitively); exact reports
// that they are exactly the matches of re. Case-folded letters must fold
// within ASCII (not k or s).
func leads(re *syntax.Regexp) (lits []string, exact, ok bool) {
	fold := re.Flags&syntax.FoldCase != 0
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginLine, syntax.OpBeginText:
		// An assertion consumes nothing: what follows it starts the match.
		return []string{""}, true, true
	case syntax.OpLiteral:
		var b strings.Builder
		for _, r := range re.Rune {
			if r == utf8.RuneError || fold && r >= utf8.RuneSelf && unicode.SimpleFold(r) != r {
				if b.Len() == 0 {
					return nil, false, false
				}
				return []string{b.String()}, false, true
			}
			if r < utf8.RuneSelf {
				b.WriteByte(lowerByte(byte(r)))
			} else {
				b.WriteRune(r)
			}
			if b.Len() >= maxLeadLen {
				return []string{b.String()}, false, true
			}
		}
		return []string{b.String()}, true, true
	case syntax.OpCharClass:
		seen := map[string]bool{}
		for k := 0; k+1 < len(re.Rune); k += 2 {
			if re.Rune[k+1]-re.Rune[k] > 16 {
				return nil, false, false
			}
			for r := re.Rune[k]; r <= re.Rune[k+1]; r++ {
				l := string(r)
				switch {
				case r < utf8.RuneSelf:
					l = string(lowerByte(byte(r)))
				case r == utf8.RuneError:
					return nil, false, false // matches invalid bytes
				case unicode.SimpleFold(r) != r:
					c, ok := asciiFold(r)
					if !ok {
						return nil, false, false
					}
					l = string(c) // the long s and the Kelvin sign: see hasPrefixFold
				}
				if !seen[l] {
					seen[l] = true
					lits = append(lits, l)
				}
			}
		}
		return lits, true, len(lits) > 0 && len(lits) <= maxLeads
	case syntax.OpCapture:
		return leads(re.Sub[0])
	case syntax.OpPlus:
		lits, _, ok := leads(re.Sub[0])
		return lits, false, ok
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false, false
		}
		lits, _, ok := leads(re.Sub[0])
		return lits, false, ok
	case syntax.OpQuest:
		lits, exact, ok := leads(re.Sub[0])
		if !ok || !exact {
			return nil, false, false
		}
		return append(lits, ""), true, true
	case syntax.OpAlternate:
		exact = true
		for _, sub := range re.Sub {
			l, e, ok := leads(sub)
			if !ok {
				return nil, false, false
			}
			lits, exact = append(lits, l...), exact && e
		}
		if len(lits) <= maxLeads {
			return lits, exact, true
		}
		// Too many: their first three (or two) bytes may be few enough.
		for _, n := range []int{3, 2} {
			var short []string
			seen := map[string]bool{}
			for _, l := range lits {
				l = l[:min(n, len(l))]
				if !seen[l] {
					seen[l] = true
					short = append(short, l)
				}
			}
			if len(short) <= maxLeads {
				return short, false, true
			}
		}
		return nil, false, false
	case syntax.OpConcat:
		lits, exact = []string{""}, true
		for _, sub := range re.Sub {
			l, e, ok := leads(sub)
			if !ok || len(lits)*len(l) > maxLeads {
				return lits, false, true
			}
			var next []string
			long := false
			for _, a := range lits {
				for _, b := range l {
					c := a + b
					if len(c) > maxLeadLen {
						c, long = c[:maxLeadLen], true
					}
					next = append(next, c)
				}
			}
			lits = next
			if !e || long {
				return lits, false, true
			}
		}
		return lits, exact, true
	}
	return nil, false, false
}

// MatchAt returns the submatch indexes (offsets into s) of the match that
// the regexp prefers starting at i, looking at no more than window bytes
// (0: the rest of s), or nil. It is the pattern anchored with ^ run on
// s[i:i+window]: assertions see no text before i.
func (m *Matcher) MatchAt(s string, i, window int) []int {
	if i >= len(s) {
		return nil
	}
	if !m.empty {
		if m.firstKnown && !m.first[s[i]] {
			return nil
		}
		if m.leads != nil && !m.leads.at(s, i) {
			return nil
		}
	}
	end := len(s)
	if window > 0 {
		end = min(end, i+window)
	}
	if m.pos != nil && !m.pos.at(s[:end], i) {
		return nil
	}
	end = m.stopEnd(s, i, end)
	if !m.needIn(s, i, end) {
		return nil
	}
	m.anchoredOnce.Do(func() {
		src := `^(?:` + m.re.String() + `)`
		m.anchored, m.anchoredRelaxed = regexp.MustCompile(src), newRelaxed(src)
	})
	loc := m.anchoredRelaxed.pick(m.anchored, end-i).FindStringSubmatchIndex(s[i:end])
	for k := range loc {
		if loc[k] >= 0 {
			loc[k] += i
		}
	}
	return loc
}

// A foldLit is a literal; with fold set it is lowercase ASCII and matches
// ASCII case-insensitively.
type foldLit struct {
	s    string
	fold bool
	// at is 1 + the offset of the byte index searches for (anchorByte),
	// kept for the literals a Matcher searches with (0: not kept).
	at int
}

// anchor returns the offset of l's rarest byte (anchorByte).
func (l foldLit) anchor() int {
	if l.at > 0 {
		return l.at - 1
	}
	return anchorByte(l.s)
}

// anchored returns ls with their anchors kept (anchorByte was about 20K
// instructions per letter, found again at every search).
func anchored(ls []foldLit) []foldLit {
	for k := range ls {
		ls[k].at = anchorByte(ls[k].s) + 1
	}
	return ls
}

// NewMatcher analyses re. It never fails: what it cannot analyse is left to
// the regexp.
func NewMatcher(re *regexp.Regexp) *Matcher {
	m := &Matcher{re: re}
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return m
	}
	tree := parsed.Simplify()
	m.firstKnown, m.empty = firstBytes(tree, &m.first)
	m.empty = m.empty || !m.firstKnown
	m.begin = tree.Op == syntax.OpBeginText ||
		tree.Op == syntax.OpConcat && len(tree.Sub) > 0 && tree.Sub[0].Op == syntax.OpBeginText
	if lits, ok := needLits(tree); ok {
		m.need = lits
		m.needSets = append(m.needSets, newLitSet(lits))
		for _, set := range needMore(tree, lits) {
			m.needSets = append(m.needSets, newLitSet(set))
		}
	}
	m.initPrefix(tree)
	m.initStart(tree)
	m.needIsLead = m.startRE != nil && m.rest != nil && len(m.need) == 1 && m.need[0] == m.lead
	m.need = anchored(m.need)
	if m.rest != nil {
		m.lead = anchored([]foldLit{m.lead})[0]
	}
	m.reachLits = anchored(m.reachLits)
	var can [256]bool
	if consumable(tree, &can) {
		for c := 0; c < utf8.RuneSelf; c++ {
			m.stop[c] = !can[c]
			m.stopKnown = m.stopKnown || m.stop[c]
		}
	}
	if m.startRE != nil {
		m.startWordB = len(m.startAsserts) == 1 && m.startAsserts[0] == syntax.OpWordBoundary
		m.startBytes = fewBytes(&m.startFirst, 2)
	}
	m.leads = newLeadSet(tree)
	m.pos = newPosBytes(tree)
	if tree.Op == syntax.OpConcat && len(tree.Sub) > 1 && tree.Sub[len(tree.Sub)-1].Op == syntax.OpEndText {
		body := &syntax.Regexp{Op: syntax.OpConcat, Sub: tree.Sub[:len(tree.Sub)-1]}
		if n, ok := maxLen(body); ok && n > 0 && !hasAssert(body) {
			m.tail = n
		}
		m.lastKnown = lastASCII(tree.Sub[len(tree.Sub)-2], &m.last)
	}
	if n, ok := maxLen(tree); ok && n > 0 && !hasAssert(tree) {
		if needBytes(tree, &m.region) {
			m.regionOK, m.maxLen = true, n
			m.pair = needPair(tree, &m.pairA, &m.pairB, &m.region)
			set := &m.region
			if m.pair {
				set = &m.pairA
				if b := fewBytes(&m.pairB, maxScanBytes); b != nil && setWeight(&m.pairB) < setWeight(&m.pairA) {
					set, m.scanSecond = &m.pairB, true
				}
			}
			m.scanBytes = fewBytes(set, maxScanBytes)
		}
	}
	return m
}

// Regexp returns the regexp the Matcher runs.
func (m *Matcher) Regexp() *regexp.Regexp { return m.re }

// MayStartWith reports whether a non-empty match can start with byte c.
func (m *Matcher) MayStartWith(c byte) bool { return !m.firstKnown || m.first[c] }

// MayBeEmpty reports whether a match may be empty.
func (m *Matcher) MayBeEmpty() bool { return m.empty }

// MayMatch reports whether s contains one of the literals every match
// contains (true when there are none). False means no match.
func (m *Matcher) MayMatch(s string) bool {
	if m.need == nil {
		return true
	}
	if len(m.need) >= minSetLiterals && len(s) <= maxNeedWindow {
		// One pass over a short text for all the literals.
		return m.needSets[0].in(s)
	}
	for _, l := range m.need {
		if l.in(s) {
			return true
		}
	}
	return false
}

// MayMatchString is a cheap test to run before re.MatchString(s): false
// means no match. It uses MayMatch, for a pattern starting with ^,
// MayStartWith, and for one ending with $, the last byte.
func (m *Matcher) MayMatchString(s string) bool {
	return m.mayMatchEnds(s) && m.MayMatch(s)
}

// mayMatchEnds is MayMatchString without MayMatch: the tests of the
// first and last bytes.
func (m *Matcher) mayMatchEnds(s string) bool {
	if m.begin && !m.empty && (s == "" || !m.first[s[0]]) {
		return false
	}
	if m.begin && !m.empty && m.startLeads != nil && !m.startLeads.at(s, 0) {
		return false // a match starts at 0 with one of the leads
	}
	if m.lastKnown && (s == "" || !m.last[s[len(s)-1]]) {
		return false
	}
	return true
}

// mayScan is MayMatchString before the start scan runs on s. When the
// needed literal is the lead literal the scan jumps to, the scan's first
// search is MayMatch's (it found the literal, or it returns at once):
// MayMatch would search s up to the literal twice ("PATIENT CLINICAL
// HISTORY", "REVIEW OUTCOME" over the whole letter).
func (m *Matcher) mayScan(s string) bool {
	if m.needIsLead {
		return m.mayMatchEnds(s)
	}
	return m.MayMatchString(s)
}

// MatchString is re.MatchString(s), skipped when MayMatchString says no.
func (m *Matcher) MatchString(s string) bool {
	if m.tail > 0 && len(s) > m.tail {
		cut := len(s) - m.tail
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut-- // start at a rune, as the regexp does
		}
		s = s[cut:]
	}
	if !m.mayScan(s) {
		return false
	}
	if m.startRE != nil {
		return m.nextStart(s, 0) != nil
	}
	return m.re.MatchString(s)
}

// FindStringSubmatchIndex is re.FindStringSubmatchIndex(s).
func (m *Matcher) FindStringSubmatchIndex(s string) []int {
	if !m.mayScan(s) {
		return nil
	}
	if m.startRE != nil {
		return m.nextStart(s, 0)
	}
	return m.re.FindStringSubmatchIndex(s)
}

// FindStringIndex is re.FindStringIndex(s).
func (m *Matcher) FindStringIndex(s string) []int {
	if !m.mayScan(s) {
		return nil
	}
	if m.startRE != nil {
		if loc := m.nextStart(s, 0); loc != nil {
			return loc[:2:2]
		}
		return nil
	}
	return m.re.FindStringIndex(s)
}

// leadingAsserts splits tree into its top-level parts and the zero-width
// assertions at its start; ok is false when one of them is an assertion the
// start scan and MatchText cannot check themselves (such as $).
func leadingAsserts(tree *syntax.Regexp) (subs []*syntax.Regexp, asserts []syntax.Op, ok bool) {
	subs = []*syntax.Regexp{tree}
	if tree.Op == syntax.OpConcat {
		subs = tree.Sub
	}
	for k := 0; k < len(subs) && isAssert(subs[k].Op); k++ {
		switch subs[k].Op {
		case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpBeginText, syntax.OpBeginLine:
		default:
			return nil, nil, false
		}
		asserts = append(asserts, subs[k].Op)
	}
	return subs, asserts, true
}

// initStart sets up the start scan when the pattern is: zero-width word or
// line assertions at one position, then a part whose non-empty matches
// start with a known ASCII or UTF-8 leading byte and that cannot test an
// assertion before its first byte (the anchored part would see no text
// before it).
func (m *Matcher) initStart(tree *syntax.Regexp) {
	subs, asserts, ok := leadingAsserts(tree)
	if !ok {
		return
	}
	k := len(asserts)
	if k == len(subs) {
		return
	}
	restTree := &syntax.Regexp{Op: syntax.OpConcat, Sub: subs[k:]}
	var first [256]bool
	ok, empty := firstBytes(restTree, &first)
	if !ok || empty {
		return
	}
	if assertFirst(restTree) {
		m.initStartBack(tree)
		return
	}
	for c := 0x80; c < 0xC0; c++ {
		if first[c] {
			return // a continuation byte: positions are not bytes
		}
	}
	rest, err := regexp.Compile(`^(?:` + restSource(m.re.String(), len(asserts), subs[k:]) + `)`)
	if err != nil || rest.NumSubexp() != m.re.NumSubexp() {
		return
	}
	m.startRE, m.startAsserts, m.startFirst = rest, asserts, first
	m.startRelaxed = newRelaxed(rest.String())
	m.startLeads = newLeadSet(restTree)
	m.startPos = newPosBytes(restTree)
	if n, ok := maxLen(restTree); ok && !hasEndText(restTree) {
		m.startWindow = n + utf8.UTFMax // room for a final \b to look on
	}
	m.initReach(subs[k:])
}

// restSource is the source of the pattern src without its first n
// zero-width assertions (rest are the parsed sub-expressions that remain).
// It cuts them off the source text when that provably gives the same
// expression, else writes it with Source, because syntax.Regexp.String is slow: since Go 1.26 it walks
// every rune of every character class to decide on case flags (a negated
// class is 125,000 runes; rule compilation took a second per process).
func restSource(src string, n int, rest []*syntax.Regexp) string {
	var want *syntax.Regexp
	if len(rest) == 1 {
		want = rest[0]
	} else {
		want = &syntax.Regexp{Op: syntax.OpConcat, Sub: rest}
	}
	flags, body := "", src
	for strings.HasPrefix(body, "(?") {
		end := strings.IndexByte(body, ')')
		if end < 0 || strings.ContainsAny(body[2:end], ":(") {
			break // a group, not a flag setting
		}
		flags, body = flags+body[:end+1], body[end+1:]
	}
	for range n {
		switch {
		case strings.HasPrefix(body, `\b`), strings.HasPrefix(body, `\B`), strings.HasPrefix(body, `\A`):
			body = body[2:]
		case strings.HasPrefix(body, "^"):
			body = body[1:]
		default:
			return Source(want)
		}
	}
	if re, err := syntax.Parse(flags+body, syntax.Perl); err == nil && re.Simplify().Equal(want) {
		return flags + body
	}
	return Source(want)
}

// initStartBack sets up the start scan with the rune before each start
// (startBack) for a pattern whose non-empty matches start with a known
// byte but that tests an assertion before its first byte, such as \b in
// one branch of an alternation ("(?:date of injury|\bDOI)"). Patterns with
// ^ or \A are left to the regexp.
func (m *Matcher) initStartBack(tree *syntax.Regexp) {
	var first [256]bool
	if ok, empty := firstBytes(tree, &first); !ok || empty || hasBegin(tree) {
		return
	}
	for c := 0x80; c < 0xC0; c++ {
		if first[c] {
			return
		}
	}
	src := m.re.String()
	at0, err := regexp.Compile(`^(?:` + src + `)`)
	if err != nil {
		return
	}
	back, err := regexp.Compile(`^(?s:.)(?:` + src + `)`)
	if err != nil || back.NumSubexp() != m.re.NumSubexp() || at0.NumSubexp() != m.re.NumSubexp() {
		return
	}
	m.startRE, m.startBack, m.startAsserts, m.startFirst = at0, back, nil, first
	m.startRelaxed, m.backRelaxed = newRelaxed(at0.String()), newRelaxed(back.String())
	m.startLeads = newLeadSet(tree)
	m.startPos = newPosBytes(tree)
	if n, ok := maxLen(tree); ok && !hasEndText(tree) {
		m.startWindow = n + utf8.UTFMax
	}
	if tree.Op == syntax.OpConcat {
		m.initReach(tree.Sub)
	} else {
		m.initReach([]*syntax.Regexp{tree})
	}
}

// consumable adds to set every byte a match of re may consume: ASCII
// bytes exactly (with their case variants under (?i)), and every byte from
// 0x80 up when re may consume a rune outside ASCII (or an invalid byte, read
// as U+FFFD). It returns false for an operator it does not know.
func consumable(re *syntax.Regexp, set *[256]bool) bool {
	high := func() {
		for c := utf8.RuneSelf; c < 256; c++ {
			set[c] = true
		}
	}
	add := func(r rune) {
		if r < utf8.RuneSelf {
			set[r] = true
		} else {
			high()
		}
	}
	switch re.Op {
	case syntax.OpNoMatch, syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			add(r)
			if re.Flags&syntax.FoldCase != 0 {
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					add(f)
				}
			}
		}
		return true
	case syntax.OpCharClass:
		for k := 0; k+1 < len(re.Rune); k += 2 {
			lo, hi := re.Rune[k], re.Rune[k+1]
			for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
				set[r] = true
			}
			if hi >= utf8.RuneSelf {
				high()
			}
		}
		return true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		for c := range set {
			set[c] = set[c] || re.Op == syntax.OpAnyChar || c != '\n'
		}
		return true
	case syntax.OpCapture, syntax.OpStar, syntax.OpPlus, syntax.OpQuest, syntax.OpRepeat, syntax.OpConcat, syntax.OpAlternate:
		for _, sub := range re.Sub {
			if !consumable(sub, set) {
				return false
			}
		}
		return true
	}
	return false
}

func hasBegin(re *syntax.Regexp) bool {
	if re.Op == syntax.OpBeginText || re.Op == syntax.OpBeginLine {
		return true
	}
	for _, s := range re.Sub {
		if hasBegin(s) {
			return true
		}
	}
	return false
}

// assertFirst reports whether re may test a zero-width assertion before
// it consumes a byte.
func assertFirst(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	case syntax.OpCapture, syntax.OpPlus, syntax.OpStar, syntax.OpQuest, syntax.OpRepeat:
		return assertFirst(re.Sub[0])
	case syntax.OpConcat:
		for _, s := range re.Sub {
			if assertFirst(s) {
				return true
			}
			var set [256]bool
			if ok, empty := firstBytes(s, &set); !ok || !empty {
				return !ok
			}
		}
		return false
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if assertFirst(s) {
				return true
			}
		}
		return false
	}
	return false
}

// nextStart returns the leftmost match starting at or after from (offsets
// into s), or nil: the first place where a match can start and the
// anchored rest matches. The match there is the one the regexp prefers.
func (m *Matcher) nextStart(s string, from int) []int {
	var jump *byteScan // the places of startBytes
	if m.rest == nil && m.startBytes != nil {
		jump = newByteScan(s, m.startBytes)
	}
	var reach reachScan
	if m.reachLits != nil {
		reach = m.newReachScan(s)
	}
	for i := from; i < len(s); i++ {
		switch {
		case jump != nil:
			// Jump to the nearest of the one or two bytes a match
			// starts with.
			if i = jump.next(i); i < 0 {
				return nil
			}
		case m.rest == nil:
			// Skip, in a tight loop, the bytes no match starts with.
			for i < len(s) && !m.startFirst[s[i]] {
				i++
			}
			if i == len(s) {
				return nil
			}
		default:
			// Every match starts with the lead literal (after the same
			// assertions): jump to its next occurrence.
			k := m.lead.index(s[i:])
			if k < 0 {
				return nil
			}
			i += k
		}
		if m.reachLits != nil {
			// No match starts before the first start within reach of
			// one of its literals.
			j := reach.next(i)
			if j < 0 {
				return nil
			}
			if j > i {
				i = j - 1
				continue
			}
		}
		if m.startWordB {
			// \b: a word byte on one side only (i < len(s)).
			if (i > 0 && wordTable[s[i-1]]) == wordTable[s[i]] {
				continue
			}
		} else if !assertsAt(m.startAsserts, s, i) {
			continue
		}
		if !m.startFirst[s[i]] || m.startLeads != nil && !m.startLeads.at(s, i) ||
			m.startPos != nil && !m.startPos.at(s, i) {
			continue
		}
		end := len(s)
		if m.startWindow > 0 {
			end = min(end, i+m.startWindow)
		}
		end = m.stopEnd(s, i, end)
		if !m.needIn(s, i, end) {
			continue // the match would lie in s[i:end]
		}
		if m.startBack != nil && i > 0 {
			// Run from the rune before i, which the pattern's
			// assertions may look at; the match starts at i.
			_, w := utf8.DecodeLastRuneInString(s[:i])
			j := i - w
			loc := m.backRelaxed.pick(m.startBack, end-j).FindStringSubmatchIndex(s[j:end])
			if loc == nil {
				continue
			}
			for k := range loc {
				if loc[k] >= 0 {
					loc[k] += j
				}
			}
			loc[0] = i
			return loc
		}
		loc := m.startRelaxed.pick(m.startRE, end-i).FindStringSubmatchIndex(s[i:end])
		if loc == nil {
			continue
		}
		for k := range loc {
			if loc[k] >= 0 {
				loc[k] += i
			}
		}
		return loc
	}
	return nil
}

// stopEnd returns the end of the window s[i:end] for an anchored attempt
// at i. The regexp can consume no stop byte: an attempt at i ends before
// the first one after i, which the window keeps so that the assertions
// before it see it. The result is the same as on the whole window, and the
// backtracker clears a visited map the size of its input.
func (m *Matcher) stopEnd(s string, i, end int) int {
	if m.stopKnown && i+1 < end {
		stop, w := &m.stop, s[i+1:end] // (no bounds checks in the loop)
		for k := 0; k < len(w); k++ {
			if stop[w[k]] {
				return i + 1 + k + 1
			}
		}
	}
	return end
}

// startAll is FindAllStringSubmatchIndex by the start scan (matches are
// never empty, so each search resumes where the last match ended).
func (m *Matcher) startAll(s string) [][]int {
	var out [][]int
	for from := 0; ; {
		loc := m.nextStart(s, from)
		if loc == nil {
			return out
		}
		out = append(out, loc)
		from = loc[1]
	}
}

// A Text is a document searched by several matchers; it keeps an ASCII
// lowercase copy for case-insensitive literal searches.
type Text struct {
	S     string
	lower string
	done  bool
	fold  int8 // FoldsOutsideASCII(S): 0 not asked yet, 1 false, 2 true
}

// NewText returns s as a Text.
func NewText(s string) *Text { return &Text{S: s} }

// Lower returns S with ASCII letters in lower case (same length).
func (t *Text) Lower() string {
	if !t.done {
		t.lower, t.done = asciiLower(t.S), true
	}
	return t.lower
}

// FoldsOutsideASCII is FoldsOutsideASCII(t.S), found once per Text (the
// stages of a letter ask about seven times).
func (t *Text) FoldsOutsideASCII() bool {
	if t.fold == 0 {
		t.fold = 1
		if FoldsOutsideASCII(t.S) {
			t.fold = 2
		}
	}
	return t.fold == 2
}

// MatchIn is m.MatchString(t.S[a:b]); its literals are looked for in the
// lowercase copy of t.
func (m *Matcher) MatchIn(t *Text, a, b int) bool {
	s := t.S[a:b]
	if m.begin && !m.empty && (s == "" || !m.first[s[0]]) || m.lastKnown && (s == "" || !m.last[s[len(s)-1]]) {
		return false
	}
	if !m.needInText(t, a, b) {
		return false
	}
	if m.tail > 0 && len(s) > m.tail {
		return m.MatchString(s)
	}
	if m.startRE != nil {
		return m.nextStart(s, 0) != nil
	}
	return m.re.MatchString(s)
}

// maxPrefixTries bounds the anchored attempts of MatchText before it gives
// the whole text to the regexp (a common lead literal).
const maxPrefixTries = 64

// MatchText is re.MatchString(t.S).
func (m *Matcher) MatchText(t *Text) bool {
	s := t.S
	if !m.needInText(t, 0, len(s)) {
		return false
	}
	if m.rest == nil {
		return m.re.MatchString(s)
	}
	hay := s
	if m.lead.fold {
		hay = t.Lower()
	}
	tries := 0
	for off := 0; off < len(hay); {
		i := indexExactAt(hay[off:], m.lead.s, m.lead.anchor())
		if i < 0 {
			return false
		}
		i += off
		off = i + 1
		if !assertsAt(m.asserts, s, i) {
			continue
		}
		if tries++; tries > maxPrefixTries {
			return m.re.MatchString(s)
		}
		end := len(s)
		if m.window > 0 {
			end = min(len(s), i+m.window)
		}
		if m.rest.MatchString(s[i:end]) {
			return true
		}
	}
	return false
}

// FindAllStringSubmatchIndex is re.FindAllStringSubmatchIndex(s, -1).
func (m *Matcher) FindAllStringSubmatchIndex(s string) [][]int {
	if m.startRE != nil && !m.regionOK {
		if !m.mayScan(s) {
			return nil
		}
		return m.startAll(s)
	}
	if !m.MayMatchString(s) {
		return nil
	}
	if !m.regionOK {
		return m.re.FindAllStringSubmatchIndex(s, -1)
	}
	var out [][]int
	n := m.maxLen
	sc := newByteScan(s, m.scanBytes)
	for a := 0; a < len(s); {
		p := m.nextNeed(sc, a, len(s))
		if p < 0 {
			break
		}
		// A match holding the needed byte at q lies in [q-n+1, q+n). The
		// region is the union of those intervals that overlap, so that
		// every match lies in one region; regions are searched alone.
		start, end := max(0, p-n+1), min(len(s), p+n)
		for q := p + 1; q < len(s) && q < end+n-1; q++ {
			if q = m.nextNeed(sc, q, min(len(s), end+n-1)); q < 0 {
				break
			}
			end = min(len(s), q+n)
		}
		for start > 0 && !utf8.RuneStart(s[start]) {
			start--
		}
		for end < len(s) && !utf8.RuneStart(s[end]) {
			end++
		}
		// The region's matches one by one, as FindAll would find them
		// (no assertions: the text before from does not matter), and
		// not past its last needed byte: re.FindAllStringSubmatchIndex
		// would search the rest of the region again after its last match
		// (at the entry dates, 1.6 µs a region, one search 0.5).
		for from := start; from < end; {
			if from > start && m.nextNeed(sc, from, end) < 0 {
				break // a match after from holds a needed byte after from
			}
			loc := m.re.FindStringSubmatchIndex(s[from:end])
			if loc == nil {
				break
			}
			for k := range loc {
				if loc[k] >= 0 {
					loc[k] += from
				}
			}
			out = append(out, loc)
			from = loc[1] // > loc[0]: every match holds a needed byte
		}
		a = end
	}
	return out
}

// needAt reports whether s[p] is a byte every match holds (then a match
// around p is possible).
func (m *Matcher) needAt(s string, p int) bool {
	if m.pair {
		return m.pairA[s[p]] && p+1 < len(s) && m.pairB[s[p+1]]
	}
	return m.region[s[p]]
}

// nextNeed returns the first p in [from, to) where needAt(sc.s, p), or
// -1. With few needed bytes it jumps from one to the next with
// strings.IndexByte (sc), else it tests byte by byte.
func (m *Matcher) nextNeed(sc *byteScan, from, to int) int {
	s := sc.s
	if m.scanBytes == nil {
		for p := from; p < to; p++ {
			if m.needAt(s, p) {
				return p
			}
		}
		return -1
	}
	if m.scanSecond {
		// A byte of pairB at q = p+1, then one of pairA before it.
		for q := from + 1; q <= to; q++ {
			if q = sc.next(q); q < 0 || q > to {
				return -1
			}
			if m.pairA[s[q-1]] {
				return q - 1
			}
		}
		return -1
	}
	for from < to {
		p := sc.next(from)
		if p < 0 || p >= to {
			return -1
		}
		if !m.pair || p+1 < len(s) && m.pairB[s[p+1]] {
			return p
		}
		from = p + 1
	}
	return -1
}

// A byteScan finds the places of a few bytes in s with strings.IndexByte,
// and remembers for each byte the place it found: a search for the next
// place of any of them searches again only for the bytes it has passed.
// (Searching each byte up to the nearest place at every call, a rare byte
// far away was searched for again after each place of a common one: the
// list-marker region scan of the IRO seed, `(?:[:)]|[:)a-z%]\.)...`,
// searched for ")" and ":" again after every ".".)
type byteScan struct {
	s     string
	bytes []byte
	// from[k], at[k]: the first place of bytes[k] at or after from[k]
	// is at[k] (-1: none).
	from, at [maxScanBytes]int
}

func newByteScan(s string, bytes []byte) *byteScan {
	sc := &byteScan{s: s, bytes: bytes}
	for k := range bytes {
		sc.from[k] = len(s) + 1 // nothing searched yet
	}
	return sc
}

// next returns the first place at or after from of one of the bytes, or -1.
func (sc *byteScan) next(from int) int {
	p := -1
	for k, c := range sc.bytes {
		if from < sc.from[k] || sc.at[k] >= 0 && sc.at[k] < from {
			sc.from[k], sc.at[k] = from, indexByteFrom(sc.s, c, from)
		}
		if at := sc.at[k]; at >= 0 && (p < 0 || at < p) {
			p = at
		}
	}
	return p
}

// setWeight is how common the bytes of set are together (byteWeight).
func setWeight(set *[256]bool) int {
	w := 0
	for c := range set {
		if set[c] {
			w += byteWeight(c)
		}
	}
	return w
}

// maxScanBytes bounds the bytes nextNeed looks for one by one.
const maxScanBytes = 3

// fewBytes returns the bytes of set when there are at most n, else nil.
func fewBytes(set *[256]bool, n int) []byte {
	var out []byte
	for c := range set {
		if set[c] {
			if len(out) == n {
				return nil
			}
			out = append(out, byte(c))
		}
	}
	return out
}

// minSetLiterals is the number of literals from which MayMatch tests a
// short text in one pass (litSet.in) rather than by a search of each
// (indexFold jumps with strings.IndexByte: cheaper for one). Callgrind:
// BenchmarkMayMatch, four literals on five sentences, 16,600 instructions
// by searches, 6,900 in one pass each; BenchmarkMayMatchOne 2,100 by the
// search, 4,800 in one pass; BenchmarkExtractText per letter 13.32M with
// searches only, 13.25M from three literals, 13.19M from two, 13.25M from
// one.
const minSetLiterals = 2

// maxNeedWindow bounds the window in which the start scan and MatchAt look
// for the needed literals before they run the regexp (beyond it, the
// search could cost more than the regexp).
const maxNeedWindow = 256

// needIn reports whether s[a:b] holds a literal of each of the needSets
// (true when there are none): false means no match lies in s[a:b].
func (m *Matcher) needIn(s string, a, b int) bool {
	if m.needSets == nil || b-a > maxNeedWindow {
		return true
	}
	w := s[a:b]
	for _, set := range m.needSets {
		if !set.in(w) {
			return false
		}
	}
	return true
}

// A litSet finds, in one pass over a short text, whether it holds one of
// a set of literals: by[c] are the literals that can start with byte c.
// Before it compares them, a place must pass two table tests: first (a
// literal starts with the byte) and, unless a one-byte literal starts
// there, pairs (the bit of pairKey of the place's two bytes, set for the
// first two bytes of each literal). BenchmarkNeedIn (callgrind): 3,800
// instructions for its window of 110 bytes without the tests, 2,400 with.
type litSet struct {
	by    [256][]foldLit
	first [256]bool
	short [256]bool // a one-byte literal starts with the byte
	pairs [16]uint64
}

func newLitSet(ls []foldLit) *litSet {
	set := &litSet{}
	for _, l := range ls {
		c := l.s[0]
		cs := []byte{c}
		if u := upperByte(c); l.fold && u != c {
			cs = append(cs, u)
		}
		for _, c := range cs {
			set.by[c] = append(set.by[c], l)
			set.first[c] = true
			if len(l.s) == 1 {
				set.short[c] = true
			} else {
				// pairKey ignores ASCII case: one bit serves both.
				k := pairKey(c, l.s[1])
				set.pairs[k>>6] |= 1 << (k & 63)
			}
		}
	}
	return set
}

func upperByte(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - 'a' + 'A'
	}
	return c
}

// in reports whether s holds one of the literals.
func (set *litSet) in(s string) bool {
	first := &set.first
	_ = first[0] // one nil check, not one a byte (BenchmarkNeedIn)
	for p := 0; p < len(s); p++ {
		c := s[p]
		if !first[c] {
			continue
		}
		if !set.short[c] {
			if p+1 == len(s) {
				return false // no room for a longer literal
			}
			if k := pairKey(c, s[p+1]); set.pairs[k>>6]&(1<<(k&63)) == 0 {
				continue
			}
		}
		for _, l := range set.by[c] {
			if l.fold && equalFoldAt(s, p, l.s) || !l.fold && strings.HasPrefix(s[p:], l.s) {
				return true
			}
		}
	}
	return false
}

// needPair finds two adjacent one-byte-wide parts of re's top-level
// sequence (captures and nested sequences looked through): every match
// holds a byte of a right before a byte of b. It picks the rarest pair,
// and only one rarer than the needed bytes of single (by byteWeight).
func needPair(re *syntax.Regexp, a, b, single *[256]bool) bool {
	var seq []*syntax.Regexp
	var flat func(re *syntax.Regexp)
	flat = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpCapture:
			flat(re.Sub[0])
		case syntax.OpConcat:
			for _, s := range re.Sub {
				flat(s)
			}
		case syntax.OpLiteral:
			// each rune a part of its own
			for _, r := range re.Rune {
				seq = append(seq, &syntax.Regexp{Op: syntax.OpLiteral, Rune: []rune{r}, Flags: re.Flags})
			}
		default:
			seq = append(seq, re)
		}
	}
	flat(re)
	// byteWeight/650 is roughly a byte's frequency: a pair weighs the
	// product of its parts.
	const scale = 650
	best := setWeight(single) * scale
	found := false
	for k := 0; k+1 < len(seq); k++ {
		var x, y [256]bool
		if !lastASCII(seq[k], &x) || !firstOne(seq[k+1], &y) {
			continue
		}
		if w := setWeight(&x) * setWeight(&y); w < best {
			*a, *b, best, found = x, y, w, true
		}
	}
	return found
}

// lastASCII sets set to the bytes re's matches end with, when re matches
// exactly one ASCII character (or ends with one, for a bounded repeat of
// one).
func lastASCII(re *syntax.Regexp, set *[256]bool) bool {
	switch re.Op {
	case syntax.OpRepeat, syntax.OpPlus:
		if re.Op == syntax.OpRepeat && re.Min < 1 {
			return false
		}
		return lastASCII(re.Sub[0], set)
	case syntax.OpCapture:
		return lastASCII(re.Sub[0], set)
	case syntax.OpLiteral, syntax.OpCharClass:
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !lastASCII(s, set) {
				return false
			}
		}
		return true
	case syntax.OpConcat:
		if len(re.Sub) == 0 {
			return false
		}
		return lastASCII(re.Sub[len(re.Sub)-1], set)
	default:
		return false
	}
	var one [256]bool
	if ok, empty := firstBytes(re, &one); !ok || empty {
		return false
	}
	if re.Op == syntax.OpLiteral && len(re.Rune) != 1 {
		r := re.Rune[len(re.Rune)-1]
		one = [256]bool{}
		addRune(r, re.Flags&syntax.FoldCase != 0, &one)
	}
	for c := 0x80; c < 0x100; c++ {
		if one[c] {
			return false
		}
	}
	for c := range one {
		set[c] = set[c] || one[c]
	}
	return true
}

// firstOne sets set to the first bytes of re's matches, when they are
// never empty and start with one known byte.
func firstOne(re *syntax.Regexp, set *[256]bool) bool {
	ok, empty := firstBytes(re, set)
	return ok && !empty
}

// FindAllStringIndex is re.FindAllStringIndex(s, -1).
func (m *Matcher) FindAllStringIndex(s string) [][]int {
	if !m.regionOK && m.startRE == nil {
		if !m.MayMatchString(s) {
			return nil
		}
		return m.re.FindAllStringIndex(s, -1)
	}
	out := m.FindAllStringSubmatchIndex(s)
	for k := range out {
		out[k] = out[k][:2]
	}
	return out
}

// initPrefix sets up MatchText when the pattern is: zero-width assertions
// at one position, then a literal.
func (m *Matcher) initPrefix(tree *syntax.Regexp) {
	subs, asserts, ok := leadingAsserts(tree)
	if !ok {
		return
	}
	k := len(asserts)
	if k == len(subs) || subs[k].Op != syntax.OpLiteral {
		return
	}
	lead, ok := literalPrefix(subs[k])
	if !ok {
		return
	}
	restTree := &syntax.Regexp{Op: syntax.OpConcat, Sub: subs[k:]}
	rest, err := regexp.Compile(`^(?:` + restSource(m.re.String(), len(asserts), subs[k:]) + `)`)
	if err != nil {
		return
	}
	m.lead, m.asserts, m.rest = lead, asserts, rest
	if n, ok := maxLen(restTree); ok {
		m.window = n + utf8.UTFMax // room for a final \b or $ to look on
		if hasEndText(restTree) {
			m.window = 0
		}
	}
}

// assertsAt checks zero-width assertions at offset i of s as RE2 does.
func assertsAt(ops []syntax.Op, s string, i int) bool {
	for _, op := range ops {
		before, after := i > 0 && isWordByte(s[i-1]), i < len(s) && isWordByte(s[i])
		switch op {
		case syntax.OpWordBoundary:
			if before == after {
				return false
			}
		case syntax.OpNoWordBoundary:
			if before != after {
				return false
			}
		case syntax.OpBeginText:
			if i != 0 {
				return false
			}
		case syntax.OpBeginLine:
			if i != 0 && s[i-1] != '\n' {
				return false
			}
		}
	}
	return true
}

// wordTable marks the bytes of \b's words: ASCII letters, digits and '_'.
var wordTable = func() (t [256]bool) {
	for c := range t {
		t[c] = isWordByte(byte(c))
	}
	return t
}()

func isWordByte(c byte) bool {
	return c == '_' || '0' <= c && c <= '9' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isAssert(op syntax.Op) bool {
	switch op {
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true
	}
	return false
}

func hasAssert(re *syntax.Regexp) bool {
	if isAssert(re.Op) {
		return true
	}
	for _, s := range re.Sub {
		if hasAssert(s) {
			return true
		}
	}
	return false
}

func hasEndText(re *syntax.Regexp) bool {
	if re.Op == syntax.OpEndText || re.Op == syntax.OpEndLine {
		return true
	}
	for _, s := range re.Sub {
		if hasEndText(s) {
			return true
		}
	}
	return false
}

// foldSafe reports whether ASCII letter r folds only to ASCII letters (not
// k, folding to the Kelvin sign, nor s, folding to the long s).
func foldSafe(r rune) bool {
	if r >= utf8.RuneSelf {
		return false
	}
	for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
		if f >= utf8.RuneSelf {
			return false
		}
	}
	return true
}

// literalRuns returns the runs of a literal usable for a byte search: ASCII,
// and under case folding only letters that fold within ASCII; with sk, a
// case-insensitive s or k does not cut a run either (see NeedLiterals).
func literalRuns(re *syntax.Regexp, sk bool) []foldLit {
	fold := re.Flags&syntax.FoldCase != 0
	var out []foldLit
	var b strings.Builder
	flush := func() {
		if b.Len() > 0 {
			out = append(out, foldLit{s: b.String(), fold: fold})
			b.Reset()
		}
	}
	for _, r := range re.Rune {
		switch {
		case r == utf8.RuneError:
			flush() // matches any invalid byte, not its UTF-8 form
		case !fold && r < utf8.RuneSelf:
			b.WriteRune(r)
		case fold && (foldSafe(r) || sk && strings.ContainsRune("sSkK", r)):
			b.WriteRune(unicode.ToLower(r))
		case !fold:
			b.WriteRune(r) // a non-ASCII rune is its UTF-8 bytes
		default:
			flush()
		}
	}
	flush()
	return out
}

// literalPrefix returns the searchable run a literal starts with.
func literalPrefix(re *syntax.Regexp) (foldLit, bool) {
	runs := literalRuns(re, false)
	if len(runs) == 0 || len(re.Rune) == 0 {
		return foldLit{}, false
	}
	first := re.Rune[0]
	if first == utf8.RuneError || re.Flags&syntax.FoldCase != 0 && !foldSafe(first) {
		return foldLit{}, false
	}
	return runs[0], true
}

// index returns the first offset of l in s, or -1.
func (l foldLit) index(s string) int {
	if !l.fold {
		return indexExactAt(s, l.s, l.anchor())
	}
	return indexFoldAt(s, l.s, l.anchor())
}

func (l foldLit) in(s string) bool {
	return l.index(s) >= 0
}

// needInText reports whether t.S[a:b] holds one of the needed literals
// (true when they are unknown); a case-insensitive one is looked for in
// the lowercase copy of t.
func (m *Matcher) needInText(t *Text, a, b int) bool {
	if m.need == nil {
		return true
	}
	for _, l := range m.need {
		hay := t.S
		if l.fold {
			hay = t.Lower()
		}
		if indexExactAt(hay[a:b], l.s, l.anchor()) >= 0 {
			return true
		}
	}
	return false
}

// indexFold returns the first offset of lit (lowercase ASCII) in s, ASCII
// case-insensitively, or -1. It looks for the rarest byte of lit with
// strings.IndexByte (both cases of a letter) and compares the rest where
// it stands.
func indexFold(s, lit string) int { return indexFoldAt(s, lit, anchorByte(lit)) }

// indexFoldAt is indexFold searching for lit[a] (any a gives the same
// result; the rarest byte is fastest).
func indexFoldAt(s, lit string, a int) int {
	if len(lit) == 0 {
		return 0
	}
	lo := lit[a]
	up := lo
	if 'a' <= lo && lo <= 'z' {
		up = lo - 'a' + 'A'
	}
	last := len(s) - len(lit) + a // the last place the anchor may stand
	if lo == up {
		for p := a; p <= last; p++ {
			k := strings.IndexByte(s[p:last+1], lo)
			if k < 0 {
				return -1
			}
			p += k
			if equalFoldAt(s, p-a, lit) {
				return p - a
			}
		}
		return -1
	}
	// Next places of the lowercase and the uppercase anchor (-2: not
	// looked for yet past the current place, -1: none left).
	nl, nu := -2, -2
	for p := a; p <= last; {
		if nl != -1 && nl < p {
			nl = indexByteFrom(s[:last+1], lo, p)
		}
		if nu != -1 && nu < p {
			nu = indexByteFrom(s[:last+1], up, p)
		}
		switch {
		case nl < 0 && nu < 0:
			return -1
		case nu < 0 || nl >= 0 && nl < nu:
			p = nl
		default:
			p = nu
		}
		if equalFoldAt(s, p-a, lit) {
			return p - a
		}
		p++
	}
	return -1
}

// indexByteFrom returns the first offset at or after from of c in s, or -1.
func indexByteFrom(s string, c byte, from int) int {
	if from >= len(s) {
		return -1
	}
	k := strings.IndexByte(s[from:], c)
	if k < 0 {
		return -1
	}
	return from + k
}

// equalFoldAt reports whether s[i:] starts with lit (lowercase ASCII),
// ASCII case-insensitively.
func equalFoldAt(s string, i int, lit string) bool {
	if i < 0 || i+len(lit) > len(s) {
		return false
	}
	for j := 0; j < len(lit); j++ {
		d := s[i+j]
		if 'A' <= d && d <= 'Z' {
			d += 'a' - 'A'
		}
		if d != lit[j] {
			return false
		}
	}
	return true
}

// anchorByte picks the offset of the byte of lit that is likely rarest in
// letter text (byteRank); never a space when there is another byte.
func anchorByte(lit string) int {
	best, bestRank := 0, -1
	for i := 0; i < len(lit); i++ {
		if rank := int(byteRank[lit[i]]); rank > bestRank {
			best, bestRank = i, rank
		}
	}
	return best
}

// byteRank ranks bytes for anchorByte, from common (0, a space) to rare:
// by their place in byteFrequency, and any byte not there rarest.
var byteRank = func() (t [256]uint8) {
	for c := range t {
		t[c] = uint8(len(byteFrequency))
	}
	for i := 0; i < len(byteFrequency); i++ {
		t[byteFrequency[i]] = uint8(i)
	}
	return t
}()

// byteFrequency lists the ASCII bytes of the fixture letters from the most
// to the least common (capitals are common in letters: headings, the XX
// of redacted dates).
const byteFrequency = " eitanorsldhc\npmIEfug.SATwyRCNvOXDbLP/,:MUH1kjx-05FG2V4W6qBY7()3&8K%zQ[]9#>J'+\";"

// minAnchorText is the text length from which indexExact searches for a
// literal's rarest byte; strings.Index compares a short text directly.
const minAnchorText = 64

// indexExact is strings.Index(s, lit). In a longer text it jumps with
// strings.IndexByte to the places of the literal's rarest byte (anchorByte)
// and compares the literal there: strings.Index jumps to its first byte,
// and a common one ("er", ".\"", "dear") stops it every few bytes.
// Callgrind, BenchmarkExtractText (IRO seed): 11.44M -> 11.29M instructions
// per letter with indexExact for the case-sensitive literals and the
// searches of the lowercase copy.
func indexExact(s, lit string) int { return indexExactAt(s, lit, anchorByte(lit)) }

// indexExactAt is indexExact searching for lit[a] (any a gives the same
// result).
func indexExactAt(s, lit string, a int) int {
	if len(lit) < 2 || len(s) < minAnchorText {
		return strings.Index(s, lit)
	}
	c := lit[a]
	last := len(s) - len(lit) + a // the last place the anchor may stand
	for p := a; p <= last; p++ {
		k := strings.IndexByte(s[p:last+1], c)
		if k < 0 {
			return -1
		}
		p += k
		if s[p-a:p-a+len(lit)] == lit {
			return p - a
		}
	}
	return -1
}

func asciiLower(s string) string {
	i := 0
	for i < len(s) && !('A' <= s[i] && s[i] <= 'Z') {
		i++
	}
	if i == len(s) {
		return s
	}
	b := []byte(s)
	// The loop walks a window w of b, two words a step (the compiler
	// loads the constants at every step), and stores every word (a test
	// for capitals cost more than the store): BenchmarkASCIILower
	// (callgrind) 69.5K -> 49.4K instructions for 15 KB.
	w := b[i:]
	for len(w) >= 16 {
		x, y := binary.LittleEndian.Uint64(w), binary.LittleEndian.Uint64(w[8:])
		binary.LittleEndian.PutUint64(w, lowerASCII(x))
		binary.LittleEndian.PutUint64(w[8:], lowerASCII(y))
		w = w[16:]
	}
	if len(w) >= 8 {
		binary.LittleEndian.PutUint64(w, lowerASCII(binary.LittleEndian.Uint64(w)))
		w = w[8:]
	}
	for k, c := range w {
		if 'A' <= c && c <= 'Z' {
			w[k] = c + 'a' - 'A'
		}
	}
	// b is never written again: the string shares it (no second copy).
	return unsafe.String(unsafe.SliceData(b), len(b))
}

// needMore returns, for a sequence, the literal sets of its parts other
// than need (the set needLits chose for re): every match contains one
// literal of each set.
func needMore(re *syntax.Regexp, need []foldLit) [][]foldLit {
	if re.Op != syntax.OpConcat {
		return nil
	}
	var sets [][]foldLit
	for _, sub := range re.Sub {
		l, ok := needLits(sub)
		if !ok || slices.Equal(l, need) {
			continue
		}
		sets = append(sets, l)
	}
	return sets
}

func shortest(ls []foldLit) int {
	n := -1
	for _, l := range ls {
		if n < 0 || len(l.s) < n {
			n = len(l.s)
		}
	}
	return n
}

// firstBytes adds to set the bytes a non-empty match of re can start with.
// ok is false when the set is unknown; empty reports whether re can match
// the empty string.
func firstBytes(re *syntax.Regexp, set *[256]bool) (ok, empty bool) {
	switch re.Op {
	case syntax.OpEmptyMatch:
		return true, true
	case syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return true, true
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return true, true
		}
		addRune(re.Rune[0], re.Flags&syntax.FoldCase != 0, set)
		return true, false
	case syntax.OpCharClass:
		if len(re.Rune) == 0 {
			return true, false // matches nothing
		}
		for k := 0; k+1 < len(re.Rune); k += 2 {
			addRange(re.Rune[k], re.Rune[k+1], set)
		}
		return true, false
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return false, false
	case syntax.OpCapture, syntax.OpPlus:
		return firstBytes(re.Sub[0], set)
	case syntax.OpStar, syntax.OpQuest:
		ok, _ := firstBytes(re.Sub[0], set)
		return ok, true
	case syntax.OpRepeat:
		ok, empty := firstBytes(re.Sub[0], set)
		return ok, empty || re.Min == 0
	case syntax.OpConcat:
		for _, s := range re.Sub {
			ok, empty := firstBytes(s, set)
			if !ok {
				return false, false
			}
			if !empty {
				return true, false
			}
		}
		return true, true
	case syntax.OpAlternate:
		anyEmpty := false
		for _, s := range re.Sub {
			ok, empty := firstBytes(s, set)
			if !ok {
				return false, false
			}
			anyEmpty = anyEmpty || empty
		}
		return true, anyEmpty
	}
	return false, false
}

// addRune adds the first byte of r, and of the runes it folds to.
func addRune(r rune, fold bool, set *[256]bool) {
	addRange(r, r, set)
	if fold {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			addRange(f, f, set)
		}
	}
}

// addRange adds the first bytes of the runes lo..hi. Bytes that are not
// valid UTF-8 match U+FFFD one at a time, so a range holding it allows
// every byte.
func addRange(lo, hi rune, set *[256]bool) {
	if lo <= utf8.RuneError && utf8.RuneError <= hi {
		for c := 0x80; c < 0x100; c++ {
			set[c] = true
		}
	}
	for r := lo; r <= hi && r < utf8.RuneSelf; r++ {
		set[r] = true
	}
	if hi >= utf8.RuneSelf {
		lo = max(lo, utf8.RuneSelf)
		var a, b [utf8.UTFMax]byte
		utf8.EncodeRune(a[:], lo)
		utf8.EncodeRune(b[:], min(hi, unicode.MaxRune))
		for c := int(a[0]); c <= int(b[0]); c++ {
			set[c] = true
		}
	}
}

// maxLen returns the longest match of re in bytes; ok is false when
// unbounded.
func maxLen(re *syntax.Regexp) (n int, ok bool) { return maxLenBy(re, nil) }

// maxLenBy is maxLen, except that an unbounded repetition of a
// sub-expression that free accepts counts nothing (nil: none does).
func maxLenBy(re *syntax.Regexp, free func(*syntax.Regexp) bool) (n int, ok bool) {
	switch re.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0, true
	case syntax.OpLiteral:
		for _, r := range re.Rune {
			w := runeLen(r)
			if re.Flags&syntax.FoldCase != 0 {
				for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
					w = max(w, runeLen(f))
				}
			}
			n += w
		}
		return n, true
	case syntax.OpCharClass:
		// The UTF-8 length of the class's highest rune (the ranges are
		// sorted): an ASCII class matches one byte, a shorter window and
		// region than utf8.UTFMax. An invalid byte, matched as U+FFFD, is
		// one byte.
		if k := len(re.Rune); k > 0 {
			return runeLen(re.Rune[k-1]), true
		}
		return 0, true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax, true
	case syntax.OpCapture, syntax.OpQuest:
		return maxLenBy(re.Sub[0], free)
	case syntax.OpStar, syntax.OpPlus:
		return 0, free != nil && free(re.Sub[0])
	case syntax.OpRepeat:
		if re.Max < 0 {
			return 0, free != nil && free(re.Sub[0])
		}
		n, ok := maxLenBy(re.Sub[0], free)
		return n * re.Max, ok
	case syntax.OpConcat:
		for _, s := range re.Sub {
			k, ok := maxLenBy(s, free)
			if !ok {
				return 0, false
			}
			n += k
		}
		return n, true
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			k, ok := maxLenBy(s, free)
			if !ok {
				return 0, false
			}
			n = max(n, k)
		}
		return n, true
	}
	return 0, false
}

func runeLen(r rune) int {
	if n := utf8.RuneLen(r); n > 0 {
		return n
	}
	return utf8.UTFMax
}

// byteWeight guesses how common a byte is in letter text (lower is rarer).
func byteWeight(c int) int {
	switch {
	case c == ' ' || c == '\n':
		return 100
	case c == '.':
		return 4 // common punctuation in letters
	case c == ',' || c == '/' || c == '-':
		return 3
	case 'a' <= c && c <= 'z':
		return 30
	case 'A' <= c && c <= 'Z', '0' <= c && c <= '9':
		return 5
	}
	return 1
}

// needBytes sets set to bytes one of which every match contains, choosing
// the rarest candidate; false when unknown.
func needBytes(re *syntax.Regexp, set *[256]bool) bool {
	var best [256]bool
	bestW := -1
	var walk func(re *syntax.Regexp)
	consider := func(s *[256]bool) {
		if w := setWeight(s); w > 0 && (bestW < 0 || w < bestW) {
			best, bestW = *s, w
		}
	}
	walk = func(re *syntax.Regexp) {
		switch re.Op {
		case syntax.OpLiteral:
			for _, r := range re.Rune {
				var s [256]bool
				addRune(r, re.Flags&syntax.FoldCase != 0, &s)
				consider(&s)
			}
		case syntax.OpCharClass:
			var s [256]bool
			for k := 0; k+1 < len(re.Rune); k += 2 {
				addRange(re.Rune[k], re.Rune[k+1], &s)
			}
			consider(&s)
		case syntax.OpCapture, syntax.OpPlus:
			walk(re.Sub[0])
		case syntax.OpRepeat:
			if re.Min >= 1 {
				walk(re.Sub[0])
			}
		case syntax.OpConcat:
			for _, s := range re.Sub {
				walk(s)
			}
		case syntax.OpAlternate:
			// every branch must supply a set: their union
			var u [256]bool
			for _, s := range re.Sub {
				var b [256]bool
				if !needBytes(s, &b) {
					return
				}
				for c := range b {
					u[c] = u[c] || b[c]
				}
			}
			consider(&u)
		}
	}
	walk(re)
	if bestW < 0 {
		return false
	}
	*set = best
	return true
}
