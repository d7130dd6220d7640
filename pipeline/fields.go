package pipeline

import (
	"fmt"
	"io/fs"
	"sort"
	"strings"

	"github.com/precedent-dev/precedent/internal/rules"
	"github.com/precedent-dev/precedent/lexicon"
)

// Letter-level fields: case number, header dates, every date mention,
// services and decisions, outcome, reviewer, patient and guidelines.
//
// The extractors read windows of the text found by heading patterns
// (data/letter.yaml), so they work whether or not the sectioner found zones;
// when a window's headings are absent, the zones of the same name are used.
// All rules are data (data/*.yaml); the code is the mechanism.

type guidelineFile struct {
	Guidelines      []termGroup `yaml:"guidelines"`
	CitedIn         []string    `yaml:"cited_in"`
	NotRelied       rx          `yaml:"not_relied"`
	NotReliedBefore rx          `yaml:"not_relied_before"`
	ChecklistWindow string      `yaml:"checklist_window"`
}

type fieldRules struct {
	dates         *dateRules
	letter        *letterFile
	services      *serviceFile
	reviewerRules *reviewerRules
	patientRules  *patientRules
	guide         *guidelineFile
	guideMatcher  *lexicon.Matcher
	lex           *lexicon.Lexicon
	windows       map[string]*windowRule
	// notRelied and notReliedBefore are guide.NotRelied and
	// guide.NotReliedBefore, with prefilters.
	notRelied, notReliedBefore *rules.Matcher
}

func newFieldRules() (*fieldRules, error) { return loadFieldRules(nil, nil) }

// loadFieldRules loads the rules from fsys (nil: the embedded data
// directory) and the lexicon lx (nil: the default lexicon).
func loadFieldRules(fsys fs.FS, lx *lexicon.Lexicon) (*fieldRules, error) {
	if fsys == nil {
		sub, err := fs.Sub(fieldData, "data")
		if err != nil {
			return nil, err
		}
		fsys = sub
	}
	if lx == nil {
		var err error
		if lx, err = lexicon.Load(nil); err != nil {
			return nil, err
		}
	}
	r := &fieldRules{lex: lx, windows: map[string]*windowRule{}}
	var err error
	if r.dates, err = loadDateRules(fsys); err != nil {
		return nil, err
	}
	if r.letter, err = loadLetterRules(fsys); err != nil {
		return nil, err
	}
	for i := range r.letter.Windows {
		r.windows[r.letter.Windows[i].Name] = &r.letter.Windows[i]
	}
	if r.services, err = loadServiceRules(fsys, lx); err != nil {
		return nil, err
	}
	if r.reviewerRules, err = loadReviewerRules(fsys); err != nil {
		return nil, err
	}
	if r.patientRules, err = loadPatientRules(fsys); err != nil {
		return nil, err
	}
	const gname = "guidelines.yaml"
	r.guide = &guidelineFile{}
	if err := decodeRules(fsys, gname, r.guide); err != nil {
		return nil, err
	}
	if err := required(gname, &r.guide.NotRelied, "not_relied"); err != nil {
		return nil, err
	}
	if err := required(gname, &r.guide.NotReliedBefore, "not_relied_before"); err != nil {
		return nil, err
	}
	r.notRelied, r.notReliedBefore = rules.NewMatcher(r.guide.NotRelied.Regexp), rules.NewMatcher(r.guide.NotReliedBefore.Regexp)
	for _, w := range append(append([]string{}, r.guide.CitedIn...), r.guide.ChecklistWindow) {
		if r.windows[w] == nil {
			return nil, &RuleError{File: gname, Reason: fmt.Sprintf("unknown window %q (see letter.yaml)", w)}
		}
	}
	if r.guideMatcher, err = buildMatcher(gname, r.guide.Guidelines); err != nil {
		return nil, err
	}
	for _, want := range []string{"header", "reviewer", "summary", "imr_items", "iro_services", "iro_outcome", "iro_analysis"} {
		if r.windows[want] == nil {
			return nil, &RuleError{File: "letter.yaml", Reason: "missing window " + want}
		}
	}
	return r, nil
}

func (r *fieldRules) win(name string, c *Case) []window {
	return r.windows[name].find(c.Text, c.Sections)
}

