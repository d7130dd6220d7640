package lexicon

import "sync"

// An automaton is an Aho-Corasick automaton compiled to a dense DFA over
// byte classes (only the bytes patterns use are distinct classes), with
// int32 transitions: a few MB for the whole lexicon instead of 2 KB per
// trie state, so a walk stays in cache. It reports every pattern occurrence
// like ahocorasick.Trie.Walk did.
type automaton struct {
	class   [256]uint16
	k       int     // number of classes (class 0: bytes no pattern uses)
	pattern []int32 // pattern ending at the state, or -1
	length  []int32 // its length
	dict    []int32 // nearest proper suffix state with a pattern, or -1
	// next is the transition table: next[s*k+class] is the next state t
	// premultiplied (t*k), negated (-t*k-1) when t reports a pattern
	// (pattern[t] >= 0 or dict[t] >= 0), so the loop over input touches
	// one table per byte.
	next []int32
	// maxLen is the longest pattern's length.
	maxLen int
	// fold is set for a folding automaton (newFoldingAutomaton).
	fold bool
	// wordEnds drops the occurrences that end inside an ASCII word (an
	// ASCII letter or digit at the end and after it) before they are
	// reported: a Matcher wants none of them, and nearly half the
	// occurrences of its patterns in a letter are such (in "address",
	// "dress").
	wordEnds bool
}

// newAutomaton compiles patterns (non-empty).
func newAutomaton(patterns []string) *automaton { return buildAutomaton(patterns, false) }

// newFoldingAutomaton compiles patterns (non-empty, as normTerm folds them)
// into an automaton that walks text as if folded (foldTable, every
// white-space run as one space): an upper-case ASCII letter is its lower
// case, a white-space byte a space, and a white-space byte after another
// one leaves the state as it is. Its occurrences end at offsets of the
// text itself; their length n counts folded bytes (a white-space run is
// one). A pattern with an upper-case ASCII letter or a white-space byte
// other than a single space never matches.
func newFoldingAutomaton(patterns []string) *automaton { return buildAutomaton(patterns, true) }

func buildAutomaton(patterns []string, fold bool) *automaton {
	a := &automaton{fold: fold}
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
	// The transitions, state*k + class -> next state (only while building:
	// walks use next).
	delta := make([]int32, k) // root; 0 means "no edge" while building (root is never a target)
	a.pattern = []int32{-1}
	a.length = []int32{0}
	lastSpace := []bool{false} // the state's trie label ends with a space
	for pi, p := range patterns {
		s := int32(0)
		for i := 0; i < len(p); i++ {
			c := int(a.class[p[i]])
			nx := delta[int(s)*k+c]
			if nx == 0 {
				nx = int32(len(a.pattern))
				delta = append(delta, make([]int32, k)...)
				a.pattern = append(a.pattern, -1)
				a.length = append(a.length, int32(i+1))
				lastSpace = append(lastSpace, p[i] == ' ')
				delta[int(s)*k+c] = nx
			}
			s = nx
		}
		if a.pattern[s] < 0 {
			a.pattern[s] = int32(pi)
		}
		a.maxLen = max(a.maxLen, len(p))
	}
	n := len(a.pattern)
	fail := make([]int32, n)
	a.dict = make([]int32, n)
	a.dict[0] = -1
	// Breadth-first: complete the transitions into a DFA.
	queue := make([]int32, 0, n)
	for c := 0; c < k; c++ {
		if nx := delta[c]; nx != 0 {
			fail[nx] = 0
			a.dict[nx] = -1
			queue = append(queue, nx)
		}
	}
	for q := 0; q < len(queue); q++ {
		s := queue[q]
		for c := 0; c < k; c++ {
			nx := delta[int(s)*k+c]
			if nx == 0 {
				delta[int(s)*k+c] = delta[int(fail[s])*k+c]
				continue
			}
			f := delta[int(fail[s])*k+c]
			fail[nx] = f
			if a.pattern[f] >= 0 {
				a.dict[nx] = f
			} else {
				a.dict[nx] = a.dict[f]
			}
			queue = append(queue, nx)
		}
	}
	a.next = make([]int32, len(delta))
	for i, t := range delta {
		v := t * int32(k)
		if a.pattern[t] >= 0 || a.dict[t] >= 0 {
			v = -v - 1
		}
		a.next[i] = v
	}
	if fold {
		// A space after a space is dropped: a state reached by a space
		// stays (the root stays the root or goes to the state of " "
		// like a first space, which a pattern never starts with).
		if sp := int(a.class[' ']); sp != 0 {
			for t, ls := range lastSpace {
				if ls {
					a.next[t*k+sp] = int32(t * k) // no report: folded text has no second space
				}
			}
		}
		for b := range 256 {
			if f := foldTable[b]; f != byte(b) {
				a.class[b] = a.class[f]
			}
		}
	}
	return a
}

