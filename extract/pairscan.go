package extract

import (
	mbits "math/bits"
	"regexp/syntax"
	"unicode/utf8"

	"github.com/precedent-dev/precedent/internal/rules"
)

// A pairScan finds the matches of several cut patterns (data/sentences.yaml)
// in one pass over a text, for the patterns whose matches start with a rare
// pair of bytes ("XX/XX/XX:" starts with "XX" or two digits, "blocks:1. "
// with ":1"). Matcher.FindAllStringSubmatchIndex scans the whole text once
// per pattern around a byte every match holds, and runs the regexp around
// each ("." and "/" are everywhere in a letter: about 300 regexp runs on the
// IRO seed); the pair scan looks up each byte pair of the text once in a
// table and runs a pattern, anchored (Matcher.MatchAt), only where one of
// its matches may start: on the IRO seed it cut the hard cuts' cost from
// 1.75 to 0.74 million instructions.
//
// The result is FindAllStringSubmatchIndex's, pattern by pattern (leftmost
// matches, each search resuming where the last match ended): a pattern
// takes part only when it has no zero-width assertion (the anchored run
// sees no text before its start) and never matches the empty string
// (TestPairScanAgreesWithRegexp). The others, and those whose matches may
// start with two lowercase letters (most places of a letter), are left to
// FindAllStringSubmatchIndex, as are those that may start with a byte
// outside ASCII.
type pairScan struct {
	ms []*rules.Matcher
	// scanned are the indexes into ms of the patterns of the table, plain
	// the others.
	scanned, plain []int
	// pairs[a<<8|b] has bit k set when a match of ms[scanned[k]] may
	// start with byte a followed by byte b; last[a], when one may start
	// with byte a (looked up for the text's last byte).
	pairs *[1 << 16]uint8
	last  [256]uint8
	// third[c] has bit k set when a match of ms[scanned[k]] may hold byte
	// c third (or be shorter): tested before Matcher.MatchAt runs, it
	// stops "s. " for "[:)a-z%]\.[0-9]" (the pair scan of the IRO seed:
	// 326,000 -> 272,000 instructions).
	third [256]uint8
	// second[b]: some pair of pairs ends with byte b. It is tested
	// first: a small table, and most bytes of a letter fail it.
	second [256]bool
}

// newPairScan prepares the scan of ms.
func newPairScan(ms []*rules.Matcher) *pairScan {
	p := &pairScan{ms: ms}
	for k, m := range ms {
		st, ok := matchStarts(m.Regexp().String())
		if !ok || len(p.scanned) == 8 || commonPairs(st.pairs) || st.nonASCII {
			p.plain = append(p.plain, k)
			continue
		}
		if p.pairs == nil {
			p.pairs = new([1 << 16]uint8)
		}
		bit := uint8(1) << len(p.scanned)
		for a, ok := range st.rows {
			if !ok {
				continue
			}
			for b := range 256 {
				if st.pairs[a<<8|b] {
					p.pairs[a<<8|b] |= bit
					p.last[a] |= bit
					p.second[b] = true
				}
			}
		}
		for c, ok := range st.third {
			if ok {
				p.third[c] |= bit
			}
		}
		p.scanned = append(p.scanned, k)
	}
	return p
}

// commonPairs reports whether pairs holds a pair of lowercase ASCII letters.
func commonPairs(pairs *[1 << 16]bool) bool {
	for a := 'a'; a <= 'z'; a++ {
		for b := 'a'; b <= 'z'; b++ {
			if pairs[a<<8|b] {
				return true
			}
		}
	}
	return false
}

