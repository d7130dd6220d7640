package rules

import (
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode/utf8"
)

// The literal analysis of a pattern: literals one of which every match
// contains (needLits, for MayMatch and Hits) or starts with (leads, for the
// start scan and MatchAt). NeedLiterals and LeadLiterals give the same
// facts to callers that run their own multi-literal search (one
// Aho-Corasick pass over a letter in ASCII lower case) before the regexps.

// maxLiterals bounds the literal set of one part of a pattern; maxClass the
// characters of a class spelled out as literals.
const (
	maxLiterals = 64
	maxClass    = 16
)

// NeedLiterals returns literals in ASCII lower case one of which every
// match of re contains, found in the text with its ASCII letters lowered
// (each literal is non-empty); nil when unknown. A case-insensitive s or k
// is taken to be ASCII: the long s and the Kelvin sign, which fold to them,
// are not looked for (see FoldsOutsideASCII).
func NeedLiterals(re *regexp.Regexp) []string {
	tree, ok := parseSimple(re)
	if !ok {
		return nil
	}
	need, _, ok := needSet(tree, true)
	if !ok {
		return nil
	}
	return lowerLits(need)
}

// LeadLiterals returns literals in ASCII lower case, at least two bytes
// long, one of which every non-empty match of re starts with, after its
// zero-width assertions (such as \b), found in the text with its ASCII
// letters lowered; nil when unknown. As for NeedLiterals, a
// case-insensitive s or k is taken to be ASCII.
func LeadLiterals(re *regexp.Regexp) []string {
	tree, ok := parseSimple(re)
	if !ok {
		return nil
	}
	lits, _, ok := leads(tree)
	if !ok || len(lits) == 0 {
		return nil
	}
	var out []string
	seen := map[string]bool{}
	for _, l := range lits {
		if len(l) < 2 {
			return nil
		}
		if !seen[l] {
			seen[l] = true
			out = append(out, l)
		}
	}
	return out
}

// FoldsOutsideASCII reports whether s holds a rune outside ASCII that a
// case-insensitive ASCII letter matches (the long s, the Kelvin sign):
// where it does, NeedLiterals and LeadLiterals may miss a match.
func FoldsOutsideASCII(s string) bool {
	return strings.Contains(s, "\u017f") || strings.Contains(s, "\u212a")
}

func parseSimple(re *regexp.Regexp) (*syntax.Regexp, bool) {
	parsed, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return nil, false
	}
	return parsed.Simplify(), true
}

// lowerLits returns the strings of ls in ASCII lower case, each once: a
// literal compared case-sensitively is then a (weaker) filter on the
// lowered text.
func lowerLits(ls []foldLit) []string {
	var out []string
	seen := map[string]bool{}
	for _, l := range ls {
		s := l.s
		if !l.fold {
			s = asciiLower(s)
		}
		if !seen[s] {
			seen[s] = true
			out = append(out, s)
		}
	}
	return out
}

// needLits returns literals one of which every match of re contains.
func needLits(re *syntax.Regexp) ([]foldLit, bool) {
	lits, _, ok := needSet(re, false)
	return lits, ok
}

// needSet returns non-empty literals one of which every match of re
// contains; exact reports that every match is one of them. Neighbouring
// exact parts of a sequence are joined ("ha" then [sd]: "has", "had"), and
// of the parts the set whose shortest literal is longest is kept. With sk,
// a case-insensitive s or k counts as ASCII (see NeedLiterals); without,
// a literal is cut there.
func needSet(re *syntax.Regexp, sk bool) (lits []foldLit, exact, ok bool) {
	switch re.Op {
	case syntax.OpLiteral:
		runs := literalRuns(re, sk)
		if len(runs) == 0 {
			return nil, false, false
		}
		if len(runs) == 1 && len(runs[0].s) == len(string(re.Rune)) && !hasRuneError(re.Rune) {
			return runs, true, true
		}
		best := runs[0]
		for _, r := range runs[1:] {
			if len(r.s) > len(best.s) {
				best = r
			}
		}
		return []foldLit{best}, false, true
	case syntax.OpCharClass:
		n := 0
		for k := 0; k+1 < len(re.Rune); k += 2 {
			n += int(re.Rune[k+1]-re.Rune[k]) + 1
			if n > maxClass {
				return nil, false, false
			}
		}
		for k := 0; k+1 < len(re.Rune); k += 2 {
			for r := re.Rune[k]; r <= re.Rune[k+1]; r++ {
				if r == utf8.RuneError {
					return nil, false, false // matches invalid bytes
				}
				lits = addLit(lits, foldLit{s: string(r)})
			}
		}
		return lits, true, true
	case syntax.OpCapture:
		return needSet(re.Sub[0], sk)
	case syntax.OpPlus:
		lits, _, ok := needSet(re.Sub[0], sk)
		return lits, false, ok
	case syntax.OpRepeat:
		if re.Min < 1 {
			return nil, false, false
		}
		lits, _, ok := needSet(re.Sub[0], sk)
		return lits, false, ok
	case syntax.OpAlternate:
		exact = true
		for _, sub := range re.Sub {
			l, e, ok := needSet(sub, sk)
			if !ok {
				return nil, false, false
			}
			for _, x := range l {
				lits = addLit(lits, x)
			}
			exact = exact && e
		}
		if len(lits) > maxLiterals {
			return nil, false, false
		}
		return lits, exact, true
	case syntax.OpConcat:
		var best, run []foldLit
		inRun, allExact, broken, parts := false, true, false, 0
		consider := func(s []foldLit) {
			if len(s) > 0 && (best == nil || shortest(s) > shortest(best)) {
				best = s
			}
		}
		for _, sub := range re.Sub {
			if isAssert(sub.Op) || sub.Op == syntax.OpEmptyMatch {
				continue // zero width: does not break a run
			}
			parts++
			s, e, ok := needSet(sub, sk)
			allExact = allExact && ok && e
			if ok && e && inRun && len(run)*len(s) <= maxLiterals {
				var joined []foldLit
				for _, a := range run {
					for _, b := range s {
						joined = addLit(joined, joinLits(a, b))
					}
				}
				run = joined
				continue
			}
			if inRun {
				consider(run)
			}
			if parts > 1 {
				broken = true
			}
			if ok {
				consider(s)
			}
			run, inRun = s, ok && e
		}
		if allExact && !broken && inRun {
			// One run of exact parts is the whole sequence (assertions
			// only narrow the matches).
			return run, true, true
		}
		if inRun {
			consider(run)
		}
		return best, false, best != nil
	}
	return nil, false, false
}

func hasRuneError(rs []rune) bool {
	for _, r := range rs {
		if r == utf8.RuneError {
			return true
		}
	}
	return false
}

// joinLits returns a then b; when either is case-insensitive, so is the
// result, with the other lowered (a weaker, still sound filter).
func joinLits(a, b foldLit) foldLit {
	if a.fold == b.fold {
		return foldLit{s: a.s + b.s, fold: a.fold}
	}
	as, bs := a.s, b.s
	if !a.fold {
		as = asciiLower(as)
	}
	if !b.fold {
		bs = asciiLower(bs)
	}
	return foldLit{s: as + bs, fold: true}
}

func addLit(list []foldLit, l foldLit) []foldLit {
	for _, x := range list {
		if x == l {
			return list
		}
	}
	return append(list, l)
}
