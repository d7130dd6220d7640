package pipeline

import (
	"cmp"
	"io/fs"
	"slices"
	"sort"

	"github.com/precedent-dev/precedent/extract"
	"github.com/precedent-dev/precedent/internal/rules"
)

// A caseDoc is what the stages after the letter-level fields share: the record
// being built, its sentences, and the guideline text ranges. Stages run in
// order: fields, guideline ranges, timeline (encounters), findings, relief,
// scores and strength, conservative care.
type caseDoc struct {
	c     *Case
	sents []extract.Sentence
	// guide are the byte ranges of rule text (guideline quotes, criteria
	// lists, rule sentences), sorted and disjoint.
	guide []extract.Sentence

	t *rules.Text // c.Text for the prefilters; see text

	words []uint64 // the words of c.Text; see wordSpans

	// lits are the places of the literals the fields stage looks for,
	// the rule-text patterns' among them (see ruleTextRules.shareLiterals);
	// nil: not found.
	lits *litHits

	encIndex []int // the Index of each of c.Encounters; see encounterAt
}

// text returns the case text as a rules.Text, made once and shared by the
// stages (it keeps the lowercase copy the prefilters search).
func (d *caseDoc) text() *rules.Text {
	if d.t == nil {
		d.t = rules.NewText(d.c.Text)
	}
	return d.t
}

// inGuideline reports whether [start, end) lies in rule text.
func (d *caseDoc) inGuideline(start, end int) bool {
	i := sort.Search(len(d.guide), func(i int) bool { return d.guide[i].End > start })
	return i < len(d.guide) && d.guide[i].Start <= start && end <= d.guide[i].End
}

// sentenceAt returns the sentence containing offset pos.
func (d *caseDoc) sentenceAt(pos int) (extract.Sentence, bool) {
	i := sort.Search(len(d.sents), func(i int) bool { return d.sents[i].End > pos })
	if i < len(d.sents) && d.sents[i].Start <= pos {
		return d.sents[i], true
	}
	return extract.Sentence{}, false
}

// section names the zone containing pos.
func (d *caseDoc) section(pos int) string { return sectionAt(d.c.Sections, pos) }

// encounterAt returns the index of the encounter containing pos, or nil.
// The items of one encounter share one copy of its index (nothing writes
// through them): the copies are made once per letter, in one slice,
// instead of one allocation per item (about 60 of the pipeline's 1,370
// allocations on the IRO seed).
func (d *caseDoc) encounterAt(pos int) *int {
	es := d.c.Encounters
	i := sort.Search(len(es), func(i int) bool { return es[i].End > pos })
	if i == len(es) || es[i].Start > pos {
		return nil
	}
	if len(d.encIndex) != len(es) {
		d.encIndex = make([]int, len(es))
		for k, e := range es {
			d.encIndex[k] = e.Index
		}
	}
	return &d.encIndex[i]
}

// wordSpans returns the runs of ASCII letters of the case text shorter
// than 64 bytes, made once per letter: the relief, score and care stages
// look up their words in it instead of reading the text once per set.
// Each run is start<<16 | first byte<<8 | length.
func (d *caseDoc) wordSpans() []uint64 {
	if d.words != nil {
		return d.words
	}
	text := d.c.Text
	n := len(text)
	words := make([]uint64, 0, n/6+1)
	// One loop over the bytes (letterRun per word cost twice as much).
	for i := 0; i < n; {
		if !byteLetter[text[i]] {
			i++
			continue
		}
		j := i + 1
		for j < n && byteLetter[text[j]] {
			j++
		}
		if j-i < 64 {
			words = append(words, uint64(i)<<16|uint64(text[i])<<8|uint64(j-i))
		}
		i = j
	}
	d.words = words
	return words
}

// byteLetter marks the ASCII letters.
var byteLetter = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c], t[c-'a'+'A'] = true, true
	}
	return t
}()

// byStart orders ranges by their start (slices.SortFunc).
func byStart(a, b extract.Sentence) int { return cmp.Compare(a.Start, b.Start) }

// span builds a Span for [start, end) of the case text.
func (d *caseDoc) span(start, end int) Span {
	return Span{Text: d.c.Text[start:end], Start: start, End: end, Section: d.section(start)}
}

// ruleTextRules decide which text is rule text (data/ruletext.yaml).
type ruleTextRules struct {
	Zones            []string `yaml:"zones"`
	RuleSentences    []rx     `yaml:"rule_sentences"`
	PatientSentences []rx     `yaml:"patient_sentences"`
	// ZonePatient are sentences of the patient's record that a guideline
	// zone may have swallowed ("The most recent physical examination
	// revealed ..."): cut out of the zone.
	ZonePatient []rx `yaml:"zone_patient_sentences"`

	// the regexps above, with prefilters and their literal checks in filter
	rule, patient, zonePatient patternGroup
	filter                     *checkFilter
}

// A patternGroup is a list of rule-text patterns, with their literal checks
// from at on in their ruleTextRules' filter.
type patternGroup struct {
	ms []*rules.Matcher
	at int
	// some: one of these slots of the filter is in every sentence one of
	// the patterns may match (0: unknown); see checkFilter.someSlot.
	some uint64
}

