package lexicon

import "sort"

// Scope rules, in the spirit of pyConText: a cue reaches a term in its
// direction within its scope (in tokens) unless a terminator stands
// between. Among the status cues that reach a term the nearest wins, so in
// "FABER negative, Gaenslen positive" each test takes its own. A cue that
// may look both ways binds to the term it touches: "negative" in "SLR
// negative, FABER ..." stays with SLR, and in "SI joint tenderness and
// positive FABER" with FABER. Sides are owned by the nearest term; the
// items of a clinical list ("FABER, Gaenslen's and thigh thrust on the
// left") share the sides written before or after the list.

// A target is one term the scan assesses.
type target struct {
	// start and end bound the term and what belongs to it (a composite
	// finding's site and sign); cues inside are not context.
	start, end int
	// anchorStart and anchorEnd are the term proper.
	anchorStart, anchorEnd int
	// a is the result.
	a Assessment
	// clauseStart and clauseEnd bound the clause of the term.
	clauseStart, clauseEnd int
	// pairs are the (status, side) readings of "positive on the left,
	// negative on the right" after the term; at least two when set.
	pairs []Assessment

	sides []*ctxHit // owned side words
	list  int       // list group index
	cueAt int       // start of the status cue chosen, or -1
}

type tok struct{ start, end int }

// A scan is the context analysis of one sentence.
type scan struct {
	c          *Context
	text       string
	start, end int
	hits       []ctxHit
	toks       []tok
	bound      []string // assess's two-way cue directions, by hit
}

func isWordByte(b byte) bool {
	return b >= 0x80 || 'a' <= b && b <= 'z' || 'A' <= b && b <= 'Z' || '0' <= b && b <= '9'
}

// reset makes s the scan of text[start:end] with its context hits,
// tokenizing it into s's token buffer (reused from the previous sentence).
func (s *scan) reset(c *Context, text string, start, end int, hits []ctxHit) {
	*s = scan{c: c, text: text, start: start, end: end, hits: hits, toks: s.toks[:0], bound: s.bound[:0]}
	t := text[:end] // j < len(t): no bounds checks
	for i := start; i < len(t); {
		switch tokClass[t[i]] {
		case tokSpace:
			i++
		case tokWord:
			j := i + 1
			for j < len(t) && tokClass[t[j]] == tokWord {
				j++
			}
			s.toks = append(s.toks, tok{i, j})
			i = j
		default:
			s.toks = append(s.toks, tok{i, i + 1})
			i++
		}
	}
}

// Byte classes of tokClass.
const (
	tokPunct = iota // a token of its own
	tokSpace        // between tokens
	tokWord         // part of a word token (isWordByte)
)

// tokClass is the token class of a byte: one table lookup per byte
// instead of the comparisons of isWordByte and the white-space switch.
var tokClass = func() (t [256]uint8) {
	for i := range t {
		b := byte(i)
		switch {
		case b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f' || b == '\v':
			t[i] = tokSpace
		case isWordByte(b):
			t[i] = tokWord
		}
	}
	return t
}()

// dist counts the tokens starting in [a, b).
func (s *scan) dist(a, b int) int {
	if b <= a {
		return 0
	}
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= a })
	j := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= b })
	return j - i
}

// terminated reports whether a terminator other than except lies in [a, b).
// hard restricts to the terminator kind (not cues that also terminate).
func (s *scan) terminated(a, b int, except *ctxHit, hard bool) bool {
	for i := range s.hits {
		h := &s.hits[i]
		if h.start >= b {
			break
		}
		if h == except || h.t.cue == nil || !h.t.cue.terminates || h.start < a {
			continue
		}
		if hard && h.t.cue.kind != kindTerminator {
			continue
		}
		return true
	}
	return false
}

// covered reports whether [a, b) lies inside a side hit.
func (s *scan) inSide(a, b int) bool {
	for i := range s.hits {
		h := &s.hits[i]
		if h.start > a {
			break
		}
		if h.t.side != 0 && h.start <= a && b <= h.end {
			return true
		}
	}
	return false
}