// findAll returns, for each pattern of the scan, the submatch indexes of its
// matches in text (FindAllStringSubmatchIndex).
func (p *pairScan) findAll(text string) [][][]int {
	out := make([][][]int, len(p.ms))
	for _, k := range p.plain {
		out[k] = p.ms[k].FindAllStringSubmatchIndex(text)
	}
	if len(p.scanned) == 0 {
		return out
	}
	// The regexp reads runes, and a match starts at one; a byte below
	// utf8.RuneSelf is always a rune of its own, and no scanned pattern
	// starts with another.
	var next [8]int // per scanned pattern: where its next match may start
	pairs := p.pairs
	for i := 0; i < len(text); i++ {
		i = nextPair(pairs, &p.second, text, i)
		bits := p.last[text[i]]
		if i+1 < len(text) {
			bits = pairs[uint16(text[i])<<8|uint16(text[i+1])]
		}
		if i+2 < len(text) {
			bits &= p.third[text[i+2]]
		}
		for bits != 0 {
			j := mbits.TrailingZeros8(bits)
			bits &^= 1 << j
			if i < next[j] {
				continue
			}
			k := p.scanned[j]
			if loc := p.ms[k].MatchAt(text, i, 0); loc != nil {
				out[k] = append(out[k], loc)
				next[j] = loc[1]
			}
		}
	}
	return out
}

// nextPair returns the first i >= from where pairs has a bit set for the
// bytes text[i], text[i+1], else the last byte of text (from < len(text)).
// second filters the second bytes first. A loop of its own, without calls,
// keeps text and i in registers: this scan is most of the pair scan's cost.
func nextPair(pairs *[1 << 16]uint8, second *[256]bool, text string, from int) int {
	t := text[from:]
	for i := 1; i < len(t); i++ {
		if b := t[i]; second[b] && pairs[uint16(t[i-1])<<8|uint16(b)] != 0 {
			return from + i - 1
		}
	}
	return len(text) - 1
}

// A matchStart tells how the matches of a pattern may start: pairs[a<<8|b]
// is set when some match starts with byte a, then byte b (every b when a
// match may end after the first rune); third[c], when some match holds c
// as its third byte, is one or two bytes long, or its first two runes are
// not both ASCII. A superset: bytes outside ASCII are not told apart.
type matchStart struct {
	pairs *[1 << 16]bool
	rows  [256]bool // rows[a]: some pair starts with byte a
	// nonASCII: a match may start with a byte outside ASCII
	nonASCII bool
	third    [256]bool
}

// matchStarts returns the matchStart of the pattern src; ok is false for a
// pattern with zero-width assertions, that matches the empty string or
// that does not parse.
func matchStarts(src string) (ms matchStart, ok bool) {
	re, err := syntax.Parse(src, syntax.Perl)
	if err != nil {
		return ms, false
	}
	prog, err := syntax.Compile(re.Simplify())
	if err != nil {
		return ms, false
	}
	for _, inst := range prog.Inst {
		if inst.Op == syntax.InstEmptyWidth {
			return ms, false
		}
	}
	// consumes[pc][r]: instruction pc consumes the ASCII rune r (a table:
	// MatchRune for every pair cost 0.1 ms a pattern; the ranges of a rune
	// class are read directly).
	consumes := make([][utf8.RuneSelf]bool, len(prog.Inst))
	for pc := range prog.Inst {
		switch inst := &prog.Inst[pc]; {
		case inst.Op == syntax.InstRune && syntax.Flags(inst.Arg)&syntax.FoldCase == 0,
			inst.Op == syntax.InstRune1:
			for j := 0; j < len(inst.Rune); j += 2 {
				hi := inst.Rune[min(j+1, len(inst.Rune)-1)]
				for r := inst.Rune[j]; r <= min(hi, utf8.RuneSelf-1); r++ {
					consumes[pc][r] = true
				}
			}
		case inst.Op == syntax.InstRune, inst.Op == syntax.InstRuneAny, inst.Op == syntax.InstRuneAnyNotNL:
			for r := range utf8.RuneSelf {
				consumes[pc][r] = instConsumes(inst, rune(r))
			}
		}
	}
	pairs := new([1 << 16]bool)
	ms.pairs = pairs
	all := func(a int) {
		for b := range 256 {
			pairs[a<<8|b] = true
		}
		ms.rows[a] = true
	}
	start := progClosure(prog, nil, uint32(prog.Start))
	if progHasMatch(prog, start) {
		return ms, false // matches the empty string
	}
	if progNonASCII(prog, start) {
		ms.nonASCII = true
		for a := utf8.RuneSelf; a < 256; a++ {
			all(a)
		}
	}
	var afterOne []uint32 // the states after one ASCII rune
	for a := range utf8.RuneSelf {
		first := progStep(prog, start, rune(a))
		for _, pc := range first {
			afterOne = progClosure(prog, afterOne, pc)
		}
		switch {
		case len(first) == 0:
			continue
		case progHasMatch(prog, first):
			all(a)
			continue
		case progNonASCII(prog, first):
			for b := utf8.RuneSelf; b < 256; b++ {
				pairs[a<<8|b] = true
			}
			ms.rows[a] = true
		}
		for _, pc := range first {
			for b, ok := range consumes[pc] {
				if ok {
					pairs[a<<8|b] = true
					ms.rows[a] = true
				}
			}
		}
	}
	var afterTwo []uint32 // the states after two ASCII runes
	for b := range utf8.RuneSelf {
		for _, pc := range progStep(prog, afterOne, rune(b)) {
			afterTwo = progClosure(prog, afterTwo, pc)
		}
	}
	if ms.nonASCII || progHasMatch(prog, afterOne) || progNonASCII(prog, afterOne) || progHasMatch(prog, afterTwo) {
		for c := range ms.third {
			ms.third[c] = true
		}
		return ms, true
	}
	for _, pc := range afterTwo {
		for c, ok := range consumes[pc] {
			ms.third[c] = ms.third[c] || ok
		}
	}
	if progNonASCII(prog, afterTwo) {
		for c := utf8.RuneSelf; c < 256; c++ {
			ms.third[c] = true
		}
	}
	return ms, true
}