func loadRuleTextRules(fsys fs.FS) (*ruleTextRules, error) {
	var g ruleTextRules
	if err := decodeRules(fsys, "ruletext.yaml", &g); err != nil {
		return nil, err
	}
	if len(g.Zones) == 0 || len(g.RuleSentences) == 0 {
		return nil, &RuleError{File: "ruletext.yaml", Reason: "zones and rule_sentences are required"}
	}
	var checks []literalCheck
	groups := []*patternGroup{&g.rule, &g.patient, &g.zonePatient}
	for i, list := range [][]rx{g.RuleSentences, g.PatientSentences, g.ZonePatient} {
		groups[i].at = len(checks)
		for _, r := range list {
			groups[i].ms = append(groups[i].ms, rules.NewMatcher(r.Regexp))
			checks = append(checks, newLiteralCheck(r.Regexp))
		}
	}
	g.filter = newCheckFilter(checks)
	for _, grp := range groups {
		grp.some = g.filter.someSlot(grp.at, grp.at+len(grp.ms))
	}
	return &g, nil
}

// shareLiterals has the rule-text patterns' literals found with those of
// x, in the one pass of the fields stage over the letter, instead of a pass
// of their own (0.26M instructions per IRO seed). It comes before x's
// first use.
func (g *ruleTextRules) shareLiterals(x *litIndex) { g.filter.share(x) }

// matchIn reports whether one of the patterns of grp matches sentence j of
// d, with m the marks of d's sentences (checkFilter.marks).
func (g *ruleTextRules) matchIn(d *caseDoc, m []uint64, j int, grp *patternGroup) bool {
	if grp.some != 0 && m != nil && m[j]&grp.some == 0 {
		return false // most sentences: no pattern of grp may match
	}
	t, s := d.text(), d.sents[j]
	low, fold := t.Lower()[s.Start:s.End], t.FoldsOutsideASCII()
	for k, p := range grp.ms {
		c := grp.at + k
		if g.filter.slotsIn(m, j, c) && g.filter.may(m, j, c, low, fold) && p.MatchIn(t, s.Start, s.End) {
			return true
		}
	}
	return false
}

// cutPatient appends the zone [start, end) to out without its sentences
// that read as the patient's record (zone_patient_sentences), with m the
// marks of d's sentences.
func (g *ruleTextRules) cutPatient(d *caseDoc, m []uint64, out []extract.Sentence, start, end int) []extract.Sentence {
	if len(g.zonePatient.ms) > 0 {
		i := sort.Search(len(d.sents), func(i int) bool { return d.sents[i].End > start })
		for ; i < len(d.sents) && d.sents[i].Start < end; i++ {
			s := d.sents[i]
			if s.Start < start || s.End > end {
				continue
			}
			if g.matchIn(d, m, i, &g.zonePatient) {
				if start < s.Start {
					out = append(out, extract.Sentence{Start: start, End: s.Start})
				}
				start = s.End
			}
		}
	}
	if start < end {
		out = append(out, extract.Sentence{Start: start, End: end})
	}
	return out
}

// ranges returns the rule-text ranges of d: the guideline zones, and the
// sentences that read as rules and not about the patient, merged.
func (g *ruleTextRules) ranges(d *caseDoc) []extract.Sentence {
	// The literals of the patterns are found once in the whole text (the
	// fields stage's automaton pass): a pattern runs on a sentence only
	// when it holds one literal of each of the pattern's sets. Patient
	// patterns run on the few rule sentences only.
	buf := marksPool.Get().(*[]uint64)
	defer marksPool.Put(buf)
	m := g.filter.marks(buf, d.sents, d.lits)
	// One allocation for the zones and the rule sentences (8 ranges in the
	// IRO seed; growing from nothing took four).
	out := make([]extract.Sentence, 0, 16)
	for _, s := range d.c.Sections {
		for _, z := range g.Zones {
			if s.Name == z {
				out = g.cutPatient(d, m, out, s.Start, s.End)
			}
		}
	}
	slices.SortFunc(out, byStart)
	zones, z := len(out), 0
	for j, s := range d.sents {
		// A sentence in a zone's range is rule text already: the merged
		// ranges are the same without it, and its patterns need not run
		// (they are the costly part of this stage; 6 of the 13 sentences
		// they ran on in the IRO seed lie in its zones).
		for z < zones && out[z].End < s.End {
			z++
		}
		if z < zones && out[z].Start <= s.Start {
			continue
		}
		if g.matchIn(d, m, j, &g.rule) && !g.matchIn(d, m, j, &g.patient) {
			out = append(out, s)
		}
	}
	slices.SortFunc(out, byStart)
	merged := out[:0]
	for _, r := range out {
		if n := len(merged); n > 0 && r.Start <= merged[n-1].End {
			merged[n-1].End = max(merged[n-1].End, r.End)
			continue
		}
		merged = append(merged, r)
	}
	return merged
}
