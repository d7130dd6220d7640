package pipeline

import (
	"cmp"
	"fmt"
	"io/fs"
	"math/bits"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/precedent-dev/precedent/extract"
	"github.com/precedent-dev/precedent/internal/rules"
	"github.com/precedent-dev/precedent/lexicon"
)

// The care stage lists the conservative treatments a letter mentions
// (physical therapy, home exercise, medication, ...) with what the letter
// says of each: failed, helped, done, ongoing, planned, not documented or
// absent. The rules and how they apply are described in data/care.yaml;
// this file is the mechanism.

const careFile = "care.yaml"

// blockerCode is the matcher code of the other treatments (care.yaml
// blockers).
const blockerCode = "-blocker"

type careTerms struct {
	Code          string   `yaml:"code"`
	Synonyms      []string `yaml:"synonyms"`
	Abbreviations []string `yaml:"abbreviations"`
}

type careCue struct {
	Status    string   `yaml:"status"`
	Pattern   rx       `yaml:"pattern"`
	Side      string   `yaml:"side"`
	Reach     int      `yaml:"reach"`
	Blockable bool     `yaml:"blockable"`
	Match     []string `yaml:"match"`
	NoMatch   []string `yaml:"no_match"`

	rank int
}

type careLabel struct {
	Pattern rx     `yaml:"pattern"`
	Status  string `yaml:"status"`

	atEnd *regexp.Regexp // the pattern, anchored at the end of its window
	tail  *tailRegexp    // atEnd run reversed; nil: run atEnd
}

// matchEnd reports whether the label ends s (white space may follow it).
func (l *careLabel) matchEnd(s string) bool {
	if l.tail != nil {
		return l.tail.MatchString(s)
	}
	return l.atEnd.MatchString(s)
}

type careQty struct {
	Pattern rx       `yaml:"pattern"`
	NotFor  []string `yaml:"not_for"`
	Match   []string `yaml:"match"`
	NoMatch []string `yaml:"no_match"`
}

type careData struct {
	Zones      []string          `yaml:"zones"`
	Reach      int               `yaml:"reach"`
	Override   []string          `yaml:"override"`
	Activity   []string          `yaml:"activity"`
	Modalities []careTerms       `yaml:"modalities"`
	Blockers   careTerms         `yaml:"blockers"`
	Cues       []careCue         `yaml:"cues"`
	Labels     []careLabel       `yaml:"labels"`
	General    rx                `yaml:"general"`
	Patient    rx                `yaml:"patient"`
	Sessions   []careQty         `yaml:"sessions"`
	Durations  []careQty         `yaml:"durations"`
	Numbers    map[string]int    `yaml:"numbers"`
	Units      map[string]string `yaml:"units"`
}

// careRules fill Conservative care (Case.ConservativeCare).
type careRules struct {
	f        careData
	matcher  *lexicon.Matcher // validates the terms (duplicates)
	terms    *termMatcher
	ranks    map[string]int   // status -> rank, 0 strongest
	cueF     *literalFilter   // over f.Cues
	cuePF    *literalFilter   // over f.Cues, by prefix
	generalF *literalFilter   // over f.General
	anch     []*rules.Matcher // the cues, run anchored (MatchAt) where cuePF finds them
	bound    []bool           // the cue starts with \b
	qtyF     *literalFilter   // over f.Sessions then f.Durations
	lits     *filterWalk      // the literals of cueF, cuePF, qtyF and generalF
	allCues  []int            // 0..len(f.Cues)-1
	// qty are f.Sessions then f.Durations, general and patient f.General
	// and f.Patient, with prefilters.
	qty              []*rules.Matcher
	general, patient *rules.Matcher
	// scratch holds *careScratch for the letters (see getScratch).
	scratch sync.Pool
}

// careStatuses are the values of Care.Status.
var careStatuses = []string{"failed", "helped", "done", "ongoing", "planned", "not_documented", "absent"}

// labelWindow is how many bytes before a colon a label may take.
const labelWindow = 40

