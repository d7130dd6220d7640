package lexicon

import (
	"math/rand"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// randWord is n random bytes of the small alphabet "ab c".
func randWord(rng *rand.Rand, n int) string {
	var b strings.Builder
	for i := 0; i < n; i++ {
		b.WriteByte("ab c"[rng.Intn(4)])
	}
	return b.String()
}

// TestAutomatonBruteForce compares the automaton's occurrences with a
// brute-force search on random patterns and texts over a small alphabet.
func TestAutomatonBruteForce(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	word := func(n int) string { return randWord(rng, n) }
	type occ struct{ End, N, P int }
	for round := 0; round < 200; round++ {
		seen := map[string]bool{}
		var pats []string
		for len(pats) < 1+rng.Intn(12) {
			p := word(1 + rng.Intn(5))
			if !seen[p] {
				seen[p] = true
				pats = append(pats, p)
			}
		}
		text := word(rng.Intn(60))
		var got, want []occ
		walk(newAutomaton(pats), []byte(text), func(end, n, p int) { got = append(got, occ{end, n, p}) })
		for p, pat := range pats {
			for i := 0; i+len(pat) <= len(text); i++ {
				if text[i:i+len(pat)] == pat {
					want = append(want, occ{i + len(pat) - 1, len(pat), p})
				}
			}
		}
		less := func(s []occ) func(i, j int) bool {
			return func(i, j int) bool {
				if s[i].End != s[j].End {
					return s[i].End < s[j].End
				}
				return s[i].P < s[j].P
			}
		}
		sort.Slice(got, less(got))
		sort.Slice(want, less(want))
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("patterns %q text %q (-want +got):\n%s", pats, text, diff)
		}
	}
}

// TestAutomatonEveryByte builds an automaton whose patterns use all 256 byte
// values (a junk lexicon must not crash the loader) and checks it matches.
func TestAutomatonEveryByte(t *testing.T) {
	var pats []string
	for b := 0; b < 256; b++ {
		pats = append(pats, string([]byte{byte(b), 'x'}))
	}
	a := newAutomaton(pats)
	if a.k != 257 {
		t.Fatalf("classes = %d, want 257", a.k)
	}
	n := 0
	walk(a, []byte{0xff, 'x', 0x00, 'x'}, func(end, length, pattern int) { n++ })
	if n != 2 {
		t.Errorf("matches = %d, want 2", n)
	}
}

// TestAutomatonSplitWalk checks that walk, which walks a long input as four
// quarters, reports exactly what one pass reports, in the same order, on
// inputs around the split threshold and on patterns that span a quarter's
// edge.
func TestAutomatonSplitWalk(t *testing.T) {
	rng := rand.New(rand.NewSource(2))
	word := func(n int) string { return randWord(rng, n) }
	type occ struct{ End, N, P int }
	split, found := 0, 0
	for round := 0; round < 300; round++ {
		var pats []string
		seen := map[string]bool{}
		for len(pats) < 1+rng.Intn(20) {
			p := word(1 + rng.Intn(8))
			if !seen[p] {
				seen[p] = true
				pats = append(pats, p)
			}
		}
		a := newAutomaton(pats)
		min := 4 * (a.maxLen + minSplitWalk)
		text := []byte(word(min - 5 + rng.Intn(2*min)))
		if len(text) >= min {
			split++
		}
		var got, want []occ
		walk(a, text, func(end, n, p int) { got = append(got, occ{end, n, p}) })
		walkSeq(a, text, func(end, n, p int) { want = append(want, occ{end, n, p}) })
		if len(want) > 0 {
			found++
		}
		if d := cmp.Diff(want, got); d != "" {
			t.Fatalf("round %d (len %d, split at %d): walk differs from one pass (-want +got):\n%s", round, len(text), min, d)
		}
	}
	if split < 100 || found < 250 {
		t.Fatalf("only %d of 300 texts were long enough to split, %d had occurrences", split, found)
	}
}
