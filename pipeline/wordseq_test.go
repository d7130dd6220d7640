package pipeline

import (
	"math/rand/v2"
	"slices"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/rules"
)

// refTakes is wordStep.takes as it was written before the set of ways: a
// callback per way, kept to test the new one against.
func refTakes(s *wordStep, toks []string, at int, forward bool, fn func(n int) bool) bool {
	if forward && at >= len(toks) || !forward && at == 0 {
		return false
	}
	var t string
	if forward {
		t = toks[at]
	} else {
		t = toks[at-1]
	}
	word := t != "," && t != "."
	if word && (s.any || s.single[t]) || !word && s.single[t] {
		if fn(1) {
			return true
		}
	}
	if word {
		for _, suf := range s.suffixes {
			if strings.HasSuffix(t, suf) && fn(1) {
				return true
			}
		}
		for _, pre := range s.prefixes {
			if strings.HasPrefix(t, pre) && fn(1) {
				return true
			}
		}
	}
	for _, p := range s.phrases {
		first := at - len(p)
		if forward {
			first = at
		}
		if first < 0 || first+len(p) > len(toks) {
			continue
		}
		ok := true
		for k := range p {
			if toks[first+k] != p[k] {
				ok = false
				break
			}
		}
		if ok && fn(len(p)) {
			return true
		}
	}
	return false
}

func refMatch(ws wordSeq, toks []string) bool {
	var rec func(step, end, reps int) bool
	rec = func(step, end, reps int) bool {
		if step < 0 {
			return true
		}
		s := &ws[step]
		if s.Max == 0 {
			return refTakes(s, toks, end, false, func(n int) bool { return rec(step-1, end-n, 0) })
		}
		if reps < s.Max && refTakes(s, toks, end, false, func(n int) bool { return rec(step, end-n, reps+1) }) {
			return true
		}
		return rec(step-1, end, 0)
	}
	return rec(len(ws)-1, len(toks), 0)
}

func refMatchHead(ws wordSeq, toks []string) bool {
	var rec func(step, start, reps int) bool
	rec = func(step, start, reps int) bool {
		if step == len(ws) {
			return true
		}
		s := &ws[step]
		if s.Max == 0 {
			return refTakes(s, toks, start, true, func(n int) bool { return rec(step+1, start+n, 0) })
		}
		if reps < s.Max && refTakes(s, toks, start, true, func(n int) bool { return rec(step, start+n, reps+1) }) {
			return true
		}
		return rec(step+1, start, 0)
	}
	return rec(0, 0, 0)
}