// gapOf reports whether every token in [a, b) is in words (lower-cased) or,
// with sides, inside a side word.
func (s *scan) gapOf(a, b int, words map[string]bool, sides bool) bool {
	if b < a {
		return true
	}
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= a })
	for ; i < len(s.toks) && s.toks[i].start < b; i++ {
		t := s.toks[i]
		if words[asciiLower(s.text[t.start:t.end])] {
			continue
		}
		if sides && s.inSide(t.start, t.end) {
			continue
		}
		return false
	}
	return true
}

func statusOf(k string) string {
	switch k {
	case kindNegated:
		return Negative
	case kindPositive:
		return Positive
	case kindNotPerformed:
		return NotPerformed
	}
	return ""
}

// reach returns the token distance at which cue h reaches target t, or -1.
// bound is the direction a two-way cue is bound to ("" when free).
func (s *scan) reach(h *ctxHit, t *target, bound string) int {
	cu := h.t.cue
	dir := cu.dir
	if dir == dirBoth && bound != "" {
		dir = bound
	}
	if h.start < t.start && t.start < h.end || h.start < t.end && t.end < h.end {
		return 0 // the cue overlaps the term's edge ("not tender over ...")
	}
	// An excluded cue speaks of a whole test result ("EMG showed ..."):
	// only a terminator proper ends it, not a status cue.
	hard := cu.kind == kindExcluded
	if h.end <= t.start && (dir == dirForward || dir == dirBoth) {
		d := s.dist(h.end, t.start)
		if d <= cu.scope && !s.terminated(h.end, t.start, h, hard) && !(cu.kind == kindNegated && s.newClause(h.end, t)) {
			return d
		}
	}
	if t.end <= h.start && (dir == dirBackward || dir == dirBoth) {
		d := s.dist(t.end, h.start)
		if d <= cu.scope && !s.terminated(t.end, h.start, h, hard) {
			return d
		}
	}
	return -1
}

// newClause reports whether target t, after a forward cue ending at a,
// opens a new clause: ", and" stands between and a clause verb follows t
// ("no improvement with prior therapy, and radiculopathy was already
// clinically obvious"). A list keeps the cue: "no numbness, tingling, and
// weakness".
func (s *scan) newClause(a int, t *target) bool { return s.clauseAfter(a, t, true) }

// clauseAfter reports whether target t opens a new clause after a: "and"
// (", and" when comma) stands in [a, t.start) and a clause verb follows
// the term ("... of bilateral lower extremities and sensation is intact").
func (s *scan) clauseAfter(a int, t *target, comma bool) bool {
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= a })
	and := false
	for ; i < len(s.toks) && s.toks[i].start < t.start; i++ {
		if asciiLower(s.text[s.toks[i].start:s.toks[i].end]) == "and" && (!comma || i > 0 && s.text[s.toks[i-1].start:s.toks[i-1].end] == ",") {
			and = true
			break
		}
	}
	if !and {
		return false
	}
	j := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= t.anchorEnd })
	return j < len(s.toks) && s.c.clauseVerbs[asciiLower(s.text[s.toks[j].start:s.toks[j].end])]
}

// commaCost is what a comma between a side word and a term adds to their
// distance: "FABER (-) bilaterally, Gaenslen neg" gives the side to FABER.
const commaCost = 4

// sideDist is dist for side words: a context term counts as one token and
// a comma as commaCost.
func (s *scan) sideDist(a, b int) int {
	if b <= a {
		return 0
	}
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= a })
	d, inHit := 0, -1
	for ; i < len(s.toks) && s.toks[i].start < b; i++ {
		t := s.toks[i]
		if inHit >= 0 && t.start < s.hits[inHit].end {
			continue
		}
		inHit = -1
		for k := range s.hits {
			if s.hits[k].start <= t.start && t.start < s.hits[k].end {
				inHit = k
				break
			}
		}
		if s.text[t.start] == ',' {
			d += commaCost
			continue
		}
		d++
	}
	return d
}

