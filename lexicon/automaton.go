package lexicon

// An automaton is an Aho-Corasick automaton compiled to a dense DFA over
// byte classes (only the bytes patterns use are distinct classes), with
// int32 transitions: a few MB for the whole lexicon instead of 2 KB per
// trie state, so a walk stays in cache. It reports every pattern occurrence
// like ahocorasick.Trie.Walk did.
type automaton struct {
	class   [256]uint16
	k       int     // number of classes (class 0: bytes no pattern uses)
	delta   []int32 // state*k + class -> next state
	pattern []int32 // pattern ending at the state, or -1
	length  []int32 // its length
	dict    []int32 // nearest proper suffix state with a pattern, or -1
	// next is delta for walk: next[s*k+class] is the next state t
	// premultiplied (t*k), negated (-t*k-1) when t reports a pattern
	// (pattern[t] >= 0 or dict[t] >= 0), so the loop over input touches
	// one table per byte.
	next []int32
}

// newAutomaton compiles patterns (non-empty).
func newAutomaton(patterns []string) *automaton {
	a := &automaton{}
	for _, p := range patterns {
		for i := 0; i < len(p); i++ {
			if a.class[p[i]] == 0 {
				a.k++ // at most 256 classes plus class 0: no overflow in uint16
				a.class[p[i]] = uint16(a.k)
			}
		}
	}
	a.k++ // class 0
	k := a.k
	// The goto trie.
	a.delta = make([]int32, k) // root; 0 means "no edge" while building (root is never a target)
	a.pattern = []int32{-1}
	a.length = []int32{0}
	for pi, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := int(a.class[p[i]])
			nx := a.delta[int(s)*k+c]
			if nx == 0 {
				nx = int32(len(a.pattern))
				a.delta = append(a.delta, make([]int32, k)...)
				a.pattern = append(a.pattern, -1)
				a.length = append(a.length, int32(i+1))
				a.delta[int(s)*k+c] = nx
			}
			s = nx
		}
		if a.pattern[s] < 0 {
			a.pattern[s] = int32(pi)
		}
	}
	n := len(a.pattern)
	fail := make([]int32, n)
	a.dict = make([]int32, n)
	a.dict[0] = -1
	// Breadth-first: complete the transitions into a DFA.
	queue := make([]int32, 0, n)
	for c := 0; c < k; c++ {
		if nx := a.delta[c]; nx != 0 {
			fail[nx] = 0
			a.dict[nx] = -1
			queue = append(queue, nx)
		}
	}
	for q := 0; q < len(queue); q++ {
		s := queue[q]
		for c := 0; c < k; c++ {
			nx := a.delta[int(s)*k+c]
			if nx == 0 {
				a.delta[int(s)*k+c] = a.delta[int(fail[s])*k+c]
				continue
			}
			f := a.delta[int(fail[s])*k+c]
			fail[nx] = f
			if a.pattern[f] >= 0 {
				a.dict[nx] = f
			} else {
				a.dict[nx] = a.dict[f]
			}
			queue = append(queue, nx)
		}
	}
	a.next = make([]int32, len(a.delta))
	for i, t := range a.delta {
		v := t * int32(k)
		if a.pattern[t] >= 0 || a.dict[t] >= 0 {
			v = -v - 1
		}
		a.next[i] = v
	}
	return a
}

// walk calls fn(end, n, pattern) for every occurrence of a pattern in
// input ending at byte end (inclusive), n bytes long.
func (a *automaton) walk(input []byte, fn func(end, n, pattern int)) {
	k := int32(a.k)
	next := a.next
	class := &a.class
	s := int32(0) // premultiplied state
	for i, b := range input {
		s = next[s+int32(class[b])]
		if s >= 0 {
			continue
		}
		s = -s - 1
		t := s / k
		if p := a.pattern[t]; p >= 0 {
			fn(i, int(a.length[t]), int(p))
		}
		for u := a.dict[t]; u >= 0; u = a.dict[u] {
			fn(i, int(a.length[u]), int(a.pattern[u]))
		}
	}
}