// TestWordSeqReference compares the word sequences of relief.yaml with the
// callback matcher they replaced, on random token lists made of their own
// words (and a few others), and checks that some lists match.
func TestWordSeqReference(t *testing.T) {
	r := stagePipeline(t).relief
	seqs := []wordSeq{r.f.FunctionalBefore, r.f.FunctionalAfter}
	seqs = append(seqs, r.f.PurposeBefore...)
	for _, q := range r.f.Qualitative {
		seqs = append(seqs, q.Before, q.After)
	}
	vocab := map[string]bool{",": true, ".": true, "pain": true, "relief": true, "the": true, "didn't": true, "xyz": true}
	for _, ws := range seqs {
		for _, s := range ws {
			for _, w := range s.Words {
				for _, f := range strings.Fields(strings.ToLower(w)) {
					vocab[strings.Trim(f, "*")+map[bool]string{true: "ing", false: ""}[strings.HasSuffix(f, "*")]] = true
				}
			}
		}
	}
	var words []string
	for w := range vocab {
		words = append(words, w)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	matched := 0
	for range 20000 {
		toks := make([]string, rng.IntN(8))
		for i := range toks {
			toks[i] = words[rng.IntN(len(words))]
		}
		for _, ws := range seqs {
			if len(ws) == 0 {
				continue
			}
			got, want := ws.match(toks), refMatch(ws, toks)
			if got != want {
				t.Fatalf("match %q: got %v, want %v", toks, got, want)
			}
			gotH, wantH := ws.matchHead(toks), refMatchHead(ws, toks)
			if gotH != wantH {
				t.Fatalf("matchHead %q: got %v, want %v", toks, gotH, wantH)
			}
			if got {
				matched++
			}
		}
	}
	if matched < 1000 {
		t.Errorf("only %d matches: the lists test little", matched)
	}
}

// headWordsRef and tailWordsRef are the tokenizers before tokenWord: every
// word lowered and its ’ replaced.
func headWordsRef(s string, max int) []string {
	var buf []string
	i := 0
	for len(buf) < max {
		for i < len(s) && asciiSpace(s[i]) {
			i++
		}
		if i == len(s) {
			break
		}
		if c := s[i]; c == ',' || c == '.' {
			buf = append(buf, s[i:i+1])
			if c == '.' {
				break
			}
			i++
			continue
		}
		j := i
		for j < len(s) {
			c := s[j]
			if asciiLetter(c) || asciiDigit(c) || c == '\'' || c == '-' {
				j++
				continue
			}
			if c >= 0x80 && strings.HasPrefix(s[j:], "’") {
				j += len("’")
				continue
			}
			break
		}
		if j == i {
			break
		}
		buf = append(buf, strings.ReplaceAll(strings.ToLower(s[i:j]), "’", "'"))
		i = j
		if i < len(s) && !asciiSpace(s[i]) && s[i] != ',' && s[i] != '.' {
			break
		}
	}
	return buf
}

func tailWordsRef(s string, max int) []string {
	var buf []string
	i := len(s)
	for len(buf) < max {
		for i > 0 && asciiSpace(s[i-1]) {
			i--
		}
		if i == 0 {
			break
		}
		if s[i-1] == ',' {
			buf = append(buf, ",")
			i--
			continue
		}
		j := i
		for j > 0 {
			c := s[j-1]
			if asciiLetter(c) || asciiDigit(c) || c == '\'' || c == '-' {
				j--
				continue
			}
			if c >= 0x80 && j >= 3 && s[j-3:j] == "’" {
				j -= 3
				continue
			}
			break
		}
		if j == i {
			break
		}
		buf = append(buf, strings.ReplaceAll(strings.ToLower(s[j:i]), "’", "'"))
		i = j
		if j > 0 && !asciiSpace(s[j-1]) && s[j-1] != ',' {
			break
		}
	}
	slices.Reverse(buf)
	return buf
}

// TestTokenizersAgree compares headWords and tailWords with the reference
// tokenizers on word soups and on the windows of the fixture letters.
func TestTokenizersAgree(t *testing.T) {
	var hb, tb [16]string
	check := func(s string) {
		t.Helper()
		// Without and with the lower-case copy.
		for _, lower := range []string{"", rules.NewText(s).Lower()} {
			if got, want := headWords(s, lower, len(hb), hb[:0]), headWordsRef(s, len(hb)); !slices.Equal(got, want) {
				t.Fatalf("headWords(%q, %q) = %q, want %q", s, lower, got, want)
			}
			if got, want := tailWords(s, lower, len(tb), tb[:0]), tailWordsRef(s, len(tb)); !slices.Equal(got, want) {
				t.Fatalf("tailWords(%q, %q) = %q, want %q", s, lower, got, want)
			}
		}
	}
	pieces := []string{"Relief", "relief", "DID", "not", "patient’s", "patient's", "’", "x-ray", "L5", ",", ".", " ", "\n", "(", "é", "Z", "\xe2\x80", "'"}
	rng := rand.New(rand.NewPCG(7, 8))
	for range 5000 {
		var b strings.Builder
		for range rng.IntN(14) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
			if rng.IntN(2) == 0 {
				b.WriteByte(' ')
			}
		}
		check(b.String())
	}
	_, raw := rawFixtureTexts(t)
	if len(raw) == 0 {
		t.Fatal("no fixture letters")
	}
	for _, text := range raw {
		for i := 0; i < len(text); i += 5 {
			check(text[i:min(len(text), i+70)])
			check(text[max(0, i-90):i])
		}
	}
}

// TestSeqEdge compares made-up sequences (phrases at their ends, optional
// steps, sequences that may be empty, any word) with the reference
// matcher on all short lists of their words, and checks the edges' kinds.
func TestSeqEdge(t *testing.T) {
	seqs := []wordSeq{
		{{Words: []string{"a b", "c"}}, {Words: []string{"d"}, Max: 2}},
		{{Words: []string{"a"}, Max: 1}, {Words: []string{"b c"}, Max: 2}},
		{{Words: []string{"c"}}, {Words: []string{"*"}, Max: 1}, {Words: []string{"a", ","}}},
		{{Words: []string{"x*", "*b"}}, {Words: []string{"d a"}}},
	}
	for i := range seqs {
		if err := seqs[i].compile(); err != nil {
			t.Fatal(err)
		}
	}
	if seqs[0][0].head.open || seqs[0][0].end.open || !seqs[1][0].end.open || !seqs[3][0].head.open {
		t.Error("edges: want closed, closed, open (may be empty), open (prefix)")
	}
	words := []string{"a", "b", "c", "d", ",", "xa", "e"}
	var lists func(prefix []string, n int)
	lists = func(prefix []string, n int) {
		for _, ws := range seqs {
			if got, want := ws.match(prefix), refMatch(ws, prefix); got != want {
				t.Fatalf("%v match %q: got %v, want %v", ws, prefix, got, want)
			}
			if got, want := ws.matchHead(prefix), refMatchHead(ws, prefix); got != want {
				t.Fatalf("%v matchHead %q: got %v, want %v", ws, prefix, got, want)
			}
		}
		if n == 0 {
			return
		}
		for _, w := range words {
			lists(append(prefix[:len(prefix):len(prefix)], w), n-1)
		}
	}
	lists(nil, 4)
}
