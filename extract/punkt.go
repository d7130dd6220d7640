package extract

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/jdkato/prose/v3/segment"
	"gopkg.in/neurosnap/sentences.v1"
	"gopkg.in/neurosnap/sentences.v1/data"
)

// punktModel is prose's Punkt segmenter with its English model, and what
// lets us skip the model where its answer is known without it.
//
// Punkt looks only at whitespace-separated words holding . ? or !, each
// with the word after it. A word such as "pain.", "Injection." or
// "right>left." (see plain) ends a sentence unless the model lists it
// (lowercased, without the period) as an abbreviation or as the first word
// of a collocation, or the next word is a lone "." (an ellipsis); a word
// such as "1.5" never does (see never). The decision of one word depends
// only on the punctuated words right after it, never on those before, so
// a run of punctuated words with the word that follows it (a group) is
// decided alone. starts decides the groups made only of such words itself
// and gives the others (list numbers "1.", "e.g.", URLs, abbreviations),
// concatenated, to the model: the result is what Segment gives on the
// whole text (TestPunktStartsAgreeWithModel, TestPunktStartsRandom), and
// the model reads about one punctuated word in twenty on letters.
type punktModel struct {
	seg *segment.Segmenter
	// risky holds the words whose period the model may read otherwise:
	// its abbreviations and the first words of its collocations.
	risky map[string]bool
}

// proseAbbrevs are the abbreviations prose adds to the English model
// (prose/v3/segment supervisedAbbrevs); the model we build is the one
// segment.New builds.
var proseAbbrevs = []string{"sgt", "gov", "no", "mt"}

var loadPunktModel = sync.OnceValues(func() (*punktModel, error) {
	b, err := data.Asset("data/english.json")
	if err != nil {
		return nil, err
	}
	st, err := sentences.LoadTraining(b)
	if err != nil {
		return nil, err
	}
	for _, a := range proseAbbrevs {
		st.AbbrevTypes.Add(a)
	}
	m := &punktModel{seg: segment.WithTraining(st), risky: map[string]bool{}}
	for w := range st.AbbrevTypes {
		m.risky[w] = true
	}
	for c := range st.Collocations {
		m.risky[c[:max(0, strings.IndexByte(c, ','))]] = true
	}
	return m, nil
})

// A punktWord is a whitespace-separated word of a chunk (a run of runes
// that are not unicode.IsSpace), as Punkt's word tokenizer cuts them.
type punktWord struct {
	start, end int
	never      bool // never(the word), set by starts
}

// A punktRun is a run of words holding . ? or ! (punct), with the word
// after it (next; start -1: none) and whether another word follows that
// one (more). Punkt decides each run alone (see punktModel).
type punktRun struct {
	punct []punktWord
	next  punktWord
	more  bool
}

// punktScan finds the runs of a chunk. It reads only the punctuated words
// and the words after them, jumping from one . ? or ! to the next with
// strings.IndexByte: on letters about a fifth of the bytes (reading every
// word of every chunk was about 270,000 instructions of the IRO seed).
type punktScan struct {
	chunk string
	pos   int    // where the next run is looked for
	next  [3]int // per byte of punctBytes: its next place at or after pos (-1: none)
}

const punctBytes = ".?!"

func newPunktScan(chunk string) punktScan {
	sc := punktScan{chunk: chunk}
	for k := range sc.next {
		sc.next[k] = strings.IndexByte(chunk, punctBytes[k])
	}
	return sc
}

// nextPunct returns the first place at or after sc.pos holding . ? or !,
// or -1.
func (sc *punktScan) nextPunct() int {
	p := -1
	for k := range sc.next {
		q := sc.next[k]
		if q >= 0 && q < sc.pos {
			if q = strings.IndexByte(sc.chunk[sc.pos:], punctBytes[k]); q >= 0 {
				q += sc.pos
			}
			sc.next[k] = q
		}
		if q >= 0 && (p < 0 || q < p) {
			p = q
		}
	}
	return p
}

