package rules

import "unsafe"

// A Walker finds every occurrence of a set of literals in one pass: it
// calls fn(end, n, i) for each occurrence of literal i, n bytes long,
// ending at byte end (inclusive), in the order of their ends (an
// Aho-Corasick automaton such as lexicon.Literals).
type Walker interface {
	Walk(input []byte, fn func(end, n, i int))
}

// A Group is several Matchers whose MayMatch literals are found together
// in a Text, with one pass of a Walker over its lowercase copy, instead of
// one search of the whole text per literal (Matcher.Hits).
type Group struct {
	ms    []*Matcher
	walk  Walker
	users [][]groupUse // by Walker literal
	slots []int        // per matcher: its distinct literals
	lens  [][]int      // per matcher, per slot: the literal's length
}

// A groupUse is one Matcher literal behind a Walker literal (the literal
// in ASCII lower case): its slot in the Matcher's Hits, and the literal
// itself when it is compared case-sensitively.
type groupUse struct {
	m, slot int
	exact   string // "" for a case-insensitive literal
}

// NewGroup returns the Group of ms; compile builds the Walker of a set of
// distinct non-empty literals.
func NewGroup(ms []*Matcher, compile func(lits []string) Walker) *Group {
	g := &Group{ms: ms, slots: make([]int, len(ms)), lens: make([][]int, len(ms))}
	index := map[string]int{}
	var lits []string
	for mi, m := range ms {
		seen := map[foldLit]bool{}
		for _, l := range m.need {
			if seen[l] {
				continue
			}
			seen[l] = true
			key, exact := l.s, ""
			if !l.fold {
				key, exact = asciiLower(l.s), l.s
			}
			k, ok := index[key]
			if !ok {
				k = len(lits)
				index[key] = k
				lits = append(lits, key)
				g.users = append(g.users, nil)
			}
			g.users[k] = append(g.users[k], groupUse{m: mi, slot: g.slots[mi], exact: exact})
			g.slots[mi]++
			g.lens[mi] = append(g.lens[mi], len(l.s))
		}
	}
	if len(lits) > 0 {
		g.walk = compile(lits)
	}
	return g
}

// Hits returns, per Matcher of g, what its Hits(t) returns.
func (g *Group) Hits(t *Text) []*Hits {
	hs := make([]*Hits, len(g.ms))
	for mi, m := range g.ms {
		if m.need == nil {
			hs[mi] = &Hits{all: true}
			continue
		}
		hs[mi] = &Hits{lens: g.lens[mi], at: make([][]int, g.slots[mi])}
	}
	if g.walk == nil {
		return hs
	}
	low := t.Lower()
	limit := len(low)/256 + 1
	g.walk.Walk(unsafe.Slice(unsafe.StringData(low), len(low)), func(end, n, i int) {
		start := end - n + 1
		for _, u := range g.users[i] {
			h := hs[u.m]
			if h.all || u.exact != "" && t.S[start:end+1] != u.exact {
				continue
			}
			if h.at[u.slot] = append(h.at[u.slot], start); len(h.at[u.slot]) > limit {
				// A literal this common is no filter (as in Matcher.Hits).
				*h = Hits{all: true}
			}
		}
	})
	return hs
}