// apply fills the letter-level fields of c.
func (r *fieldRules) apply(d *caseDoc) {
	c := d.c
	text := c.Text
	c.Dates = r.dates.find(text)

	// Case number and header dates; then cues in the text.
	var headerDates map[string]*Date
	if hw := r.win("header", c); len(hw) > 0 {
		var cn *Span
		cn, headerDates = r.headerValues(text, hw[0], c.Dates)
		if cn != nil {
			c.CaseNumber = cn.Text
		}
	}
	cued := r.cuedDates(d.text(), c.Dates)
	pick := func(field string) *Date {
		if d := headerDates[field]; d != nil {
			return d
		}
		return cued[field]
	}
	c.DateOfInjury, c.DecisionDate, c.URDenialDate = pick("date_of_injury"), pick("decision_date"), pick("ur_denial_date")

	// Services and outcome.
	if items := r.win("imr_items", c); len(items) > 0 {
		c.Services = append(c.Services, r.imrServices(text, items[0])...)
		if len(c.Services) > 0 {
			c.Outcome = letterOutcome(c.Services)
		}
	}
	if len(c.Services) == 0 {
		if sw := r.win("iro_services", c); len(sw) > 0 {
			c.Services = append(c.Services, r.iroServices(text, sw[0])...)
		}
		outcome := "unknown"
		if ow := r.win("iro_outcome", c); len(ow) > 0 {
			outcome = r.iroOutcome(text, ow[0])
		}
		c.Outcome = outcome
		switch outcome {
		case "upheld", "overturned":
			for i := range c.Services {
				c.Services[i].Decision = outcome
			}
		case "partially_overturned":
			wins := append(r.win("iro_outcome", c), r.win("iro_analysis", c)...)
			r.iroStatementDecisions(text, c.Services, wins, splitSentences(text, wins))
		}
	}
	for i := range c.Services {
		c.Services[i].Section = sectionAt(c.Sections, c.Services[i].Start)
	}

	r.reviewer(c, r.win("reviewer", c))
	pw := r.win("summary", c)
	if len(pw) == 0 {
		pw = []window{{0, len(text)}}
	}
	r.patient(c, pw)
	c.Guidelines = r.guidelines(c)
}

// guidelines returns the codes of the guidelines the decision relies on.
func (r *fieldRules) guidelines(c *Case) []string {
	seen := map[string]bool{}
	text := c.Text
	for _, name := range r.guide.CitedIn {
		for _, w := range r.win(name, c) {
			for _, m := range r.guideMatcher.Match(text[w.start:w.end]) {
				after := text[w.start+m.End : min(len(text), w.start+m.End+80)]
				before := text[max(0, w.start+m.Start-40) : w.start+m.Start]
				if r.notRelied.MatchString(after) || r.notReliedBefore.MatchString(before) {
					continue
				}
				seen[m.Code] = true
			}
		}
	}
	for _, w := range r.win(r.guide.ChecklistWindow, c) {
		seg := text[w.start:w.end]
		lineDone := -1
		for _, m := range r.guideMatcher.Match(seg) {
			ls := strings.LastIndexByte(seg[:m.Start], '\n') + 1
			if ls == lineDone {
				continue
			}
			lineDone = ls
			if r.markOf(text, w.start+m.Start) > 0 {
				seen[m.Code] = true
			}
		}
	}
	out := []string{}
	for k := range seen {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// sectionAt names the zone containing offset i.
func sectionAt(secs []Section, i int) string {
	for _, s := range secs {
		if s.Start <= i && i < s.End {
			return s.Name
		}
	}
	return ""
}

type sentenceSpan struct{ start, end int }

// splitSentences splits windows at ". " and blank lines: enough to find
// per-service statements.
func splitSentences(text string, wins []window) []sentenceSpan {
	var out []sentenceSpan
	for _, w := range wins {
		s := w.start
		for i := w.start; i < w.end; i++ {
			c := text[i]
			end := c == '.' && (i+1 == w.end || isSpace(text[i+1])) ||
				c == '\n' && i+1 < w.end && text[i+1] == '\n'
			if end {
				if i+1 > s {
					out = append(out, sentenceSpan{s, i + 1})
				}
				s = i + 1
			}
		}
		if s < w.end {
			out = append(out, sentenceSpan{s, w.end})
		}
	}
	return out
}
