package pipeline

import (
	"cmp"
	"io/fs"
	"slices"
	"strings"

	"github.com/precedent-dev/precedent/lexicon"
)

// findingRules fill the exam findings (Case.Findings) from the lexicon
// tagger: finding concepts and context cues are lexicon data
// (lexicon/data/findings.yaml, sites.yaml, context.yaml, laterality.yaml).
type findingRules struct {
	tagger *lexicon.Tagger
	labels map[string]string // concept labels by code (Lexicon.Concept copies the whole concept)
}

// newFindingRules builds the stage over the embedded lexicon. The finding
// rules are lexicon data, so data (the pipeline rule files) is not read.
func newFindingRules(data fs.FS) (*findingRules, error) {
	lx, err := lexicon.Load(nil)
	if err != nil {
		return nil, err
	}
	ctx, err := lexicon.LoadContext(nil)
	if err != nil {
		return nil, err
	}
	return newFindingRulesWith(lx, ctx)
}

// newFindingRulesWith builds the stage over a given lexicon and context
// (a --lexicon DIR override: lexicon.Load and lexicon.LoadContext of
// os.DirFS(dir)).
func newFindingRulesWith(lx *lexicon.Lexicon, ctx *lexicon.Context) (*findingRules, error) {
	tg, err := lexicon.NewTagger(lx, ctx)
	if err != nil {
		return nil, err
	}
	labels := map[string]string{}
	for _, c := range lx.Concepts() {
		labels[c.Code] = c.Label
	}
	return &findingRules{tagger: tg, labels: labels}, nil
}

// apply tags the findings of d. A test named without a result is kept only
// inside rule text, where a guideline lists the tests that count as
// positive findings ("Patrick's test (FABER)"); there it is positive and
// in_guideline. Every finding in rule text is hypothetical.
func (r *findingRules) apply(d *caseDoc) {
	// The tagger's own buffer: read once, no copy.
	r.tagger.TagFunc(d.c.Text, d.sents, func(ms []lexicon.Mention) { r.add(d, ms) })
	byStartCode := func(a, b Finding) int {
		if a.Start != b.Start {
			return cmp.Compare(a.Start, b.Start)
		}
		return strings.Compare(a.Code, b.Code)
	}
	if !slices.IsSortedFunc(d.c.Findings, byStartCode) { // they are when Tag's order is kept
		slices.SortStableFunc(d.c.Findings, byStartCode)
	}
}

// add appends the findings of the tagger's mentions ms to d.
func (r *findingRules) add(d *caseDoc, ms []lexicon.Mention) {
	// Two mentions of one finding in one clause ("positive Lasegue's and
	// single straight leg raise") are two findings; one mention read
	// twice (pairs of a list) is one.
	type mentionKey struct {
		f          Finding
		start, end int
	}
	// Tag sorts its mentions by Start, so a mention can only repeat one
	// of the same Start: those are all the keys to compare with.
	var same []mentionKey
	sameStart := -1
	d.c.Findings = slices.Grow(d.c.Findings, len(ms))
	for _, m := range ms {
		inGuide := d.inGuideline(m.Start, m.End)
		status := m.Status
		if status == "" {
			if !inGuide {
				continue
			}
			status = lexicon.Positive
		}
		certainty := m.Certainty
		if inGuide {
			// Rule text names a finding a rule requires or excludes
			// ("Radiculopathy must be documented"), not one this
			// patient has.
			certainty = lexicon.Hypothetical
		}
		label, ok := r.labels[m.Code]
		if !ok {
			label = m.Code
		}
		f := Finding{
			// The section is the mention's, not its evidence's (below).
			Span:        Span{Text: d.c.Text[m.EvidenceStart:m.EvidenceEnd], Start: m.EvidenceStart, End: m.EvidenceEnd},
			Code:        m.Code,
			Label:       label,
			Status:      status,
			Laterality:  m.Laterality,
			SideDetail:  m.SideDetail,
			Certainty:   certainty,
			Experiencer: m.Experiencer,
			InGuideline: inGuide,
			Historical:  m.Historical,
		}
		f.Section = d.section(m.Start)
		key := mentionKey{f, m.Start, m.End} // Encounter is a pointer: compare without it
		if m.Start != sameStart {
			same, sameStart = same[:0], m.Start
		}
		if slices.Contains(same, key) {
			continue
		}
		same = append(same, key)
		f.Encounter = d.encounterAt(m.Start)
		d.c.Findings = append(d.c.Findings, f)
	}
}
