package evaluate

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/pipeline"
)

// FindingsTruth is the hand-annotated clinical content of one letter
// (fixtures/truth/findings; format in its README.md). Items are located in
// the letter by a verbatim quote rather than offsets, so the annotation
// does not depend on the tool's normalization.
type FindingsTruth struct {
	Findings   []TFinding  `json:"findings"`
	Relief     []TRelief   `json:"relief"`
	PainScores []TScore    `json:"pain_scores"`
	Strength   []TStrength `json:"strength"`
	Notes      string      `json:"notes,omitempty"`
}

// A TQuote locates an item: the occurrence-th (1-based) match of Quote.
type TQuote struct {
	Quote      string `json:"quote"`
	Occurrence int    `json:"occurrence,omitempty"`
}

// A TFinding is one annotated finding.
type TFinding struct {
	TQuote
	Code        string `json:"code"`
	Status      string `json:"status"`
	Laterality  string `json:"laterality"`
	SideDetail  string `json:"side_detail"`
	Certainty   string `json:"certainty"`
	InGuideline bool   `json:"in_guideline"`
}

// A TRelief is one annotated relief statement.
type TRelief struct {
	TQuote
	Percent     *float64           `json:"percent"`
	PercentMax  *float64           `json:"percent_max"`
	Comparator  string             `json:"comparator"`
	Qualitative string             `json:"qualitative"`
	Duration    *pipeline.Duration `json:"duration"`
	InGuideline bool               `json:"in_guideline"`
}

// A TScore is one annotated pain score.
type TScore struct {
	TQuote
	Value       float64  `json:"value"`
	ValueMax    *float64 `json:"value_max"`
	Site        string   `json:"site"`
	InGuideline bool     `json:"in_guideline"`
}

// A TStrength is one annotated strength grade.
type TStrength struct {
	TQuote
	Grade      string `json:"grade"`
	Muscle     string `json:"muscle"`
	Laterality string `json:"laterality"`
}

// FindingCodes are the finding codes the gold set annotates (the record
// contract's list); predictions of other codes are not scored.
var FindingCodes = []string{
	"faber", "gaenslen", "thigh_thrust", "compression", "distraction", "fortin_finger",
	"sacral_sulcus_tenderness", "si_tenderness", "straight_leg_raise", "facet_loading", "spurling",
	"paraspinal_tenderness", "spinous_tenderness", "sensory_deficit", "reflex_change",
	"radicular_pain", "numbness",
}

// ParseFindingsTruth decodes one findings truth file strictly.
func ParseFindingsTruth(name string, data []byte) (*FindingsTruth, error) {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var t FindingsTruth
	if err := dec.Decode(&t); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return &t, nil
}

// LoadFindingsTruths reads every *.json directly in dir of fsys, keyed by
// base name without extension. A missing dir gives an empty map.
func LoadFindingsTruths(fsys fs.FS, dir string) (map[string]*FindingsTruth, error) {
	out := map[string]*FindingsTruth{}
	ents, err := fs.ReadDir(fsys, dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return out, nil
		}
		return nil, err
	}
	for _, e := range ents {
		if e.IsDir() || !strings.HasSuffix(e.Name(), ".json") {
			continue
		}
		data, err := fs.ReadFile(fsys, path.Join(dir, e.Name()))
		if err != nil {
			return nil, err
		}
		t, err := ParseFindingsTruth(path.Join(dir, e.Name()), data)
		if err != nil {
			return nil, err
		}
		out[strings.TrimSuffix(e.Name(), ".json")] = t
	}
	return out, nil
}

// locate returns the byte range of q in text, whitespace folded, or ok false.
func locate(text string, q TQuote) (int, int, bool) {
	words := strings.Fields(q.Quote)
	if len(words) == 0 {
		return 0, 0, false
	}
	for i, w := range words {
		words[i] = regexp.QuoteMeta(w)
	}
	re, err := regexp.Compile(strings.Join(words, `\s+`))
	if err != nil {
		return 0, 0, false
	}
	n := max(q.Occurrence, 1)
	locs := re.FindAllStringIndex(text, n)
	if len(locs) < n {
		return 0, 0, false
	}
	return locs[n-1][0], locs[n-1][1], true
}

