package web

import (
	"fmt"
	"strings"
	"testing"
)

// render writes tokens as text with [i and ]i around the pieces of range i.
func renderTokens(text string, toks []token) string {
	var b strings.Builder
	for _, t := range toks {
		switch t.Op {
		case opText:
			b.WriteString(text[t.Start:t.End])
		case opOpen:
			fmt.Fprintf(&b, "[%d", t.Range)
		case opClose:
			fmt.Fprintf(&b, "]%d", t.Range)
		}
	}
	return b.String()
}

func TestSegment(t *testing.T) {
	for _, tt := range []struct {
		name   string
		text   string
		ranges []rng
		want   string
	}{
		{"none", "abc", nil, "abc"},
		{"one", "abcdef", []rng{{1, 3}}, "a[0bc]0def"},
		{"nested", "abcdef", []rng{{2, 3}, {1, 5}}, "a[1b[0c]0de]1f"},
		{"same range: first given is outer", "abcdef", []rng{{1, 3}, {1, 3}}, "a[0[1bc]1]0def"},
		{"adjacent", "abcdef", []rng{{0, 2}, {2, 4}}, "[0ab]0[1cd]1ef"},
		{"overlap splits the later", "abcdef", []rng{{0, 3}, {2, 5}}, "[0ab[1c]1]0[1de]1f"},
		{"three overlapping", "abcdefgh", []rng{{0, 4}, {2, 6}, {3, 8}},
			"[0ab[1c[2d]2]1]0[1[2ef]2]1[2gh]2"},
		{"out of range and reversed dropped", "abc", []rng{{-1, 2}, {2, 9}, {2, 1}, {0, 1}}, "[3a]3bc"},
		{"empty range is an empty element", "abc", []rng{{1, 1}, {0, 3}}, "[1a[0]0bc]1"},
		{"empty at the end", "abc", []rng{{3, 3}}, "abc[0]0"},
		{"not on a character boundary dropped", "aé b", []rng{{2, 4}, {1, 3}}, "a[1é]1 b"},
		{"whole text", "ab", []rng{{0, 2}}, "[0ab]0"},
		{"empty text", "", []rng{{0, 0}, {0, 1}}, "[0]0"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			toks := segment(tt.text, tt.ranges)
			if got := renderTokens(tt.text, toks); got != tt.want {
				t.Errorf("segment(%q, %v) = %q, want %q", tt.text, tt.ranges, got, tt.want)
			}
			if err := checkTokens(tt.text, tt.ranges, toks); err != nil {
				t.Error(err)
			}
		})
	}
}

// checkTokens checks the properties of segment's output: the text tokens
// give the text back in order, opens and closes nest, every valid range's
// pieces are contiguous and cover exactly its text with one first piece,
// and invalid ranges never appear.
func checkTokens(text string, ranges []rng, toks []token) error {
	var (
		b       strings.Builder
		stack   []int
		pos     int
		covered = map[int]*strings.Builder{}
		firsts  = map[int]int{}
		lastEnd = map[int]int{}
		started = map[int]bool{}
	)
	for k, t := range toks {
		switch t.Op {
		case opText:
			if t.Start != pos || t.End <= t.Start || t.End > len(text) {
				return fmt.Errorf("token %d: text [%d,%d) at position %d", k, t.Start, t.End, pos)
			}
			b.WriteString(text[t.Start:t.End])
			for _, i := range stack {
				covered[i].WriteString(text[t.Start:t.End])
			}
			pos = t.End
		case opOpen:
			if t.Range < 0 || t.Range >= len(ranges) || !validRange(text, ranges[t.Range]) {
				return fmt.Errorf("token %d opens invalid range %d", k, t.Range)
			}
			r := ranges[t.Range]
			if started[t.Range] && lastEnd[t.Range] != pos {
				return fmt.Errorf("range %d %v: piece at %d does not continue the previous one ending at %d", t.Range, r, pos, lastEnd[t.Range])
			}
			if !started[t.Range] && pos != r.Start {
				return fmt.Errorf("range %d %v: first piece at %d", t.Range, r, pos)
			}
			if t.First {
				firsts[t.Range]++
			}
			if t.First == started[t.Range] {
				return fmt.Errorf("range %d: First=%v on a piece, started=%v", t.Range, t.First, started[t.Range])
			}
			started[t.Range] = true
			if covered[t.Range] == nil {
				covered[t.Range] = &strings.Builder{}
			}
			stack = append(stack, t.Range)
		case opClose:
			if len(stack) == 0 || stack[len(stack)-1] != t.Range {
				return fmt.Errorf("token %d closes %d, open: %v", k, t.Range, stack)
			}
			stack = stack[:len(stack)-1]
			lastEnd[t.Range] = pos
		}
	}
	if len(stack) != 0 {
		return fmt.Errorf("left open: %v", stack)
	}
	if b.String() != text {
		return fmt.Errorf("text tokens give %q, want %q", b.String(), text)
	}
	for i, r := range ranges {
		if !validRange(text, r) {
			continue
		}
		if firsts[i] != 1 {
			return fmt.Errorf("range %d %v: %d first pieces", i, r, firsts[i])
		}
		if got := covered[i].String(); got != text[r.Start:r.End] || lastEnd[i] != r.End {
			return fmt.Errorf("range %d %v covers %q (ending at %d), want %q", i, r, got, lastEnd[i], text[r.Start:r.End])
		}
	}
	return nil
}

func FuzzSegment(f *testing.F) {
	f.Add("abcdefgh", []byte{0, 4, 2, 6, 3, 8})
	f.Add("aé b\u00a0c", []byte{1, 3, 2, 4, 0, 0, 5, 9})
	f.Add("", []byte{0, 0})
	f.Add("plain", []byte{})
	f.Fuzz(func(t *testing.T, text string, b []byte) {
		var ranges []rng
		for i := 0; i+1 < len(b) && len(ranges) < 40; i += 2 {
			// Offsets a little past the text too, so invalid ranges occur.
			ranges = append(ranges, rng{int(b[i]) % (len(text) + 3), int(b[i+1]) % (len(text) + 3)})
		}
		toks := segment(text, ranges)
		if err := checkTokens(text, ranges, toks); err != nil {
			t.Fatalf("segment(%q, %v): %v\n%s", text, ranges, err, renderTokens(text, toks))
		}
	})
}