// progClosure adds to set the instructions reached from pc without
// consuming a rune (a program without empty-width instructions).
func progClosure(prog *syntax.Prog, set []uint32, pc uint32) []uint32 {
	for _, q := range set {
		if q == pc {
			return set
		}
	}
	set = append(set, pc)
	switch inst := &prog.Inst[pc]; inst.Op {
	case syntax.InstAlt, syntax.InstAltMatch:
		set = progClosure(prog, set, inst.Out)
		set = progClosure(prog, set, inst.Arg)
	case syntax.InstCapture, syntax.InstNop:
		set = progClosure(prog, set, inst.Out)
	}
	return set
}

// progStep returns the instructions reached from set by consuming r.
func progStep(prog *syntax.Prog, set []uint32, r rune) []uint32 {
	var out []uint32
	for _, pc := range set {
		if inst := &prog.Inst[pc]; instConsumes(inst, r) {
			out = progClosure(prog, out, inst.Out)
		}
	}
	return out
}

// instConsumes reports whether inst consumes r.
func instConsumes(inst *syntax.Inst, r rune) bool {
	switch inst.Op {
	case syntax.InstRune, syntax.InstRune1:
		return inst.MatchRune(r)
	case syntax.InstRuneAny:
		return true
	case syntax.InstRuneAnyNotNL:
		return r != '\n'
	}
	return false
}

// progHasMatch reports whether set holds the match instruction.
func progHasMatch(prog *syntax.Prog, set []uint32) bool {
	for _, pc := range set {
		if prog.Inst[pc].Op == syntax.InstMatch {
			return true
		}
	}
	return false
}

// progNonASCII reports whether an instruction of set may consume a rune
// outside ASCII (or an invalid byte, read as U+FFFD). Case folding counts:
// "k" folds to the Kelvin sign.
func progNonASCII(prog *syntax.Prog, set []uint32) bool {
	for _, pc := range set {
		inst := &prog.Inst[pc]
		switch inst.Op {
		case syntax.InstRuneAny, syntax.InstRuneAnyNotNL:
			return true
		case syntax.InstRune1:
			if inst.Rune[0] >= utf8.RuneSelf {
				return true
			}
		case syntax.InstRune:
			if syntax.Flags(inst.Arg)&syntax.FoldCase != 0 {
				return true
			}
			for j := 1; j < len(inst.Rune); j += 2 {
				if inst.Rune[j] >= utf8.RuneSelf {
					return true
				}
			}
		}
	}
	return false
}
