package web

import (
	"fmt"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/criteria"
	"github.com/precedent-dev/precedent/pipeline"
)

// caseView is the data of the case page.
type caseView struct {
	C        *pipeline.Case
	Heading  string
	Fields   []field
	Services []serviceView
	Sets     []setView
	Letter   []letterTok
	Findings []itemRow
	Relief   []itemRow
	Scores   []itemRow
	Care     []itemRow
	// Dropped counts spans that could not be placed in the text (out of
	// range or not on a character boundary).
	Dropped int
}

// Title is the page title.
func (v *caseView) Title() string { return v.Heading + " · precedent" }

type serviceView struct {
	pipeline.Service
	Href string
}

type field struct {
	Name, Value string
	Badge       string // class of a badge for the value, or ""
}

type setView struct {
	criteria.SetReport
	Agrees  string // "agrees", "disagrees", "unknown"
	Results []resultView
}

type resultView struct {
	criteria.Result
	Evidence []evidenceView
}

type evidenceView struct {
	Text string
	Href string // "#s-start-end", or "" when the span is not in the text
}

// itemRow is one line of the lists beside the letter.
type itemRow struct {
	Label  string
	Status string // status class ("positive", "met", ...), or ""
	Detail string
	Href   string
	Muted  bool // quoted guideline text, not the patient
}

// A letterTok is one step of the highlighted letter: text, or the opening
// or closing of an element.
type letterTok struct {
	Text  string
	Open  *markView
	Close string // "mark" or "span"
}

// markView is a highlight (mark) or an anchor (span) element. Type is
// finding, relief, score, care or date; the other fields are its data-*
// attributes (html/template refuses attribute names from data, so each
// is a field of its own).
type markView struct {
	Anchor bool
	ID     string // anchors: only on the first piece of a split range
	Class  string
	Tip    string
	Type   string

	Code, Status, Side, Certainty, InGuideline  string
	Percent, Qualitative, Procedure             string
	Kind, Value, Site, Qualifier, Grade, Muscle string
	Modality, ISO, Redacted                     string
}

// anchorID is the id of the anchor of a span.
func anchorID(start, end int) string { return fmt.Sprintf("s-%d-%d", start, end) }

func (s *server) casePage(w http.ResponseWriter, r *http.Request) {
	c, status, msg := s.getCase(r)
	if c == nil {
		s.fail(w, r, status, msg)
		return
	}
	s.render(w, http.StatusOK, "case", buildCaseView(c, s.checker.Check(c)))
}

// highlight is a range of the letter to wrap and its element.
type highlight struct {
	r    rng
	mark *markView
}