// walk calls fn(end, n, pattern) for every occurrence of a pattern in
// input ending at byte end (inclusive), n bytes long (folded bytes for a
// folding automaton), in input order.
//
// A long input is walked as four quarters at once, so that the chains of
// table loads overlap: the automaton's state after a byte depends only on
// the last maxLen bytes (folded), so a later quarter's walk starts that
// far early from the root and is in the right state from its first byte
// on. The occurrences of each quarter are recorded and then reported in
// order.
func walk[T ~string | ~[]byte](a *automaton, input T, fn func(end, n, pattern int)) {
	if len(input) < 4*(a.maxLen+minSplitWalk) {
		walkSeq(a, input, fn)
		return
	}
	k := int32(a.k)
	next := a.next
	class := &a.class
	q := len(input) / 4
	var st [4]int32
	for j := 1; j < 4; j++ {
		for i := warmStart(a, input, j*q); i < j*q; i++ {
			if st[j] = next[st[j]+int32(class[input[i]])]; st[j] < 0 {
				st[j] = -st[j] - 1
			}
		}
	}
	evp := walkEventsPool.Get().(*walkEvents)
	ev := &evp.ev
	for j := range ev {
		ev[j] = ev[j][:0]
	}
	s0, s1, s2, s3 := st[0], st[1], st[2], st[3]
	in0, in1, in2, in3 := input[:q], input[q:2*q], input[2*q:3*q], input[3*q:4*q]
	for i := 0; ; i++ {
		i, s0, s1, s2, s3 = step4(next, class, in0, in1, in2, in3, i, s0, s1, s2, s3)
		if i == q {
			break
		}
		s0, s1, s2, s3 = evp.record(i, q, k, s0, s1, s2, s3)
	}
	for i := 4 * q; i < len(input); i++ { // the last len%4 bytes
		if s3 = next[s3+int32(class[input[i]])]; s3 < 0 {
			s3 = -s3 - 1
			ev[3] = append(ev[3], int32(i), s3/k)
		}
	}
	for _, e := range ev {
		for j := 0; j+1 < len(e); j += 2 {
			end := int(e[j])
			if a.wordEnds && inWord(input, end) {
				continue
			}
			a.report(end, e[j+1], fn)
		}
	}
	walkEventsPool.Put(evp)
}

// warmStart is where a walk that must be in the right state at input[at]
// starts from the root: maxLen bytes before, or for a folding automaton
// maxLen folded bytes (a white-space run counts one), or 0.
func warmStart[T ~string | ~[]byte](a *automaton, input T, at int) int {
	if !a.fold {
		return max(0, at-a.maxLen)
	}
	return foldedStart(input, at-1, a.maxLen)
}

// minSplitWalk is the least length of a quarter, besides the longest
// pattern, for walk to split its input.
const minSplitWalk = 64

// step4 steps the four quarters in0..in3 (of one length) from their byte
// i on, from the states s0..s3, until one of them reaches a reporting
// state or they end; it returns where (len(in0) at the end) and the
// states. The loop is a function of its own, with no call in it, so that
// the compiler keeps its slices and states in registers (with the
// recording in the loop it kept them on the stack: 16 instructions a byte
// in the loop, 11 now, callgrind).
func step4[T ~string | ~[]byte](next []int32, class *[256]uint16, in0, in1, in2, in3 T, i int, s0, s1, s2, s3 int32) (int, int32, int32, int32, int32) {
	in1, in2, in3 = in1[:len(in0)], in2[:len(in0)], in3[:len(in0)] // no bounds checks on them
	for ; i < len(in0); i++ {
		s0 = next[s0+int32(class[in0[i]])]
		s1 = next[s1+int32(class[in1[i]])]
		s2 = next[s2+int32(class[in2[i]])]
		s3 = next[s3+int32(class[in3[i]])]
		if s0|s1|s2|s3 < 0 {
			break
		}
	}
	return i, s0, s1, s2, s3
}

// walkEvents are the recorded (end, state) pairs of walk's quarters.
type walkEvents struct{ ev [4][]int32 }

// record records the reporting states among s0..s3 (negative: see
// automaton.next), the states of the quarters' byte i (quarters q bytes
// long, k classes), and returns the states to go on from.
func (w *walkEvents) record(i, q int, k, s0, s1, s2, s3 int32) (int32, int32, int32, int32) {
	if s0 < 0 {
		s0 = -s0 - 1
		w.ev[0] = append(w.ev[0], int32(i), s0/k)
	}
	if s1 < 0 {
		s1 = -s1 - 1
		w.ev[1] = append(w.ev[1], int32(q+i), s1/k)
	}
	if s2 < 0 {
		s2 = -s2 - 1
		w.ev[2] = append(w.ev[2], int32(2*q+i), s2/k)
	}
	if s3 < 0 {
		s3 = -s3 - 1
		w.ev[3] = append(w.ev[3], int32(3*q+i), s3/k)
	}
	return s0, s1, s2, s3
}

