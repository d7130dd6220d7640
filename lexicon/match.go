package lexicon

import (
	"fmt"
	"slices"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

// TermKind says how a term is written and matched.
type TermKind int

// Term kinds.
const (
	Synonym TermKind = iota
	Abbreviation
	Misspelling
)

func (k TermKind) String() string {
	switch k {
	case Abbreviation:
		return "abbreviation"
	case Misspelling:
		return "misspelling"
	}
	return "synonym"
}

// A Match is one mention of a concept.
type Match struct {
	// Code is the concept code.
	Code string
	// Term is the lexicon term that matched (as written in the lexicon).
	Term string
	// Kind is the kind of the term.
	Kind TermKind
	// Start and End are byte offsets into the matched text.
	Start, End int
}

type entry struct {
	code string
	term string // as written in the lexicon
	kind TermKind
}

// A Matcher finds lexicon terms in text. It is safe for concurrent use.
type Matcher struct {
	trie    *automaton
	entries [][]entry // by pattern number
	// entryBase is, by pattern number, the entry id of the pattern's
	// first entry: entry i of pattern p has id entryBase[p]+i (matchIDs).
	entryBase []int32
	// spaces are, by pattern number, the offsets of the pattern's spaces
	// (nil for most): only they can stand for white-space runs of the
	// text, so only they can make a match longer than its folded length.
	spaces [][]int
	empty  bool
}

type matcherBuilder struct {
	index    map[string]int // folded pattern -> pattern number
	patterns []string
	entries  [][]entry
}

func newMatcherBuilder() *matcherBuilder {
	return &matcherBuilder{index: map[string]int{}}
}

// normTerm folds a lexicon term the way text is folded: ASCII lower case,
// white space runs as one space, trimmed.
func normTerm(t string) string {
	return strings.Join(strings.Fields(asciiLower(t)), " ")
}

func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if 'A' <= c && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

func (b *matcherBuilder) add(code, term string, kind TermKind) error {
	p := normTerm(term)
	if p == "" {
		return fmt.Errorf("empty %s", kind)
	}
	if kind == Abbreviation {
		term = strings.Join(strings.Fields(term), " ")
	}
	i, ok := b.index[p]
	if !ok {
		i = len(b.patterns)
		b.index[p] = i
		b.patterns = append(b.patterns, p)
		b.entries = append(b.entries, nil)
	}
	for _, e := range b.entries[i] {
		// Two case-insensitive terms with the same folded form, or two
		// abbreviations written the same, can never be told apart; nor can
		// an abbreviation and a case-insensitive term of different concepts.
		eAbbr, abbr := e.kind == Abbreviation, kind == Abbreviation
		conflict := !eAbbr && !abbr ||
			eAbbr && abbr && e.term == term ||
			eAbbr != abbr && e.code != code
		if conflict {
			return fmt.Errorf("%s %q duplicates %s %q of %s", kind, term, e.kind, e.term, e.code)
		}
	}
	b.entries[i] = append(b.entries[i], entry{code: code, term: term, kind: kind})
	return nil
}

// A Term is one pattern of a standalone Matcher.
type Term struct {
	Code string
	Text string
	Kind TermKind
}

// NewMatcher builds a Matcher over terms (for term lists that are not
// lexicon concepts, such as specialties or state names). Errors name the
// offending term.
func NewMatcher(terms []Term) (*Matcher, error) {
	b := newMatcherBuilder()
	for _, t := range terms {
		if err := b.add(t.Code, t.Text, t.Kind); err != nil {
			return nil, fmt.Errorf("%s: %v", t.Code, err)
		}
	}
	return b.build(), nil
}

func (b *matcherBuilder) build() *Matcher {
	if len(b.patterns) == 0 {
		return &Matcher{empty: true}
	}
	spaces := make([][]int, len(b.patterns))
	for i, p := range b.patterns {
		for j := 0; j < len(p); j++ {
			if p[j] == ' ' {
				spaces[i] = append(spaces[i], j)
			}
		}
	}
	base := make([]int32, len(b.entries))
	n := 0
	for i, es := range b.entries {
		base[i] = int32(n)
		n += len(es)
	}
	a := newFoldingAutomaton(b.patterns)
	a.wordEnds = true // matchWith's check, made before reporting
	return &Matcher{trie: a, entries: b.entries, entryBase: base, spaces: spaces}
}

// foldTable maps a byte to its folded form: ASCII lower case, white space
// to ' '.
var foldTable = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			c = ' '
		}
		t[i] = c
	}
	return t
}()