func newCareRules(data fs.FS) (*careRules, error) {
	var f careData
	if err := decodeRules(data, careFile, &f); err != nil {
		return nil, err
	}
	fail := func(line int, format string, a ...any) error {
		return &RuleError{File: careFile, Line: line, Reason: fmt.Sprintf(format, a...)}
	}
	if len(f.Zones) == 0 || len(f.Modalities) == 0 || len(f.Cues) == 0 {
		return nil, fail(0, "zones, modalities and cues are required")
	}
	if f.Reach <= 0 {
		return nil, fail(0, "reach must be positive")
	}
	r := &careRules{f: f, ranks: map[string]int{}}
	for i, s := range append(append([]string{}, f.Override...), f.Activity...) {
		if !contains(careStatuses, s) {
			return nil, fail(0, "unknown status %q in override/activity", s)
		}
		if _, dup := r.ranks[s]; dup {
			return nil, fail(0, "status %q listed twice", s)
		}
		r.ranks[s] = i
	}
	if len(r.ranks) != len(careStatuses) {
		return nil, fail(0, "override and activity must list every status (%s)", strings.Join(careStatuses, ", "))
	}
	var terms []lexicon.Term
	add := func(t careTerms, code string) {
		for _, s := range t.Synonyms {
			terms = append(terms, lexicon.Term{Code: code, Text: s, Kind: lexicon.Synonym})
		}
		for _, s := range t.Abbreviations {
			terms = append(terms, lexicon.Term{Code: code, Text: s, Kind: lexicon.Abbreviation})
		}
	}
	for _, m := range f.Modalities {
		if m.Code == "" || strings.HasPrefix(m.Code, "-") {
			return nil, fail(0, "modality %q: want a code", m.Code)
		}
		add(m, m.Code)
	}
	add(f.Blockers, blockerCode)
	var err error
	if r.matcher, err = lexicon.NewMatcher(terms); err != nil {
		return nil, fail(0, "terms: %v", err)
	}
	if r.terms, err = newTermMatcher(terms); err != nil {
		return nil, fail(0, "%v", err)
	}
	for i := range r.f.Cues {
		c := &r.f.Cues[i]
		if c.Pattern.Regexp == nil {
			return nil, fail(0, "cue %d: pattern is required", i+1)
		}
		rank, ok := r.ranks[c.Status]
		if !ok {
			return nil, fail(c.Pattern.Line, "unknown status %q", c.Status)
		}
		if c.Side != "" && c.Side != "before" && c.Side != "after" {
			return nil, fail(c.Pattern.Line, "side %q: want before, after or nothing", c.Side)
		}
		c.rank = rank
	}
	for i := range r.f.Labels {
		l := &r.f.Labels[i]
		if l.Pattern.Regexp == nil {
			return nil, fail(0, "label %d: pattern is required", i+1)
		}
		if l.Status != "" && !contains(careStatuses, l.Status) {
			return nil, fail(l.Pattern.Line, "unknown status %q", l.Status)
		}
		l.atEnd = regexp.MustCompile(`(?:` + l.Pattern.String() + `)\s*$`)
		l.tail = newTailRegexp(l.atEnd)
	}
	if err := required(careFile, &r.f.General, "general"); err != nil {
		return nil, err
	}
	if err := required(careFile, &r.f.Patient, "patient"); err != nil {
		return nil, err
	}
	for _, q := range append(append([]careQty{}, f.Sessions...), f.Durations...) {
		if q.Pattern.Regexp == nil {
			return nil, fail(0, "sessions and durations need a pattern")
		}
		if err := needGroups(careFile, q.Pattern, "n"); err != nil {
			return nil, err
		}
	}
	for _, q := range f.Durations {
		if err := needGroups(careFile, q.Pattern, "u"); err != nil {
			return nil, err
		}
	}
	var res []*regexp.Regexp
	for _, c := range r.f.Cues {
		res = append(res, c.Pattern.Regexp)
	}
	r.cueF = newLiteralFilter(res)
	r.cuePF = newPrefixFilter(res)
	for i := range res {
		r.allCues = append(r.allCues, i)
	}
	r.generalF = newLiteralFilter([]*regexp.Regexp{r.f.General.Regexp})
	for _, re := range res {
		r.anch = append(r.anch, rules.NewMatcher(re))
		parsed, err := syntax.Parse(re.String(), syntax.Perl)
		r.bound = append(r.bound, err == nil && startsWithWordBoundary(parsed.Simplify()))
	}
	res = nil
	for _, q := range append(append([]careQty{}, f.Sessions...), f.Durations...) {
		res = append(res, q.Pattern.Regexp)
	}
	r.qtyF = newLiteralFilter(res)
	r.lits = newFilterWalk(r.cueF, r.cuePF, r.qtyF, r.generalF) // in the order of cueLits etc.
	for _, re := range res {
		r.qty = append(r.qty, rules.NewMatcher(re))
	}
	r.general, r.patient = rules.NewMatcher(r.f.General.Regexp), rules.NewMatcher(r.f.Patient.Regexp)
	for _, u := range f.Units {
		if u != "day" && u != "week" && u != "month" && u != "year" {
			return nil, fail(0, "unit %q: want day, week, month or year", u)
		}
	}
	return r, nil
}

// A careMention is one modality term in the text.
type careMention struct {
	code       string
	start, end int
	clause     textRange
	status     string
	sessions   *int
	duration   *Duration
}

// A cueHit is one status cue in a sentence.
type cueHit struct {
	cue        *careCue
	start, end int
	// targets are the indexes of the mentions a blockable cue speaks of.
	targets []int
}

// apply fills d.c.ConservativeCare.
func (r *careRules) apply(d *caseDoc) {
	c := d.c
	sc := r.getScratch()
	defer r.putScratch(sc)
	zones := sc.zones[:0]
	for _, s := range c.Sections {
		if contains(r.f.Zones, s.Name) {
			zones = append(zones, textRange{s.Start, s.End})
		}
	}
	sc.zones = zones
	if len(zones) == 0 {
		return
	}
	// The terms of every zone, the care mentions apart from the blockers
	// (kept as ranges only). Found as one slice of 80-byte mentions and
	// split after, the IRO seed's 89 blockers and 11 mentions made 31 KB
	// of slices per letter (and a slice of its 240 word starts 4 KB more:
	// matchWords reads them from the word list instead).
	found := &sc.terms
	var starts []int
	if !r.terms.letterFirst {
		starts = r.terms.scan(c.Text)
	}
	for _, z := range zones {
		if r.terms.letterFirst {
			r.terms.matchWords(found, c.Text, d.wordSpans(), z.start, z.end)
		} else {
			r.terms.match(found, c.Text, starts, z.start, z.end)
		}
	}
	mentions, blockers := found.mentions, found.blockers
	// Sentence by sentence.
	sc.all = d.text().FoldsOutsideASCII()
	for i := 0; i < len(mentions); {
		sent, ok := d.sentenceAt(mentions[i].start)
		if !ok || sent.End < mentions[i].end {
			sent = extract.Sentence{Start: mentions[i].start, End: mentions[i].end}
		}
		j := i + 1
		for j < len(mentions) && mentions[j].start < sent.End {
			j++
		}
		r.sentence(d, sc, sent, mentions[i:j], blockersIn(blockers, sent))
		i = j
	}
}

// getScratch returns a careScratch from r's pool (its terms emptied by
// putScratch). Its buffers (the terms found, the zones, and per sentence the
// cue hits, clauses and target candidates) serve letter after letter: made
// per letter, they were 74 of the stage's 84 allocations (9.3 of its 9.5
// KB) per IRO seed.
func (r *careRules) getScratch() *careScratch {
	if sc, ok := r.scratch.Get().(*careScratch); ok {
		return sc
	}
	sc := &careScratch{cue: make([]bool, len(r.f.Cues)), qty: make([]bool, len(r.f.Sessions)+len(r.f.Durations)),
		lastEnd: make([]int, len(r.f.Cues))}
	sc.found = func(end, n, pattern int) { r.lits.found(sc, end-n+1, pattern) }
	return sc
}