var walkEventsPool = sync.Pool{New: func() any { return new(walkEvents) }}

// report calls fn for the patterns state t reports at end.
func (a *automaton) report(end int, t int32, fn func(end, n, pattern int)) {
	if p := a.pattern[t]; p >= 0 {
		fn(end, int(a.length[t]), int(p))
	}
	for u := a.dict[t]; u >= 0; u = a.dict[u] {
		fn(end, int(a.length[u]), int(a.pattern[u]))
	}
}

// walkSeq is walk in one pass.
func walkSeq[T ~string | ~[]byte](a *automaton, input T, fn func(end, n, pattern int)) {
	k := int32(a.k)
	next := a.next
	class := &a.class
	s := int32(0) // premultiplied state
	for i := range len(input) {
		s = next[s+int32(class[input[i]])]
		if s >= 0 {
			continue
		}
		s = -s - 1
		if a.wordEnds && inWord(input, i) {
			continue
		}
		a.report(i, s/k, fn)
	}
}

// inWord reports whether input[end] and the byte after it are ASCII
// letters or digits.
func inWord[T ~string | ~[]byte](input T, end int) bool {
	return end+1 < len(input) && asciiWord[input[end+1]] && asciiWord[input[end]]
}

// A span is the byte range [start, end) of a text.
type span struct{ start, end int }

// batchScratch holds walkBatch's buffers.
type batchScratch struct {
	lanes [4][]byte
	lane  []uint8 // by range: its lane
	at    []int   // by range: where it starts in its lane
	ev    walkEvents
}

// walkBatch calls fn(r, end, n, pattern) for every occurrence of a pattern
// in text[ranges[r].start:ranges[r].end], with end relative to the
// range's start: range by range, each in input order, as walk of each
// range would. The tagger walks its context and sign automata over a few
// dozen sentences of about 80 bytes a letter, too short for walk's split,
// and one walk of a sentence waits on each of its table loads in turn
// (about four times walk's time per byte, pprof); here the ranges are
// walked four at a time. Each range is copied to the shortest of four
// lanes behind a 0 byte (one no pattern uses: it takes every state to the
// root without a report, so each range is walked from the root as alone),
// and step4 steps the lanes together.
func walkBatch(a *automaton, text string, ranges []span, bs *batchScratch, fn func(r, end, n, pattern int)) {
	if len(ranges) < 4 || a.class[0] != 0 {
		for r, rg := range ranges {
			walk(a, text[rg.start:rg.end], func(end, n, pattern int) { fn(r, end, n, pattern) })
		}
		return
	}
	lanes := &bs.lanes
	for j := range lanes {
		lanes[j] = lanes[j][:0]
	}
	bs.lane, bs.at = bs.lane[:0], bs.at[:0]
	for _, rg := range ranges {
		j := 0
		for i := 1; i < len(lanes); i++ {
			if len(lanes[i]) < len(lanes[j]) {
				j = i
			}
		}
		bs.lane = append(bs.lane, uint8(j))
		bs.at = append(bs.at, len(lanes[j]))
		lanes[j] = append(append(lanes[j], text[rg.start:rg.end]...), 0)
	}
	n := 0
	for _, l := range lanes {
		n = max(n, len(l))
	}
	for j := range lanes {
		lanes[j] = append(lanes[j], make([]byte, n-len(lanes[j]))...) // 0 bytes (no allocation)
	}
	k := int32(a.k)
	ev := &bs.ev.ev
	for j := range ev {
		ev[j] = ev[j][:0]
	}
	var s0, s1, s2, s3 int32
	for i := 0; ; i++ {
		i, s0, s1, s2, s3 = step4(a.next, &a.class, lanes[0], lanes[1], lanes[2], lanes[3], i, s0, s1, s2, s3)
		if i == n {
			break
		}
		s0, s1, s2, s3 = bs.ev.record(i, 0, k, s0, s1, s2, s3)
	}
	// A lane's events are in order, and so are its ranges: a cursor per
	// lane.
	var cur [4]int
	for r, rg := range ranges {
		j, at := bs.lane[r], bs.at[r]
		end := at + rg.end - rg.start
		e, c := ev[j], cur[j]
		for ; c+1 < len(e) && int(e[c]) < end; c += 2 {
			i := int(e[c])
			if a.wordEnds && inWord(lanes[j], i) { // the 0 after a range ends no word
				continue
			}
			t := e[c+1]
			if p := a.pattern[t]; p >= 0 {
				fn(r, i-at, int(a.length[t]), int(p))
			}
			for u := a.dict[t]; u >= 0; u = a.dict[u] {
				fn(r, i-at, int(a.length[u]), int(a.pattern[u]))
			}
		}
		cur[j] = c
	}
}