// foldedStart is where in text an occurrence of a folding automaton ends
// at byte end (inclusive) and n folded bytes long starts: a white-space
// run is one folded byte, its first one.
func foldedStart[T ~string | ~[]byte](text T, end, n int) int {
	i := end + 1
	for ; n > 0 && i > 0; n-- {
		i--
		if foldTable[text[i]] == ' ' {
			for i > 0 && foldTable[text[i-1]] == ' ' {
				i--
			}
		}
	}
	return i
}

// matchStart is foldedStart for a pattern with spaces at offsets spaces,
// without its walk back over every byte (which cost the tagger about
// 80,000 instructions per letter): a pattern without a space matched n
// bytes of text, one with spaces too if each of its white-space runs in
// the text is one byte long. The text after the pattern's last space is
// its last bytes; the byte before it is the run, one byte long when the
// byte before that is no white space; and so on to the left.
func matchStart(text string, end, n int, spaces []int) int {
	start := end + 1 - n
	for _, k := range spaces {
		if foldTable[text[start+k-1]] == ' ' { // a longer run
			return foldedStart(text, end, n)
		}
	}
	return start
}

// Match returns the non-overlapping mentions in text, leftmost-longest, in
// text order. Offsets are byte offsets into text.
func (m *Matcher) Match(text string) []Match { return m.match(text, nil) }

func (m *Matcher) match(text string, keep func(code string) bool) []Match {
	return m.matchIDs(nil, nil, text, keep)
}

// matchIDs is match appending the mentions to dst (nil when dst is nil
// and there are none) and, when ids is not nil, the entry id of each to
// *ids (see entryBase): the tagger looks up what a match is to it by id
// rather than by its code in a map.
func (m *Matcher) matchIDs(dst []Match, ids *[]int32, text string, keep func(code string) bool) []Match {
	if m == nil || m.empty || text == "" {
		return dst
	}
	sc := matchScratchPool.Get().(*matchScratch)
	defer matchScratchPool.Put(sc)
	return m.matchWith(sc, dst, ids, text, keep)
}

// matchWith is matchIDs with the buffers of sc (the tagger's, for its
// calls per sentence, rather than the pool's).
func (m *Matcher) matchWith(sc *matchScratch, dst []Match, ids *[]int32, text string, keep func(code string) bool) []Match {
	if m == nil || m.empty || text == "" {
		return dst
	}
	cands := sc.cands[:0]
	// The automaton walks text as if folded: ASCII lower case, every
	// white-space run as one space.
	walk(m.trie, text, func(end, n, pattern int) {
		cands = m.candidate(cands, text, end, n, pattern, keep)
	})
	sc.cands = cands[:0] // keep the grown buffer
	return m.choose(dst, ids, cands)
}

// matchBatch is matchWith (no ids, no keep) of each range of text, the
// ranges walked together (walkBatch): the matches of ranges[r], with
// offsets relative to its start, are dst[bounds[r]:bounds[r+1]].
func (m *Matcher) matchBatch(sc *matchScratch, dst []Match, bounds []int, text string, ranges []span) ([]Match, []int) {
	bounds = append(bounds[:0], len(dst))
	if m == nil || m.empty {
		for range ranges {
			bounds = append(bounds, len(dst))
		}
		return dst, bounds
	}
	cands := sc.cands[:0]
	done := 0 // the ranges before done are in dst
	finish := func(upto int) {
		for ; done < upto; done++ {
			dst = m.choose(dst, nil, cands)
			cands = cands[:0]
			bounds = append(bounds, len(dst))
		}
	}
	walkBatch(m.trie, text, ranges, &sc.batch, func(r, end, n, pattern int) {
		finish(r) // walkBatch reports range by range
		rg := ranges[r]
		cands = m.candidate(cands, text[rg.start:rg.end], end, n, pattern, nil)
	})
	finish(len(ranges))
	sc.cands = cands[:0]
	return dst, bounds
}

