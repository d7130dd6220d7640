package pipeline

import (
	"math/rand/v2"
	"strings"
	"testing"
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