// buildCaseView builds the case page: fields, services, the criteria
// report with links to its evidence, and the letter with highlights and
// anchors.
func buildCaseView(c *pipeline.Case, rep *criteria.Report) *caseView {
	v := &caseView{C: c, Heading: "Case " + c.ID}
	if c.CaseNumber != "" {
		v.Heading = "Case " + c.CaseNumber
	}
	v.Fields = caseFields(c)

	var (
		anchors []rng
		seen    = map[rng]bool{}
		marks   []highlight
	)
	// anchor registers the anchor of [start, end) and returns its href,
	// or "" when the span cannot be placed in the text.
	anchor := func(start, end int) string {
		rg := rng{start, end}
		if !validRange(c.Text, rg) {
			v.Dropped++
			return ""
		}
		if !seen[rg] {
			seen[rg] = true
			anchors = append(anchors, rg)
		}
		return "#" + anchorID(start, end)
	}
	mark := func(start, end int, m *markView) {
		if end > start && validRange(c.Text, rng{start, end}) {
			marks = append(marks, highlight{rng{start, end}, m})
		}
	}

	for _, sv := range c.Services {
		v.Services = append(v.Services, serviceView{Service: sv, Href: anchor(sv.Start, sv.End)})
	}
	for i := range c.Findings {
		f := &c.Findings[i]
		side := f.Laterality
		if f.SideDetail != "" {
			side = strings.TrimSpace(side + " (" + f.SideDetail + ")")
		}
		tip := fmt.Sprintf("%s (%s) · %s · side: %s · certainty: %s · in guideline: %s",
			orWord(f.Label, f.Code), f.Code, orWord(f.Status, "status unknown"), orWord(side, "none"),
			orWord(f.Certainty, "unknown"), yesNo(f.InGuideline))
		if f.Experiencer != "" && f.Experiencer != "patient" {
			tip += " · experiencer: " + f.Experiencer
		}
		if f.Historical {
			tip += " · historical"
		}
		class := "hl finding status-" + cls(f.Status)
		if f.InGuideline {
			class += " in-guideline"
		}
		mark(f.Start, f.End, &markView{Class: class, Tip: tip, Type: "finding",
			Code: f.Code, Status: f.Status, Side: f.Laterality, Certainty: f.Certainty,
			InGuideline: strconv.FormatBool(f.InGuideline)})
		detail := strings.TrimSpace(side + " " + nonDefinite(f.Certainty))
		if f.InGuideline {
			detail = strings.TrimSpace(detail + " · guideline text")
		}
		v.Findings = append(v.Findings, itemRow{Label: orWord(f.Label, f.Code), Status: cls(f.Status),
			Detail: detail, Href: anchor(f.Start, f.End), Muted: f.InGuideline || f.Certainty != "definite"})
	}
	for i := range c.Relief {
		rl := &c.Relief[i]
		what := reliefText(rl)
		tip := fmt.Sprintf("relief: %s · certainty: %s · in guideline: %s", what, orWord(rl.Certainty, "unknown"), yesNo(rl.InGuideline))
		class := "hl relief"
		if rl.InGuideline {
			class += " in-guideline"
		}
		mark(rl.Start, rl.End, &markView{Class: class, Tip: tip, Type: "relief",
			Percent: floatPtr(rl.Percent), Qualitative: rl.Qualitative, Procedure: rl.Procedure,
			Certainty: rl.Certainty, InGuideline: strconv.FormatBool(rl.InGuideline)})
		v.Relief = append(v.Relief, itemRow{Label: what, Href: anchor(rl.Start, rl.End), Muted: rl.InGuideline,
			Detail: guidelineWord(rl.InGuideline)})
	}
	for i := range c.PainScores {
		sc := &c.PainScores[i]
		val := num(sc.Value)
		if sc.ValueMax != nil {
			val += "–" + num(*sc.ValueMax)
		}
		if sc.Scale > 0 {
			val += "/" + strconv.Itoa(sc.Scale)
		}
		what := strings.TrimSpace("pain " + val + " " + sc.Site + " " + label(sc.Qualifier))
		class := "hl score pain"
		if sc.InGuideline {
			class += " in-guideline"
		}
		mark(sc.Start, sc.End, &markView{Class: class, Tip: what + " · in guideline: " + yesNo(sc.InGuideline), Type: "score",
			Kind: "pain", Value: num(sc.Value), Site: sc.Site, Qualifier: sc.Qualifier,
			InGuideline: strconv.FormatBool(sc.InGuideline)})
		v.Scores = append(v.Scores, itemRow{Label: what, Href: anchor(sc.Start, sc.End), Muted: sc.InGuideline,
			Detail: guidelineWord(sc.InGuideline)})
	}
	for i := range c.Strength {
		st := &c.Strength[i]
		what := strings.TrimSpace("strength " + st.Grade + " " + st.Muscle + " " + st.Laterality)
		mark(st.Start, st.End, &markView{Class: "hl score strength", Tip: what, Type: "score",
			Kind: "strength", Value: num(st.Value), Grade: st.Grade, Muscle: st.Muscle, Side: st.Laterality})
		v.Scores = append(v.Scores, itemRow{Label: what, Href: anchor(st.Start, st.End)})
	}
	for i := range c.ConservativeCare {
		cc := &c.ConservativeCare[i]
		what := label(cc.Modality)
		if cc.Sessions != nil {
			what += fmt.Sprintf(", %d sessions", *cc.Sessions)
		}
		if cc.Duration != nil {
			what += ", " + durationText(cc.Duration)
		}
		class := "hl care"
		if cc.InGuideline {
			class += " in-guideline"
		}
		mark(cc.Start, cc.End, &markView{Class: class, Tip: "conservative care: " + what + " · " + label(cc.Status) +
			" · in guideline: " + yesNo(cc.InGuideline), Type: "care",
			Modality: cc.Modality, Status: cc.Status, InGuideline: strconv.FormatBool(cc.InGuideline)})
		v.Care = append(v.Care, itemRow{Label: what, Status: "care-" + cls(cc.Status), Detail: label(cc.Status),
			Href: anchor(cc.Start, cc.End), Muted: cc.InGuideline})
	}
	for i := range c.Dates {
		d := &c.Dates[i]
		tip := "date " + orWord(d.ISO, d.Text)
		if d.Redacted {
			tip += " (redacted)"
		}
		mark(d.Start, d.End, &markView{Class: "hl date", Tip: tip, Type: "date",
			ISO: d.ISO, Redacted: strconv.FormatBool(d.Redacted)})
		anchor(d.Start, d.End)
	}
	for _, sr := range rep.Sets {
		sv := setView{SetReport: sr, Agrees: "unknown"}
		if sr.Agrees != nil {
			sv.Agrees = map[bool]string{true: "agrees", false: "disagrees"}[*sr.Agrees]
		}
		for _, res := range sr.Results {
			rv := resultView{Result: res}
			for _, e := range res.Evidence {
				rv.Evidence = append(rv.Evidence, evidenceView{Text: e.Text, Href: anchor(e.Start, e.End)})
			}
			sv.Results = append(sv.Results, rv)
		}
		v.Sets = append(v.Sets, sv)
	}

	// Anchors first: at the same range they are the outer element.
	ranges := make([]rng, 0, len(anchors)+len(marks))
	views := make([]*markView, 0, cap(ranges))
	for _, a := range anchors {
		ranges = append(ranges, a)
		views = append(views, &markView{Anchor: true, ID: anchorID(a.Start, a.End), Class: "anchor"})
	}
	for _, m := range marks {
		ranges = append(ranges, m.r)
		views = append(views, m.mark)
	}
	for _, t := range segment(c.Text, ranges) {
		switch t.Op {
		case opText:
			v.Letter = append(v.Letter, letterTok{Text: c.Text[t.Start:t.End]})
		case opOpen:
			m := views[t.Range]
			if m.Anchor && !t.First {
				m = &markView{Anchor: true, Class: m.Class} // one id per page
			}
			v.Letter = append(v.Letter, letterTok{Open: m})
		case opClose:
			tag := "mark"
			if views[t.Range].Anchor {
				tag = "span"
			}
			v.Letter = append(v.Letter, letterTok{Close: tag})
		}
	}
	return v
}