// maxSideDist is how far (in tokens) a side word may stand from its term.
const maxSideDist = 12

// assess fills the assessments of ts (sorted by start, all in the sentence).
func (s *scan) assess(ts []target) {
	inTarget := func(a, b int) bool {
		for i := range ts {
			if ts[i].start <= a && b <= ts[i].end {
				return true
			}
		}
		return false
	}
	// Two-way cues bind to a term they touch.
	s.bound = append(s.bound[:0], make([]string, len(s.hits))...)
	bound := s.bound
	for i := range s.hits {
		h := &s.hits[i]
		if h.t.cue == nil || h.t.cue.dir != dirBoth {
			continue
		}
		// Touching both ways, it binds to the nearer term, the earlier
		// on a tie: "SI joint tenderness with positive FABER" binds to
		// FABER, "FABER negative Gaenslen positive" to each test before.
		pre, fol := -1, -1
		for j := range ts {
			t := &ts[j]
			if t.end <= h.start && s.gapOf(t.end, h.start, s.c.fillers, true) {
				pre = s.dist(t.end, h.start)
			}
			if fol < 0 && t.start >= h.end && s.gapOf(h.end, t.start, s.c.fillers, true) {
				fol = s.dist(h.end, t.start)
			}
		}
		switch {
		case pre >= 0 && (fol < 0 || pre <= fol):
			bound[i] = dirBackward
		case fol >= 0:
			bound[i] = dirForward
		}
	}
	for j := range ts {
		t := &ts[j]
		t.a = Assessment{Certainty: Definite, Experiencer: Patient}
		best := -1
		t.cueAt = -1
		hyp, pos := false, false
		posAt := -1 // start of the first possible cue before the term
		for i := range s.hits {
			h := &s.hits[i]
			if h.t.cue == nil || inTarget(h.start, h.end) {
				continue
			}
			d := s.reach(h, t, bound[i])
			if d < 0 {
				continue
			}
			switch k := h.t.cue.kind; k {
			case kindNegated, kindPositive, kindNotPerformed:
				if best < 0 || d < best || d == best && h.end <= t.start {
					best, t.a.Status, t.cueAt = d, statusOf(k), h.start
				}
			case kindHypothetical:
				hyp = true
			case kindPossible:
				pos = true
				if h.end <= t.start && (posAt < 0 || h.start < posAt) {
					posAt = h.start
				}
			case kindFamily:
				t.a.Experiencer = Family
			case kindHistorical:
				t.a.Historical = true
			case kindExcluded:
				t.a.Excluded = true
			}
		}
		// A negation before a possible cue denies the whole phrase: "no
		// findings consistent with radiculopathy" is no radiculopathy,
		// not a possible one.
		if pos && t.a.Status == Negative && posAt >= 0 && t.cueAt >= 0 && t.cueAt < posAt {
			pos = false
		}
		switch {
		case hyp:
			t.a.Certainty = Hypothetical
		case pos:
			t.a.Certainty = Possible
		}
		// The clause: the sentence between hard terminators.
		t.clauseStart, t.clauseEnd = s.start, s.end
		for i := range s.hits {
			h := &s.hits[i]
			if h.t.cue == nil || h.t.cue.kind != kindTerminator {
				continue
			}
			if h.end <= t.anchorStart && h.end > t.clauseStart {
				t.clauseStart = h.end
			}
			if h.start >= t.anchorEnd && h.start < t.clauseEnd {
				t.clauseEnd = h.start
			}
		}
	}
	s.lists(ts, bound)
	s.sides(ts)
	s.pairs(ts)
}

