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
	windows       map[string]int // the index of each window rule in letter.Windows
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
	r := &fieldRules{lex: lx, windows: map[string]int{}}
	var err error
	if r.dates, err = loadDateRules(fsys); err != nil {
		return nil, err
	}
	if r.letter, err = loadLetterRules(fsys); err != nil {
		return nil, err
	}
	for i := range r.letter.Windows {
		r.windows[r.letter.Windows[i].Name] = i
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
		if _, ok := r.windows[w]; !ok {
			return nil, &RuleError{File: gname, Reason: fmt.Sprintf("unknown window %q (see letter.yaml)", w)}
		}
	}
	if r.guideMatcher, err = buildMatcher(gname, r.guide.Guidelines); err != nil {
		return nil, err
	}
	for _, want := range []string{"header", "reviewer", "summary", "imr_items", "iro_services", "iro_outcome", "iro_analysis"} {
		if _, ok := r.windows[want]; !ok {
			return nil, &RuleError{File: "letter.yaml", Reason: "missing window " + want}
		}
	}
	return r, nil
}

// A letterScan is one letter as the field extractors read it: its windows
// are found once, with the literals of their headings and of the date cues
// found in one pass.
type letterScan struct {
	r    *fieldRules
	c    *Case
	hits *litHits       // nil: none (see litIndex.hits)
	wins []foundWindows // by window rule
}

// foundWindows are the windows of a rule, once found.
type foundWindows struct {
	ws    []window
	found bool
}

// win returns the windows of rule name.
func (s *letterScan) win(name string) []window {
	i := s.r.windows[name]
	if w := &s.wins[i]; !w.found {
		w.ws, w.found = s.r.letter.Windows[i].find(s.c.Text, s.c.Sections, s.hits), true
	}
	return s.wins[i].ws
}

// apply fills the letter-level fields of c.
func (r *fieldRules) apply(d *caseDoc) {
	c := d.c
	text := c.Text
	ls := &letterScan{r: r, c: c, hits: r.letter.lits.hits(d.text()), wins: make([]foundWindows, len(r.letter.Windows))}
	d.lits = ls.hits
	c.Dates = r.dates.findLeads(text, !d.text().FoldsOutsideASCII()) // find, with the letter's answer

	// Case number and header dates; then cues in the text.
	var headerDates map[string]*Date
	if hw := ls.win("header"); len(hw) > 0 {
		var cn *Span
		cn, headerDates = r.headerValues(text, hw[0], c.Dates)
		if cn != nil {
			c.CaseNumber = cn.Text
		}
	}
	cued := r.cuedDates(d.text(), ls.hits, c.Dates)
	pick := func(field string) *Date {
		if d := headerDates[field]; d != nil {
			return d
		}
		return cued[field]
	}
	c.DateOfInjury, c.DecisionDate, c.URDenialDate = pick("date_of_injury"), pick("decision_date"), pick("ur_denial_date")

	// Services and outcome.
	if items := ls.win("imr_items"); len(items) > 0 {
		c.Services = append(c.Services, r.imrServices(text, items[0])...)
		if len(c.Services) > 0 {
			c.Outcome = letterOutcome(c.Services)
		}
	}
	if len(c.Services) == 0 {
		if sw := ls.win("iro_services"); len(sw) > 0 {
			c.Services = append(c.Services, r.iroServices(text, sw[0])...)
		}
		outcome := "unknown"
		if ow := ls.win("iro_outcome"); len(ow) > 0 {
			outcome = r.iroOutcome(text, ow[0])
		}
		c.Outcome = outcome
		switch outcome {
		case "upheld", "overturned":
			for i := range c.Services {
				c.Services[i].Decision = outcome
			}
		case "partially_overturned":
			wins := append(append([]window{}, ls.win("iro_outcome")...), ls.win("iro_analysis")...)
			r.iroStatementDecisions(text, c.Services, wins, splitSentences(text, wins))
		}
	}
	for i := range c.Services {
		c.Services[i].Section = sectionAt(c.Sections, c.Services[i].Start)
	}

	r.reviewer(c, ls.win("reviewer"))
	pw := ls.win("summary")
	if len(pw) == 0 {
		pw = []window{{0, len(text)}}
	}
	r.patient(c, d.text().Lower(), pw)
	c.Guidelines = r.guidelines(ls)
}

// guidelines returns the codes of the guidelines the decision relies on.
func (r *fieldRules) guidelines(ls *letterScan) []string {
	c := ls.c
	seen := map[string]bool{}
	text := c.Text
	for _, name := range r.guide.CitedIn {
		for _, w := range ls.win(name) {
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
	for _, w := range ls.win(r.guide.ChecklistWindow) {
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
