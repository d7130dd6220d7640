package pipeline

import (
	"fmt"
	"github.com/precedent-dev/precedent/internal/rules"
	"io/fs"
	"sort"
)

type windowRule struct {
	Name   string   `yaml:"name"`
	Start  []rx     `yaml:"start"`
	End    []rx     `yaml:"end"`
	Zones  []string `yaml:"zones"`
	Repeat bool     `yaml:"repeat"`

	start, end []litPattern // Start and End, with prefilters
}

type headerRule struct {
	Field string `yaml:"field"`
	Label rx     `yaml:"label"`
	Value string `yaml:"value"`
}

type dateCue struct {
	Field  string `yaml:"field"`
	Before *rx    `yaml:"before"`
	After  *rx    `yaml:"after"`

	m litPattern // Before or After, with prefilters
}

type letterFile struct {
	Windows  []windowRule  `yaml:"windows"`
	Header   []headerRule  `yaml:"header"`
	Values   map[string]rx `yaml:"values"`
	DateCues []dateCue     `yaml:"date_cues"`

	// lits are the literals of the windows' and the date cues' patterns,
	// found in one pass over a letter.
	lits litIndex

	valueKinds []string // the keys of Values, sorted
}

// dateFields are the Case fields a header label or cue may fill.
var dateFields = []string{"date_of_injury", "decision_date", "ur_denial_date"}