// lists groups the targets into clinical lists: items separated only by
// joiners, or by a status cue bound to the next item ("positive FABER,
// positive Gaenslen's and positive thigh thrust"). An item without a
// status takes the status of a cue written before the list's head or
// after its tail ("FABER, Gaenslen's and thigh thrust were negative").
func (s *scan) lists(ts []target, bound []string) {
	g := 0
	for j := range ts {
		if j > 0 && !s.listGap(ts[j-1].end, ts[j].start, bound) {
			g++
		}
		ts[j].list = g
	}
	for a := 0; a < len(ts); {
		b := a
		for b+1 < len(ts) && ts[b+1].list == ts[a].list {
			b++
		}
		status := ""
		for k := a; k <= b; k++ {
			if c := ts[k].cueAt; c >= 0 && (c < ts[a].start || c >= ts[b].end) && ts[k].a.Status != "" {
				status = ts[k].a.Status
				if c >= ts[b].end { // the tail's cue speaks for the list
					break
				}
			}
		}
		if status != "" {
			for k := a; k <= b; k++ {
				if ts[k].a.Status == "" {
					ts[k].a.Status = status
				}
			}
		}
		a = b + 1
	}
}

// listGap reports whether [a, b) only joins two list items.
func (s *scan) listGap(a, b int, bound []string) bool {
	if b < a {
		return true
	}
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= a })
	for ; i < len(s.toks) && s.toks[i].start < b; i++ {
		t := s.toks[i]
		if s.c.joiners[asciiLower(s.text[t.start:t.end])] {
			continue
		}
		ok := false
		for k := range s.hits {
			h := &s.hits[k]
			if h.start <= t.start && t.end <= h.end && h.t.cue != nil && statusOf(h.t.cue.kind) != "" && bound[k] == dirForward {
				ok = true
				break
			}
		}
		if !ok {
			return false
		}
	}
	return true
}

// sides gives each side word to the nearest target and shares the sides of
// a clinical list among its items.
func (s *scan) sides(ts []target) {
	if len(ts) == 0 {
		return
	}
	for i := range s.hits {
		h := &s.hits[i]
		if h.t.side == 0 {
			continue
		}
		// A side of a body part ("right knee") is the part's: a finding
		// takes it only where the part is the finding's own.
		// A part heading its sentence ("The right shoulder had
		// decreased range of motion", "Physical examination of the
		// bilateral elbows revealed ...") is what the sentence is about.
		partEnd, limb := -1, false
		if h.t.side == sideWord {
			partEnd, limb = s.sidePart(h, ts)
			if partEnd >= 0 && s.clauseInitial(h.start) && s.headed(partEnd) {
				partEnd = -1
			}
		}
		best, bestD := -1, 0
		// loc is the nearest finding outside a sided part that the part
		// locates ("numbness in the left anterior thigh that radiated to
		// the knee", "radiated into the hands and fingers with
		// numbness"): it keeps the side when the part is also another
		// finding's (a radiation's limb) or stands nearer to it.
		loc, locD, loc2, loc2D := -1, 0, -1, 0 // the nearest two
		for j := range ts {
			t := &ts[j]
			var d int
			switch {
			case t.start <= h.start && h.end <= t.end:
				d = -1 // inside: its own
			case h.end <= t.start:
				if s.terminated(h.end, t.start, nil, true) {
					continue
				}
				if partEnd >= 0 {
					if !s.partLeads(partEnd, t.start, limb) || limb && s.clauseAfter(partEnd, t, false) {
						continue
					}
				} else if s.hasComma(h.end, t.start) && !s.clauseInitial(h.start) {
					// "limited to 60° on the right, a positive
					// Spurling's test": the side ends its phrase.
					continue
				}
				d = s.sideDist(h.end, t.start)
				if partEnd >= 0 && d <= maxSideDist && (loc < 0 || d < locD) {
					loc2, loc2D = loc, locD
					loc, locD = j, d
				} else if partEnd >= 0 && d <= maxSideDist && (loc2 < 0 || d < loc2D) {
					loc2, loc2D = j, d
				}
			case t.end <= h.start:
				if s.terminated(t.end, h.start, nil, true) {
					continue
				}
				if partEnd >= 0 && (!s.partFollows(t.end, h.start) || s.hasComma(t.end, h.start)) {
					// "paracervical muscles tenderness, and right
					// wrist with ...": a part after a comma starts
					// the list's next item.
					continue
				}
				d = s.sideDist(t.end, h.start)
				if partEnd >= 0 && d <= maxSideDist && (loc < 0 || d <= locD) {
					loc2, loc2D = loc, locD
					loc, locD = j, d
				} else if partEnd >= 0 && d <= maxSideDist && (loc2 < 0 || d <= loc2D) {
					loc2, loc2D = j, d
				}
			default:
				d = 0
			}
			if d > maxSideDist {
				continue
			}
			if best < 0 || d < bestD { // ties: the earlier target
				best, bestD = j, d
			}
		}
		if best >= 0 {
			ts[best].sides = append(ts[best].sides, h)
		}
		if loc == best {
			loc = loc2
		}
		if loc >= 0 && loc != best {
			ts[loc].sides = append(ts[loc].sides, h)
		}
	}
	for j := range ts {
		t := &ts[j]
		hs := t.sides
		if len(hs) == 0 {
			// Share the list's sides written right before its head
			// (only fillers between) or after its tail in the same
			// phrase (no comma between): in "on the right, tenderness
			// over the right greater trochanter and lumbar paraspinal
			// tenderness" the sides are the trochanter's alone.
			head, tail := j, j
			for head > 0 && ts[head-1].list == t.list {
				head--
			}
			for tail+1 < len(ts) && ts[tail+1].list == t.list {
				tail++
			}
			for k := head; k <= tail; k++ {
				u := &ts[k]
				if k == j {
					continue
				}
				for _, h := range u.sides {
					if u.start <= h.start && h.end <= u.end {
						continue
					}
					if h.end <= ts[head].start && (s.gapOf(h.end, ts[head].start, s.c.fillers, true) ||
						s.clauseInitial(h.start) && s.gapOf(h.end, ts[head].start, s.c.fillersComma, true)) ||
						h.start >= ts[tail].end && !s.hasComma(ts[tail].end, h.start) {
						hs = append(hs, h)
					}
				}
			}
		}
		t.a.Laterality, t.a.SideDetail = combineSides(hs)
	}
}

