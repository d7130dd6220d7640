package extract

import (
	"io/fs"
	"sort"
	"strings"
	"testing"
	"unicode"

	"github.com/precedent-dev/precedent/fixtures"
)

// TestPunctOnlyInLastWordAgreesWithModel checks the softCuts shortcut on
// every chunk of the fixture letters: the model returns one sentence.
func TestPunctOnlyInLastWordAgreesWithModel(t *testing.T) {
	s := newTestSplitter(t)
	files, _ := fs.Glob(fixtures.Letters, "letters/*.txt")
	hit, all := 0, 0
	for _, f := range files {
		data, _ := fs.ReadFile(fixtures.Letters, f)
		text, _ := Normalize(string(data))
		cuts := append(s.hardCuts(text), 0, len(text))
		sort.Ints(cuts)
		cuts = dedupeInts(cuts)
		for i := 0; i+1 < len(cuts); i++ {
			chunk := text[cuts[i]:cuts[i+1]]
			if strings.TrimSpace(chunk) == "" || !strings.ContainsAny(chunk, ".?!") {
				continue
			}
			all++
			if punctOnlyInLastWord(chunk, firstPunct(chunk)) {
				hit++
				if n := len(s.seg.Segment(chunk)); n > 1 {
					t.Errorf("%s: %q: model gives %d sentences", f, chunk, n)
				}
			}
		}
	}
	t.Logf("%d of %d chunks skip the model", hit, all)
}

func TestPunctOnlyInLastWord(t *testing.T) {
	for _, s := range []string{"a.", "a. b", "a.b ", " x a.b.\n", "a.\u00a0b", "a.\u2028", "a.\xff b", "é.é", "a. \t"} {
		first := firstPunct(s)
		tail := strings.TrimRightFunc(s[first:], unicode.IsSpace)
		if got, want := punctOnlyInLastWord(s, first), strings.IndexFunc(tail, unicode.IsSpace) < 0; got != want {
			t.Errorf("punctOnlyInLastWord(%q) = %v, want %v", s, got, want)
		}
	}
}

func TestFirstPunct(t *testing.T) {
	for _, s := range []string{"", "abc", "a.b?c", "a?b.c", "!", "no end\n", "x ! y", "é. ok", "1.5?"} {
		if got, want := firstPunct(s), strings.IndexAny(s, ".?!"); got != want {
			t.Errorf("firstPunct(%q) = %d, want %d", s, got, want)
		}
	}
}
