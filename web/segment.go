package web

import (
	"sort"
	"unicode/utf8"
)

// A rng is a byte range [Start, End) of a text to wrap in an element.
type rng struct{ Start, End int }

// Token operations of a segmented text.
const (
	opText  = iota // text[Start:End]
	opOpen         // open the element of range Range
	opClose        // close the element of range Range
)

// A token is one step of a segmented text: a piece of text, or the opening
// or closing of the element of one range.
type token struct {
	Op    int
	Range int  // index into the ranges (opOpen, opClose)
	First bool // opOpen: the first piece of that range
	Start int  // opText: byte offsets into the text
	End   int
}

// validRange reports whether r is a range of text that can be wrapped:
// inside the text, not reversed, both ends on UTF-8 character boundaries.
func validRange(text string, r rng) bool {
	if r.Start < 0 || r.End < r.Start || r.End > len(text) {
		return false
	}
	return boundary(text, r.Start) && boundary(text, r.End)
}

func boundary(text string, i int) bool {
	return i == len(text) || utf8.RuneStart(text[i])
}

// segment turns overlapping ranges over text into a token stream whose
// elements nest properly: a range that crosses the end of an enclosing one
// is split into several pieces (each opened and closed), so the opens and
// closes always form a valid tree and each range's pieces cover exactly its
// text. Ranges that are out of the text, reversed or not on character
// boundaries are left out. An empty range gives an open and a close at its
// position. Concatenating the text tokens gives text back.
func segment(text string, ranges []rng) []token {
	// order: outer ranges first (earlier start, then later end, then index).
	var order []int
	for i, r := range ranges {
		if validRange(text, r) {
			order = append(order, i)
		}
	}
	sort.SliceStable(order, func(a, b int) bool {
		ra, rb := ranges[order[a]], ranges[order[b]]
		if ra.Start != rb.Start {
			return ra.Start < rb.Start
		}
		return ra.End > rb.End
	})
	rank := make(map[int]int, len(order))
	bounds := []int{0, len(text)}
	for k, i := range order {
		rank[i] = k
		bounds = append(bounds, ranges[i].Start, ranges[i].End)
	}
	sort.Ints(bounds)
	bounds = compact(bounds)

	var (
		out    []token
		stack  []int // open ranges, outermost first
		opened = make(map[int]bool, len(order))
		active []int
		next   int // first range of order not yet started
	)
	for bi, p := range bounds {
		// The ranges active over [p, bounds[bi+1]); ranges starting at p
		// join from order, ranges ending at or before p leave.
		active = active[:0]
		for _, i := range stack {
			if ranges[i].End > p {
				active = append(active, i)
			}
		}
		var empty []int
		for next < len(order) && ranges[order[next]].Start <= p {
			i := order[next]
			next++
			if ranges[i].End == p {
				empty = append(empty, i)
			} else {
				active = append(active, i)
			}
		}
		inActive := func(i int) bool {
			for _, j := range active {
				if j == i {
					return true
				}
			}
			return false
		}
		// Close from the top down to the first open range that is no
		// longer active; the active ones among them are reopened below.
		keep := 0
		for keep < len(stack) && inActive(stack[keep]) {
			keep++
		}
		for j := len(stack) - 1; j >= keep; j-- {
			out = append(out, token{Op: opClose, Range: stack[j]})
		}
		stack = stack[:keep]
		for _, i := range empty {
			out = append(out, token{Op: opOpen, Range: i, First: true}, token{Op: opClose, Range: i})
		}
		var reopen []int
		for _, i := range active {
			onStack := false
			for _, j := range stack {
				if j == i {
					onStack = true
					break
				}
			}
			if !onStack {
				reopen = append(reopen, i)
			}
		}
		sort.Slice(reopen, func(a, b int) bool { return rank[reopen[a]] < rank[reopen[b]] })
		for _, i := range reopen {
			out = append(out, token{Op: opOpen, Range: i, First: !opened[i]})
			opened[i] = true
			stack = append(stack, i)
		}
		if bi+1 < len(bounds) && bounds[bi+1] > p {
			out = append(out, token{Op: opText, Start: p, End: bounds[bi+1]})
		}
	}
	for j := len(stack) - 1; j >= 0; j-- {
		out = append(out, token{Op: opClose, Range: stack[j]})
	}
	return out
}

// compact removes adjacent duplicates of a sorted slice.
func compact(s []int) []int {
	out := s[:0]
	for i, v := range s {
		if i == 0 || v != s[i-1] {
			out = append(out, v)
		}
	}
	return out
}