// sidePart returns the end of the body part side word h belongs to ("right
// knee", "left L5", "right ulnar wrist"; a plural limb is its own part), or
// -1 when h is a bare side ("on the right") or the part is a finding's
// ("right straight leg raise"); limb is true for plural limbs.
func (s *scan) sidePart(h *ctxHit, ts []target) (end int, limb bool) {
	if h.t.limb {
		return h.end, true
	}
	// A finding's own term ends the part ("right straight leg raise");
	// a composite's sign does not: in "numbness in the left anterior
	// thigh that radiated to the knee" the thigh is radiation's sign and
	// still a part.
	inTarget := func(a, b int) bool {
		for j := range ts {
			if ts[j].anchorStart < b && a < ts[j].anchorEnd {
				return true
			}
		}
		return false
	}
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= h.end })
	for mods := 0; i < len(s.toks); i++ {
		t := s.toks[i]
		if inTarget(t.start, t.end) {
			return -1, false
		}
		if isLevel(s.text[t.start:t.end]) {
			return t.end, false
		}
		if k := s.hitAt(t.start); k >= 0 {
			if p := s.hits[k].t; p.part || p.limb {
				return s.hits[k].end, p.limb
			}
			return -1, false
		}
		w := asciiLower(s.text[t.start:t.end])
		if mods == 2 || !isWordByte(w[0]) || s.c.fillers[w] || s.c.joiners[w] {
			return -1, false
		}
		mods++ // a modifier: "right ulnar wrist", "left index finger"
	}
	return -1, false
}

// hitAt returns the index of the hit starting at pos, or -1.
func (s *scan) hitAt(pos int) int {
	for k := range s.hits {
		if s.hits[k].start == pos {
			return k
		}
		if s.hits[k].start > pos {
			break
		}
	}
	return -1
}

