package pipeline

import (
	"cmp"
	"fmt"
	"io/fs"
	"math"
	"math/bits"
	"regexp"
	"regexp/syntax"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/precedent-dev/precedent/extract"
	"github.com/precedent-dev/precedent/internal/rules"
	"github.com/precedent-dev/precedent/lexicon"
)

// reliefRules fill Relief statements (Case.Relief) from data/relief.yaml.
//
// A statement is anchored on a cue word ("relief", "improvement", ...) found
// by one pass over the words of the text. Only the sentences holding a cue
// are looked at further: a percent linked to the cue by gap words only, a
// qualitative phrase around it, a duration after it, and the treatment it
// followed (a lexicon procedure in the sentence or the one before). Pain
// ratings before and after a treatment give a computed percent.
type reliefRules struct {
	f           reliefFile
	cues        *wordSet // word -> index into f.Cues
	triggers    *wordSet // before/after trigger words
	treatWords  *wordSet // treatment_words
	gapBefore   map[string]bool
	gapAfter    map[string]bool
	notTreat    map[string]bool
	lex         *lexicon.Lexicon
	ctx         *lexicon.Context
	numberWords map[string]float64
	// patient are the patient-sentence cues of ruletext.yaml: relief in a
	// guideline zone, in a sentence about this patient, is not rule text.
	patient []rx
}

type reliefCue struct {
	Words       []lstr `yaml:"words"`
	Bare        bool   `yaml:"bare"`
	NeedsPain   bool   `yaml:"needs_pain"`
	Qualitative string `yaml:"qualitative"`
	// RequiresBefore must match the text just before the cue.
	RequiresBefore *rx `yaml:"requires_before"`
	// StatementBefore, matching the text just before the cue, makes the cue
	// a statement on its own, qualitative "" ("positive injection
	// response").
	StatementBefore *rx `yaml:"statement_before"`
	// CourseBefore, matching the text just before the cue, is the
	// patient's report of the course of care ("the injured worker
	// reported being no better", "reports continued improvement"): a
	// statement without a treatment named near it.
	CourseBefore *rx `yaml:"course_before"`
	// NotAround, matching a stretch of text that covers the cue (up to 40
	// bytes before and 80 after it), makes it no statement: "unchanged
	// since last visit" (a course over time, no treatment), "has not
	// responded to conservative treatment" (failed care).
	NotAround *rx `yaml:"not_around"`
}

// notAround reports whether the cue's not_around pattern matches a stretch
// of text covering the cue at [s, e).
func (c *reliefCue) notAround(text string, s, e int) bool {
	if c.NotAround == nil {
		return false
	}
	lo := max(0, s-40)
	for _, m := range c.NotAround.Matcher().FindAllStringIndex(clip(text, lo, min(len(text), e+80))) {
		if lo+m[0] <= s && e <= lo+m[1] {
			return true
		}
	}
	return false
}

type reliefComparator struct {
	Value   string `yaml:"value"`
	Pattern rx     `yaml:"pattern"`
}

type reliefQualitative struct {
	Value  string  `yaml:"value"`
	Before wordSeq `yaml:"before"`
	After  wordSeq `yaml:"after"`
}

// A hintedRx is a regexp tried only on text holding one of its hints
// (lower-case strings): the patterns anchored at the end of a window ("no
// ... relief") cost a regexp run per start position, the hints a few
// substring searches.
type hintedRx struct {
	Pattern rx       `yaml:"pattern"`
	Hints   []string `yaml:"hints"`
	// Window, when set, is how many bytes at the end of the text the
	// pattern (anchored there with $) may span.
	Window int `yaml:"window"`

	tail *tailRegexp // the pattern, when it ends with $ (see newTailRegexp)
}

// hinted reports whether lower (a lower-cased text) holds one of hints, or
// hints is empty.
func hinted(hints []string, lower string) bool {
	if len(hints) == 0 {
		return true
	}
	for _, h := range hints {
		if strings.Contains(lower, h) {
			return true
		}
	}
	return false
}

// matchHinted reports whether h matches s; lower is s lower-cased.
func (h *hintedRx) matchHinted(s, lower string) bool {
	if h.Window > 0 && len(s) > h.Window {
		s, lower = s[len(s)-h.Window:], lower[len(lower)-h.Window:]
	}
	if !hinted(h.Hints, lower) {
		return false
	}
	if h.tail != nil {
		return h.tail.MatchString(s)
	}
	return h.Pattern.Matcher().MatchString(s)
}

// A tailRegexp answers MatchString for a regexp that ends with $ (the end
// of the text) by running the reversed regexp, anchored at its start, on
// the reversed text. Go's regexp tries a pattern that is not anchored at
// its start from every position: "no ... documentation of ... $" (relief's
// documentation, 1,000 instructions a byte of its window: the pike VM, its
// program too long for the backtracker) cost 96,000 instructions on one
// 86-byte window of the IRO seed, the reversed run 15,000. A regexp
// matches a text exactly when its reverse (concatenations and literals
// reversed, ^ and $ swapped, \b unchanged) matches the text reversed rune
// by rune; MatchString asks nothing about where or which match.
// TestTailRegexp and FuzzTailRegexp compare the two.
type tailRegexp struct {
	re  *regexp.Regexp // as written, for texts the reversal does not take
	rev *regexp.Regexp
}

// tailMax bounds the texts reversed (on the stack); longer ones run re.
const tailMax = 256

// newTailRegexp returns the tailRegexp of re, or nil when re does not end
// with $ (\z) or begins with ^ (already anchored).
func newTailRegexp(re *regexp.Regexp) *tailRegexp {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil || tree.Op != syntax.OpConcat || len(tree.Sub) < 2 ||
		tree.Sub[len(tree.Sub)-1].Op != syntax.OpEndText || tree.Sub[0].Op == syntax.OpBeginText {
		return nil
	}
	rev, err := regexp.Compile(rules.Source(reverseSyntax(tree)))
	if err != nil {
		return nil
	}
	return &tailRegexp{re: re, rev: rev}
}

// reverseSyntax returns the regexp of the reversed texts of re's matches.
func reverseSyntax(re *syntax.Regexp) *syntax.Regexp {
	out := &syntax.Regexp{Op: re.Op, Flags: re.Flags, Min: re.Min, Max: re.Max, Cap: re.Cap, Name: re.Name}
	out.Rune = slices.Clone(re.Rune)
	for _, sub := range re.Sub {
		out.Sub = append(out.Sub, reverseSyntax(sub))
	}
	switch re.Op {
	case syntax.OpLiteral:
		slices.Reverse(out.Rune)
	case syntax.OpConcat:
		slices.Reverse(out.Sub)
	case syntax.OpBeginLine:
		out.Op = syntax.OpEndLine
	case syntax.OpEndLine:
		out.Op = syntax.OpBeginLine
	case syntax.OpBeginText:
		out.Op = syntax.OpEndText
	case syntax.OpEndText:
		out.Op = syntax.OpBeginText
	}
	return out
}

// MatchString reports whether the regexp matches s.
func (t *tailRegexp) MatchString(s string) bool {
	if len(s) > tailMax {
		return t.re.MatchString(s)
	}
	var buf [tailMax + utf8.UTFMax]byte
	b := buf[:0]
	for i := len(s); i > 0; {
		r, w := utf8.DecodeLastRuneInString(s[:i])
		if r == utf8.RuneError && w == 1 {
			// An invalid byte: read backwards, such bytes need not
			// split into runes as the regexp splits them reading
			// forwards; leave the text to re.
			return t.re.MatchString(s)
		}
		b = utf8.AppendRune(b, r)
		i -= w
	}
	return t.rev.Match(b)
}