// putScratch returns sc to r's pool, emptied (no pointer into the letter
// kept).
func (r *careRules) putScratch(sc *careScratch) {
	f := &sc.terms
	clear(f.mentions[:cap(f.mentions)])
	f.mentions, f.blockers = f.mentions[:0], f.blockers[:0]
	clear(sc.hits[:cap(sc.hits)])
	sc.hits = sc.hits[:0]
	r.scratch.Put(sc)
}

// careScratch is the per-letter scratch space of the care stage.
type careScratch struct {
	terms careFound   // the terms of the letter
	zones []textRange // the letter's care zones
	// Per sentence: its cue hits, clauses and the candidates of target.
	hits    []cueHit
	clauses []textRange
	cands   []careCand
	// lower is the sentence in ASCII lower case, every white-space byte
	// a space (lowerSpaced): cue and quantity literals are looked up in it.
	lower    []byte
	cue, qty []bool // regexps that can match the sentence
	general  [1]bool
	// all: the letter holds a rune the literals miss (the long s, the
	// Kelvin sign), so every regexp is tried.
	all     bool
	starts  []cueStart // the places of the cues' lead literals
	lastEnd []int
	// found is the walk's callback (r.lits.found on this scratch), made
	// once per letter: a closure per walk was an allocation.
	found func(end, n, pattern int)
}

// A cueStart is a place where cue i may match.
type cueStart struct{ i, start int }

// cueWindow bounds the length of a cue match.
const cueWindow = 120

// careFound collects the care terms of a letter in their order: the care
// mentions, and the places of the blockers (other treatments).
type careFound struct {
	mentions []careMention
	blockers []textRange
}

func (f *careFound) add(code string, start, end int) {
	if code == blockerCode {
		f.blockers = append(f.blockers, textRange{start, end})
		return
	}
	f.mentions = append(f.mentions, careMention{code: code, start: start, end: end})
}

// blockersIn returns the blockers of bs that lie in sentence s.
func blockersIn(bs []textRange, s extract.Sentence) []textRange {
	i := sort.Search(len(bs), func(i int) bool { return bs[i].start >= s.Start })
	j := i
	for j < len(bs) && bs[j].end <= s.End {
		j++
	}
	return bs[i:j]
}

// sentence assesses the mentions of one sentence and adds their merged
// Care items.
func (r *careRules) sentence(d *caseDoc, sc *careScratch, s extract.Sentence, ms []careMention, bs []textRange) {
	text := d.c.Text
	st := text[s.Start:s.End]
	sc.lower = appendLowerSpaced(sc.lower[:0], st)
	clear(sc.cue)
	clear(sc.qty)
	sc.general[0] = false
	sc.starts = sc.starts[:0]
	r.cueF.markAlways(sc.cue, sc.all)
	r.qtyF.markAlways(sc.qty, sc.all)
	r.generalF.markAlways(sc.general[:], sc.all)
	if !sc.all {
		r.lits.trie.Walk(sc.lower, sc.found)
	}
	sc.clauses = appendClauses(sc.clauses[:0], text, s)
	clauses := sc.clauses
	for k := range ms {
		ms[k].clause = clauseOf(clauses, ms[k].start)
	}
	hits := r.cueHits(sc, st, s.Start)
	r.target(sc, text, hits, ms, bs)
	for k := range ms {
		m := &ms[k]
		m.status = r.status(d, k, m, hits)
	}
	r.quantities(d, sc, s, clauses, ms)
	general := false
	if sc.general[0] {
		general = r.general.MatchString(st) && !r.patient.MatchString(st)
	}

	// Merge by modality, in order of first mention.
	done := make([]bool, len(ms))
	for k := range ms {
		if done[k] {
			continue
		}
		item := ms[k]
		from, to := item.clause.start, item.clause.end
		inGuide := d.inGuideline(item.start, item.end)
		for l := k + 1; l < len(ms); l++ {
			o := ms[l]
			if done[l] || o.code != item.code {
				continue
			}
			done[l] = true
			if r.ranks[o.status] < r.ranks[item.status] {
				item.status = o.status
			}
			if item.sessions == nil {
				item.sessions = o.sessions
			}
			if item.duration == nil {
				item.duration = o.duration
			}
			from, to = min(from, o.clause.start), max(to, o.clause.end)
			inGuide = inGuide && d.inGuideline(o.start, o.end)
		}
		from = skipSpace(text, from, to)
		to = trimEnd(text, from, to)
		d.c.ConservativeCare = append(d.c.ConservativeCare, Care{
			Span:        d.span(from, to),
			Modality:    item.code,
			Status:      item.status,
			Sessions:    item.sessions,
			Duration:    item.duration,
			InGuideline: inGuide || general,
			Encounter:   d.encounterAt(item.start),
		})
	}
}

// cueHits finds the cues of sentence st (at offset base): each cue with
// known first words is tried, anchored, only where one of them stands;
// the others are searched when a word they need is in the sentence.
func (r *careRules) cueHits(sc *careScratch, st string, base int) []cueHit {
	hits := sc.hits[:0]
	always := r.cuePF.always
	if sc.all {
		always = r.allCues
	}
	// sc.starts are in the order of the literals' ends.
	slices.SortFunc(sc.starts, func(x, y cueStart) int {
		if x.start != y.start {
			return cmp.Compare(x.start, y.start)
		}
		return cmp.Compare(x.i, y.i)
	})
	clear(sc.lastEnd)
	for _, c := range sc.starts {
		if c.start < sc.lastEnd[c.i] || r.bound[c.i] && c.start > 0 && isWordByte(st[c.start-1]) {
			continue
		}
		// The cue anchored at c.start, on the window of cueWindow bytes
		// from it. MatchAt turns most places away by the cue's literals
		// before it runs the regexp (an anchored regexp run cost 4,000
		// instructions, 24 per IRO seed).
		loc := r.anch[c.i].MatchAt(st, c.start, cueWindow)
		if loc == nil {
			continue
		}
		sc.lastEnd[c.i] = loc[1]
		hits = append(hits, cueHit{cue: &r.f.Cues[c.i], start: base + c.start, end: base + loc[1]})
	}
	for _, i := range always {
		if !sc.cue[i] {
			continue
		}
		for _, loc := range r.f.Cues[i].Pattern.FindAllStringIndex(st, -1) {
			hits = append(hits, cueHit{cue: &r.f.Cues[i], start: base + loc[0], end: base + loc[1]})
		}
	}
	sc.hits = hits
	return hits
}

