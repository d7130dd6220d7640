package extract

import (
	"io/fs"
	"math/rand/v2"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/precedent-dev/precedent/fixtures"
)

// sentencesByteLoop is Sectioner.sentences as it was before byteSeeker:
// every byte tested against a table of . ! ? and digits, a list marker
// recognized at its digit by looking back for : ; or ).
func (s *Sectioner) sentencesByteLoop(text string, a, b int) []zoneSpan {
	var act [256]bool
	for _, c := range []byte(".!?0123456789") {
		act[c] = true
	}
	cuts := []int{a}
	last := a
	cut := func(p int) {
		for p < b && zoneIsSpace(text[p]) {
			p++
		}
		if p > last && p < b {
			cuts = append(cuts, p)
			last = p
		}
	}
	for i := a; i < b; i++ {
		for i < b && !act[text[i]] {
			i++
		}
		if i == b {
			break
		}
		c := text[i]
		switch {
		case c == '.' || c == '!' || c == '?':
			d := i
			for d > a && zoneIsDigit(text[d-1]) {
				d--
			}
			if c == '.' && d < i && d == last {
				continue
			}
			k := i + 1
			for k < b {
				if strings.IndexByte("\"')]", text[k]) >= 0 {
					k++
				} else if strings.HasPrefix(text[k:], "”") || strings.HasPrefix(text[k:], "’") {
					k += len("”")
				} else {
					break
				}
			}
			if k >= b {
				continue
			}
			if c == '.' && k == i+1 && s.abbrevBefore(text, a, i) {
				continue
			}
			next := text[k]
			switch {
			case zoneIsSpace(next):
				p := k
				for p < b && zoneIsSpace(text[p]) {
					p++
				}
				if p < b && !zoneIsLower(text[p]) {
					cut(p)
				}
			case zoneIsUpper(next):
				w := i
				for w > a && zoneIsLower(text[w-1]) {
					w--
				}
				if k > i+1 || i-w >= 2 {
					cut(k)
				}
			case zoneIsDigit(next) && zoneListMarker(text, k, b):
				cut(k)
			}
		case zoneIsDigit(c) && i > last && zoneListMarker(text, i, b):
			p := i - 1
			for p >= a && zoneIsSpace(text[p]) {
				p--
			}
			if p >= a && strings.IndexByte(":;)", text[p]) >= 0 {
				cut(i)
			}
		}
	}
	out := make([]zoneSpan, 0, len(cuts))
	for k, c := range cuts {
		end := b
		if k+1 < len(cuts) {
			end = cuts[k+1]
		}
		for c < end && zoneIsSpace(text[c]) {
			c++
		}
		if c < end {
			out = append(out, zoneSpan{c, end})
		}
	}
	return out
}

