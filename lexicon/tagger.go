package lexicon

import (
	"cmp"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/precedent-dev/precedent/extract"
)

// A Mention is one finding the Tagger found, with what its context says.
type Mention struct {
	// Code is the finding concept code.
	Code string
	// Start and End are byte offsets of the term in the text; for a
	// finding written as a site and a sign ("tenderness over the SI
	// joints") they span both.
	Start, End int
	// EvidenceStart and EvidenceEnd bound the clause (or sentence) the
	// finding was read from.
	EvidenceStart, EvidenceEnd int
	// Status is Positive, Negative or NotPerformed, or "" when neither
	// the context nor the concept says (a test named without a result,
	// as in a guideline's list of tests).
	Status string
	// Laterality is Right, Left, Bilateral or "".
	Laterality string
	// SideDetail is "right>left", "left>right" or "".
	SideDetail string
	// Certainty is Definite, Possible or Hypothetical.
	Certainty string
	// Experiencer is Patient or Family.
	Experiencer string
	// Historical is true when a cue places the finding in the past.
	Historical bool
}

// A Tagger finds exam findings in text and reads their context. It is safe
// for concurrent use.
type Tagger struct {
	lx       *Lexicon
	ctx      *Context
	signs    *Matcher
	findings []findingInfo
	// entryRoles are the roles of the lexicon matcher's entries, by entry
	// id (Matcher.matchIDs): no map lookup per match.
	entryRoles []*codeRole
}

// noRole is the role of a concept that is neither a finding nor a site.
var noRole = &codeRole{finding: -1}

// A lexMatch is a lexicon match and what its concept is to the tagger.
type lexMatch struct {
	Match
	r *codeRole
}

// A codeRole is what a concept is to the tagger: a finding, the site of
// findings, both or neither.
type codeRole struct {
	finding int   // findings index, or -1
	sites   []int // findings indices of the findings it is a site of
}

type findingInfo struct {
	code   string
	status string
	window int
	sign   []int8 // by sign id: signPos, signNeg or 0
}

// Sign kinds of findingInfo.sign.
const (
	signPos = 1
	signNeg = 2
)

// NewTagger builds a Tagger over the finding and site concepts of lx with
// the cues of ctx.
func NewTagger(lx *Lexicon, ctx *Context) (*Tagger, error) {
	if lx == nil || ctx == nil {
		return nil, fmt.Errorf("lexicon: NewTagger needs a lexicon and a context")
	}
	tg := &Tagger{lx: lx, ctx: ctx}
	roles := map[string]*codeRole{} // by concept code
	role := func(code string) *codeRole {
		r := roles[code]
		if r == nil {
			r = &codeRole{finding: -1}
			roles[code] = r
		}
		return r
	}
	signID := map[string]int{}
	var signs [][2]map[int]bool // by findings index: positive and negative sign ids
	var terms []Term
	id := func(s string) int {
		k := normTerm(s)
		if i, ok := signID[k]; ok {
			return i
		}
		i := len(signID)
		signID[k] = i
		terms = append(terms, Term{Code: strconv.Itoa(i), Text: k})
		return i
	}
	for _, c := range lx.Concepts() {
		if c.Category != "finding" {
			continue
		}
		f := findingInfo{code: c.Code, status: c.Status, window: c.Window}
		if f.window == 0 {
			f.window = defaultWindow
		}
		pos, neg := map[int]bool{}, map[int]bool{}
		for _, s := range c.Signs.Positive {
			pos[id(s)] = true
		}
		for _, s := range c.Signs.Negative {
			i := id(s)
			if pos[i] {
				return nil, &LoadError{File: c.File, Line: c.Line, Reason: fmt.Sprintf("concept %s: sign %q is both positive and negative", c.Code, s)}
			}
			neg[i] = true
		}
		signs = append(signs, [2]map[int]bool{pos, neg})
		role(c.Code).finding = len(tg.findings)
		for _, s := range c.Sites {
			r := role(s)
			r.sites = append(r.sites, len(tg.findings))
		}
		tg.findings = append(tg.findings, f)
	}
	for i := range tg.findings {
		f := &tg.findings[i]
		f.sign = make([]int8, len(signID))
		for id := range signs[i][0] {
			f.sign[id] = signPos
		}
		for id := range signs[i][1] {
			f.sign[id] = signNeg
		}
	}
	m, err := NewMatcher(terms)
	if err != nil {
		return nil, err
	}
	tg.signs = m
	if lm := lx.matcher; !lm.empty {
		for _, es := range lm.entries { // in entry id order
			for _, e := range es {
				r := roles[e.code]
				if r == nil {
					r = noRole
				}
				tg.entryRoles = append(tg.entryRoles, r)
			}
		}
	}
	return tg, nil
}

