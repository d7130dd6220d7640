package lexicon

import (
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// refOffsetMap maps offsets of folded text back to the source: a folded
// offset at or after at[k] is shifted by shift[k] (the bytes dropped
// before it).
type refOffsetMap struct {
	at, shift []int
}

func (m *refOffsetMap) src(fi int) int {
	k := sort.SearchInts(m.at, fi+1) // last at <= fi
	if k == 0 {
		return fi
	}
	return fi + m.shift[k-1]
}

// refFold is the text folded by hand (lower-cased ASCII, every white-space
// run one space) with the map of folded offsets back to text: what a
// folding automaton must behave as.
func refFold(text string) ([]byte, refOffsetMap) {
	var out []byte
	var om refOffsetMap
	prev := byte(0)
	for i := 0; i < len(text); i++ {
		c := foldTable[text[i]]
		if c == ' ' && prev == ' ' {
			j := i + 1
			for j < len(text) && foldTable[text[j]] == ' ' {
				j++
			}
			om.at = append(om.at, len(out))
			om.shift = append(om.shift, j-len(out))
			i = j - 1
			continue
		}
		out = append(out, c)
		prev = c
	}
	return out, om
}

// TestFoldingAutomaton checks that a folding automaton walking text
// reports the occurrences (start and end in text, pattern) of a plain
// automaton walking the folded text, in the same order, on random
// patterns and texts with upper case, white-space runs and non-ASCII
// bytes, short (one pass) and long (four quarters).
func TestFoldingAutomaton(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	const alpha = "ab c"
	const textAlpha = "abAB c  \t\n\r\xc3\xa9-"
	word := func(n int, al string) string {
		var b strings.Builder
		for i := 0; i < n; i++ {
			b.WriteByte(al[rng.Intn(len(al))])
			if al == textAlpha && rng.Intn(8) == 0 { // a long white-space run
				b.WriteString(strings.Repeat(" \n"[rng.Intn(2):][:1], 1+rng.Intn(12)))
			}
		}
		return b.String()
	}
	type occ struct{ Start, End, P int }
	split, found := 0, 0
	for round := 0; round < 400; round++ {
		seen := map[string]bool{}
		var pats []string
		for len(pats) < 1+rng.Intn(20) {
			p := normTerm(word(1+rng.Intn(8), alpha))
			if p != "" && !seen[p] {
				seen[p] = true
				pats = append(pats, p)
			}
		}
		fa, pa := newFoldingAutomaton(pats), newAutomaton(pats)
		min := 4 * (fa.maxLen + minSplitWalk)
		text := word(rng.Intn(3*min), textAlpha)
		if round%5 == 0 {
			text = word(rng.Intn(40), textAlpha)
		}
		if len(text) >= min {
			split++
		}
		folded, om := refFold(text)
		var got, want []occ
		walk(fa, text, func(end, n, p int) { got = append(got, occ{foldedStart(text, end, n), end + 1, p}) })
		walk(pa, folded, func(end, n, p int) { want = append(want, occ{om.src(end - n + 1), om.src(end) + 1, p}) })
		if len(want) > 0 {
			found++
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("round %d: patterns %q text %q (-want +got):\n%s", round, pats, text, d)
		}
	}
	if split < 100 || found < 300 {
		t.Fatalf("only %d of 400 texts were long enough to split, %d had occurrences", split, found)
	}
}

// refMatch is Matcher.Match as it was before the automaton folded:
// fold the text, walk it with a plain automaton over b's patterns, map
// the occurrences back.
func refMatch(b *matcherBuilder, a *automaton, text string) []Match {
	folded, om := refFold(text)
	var cands []Match
	walk(a, folded, func(end, n, pattern int) {
		fs, fe := end-n+1, end+1
		if fs > 0 && isASCIIWord(folded[fs-1]) && isASCIIWord(folded[fs]) ||
			fe < len(folded) && isASCIIWord(folded[fe]) && isASCIIWord(folded[fe-1]) {
			return
		}
		start, stop := om.src(fs), om.src(fe-1)+1
		if !wordBoundary(text, start) || !wordBoundary(text, stop) {
			return
		}
		for _, e := range b.entries[pattern] {
			if e.kind == Abbreviation && strings.Join(strings.Fields(text[start:stop]), " ") != e.term {
				continue
			}
			cands = append(cands, Match{Code: e.code, Term: e.term, Kind: e.kind, Start: start, End: stop})
			break
		}
	})
	sort.SliceStable(cands, func(i, j int) bool {
		if cands[i].Start != cands[j].Start {
			return cands[i].Start < cands[j].Start
		}
		return cands[i].End > cands[j].End
	})
	var out []Match
	last := -1
	for _, c := range cands {
		if c.Start >= last {
			out = append(out, c)
			last = c.End
		}
	}
	return out
}

// TestMatchAsFolded checks the lexicon matcher against refMatch on the
// fixture letters and on random texts of lexicon terms in mixed case,
// joined by white-space runs, hyphens and non-ASCII letters.
func TestMatchAsFolded(t *testing.T) {
	lx, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	b := newMatcherBuilder()
	var terms []string
	for _, c := range lx.Concepts() {
		for _, g := range []struct {
			kind  TermKind
			terms []string
		}{{Synonym, c.Synonyms}, {Abbreviation, c.Abbreviations}, {Misspelling, c.Misspellings}} {
			for _, tm := range g.terms {
				if err := b.add(c.Code, tm, g.kind); err != nil {
					t.Fatal(err)
				}
				terms = append(terms, tm)
			}
		}
	}
	ref := newAutomaton(b.patterns)
	check := func(name, text string) int {
		got, want := lx.Match(text), refMatch(b, ref, text)
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("%s (-want +got):\n%s", name, d)
		}
		return len(got)
	}
	files, _ := filepath.Glob("../fixtures/letters/*.txt")
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		check(f, string(data))
	}
	rng := rand.New(rand.NewSource(4))
	seps := []string{" ", "  ", "\n", " \t\r\n ", "", "-", ", ", "\xc3\xa9", "x"}
	n := 0
	for round := 0; round < 500; round++ {
		var sb strings.Builder
		for i := rng.Intn(40); i > 0; i-- {
			w := terms[rng.Intn(len(terms))]
			switch rng.Intn(4) {
			case 0:
				w = strings.ToUpper(w)
			case 1:
				w = strings.ReplaceAll(w, " ", seps[rng.Intn(4)])
			}
			sb.WriteString(w)
			sb.WriteString(seps[rng.Intn(len(seps))])
		}
		n += check("random text", sb.String())
	}
	if n < 1000 {
		t.Fatalf("only %d mentions in the random texts", n)
	}
}

