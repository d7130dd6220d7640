package lexicon

// A Literals finds every occurrence of a set of byte strings in one pass,
// with the automaton of the lexicon Matcher: for prefilters that must know
// which of many patterns can match a text (pipeline/fields_care.go). Unlike
// a Matcher it neither folds the text nor looks at word boundaries. It is
// safe for concurrent use.
type Literals struct {
	a *automaton
}

// NewLiterals compiles lits (non-empty strings; a repeated one is reported
// under its first index).
func NewLiterals(lits []string) *Literals {
	return &Literals{a: newAutomaton(lits)}
}

// Walk calls fn(end, n, i) for every occurrence of lits[i] in input ending
// at byte end (inclusive), n bytes long, in the order of their ends.
func (l *Literals) Walk(input []byte, fn func(end, n, i int)) {
	walk(l.a, input, fn)
}

// WalkString is Walk over a string (no copy of it as bytes).
func (l *Literals) WalkString(input string, fn func(end, n, i int)) {
	walk(l.a, input, fn)
}
