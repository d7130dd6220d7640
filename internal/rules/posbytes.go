package rules

import (
	"regexp/syntax"
	"unicode"
	"unicode/utf8"
)

// maxPosBytes is how many leading bytes of a match posBytes describes.
const maxPosBytes = 6

// posBytes holds, for each of the first n bytes of a match, the bytes that
// can stand there: a cheap test, before an anchored regexp runs at a
// place, for patterns whose leads are single bytes ("[0-9X]{1,2}/" cannot
// start at "12 " nor at "7,"). Only ASCII is tracked: a place where the
// pattern may consume a rune outside ASCII, or may end, stops it.
type posBytes struct {
	n   int
	set [maxPosBytes][256]bool
}

// newPosBytes returns the posBytes of re, or nil when it would tell
// nothing beyond the first byte.
func newPosBytes(re *syntax.Regexp) *posBytes {
	prog, err := syntax.Compile(re)
	if err != nil {
		return nil
	}
	p := &posBytes{}
	cur := closure(prog, []uint32{uint32(prog.Start)})
	for k := 0; k < maxPosBytes; k++ {
		var next []uint32
		for _, pc := range cur {
			inst := &prog.Inst[pc]
			switch inst.Op {
			case syntax.InstMatch:
				return p.done(k) // a match may end before byte k
			case syntax.InstRune1:
				if !p.addRange(k, inst.Rune[0], inst.Rune[0], false) {
					return p.done(k)
				}
			case syntax.InstRune:
				fold := len(inst.Rune) == 1 && syntax.Flags(inst.Arg)&syntax.FoldCase != 0
				if len(inst.Rune) == 1 {
					if !p.addRange(k, inst.Rune[0], inst.Rune[0], fold) {
						return p.done(k)
					}
				} else {
					for j := 0; j+1 < len(inst.Rune); j += 2 {
						if !p.addRange(k, inst.Rune[j], inst.Rune[j+1], false) {
							return p.done(k)
						}
					}
				}
			case syntax.InstFail:
				continue
			default: // any rune
				return p.done(k)
			}
			next = append(next, inst.Out)
		}
		if len(next) == 0 {
			return p.done(k)
		}
		cur = closure(prog, next)
	}
	return p.done(maxPosBytes)
}

func (p *posBytes) done(n int) *posBytes {
	if n < 2 {
		return nil
	}
	p.n = n
	return p
}

// addRange adds the runes lo..hi (and their case variants with fold) to
// the bytes of position k; false when one is outside ASCII.
func (p *posBytes) addRange(k int, lo, hi rune, fold bool) bool {
	if hi >= utf8.RuneSelf || lo < 0 {
		return false
	}
	for r := lo; r <= hi; r++ {
		p.set[k][r] = true
		if fold {
			for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
				if f >= utf8.RuneSelf {
					return false
				}
				p.set[k][f] = true
			}
		}
	}
	return true
}

// closure returns the instructions reachable from pcs without consuming
// input (zero-width assertions taken as true), the consuming ones and
// matches only.
func closure(prog *syntax.Prog, pcs []uint32) []uint32 {
	seen := make([]bool, len(prog.Inst))
	var out []uint32
	var visit func(pc uint32)
	visit = func(pc uint32) {
		if seen[pc] {
			return
		}
		seen[pc] = true
		inst := &prog.Inst[pc]
		switch inst.Op {
		case syntax.InstAlt, syntax.InstAltMatch:
			visit(inst.Out)
			visit(inst.Arg)
		case syntax.InstCapture, syntax.InstNop, syntax.InstEmptyWidth:
			visit(inst.Out)
		default:
			out = append(out, pc)
		}
	}
	for _, pc := range pcs {
		visit(pc)
	}
	return out
}

// at reports whether a match may start at s[i:] (false: none does).
func (p *posBytes) at(s string, i int) bool {
	if len(s)-i < p.n {
		return false
	}
	// Windows of the text and of the table, so that the loop has no
	// bounds check but the one of w.
	w, set := s[i:i+p.n], p.set[:p.n]
	for k := range set {
		if !set[k][w[k]] {
			return false
		}
	}
	return true
}