func isWordByte(c byte) bool { return isAlnum(c) || c == '_' }

// appendClauses appends to out sentence s cut at semicolons.
func appendClauses(out []textRange, text string, s extract.Sentence) []textRange {
	a := s.Start
	for i := s.Start; i < s.End; i++ {
		if text[i] == ';' {
			out = append(out, textRange{a, i + 1})
			a = i + 1
		}
	}
	return append(out, textRange{a, s.End})
}

func clauseOf(cs []textRange, pos int) textRange {
	for _, c := range cs {
		if pos < c.end {
			return c
		}
	}
	return cs[len(cs)-1]
}

// distance is the number of bytes between [a, b) and [x, y) (0 when they
// overlap).
func distance(a, b, x, y int) int {
	switch {
	case y <= a:
		return a - y
	case b <= x:
		return x - b
	}
	return 0
}

// reaches reports whether cue hit h speaks of mention k (m).
func (r *careRules) reaches(h *cueHit, k int, m *careMention) bool {
	if h.cue.Blockable {
		for _, t := range h.targets {
			if t == k {
				return true
			}
		}
		return false
	}
	if h.start < m.clause.start || h.end > m.clause.end {
		return false
	}
	return r.sideOK(h, m.start, m.end)
}

// sideOK reports whether a term at [a, b) is on a side of h its cue allows
// and within its reach.
func (r *careRules) sideOK(h *cueHit, a, b int) bool {
	switch h.cue.Side {
	case "before":
		if h.end > a {
			return false
		}
	case "after":
		if h.start < b {
			return false
		}
	}
	return h.cue.Reach == 0 || distance(h.start, h.end, a, b) <= h.cue.Reach
}

// listGapRE says that the text between two treatments joins them in one
// list ("PT, home exercise and medication management", "conservative
// treatment (exercises, NSAIDs ...)").
var listGapRE = regexp.MustCompile(`^[\s,/()]*(?:(?:and|or|and/or|as well as|plus|including|includes|included|such as|like|with|e\.g\.,?|i\.e\.,?)\b[\s,/()]*)?(?:(?:the|a|an|her|his|their|prior|previous|some|other)\s+)?(?:[\w-]+(?:\s+[\w-]+){0,2}\s*,[\s,]*)*(?:(?:and|or)\s+)?$`)

var listWordRE = regexp.MustCompile(`\b(?:and|or|plus|including|includes|included|such as|like|as well as)\b`)

// target fills the targets of the blockable cue hits: the treatment
// nearest to the cue on its side, within reach, and the treatments listed
// with it; none when that nearest treatment is a blocker (another
// procedure).
func (r *careRules) target(sc *careScratch, text string, hits []cueHit, ms []careMention, bs []textRange) {
	type cand = careCand
	cands := sc.cands[:0]
	for k, m := range ms {
		cands = append(cands, cand{m.start, m.end, k})
	}
	for _, b := range bs {
		cands = append(cands, cand{b.start, b.end, -1})
	}
	sc.cands = cands
	// The same sort as sort.Slice's (pdqsort), without its reflection
	// (two allocations a sentence).
	slices.SortFunc(cands, func(x, y cand) int { return cmp.Compare(x.start, y.start) })
	cueIn := func(a, b int) bool {
		for _, h := range hits {
			if h.start < b && a < h.end {
				return true
			}
		}
		return false
	}
	joined := func(x, y cand) bool {
		if x.end > y.start || y.start-x.end > 48 {
			return false
		}
		gap := text[x.end:y.start]
		if cueIn(x.end, y.start) || !listGapRE.MatchString(gap) {
			return false
		}
		return strings.ContainsAny(gap, ",/(") || listWordRE.MatchString(gap)
	}
	for i := range hits {
		h := &hits[i]
		if !h.cue.Blockable {
			continue
		}
		best, bestDist := -1, 0
		for c, x := range cands {
			if x.mention >= 0 {
				cl := ms[x.mention].clause
				if h.start < cl.start || h.end > cl.end {
					continue
				}
			} else if strings.ContainsRune(textBetween(text, h.start, h.end, x.start, x.end), ';') {
				continue
			}
			if x.start < h.end && h.start < x.end || !r.sideOK(h, x.start, x.end) {
				continue
			}
			if dist := distance(h.start, h.end, x.start, x.end); best < 0 || dist < bestDist {
				best, bestDist = c, dist
			}
		}
		if best < 0 || cands[best].mention < 0 {
			continue
		}
		lo, hi := best, best
		for lo > 0 && cands[lo-1].mention >= 0 && joined(cands[lo-1], cands[lo]) {
			lo--
		}
		for hi+1 < len(cands) && cands[hi+1].mention >= 0 && joined(cands[hi], cands[hi+1]) {
			hi++
		}
		for c := lo; c <= hi; c++ {
			h.targets = append(h.targets, cands[c].mention)
		}
	}
}

// A careCand is a care mention or a blocker a cue may target.
type careCand struct {
	start, end, mention int // mention -1: a blocker
}

// textBetween returns the text between two ranges.
func textBetween(text string, a, b, x, y int) string {
	if b <= x {
		return text[b:x]
	}
	if y <= a {
		return text[y:a]
	}
	return ""
}