// inPart reports whether [a, b) is a body part, a spinal level or a side
// word.
func (s *scan) inPart(a, b int) bool {
	if isLevel(s.text[a:b]) {
		return true
	}
	for k := range s.hits {
		h := &s.hits[k]
		if h.start > a {
			break
		}
		if b <= h.end && (h.t.part || h.t.side != 0) {
			return true
		}
	}
	return false
}

// partLeads reports whether a sided part ending at a names the finding
// starting at b: only parts, levels and parts.after words between ("left
// leg numbness", "right shoulder pain radiating"). Plural limbs are the
// region of an exam and reach further, over a list, but not past another
// part: "strength 5/5 in the upper extremities, and normal sensation", not
// "bilateral knees, and lower extremity radicular pain".
func (s *scan) partLeads(a, b int, limb bool) bool {
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= a })
	// parts: only parts and "and"/"or" since a, a list of parts sharing
	// the limb's side ("hands and fingers with numbness"), unless the
	// last part names the finding ("knees and lower extremity radicular
	// pain"); listed: the token before is such a part.
	parts, listed := true, false
	for ; i < len(s.toks) && s.toks[i].start < b; i++ {
		t := s.toks[i]
		w := asciiLower(s.text[t.start:t.end])
		if limb {
			if s.inPart(t.start, t.end) {
				if parts {
					listed = true
					continue
				}
				return false
			}
			listed = false
			if w != "and" && w != "or" && w != "&" {
				parts = false
			}
			if s.c.partAfter[w] || s.c.fillersComma[w] || s.c.joiners[w] || isNumber(w) || s.inStatusCue(t.start, t.end) {
				continue
			}
			return false
		}
		if s.c.partAfter[w] || w == "-" || s.inPart(t.start, t.end) {
			continue
		}
		if (w == "and" || w == "or") && i > 0 && i+1 < len(s.toks) && s.toks[i-1].start >= a &&
			s.c.partAfter[asciiLower(s.text[s.toks[i-1].start:s.toks[i-1].end])] &&
			s.c.partAfter[asciiLower(s.text[s.toks[i+1].start:s.toks[i+1].end])] {
			continue // "left shoulder pain and burning that radiates"
		}
		return false
	}
	return !listed
}

// partFollows reports whether a sided part starting at b is where the
// finding ending at a is: only fillers, joiners, parts.before words,
// parts, levels, sides, numbers and status cues between ("numbness in the
// left leg", "radiated into the lateral aspect of the left calf").
func (s *scan) partFollows(a, b int) bool {
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= a })
	for ; i < len(s.toks) && s.toks[i].start < b; i++ {
		t := s.toks[i]
		w := asciiLower(s.text[t.start:t.end])
		if s.c.fillers[w] || s.c.joiners[w] || s.c.partBefore[w] || isNumber(w) || s.inPart(t.start, t.end) || s.inStatusCue(t.start, t.end) {
			continue
		}
		return false
	}
	return true
}

// inStatusCue reports whether [a, b) lies in a status cue.
func (s *scan) inStatusCue(a, b int) bool {
	for k := range s.hits {
		h := &s.hits[k]
		if h.start > a {
			break
		}
		if b <= h.end && h.t.cue != nil && statusOf(h.t.cue.kind) != "" {
			return true
		}
	}
	return false
}

// clauseInitial reports whether only fillers (and parts.before words)
// stand between the start of the sentence (or a colon) and pos: "On the
// right, FABER and Gaenslen's are positive", "Physical examination of the
// left knee revealed".
func (s *scan) clauseInitial(pos int) bool {
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= pos })
	for i--; i >= 0; i-- {
		w := s.text[s.toks[i].start:s.toks[i].end]
		if w == ":" {
			return true
		}
		if lw := asciiLower(w); !s.c.fillers[lw] && !s.c.partBefore[lw] {
			return false
		}
	}
	return true
}

// headed reports whether the word after a part ending at pos makes it the
// head of its sentence (parts.heads: "had", "revealed", ",").
func (s *scan) headed(pos int) bool {
	i := sort.Search(len(s.toks), func(i int) bool { return s.toks[i].start >= pos })
	return i < len(s.toks) && s.c.partHeads[asciiLower(s.text[s.toks[i].start:s.toks[i].end])]
}

