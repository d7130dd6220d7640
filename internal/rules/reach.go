package rules

import (
	"regexp/syntax"
	"slices"
)

// The reach of a start scan: every match holds one of a set of literals,
// and from the match's start to the end of that literal there are at most
// a bounded number of bytes other than ASCII white space. A pattern of
// words joined by \s* or \s+ has no bounded length, but has a bounded
// reach:
//
//	\b(?:over|more than|...)?\s*(?P<n>\d{1,2}|one|...)\+?\s+years\b...
//
// holds "year", with at most 29 other bytes before its end. The start scan
// then tries no start from which the next "year" is further away (it ran
// the regexp at every word of the sentence before "years"), and stops at
// the last one.

// maxReachLits bounds the literals of a reach (their places are kept in
// fixed arrays).
const maxReachLits = 8

// minReachLit is the shortest literal a reach uses: shorter ones are
// common, and the scan would search for them again at every few bytes.
const minReachLit = 3

// initReach sets m.reachLits and m.reachMax from the top-level parts of the
// pattern (after its leading assertions): of the first parts, as long as
// they have a bounded count of bytes other than white space, the needed
// literals with the longest shortest literal (minReachLit bytes at least;
// the fewest parts on a tie). Only for patterns of unbounded length
// without a lead literal or a ^: the others have cheaper filters.
func (m *Matcher) initReach(parts []*syntax.Regexp) {
	if m.startWindow > 0 || m.rest != nil || slices.ContainsFunc(m.startAsserts, isBegin) || hasBegin(&syntax.Regexp{Op: syntax.OpConcat, Sub: parts}) {
		// A bounded pattern has needIn, one with a lead literal jumps
		// to it, one that starts at a line or the text tries few places.
		return
	}
	n, best := 0, minReachLit-1
	for j, p := range parts {
		k, ok := spaceFreeMax(p)
		if !ok {
			return
		}
		n += k
		head := &syntax.Regexp{Op: syntax.OpConcat, Sub: parts[:j+1]}
		lits, ok := needLits(head)
		if !ok || len(lits) == 0 || len(lits) > maxReachLits {
			continue
		}
		if short := shortest(lits); short > best {
			m.reachLits, m.reachMax, best = lits, n, short
		}
	}
}

// spaceFreeMax returns the largest number of bytes other than ASCII white
// space (isReachSpace) that a match of re holds; ok is false when
// unbounded. A repetition of white space counts nothing; other parts count
// their longest match.
func spaceFreeMax(re *syntax.Regexp) (n int, ok bool) { return maxLenBy(re, onlySpace) }

// onlySpace reports whether re consumes nothing but ASCII white space.
func onlySpace(re *syntax.Regexp) bool {
	var set [256]bool
	if !consumable(re, &set) {
		return false
	}
	for c, ok := range set {
		if ok && !isReachSpace[c] {
			return false
		}
	}
	return true
}

// isReachSpace holds the bytes a reach does not count: ASCII white space
// (\s is [\t\n\f\r ]; \v is counted as space too, which only loosens the
// bound).
var isReachSpace = func() (t [256]bool) {
	for _, c := range []byte(" \t\n\v\f\r") {
		t[c] = true
	}
	return t
}()

// A reachScan finds, for the start scan, the next start from which a
// literal of the reach lies within reach. It remembers where it found
// each literal, so each is searched for once per place.
type reachScan struct {
	s    string
	lits []foldLit
	max  int
	// at[k] is the first place of lits[k] at or after the last start
	// asked for (-1: none left, -2: not searched yet); lo[k] is the first
	// start from which its end is within reach.
	at, lo [maxReachLits]int
}

func (m *Matcher) newReachScan(s string) reachScan {
	rs := reachScan{s: s, lits: m.reachLits, max: m.reachMax}
	for k := range rs.lits {
		rs.at[k] = -2
	}
	return rs
}

// next returns the first start at or after i from which a match may reach
// one of the literals, or -1 when none is left at or after i.
func (rs *reachScan) next(i int) int {
	best := -1
	for k, l := range rs.lits {
		if rs.at[k] == -2 || rs.at[k] >= 0 && rs.at[k] < i {
			p := l.index(rs.s[i:])
			if p < 0 {
				rs.at[k] = -1
				continue
			}
			rs.at[k] = i + p
			rs.lo[k] = rs.back(i+p+len(l.s), i)
		}
		if rs.at[k] < 0 {
			continue
		}
		// Every start in [lo, at] reaches this place of the literal;
		// a start after it needs a later one.
		if j := max(i, rs.lo[k]); best < 0 || j < best {
			best = j
		}
	}
	return best
}

// back returns the first x >= floor with at most rs.max bytes other than
// white space in s[x:end].
func (rs *reachScan) back(end, floor int) int {
	n := 0
	x := end
	for x > floor {
		if !isReachSpace[rs.s[x-1]] {
			if n == rs.max {
				break
			}
			n++
		}
		x--
	}
	return x
}

func isBegin(op syntax.Op) bool { return op == syntax.OpBeginText || op == syntax.OpBeginLine }
