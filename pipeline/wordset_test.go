package pipeline

import (
	"math/rand"
	"slices"
	"strings"
	"testing"
)

// scanRef is the plain reading of wordSet.scan: at every byte that starts a
// word (a letter after a non-letter, non-digit), the run of letters, in the
// set when it is not followed by a digit.
func scanRef(ws *wordSet, text string) [][3]int {
	var out [][3]int
	for i := 0; i < len(text); i++ {
		if !asciiLetter(text[i]) || i > 0 && (asciiLetter(text[i-1]) || asciiDigit(text[i-1])) {
			continue
		}
		j := i
		for j < len(text) && asciiLetter(text[j]) {
			j++
		}
		if j < len(text) && asciiDigit(text[j]) {
			continue
		}
		if v, ok := ws.index[strings.ToLower(text[i:j])]; ok {
			out = append(out, [3]int{i, j, v})
		}
	}
	return out
}

func scanAll(ws *wordSet, text string) [][3]int {
	var out [][3]int
	ws.scan(text, func(s, e, v int) { out = append(out, [3]int{s, e, v}) })
	return out
}

func TestWordSetScan(t *testing.T) {
	words := []string{"relief", "relieved", "pre", "from", "a", "help", "improvement", strings.Repeat("x", 63), strings.Repeat("y", 64)}
	ws, err := newWordSet(words, nil)
	if err != nil {
		t.Fatal(err)
	}
	ws2, err := newWordSet([]string{"from", "pre", "improvement", "zeta"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	check := func(text string) {
		t.Helper()
		got, want := scanAll(ws, text), scanRef(ws, text)
		// Words of 64 letters or more are never found.
		want = slices.DeleteFunc(want, func(h [3]int) bool { return h[1]-h[0] >= 64 })
		if !slices.Equal(got, want) {
			t.Fatalf("scan(%q) = %v, want %v", text, got, want)
		}
		d := &caseDoc{c: &Case{Text: text}}
		var spans [][3]int
		ws.scanWords(text, d.wordSpans(), func(s, e, v int) { spans = append(spans, [3]int{s, e, v}) })
		if !slices.Equal(spans, want) {
			t.Fatalf("scanWords(%q) = %v, want %v", text, spans, want)
		}
		var both, both2 [][3]int
		scanWordsBoth(text, d.wordSpans(), ws, ws2, func(s, e, v int) { both = append(both, [3]int{s, e, v}) },
			func(s, e, v int) { both2 = append(both2, [3]int{s, e, v}) })
		if want2 := scanRef(ws2, text); !slices.Equal(both, want) || !slices.Equal(both2, want2) {
			t.Fatalf("scanWordsBoth(%q) = %v, %v, want %v, %v", text, both, both2, want, want2)
		}
	}
	check("Relief: RELIEVED, pre-op from 8/10; a help2 3help (relief)reliefs " + strings.Repeat("X", 63) + " " + strings.Repeat("y", 64))
	if n := len(scanAll(ws, "Relief: RELIEVED, pre-op from a help2 3help (relief)")); n != 6 {
		t.Errorf("found %d words, want 6", n)
	}
	pieces := []string{"relief", "Relieved", "PRE", "from", "a", "A", "help", "improvement", "x", "7", "-", " ", "\n", ".", "é", "reliefs", "0", strings.Repeat("x", 63)}
	rng := rand.New(rand.NewSource(1))
	for range 3000 {
		var b strings.Builder
		for range rng.Intn(12) {
			b.WriteString(pieces[rng.Intn(len(pieces))])
		}
		check(b.String())
	}
	_, raw := rawFixtureTexts(t)
	if len(raw) == 0 {
		t.Fatal("no fixture letters")
	}
	for _, text := range raw {
		check(text)
	}
}

// TestWordTable compares wordTable with a Go map on random words, present
// and absent, in sets of many sizes.
func TestWordTable(t *testing.T) {
	rng := rand.New(rand.NewSource(3))
	word := func() string {
		b := make([]byte, 1+rng.Intn(8))
		for i := range b {
			b[i] = "abcxyz,.'-"[rng.Intn(10)]
		}
		return string(b)
	}
	for size := 0; size < 200; size += 1 + size/4 {
		m := map[string]int{}
		for len(m) < size {
			m[word()] = rng.Intn(1000)
		}
		tab := newWordTable(m)
		for range 2000 {
			w := word()
			if rng.Intn(2) == 0 && size > 0 {
				for k := range m {
					w = k
					break
				}
			}
			v, ok := tab.get(w)
			if want, wantOK := m[w]; ok != wantOK || v != want {
				t.Fatalf("size %d: get(%q) = %d, %v, want %d, %v", size, w, v, ok, want, wantOK)
			}
			upper := strings.ToUpper(w)
			v, ok = tab.getFold(upper)
			want, wantOK := m[strings.Map(func(r rune) rune { return r | 0x20 }, upper)]
			if ok != wantOK || v != want {
				t.Fatalf("size %d: getFold(%q) = %d, %v, want %d, %v", size, upper, v, ok, want, wantOK)
			}
		}
	}
}