// tagScratch holds the buffers one Tag call reuses from sentence to
// sentence, and Tag calls reuse through tagScratchPool.
type tagScratch struct {
	ms         []Match
	ids        []int32
	lms        []lexMatch
	ss         []extract.Sentence
	out        []Mention
	sc         scan         // the context scan of the sentence
	msc        matchScratch // the matchers' candidates
	ctxMatches []Match
	hits       []ctxHit
	signs      []Match
	cs         []cand
	ts         []target
	// Tag's plan of the sentences, and the batch walks' results.
	plans                   []sentPlan
	ranges                  []span
	bsigns, bctx            []Match
	bsignBounds, bctxBounds []int
	bhits                   []ctxHit
	bhitBounds              []int
}

// A sentPlan is what Tag knows of a sentence before it reads it.
type sentPlan struct {
	s      extract.Sentence // clipped to the text
	li, lj int              // its lexicon matches, lms[li:lj]
	sites  bool             // a site among them
	need   bool             // a finding may be there: read its context
	signs  span             // its sign words, bsigns[signs.start:signs.end]
	hits   span             // its context terms, bhits[hits.start:hits.end]
}

var tagScratchPool = sync.Pool{New: func() any { return new(tagScratch) }}

// A cand is a finding candidate of one sentence.
type cand struct {
	f          int // findings index
	t          target
	signStatus string
}

// Tag returns the findings of text, sentence by sentence (sents are byte
// ranges of text, as extract.Splitter gives them), sorted by (Start, Code).
func (tg *Tagger) Tag(text string, sents []extract.Sentence) []Mention {
	var out []Mention
	tg.TagFunc(text, sents, func(ms []Mention) { out = slices.Clone(ms) })
	return out
}

// TagFunc calls fn with the mentions Tag returns (nil when there are
// none), in a buffer of the Tagger's that fn must not keep: a caller that
// reads them once saves Tag's copy (about 8 KB per letter).
func (tg *Tagger) TagFunc(text string, sents []extract.Sentence, fn func(ms []Mention)) {
	if len(text) == 0 || len(sents) == 0 {
		fn(nil)
		return
	}
	scr := tagScratchPool.Get().(*tagScratch)
	defer tagScratchPool.Put(scr)
	fn(tg.tag(text, sents, scr))
}