// status decides the status of mention m (see care.yaml).
func (r *careRules) status(d *caseDoc, k int, m *careMention, hits []cueHit) string {
	nOverride := len(r.f.Override)
	best := -1
	for i := range hits {
		h := &hits[i]
		if h.cue.rank < nOverride && (best < 0 || h.cue.rank < best) && r.reaches(h, k, m) {
			best = h.cue.rank
		}
	}
	if best >= 0 {
		return r.f.Override[best]
	}
	// The nearest activity cue, one before the mention first.
	var pick *cueHit
	pickBefore := false
	for i := range hits {
		h := &hits[i]
		if h.cue.rank < nOverride || !r.reaches(h, k, m) {
			continue
		}
		before := h.start < m.start
		switch {
		case pick == nil:
		case before && !pickBefore:
		case before && pickBefore && h.start > pick.start:
		case !before && !pickBefore && h.start < pick.start:
		default:
			continue
		}
		pick, pickBefore = h, before
	}
	if pick != nil {
		return pick.cue.Status
	}
	if st := r.labelStatus(d, m.start); st != "" {
		return st
	}
	return "done"
}

// labelStatus returns the status the last heading label before pos gives
// ("Plan:" -> planned), looking back within pos's encounter.
func (r *careRules) labelStatus(d *caseDoc, pos int) string {
	if len(r.f.Labels) == 0 {
		return ""
	}
	k := d.encounterAt(pos)
	if k == nil {
		return ""
	}
	from := d.c.Encounters[*k].Start
	text := d.c.Text
	for p := pos; p > from; {
		i := strings.LastIndexByte(text[from:p], ':')
		if i < 0 {
			return ""
		}
		colon := from + i
		win := text[max(from, colon-labelWindow):colon]
		for _, l := range r.f.Labels {
			if l.matchEnd(win) {
				return l.Status
			}
		}
		p = colon
	}
	return ""
}

// quantities attaches session counts and durations of sentence s to its
// mentions.
func (r *careRules) quantities(d *caseDoc, sc *careScratch, s extract.Sentence, clauses []textRange, ms []careMention) {
	text := d.c.Text
	// Only the text near mentions can hold their quantities: windows
	// around them, widened to word starts, merged.
	margin := r.f.Reach + quantityLen
	var wins []textRange
	for _, m := range ms {
		a := max(m.clause.start, m.start-margin)
		for a > m.clause.start && !isBlank(text[a-1]) && text[a-1] != '\n' {
			a--
		}
		b := min(m.clause.end, m.end+margin)
		if n := len(wins); n > 0 && a <= wins[n-1].end {
			wins[n-1].end = max(wins[n-1].end, b)
			continue
		}
		wins = append(wins, textRange{a, b})
	}
	for _, w := range wins {
		st := text[w.start:w.end]
		for qi, q := range r.f.Sessions {
			if !sc.qty[qi] {
				continue
			}
			ni := q.Pattern.SubexpIndex("n")
			for _, loc := range r.qty[qi].FindAllStringSubmatchIndex(st) {
				n, ok := r.number(st[loc[2*ni]:loc[2*ni+1]])
				if !ok {
					continue
				}
				if m := r.attach(text, w.start+loc[0], w.start+loc[1], clauses, ms, q.NotFor); m != nil && m.sessions == nil {
					v := n
					m.sessions = &v
				}
			}
		}
		for qi, q := range r.f.Durations {
			if !sc.qty[len(r.f.Sessions)+qi] {
				continue
			}
			ni, ui := q.Pattern.SubexpIndex("n"), q.Pattern.SubexpIndex("u")
			for _, loc := range r.qty[len(r.f.Sessions)+qi].FindAllStringSubmatchIndex(st) {
				num := st[loc[2*ni]:loc[2*ni+1]]
				n, ok := r.number(num)
				unit := r.f.Units[strings.ToLower(st[loc[2*ui]:loc[2*ui+1]])]
				if !ok || unit == "" {
					continue
				}
				if m := r.attach(text, w.start+loc[0], w.start+loc[1], clauses, ms, q.NotFor); m != nil && m.duration == nil {
					m.duration = &Duration{Value: float64(n), Unit: unit}
					if v, err := strconv.ParseFloat(num, 64); err == nil {
						m.duration.Value = v
					}
				}
			}
		}
	}
}

// quantityLen bounds the length of a session count or duration ("twenty-four
// (24) additional physical therapy sessions" is longer: its count is then
// missed when the window cuts it).
const quantityLen = 40

var ofAfterRE = regexp.MustCompile(`^\s+(?:of|in)\b`)

// attach returns the mention a quantity at [a, b) belongs to, or nil: the
// mention inside it, else the next one when "of" follows ("12 sessions of
// PT"), else the previous one ("PT for 6 weeks"), else the next one; in the
// same clause, within reach.
func (r *careRules) attach(text string, a, b int, clauses []textRange, ms []careMention, notFor []string) *careMention {
	cl := clauseOf(clauses, a)
	var prev, next *careMention
	for k := range ms {
		m := &ms[k]
		if m.clause != cl || contains(notFor, m.code) {
			continue
		}
		switch {
		case m.start >= a && m.end <= b:
			return m
		case m.end <= a && a-m.end <= r.f.Reach:
			prev = m // the last one wins
		case m.start >= b && m.start-b <= r.f.Reach && next == nil:
			next = m
		}
	}
	if next != nil && ofAfterRE.MatchString(text[b:min(len(text), b+8)]) {
		return next
	}
	if prev != nil {
		return prev
	}
	return next
}

// number reads a count written in digits or words.
func (r *careRules) number(s string) (int, bool) {
	if v, err := strconv.ParseFloat(s, 64); err == nil {
		return int(v), v >= 0
	}
	v, ok := r.f.Numbers[strings.ToLower(s)]
	return v, ok
}