// TestSentencesMatchByteLoop compares the quote rules' sentence split with
// the byte loop it replaced, on random texts of the pieces it acts on and
// on every range of the fixture letters' lines.
func TestSentencesMatchByteLoop(t *testing.T) {
	s := newTestSectioner(t)
	check := func(text string, a, b int) {
		t.Helper()
		if got, want := s.sentences(text, a, b), s.sentencesByteLoop(text, a, b); !slices.Equal(got, want) {
			t.Fatalf("sentences(%q, %d, %d) = %v, want %v", text, a, b, got, want)
		}
	}
	pieces := []string{"a", "Per", "ODG", "dr", "Dr", "e.g", "U.S", " ", "  ", "\n", "\n\n", ".", "!", "?", ":", ";", ")", "(",
		"1", "2", "12", "123", "3.", "\"", "”", "’", "'", "]", "x", "Z", "blocks", "above"}
	r := rand.New(rand.NewPCG(5, 6))
	for k := 0; k < 50000; k++ {
		var sb strings.Builder
		for n := r.IntN(16); n > 0; n-- {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := sb.String()
		a := r.IntN(len(text) + 1)
		check(text, a, a+r.IntN(len(text)-a+1))
	}
	entries, err := fs.ReadDir(fixtures.Letters, "letters")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(fixtures.Letters, "letters/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		text, _ := Normalize(string(data))
		check(text, 0, len(text))
		for k := 0; k < 200; k++ {
			a := r.IntN(len(text) + 1)
			check(text, a, a+r.IntN(len(text)-a+1))
		}
	}
}

// TestByteSeeker checks byteSeeker.from against strings.IndexAny.
func TestByteSeeker(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	for k := 0; k < 5000; k++ {
		b := make([]byte, r.IntN(50))
		for i := range b {
			b[i] = "ab.:;)!?"[r.IntN(8)]
		}
		s := string(b)
		bs := newByteSeeker(s, ".:;")
		for i := 0; i <= len(s); i += r.IntN(3) {
			want := len(s)
			if j := strings.IndexAny(s[i:], ".:;"); j >= 0 {
				want = i + j
			}
			if got := bs.from(i); got != want {
				t.Fatalf("from(%d) in %q = %d, want %d", i, s, got, want)
			}
		}
	}
}

// TestTrimSpanBounds compares trimSpan (zoneSplitLines' line bounds) with
// strings.TrimLeftFunc and TrimRightFunc (unicode.IsSpace) on random texts
// with Unicode spaces and invalid bytes.
func TestTrimSpanBounds(t *testing.T) {
	pieces := []string{" ", "\t", "\n", "\v", "\f", "\r", "\u0085", "\u00a0", "\u2028", "\u3000", "\u200b", "a", "é", "\xff", "\xc2", "\xa0", "x y"}
	r := rand.New(rand.NewPCG(9, 10))
	for k := 0; k < 50000; k++ {
		var sb strings.Builder
		for n := r.IntN(8); n > 0; n-- {
			sb.WriteString(pieces[r.IntN(len(pieces))])
		}
		text := sb.String()
		start := r.IntN(len(text) + 1)
		end := start + r.IntN(len(text)-start+1)
		seg := text[start:end]
		trimmed := strings.TrimLeftFunc(seg, unicode.IsSpace)
		wantCS := start + len(seg) - len(trimmed)
		wantCE := wantCS + len(strings.TrimRightFunc(trimmed, unicode.IsSpace))
		if cs, ce := trimSpan(text, start, end); cs != wantCS || ce != wantCE {
			t.Fatalf("trimSpan(%q, %d, %d) = %d, %d, want %d, %d", text, start, end, cs, ce, wantCS, wantCE)
		}
	}
}

// TestMatchAtStart compares matchAtStart with the regexp's FindStringIndex
// for every heading rule and quote cue: on the sentences and heading
// windows of the fixture letters, on the rules' examples, and on random
// soups of the examples' words.
func TestMatchAtStart(t *testing.T) {
	s := newTestSectioner(t)
	type rule struct {
		re    *regexp.Regexp
		check func(string) []int
	}
	var rs []rule
	var words []string
	add := func(re *regexp.Regexp, m func(string) []int, ex zoneExamples) {
		rs = append(rs, rule{re, m})
		for _, e := range slices.Concat(ex.match, ex.noMatch) {
			words = append(words, strings.Fields(e)...)
		}
	}
	starts := 0
	for _, h := range s.headings {
		add(h.re, func(x string) []int { return matchAtStart(h.m, h.start, x) }, h.ex)
		if h.start {
			starts++
		}
	}
	q := &s.quotes
	for _, cs := range [][]zoneCue{q.start, q.reject, q.endStart, q.endAnywhere} {
		for _, c := range cs {
			add(c.re, func(x string) []int { return matchAtStart(c.m, c.start, x) }, c.ex)
			if c.start {
				starts++
			}
		}
	}
	if starts < len(s.headings)+len(q.start)+len(q.endStart) {
		t.Fatalf("%d rules anchored at the start, want every heading, start and end_start cue", starts)
	}
	n := 0
	check := func(x string) {
		t.Helper()
		for _, r := range rs {
			if got, want := r.check(x), r.re.FindStringIndex(x); !slices.Equal(got, want) {
				t.Fatalf("%s on %q: got %v, want %v", r.re, x, got, want)
			}
			if r.re.MatchString(x) {
				n++
			}
		}
	}
	entries, err := fs.ReadDir(fixtures.Letters, "letters")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		data, err := fs.ReadFile(fixtures.Letters, "letters/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		text, _ := Normalize(string(data))
		for _, st := range s.sentences(text, 0, len(text)) {
			check(text[st.start:st.end])
		}
		lines := zoneSplitLines(text)
		zw := &zoneWindows{text: text, lines: lines, maxN: s.maxLines}
		for i := range lines {
			if lines[i].blank() {
				continue
			}
			zw.reset(i)
			for k := 1; k <= s.maxLines; k++ {
				if w := zw.window(k); w != nil {
					check(w.joined)
				}
			}
		}
	}
	for _, w := range words {
		check(w)
	}
	r := rand.New(rand.NewPCG(7, 8))
	for k := 0; k < 3000; k++ {
		var sb strings.Builder
		for m := r.IntN(12); m > 0; m-- {
			if sb.Len() > 0 || r.IntN(4) == 0 {
				sb.WriteString([]string{" ", "  ", "\n", ", ", ". ", ": "}[r.IntN(6)])
			}
			sb.WriteString(words[r.IntN(len(words))])
		}
		check(sb.String())
	}
	if n == 0 {
		t.Fatal("no input matched any rule")
	}
}

func TestBeginsText(t *testing.T) {
	for src, want := range map[string]bool{
		`^a`: true, `(?i)^(?:per|as)\s+x`: true, `\Aab`: true, `(^a)b`: true,
		`(?m)^a`: false, `a|^b`: false, `a^`: false, `\ba`: false, `(?:^a|^b)`: false,
	} {
		if got := beginsText(regexp.MustCompile(src)); got != want {
			t.Errorf("beginsText(%q) = %v, want %v", src, got, want)
		}
	}
}
