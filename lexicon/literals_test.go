package lexicon

import (
	"slices"
	"strings"
	"testing"
)

func TestLiteralsFindsEveryOccurrence(t *testing.T) {
	lits := []string{"he", "she", "his", "hers", "s", "he"}
	text := "ushers and his sheep; she he"
	var got [][3]int
	NewLiterals(lits).Walk([]byte(text), func(end, n, i int) { got = append(got, [3]int{end - n + 1, n, i}) })
	var want [][3]int
	for start := range text {
		for i, l := range lits {
			if strings.HasPrefix(text[start:], l) && slices.Index(lits, l) == i {
				want = append(want, [3]int{start, len(l), i})
			}
		}
	}
	key := func(a, b [3]int) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[2] - b[2]
	}
	slices.SortFunc(got, key)
	slices.SortFunc(want, key)
	if !slices.Equal(got, want) {
		t.Errorf("got %v\nwant %v", got, want)
	}
}
