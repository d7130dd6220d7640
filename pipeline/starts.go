package pipeline

import (
	"regexp"
	"regexp/syntax"
	"unicode"
)

// A startMatcher finds the matches of a regexp that begin at chosen
// positions. Go's regexp tries every position of the text; a pattern whose
// first byte is constrained ("[0-9X]", "jan|feb|...") is much cheaper to try
// only where such a byte stands, anchored there. The date finder uses it:
// 7 patterns over a 15 KB letter took 7.6 ms unanchored.
type startMatcher struct {
	window   int       // longest match looked for, in bytes
	first    [256]bool // bytes a match can start with
	any      bool      // the first byte is unconstrained: try every position
	anchored *regexp.Regexp
}

func newStartMatcher(re *regexp.Regexp, window int) *startMatcher {
	m := &startMatcher{window: window, anchored: regexp.MustCompile(`^(?:` + re.String() + `)`)}
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil { // cannot happen: re compiled from the same source
		m.any = true
		return m
	}
	if !firstBytes(parsed.Simplify(), &m.first) {
		m.any = true
	}
	return m
}

// matchAt returns the submatch indexes of the match starting at i (offsets
// into text), or nil. Only the match that the anchored regexp prefers at i
// is returned, as FindAll would from that position, and only within the
// window (the regexp engine's cost grows with the length of its input).
func (m *startMatcher) matchAt(text string, i int) []int {
	if !m.any && !m.first[text[i]] {
		return nil
	}
	loc := m.anchored.FindStringSubmatchIndex(text[i:min(len(text), i+m.window)])
	if loc == nil {
		return nil
	}
	for k := range loc {
		if loc[k] >= 0 {
			loc[k] += i
		}
	}
	return loc
}

// firstBytes adds to set the bytes a match of re can start with. It
// reports false when that set is unknown or unconstrained (an empty match
// is possible, or the start is any character).
func firstBytes(re *syntax.Regexp, set *[256]bool) bool {
	switch re.Op {
	case syntax.OpLiteral:
		if len(re.Rune) == 0 {
			return false
		}
		return addRune(re.Rune[0], re.Flags&syntax.FoldCase != 0, set)
	case syntax.OpCharClass:
		for k := 0; k+1 < len(re.Rune); k += 2 {
			lo, hi := re.Rune[k], re.Rune[k+1]
			if hi >= 0x80 {
				return false // non-ASCII: leading bytes not worth enumerating
			}
			for r := lo; r <= hi; r++ {
				set[r] = true
			}
		}
		return len(re.Rune) > 0
	case syntax.OpCapture:
		return firstBytes(re.Sub[0], set)
	case syntax.OpPlus:
		return firstBytes(re.Sub[0], set)
	case syntax.OpRepeat:
		if re.Min < 1 {
			return false
		}
		return firstBytes(re.Sub[0], set)
	case syntax.OpConcat:
		if len(re.Sub) == 0 {
			return false
		}
		return firstBytes(re.Sub[0], set)
	case syntax.OpAlternate:
		for _, s := range re.Sub {
			if !firstBytes(s, set) {
				return false
			}
		}
		return true
	}
	return false
}

func addRune(r rune, fold bool, set *[256]bool) bool {
	if r >= 0x80 {
		return false
	}
	set[r] = true
	if fold {
		for f := unicode.SimpleFold(r); f != r; f = unicode.SimpleFold(f) {
			if f >= 0x80 {
				return false // e.g. 'k' folds to the Kelvin sign
			}
			set[f] = true
		}
	}
	return true
}