type reliefFile struct {
	Cues                 []reliefCue         `yaml:"cues"`
	PainWord             rx                  `yaml:"pain_word"`
	PainWindow           int                 `yaml:"pain_window"`
	Percents             []rx                `yaml:"percents"`
	PercentHints         []string            `yaml:"percent_hints"`
	NumberWords          map[string]float64  `yaml:"number_words"`
	Fractions            map[string]float64  `yaml:"fractions"`
	GapBeforeCue         []string            `yaml:"gap_before_cue"`
	GapAfterCue          []string            `yaml:"gap_after_cue"`
	MaxGap               int                 `yaml:"max_gap"`
	PercentJoiner        rx                  `yaml:"percent_joiner"`
	NotAfterPercent      rx                  `yaml:"not_after_percent"`
	NotBeforePercent     rx                  `yaml:"not_before_percent"`
	Comparators          []reliefComparator  `yaml:"comparators"`
	Qualitative          []reliefQualitative `yaml:"qualitative"`
	FunctionalBefore     wordSeq             `yaml:"functional_before"`
	FunctionalAfter      wordSeq             `yaml:"functional_after"`
	Documentation        hintedRx            `yaml:"documentation"`
	DocumentationAfter   hintedRx            `yaml:"documentation_after"`
	PurposeBefore        []wordSeq           `yaml:"purpose_before"`
	Durations            []rx                `yaml:"durations"`
	DurationsBefore      []rx                `yaml:"durations_before"`
	DurationHints        []string            `yaml:"duration_hints"`
	DurationUnquantified rx                  `yaml:"duration_unquantified"`
	DurationApposition   rx                  `yaml:"duration_apposition"`
	Units                map[string]string   `yaml:"units"`
	MaxDurationGap       int                 `yaml:"max_duration_gap"`
	BeforeAfterTriggers  []string            `yaml:"before_after_triggers"`
	BeforeAfter          []rx                `yaml:"before_after"`
	NotTreatments        []string            `yaml:"not_treatments"`
	TreatmentWords       []string            `yaml:"treatment_words"`
	MaxSpan              int                 `yaml:"max_span"`
}

// reliefQualValues are the qualitative values of the record contract.
var reliefQualValues = []string{"none", "minimal", "partial", "significant", "complete"}

// durationUnits are the duration units of the record contract.
var durationUnits = []string{"hour", "day", "week", "month", "year"}

func newReliefRules(data fs.FS) (*reliefRules, error) { return newReliefRulesWith(data, nil, nil) }