// TestSameWords compares sameWords with the strings.Fields form it stands
// for, on random strings of letters, white space and non-ASCII bytes.
func TestSameWords(t *testing.T) {
	rng := rand.New(rand.NewSource(5))
	const al = "aB \t\n\r\v\f\xc2\xa0\xc2\x85"
	for round := 0; round < 20000; round++ {
		var b strings.Builder
		for i := rng.Intn(10); i > 0; i-- {
			b.WriteByte(al[rng.Intn(len(al))])
		}
		s := b.String()
		abbr := strings.Join(strings.Fields(s), " ")
		if rng.Intn(3) == 0 && len(abbr) > 0 {
			abbr = abbr[:rng.Intn(len(abbr))]
		}
		if want := strings.Join(strings.Fields(s), " ") == abbr; sameWords(s, abbr) != want {
			t.Fatalf("sameWords(%q, %q) = %v, want %v", s, abbr, !want, want)
		}
	}
}

// TestBoundaryASCII compares wordBoundary with its rune-decoding
// definition, as the boundary before a match and as the one after it, at
// every offset of random strings of ASCII and non-ASCII bytes.
func TestBoundaryASCII(t *testing.T) {
	rng := rand.New(rand.NewSource(6))
	const al = "aZ09 -_.\xc3\xa9\xce\xb1\xe2\x80\x83\xff"
	isWord := func(r rune) bool { return isWordRune(r) }
	for round := 0; round < 3000; round++ {
		var b strings.Builder
		for i := rng.Intn(12); i > 0; i-- {
			b.WriteByte(al[rng.Intn(len(al))])
		}
		s := b.String()
		for i := -1; i <= len(s)+1; i++ {
			var wantB, wantA bool
			if i <= 0 {
				wantB = true
			} else {
				r, _ := utf8.DecodeLastRuneInString(s[:min(i, len(s))])
				f := utf8.RuneError
				if i < len(s) {
					f, _ = utf8.DecodeRuneInString(s[i:])
				}
				wantB = !(isWord(r) && isWord(f))
			}
			if i >= len(s) {
				wantA = true
			} else {
				r, _ := utf8.DecodeRuneInString(s[max(i, 0):])
				l := utf8.RuneError
				if i > 0 {
					l, _ = utf8.DecodeLastRuneInString(s[:i])
				}
				wantA = !(isWord(r) && isWord(l))
			}
			if i <= len(s) && i >= 0 {
				if got := wordBoundary(s, i); got != wantB {
					t.Fatalf("wordBoundary(%q, %d) = %v, want %v (before a match)", s, i, got, wantB)
				}
			}
			if i >= 0 && i <= len(s) {
				if got := wordBoundary(s, i); got != wantA {
					t.Fatalf("wordBoundary(%q, %d) = %v, want %v (after a match)", s, i, got, wantA)
				}
			}
		}
	}
}

// TestMatchStart compares matchStart with foldedStart on every occurrence
// of the lexicon's patterns in random texts of patterns joined and split
// by white-space runs (one that must take the fast path, "low back pain",
// and one that must not, "low  back\n\tpain", are among them).
func TestMatchStart(t *testing.T) {
	lx, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	m := lx.matcher
	var spaced []string
	for p, sp := range m.spaces {
		if len(sp) > 0 {
			spaced = append(spaced, strings.Join(strings.Fields(m.entries[p][0].term), " "))
		}
	}
	if len(spaced) < 10 {
		t.Fatalf("only %d patterns with spaces", len(spaced))
	}
	rng := rand.New(rand.NewSource(7))
	runs := []string{" ", "  ", "\n", " \t\r\n ", "\n\n"}
	fast, slow := 0, 0
	for round := 0; round < 300; round++ {
		var sb strings.Builder
		for i := rng.Intn(20) + 1; i > 0; i-- {
			w := spaced[rng.Intn(len(spaced))]
			if rng.Intn(2) == 0 {
				w = strings.ReplaceAll(w, " ", runs[rng.Intn(len(runs))])
			}
			sb.WriteString(w)
			sb.WriteString(runs[rng.Intn(len(runs))])
		}
		text := sb.String()
		walk(m.trie, text, func(end, n, p int) {
			want := foldedStart(text, end, n)
			if got := matchStart(text, end, n, m.spaces[p]); got != want {
				t.Fatalf("%q: occurrence ending at %d, %d folded bytes: matchStart %d, foldedStart %d", text, end, n, got, want)
			}
			if want == end+1-n {
				fast++
			} else {
				slow++
			}
		})
	}
	if fast < 100 || slow < 100 {
		t.Fatalf("%d occurrences without longer runs, %d with: want both", fast, slow)
	}
}