// candidate appends to cands the occurrence of pattern in text ending at
// byte end, n folded bytes long, when it passes the word boundary checks
// and an entry of it is kept.
func (m *Matcher) candidate(cands []matchCand, text string, end, n, pattern int, keep func(code string) bool) []matchCand {
	// A match that ends inside an ASCII word was cut off by the walk
	// (trie.wordEnds); one that starts inside one is here.
	stop := end + 1
	start := matchStart(text, end, n, m.spaces[pattern])
	if start > 0 && isASCIIWord(text[start-1]) && isASCIIWord(text[start]) {
		return cands
	}
	// Those two checks are wordBoundary's for ASCII bytes; a non-ASCII
	// byte at an edge takes the rune checks.
	if start > 0 && (text[start-1] >= utf8.RuneSelf || text[start] >= utf8.RuneSelf) && !wordBoundary(text, start) ||
		stop < len(text) && (text[stop-1] >= utf8.RuneSelf || text[stop] >= utf8.RuneSelf) && !wordBoundary(text, stop) {
		return cands
	}
	for i, e := range m.entries[pattern] {
		if keep != nil && !keep(e.code) {
			continue
		}
		if e.kind == Abbreviation && !sameWords(text[start:stop], e.term) {
			continue
		}
		return append(cands, matchCand{start: start, end: stop, pattern: int32(pattern), entry: int32(i)})
	}
	return cands
}

// choose appends to dst the leftmost-longest of cands (occurrences in the
// order of their ends, reordered in place), and their entry ids to *ids
// when ids is not nil.
func (m *Matcher) choose(dst []Match, ids *[]int32, cands []matchCand) []Match {
	// Leftmost-longest: by start, then the longest first. The walk finds
	// them in the order of their ends, nearly sorted, so an insertion sort
	// (stable) moves few.
	for i := 1; i < len(cands); i++ {
		c := cands[i]
		j := i
		for ; j > 0 && (cands[j-1].start > c.start || cands[j-1].start == c.start && cands[j-1].end < c.end); j-- {
			cands[j] = cands[j-1]
		}
		cands[j] = c
	}
	n, last := 0, -1
	for _, c := range cands {
		if c.start >= last {
			n++
			last = c.end
		}
	}
	if n == 0 {
		return dst
	}
	dst = slices.Grow(dst, n)
	last = -1
	for _, c := range cands {
		if c.start < last {
			continue
		}
		last = c.end
		e := &m.entries[c.pattern][c.entry]
		dst = append(dst, Match{Code: e.code, Term: e.term, Kind: e.kind, Start: c.start, End: c.end})
		if ids != nil {
			*ids = append(*ids, m.entryBase[c.pattern]+c.entry)
		}
	}
	return dst
}

// A matchCand is an occurrence that passed the boundary checks: the entry
// of a pattern over text[start:end].
type matchCand struct {
	start, end     int
	pattern, entry int32
}

// matchScratch holds the candidates of one match call, reused through
// matchScratchPool.
type matchScratch struct {
	cands []matchCand
	batch batchScratch // matchBatch's
}

var matchScratchPool = sync.Pool{New: func() any { return new(matchScratch) }}

// sameWords compares s (from the text) with an abbreviation exactly, except
// that any white-space run in s equals one space.
func sameWords(s, abbr string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return strings.Join(strings.Fields(s), " ") == abbr
		}
	}
	// ASCII: strings.Fields splits at the ASCII white space of foldTable.
	j := 0
	for i := 0; i < len(s); {
		if foldTable[s[i]] == ' ' {
			for i < len(s) && foldTable[s[i]] == ' ' {
				i++
			}
			if j > 0 && i < len(s) { // inside: one space; trimmed at the ends
				if j >= len(abbr) || abbr[j] != ' ' {
					return false
				}
				j++
			}
			continue
		}
		if j >= len(abbr) || abbr[j] != s[i] {
			return false
		}
		i++
		j++
	}
	return j == len(abbr)
}

// isASCIIWord reports whether b is an ASCII letter or digit.
func isASCIIWord(b byte) bool { return asciiWord[b] }

// asciiWord is isASCIIWord by byte: one load instead of six comparisons,
// for the matcher's word checks of every occurrence.
var asciiWord = func() (t [256]bool) {
	for b := range t {
		t[b] = 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
	}
	return t
}()

// isWordRune reports whether r continues a token: letters and digits.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

// wordBoundary reports whether offset i of text is no place inside a
// word: the runes on either side of it are not both letters or digits
// (the start and the end of text are boundaries).
func wordBoundary(text string, i int) bool {
	if i <= 0 || i >= len(text) {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	first, _ := utf8.DecodeRuneInString(text[i:])
	return !(isWordRune(r) && isWordRune(first))
}