// A literalFilter tells which of a list of regexps can match a text, with
// one Aho-Corasick pass (lexicon.Literals, in a filterWalk) instead of one
// regexp search each: every regexp gets the literals of internal/rules'
// analysis, one of which any match contains (or starts with, for a prefix
// filter), looked for in the lowerSpaced text. A regexp without such literals is always
// tried. (ASCII lower-casing is exact for the rule files' (?i) patterns
// except for the Kelvin sign and the long s, which letters do not contain.)
type literalFilter struct {
	lits   []string // the literals, lowerSpaced
	owners [][]int  // literal -> regexp indexes
	always []int
	n      int
	prefix bool // the literals start every match (see newPrefixFilter)
}

// newPrefixFilter is newLiteralFilter with literals that every match
// starts with (after zero-width assertions such as \b), at least two bytes
// long (rules.LeadLiterals), so that a regexp need only be tried where one
// of them stands.
func newPrefixFilter(res []*regexp.Regexp) *literalFilter {
	return buildLiteralFilter(res, true)
}

// newLiteralFilter builds the filter on rules.NeedLiterals.
func newLiteralFilter(res []*regexp.Regexp) *literalFilter {
	return buildLiteralFilter(res, false)
}

func buildLiteralFilter(res []*regexp.Regexp, prefix bool) *literalFilter {
	f := &literalFilter{n: len(res), prefix: prefix}
	index := map[string]int{}
	for i, re := range res {
		var lits []string
		if prefix {
			lits = rules.LeadLiterals(re)
		} else {
			lits = rules.NeedLiterals(re)
		}
		if len(lits) == 0 {
			f.always = append(f.always, i)
			continue
		}
		seen := map[string]bool{}
		for _, l := range lits {
			// The text is lowerSpaced: so is the literal.
			l = string(lowerSpaced(l))
			if seen[l] {
				continue
			}
			seen[l] = true
			k, ok := index[l]
			if !ok {
				k = len(f.owners)
				index[l] = k
				f.owners = append(f.owners, nil)
				f.lits = append(f.lits, l)
			}
			f.owners[k] = append(f.owners[k], i)
		}
	}
	return f
}

// markAlways marks in may the regexps that need no literal, or all of
// them when all is set.
func (f *literalFilter) markAlways(may []bool, all bool) {
	if all {
		for i := range may[:f.n] {
			may[i] = true
		}
		return
	}
	for _, i := range f.always {
		may[i] = true
	}
}

// A filterWalk finds the literals of the care stage's filters in one walk
// over a sentence (each filter's own walk cost 12,000 instructions per IRO
// seed, and a closure each).
type filterWalk struct {
	trie *lexicon.Literals // nil: no literals
	uses [][]filterUse     // trie pattern -> the filters that need it
}

// A filterUse is a literal of one filter: the filter (cueLits etc.) and
// the regexps that need the literal.
type filterUse struct {
	filter int
	owners []int
}

// The filters of careRules.lits, in the order given to newFilterWalk.
const (
	cueLits     = iota // cueF: marks careScratch.cue
	cueLeads           // cuePF: adds to careScratch.starts
	qtyLits            // qtyF: marks careScratch.qty
	generalLits        // generalF: marks careScratch.general
)

func newFilterWalk(fs ...*literalFilter) *filterWalk {
	w := &filterWalk{}
	index := map[string]int{}
	var lits []string
	for fi, f := range fs {
		for k, l := range f.lits {
			p, ok := index[l]
			if !ok {
				p = len(lits)
				index[l] = p
				lits = append(lits, l)
				w.uses = append(w.uses, nil)
			}
			w.uses[p] = append(w.uses[p], filterUse{filter: fi, owners: f.owners[k]})
		}
	}
	if len(lits) > 0 {
		w.trie = lexicon.NewLiterals(lits)
	}
	return w
}

// found records trie pattern p found at start in sc.
func (w *filterWalk) found(sc *careScratch, start, p int) {
	for _, u := range w.uses[p] {
		var may []bool
		switch u.filter {
		case cueLits:
			may = sc.cue
		case cueLeads:
			for _, i := range u.owners {
				sc.starts = append(sc.starts, cueStart{i, start})
			}
			continue
		case qtyLits:
			may = sc.qty
		case generalLits:
			may = sc.general[:]
		}
		for _, i := range u.owners {
			may[i] = true
		}
	}
}

// startsWithWordBoundary reports whether re begins with \b.
func startsWithWordBoundary(re *syntax.Regexp) bool {
	for re.Op == syntax.OpCapture || re.Op == syntax.OpConcat && len(re.Sub) > 0 {
		re = re.Sub[0]
	}
	return re.Op == syntax.OpWordBoundary
}

// lowerSpaced returns s in ASCII lower case with every white-space byte a
// space.
func lowerSpaced(s string) []byte { return appendLowerSpaced(make([]byte, 0, len(s)), s) }

// appendLowerSpaced appends s lowerSpaced to buf.
func appendLowerSpaced(buf []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		buf = append(buf, lowerSpacedTable[s[i]])
	}
	return buf
}

var lowerSpacedTable = func() (t [256]byte) {
	for i := range t {
		c := byte(i)
		switch {
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		case c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v':
			c = ' '
		}
		t[i] = c
	}
	return t
}()