// newReliefRulesWith builds the stage over a given lexicon and context cues
// (nil: the embedded ones).
func newReliefRulesWith(data fs.FS, lx *lexicon.Lexicon, cx *lexicon.Context) (*reliefRules, error) {
	const file = "relief.yaml"
	r := &reliefRules{}
	if err := decodeRules(data, file, &r.f); err != nil {
		return nil, err
	}
	f := &r.f
	bad := func(line int, format string, args ...any) error {
		return &RuleError{File: file, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	if len(f.Cues) == 0 || len(f.Percents) == 0 || len(f.Qualitative) == 0 || len(f.Durations) == 0 || len(f.BeforeAfter) == 0 {
		return nil, bad(0, "cues, percents, qualitative, durations and before_after are required")
	}
	for key, re := range map[string]*rx{
		"pain_word": &f.PainWord, "not_after_percent": &f.NotAfterPercent, "not_before_percent": &f.NotBeforePercent,

		"documentation": &f.Documentation.Pattern, "documentation_after": &f.DocumentationAfter.Pattern,
		"duration_unquantified": &f.DurationUnquantified, "percent_joiner": &f.PercentJoiner,
		"duration_apposition": &f.DurationApposition,
	} {
		if err := required(file, re, key); err != nil {
			return nil, err
		}
	}
	f.Documentation.tail = newTailRegexp(f.Documentation.Pattern.Regexp)
	f.DocumentationAfter.tail = newTailRegexp(f.DocumentationAfter.Pattern.Regexp)
	if f.PainWindow <= 0 || f.MaxGap <= 0 || f.MaxDurationGap <= 0 || f.MaxSpan <= 0 {
		return nil, bad(0, "pain_window, max_gap, max_duration_gap and max_span must be positive")
	}
	var words []string
	var idx []int
	for i, c := range f.Cues {
		if c.Qualitative != "" && !oneOf(reliefQualValues, c.Qualitative) {
			return nil, bad(0, "cue qualitative %q is not one of %s", c.Qualitative, strings.Join(reliefQualValues, ", "))
		}
		for _, w := range c.Words {
			if !isLowerWord(w.S) {
				return nil, bad(w.Line, "cue %q must be one lower-case word", w.S)
			}
			words = append(words, w.S)
			idx = append(idx, i)
		}
	}
	var err error
	if r.cues, err = newWordSet(words, idx); err != nil {
		return nil, bad(0, "cues: %v", err)
	}
	for _, w := range f.BeforeAfterTriggers {
		if !isLowerWord(w) {
			return nil, bad(0, "before_after trigger %q must be one lower-case word", w)
		}
	}
	if r.triggers, err = newWordSet(f.BeforeAfterTriggers, nil); err != nil {
		return nil, bad(0, "before_after_triggers: %v", err)
	}
	if r.treatWords, err = newWordSet(f.TreatmentWords, nil); err != nil {
		return nil, bad(0, "treatment_words: %v", err)
	}
	for _, re := range f.Percents {
		if !rxHasGroup(re, "num") && !rxHasGroup(re, "word") && !rxHasGroup(re, "half") {
			return nil, bad(re.Line, "percent regexp needs a group num, word or half")
		}
	}
	for _, re := range append(append([]rx{f.DurationApposition}, f.Durations...), f.DurationsBefore...) {
		if err := needGroups(file, re, "num", "unit"); err != nil {
			return nil, err
		}
	}
	for _, re := range f.BeforeAfter {
		if err := needGroups(file, re, "before", "after"); err != nil {
			return nil, err
		}
		if !strings.Contains(re.String(), "^") {
			return nil, bad(re.Line, "before_after regexp must be anchored with ^")
		}
	}
	for _, c := range f.Comparators {
		if c.Pattern.Regexp == nil || !oneOf([]string{">", ">=", "<", "<="}, c.Value) {
			return nil, bad(c.Pattern.Line, "comparator needs a pattern and a value among >, >=, <, <=")
		}
	}
	for _, q := range f.Qualitative {
		if !oneOf(reliefQualValues, q.Value) {
			return nil, bad(0, "qualitative value %q is not one of %s", q.Value, strings.Join(reliefQualValues, ", "))
		}
		// One of before and after may be left out, not both.
		if len(q.Before) > 0 || len(q.After) == 0 {
			if err := q.Before.compile(); err != nil {
				return nil, bad(0, "qualitative %s: before: %v", q.Value, err)
			}
		}
		if len(q.After) > 0 || len(q.Before) == 0 {
			if err := q.After.compile(); err != nil {
				return nil, bad(0, "qualitative %s: after: %v", q.Value, err)
			}
		}
	}
	if err := f.FunctionalBefore.compile(); err != nil {
		return nil, bad(0, "functional_before: %v", err)
	}
	if err := f.FunctionalAfter.compile(); err != nil {
		return nil, bad(0, "functional_after: %v", err)
	}
	if len(f.PurposeBefore) == 0 {
		return nil, bad(0, "purpose_before is required")
	}
	for i, ws := range f.PurposeBefore {
		if err := ws.compile(); err != nil {
			return nil, bad(0, "purpose_before %d: %v", i+1, err)
		}
	}
	for k, u := range f.Units {
		if !oneOf(durationUnits, u) {
			return nil, bad(0, "unit %q maps to %q, not one of %s", k, u, strings.Join(durationUnits, ", "))
		}
	}
	r.gapBefore = wordMap(f.GapBeforeCue)
	r.gapAfter = wordMap(f.GapAfterCue)
	r.notTreat = wordMap(f.NotTreatments)
	r.numberWords = f.NumberWords
	r.lex, r.ctx = lx, cx
	if r.lex == nil {
		if r.lex, err = lexicon.Load(nil); err != nil {
			return nil, err
		}
	}
	if r.ctx == nil {
		if r.ctx, err = lexicon.LoadContext(nil); err != nil {
			return nil, err
		}
	}
	rt := data
	if _, err := fs.Stat(data, "ruletext.yaml"); err != nil {
		if rt, err = fs.Sub(fieldData, "data"); err != nil {
			return nil, err
		}
	}
	g, err := loadRuleTextRules(rt)
	if err != nil {
		return nil, err
	}
	r.patient = g.PatientSentences
	for _, code := range f.NotTreatments {
		if _, ok := r.lex.Concept(code); !ok {
			return nil, bad(0, "not_treatments: %q is not a lexicon concept", code)
		}
	}
	return r, nil
}

func wordMap(list []string) map[string]bool {
	m := make(map[string]bool, len(list))
	for _, s := range list {
		m[strings.ToLower(s)] = true
	}
	return m
}

func rxHasGroup(re rx, name string) bool {
	for _, n := range re.SubexpNames() {
		if n == name {
			return true
		}
	}
	return false
}

func oneOf(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A reliefHit is a relief statement being built, with its anchor.
type reliefHit struct {
	Relief
	anchor   int // cue or number offset: orders hits of one sentence
	lo, hi   int // the statement's own text (cue and number)
	bare     bool
	hasValue bool // percent, qualitative or before/after
	course   bool // a reported course of care: no treatment needed
}

func (r *reliefRules) apply(d *caseDoc) {
	text := d.c.Text
	type cueAt struct{ start, end, cue int }
	var cues []cueAt
	var trig []int
	scanWordsBoth(text, d.wordSpans(), r.cues, r.triggers, func(s, e, i int) {
		if rb := r.f.Cues[i].RequiresBefore; rb != nil && !rb.Matcher().MatchString(clip(text, max(0, s-40), s)) {
			return
		}
		if r.f.Cues[i].notAround(text, s, e) {
			return
		}
		cues = append(cues, cueAt{s, e, i})
	}, func(s, e, _ int) { trig = append(trig, s) })
	var hits []reliefHit
	// Before/after pain ratings, tried at triggers and cues.
	starts := trig
	for _, c := range cues {
		starts = append(starts, c.start)
	}
	sort.Ints(starts)
	baUsed := -1
	for _, s := range starts {
		if s < baUsed {
			continue
		}
		sent, ok := d.sentenceAt(s)
		if !ok {
			continue
		}
		if h, ok := r.beforeAfter(d, sent, s); ok {
			hits = append(hits, h)
			baUsed = h.hi
		}
	}
	// Cue statements, one sentence at a time. local and used are reused
	// from sentence to sentence (local's statements are copied to hits).
	var local []reliefHit
	var used []bool
	for i := 0; i < len(cues); {
		sent, ok := d.sentenceAt(cues[i].start)
		if !ok {
			i++
			continue
		}
		j := i
		for j < len(cues) && cues[j].start < sent.End {
			j++
		}
		sc := cues[i:j]
		i = j
		local = local[:0]
		used = append(used[:0], make([]bool, len(sc))...)
		var procs []lexicon.Match
		procsDone := false
		sentProcs := func() []lexicon.Match {
			if !procsDone {
				procs, procsDone = r.procedures(text, sent), true
			}
			return procs
		}
		treated := 0 // 0 unknown, 1 no, 2 yes
		sentTreated := func() bool {
			if treated == 0 {
				treated = 1
				if r.treated(d, sent) {
					treated = 2
				}
			}
			return treated == 2
		}
		ps := r.percents(text, d.text().Lower(), sent)
		link := make([]int, len(ps)) // index into sc of each percent's cue, or -1
		for pi, p := range ps {
			// The nearest cue linked to the percent.
			link[pi] = -1
			bestDist := 1 << 30
			for k, c := range sc {
				var dist int
				switch {
				case c.end <= p.start && r.linked(text[c.end:p.start], r.gapAfter):
					dist = p.start - c.end
				case p.end <= c.start && r.linked(text[p.end:c.start], r.gapBefore):
					dist = c.start - p.end
				default:
					continue
				}
				if r.f.Cues[c.cue].NeedsPain && !r.painNear(text, sent, min(c.start, p.start), max(c.end, p.end)) {
					continue
				}
				if dist < bestDist {
					link[pi], bestDist = k, dist
				}
			}
		}
		// A list of percents shares the cue of its last one: "two medial
		// branch blocks with 90% and 85% relief".
		for pi := len(ps) - 2; pi >= 0; pi-- {
			if link[pi] < 0 && link[pi+1] >= 0 && r.f.PercentJoiner.Matcher().MatchString(text[ps[pi].end:ps[pi+1].start]) {
				link[pi] = link[pi+1]
			}
		}
		for pi, p := range ps {
			if link[pi] < 0 {
				continue
			}
			c := sc[link[pi]]
			used[link[pi]] = true
			lo, hi := min(c.start, p.start), max(c.end, p.end)
			// A threshold ("no evidence of at least 30% pain relief")
			// restates a rule even where documentation is missing.
			comp := r.comparator(clip(text, max(sent.Start, p.start-24), p.start))
			if r.notRelief(d, sent, lo, hi, comp == "") {
				continue
			}
			h := reliefHit{anchor: p.start, lo: lo, hi: hi, hasValue: true}
			v, vmax := p.value, p.max
			h.Percent = &v
			if p.hasMax {
				h.PercentMax = &vmax
			}
			h.Comparator = comp
			h.Qualitative = r.qualitative(text, d.text().Lower(), sent, c.start, c.end)
			local = append(local, h)
		}
		for k, c := range sc {
			if used[k] {
				continue
			}
			cue := r.f.Cues[c.cue]
			if cue.NeedsPain && !r.painNear(text, sent, c.start, c.end) {
				continue
			}
			h := reliefHit{anchor: c.start, lo: c.start, hi: c.end}
			h.Qualitative = r.qualitative(text, d.text().Lower(), sent, c.start, c.end)
			if h.Qualitative == "" {
				h.Qualitative = cue.Qualitative
			}
			h.hasValue = h.Qualitative != "" ||
				cue.StatementBefore != nil && cue.StatementBefore.Matcher().MatchString(clip(text, max(sent.Start, c.start-40), c.start))
			h.bare = !h.hasValue && cue.Bare
			if !h.hasValue && !h.bare {
				continue
			}
			h.course = cue.CourseBefore != nil && cue.CourseBefore.Matcher().MatchString(clip(text, max(sent.Start, c.start-40), c.start))
			if h.bare && !h.course && len(sentProcs()) == 0 && !sentTreated() {
				continue // a bare cue needs a treatment
			}
			if r.notRelief(d, sent, c.start, c.end, true) {
				continue
			}
			local = append(local, h)
		}
		if len(local) > 0 && baIn(hits, sent) {
			// A bare cue says nothing next to relief computed from pain
			// before and after: "reported improvement in pain level from
			// 3-7 out of 10 down to 0 out of 10".
			kept := local[:0]
			for _, h := range local {
				if !h.bare {
					kept = append(kept, h)
				}
			}
			local = kept
		}
		if len(local) > 0 {
			hits = r.finishSentence(hits, d, sent, local, sentProcs(), sentTreated)
		}
	}
	slices.SortStableFunc(hits, func(a, b reliefHit) int {
		if a.Start != b.Start {
			return cmp.Compare(a.Start, b.Start)
		}
		return cmp.Compare(a.anchor, b.anchor)
	})
	d.c.Relief = slices.Grow(d.c.Relief, len(hits))
	for _, h := range hits {
		d.c.Relief = append(d.c.Relief, h.Relief)
	}
}

// baIn reports whether hits (before/after statements, then cue statements
// of earlier sentences) hold a before/after statement in sent.
func baIn(hits []reliefHit, sent extract.Sentence) bool {
	for _, h := range hits {
		if h.Before != nil && sent.Start <= h.lo && h.lo < sent.End {
			return true
		}
	}
	return false
}

// finishSentence drops weak statements of one sentence, fills the
// attributes that need the sentence (duration, procedure, span) and
// appends the others to out.
//
// treated reports whether the sentence or the one before names a treatment.
func (r *reliefRules) finishSentence(out []reliefHit, d *caseDoc, sent extract.Sentence, local []reliefHit, procs []lexicon.Match, treated func() bool) []reliefHit {
	if len(local) == 0 {
		return out
	}
	slices.SortStableFunc(local, func(a, b reliefHit) int { return cmp.Compare(a.anchor, b.anchor) })
	text := d.c.Text
	hasPercent := false
	for _, h := range local {
		if h.Percent != nil {
			hasPercent = true
		}
	}
	n := len(out) // out[n:] are this sentence's
	seen := map[string]bool{}
	for _, h := range local {
		inGuide := r.inGuideline(d, sent, h.lo, h.hi)
		if h.Percent == nil {
			// One qualitative statement per value and sentence; a bare cue
			// says nothing next to a percent or inside rule text.
			if h.bare && (hasPercent || inGuide || len(out) > n) {
				continue
			}
			if seen[h.Qualitative] {
				continue
			}
			seen[h.Qualitative] = true
		}
		h.Procedure = r.procedureFor(d, sent, procs, h.lo, false)
		if h.Percent == nil && h.Procedure == "" && !h.course && !treated() {
			continue // "zero improvement", "unchanged with time": no treatment
		}
		h.Duration = r.duration(d, h.hi, min(sent.End, h.hi+r.f.MaxDurationGap), r.f.Durations)
		if h.Duration == nil {
			h.Duration = r.duration(d, clauseStart(text, sent, h.lo, 120), h.lo, r.f.DurationsBefore)
		}
		h.InGuideline = inGuide
		h.Certainty = r.certainty(d, sent, h.lo, h.hi)
		if h.Percent == nil && h.Certainty == lexicon.Hypothetical {
			continue // "if not better", "would benefit from": no statement
		}
		start, end := r.evidence(text, sent, h.lo, h.hi)
		h.Span = d.span(start, end)
		h.Encounter = d.encounterAt(h.lo)
		out = append(out, h)
	}
	return out
}

// inGuideline reports whether the statement at [lo, hi) of sent is rule
// text: in a rule-text range, and not in a sentence about this patient (a
// reviewer's sentence about the patient inside a guideline-quote zone: "the
// prior diagnostic injection provided 75% relief for only 3 weeks").
func (r *reliefRules) inGuideline(d *caseDoc, sent extract.Sentence, lo, hi int) bool {
	if !d.inGuideline(lo, hi) {
		return false
	}
	st := d.c.Text[sent.Start:sent.End]
	for _, p := range r.patient {
		if p.Matcher().MatchString(st) {
			return false
		}
	}
	return true
}

// certainty says whether the statement at [start, end) is asserted,
// possible or hypothetical, by the shared context cues of the lexicon
// ("if the blocks provide at least 80% relief" is hypothetical).
func (r *reliefRules) certainty(d *caseDoc, sent extract.Sentence, start, end int) string {
	return r.ctx.Assess(d.c.Text, sent.Start, sent.End, start, end).Certainty
}

// linked reports whether gap (the text between a cue and a number) holds
// only gap words.
func (r *reliefRules) linked(gap string, words map[string]bool) bool {
	if len(gap) > r.f.MaxGap {
		return false
	}
	for _, w := range strings.Fields(gap) {
		if !words[strings.ToLower(w)] {
			return false
		}
	}
	return true
}

// painNear reports whether a pain word stands within the pain window of
// [lo, hi) in the sentence.
func (r *reliefRules) painNear(text string, sent extract.Sentence, lo, hi int) bool {
	a, b := max(sent.Start, lo-r.f.PainWindow), min(sent.End, hi+r.f.PainWindow)
	return r.f.PainWord.Matcher().MatchString(text[a:b])
}

// notRelief reports whether the statement at [lo, hi) (its cue and number)
// speaks of function, of a goal or (when documentation is set) of missing
// documentation rather than of pain relief.
func (r *reliefRules) notRelief(d *caseDoc, sent extract.Sentence, lo, hi int, documentation bool) bool {
	text := d.c.Text
	b := clauseStart(text, sent, lo, 90)
	before := text[b:lo]
	after := clip(text, hi, min(sent.End, hi+90))
	near := after[:min(len(after), 50)] // functional_after spans less
	// The letter's lower-case copy (made once), at the windows' offsets:
	// the tokens of capitalized words and the documentation hints.
	lower := d.text().Lower()
	lb, la := lower[b:lo], clip(lower, hi, min(sent.End, hi+90))
	var tb, ta [16]string
	toks := tailWords(before, lb, len(tb), tb[:0])
	if r.f.FunctionalBefore.match(toks) || r.f.FunctionalAfter.matchHead(headWords(near, la[:len(near)], len(ta), ta[:0])) {
		return true
	}
	if documentation {
		if r.f.Documentation.matchHinted(before, lb) || r.f.DocumentationAfter.matchHinted(after, la) {
			return true
		}
	}
	for _, ws := range r.f.PurposeBefore {
		if ws.match(toks) {
			return true
		}
	}
	return false
}

// clauseStart returns the start of the clause of pos: after the last ";",
// ":" or sentence-ending period before pos, at most limit bytes back.
func clauseStart(text string, sent extract.Sentence, pos, limit int) int {
	lo := max(sent.Start, pos-limit)
	for i := pos - 1; i >= lo; i-- {
		switch text[i] {
		case ';', ':':
			return i + 1
		case '.':
			if i+1 < len(text) && !asciiDigit(text[i+1]) {
				return i + 1
			}
		}
	}
	return lo
}

// qualitative returns the qualitative value of the cue at [cs, ce); lower
// is text lower-cased (rules.Text.Lower).
func (r *reliefRules) qualitative(text, lower string, sent extract.Sentence, cs, ce int) string {
	b := clauseStart(text, sent, cs, 70)
	before := text[b:cs]
	after := clip(text, ce, min(sent.End, ce+40))
	var tb, ta [16]string
	toks := tailWords(before, lower[b:cs], len(tb), tb[:0])
	head := headWords(after, clip(lower, ce, min(sent.End, ce+40)), len(ta), ta[:0])
	for _, q := range r.f.Qualitative {
		if len(q.Before) > 0 && q.Before.match(toks) || len(q.After) > 0 && q.After.matchHead(head) {
			return q.Value
		}
	}
	return ""
}

// comparator returns the comparator written just before a number.
func (r *reliefRules) comparator(before string) string {
	for _, c := range r.f.Comparators {
		if c.Pattern.Matcher().MatchString(before) {
			return c.Value
		}
	}
	return ""
}

type percentAt struct {
	start, end int
	value, max float64
	hasMax     bool
}

// percents returns the percent expressions of the sentence that may be
// relief, in text order, without overlaps. lower is text in ASCII lower
// case (the letter's, made once: lowering each sentence for its hints
// cost more than the searches).
func (r *reliefRules) percents(text, lower string, sent extract.Sentence) []percentAt {
	st := text[sent.Start:sent.End]
	if !hinted(r.f.PercentHints, lower[sent.Start:sent.End]) {
		return nil
	}
	var out []percentAt
	for _, re := range r.f.Percents {
		names := re.SubexpNames()
		for _, m := range re.Matcher().FindAllStringSubmatchIndex(st) {
			p := percentAt{start: sent.Start + m[0], end: sent.Start + m[1]}
			ok := false
			for gi, name := range names {
				if m[2*gi] < 0 {
					continue
				}
				g := strings.ToLower(st[m[2*gi]:m[2*gi+1]])
				switch name {
				case "num":
					if v, err := strconv.ParseFloat(g, 64); err == nil {
						p.value, ok = v, true
					}
					if strings.Contains(g, ".") && len(g)-strings.Index(g, ".") > 2 {
						ok = false // "0.025%": a strength, never relief
					}
				case "max":
					if v, err := strconv.ParseFloat(g, 64); err == nil {
						p.max, p.hasMax = v, true
					}
				case "word":
					p.value, ok = r.spelled(g)
				case "half":
					p.value, ok = r.f.Fractions[strings.Join(strings.Fields(g), " ")]
				}
			}
			if !ok || p.value > 100 || p.hasMax && (p.max > 100 || p.max <= p.value) {
				continue
			}
			if r.f.NotAfterPercent.Matcher().MatchString(clip(text, p.end, min(sent.End, p.end+30))) ||
				r.f.NotBeforePercent.Matcher().MatchString(clip(text, max(sent.Start, p.start-30), p.start)) {
				continue
			}
			if p.start > 0 && (asciiDigit(text[p.start-1]) || text[p.start-1] == '/' || text[p.start-1] == '.') {
				continue
			}
			out = append(out, p)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if out[i].start != out[j].start {
			return out[i].start < out[j].start
		}
		return out[i].end > out[j].end
	})
	kept := out[:0]
	last := -1
	for _, p := range out {
		if p.start < last {
			continue
		}
		kept = append(kept, p)
		last = p.end
	}
	return kept
}

// spelled reads a spelled number: "seventy-five", "fifty", "one hundred".
func (r *reliefRules) spelled(s string) (float64, bool) {
	s = strings.Join(strings.Fields(strings.ReplaceAll(s, "-", " ")), " ")
	if v, ok := r.numberWords[s]; ok {
		return v, true
	}
	tens, unit, ok := strings.Cut(s, " ")
	if !ok {
		return 0, false
	}
	t, ok1 := r.numberWords[tens]
	u, ok2 := r.numberWords[unit]
	if !ok1 || !ok2 || t < 20 || u >= 10 {
		return 0, false
	}
	return t + u, true
}

// duration reads the first duration of clip(text, a, b) (the text after a
// statement, or before it for durations_before) found by one of res.
func (r *reliefRules) duration(d *caseDoc, a, b int, res []rx) *Duration {
	after := clip(d.c.Text, a, b)
	if !hinted(r.f.DurationHints, clip(d.text().Lower(), a, b)) {
		return nil
	}
	var best *Duration
	bestAt := len(after) + 1
	// A duration after an unquantified one ("for the duration of the local
	// anesthetic") is not this statement's, unless it gives that one's
	// length (", about 6 hours").
	q := r.f.DurationUnquantified.Matcher().FindStringIndex(after)
	if q != nil {
		bestAt = q[0]
		if am := r.f.DurationApposition.Matcher().FindStringSubmatchIndex(after[q[1]:]); am != nil {
			best, _ = r.durationOf(after[q[1]:], am, r.f.DurationApposition)
		}
	}
	for _, re := range res {
		m := re.Matcher().FindStringSubmatchIndex(after)
		if m == nil || m[0] >= bestAt {
			continue
		}
		if dur, ok := r.durationOf(after, m, re); ok {
			best, bestAt = dur, m[0]
		}
	}
	return best
}

// durationOf reads the num and unit groups of a duration match m of re in s.
func (r *reliefRules) durationOf(s string, m []int, re rx) (*Duration, bool) {
	var num, unit string
	for gi, name := range re.SubexpNames() {
		if m[2*gi] < 0 {
			continue
		}
		switch name {
		case "num":
			num = strings.ToLower(s[m[2*gi]:m[2*gi+1]])
		case "unit":
			unit = strings.ToLower(s[m[2*gi]:m[2*gi+1]])
		}
	}
	v, err := strconv.ParseFloat(num, 64)
	if err != nil {
		var ok bool
		if v, ok = r.numberWords[strings.Join(strings.Fields(num), " ")]; !ok {
			return nil, false
		}
	}
	u, ok := r.f.Units[unit]
	if !ok {
		return nil, false
	}
	return &Duration{Value: v, Unit: u}, true
}

// beforeAfter tries the before/after patterns at offset s.
func (r *reliefRules) beforeAfter(d *caseDoc, sent extract.Sentence, s int) (reliefHit, bool) {
	text := d.c.Text
	window := clip(text, s, min(sent.End, s+160))
	for _, re := range r.f.BeforeAfter {
		m := re.Matcher().FindStringSubmatchIndex(window)
		if m == nil {
			continue
		}
		var before, beforeMax, after float64
		var okB, okA, okM bool
		for gi, name := range re.SubexpNames() {
			if m[2*gi] < 0 {
				continue
			}
			v, err := strconv.ParseFloat(window[m[2*gi]:m[2*gi+1]], 64)
			if err != nil {
				continue
			}
			switch name {
			case "before":
				before, okB = v, true
			case "before_max":
				beforeMax, okM = v, true
			case "after":
				after, okA = v, true
			}
		}
		if !okB || !okA || before <= 0 || before > 10 || after > before || okM && (beforeMax <= before || beforeMax > 10) {
			continue
		}
		pct := math.Round((before-after)/before*1000) / 10
		h := reliefHit{anchor: s, lo: s, hi: s + m[1], hasValue: true}
		h.Percent, h.Before, h.After = &pct, &before, &after
		if okM {
			// A range before: the relief from its high end is the upper
			// bound ("from 6-8 to 4": 33.3-50; "from 3-7 to 0": 100).
			if mx := math.Round((beforeMax-after)/beforeMax*1000) / 10; mx != pct {
				h.PercentMax = &mx
			}
		}
		procs := r.procedures(text, sent)
		h.Procedure = r.procedureFor(d, sent, procs, h.lo, false)
		h.Duration = r.duration(d, h.hi, min(sent.End, h.hi+r.f.MaxDurationGap), r.f.Durations)
		h.InGuideline = r.inGuideline(d, sent, h.lo, h.hi)
		h.Certainty = r.certainty(d, sent, h.lo, h.hi)
		start, end := r.evidence(text, sent, h.lo, h.hi)
		h.Span = d.span(start, end)
		h.Encounter = d.encounterAt(h.lo)
		return h, true
	}
	return reliefHit{}, false
}

// procedures returns the treatment mentions of the sentence (lexicon
// procedures other than tests and visits), offsets into text.
func (r *reliefRules) procedures(text string, sent extract.Sentence) []lexicon.Match {
	ms := r.lex.MatchCategory(text[sent.Start:sent.End], "procedure")
	out := ms[:0]
	for _, m := range ms {
		if r.notTreat[m.Code] {
			continue
		}
		m.Start += sent.Start
		m.End += sent.Start
		out = append(out, m)
	}
	return out
}

// procedureFor picks the treatment a statement at pos followed: the nearest
// before it in the sentence, else the nearest after it, else (unless
// sameSentence) the last of the previous sentence.
func (r *reliefRules) procedureFor(d *caseDoc, sent extract.Sentence, procs []lexicon.Match, pos int, sameSentence bool) string {
	code := ""
	for _, m := range procs {
		if m.End <= pos {
			code = m.Code
		}
	}
	if code != "" {
		return code
	}
	for _, m := range procs {
		if m.Start >= pos {
			return m.Code
		}
	}
	if sameSentence || sent.Start == 0 {
		return ""
	}
	prev, ok := prevSentence(d, sent)
	if !ok {
		return ""
	}
	if pm := r.procedures(d.c.Text, prev); len(pm) > 0 {
		return pm[len(pm)-1].Code
	}
	return ""
}

// treated reports whether a generic treatment word (treatment_words:
// "conservative care", "ice, rest, NSAIDs", "treatment sessions") stands in
// sent, or a treatment (a lexicon procedure or such a word) in the sentence
// before.
func (r *reliefRules) treated(d *caseDoc, sent extract.Sentence) bool {
	text := d.c.Text
	found := false
	r.treatWords.scan(text[sent.Start:sent.End], func(int, int, int) { found = true })
	if found {
		return true
	}
	prev, ok := prevSentence(d, sent)
	if !ok {
		return false
	}
	r.treatWords.scan(text[prev.Start:prev.End], func(int, int, int) { found = true })
	return found || len(r.procedures(text, prev)) > 0
}

// prevSentence returns the sentence before sent (white space may stand
// between them).
func prevSentence(d *caseDoc, sent extract.Sentence) (extract.Sentence, bool) {
	i := sort.Search(len(d.sents), func(i int) bool { return d.sents[i].End > sent.Start })
	if i == 0 {
		return extract.Sentence{}, false
	}
	return d.sents[i-1], true
}

// evidence returns the span of a statement at [lo, hi) of the sentence: the
// whole sentence, or for a long one the clause around the statement.
func (r *reliefRules) evidence(text string, sent extract.Sentence, lo, hi int) (int, int) {
	return evidenceSpan(text, sent, lo, hi, r.f.MaxSpan)
}

// evidenceSpan returns the sentence trimmed of white space, or when longer
// than limit the clause around [lo, hi) (cut at ".", ";" and, if still too
// long, at a word boundary).
func evidenceSpan(text string, sent extract.Sentence, lo, hi, limit int) (int, int) {
	start, end := trimSpan(text, sent.Start, sent.End)
	if end-start <= limit || hi-lo >= limit {
		return start, end
	}
	budget := (limit - (hi - lo)) / 2
	a := max(start, lo-budget)
	for i := lo - 1; i >= a; i-- {
		if c := text[i]; c == ';' || c == '.' && (i+1 >= len(text) || !asciiDigit(text[i+1])) {
			a = i + 1
			break
		}
	}
	if a == lo-budget && a > start {
		for a < lo && !asciiSpace(text[a-1]) {
			a++
		}
	}
	b := min(end, hi+budget)
	for i := hi; i < b; i++ {
		if c := text[i]; c == ';' || c == '.' && (i+1 >= len(text) || !asciiDigit(text[i+1])) {
			b = i + 1
			break
		}
	}
	if b == hi+budget && b < end {
		for b > hi && !asciiSpace(text[b]) {
			b--
		}
	}
	return trimSpan(text, a, b)
}

// clip returns text[a:b] with a and b clamped to the text and b >= a, so
// that windows computed near the ends of a sentence never panic.
func clip(text string, a, b int) string {
	a = max(0, min(a, len(text)))
	b = max(a, min(b, len(text)))
	return text[a:b]
}

func trimSpan(text string, a, b int) (int, int) {
	for a < b && asciiSpace(text[a]) {
		a++
	}
	for b > a && asciiSpace(text[b-1]) {
		b--
	}
	return a, b
}

func asciiSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'
}
func asciiDigit(c byte) bool { return '0' <= c && c <= '9' }
func asciiLetter(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

func isLowerWord(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

// A wordSet finds whole words of a fixed list in one pass over a text,
// case-insensitively (ASCII). It is much cheaper than a regexp or an
// Aho-Corasick walk: only words whose first letter and length fit are
// compared.
type wordSet struct {
	lens  [256]uint64 // by first byte: bit n set when a word has length n
	index map[string]int
	table *wordTable // index, for lookups
}

func newWordSet(words []string, idx []int) (*wordSet, error) {
	ws := &wordSet{index: make(map[string]int, len(words))}
	for i, w := range words {
		if !isLowerWord(w) {
			return nil, fmt.Errorf("%q is not one lower-case word", w)
		}
		if _, dup := ws.index[w]; dup {
			return nil, fmt.Errorf("duplicate word %q", w)
		}
		v := i
		if idx != nil {
			v = idx[i]
		}
		ws.index[w] = v
		if len(w) < 64 {
			ws.lens[w[0]] |= 1 << len(w)
			ws.lens[w[0]-'a'+'A'] |= 1 << len(w)
		}
	}
	ws.table = newWordTable(ws.index)
	return ws, nil
}

// scan calls fn for every word of text in the set, in text order, with its
// offsets and value. A word is a run of ASCII letters not touching a letter
// or digit.
//
// The loop reads each byte once: it skips to the next letter, runs to the
// end of the letter run, and compares the run only when a word of the set
// has its first letter and length.
func (ws *wordSet) scan(text string, fn func(start, end, v int)) {
	n := len(text)
	for i, j := letterRun(text, 0); i < n; i, j = letterRun(text, j) {
		// A shift of 64 or more gives 0: no word that long.
		if ws.lens[text[i]]&(1<<uint(j-i)) != 0 && (i == 0 || !asciiDigit(text[i-1])) && (j == n || !asciiDigit(text[j])) {
			if v, ok := ws.lookup(text, i, j); ok {
				fn(i, j, v)
			}
		}
	}
}

// scanWords is scan(text) over the words of text listed by wordSpans.
func (ws *wordSet) scanWords(text string, words []uint64, fn func(start, end, v int)) {
	for _, x := range words {
		if ws.lens[uint8(x>>8)]&(1<<(x&63)) == 0 {
			continue
		}
		i := int(x >> 16)
		j := i + int(x&63)
		if i > 0 && asciiDigit(text[i-1]) || j < len(text) && asciiDigit(text[j]) {
			continue
		}
		if v, ok := ws.lookup(text, i, j); ok {
			fn(i, j, v)
		}
	}
}

// scanWordsBoth is a.scanWords(text, words, fa) and b.scanWords(text,
// words, fb) in one pass over the words (the calls of fa and fb
// interleave, each in text order).
func scanWordsBoth(text string, words []uint64, a, b *wordSet, fa, fb func(start, end, v int)) {
	for _, x := range words {
		first, bit := uint8(x>>8), uint64(1)<<(x&63)
		ina, inb := a.lens[first]&bit != 0, b.lens[first]&bit != 0
		if !ina && !inb {
			continue
		}
		i := int(x >> 16)
		j := i + int(x&63)
		if i > 0 && asciiDigit(text[i-1]) || j < len(text) && asciiDigit(text[j]) {
			continue
		}
		if ina {
			if v, ok := a.lookup(text, i, j); ok {
				fa(i, j, v)
			}
		}
		if inb {
			if v, ok := b.lookup(text, i, j); ok {
				fb(i, j, v)
			}
		}
	}
}

// lookup returns the value of text[i:j] (shorter than 64 bytes), folded
// to lower case, in the set.
func (ws *wordSet) lookup(text string, i, j int) (int, bool) {
	return ws.table.getFold(text[i:j])
}

// A wordTable maps words (non-empty) to values: open addressing with the
// FNV-1a hash of the bytes. A Go map cost 115 to 135 instructions a
// lookup of these short words, hashing included (750 lookups per IRO
// seed in the relief and score stages); this one about a third of that,
// and it folds a text's letters as it goes.
type wordTable struct {
	keys  []string // "": an empty slot
	vals  []int
	shift uint // the hash's top bits index the slots
	mask  uint64
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

func newWordTable(m map[string]int) *wordTable {
	bits := uint(1)
	for 1<<bits < 2*len(m) {
		bits++
	}
	t := &wordTable{keys: make([]string, 1<<bits), vals: make([]int, 1<<bits), shift: 64 - bits, mask: 1<<bits - 1}
	for w, v := range m {
		h := uint64(fnvOffset)
		for i := 0; i < len(w); i++ {
			h = (h ^ uint64(w[i])) * fnvPrime
		}
		k := h >> t.shift
		for t.keys[k] != "" {
			k = (k + 1) & t.mask
		}
		t.keys[k], t.vals[k] = w, v
	}
	return t
}

// get returns the value of w.
func (t *wordTable) get(w string) (int, bool) {
	h := uint64(fnvOffset)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint64(w[i])) * fnvPrime
	}
	for k := h >> t.shift; ; k = (k + 1) & t.mask {
		switch t.keys[k] {
		case "":
			return 0, false
		case w:
			return t.vals[k], true
		}
	}
}

// getFold returns the value of w with 0x20 set in each byte (ASCII
// letters in lower case; wordSet's words are letters).
func (t *wordTable) getFold(w string) (int, bool) {
	h := uint64(fnvOffset)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint64(w[i]|0x20)) * fnvPrime
	}
	for k := h >> t.shift; ; k = (k + 1) & t.mask {
		key := t.keys[k]
		if key == "" {
			return 0, false
		}
		if len(key) == len(w) && foldedEq(w, key) {
			return t.vals[k], true
		}
	}
}

// foldedEq reports whether w with 0x20 set in each byte is key (of the
// same length).
func foldedEq(w, key string) bool {
	for i := 0; i < len(key); i++ {
		if w[i]|0x20 != key[i] {
			return false
		}
	}
	return true
}

// letterRun returns the first run of ASCII letters at or after i as
// [start, end); start is len(text) when there is none.
func letterRun(text string, i int) (int, int) {
	for i < len(text) && !byteLetter[text[i]] {
		i++
	}
	j := i
	for j < len(text) && byteLetter[text[j]] {
		j++
	}
	return i, j
}

// A wordStep is one step of a wordSeq: one of its words (or phrases), once,
// or when Max is set, zero to Max times. A word "*" stands for any word,
// "*x" for any word ending in x ("didn't" for "*n't"), "," for a comma.
type wordStep struct {
	Words []string `yaml:"words"`
	Max   int      `yaml:"max"`

	single  map[string]bool
	singles *wordTable // single, for lookups
	// head and end, in a sequence's first step: its seqEdges.
	head, end seqEdge
	phrases   [][]string
	suffixes  []string
	prefixes  []string
	any       bool
}

// A wordSeq is a pattern over the words just before a cue, read from the
// end: "dramatic", "temporary", "pain" + cue. It does what a regexp
// anchored with $ would ("(?:dramatic|...)\s+(?:pain\s+)?$") at a fraction
// of the cost: Go's regexp tries such a pattern at every byte.
type wordSeq []wordStep

func (ws wordSeq) compile() error {
	if len(ws) == 0 {
		return fmt.Errorf("empty word sequence")
	}
	for i := range ws {
		s := &ws[i]
		if len(s.Words) == 0 || s.Max < 0 {
			return fmt.Errorf("step %d: no words or negative max", i+1)
		}
		s.single = map[string]bool{}
		for _, w := range s.Words {
			f := strings.Fields(strings.ToLower(w))
			switch {
			case len(f) == 0:
				return fmt.Errorf("step %d: empty word", i+1)
			case len(f) > 1:
				s.phrases = append(s.phrases, f)
			case f[0] == "*":
				s.any = true
			case strings.HasPrefix(f[0], "*"):
				s.suffixes = append(s.suffixes, f[0][1:])
			case strings.HasSuffix(f[0], "*"):
				s.prefixes = append(s.prefixes, f[0][:len(f[0])-1])
			default:
				s.single[f[0]] = true
			}
		}
		set := make(map[string]int, len(s.single))
		for w := range s.single {
			set[w] = 1
		}
		s.singles = newWordTable(set)
	}
	ws[0].head, ws[0].end = seqEdgeOf(ws, false), seqEdgeOf(ws, true)
	return nil
}

// A seqEdge tells which tokens a match of a wordSeq can take first at
// one of its ends: a match takes its last (first) token by one of its
// last (first) steps up to the first that must be taken. Most token lists
// end with no such token: the sequence is then turned away by one table
// lookup, without matchBack and takes (a sixth of the relief stage went to
// matching the purpose, functional and qualitative sequences).
type seqEdge struct {
	words *wordTable // single words, and the phrases' words at that end
	open  bool       // any token may do: a step takes any word, a prefix or a suffix, or no step must be taken
}

// seqEdgeOf builds the seqEdge of ws at its end (last) or its start.
func seqEdgeOf(ws wordSeq, last bool) seqEdge {
	words := map[string]int{}
	for k := range ws {
		s := &ws[k]
		if last {
			s = &ws[len(ws)-1-k]
		}
		if s.any || len(s.suffixes) > 0 || len(s.prefixes) > 0 {
			return seqEdge{open: true}
		}
		for w := range s.single {
			words[w] = 1
		}
		for _, p := range s.phrases {
			if last {
				words[p[len(p)-1]] = 1
			} else {
				words[p[0]] = 1
			}
		}
		if s.Max == 0 {
			return seqEdge{words: newWordTable(words)}
		}
	}
	return seqEdge{open: true}
}

// may reports whether toks can start (last: end) a match.
func (e *seqEdge) may(toks []string, last bool) bool {
	if e.open {
		return true
	}
	if len(toks) == 0 {
		return false
	}
	t := toks[0]
	if last {
		t = toks[len(toks)-1]
	}
	_, ok := e.words.get(t)
	return ok
}

// takes returns the numbers of tokens one occurrence of s can take at the
// end of toks[:at] (backward) or at the start of toks[at:] (forward), as a
// set of bits (bit n: n tokens). A set instead of a callback per way: the
// matchers below were a third closures and calls. (A phrase of 64 words or
// more never fits: the token lists are of 16 at most.)
func (s *wordStep) takes(toks []string, at int, forward bool) uint64 {
	if forward && at >= len(toks) || !forward && at == 0 {
		return 0
	}
	var t string
	if forward {
		t = toks[at]
	} else {
		t = toks[at-1]
	}
	var ways uint64
	word := t != "," && t != "."
	if word && s.any || s.has(t) {
		ways |= 1 << 1
	}
	if word && ways == 0 {
		for _, suf := range s.suffixes {
			if strings.HasSuffix(t, suf) {
				ways |= 1 << 1
				break
			}
		}
		for _, pre := range s.prefixes {
			if ways == 0 && strings.HasPrefix(t, pre) {
				ways |= 1 << 1
				break
			}
		}
	}
	for _, p := range s.phrases {
		if len(p) >= 64 || ways&(1<<len(p)) != 0 {
			continue
		}
		first := at - len(p)
		if forward {
			first = at
		}
		if first < 0 || first+len(p) > len(toks) {
			continue
		}
		ok := true
		for k := range p {
			if toks[first+k] != p[k] {
				ok = false
				break
			}
		}
		if ok {
			ways |= 1 << len(p)
		}
	}
	return ways
}

// has reports whether t is one of the step's single words.
func (s *wordStep) has(t string) bool {
	_, ok := s.singles.get(t)
	return ok
}

// match reports whether the sequence ends exactly at the end of toks.
func (ws wordSeq) match(toks []string) bool {
	return ws[0].end.may(toks, true) && ws.matchBack(toks, len(ws)-1, len(toks), 0)
}

// matchBack reports whether steps ws[:step+1] end exactly at toks[:end],
// step having been taken reps times already.
func (ws wordSeq) matchBack(toks []string, step, end, reps int) bool {
	if step < 0 {
		return true
	}
	s := &ws[step]
	if s.Max == 0 { // exactly once
		for ways := s.takes(toks, end, false); ways != 0; ways &= ways - 1 {
			if ws.matchBack(toks, step-1, end-bits.TrailingZeros64(ways), 0) {
				return true
			}
		}
		return false
	}
	if reps < s.Max {
		for ways := s.takes(toks, end, false); ways != 0; ways &= ways - 1 {
			if ws.matchBack(toks, step, end-bits.TrailingZeros64(ways), reps+1) {
				return true
			}
		}
	}
	return ws.matchBack(toks, step-1, end, 0)
}

// matchHead reports whether the sequence starts exactly at the start of
// toks (what follows is free).
func (ws wordSeq) matchHead(toks []string) bool {
	return ws[0].head.may(toks, false) && ws.matchFwd(toks, 0, 0, 0)
}

// matchFwd reports whether steps ws[step:] start exactly at toks[start:],
// step having been taken reps times already.
func (ws wordSeq) matchFwd(toks []string, step, start, reps int) bool {
	if step == len(ws) {
		return true
	}
	s := &ws[step]
	if s.Max == 0 {
		for ways := s.takes(toks, start, true); ways != 0; ways &= ways - 1 {
			if ws.matchFwd(toks, step+1, start+bits.TrailingZeros64(ways), 0) {
				return true
			}
		}
		return false
	}
	if reps < s.Max {
		for ways := s.takes(toks, start, true); ways != 0; ways &= ways - 1 {
			if ws.matchFwd(toks, step, start+bits.TrailingZeros64(ways), reps+1) {
				return true
			}
		}
	}
	return ws.matchFwd(toks, step+1, start, 0)
}

// headWords returns the lower-cased words at the start of s, up to max of
// them; "," and "." are tokens, and "." or any other punctuation ends the
// run. lower is s with ASCII letters lower-cased, or "" (see tokenWord).
func headWords(s, lower string, max int, buf []string) []string {
	buf = buf[:0]
	i := 0
	for len(buf) < max {
		for i < len(s) && asciiSpace(s[i]) {
			i++
		}
		if i == len(s) {
			break
		}
		if c := s[i]; c == ',' || c == '.' {
			buf = append(buf, s[i:i+1])
			if c == '.' {
				break
			}
			i++
			continue
		}
		j := i
		plain := true // no upper case, no ’: the word as written
		for j < len(s) {
			c := s[j]
			if asciiLetter(c) || asciiDigit(c) || c == '\'' || c == '-' {
				plain = plain && !('A' <= c && c <= 'Z')
				j++
				continue
			}
			if c >= 0x80 && strings.HasPrefix(s[j:], "’") {
				plain = false
				j += len("’")
				continue
			}
			break
		}
		if j == i {
			break
		}
		buf = append(buf, tokenWord(s, lower, i, j, plain))
		i = j
		if i < len(s) && !asciiSpace(s[i]) && s[i] != ',' && s[i] != '.' {
			break
		}
	}
	return buf
}

// tokenWord is the token of the word s[i:j] of headWords and tailWords:
// lower case, ’ written '. plain says the word has neither upper case nor
// ’, so that it is its own token (ToLower and ReplaceAll cost a third of
// the tokenizers, for words that are mostly plain). A word without ’ is
// ASCII, and its token is lower[i:j] when lower (s lower-cased) is given:
// ToLower made a string for each of the 26 capitalized words of the IRO
// seed's windows.
func tokenWord(s, lower string, i, j int, plain bool) string {
	w := s[i:j]
	switch {
	case plain:
		return w
	case lower != "" && !strings.Contains(w, "’"):
		return lower[i:j]
	}
	return strings.ReplaceAll(strings.ToLower(w), "’", "'")
}

// tailWords returns the lower-cased words (and commas) at the end of s, up
// to max of them, in text order. Words are runs of letters, digits, "'",
// "’" and "-"; white space separates them; any other character ends the
// run (a sequence never crosses "." or "("). lower is s with ASCII letters
// lower-cased, or "" (see tokenWord).
func tailWords(s, lower string, max int, buf []string) []string {
	buf = buf[:0]
	i := len(s)
	for len(buf) < max {
		for i > 0 && asciiSpace(s[i-1]) {
			i--
		}
		if i == 0 {
			break
		}
		if s[i-1] == ',' {
			buf = append(buf, ",")
			i--
			continue
		}
		j := i
		plain := true // no upper case, no ’: the word as written
		for j > 0 {
			c := s[j-1]
			if asciiLetter(c) || asciiDigit(c) || c == '\'' || c == '-' {
				plain = plain && !('A' <= c && c <= 'Z')
				j--
				continue
			}
			if c >= 0x80 && j >= 3 && s[j-3:j] == "’" {
				plain = false
				j -= 3
				continue
			}
			break
		}
		if j == i {
			break // punctuation: the run ends
		}
		buf = append(buf, tokenWord(s, lower, j, i, plain))
		i = j
		if j > 0 && !asciiSpace(s[j-1]) && s[j-1] != ',' {
			break
		}
	}
	for a, b := 0, len(buf)-1; a < b; a, b = a+1, b-1 {
		buf[a], buf[b] = buf[b], buf[a]
	}
	return buf
}