// caseFields are the letter-level fields of the case page.
func caseFields(c *pipeline.Case) []field {
	var out []field
	add := func(name, value, badge string) {
		if value != "" {
			out = append(out, field{Name: name, Value: value, Badge: badge})
		}
	}
	add("Kind", strings.ToUpper(c.Kind), "kind kind-"+cls(c.Kind))
	add("Case number", c.CaseNumber, "")
	add("Outcome", label(c.Outcome), "outcome-"+cls(c.Outcome))
	add("Decision date", dateText(c.DecisionDate), "")
	add("UR denial date", dateText(c.URDenialDate), "")
	add("Date of injury", dateText(c.DateOfInjury), "")
	var pt []string
	if c.Patient.Age != nil {
		pt = append(pt, strconv.Itoa(*c.Patient.Age)+" years")
	}
	if c.Patient.Sex != "" {
		pt = append(pt, c.Patient.Sex)
	}
	add("Patient", strings.Join(pt, ", "), "")
	add("Reviewer specialty", strings.Join(c.Reviewer.Specialties, ", "), "")
	add("Reviewer licensure", strings.Join(c.Reviewer.Licensure, ", "), "")
	if c.Reviewer.BoardCertified != nil {
		add("Board certified", yesNo(*c.Reviewer.BoardCertified), "")
	}
	if c.Reviewer.YearsExperience != nil {
		add("Reviewer experience", strconv.Itoa(*c.Reviewer.YearsExperience)+" years", "")
	}
	add("Guidelines relied on", strings.ToUpper(strings.Join(c.Guidelines, ", ")), "")
	src := c.Source.Format
	if c.Source.Pages != nil {
		src += fmt.Sprintf(", %d pages", *c.Source.Pages)
	}
	if c.Source.Encoding != "" && c.Source.Format == "text" {
		src += ", " + c.Source.Encoding
	}
	add("Source", path.Base(strings.ReplaceAll(c.Source.Path, `\`, "/"))+" ("+src+")", "")
	add("Case id", c.ID, "")
	add("Warnings", strings.Join(c.Warnings, "; "), "")
	return out
}

func dateText(d *pipeline.Date) string {
	switch {
	case d == nil:
		return ""
	case d.ISO != "":
		return d.ISO
	case d.Redacted:
		return d.Text + " (redacted)"
	}
	return d.Text
}

func reliefText(r *pipeline.Relief) string {
	var parts []string
	if r.Percent != nil {
		p := r.Comparator + num(*r.Percent)
		if r.PercentMax != nil {
			p += "–" + num(*r.PercentMax)
		}
		parts = append(parts, p+"%")
	}
	if r.Qualitative != "" {
		parts = append(parts, r.Qualitative)
	}
	if r.Before != nil && r.After != nil {
		parts = append(parts, fmt.Sprintf("pain %s → %s", num(*r.Before), num(*r.After)))
	}
	if r.Duration != nil {
		parts = append(parts, "for "+durationText(r.Duration))
	}
	if r.Procedure != "" {
		parts = append(parts, "after "+label(r.Procedure))
	}
	if len(parts) == 0 {
		return "relief"
	}
	return strings.Join(parts, " ")
}

func durationText(d *pipeline.Duration) string {
	unit := d.Unit
	if d.Value != 1 {
		unit += "s"
	}
	return num(d.Value) + " " + unit
}

func num(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

func floatPtr(f *float64) string {
	if f == nil {
		return ""
	}
	return num(*f)
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func orWord(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

func nonDefinite(certainty string) string {
	if certainty == "definite" || certainty == "" {
		return ""
	}
	return certainty
}

func guidelineWord(in bool) string {
	if in {
		return "guideline text"
	}
	return ""
}
