package lexicon

import (
	"math/rand"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/precedent-dev/precedent/extract"
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

// TestMatchBatchSame compares matchBatch, whose walks of the ranges run
// four at a time in lanes, with matchWith of each range alone, for the
// lexicon, context and sign matchers, on the sentences of the fixture
// letters and on random ranges of them (empty, overlapping, a word cut in
// two, fewer than four ranges).
func TestMatchBatchSame(t *testing.T) {
	tg := testTagger(t)
	matchers := map[string]*Matcher{"lexicon": tg.lx.matcher, "context": tg.ctx.matcher, "signs": tg.signs}
	paths, err := filepath.Glob("../fixtures/letters/*.txt")
	if err != nil || len(paths) == 0 {
		t.Fatalf("no fixture letters: %v", err)
	}
	sp, err := extract.NewSplitter()
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	var sc matchScratch
	batches := 0
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		var sents []span
		for _, s := range sp.Split(text) {
			sents = append(sents, span{s.Start, s.End})
		}
		random := func(n int) []span {
			rs := make([]span, n)
			for i := range rs {
				a := rng.Intn(len(text) + 1)
				rs[i] = span{a, min(len(text), a+rng.Intn(300))}
			}
			return rs
		}
		for _, ranges := range [][]span{sents, random(1), random(3), random(4), random(40)} {
			for name, m := range matchers {
				got, bounds := m.matchBatch(&sc, nil, nil, text, ranges)
				if len(bounds) != len(ranges)+1 {
					t.Fatalf("%s %s: %d bounds for %d ranges", p, name, len(bounds), len(ranges))
				}
				for r, rg := range ranges {
					want := m.matchWith(&matchScratch{}, nil, nil, text[rg.start:rg.end], nil)
					if diff := cmp.Diff(want, got[bounds[r]:bounds[r+1]], cmpopts.EquateEmpty()); diff != "" {
						t.Fatalf("%s %s: range %d %v (-alone +batch):\n%s", p, name, r, rg, diff)
					}
				}
				batches++
			}
		}
	}
	t.Logf("%d batches compared", batches)
}