// tag is Tag with the buffers of scr: its result is scr.out's.
func (tg *Tagger) tag(text string, sents []extract.Sentence, scr *tagScratch) []Mention {
	ids := scr.ids[:0]
	ms := tg.lx.matcher.matchWith(&scr.msc, scr.ms[:0], &ids, text, nil) // tg.lx.Match(text)
	lms := scr.lms[:0]
	for i, m := range ms {
		lms = append(lms, lexMatch{Match: m, r: tg.entryRoles[ids[i]]})
	}
	defer func() {
		clear(ms)
		clear(lms)
		scr.ms, scr.ids, scr.lms = ms[:0], ids[:0], lms[:0]
		scr.sc.text, scr.sc.hits = "", nil // no text kept in the pool
	}()
	out := scr.out[:0] // copied out at the end: one allocation of the right size
	// A splitter gives its sentences in order: sorted (a copy) only when
	// they are not (a stable sort of sorted sentences cost 2% of Tag).
	byStart := func(a, b extract.Sentence) int { return cmp.Compare(a.Start, b.Start) }
	ss := sents
	if !slices.IsSortedFunc(ss, byStart) {
		ss = append(scr.ss[:0], sents...)
		scr.ss = ss
		slices.SortStableFunc(ss, byStart)
	}
	// The sentences' lexicon matches, then the sign words of those with
	// a site, then the context terms of those where a finding may be:
	// each found for all those sentences at once (matchBatch).
	plans := scr.plans[:0]
	li := 0
	for _, s := range ss {
		s.Start, s.End = max(0, min(s.Start, len(text))), max(0, min(s.End, len(text)))
		if s.End <= s.Start {
			continue
		}
		for li < len(lms) && lms[li].Start < s.Start {
			li++
		}
		p := sentPlan{s: s, li: li, lj: li}
		for p.lj < len(lms) && lms[p.lj].End <= s.End {
			if r := lms[p.lj].r; r.finding >= 0 {
				p.need = true
			} else if len(r.sites) > 0 {
				p.sites = true
			}
			p.lj++
		}
		plans = append(plans, p)
	}
	scr.plans = plans[:0]
	ranges := scr.ranges[:0]
	for _, p := range plans {
		if p.sites {
			ranges = append(ranges, span{p.s.Start, p.s.End})
		}
	}
	sms, sb := tg.signs.matchBatch(&scr.msc, scr.bsigns[:0], scr.bsignBounds[:0], text, ranges)
	scr.bsigns, scr.bsignBounds = sms[:0], sb[:0]
	r := 0
	for i := range plans {
		p := &plans[i]
		if !p.sites {
			continue
		}
		p.signs = span{sb[r], sb[r+1]}
		r++
		for k := p.signs.start; k < p.signs.end; k++ {
			sms[k].Start += p.s.Start
			sms[k].End += p.s.Start
		}
		if !p.need {
			p.need = tg.anySign(lms[p.li:p.lj], sms[p.signs.start:p.signs.end])
		}
	}
	ranges = ranges[:0]
	for _, p := range plans {
		if p.need {
			ranges = append(ranges, span{p.s.Start, p.s.End})
		}
	}
	scr.ranges = ranges[:0]
	tg.ctx.hitsBatch(text, ranges, scr)
	r = 0
	for i := range plans {
		if p := &plans[i]; p.need {
			p.hits = span{scr.bhitBounds[r], scr.bhitBounds[r+1]}
			r++
		}
	}
	prev := -1 // index in out of the previous sentence's findings, or -1
	for _, p := range plans {
		if !p.need {
			out, prev = tg.followUp(text, p.s, prev, out, scr)
			continue
		}
		var ssms []Match
		if p.sites {
			ssms = sms[p.signs.start:p.signs.end]
		}
		n := len(out)
		out = tg.sentence(text, p.s, lms[p.li:p.lj], scr.bhits[p.hits.start:p.hits.end], ssms, out, scr)
		prev = n
	}
	clear(sms)
	byStartCode := func(a, b Mention) int {
		if a.Start != b.Start {
			return cmp.Compare(a.Start, b.Start)
		}
		return strings.Compare(a.Code, b.Code)
	}
	if !slices.IsSortedFunc(out, byStartCode) { // they mostly are
		slices.SortStableFunc(out, byStartCode)
	}
	scr.out = out[:0]
	if len(out) == 0 {
		return nil
	}
	return out
}

// maxFollowUp is the longest sentence followUp reads (bytes).
const maxFollowUp = 40

// followUp reads a sentence of only a status and a side right after a
// sentence of sided findings: "Positive FABER, Gaenslen's and thigh thrust
// on the right. Negative on the left." gives the three tests negative on
// the left. out[prev:] are the previous sentence's findings (prev < 0:
// none); it returns out and the new prev (-1: the chain ends).
func (tg *Tagger) followUp(text string, s extract.Sentence, prev int, out []Mention, scr *tagScratch) ([]Mention, int) {
	if prev < 0 || prev >= len(out) || s.End-s.Start > maxFollowUp {
		return out, -1
	}
	hits := tg.ctx.hits(text, s.Start, s.End, scr)
	sc := &scr.sc
	sc.reset(tg.ctx, text, s.Start, s.End, hits)
	status, side := "", ""
	for _, tk := range sc.toks {
		w := text[tk.start:tk.end]
		if tg.ctx.fillers[asciiLower(w)] || w == "." {
			continue
		}
		var h *ctxHit
		for i := range hits {
			if hits[i].start <= tk.start && tk.end <= hits[i].end {
				h = &hits[i]
				break
			}
		}
		switch {
		case h != nil && h.t.side == sideWord && (side == "" || side == h.t.value):
			side = h.t.value
		case h != nil && h.t.cue != nil && statusOf(h.t.cue.kind) != "" && (status == "" || status == statusOf(h.t.cue.kind)):
			status = statusOf(h.t.cue.kind)
		default:
			return out, -1
		}
	}
	if status == "" || side == "" {
		return out, -1
	}
	start, end := trimSpace(text, s.Start, s.End)
	n := len(out)
	for _, m := range out[prev:n] {
		if m.Laterality == "" || m.Laterality == side || m.Laterality == Bilateral || m.Status == "" || m.Status == status {
			continue
		}
		m.Start, m.End, m.EvidenceStart, m.EvidenceEnd = start, end, start, end
		m.Status, m.Laterality, m.SideDetail = status, side, ""
		out = append(out, m)
	}
	return out, -1
}