func loadLetterRules(fsys fs.FS) (*letterFile, error) {
	const name = "letter.yaml"
	var f letterFile
	if err := decodeRules(fsys, name, &f); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i := range f.Windows {
		w := &f.Windows[i]
		for _, re := range w.Start {
			w.start = append(w.start, newLitPattern(re.Regexp, &f.lits))
		}
		for _, re := range w.End {
			w.end = append(w.end, newLitPattern(re.Regexp, &f.lits))
		}
		line := 0
		if len(w.Start) > 0 {
			line = w.Start[0].Line
		}
		if w.Name == "" || seen[w.Name] {
			return nil, &RuleError{File: name, Line: line, Reason: fmt.Sprintf("window name %q is empty or repeated", w.Name)}
		}
		if len(w.Start) == 0 {
			return nil, &RuleError{File: name, Reason: fmt.Sprintf("window %s has no start", w.Name)}
		}
		seen[w.Name] = true
	}
	f.valueKinds = sortedKeys(f.Values)
	for _, h := range f.Header {
		if h.Value != "date" {
			if _, ok := f.Values[h.Value]; !ok {
				return nil, &RuleError{File: name, Line: h.Label.Line, Reason: fmt.Sprintf("header %s: unknown value kind %q", h.Field, h.Value)}
			}
		}
	}
	for i := range f.DateCues {
		c := &f.DateCues[i]
		line := 0
		if c.Before != nil {
			line = c.Before.Line
			c.m = newLitPattern(c.Before.Regexp, &f.lits)
		} else if c.After != nil {
			line = c.After.Line
			c.m = newLitPattern(c.After.Regexp, &f.lits)
		}
		if !contains(dateFields, c.Field) {
			return nil, &RuleError{File: name, Line: line, Reason: fmt.Sprintf("date cue: unknown field %q", c.Field)}
		}
		if (c.Before == nil) == (c.After == nil) {
			return nil, &RuleError{File: name, Line: line, Reason: "date cue needs exactly one of before, after"}
		}
	}
	return &f, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// A window is a byte range of the text.
type window struct{ start, end int }

// find returns the ranges of rule w in text (or the matching zones), with
// h the litHits of text (nil: none).
func (w *windowRule) find(text string, sections []Section, h *litHits) []window {
	var out []window
	from := 0
	for from <= len(text) {
		s, e := -1, -1
		for i := range w.start {
			if ms, me, ok := w.start[i].index(text, from, h); ok && (s < 0 || ms < s) {
				s, e = ms, me
			}
		}
		if s < 0 {
			break
		}
		end := len(text)
		for i := range w.end {
			if ms, _, ok := w.end[i].index(text, e, h); ok && ms < end {
				end = ms
			}
		}
		out = append(out, window{e, end})
		if !w.Repeat || end <= e {
			break
		}
		from = end
	}
	if len(out) == 0 {
		for _, sec := range sections {
			if contains(w.Zones, sec.Name) {
				out = append(out, window{sec.Start, sec.End})
			}
		}
	}
	return out
}

func inWindows(ws []window, i int) bool {
	for _, w := range ws {
		if w.start <= i && i < w.end {
			return true
		}
	}
	return false
}

// headerToken is a label or a value in the header window.
type headerToken struct {
	pos    int
	label  *headerRule
	kind   string // value kind
	value  string
	date   *Date
	end    int
	offset int
}

// headerValues pairs header labels with values: each value goes to the
// oldest waiting label of its kind. This reads both "Label: value" lines and
// the PDF layout where a column of labels precedes a column of values.
func (r *fieldRules) headerValues(text string, win window, dates []Date) (caseNo *Span, found map[string]*Date) {
	found = map[string]*Date{}
	seg := text[win.start:win.end]
	var toks []headerToken
	labelEnds := []window{}
	for i := range r.letter.Header {
		h := &r.letter.Header[i]
		for _, loc := range h.Label.Matcher().FindAllStringIndex(seg) {
			toks = append(toks, headerToken{pos: win.start + loc[0], end: win.start + loc[1], label: h})
			labelEnds = append(labelEnds, window{win.start + loc[0], win.start + loc[1]})
		}
	}
	// Drop labels contained in another label match (e.g. "Decision Date:"
	// inside a longer label).
	sort.SliceStable(toks, func(i, j int) bool {
		if toks[i].pos != toks[j].pos {
			return toks[i].pos < toks[j].pos
		}
		return toks[i].end > toks[j].end
	})
	var labels []headerToken
	last := -1
	for _, t := range toks {
		if t.pos < last {
			continue
		}
		labels = append(labels, t)
		last = t.end
	}
	toks = labels
	for _, kind := range r.letter.valueKinds {
		re := r.letter.Values[kind]
		for _, loc := range re.FindAllStringIndex(seg, -1) {
			p := win.start + loc[0]
			if inWindows(labelEnds, p) {
				continue
			}
			toks = append(toks, headerToken{pos: p, end: win.start + loc[1], kind: kind, value: text[p : win.start+loc[1]]})
		}
	}
	for i := range dates {
		d := &dates[i]
		if d.Start >= win.start && d.End <= win.end {
			toks = append(toks, headerToken{pos: d.Start, end: d.End, kind: "date", date: d})
		}
	}
	sort.SliceStable(toks, func(i, j int) bool { return toks[i].pos < toks[j].pos })
	var waiting []*headerRule
	for _, t := range toks {
		if t.label != nil {
			waiting = append(waiting, t.label)
			continue
		}
		for i, h := range waiting {
			if h.Value != t.kind {
				continue
			}
			waiting = append(waiting[:i:i], waiting[i+1:]...)
			switch {
			case h.Field == "case_number" && caseNo == nil:
				caseNo = &Span{Text: t.value, Start: t.pos, End: t.end}
			case t.date != nil && contains(dateFields, h.Field) && found[h.Field] == nil:
				d := *t.date
				found[h.Field] = &d
			}
			break
		}
	}
	return caseNo, found
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// cuedDates finds dates named by the words around them, with h the
// litHits of t (nil: none).
func (r *fieldRules) cuedDates(t *rules.Text, h *litHits, dates []Date) map[string]*Date {
	text := t.S
	out := map[string]*Date{}
	for i := range dates {
		d := dates[i]
		for k := range r.letter.DateCues {
			c := &r.letter.DateCues[k]
			if out[c.Field] != nil {
				continue
			}
			// the 90 bytes before the date, or the 60 after it
			a, b := max(0, d.Start-90), d.Start
			if c.After != nil {
				a, b = d.End, min(len(text), d.End+60)
			}
			if h != nil && c.m.need != nil && !h.within(c.m.need, a, b) {
				continue
			}
			if c.m.m.MatchIn(t, a, b) {
				dd := d
				out[c.Field] = &dd
			}
		}
	}
	return out
}
