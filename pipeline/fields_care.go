package pipeline

import (
	"fmt"
	"io/fs"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/extract"
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
	f       careData
	matcher *lexicon.Matcher
	ranks   map[string]int // status -> rank, 0 strongest
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
	var zones []textRange
	for _, s := range c.Sections {
		if contains(r.f.Zones, s.Name) {
			zones = append(zones, textRange{s.Start, s.End})
		}
	}
	if len(zones) == 0 {
		return
	}
	var mentions, blockers []careMention
	z := 0
	for _, m := range r.matcher.Match(c.Text) {
		for z < len(zones) && zones[z].end <= m.Start {
			z++
		}
		if z == len(zones) {
			break
		}
		if m.Start < zones[z].start {
			continue
		}
		cm := careMention{code: m.Code, start: m.Start, end: m.End}
		if m.Code == blockerCode {
			blockers = append(blockers, cm)
		} else {
			mentions = append(mentions, cm)
		}
	}
	// Sentence by sentence.
	for i := 0; i < len(mentions); {
		sent, ok := d.sentenceAt(mentions[i].start)
		if !ok || sent.End < mentions[i].end {
			sent = extract.Sentence{Start: mentions[i].start, End: mentions[i].end}
		}
		j := i + 1
		for j < len(mentions) && mentions[j].start < sent.End {
			j++
		}
		r.sentence(d, sent, mentions[i:j], blockersIn(blockers, sent))
		i = j
	}
}

func blockersIn(bs []careMention, s extract.Sentence) []careMention {
	i := sort.Search(len(bs), func(i int) bool { return bs[i].start >= s.Start })
	j := i
	for j < len(bs) && bs[j].end <= s.End {
		j++
	}
	return bs[i:j]
}

// sentence assesses the mentions of one sentence and adds their merged
// Care items.
func (r *careRules) sentence(d *caseDoc, s extract.Sentence, ms []careMention, bs []careMention) {
	text := d.c.Text
	st := text[s.Start:s.End]
	clauses := clausesOf(text, s)
	for k := range ms {
		ms[k].clause = clauseOf(clauses, ms[k].start)
	}
	var hits []cueHit
	for i := range r.f.Cues {
		cu := &r.f.Cues[i]
		for _, loc := range cu.Pattern.FindAllStringIndex(st, -1) {
			hits = append(hits, cueHit{cue: cu, start: s.Start + loc[0], end: s.Start + loc[1]})
		}
	}
	r.target(text, hits, ms, bs)
	for k := range ms {
		m := &ms[k]
		m.status = r.status(d, k, m, hits)
	}
	r.quantities(d, s, clauses, ms)
	general := r.f.General.MatchString(st) && !r.f.Patient.MatchString(st)

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

// clausesOf cuts sentence s at semicolons.
func clausesOf(text string, s extract.Sentence) []textRange {
	var out []textRange
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
func (r *careRules) target(text string, hits []cueHit, ms, bs []careMention) {
	type cand struct {
		start, end, mention int // mention -1: a blocker
	}
	var cands []cand
	for k, m := range ms {
		cands = append(cands, cand{m.start, m.end, k})
	}
	for _, b := range bs {
		cands = append(cands, cand{b.start, b.end, -1})
	}
	sort.Slice(cands, func(i, j int) bool { return cands[i].start < cands[j].start })
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
			if l.atEnd.MatchString(win) {
				return l.Status
			}
		}
		p = colon
	}
	return ""
}

// quantities attaches session counts and durations of sentence s to its
// mentions.
func (r *careRules) quantities(d *caseDoc, s extract.Sentence, clauses []textRange, ms []careMention) {
	text := d.c.Text
	st := text[s.Start:s.End]
	for _, q := range r.f.Sessions {
		ni := q.Pattern.SubexpIndex("n")
		for _, loc := range q.Pattern.FindAllStringSubmatchIndex(st, -1) {
			n, ok := r.number(st[loc[2*ni]:loc[2*ni+1]])
			if !ok {
				continue
			}
			if m := r.attach(text, s.Start+loc[0], s.Start+loc[1], clauses, ms, q.NotFor); m != nil && m.sessions == nil {
				v := n
				m.sessions = &v
			}
		}
	}
	for _, q := range r.f.Durations {
		ni, ui := q.Pattern.SubexpIndex("n"), q.Pattern.SubexpIndex("u")
		for _, loc := range q.Pattern.FindAllStringSubmatchIndex(st, -1) {
			n, ok := r.number(st[loc[2*ni]:loc[2*ni+1]])
			unit := r.f.Units[strings.ToLower(st[loc[2*ui]:loc[2*ui+1]])]
			if !ok || unit == "" {
				continue
			}
			if m := r.attach(text, s.Start+loc[0], s.Start+loc[1], clauses, ms, q.NotFor); m != nil && m.duration == nil {
				m.duration = &Duration{Value: float64(n), Unit: unit}
				if v, err := strconv.ParseFloat(st[loc[2*ni]:loc[2*ni+1]], 64); err == nil {
					m.duration.Value = v
				}
			}
		}
	}
}

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