// anySign reports whether a site of lms has a sign of its findings in sms.
func (tg *Tagger) anySign(lms []lexMatch, sms []Match) bool {
	for _, m := range lms {
		for _, f := range m.r.sites {
			for _, sg := range sms {
				if tg.findings[f].sign[atoi(sg.Code)] != 0 {
					return true
				}
			}
		}
	}
	return false
}

// sentence tags one sentence: lms are its lexicon matches, hits its
// context terms, sms its sign words.
func (tg *Tagger) sentence(text string, s extract.Sentence, lms []lexMatch, hits []ctxHit, sms []Match, out []Mention, scr *tagScratch) []Mention {
	sc := &scr.sc
	sc.reset(tg.ctx, text, s.Start, s.End, hits)
	cs := scr.cs[:0]
	defer func() { scr.cs = cs[:0] }()
	for _, m := range lms {
		r := m.r
		if f := r.finding; f >= 0 {
			cs = append(cs, cand{f: f, t: target{start: m.Start, end: m.End, anchorStart: m.Start, anchorEnd: m.End}})
			continue
		}
		for _, f := range r.sites {
			if c, ok := tg.composite(sc, f, m, lms, sms); ok {
				cs = append(cs, c)
			}
		}
	}
	if len(cs) == 0 {
		return out
	}
	slices.SortStableFunc(cs, func(a, b cand) int {
		if a.t.start != b.t.start {
			return cmp.Compare(a.t.start, b.t.start)
		}
		return cmp.Compare(a.t.end, b.t.end)
	})
	cs = mergeSame(text, tg, cs)
	ts := slices.Grow(scr.ts[:0], len(cs))[:len(cs)]
	scr.ts = ts
	for i := range cs {
		sides := ts[i].sides[:0] // the buffer of an earlier sentence's target
		ts[i] = cs[i].t
		ts[i].sides = sides
	}
	sc.assess(ts)
	for i, c := range cs {
		t := &ts[i]
		a := t.a
		if a.Excluded {
			continue
		}
		f := &tg.findings[c.f]
		if a.Status == "" || a.Status == Positive && c.signStatus == Negative {
			// A positive cue outside a composite ("exam revealed ...,
			// pulses and sensation are good, ... pain is increased")
			// says something was found; the composite's own negative
			// sign says what it was.
			a.Status = c.signStatus
		}
		if a.Status == "" {
			a.Status = f.status
		}
		if a.Status == "" && a.Certainty == Possible {
			a.Status = Positive
		}
		m := Mention{
			Code: f.code, Start: t.start, End: t.end,
			Status: a.Status, Laterality: a.Laterality, SideDetail: a.SideDetail,
			Certainty: a.Certainty, Experiencer: a.Experiencer, Historical: a.Historical,
		}
		m.EvidenceStart, m.EvidenceEnd = trimSpace(text, t.clauseStart, t.clauseEnd)
		if len(t.pairs) == 0 {
			out = append(out, m)
			continue
		}
		m.EvidenceStart, m.EvidenceEnd = trimSpace(text, s.Start, s.End)
		for _, p := range t.pairs {
			m.Status, m.Laterality, m.SideDetail = p.Status, p.Laterality, ""
			out = append(out, m)
		}
	}
	return out
}

// composite reads site match m as finding f when one of f's signs stands
// within f's window in the same clause: the nearest such sign.
func (tg *Tagger) composite(sc *scan, f int, m lexMatch, lms []lexMatch, sms []Match) (cand, bool) {
	fi := &tg.findings[f]
	best, bestD := -1, 0
	for i, sg := range sms {
		if fi.sign[atoi(sg.Code)] == 0 {
			continue
		}
		if tg.overlapsOther(lms, sg.Start, sg.End) {
			continue // part of a procedure or site term
		}
		var d int
		switch {
		case sg.End <= m.Start:
			d = tg.siteDist(sc, lms, sg.End, m.Start)
			if sc.terminated(sg.End, m.Start, nil, true) {
				continue
			}
		case m.End <= sg.Start:
			d = tg.siteDist(sc, lms, m.End, sg.Start)
			if sc.terminated(m.End, sg.Start, nil, true) {
				continue
			}
		default:
			continue
		}
		if d > fi.window {
			continue
		}
		if best < 0 || d < bestD {
			best, bestD = i, d
		}
	}
	if best < 0 {
		return cand{}, false
	}
	sg := sms[best]
	c := cand{f: f, t: target{start: min(sg.Start, m.Start), end: max(sg.End, m.End), anchorStart: m.Start, anchorEnd: m.End}}
	if fi.sign[atoi(sg.Code)] == signPos {
		c.signStatus = Positive
	} else {
		c.signStatus = Negative
	}
	return c, true
}

