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
func align(ranges [][2]int, span func(p int) (int, int), nPred int, ok func(t, p int) bool) ([]int, []bool) {
	used := make([]bool, nPred)
	pair := make([]int, len(ranges))
	for i, r := range ranges {
		pair[i] = -1
		if r[0] < 0 {
			continue
		}
		best, bestDist := -1, 1<<30
		for p := 0; p < nPred; p++ {
			if used[p] {
				continue
			}
			a, b := span(p)
			if !overlaps(r[0], r[1], a, b) || !ok(i, p) {
				continue
			}
			if d := abs(a - r[0]); d < bestDist {
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

// A kind describes how one kind of annotated item (findings, relief, pain
// scores, strength) is scored: the truth items, the predictions, when a
// prediction may stand for a truth item, and the attribute rows of a pair.
type kind struct {
	name   string
	truth  int                    // number of truth items
	quote  func(i int) TQuote     // truth item i's locator
	want   func(i int) string     // truth item i as printed in a mismatch
	preds  int                    // number of predictions
	span   func(p int) (int, int) // prediction p's byte range
	got    func(p int) string     // prediction p as printed in a mismatch
	accept func(i, p int) bool    // may prediction p stand for truth item i
	attrs  func(i, p int, at string)
}

// scoreKind aligns k's truth items with its predictions (by overlap, nearest
// first, among those accept allows) and counts the item row (TP found, FN
// missed, FP predictions left over) and, through attrs, the attribute rows
// of each pair. Quotes that cannot be found are counted in the "quote not
// found" row and otherwise ignored.
func (s *Scorer) scoreKind(letter, text string, k kind) {
	ranges := make([][2]int, k.truth)
	for i := range ranges {
		a, b, ok := locate(text, k.quote(i))
		if !ok {
			s.counts("quote not found").FN++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, "quote not found", k.quote(i).Quote, ""})
			a, b = -1, -1
		}
		ranges[i] = [2]int{a, b}
	}
	pair, used := align(ranges, k.span, k.preds, k.accept)
	for i := range ranges {
		if ranges[i][0] < 0 {
			continue
		}
		if pair[i] < 0 {
			s.counts(k.name).FN++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, k.name, k.want(i), "(missing)"})
			continue
		}
		s.counts(k.name).TP++
		k.attrs(i, pair[i], " @ "+k.quote(i).Quote)
	}
	for p, u := range used {
		if !u {
			s.counts(k.name).FP++
			s.Mismatches = append(s.Mismatches, Mismatch{letter, k.name, "(none)", k.got(p)})
		}
	}
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
	bstr := strconv.FormatBool

	// Findings: aligned by overlap and code.
	var preds []pipeline.Finding
	for _, f := range c.Findings {
		if scored[f.Code] {
			preds = append(preds, f)
		}
	}
	s.scoreKind(letter, c.Text, kind{
		name:   "findings.code",
		truth:  len(t.Findings),
		quote:  func(i int) TQuote { return t.Findings[i].TQuote },
		want:   func(i int) string { return t.Findings[i].Code + " @ " + t.Findings[i].Quote },
		preds:  len(preds),
		span:   func(p int) (int, int) { return preds[p].Start, preds[p].End },
		got:    func(p int) string { return preds[p].Code + " @ " + preds[p].Text },
		accept: func(i, p int) bool { return preds[p].Code == t.Findings[i].Code },
		attrs: func(i, p int, at string) {
			w, g := t.Findings[i], preds[p]
			s.scalar(letter, "findings.status", w.Status+at, g.Status+at)
			s.scalar(letter, "findings.side", w.Laterality+at, g.Laterality+at)
			s.scalar(letter, "findings.side_detail", w.SideDetail+at, g.SideDetail+at)
			s.scalar(letter, "findings.certainty", w.Certainty+at, g.Certainty+at)
			s.scalar(letter, "findings.in_guideline", bstr(w.InGuideline)+at, bstr(g.InGuideline)+at)
		},
	})

	// Relief: any overlapping prediction.
	s.scoreKind(letter, c.Text, kind{
		name:   "relief",
		truth:  len(t.Relief),
		quote:  func(i int) TQuote { return t.Relief[i].TQuote },
		want:   func(i int) string { return t.Relief[i].Quote },
		preds:  len(c.Relief),
		span:   func(p int) (int, int) { return c.Relief[p].Start, c.Relief[p].End },
		got:    func(p int) string { return c.Relief[p].Text },
		accept: func(int, int) bool { return true },
		attrs: func(i, p int, at string) {
			w, g := t.Relief[i], c.Relief[p]
			s.scalar(letter, "relief.percent", fmtNum(w.Percent)+at, fmtNum(g.Percent)+at)
			s.scalar(letter, "relief.percent_max", fmtNum(w.PercentMax)+at, fmtNum(g.PercentMax)+at)
			s.scalar(letter, "relief.comparator", w.Comparator+at, g.Comparator+at)
			s.scalar(letter, "relief.qualitative", w.Qualitative+at, g.Qualitative+at)
			s.scalar(letter, "relief.duration", fmtDur(w.Duration)+at, fmtDur(g.Duration)+at)
			s.scalar(letter, "relief.in_guideline", bstr(w.InGuideline)+at, bstr(g.InGuideline)+at)
		},
	})

	// Pain scores: aligned by value.
	s.scoreKind(letter, c.Text, kind{
		name:   "pain_scores",
		truth:  len(t.PainScores),
		quote:  func(i int) TQuote { return t.PainScores[i].TQuote },
		want:   func(i int) string { return t.PainScores[i].Quote },
		preds:  len(c.PainScores),
		span:   func(p int) (int, int) { return c.PainScores[p].Start, c.PainScores[p].End },
		got:    func(p int) string { return c.PainScores[p].Text },
		accept: func(i, p int) bool { return c.PainScores[p].Value == t.PainScores[i].Value },
		attrs: func(i, p int, at string) {
			w, g := t.PainScores[i], c.PainScores[p]
			s.scalar(letter, "pain_scores.value_max", fmtNum(w.ValueMax)+at, fmtNum(g.ValueMax)+at)
			s.scalar(letter, "pain_scores.site", w.Site+at, g.Site+at)
			s.scalar(letter, "pain_scores.in_guideline", bstr(w.InGuideline)+at, bstr(g.InGuideline)+at)
		},
	})

	// Strength: aligned by grade.
	s.scoreKind(letter, c.Text, kind{
		name:   "strength",
		truth:  len(t.Strength),
		quote:  func(i int) TQuote { return t.Strength[i].TQuote },
		want:   func(i int) string { return t.Strength[i].Grade + " @ " + t.Strength[i].Quote },
		preds:  len(c.Strength),
		span:   func(p int) (int, int) { return c.Strength[p].Start, c.Strength[p].End },
		got:    func(p int) string { return c.Strength[p].Grade + " @ " + c.Strength[p].Text },
		accept: func(i, p int) bool { return c.Strength[p].Grade == t.Strength[i].Grade },
		attrs: func(i, p int, at string) {
			w, g := t.Strength[i], c.Strength[p]
			s.scalar(letter, "strength.muscle", w.Muscle+at, g.Muscle+at)
			s.scalar(letter, "strength.laterality", w.Laterality+at, g.Laterality+at)
		},
	})
}