// run fills r with the next run and reports whether there was one; r's
// punct slice is reused.
func (sc *punktScan) run(r *punktRun) bool {
	p := sc.nextPunct()
	if p < 0 {
		return false
	}
	c := sc.chunk
	start := p
	for start > 0 {
		if b := c[start-1]; b < utf8.RuneSelf {
			if punktClass[b] == punktSpace {
				break
			}
			start--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(c[:start])
		if isSpaceRune(r) {
			break
		}
		start -= size
	}
	end, _ := wordEnd(c, p)
	r.punct = append(r.punct[:0], punktWord{start: start, end: end})
	r.next, r.more = punktWord{start: -1, end: -1}, false
	for {
		ns := skipSpace(c, end)
		if ns == len(c) {
			break
		}
		ne, punct := wordEnd(c, ns)
		if punct {
			r.punct = append(r.punct, punktWord{start: ns, end: ne})
			end = ne
			continue
		}
		r.next = punktWord{start: ns, end: ne}
		r.more = skipSpace(c, ne) < len(c)
		end = ne
		break
	}
	sc.pos = end
	return true
}

// wordEnd returns the end of the word holding or starting at i (the next
// white space or the chunk end), and whether the word holds . ? or ! from
// i on.
func wordEnd(c string, i int) (end int, punct bool) {
	for i < len(c) {
		b := c[i]
		if b < utf8.RuneSelf {
			switch punktClass[b] {
			case punktSpace:
				return i, punct
			case punktPunct:
				punct = true
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(c[i:])
		if isSpaceRune(r) {
			return i, punct
		}
		i += size
	}
	return i, punct
}

// skipSpace returns the first place at or after i that is not white space.
func skipSpace(c string, i int) int {
	for i < len(c) {
		b := c[i]
		if b < utf8.RuneSelf {
			if punktClass[b] != punktSpace {
				return i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(c[i:])
		if !isSpaceRune(r) {
			return i
		}
		i += size
	}
	return i
}

// isSpaceRune is unicode.IsSpace (a word ends there).
func isSpaceRune(r rune) bool {
	if r < utf8.RuneSelf {
		return asciiSpace[r]
	}
	return unicode.IsSpace(r)
}

// Classes of ASCII bytes for the word scan: white space (unicode.IsSpace),
// . ? and !, and the other bytes (control characters included).
const (
	punktOther = iota
	punktSpace
	punktPunct
)

var punktClass = func() (t [utf8.RuneSelf]uint8) {
	for c := range t {
		switch {
		case unicode.IsSpace(rune(c)):
			t[c] = punktSpace
		case c == '.' || c == '?' || c == '!':
			t[c] = punktPunct
		}
	}
	return t
}()

// plain reports whether w always ends a sentence when a word other than
// "." follows it: ASCII, at least two bytes and a final period, no other
// . ? or !, its model word type (punktType) not a number, and neither that
// type nor w lowercased without its period nor the last hyphen-separated
// part of that is risky.
func (m *punktModel) plain(w string) bool {
	n := len(w) - 1
	if n < 2 || w[n] != '.' || n > 32 {
		return false
	}
	var buf [32]byte
	hyphen := -1
	typed := false // holds a digit or a comma: the word type differs
	for i := 0; i < n; i++ {
		c := w[i]
		switch plainClass[c] {
		case plainUpper:
			c += 'a' - 'A'
		case plainNo:
			return false
		case plainTyped:
			typed = true
		case plainHyphen:
			hyphen = i
		}
		buf[i] = c
	}
	if m.risky[string(buf[:n])] || hyphen >= 0 && m.risky[string(buf[hyphen+1:n])] {
		return false
	}
	if !typed {
		return true // the word type is buf[:n]
	}
	typ, ok := punktType(w)
	return ok && typ != "##number##" && !m.risky[typ]
}

// Classes of bytes for plain (a table: the comparisons cost twice as
// much): copied as is, A-Z (lowercased), not in a plain word (outside
// ASCII, . ? !), digits and commas (the word type differs), the hyphen.
const (
	plainCopy = iota
	plainUpper
	plainNo
	plainTyped
	plainHyphen
)

var plainClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case 'A' <= c && c <= 'Z':
			t[c] = plainUpper
		case c >= utf8.RuneSelf, c == '.', c == '?', c == '!':
			t[c] = plainNo
		case '0' <= c && c <= '9', c == ',':
			t[c] = plainTyped
		case c == '-':
			t[c] = plainHyphen
		}
	}
	return t
}()

// punktType is the model's word type of a word with a final period
// (DefaultWordTokenizer.TypeNoPeriod): lowercased, a final number replaced
// by ##number##, commas dropped, the final period dropped. ok is false for
// a one-byte type (kept as is by the model).
func punktType(w string) (string, bool) {
	typ := strings.ToLower(w)
	if p := numericSuffix(typ); p >= 0 {
		typ = typ[:p] + "##number##"
	}
	if len(typ) == 1 {
		return "", false
	}
	typ = strings.ReplaceAll(typ, ",", "")
	if len(typ) > 1 && typ[len(typ)-1] == '.' {
		typ = typ[:len(typ)-1]
	}
	return typ, true
}

// numericSuffix returns where the match of the model's number pattern
// (sentences.v1 token.go reNumeric, `-?[\.,]?\d[\d,\.-]*\.?$`) starts in
// s, or -1. Every byte of a match is a digit or one of , . -, so the match
// lies in the longest suffix of such bytes, and starts at its first place
// where an optional "-", then an optional "." or ",", are followed by a
// digit (TestNumericSuffixAgreesWithRegexp).
func numericSuffix(s string) int {
	q := len(s)
	for q > 0 && (isDigitByte(s[q-1]) || s[q-1] == ',' || s[q-1] == '.' || s[q-1] == '-') {
		q--
	}
	for p := q; p < len(s); p++ {
		k := p
		if s[k] == '-' {
			k++
		}
		if k < len(s) && (s[k] == '.' || s[k] == ',') {
			k++
		}
		if k < len(s) && isDigitByte(s[k]) {
			return p
		}
	}
	return -1
}

// never reports whether w never ends a sentence whatever follows it:
// ASCII, no ? or !, at least one period, each between two letters or
// digits ("1.5", "7.3mg", "www.odg-twc.com/hip.htm#SI"), and no two
// periods with only letters, digits or underscores between them ("a.b.c"
// holds an abbreviation for prose: its pattern ((?:[\w]\.)+[\w]*\.)).
// Such a word is no sentence break for the model's first pass (no final
// period, none of the enders "?" "." + quote or bracket) nor for its
// second (which looks only at words with a final period or an
// abbreviation).
func never(w string) bool {
	dot := -1
	wordOnly := false // only \w bytes since the last period
	for i := 0; i < len(w); i++ {
		switch c := w[i]; {
		case c >= utf8.RuneSelf, c == '?', c == '!':
			return false
		case c == '.':
			if i == 0 || i+1 == len(w) || !isAlnumByte(w[i-1]) || !isAlnumByte(w[i+1]) || dot >= 0 && wordOnly {
				return false
			}
			dot, wordOnly = i, true
		case !isAlnumByte(c) && c != '_':
			wordOnly = false
		}
	}
	return dot >= 0
}

func isAlnumByte(c byte) bool {
	return isDigitByte(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isDigitByte(c byte) bool { return '0' <= c && c <= '9' }

var punktWordsPool = sync.Pool{New: func() any { return new([]punktWord) }}

// starts appends to out the offsets in chunk where the sentences of
// seg.Segment(chunk) start. With leadVetoed, the caller drops a break
// right after the chunk's first word: starts may leave it out (and does,
// not asking the model about that word).
func (m *punktModel) starts(chunk string, out []int, leadVetoed bool) []int {
	first := skipSpace(chunk, 0)
	if first == len(chunk) {
		return out
	}
	out0 := len(out)
	out = append(out, first)
	// The runs for the model, concatenated with a space after each (the
	// run that ends the chunk is copied to its end, trailing space and
	// all, as the model would see it). A run goes from its first word we
	// cannot decide: the decision on a word depends on the words after
	// it only (but see "." below).
	var batch strings.Builder
	var batchAt, chunkAt []int // run starts in batch and in chunk
	sc := newPunktScan(chunk)
	wp := punktWordsPool.Get().(*[]punktWord) // r.punct's array
	r := punktRun{punct: (*wp)[:0]}
	for sc.run(&r) {
		// The words before u are decided here.
		u := 0
		for ; u < len(r.punct); u++ {
			w := &r.punct[u]
			word := chunk[w.start:w.end]
			w.never = never(word) || leadVetoed && w.start == first
			if !w.never && !m.plain(word) {
				break
			}
		}
		if u < len(r.punct) && chunk[r.punct[u].start:r.punct[u].end] == "." {
			// A lone "." is the model's one word decided with the word
			// before it ("pain. ." is an ellipsis): the whole run goes.
			u = 0
		}
		for k, w := range r.punct[:u] {
			after := r.next.start // the word after w
			if k+1 < len(r.punct) {
				after = r.punct[k+1].start
			}
			if after >= 0 && !w.never {
				out = append(out, after)
			}
		}
		if u == len(r.punct) {
			continue
		}
		start := r.punct[u].start
		batchAt, chunkAt = append(batchAt, batch.Len()), append(chunkAt, start)
		if r.more {
			batch.WriteString(chunk[start:r.next.end])
			batch.WriteByte(' ')
		} else {
			// The run ends the chunk: copied as is, since the
			// model's tokenizer drops a last word ending in a
			// multi-byte rune.
			batch.WriteString(chunk[start:])
		}
	}
	*wp = r.punct[:0]
	punktWordsPool.Put(wp)
	if batch.Len() == 0 {
		return out
	}
	sents := m.seg.Segment(batch.String())
	for _, st := range sents[min(1, len(sents)):] {
		k := sort.SearchInts(batchAt, st.Start+1) - 1
		out = append(out, st.Start-batchAt[k]+chunkAt[k])
	}
	sort.Ints(out[out0+1:])
	return out
}
