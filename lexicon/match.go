package lexicon

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
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
	empty   bool
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
	return &Matcher{trie: newAutomaton(b.patterns), entries: b.entries}
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

// An offsetMap maps offsets of folded text back to the source: a folded
// offset at or after at[k] is shifted by shift[k] (the bytes dropped
// before it).
type offsetMap struct {
	at, shift []int
}

func (m *offsetMap) src(fi int) int {
	k := sort.SearchInts(m.at, fi+1) // last at <= fi
	if k == 0 {
		return fi
	}
	return fi + m.shift[k-1]
}

// foldInto writes text lower-cased (ASCII) with every white-space run
// replaced by one space into out (len(out) == len(text)), and appends the
// map of folded offsets back to text to om.
func foldInto(out []byte, om offsetMap, text string) ([]byte, offsetMap) {
	n := 0
	prev := byte(0)
	for i := 0; i < len(text); i++ {
		c := foldTable[text[i]]
		if c == ' ' && prev == ' ' {
			// Drop the rest of the white-space run; the next byte kept
			// moves back by what was dropped.
			j := i + 1
			for j < len(text) && foldTable[text[j]] == ' ' {
				j++
			}
			om.at = append(om.at, n)
			om.shift = append(om.shift, j-n)
			i = j - 1
			prev = ' '
			continue
		}
		out[n] = c
		n++
		prev = c
	}
	return out[:n], om
}

// Match returns the non-overlapping mentions in text, leftmost-longest, in
// text order. Offsets are byte offsets into text.
func (m *Matcher) Match(text string) []Match { return m.match(text, nil) }

func (m *Matcher) match(text string, keep func(code string) bool) []Match {
	return m.matchAppend(nil, text, keep)
}

// matchAppend is match appending the mentions to dst (nil when dst is nil
// and there are none).
func (m *Matcher) matchAppend(dst []Match, text string, keep func(code string) bool) []Match {
	if m == nil || m.empty || text == "" {
		return dst
	}
	sc := matchScratchPool.Get().(*matchScratch)
	defer matchScratchPool.Put(sc)
	folded, om := sc.fold(text)
	cands := sc.cands[:0]
	m.trie.walk(folded, func(end, n, pattern int) {
		fs, fe := end-n+1, end+1
		// A folded byte that is an ASCII letter or digit is the same
		// byte of text, right before the match (a dropped white-space
		// run leaves a space in folded): a match that starts or ends
		// inside an ASCII word is cut off without mapping its offsets.
		if fs > 0 && isASCIIWord(folded[fs-1]) && isASCIIWord(folded[fs]) ||
			fe < len(folded) && isASCIIWord(folded[fe]) && isASCIIWord(folded[fe-1]) {
			return
		}
		start, stop := om.src(fs), om.src(fe-1)+1
		if !boundaryBefore(text, start) || !boundaryAfter(text, stop) {
			return
		}
		for _, e := range m.entries[pattern] {
			if keep != nil && !keep(e.code) {
				continue
			}
			if e.kind == Abbreviation && !sameWords(text[start:stop], e.term) {
				continue
			}
			cands = append(cands, Match{Code: e.code, Term: e.term, Kind: e.kind, Start: start, End: stop})
			break
		}
		return
	})
	slices.SortStableFunc(cands, func(a, b Match) int {
		if a.Start != b.Start {
			return cmp.Compare(a.Start, b.Start)
		}
		return cmp.Compare(b.End, a.End)
	})
	sc.cands = cands[:0] // keep the grown buffer
	n := 0
	last := -1
	for _, c := range cands {
		if c.Start < last {
			continue
		}
		cands[n] = c
		n++
		last = c.End
	}
	if n == 0 {
		return dst
	}
	if dst == nil {
		dst = make([]Match, 0, n)
	}
	dst = append(dst, cands[:n]...)
	clear(cands) // drop the strings the pooled buffer points to
	return dst
}

// matchScratch holds the buffers of one match call, reused through
// matchScratchPool: the folded text, its offset map and the candidates.
type matchScratch struct {
	buf       []byte
	at, shift []int
	cands     []Match
}

var matchScratchPool = sync.Pool{New: func() any { return new(matchScratch) }}

// fold folds text (foldInto) into the scratch buffers; the results are valid until
// sc goes back to the pool.
func (sc *matchScratch) fold(text string) ([]byte, offsetMap) {
	if cap(sc.buf) < len(text) {
		sc.buf = make([]byte, len(text))
	}
	folded, om := foldInto(sc.buf[:len(text)], offsetMap{at: sc.at[:0], shift: sc.shift[:0]}, text)
	sc.at, sc.shift = om.at, om.shift
	return folded, om
}

// sameWords compares s (from the text) with an abbreviation exactly, except
// that any white-space run in s equals one space.
func sameWords(s, abbr string) bool {
	return strings.Join(strings.Fields(s), " ") == abbr
}

// isASCIIWord reports whether b is an ASCII letter or digit.
func isASCIIWord(b byte) bool {
	return 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// isWordRune reports whether r continues a token: letters and digits.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

func boundaryBefore(text string, i int) bool {
	if i <= 0 {
		return true
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	first, _ := utf8.DecodeRuneInString(text[i:])
	return !(isWordRune(r) && isWordRune(first))
}

func boundaryAfter(text string, i int) bool {
	if i >= len(text) {
		return true
	}
	r, _ := utf8.DecodeRuneInString(text[i:])
	last, _ := utf8.DecodeLastRuneInString(text[:i])
	return !(isWordRune(r) && isWordRune(last))
}