func overlaps(a0, a1, b0, b1 int) bool { return a0 < b1 && b0 < a1 }

// align pairs each truth item (located at ranges[i]) with an unused
// prediction whose span overlaps it and that ok accepts, nearest first. It
// returns, per truth item, the index of its prediction or -1.
func align(ranges [][2]int, predStart, predEnd func(int) int, nPred int, ok func(t, p int) bool) ([]int, []bool) {
	used := make([]bool, nPred)
	pair := make([]int, len(ranges))
	for i, r := range ranges {
		pair[i] = -1
		if r[0] < 0 {
			continue
		}
		best, bestDist := -1, 1<<30
		for p := 0; p < nPred; p++ {
			if used[p] || !overlaps(r[0], r[1], predStart(p), predEnd(p)) || !ok(i, p) {
				continue
			}
			if d := abs(predStart(p) - r[0]); d < bestDist {
				best, bestDist = p, d
			}
		}
		if best >= 0 {
			used[best] = true
			pair[i] = best
		}
	}
	return pair, used
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

func fmtNum(p *float64) string {
	if p == nil {
		return ""
	}
	return strconv.FormatFloat(*p, 'f', -1, 64)
}

func fmtDur(d *pipeline.Duration) string {
	if d == nil {
		return ""
	}
	return strconv.FormatFloat(d.Value, 'f', -1, 64) + " " + d.Unit
}

// AddFindings scores the clinical content of one record against its truth:
// an item row per kind (found or not) and a row per attribute of the items
// found. Quotes that cannot be found in the letter are counted in
// the "quote not found" row and otherwise ignored.
func (s *Scorer) AddFindings(letter string, c *pipeline.Case, t *FindingsTruth) {
	scored := map[string]bool{}
	for _, code := range FindingCodes {
		scored[code] = true
	}
	locateAll := func(n int, q func(int) TQuote) [][2]int {
		out := make([][2]int, n)
		for i := range out {
			a, b, ok := locate(c.Text, q(i))
			if !ok {
				s.counts("quote not found").FN++
				s.Mismatches = append(s.Mismatches, Mismatch{letter, "quote not found", q(i).Quote, ""})
				a, b = -1, -1
			}
			out[i] = [2]int{a, b}
		}
		return out
	}
	bstr := strconv.FormatBool

	// Findings: aligned by overlap and code.
	var preds []pipeline.Finding
	for _, f := range c.Findings {
		if scored[f.Code] {
			preds = append(preds, f)
		}
	}
	fr := locateAll(len(t.Findings), func(i int) TQuote { return t.Findings[i].TQuote })
	pair, used := align(fr, func(p int) int { return preds[p].Start }, func(p int) int { return preds[p].End }, len(preds),
		func(i, p int) bool { return preds[p].Code == t.Findings[i].Code })
	for i, w := range t.Findings {
		if fr[i][0] < 0 {
			continue
		}
		if pair[i] < 0 {
			s.counts("findings.code").FN++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "findings.code", w.Code + " @ " + w.Quote, "(missing)"})
			continue
		}
		s.counts("findings.code").TP++
		g := preds[pair[i]]
		at := " @ " + w.Quote
		s.scalar(letter, "findings.status", w.Status+at, g.Status+at)
		s.scalar(letter, "findings.side", w.Laterality+at, g.Laterality+at)
		s.scalar(letter, "findings.side_detail", w.SideDetail+at, g.SideDetail+at)
		s.scalar(letter, "findings.certainty", w.Certainty+at, g.Certainty+at)
		s.scalar(letter, "findings.in_guideline", bstr(w.InGuideline)+at, bstr(g.InGuideline)+at)
	}
	for p, u := range used {
		if !u {
			s.counts("findings.code").FP++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "findings.code", "(none)", preds[p].Code + " @ " + preds[p].Text})
		}
	}

	// Relief.
	rr := locateAll(len(t.Relief), func(i int) TQuote { return t.Relief[i].TQuote })
	rp, ru := align(rr, func(p int) int { return c.Relief[p].Start }, func(p int) int { return c.Relief[p].End }, len(c.Relief),
		func(int, int) bool { return true })
	for i, w := range t.Relief {
		if rr[i][0] < 0 {
			continue
		}
		if rp[i] < 0 {
			s.counts("relief").FN++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "relief", w.Quote, "(missing)"})
			continue
		}
		s.counts("relief").TP++
		g := c.Relief[rp[i]]
		at := " @ " + w.Quote
		s.scalar(letter, "relief.percent", fmtNum(w.Percent)+at, fmtNum(g.Percent)+at)
		s.scalar(letter, "relief.percent_max", fmtNum(w.PercentMax)+at, fmtNum(g.PercentMax)+at)
		s.scalar(letter, "relief.comparator", w.Comparator+at, g.Comparator+at)
		s.scalar(letter, "relief.qualitative", w.Qualitative+at, g.Qualitative+at)
		s.scalar(letter, "relief.duration", fmtDur(w.Duration)+at, fmtDur(g.Duration)+at)
		s.scalar(letter, "relief.in_guideline", bstr(w.InGuideline)+at, bstr(g.InGuideline)+at)
	}
	for p, u := range ru {
		if !u {
			s.counts("relief").FP++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "relief", "(none)", c.Relief[p].Text})
		}
	}

	// Pain scores.
	sr := locateAll(len(t.PainScores), func(i int) TQuote { return t.PainScores[i].TQuote })
	sp, su := align(sr, func(p int) int { return c.PainScores[p].Start }, func(p int) int { return c.PainScores[p].End }, len(c.PainScores),
		func(i, p int) bool { return c.PainScores[p].Value == t.PainScores[i].Value })
	for i, w := range t.PainScores {
		if sr[i][0] < 0 {
			continue
		}
		if sp[i] < 0 {
			s.counts("pain_scores").FN++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "pain_scores", w.Quote, "(missing)"})
			continue
		}
		s.counts("pain_scores").TP++
		g := c.PainScores[sp[i]]
		at := " @ " + w.Quote
		s.scalar(letter, "pain_scores.value_max", fmtNum(w.ValueMax)+at, fmtNum(g.ValueMax)+at)
		s.scalar(letter, "pain_scores.site", w.Site+at, g.Site+at)
		s.scalar(letter, "pain_scores.in_guideline", bstr(w.InGuideline)+at, bstr(g.InGuideline)+at)
	}
	for p, u := range su {
		if !u {
			s.counts("pain_scores").FP++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "pain_scores", "(none)", c.PainScores[p].Text})
		}
	}

	// Strength.
	tr := locateAll(len(t.Strength), func(i int) TQuote { return t.Strength[i].TQuote })
	tp, tu := align(tr, func(p int) int { return c.Strength[p].Start }, func(p int) int { return c.Strength[p].End }, len(c.Strength),
		func(i, p int) bool { return c.Strength[p].Grade == t.Strength[i].Grade })
	for i, w := range t.Strength {
		if tr[i][0] < 0 {
			continue
		}
		if tp[i] < 0 {
			s.counts("strength").FN++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "strength", w.Grade + " @ " + w.Quote, "(missing)"})
			continue
		}
		s.counts("strength").TP++
		g := c.Strength[tp[i]]
		at := " @ " + w.Quote
		s.scalar(letter, "strength.muscle", w.Muscle+at, g.Muscle+at)
		s.scalar(letter, "strength.laterality", w.Laterality+at, g.Laterality+at)
	}
	for p, u := range tu {
		if !u {
			s.counts("strength").FP++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "strength", "(none)", c.Strength[p].Grade + " @ " + c.Strength[p].Text})
		}
	}
}