// siteDist is the distance in tokens between a site and its sign over
// [a, b): the other sites of a list, its joiners and side words do not
// count, so in "tenderness to palpation noted over the lumbar paraspinal
// muscles and in the bilateral sacroiliac joints" the SI joints are as
// near the sign as the paraspinal muscles.
func (tg *Tagger) siteDist(sc *scan, lms []lexMatch, a, b int) int {
	if b <= a {
		return 0
	}
	for _, m := range lms {
		if a <= m.Start && m.End <= b && m.r.finding >= 0 {
			return sc.dist(a, b) // another finding between: no list of sites
		}
	}
	d := 0
	i := sort.Search(len(sc.toks), func(i int) bool { return sc.toks[i].start >= a })
	for ; i < len(sc.toks) && sc.toks[i].start < b; i++ {
		t := sc.toks[i]
		if sc.c.joiners[asciiLower(sc.text[t.start:t.end])] || sc.inSide(t.start, t.end) {
			continue
		}
		inSite := false
		for _, m := range lms {
			if m.Start <= t.start && t.end <= m.End {
				inSite = len(m.r.sites) > 0
				break
			}
		}
		if !inSite {
			d++
		}
	}
	return d
}

// overlapsOther reports whether [start, end) overlaps a match that is not
// a finding term (a finding term may hold another finding's sign:
// "decreased range of motion and sensation").
func (tg *Tagger) overlapsOther(ms []lexMatch, start, end int) bool {
	for _, m := range ms {
		if m.Start < end && start < m.End {
			if m.r.finding < 0 {
				return true
			}
		}
	}
	return false
}

// mergeSame joins candidates of one finding that overlap or stand side by
// side with only punctuation between ("figure 4 test (FABER)") or only a
// coordinator ("numbness and tingling", "radicular pain and
// radiculopathy"): one mention, not two. Tests (no default status) stay
// apart: "positive Lasegue's, and single straight leg raise" are two.
func mergeSame(text string, tg *Tagger, cs []cand) []cand {
	out := cs[:0]
	for _, c := range cs {
		merged := false
		for k := len(out) - 1; k >= 0 && k >= len(out)-3; k-- {
			p := &out[k]
			if p.f != c.f {
				continue
			}
			if c.t.start < p.t.end || onlyPunct(text, p.t.end, c.t.start) || (tg.findings[c.f].status != "" && onlyCoord(text, p.t.end, c.t.start)) {
				p.t.end = max(p.t.end, c.t.end)
				p.t.anchorEnd = max(p.t.anchorEnd, c.t.anchorEnd)
				if p.signStatus == "" {
					p.signStatus = c.signStatus
				}
				merged = true
				break
			}
		}
		if !merged {
			out = append(out, c)
		}
	}
	return out
}

func onlyPunct(text string, a, b int) bool {
	if b < a {
		return true
	}
	for i := a; i < b; i++ {
		switch text[i] {
		case ' ', '\t', '\n', '\r', '(', ')', '[', ']', '/', '-', ':', '"':
		default:
			return false
		}
	}
	return true
}

// onlyCoord reports whether text[a:b] is one coordinator ("and", "or",
// "&", "/", "and/or") with spaces and a comma around it, or a comma alone
// ("numbness, tingling").
func onlyCoord(text string, a, b int) bool {
	if b <= a || b-a > 12 {
		return false
	}
	w := strings.Fields(strings.ReplaceAll(text[a:b], ",", " "))
	if len(w) == 0 {
		return strings.Count(text[a:b], ",") == 1
	}
	if len(w) != 1 {
		return false
	}
	switch asciiLower(w[0]) {
	case "and", "or", "&", "/", "and/or":
		return true
	}
	return false
}

func trimSpace(text string, a, b int) (int, int) {
	for a < b && isSpaceByte(text[a]) {
		a++
	}
	for b > a && isSpaceByte(text[b-1]) {
		b--
	}
	return a, b
}

func isSpaceByte(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}