// A termMatcher finds care terms as the lexicon matcher does (synonyms in
// any case, abbreviations as written, whole words, leftmost-longest), over
// a lowerSpaced text and without folding white-space runs: a term broken
// by two spaces or a blank line is not found (Normalize folds spaces). It
// tries, at each word start, the terms that begin with its first two bytes.
type termMatcher struct {
	// buckets are the patterns by their first two bytes (key), longest
	// first: buckets[slot[key]] (slot 0: none).
	slot    [1 << 16]uint16
	buckets [][]termPat
	bigram  [256][4]uint64 // the two bytes of a two-byte term
	tri     [1 << 16]bool  // hashes of the first three bytes of a longer term
	// letterFirst: every term begins with an ASCII letter, so that its
	// word starts are among the letter runs of caseDoc.wordSpans.
	letterFirst bool
	// runs, by first byte (either case): bit n set when a term begins
	// with n ASCII letters then a non-letter or its end.
	runs [256]uint64
	// pairs: the same for the first two letters of terms that begin with
	// two or more, by pairKey. A term found at a letter run
	// spans the run exactly: its letters are the run's, and what follows
	// them in the term is no letter, nor (the term's end is a word
	// boundary) what follows them in the text.
	pairs [1024]uint64
	// runBuckets are the patterns of the buckets again, by their first
	// two letters and the length n >= 2 of their first letter run (the
	// run a match spans, see pairs), in the order of pairs' bits: the
	// bucket of key k and length n is runBuckets[pairBase[k]+c], c the
	// bits of pairs[k] below n. At a letter run, matchWords tries only
	// these (at the 222 runs of the IRO seed that pass runs, pairs and
	// thirds, 1.6 patterns a run; 3.2 in the buckets). The count of bits
	// replaced a slot table keyed by (pair, n) of 128 KB, whose loads
	// missed the cache.
	pairBase   [1024]uint16
	runBuckets [][]termPat
	// thirds are the third letters of the run buckets' patterns (bit
	// c&31 for letter c, either case), for the runs of three letters or
	// more: 222 of the 352 runs that reach the buckets pass (a hashed test
	// of the first three bytes on a 64 KB table did the same work before).
	thirds []uint32
}

func triHash(a, b, c byte) int { return (int(a)*961 + int(b)*31 + int(c)) & (1<<16 - 1) }

type termPat struct {
	p       string // lower case, single spaces
	entries []lexicon.Term
}

func newTermMatcher(terms []lexicon.Term) (*termMatcher, error) {
	m := &termMatcher{}
	byKey := map[uint16][]termPat{}
	index := map[string][2]int{}
	for _, t := range terms {
		p := strings.Join(strings.Fields(strings.ToLower(t.Text)), " ")
		if len(p) < 2 || !isWordByte(p[0]) {
			return nil, fmt.Errorf("term %q: want two bytes or more, starting with a letter or digit", t.Text)
		}
		t.Text = strings.Join(strings.Fields(t.Text), " ")
		key := uint16(p[0])<<8 | uint16(p[1])
		if at, ok := index[p]; ok {
			tp := &byKey[uint16(at[0])][at[1]]
			tp.entries = append(tp.entries, t)
			continue
		}
		index[p] = [2]int{int(key), len(byKey[key])}
		if len(p) == 2 {
			m.bigram[p[0]][p[1]>>6] |= 1 << (p[1] & 63)
		} else {
			m.tri[triHash(p[0], p[1], p[2])] = true
		}
		byKey[key] = append(byKey[key], termPat{p: p, entries: []lexicon.Term{t}})
	}
	m.letterFirst = true
	for _, t := range terms {
		first := strings.Fields(t.Text)[0]
		m.letterFirst = m.letterFirst && asciiLetter(first[0]) && len(first) < 64
		p := strings.ToLower(first)
		n := 0
		for n < len(p) && asciiLetter(p[n]) {
			n++
		}
		if n > 0 && n < 64 {
			m.runs[p[0]] |= 1 << n
			m.runs[p[0]-'a'+'A'] |= 1 << n
		}
		if n > 1 && n < 64 {
			m.pairs[pairKey(p[0], p[1])] |= 1 << n
		}
	}
	m.buckets = [][]termPat{nil}
	for key, b := range byKey {
		sort.SliceStable(b, func(i, j int) bool { return len(b[i].p) > len(b[j].p) })
		if len(m.buckets) > 1<<16-1 {
			return nil, fmt.Errorf("more than %d term buckets", 1<<16-1)
		}
		m.slot[key] = uint16(len(m.buckets))
		m.buckets = append(m.buckets, b)
	}
	// The run buckets, each a part of one bucket in its order (its
	// patterns share their first two bytes), in the order of the keys and
	// lengths of pairs.
	type runKey struct{ pair, n int }
	byRun := map[runKey][]termPat{}
	for _, b := range m.buckets[1:] {
		for _, tp := range b {
			n := 0
			for n < len(tp.p) && asciiLetter(tp.p[n]) {
				n++
			}
			if n < 2 || n >= 64 {
				continue
			}
			k := runKey{int(pairKey(tp.p[0], tp.p[1])), n}
			byRun[k] = append(byRun[k], tp)
		}
	}
	for k, lens := range m.pairs {
		if len(m.runBuckets) > 1<<16-1 {
			return nil, fmt.Errorf("more than %d term run buckets", 1<<16-1)
		}
		m.pairBase[k] = uint16(len(m.runBuckets))
		for n := 2; n < 64; n++ {
			if lens&(1<<n) != 0 {
				b := byRun[runKey{k, n}]
				third := ^uint32(0) // n == 2: not used
				if n > 2 {
					third = 0
					for _, tp := range b {
						third |= 1 << (tp.p[2] & 31) // a letter
					}
				}
				m.runBuckets = append(m.runBuckets, b)
				m.thirds = append(m.thirds, third)
			}
		}
	}
	// Sorting moved patterns: index is stale from here on (not used).
	return m, nil
}

// scan returns the word starts of text where a term may begin (its first
// two or three bytes, lowerSpaced, begin some term), in one pass that
// skips the rest of each word. (It lowered the whole letter before: a
// third of the care stage, for the few sentences that hold a term.)
func (m *termMatcher) scan(text string) []int {
	var starts []int
	n := len(text)
	for i := 0; i < n; {
		// A byte is a word byte in text when it is one lowerSpaced.
		if !wordByteTable[text[i]] {
			i++
			continue
		}
		if i+1 < n {
			c, c1 := lowerSpacedTable[text[i]], lowerSpacedTable[text[i+1]]
			if m.bigram[c][c1>>6]&(1<<(c1&63)) != 0 || i+2 < n && m.tri[triHash(c, c1, lowerSpacedTable[text[i+2]])] {
				starts = append(starts, i)
			}
		}
		for i++; i < n && wordByteTable[text[i]]; i++ {
		}
	}
	return starts
}