// isLevel reports whether w is a spinal level: C, T, L or S and a number
// ("L5", "c6", "T12").
func isLevel(w string) bool {
	if len(w) < 2 || len(w) > 3 {
		return false
	}
	switch w[0] {
	case 'C', 'T', 'L', 'S', 'c', 't', 'l', 's':
	default:
		return false
	}
	return isNumber(w[1:])
}

// isNumber reports whether w is all digits.
func isNumber(w string) bool {
	for i := 0; i < len(w); i++ {
		if w[i] < '0' || w[i] > '9' {
			return false
		}
	}
	return w != ""
}

// hasComma reports whether a comma lies in [a, b).
func (s *scan) hasComma(a, b int) bool {
	for i := a; i < b && i < len(s.text); i++ {
		if s.text[i] == ',' {
			return true
		}
	}
	return false
}

// combineSides folds side words into a laterality and a side detail.
func combineSides(hs []*ctxHit) (side, detail string) {
	var r, l, b, limbs bool
	for _, h := range hs {
		if h.t.side == sideDetail {
			detail, b = h.t.value, true
			continue
		}
		switch {
		case h.t.value == Right:
			r = true
		case h.t.value == Left:
			l = true
		case h.t.limb: // a plural limb: both sides unless one is named
			limbs = true
		case h.t.value == Bilateral:
			b = true
		}
	}
	switch {
	case b || r && l || limbs && !r && !l:
		side = Bilateral
	case r:
		side = Right
	case l:
		side = Left
	}
	return side, detail
}

// pairs reads "positive on the left, negative on the right" after a list:
// status cues each next to a side word.
func (s *scan) pairs(ts []target) {
	for j := 0; j < len(ts); j++ {
		// The last item of j's list.
		last := j
		for last+1 < len(ts) && ts[last+1].list == ts[j].list {
			last++
		}
		stop := s.end
		if last+1 < len(ts) {
			stop = ts[last+1].start
		}
		var got []Assessment
		var seen sideSet
		var pend *ctxHit // a status cue waiting for its side, or a side for its cue
		// A status written before the list pairs with the first side
		// after it: "a positive straight leg raise on the left at 45
		// degrees and negative on the right".
		lead := ""
		if c := ts[j].cueAt; c >= 0 && c < ts[j].start {
			lead = ts[j].a.Status
		}
		for i := range s.hits {
			h := &s.hits[i]
			if h.start < ts[last].end || h.end > stop {
				continue
			}
			isStatus := h.t.cue != nil && statusOf(h.t.cue.kind) != ""
			isSide := h.t.side == sideWord
			if !isStatus && !isSide {
				continue
			}
			if lead != "" && isSide {
				seen.add(h.t.value)
				got = append(got, Assessment{Status: lead, Laterality: h.t.value})
				lead = ""
				continue
			}
			lead = ""
			if pend != nil && s.dist(pend.end, h.start) <= 3 && (isStatus != (pend.t.cue != nil)) {
				st, sd := pend, h
				if isStatus {
					st, sd = h, pend
				}
				if !seen.has(sd.t.value) {
					seen.add(sd.t.value)
					got = append(got, Assessment{Status: statusOf(st.t.cue.kind), Laterality: sd.t.value})
				}
				pend = nil
				continue
			}
			pend = h
		}
		if len(got) >= 2 {
			for k := j; k <= last; k++ {
				ts[k].pairs = got
			}
		}
		j = last
	}
}

// A sideSet is a set of side values (Right, Left, Bilateral, the only
// values newContext lets a side word have): a map for them cost an
// allocation per list.
type sideSet [3]bool

func sideIndex(v string) int {
	switch v {
	case Right:
		return 0
	case Left:
		return 1
	}
	return 2
}

func (ss *sideSet) has(v string) bool { return ss[sideIndex(v)] }

func (ss *sideSet) add(v string) { ss[sideIndex(v)] = true }