// wordByteTable marks the bytes of words: ASCII letters, digits and '_',
// and the bytes of non-ASCII characters.
var wordByteTable = func() (t [256]bool) {
	for i := range t {
		t[i] = isWordByte(byte(i)) || i >= 0x80
	}
	return t
}()

// match adds to f the terms of text[from:to] in order, non-overlapping,
// trying the word starts of scan.
func (m *termMatcher) match(f *careFound, text string, starts []int, from, to int) {
	last := from
	for k := sort.SearchInts(starts, from); k < len(starts) && starts[k] < to; k++ {
		i := starts[k]
		if i+1 < to {
			last = m.matchAt(f, text, i, last, to, m.bucket(text[i], text[i+1]))
		}
	}
}

// matchWords is match over the letter runs of text (caseDoc.wordSpans)
// instead of the starts of scan, when every term begins with a letter: a
// word start that can begin a term is a letter run's start with no word
// byte before it. (Runs of 64 letters or more, not listed, begin no term:
// a term's end would fall inside the run.) It saves the stage a pass over
// the bytes of the letter: 230,000 instructions of its 800,000 on the IRO
// seed.
func (m *termMatcher) matchWords(f *careFound, text string, words []uint64, from, to int) {
	lo := sort.Search(len(words), func(k int) bool { return int(words[k]>>16) >= from })
	hi := lo + sort.Search(len(words)-lo, func(k int) bool { return int(words[lo+k]>>16) >= to })
	last := from
	for _, x := range words[lo:hi] {
		// Only runs of a term's first letter and length (runs, 949 of
		// the 2,093 runs in the zones of the IRO seed; the test reads no
		// text), then its first two letters (pairs, 352).
		n := x & 63
		if m.runs[uint8(x>>8)]>>n&1 == 0 || n > 1 && m.pairs[pairKey(uint8(x>>8), text[x>>16+1])]>>n&1 == 0 {
			continue
		}
		// i must be a word boundary (no digit or non-ASCII byte before
		// the run).
		i := int(x >> 16)
		if i > 0 && wordByteTable[text[i-1]] || i < last || i+1 >= to {
			continue
		}
		// A term found at a run of two letters or more spans it: only the
		// patterns of its first two letters and length can match.
		var pats []termPat
		if n > 1 {
			key := pairKey(uint8(x>>8), text[i+1])
			b := int(m.pairBase[key]) + bits.OnesCount64(m.pairs[key]&(1<<n-1))
			if n > 2 && m.thirds[b]>>(text[i+2]&31)&1 == 0 {
				continue
			}
			pats = m.runBuckets[b]
		} else {
			pats = m.bucket(text[i], text[i+1])
		}
		last = m.matchPats(f, text, i, last, to, pats)
	}
}

// bucket returns the patterns that begin with the bytes a and b
// lowerSpaced.
func (m *termMatcher) bucket(a, b byte) []termPat {
	return m.buckets[m.slot[uint16(lowerSpacedTable[a])<<8|uint16(lowerSpacedTable[b])]]
}

// matchAt adds to f the longest term of pats (longest first) at word start
// i of text, if any, that ends by to and does not overlap the term before,
// ending at last; it returns the end of the last term found.
func (m *termMatcher) matchAt(f *careFound, text string, i, last, to int, pats []termPat) int {
	if i < last || i+1 >= to || !wordBoundary(text, i) {
		return last
	}
	return m.matchPats(f, text, i, last, to, pats)
}

// matchPats is matchAt where i is known to be a word boundary after last,
// and i+1 before to.
func (m *termMatcher) matchPats(f *careFound, text string, i, last, to int, pats []termPat) int {
	for k := range pats {
		tp := &pats[k] // not a 40-byte copy per pattern
		end := i + len(tp.p)
		if end > to || !lowerSpacedIs(text[i+2:end], tp.p[2:]) || !wordBoundary(text, end) {
			continue
		}
		for _, e := range tp.entries {
			if e.Kind == lexicon.Abbreviation && !foldedIs(text[i:end], e.Text) {
				continue
			}
			f.add(e.Code, i, end)
			return end
		}
	}
	return last
}

// foldedIs reports whether strings.Join(strings.Fields(s), " ") is t, for
// the text s of a term match: it begins and ends with a word byte and has
// no two white-space bytes in a row, so that when its only white space is
// ASCII spaces (and nothing outside ASCII, where Fields also cuts), the
// join is s itself (the abbreviations' Fields and Join cost 14,000
// instructions per IRO seed).
func foldedIs(s, t string) bool {
	for k := 0; k < len(s); k++ {
		if c := s[k]; c >= utf8.RuneSelf || c != ' ' && asciiSpace(c) {
			return strings.Join(strings.Fields(s), " ") == t
		}
	}
	return s == t
}

// lowerSpacedIs reports whether s lowerSpaced is p (of the same length).
func lowerSpacedIs(s, p string) bool {
	for k := 0; k < len(p); k++ {
		if lowerSpacedTable[s[k]] != p[k] {
			return false
		}
	}
	return true
}

// wordBoundary reports whether offset i of text is not inside a word
// (letters and digits).
func wordBoundary(text string, i int) bool {
	if i <= 0 || i >= len(text) {
		return true
	}
	if a, b := text[i-1], text[i]; a < utf8.RuneSelf && b < utf8.RuneSelf {
		// ASCII: the letters and digits of isWordRune are isAlnum's.
		return !isAlnum(a) || !isAlnum(b)
	}
	r, _ := utf8.DecodeLastRuneInString(text[:i])
	next, _ := utf8.DecodeRuneInString(text[i:])
	return !(isWordRune(r) && isWordRune(next))
}

func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }
