package pipeline

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/lexicon"
)

type valuePattern struct {
	Value   string `yaml:"value"`
	Pattern rx     `yaml:"pattern"`
}

type outcomeOption struct {
	Outcome string `yaml:"outcome"`
	Pattern rx     `yaml:"pattern"`
}

type statementRule struct {
	Decision string `yaml:"decision"`
	Pattern  rx     `yaml:"pattern"`
}

type overrideRule struct {
	Code    string `yaml:"code"`
	Pattern rx     `yaml:"pattern"`
}

type serviceFile struct {
	IMRDecision        rx                `yaml:"imr_decision"`
	RemainingStart     rx                `yaml:"remaining_start"`
	RemainingEnd       rx                `yaml:"remaining_end"`
	Decisions          map[string]string `yaml:"decisions"`
	IROItem            rx                `yaml:"iro_item"`
	OutcomeOptions     []outcomeOption   `yaml:"outcome_options"`
	CheckedMarks       []string          `yaml:"checked_marks"`
	UncheckedMarks     []string          `yaml:"unchecked_marks"`
	Statements         []statementRule   `yaml:"statements"`
	ClassifyStrip      []rx              `yaml:"classify_strip"`
	Overrides          []overrideRule    `yaml:"overrides"`
	MedicationFallback rx                `yaml:"medication_fallback"`
	Laterality         []valuePattern    `yaml:"laterality"`
	Levels             rx                `yaml:"levels"`
	Sedation           rx                `yaml:"sedation"`
	Guidance           []valuePattern    `yaml:"guidance"`
	Frequency          rx                `yaml:"frequency"`
}

var outcomes = []string{"upheld", "overturned", "partially_overturned"}

func loadServiceRules(fsys fs.FS, lx *lexicon.Lexicon) (*serviceFile, error) {
	const name = "services.yaml"
	var f serviceFile
	if err := decodeRules(fsys, name, &f); err != nil {
		return nil, err
	}
	for key, r := range map[string]*rx{"imr_decision": &f.IMRDecision, "remaining_start": &f.RemainingStart,
		"remaining_end": &f.RemainingEnd, "iro_item": &f.IROItem, "medication_fallback": &f.MedicationFallback,
		"levels": &f.Levels, "sedation": &f.Sedation, "frequency": &f.Frequency} {
		if err := required(name, r, key); err != nil {
			return nil, err
		}
	}
	if err := needGroups(name, f.IMRDecision, "decision"); err != nil {
		return nil, err
	}
	if err := needGroups(name, f.Levels, "a", "an", "b", "bn"); err != nil {
		return nil, err
	}
	for k, v := range f.Decisions {
		if !contains(outcomes, v) || k != strings.ToLower(k) {
			return nil, &RuleError{File: name, Reason: fmt.Sprintf("decisions: %q → %q: want a lower-case key and one of %s", k, v, strings.Join(outcomes, ", "))}
		}
	}
	for _, o := range f.OutcomeOptions {
		if !contains(outcomes, o.Outcome) {
			return nil, &RuleError{File: name, Line: o.Pattern.Line, Reason: fmt.Sprintf("unknown outcome %q", o.Outcome)}
		}
	}
	for _, s := range f.Statements {
		if s.Decision != "upheld" && s.Decision != "overturned" {
			return nil, &RuleError{File: name, Line: s.Pattern.Line, Reason: fmt.Sprintf("statement decision %q: want upheld or overturned", s.Decision)}
		}
	}
	for _, o := range f.Overrides {
		if c, ok := lx.Concept(o.Code); !ok || c.Category != "procedure" {
			return nil, &RuleError{File: name, Line: o.Pattern.Line, Reason: fmt.Sprintf("override code %q is not a procedure of the lexicon", o.Code)}
		}
	}
	for _, group := range [][]valuePattern{f.Laterality, f.Guidance} {
		for _, v := range group {
			if v.Value == "" {
				return nil, &RuleError{File: name, Line: v.Pattern.Line, Reason: "empty value"}
			}
		}
	}
	for _, m := range append(append([]string{}, f.CheckedMarks...), f.UncheckedMarks...) {
		if strings.TrimSpace(m) == "" {
			return nil, &RuleError{File: name, Reason: "empty checkbox mark"}
		}
	}
	return &f, nil
}

// imrServices finds "<item>: Upheld" items in the IMR issues window.
func (r *fieldRules) imrServices(text string, win window) []Service {
	sr := r.services
	var out []Service
	seg := text[win.start:win.end]
	prevEnd := 0
	for _, loc := range sr.IMRDecision.Matcher().FindAllStringSubmatchIndex(seg) {
		di := sr.IMRDecision.SubexpIndex("decision")
		decision := sr.Decisions[strings.ToLower(seg[loc[2*di]:loc[2*di+1]])]
		// The item: back from the colon to the start of its paragraph.
		itemEnd := loc[0]
		lineStart := strings.LastIndexByte(seg[:itemEnd], '\n') + 1
		start := lineStart
		for n := 0; n < 4 && start > prevEnd; n++ {
			prev := strings.LastIndexByte(seg[:max(start-1, 0)], '\n') + 1
			line := strings.TrimSpace(seg[prev:max(start-1, prev)])
			if line == "" || strings.HasSuffix(line, ".") || strings.HasSuffix(line, ":") || prev < prevEnd {
				break
			}
			start = prev
		}
		para := seg[start:itemEnd]
		// "... original request, <item> is": keep the item only.
		if ms := sr.RemainingStart.Matcher().FindAllStringIndex(para); ms != nil {
			last := ms[len(ms)-1]
			if me := sr.RemainingEnd.Matcher().FindStringIndex(para); me != nil {
				if last[1] < me[0] {
					start, itemEnd = start+last[1], start+me[0]
				}
			} else if start+last[1] < itemEnd {
				start = start + last[1] // "..., original request, <item>: Upheld"
			}
		} else if ms := sr.RemainingStart.Matcher().FindAllStringIndex(seg[max(prevEnd, start-400):itemEnd]); ms != nil && sr.RemainingEnd.Matcher().MatchString(para) {
			base := max(prevEnd, start-400)
			last := ms[len(ms)-1]
			me := sr.RemainingEnd.Matcher().FindStringIndex(seg[base:itemEnd])
			if me != nil && last[1] < me[0] {
				start, itemEnd = base+last[1], base+me[0]
			}
		}
		for start < itemEnd && isSpace(seg[start]) {
			start++
		}
		for itemEnd > start && isSpace(seg[itemEnd-1]) {
			itemEnd--
		}
		prevEnd = loc[1]
		if itemEnd <= start {
			continue
		}
		s := r.describeService(text, win.start+start, win.start+itemEnd)
		s.Decision = decision
		out = append(out, s)
	}
	return out
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' }

// iroServices splits the services window into items.
func (r *fieldRules) iroServices(text string, win window) []Service {
	seg := text[win.start:win.end]
	var bounds [][2]int
	locs := r.services.IROItem.Matcher().FindAllStringIndex(seg)
	if len(locs) > 0 {
		for i, l := range locs {
			end := len(seg)
			if i+1 < len(locs) {
				end = locs[i+1][0]
			}
			bounds = append(bounds, [2]int{l[1], end})
		}
	} else {
		bounds = append(bounds, [2]int{0, len(seg)})
	}
	var out []Service
	for _, b := range bounds {
		s, e := b[0], b[1]
		for s < e && isSpace(seg[s]) {
			s++
		}
		for e > s && (isSpace(seg[e-1]) || seg[e-1] == ';' || seg[e-1] == ',') {
			e--
		}
		if e <= s {
			continue
		}
		sv := r.describeService(text, win.start+s, win.start+e)
		sv.Decision = "unknown"
		out = append(out, sv)
	}
	return out
}

// describeService fills the attributes of the service text[s:e].
func (r *fieldRules) describeService(text string, s, e int) Service {
	sr := r.services
	t := text[s:e]
	sv := Service{Span: Span{Text: t, Start: s, End: e}, Levels: []string{}}
	sv.Procedure = r.classify(t)
	sides := map[string]bool{}
	for _, l := range sr.Laterality {
		if l.Pattern.Matcher().MatchString(t) {
			sides[l.Value] = true
		}
	}
	switch {
	case sides["bilateral"] || sides["left"] && sides["right"]:
		sv.Laterality = "bilateral"
	case sides["left"]:
		sv.Laterality = "left"
	case sides["right"]:
		sv.Laterality = "right"
	}
	sv.Levels = r.levels(t)
	sv.Sedation = sr.Sedation.Matcher().MatchString(t)
	for _, g := range sr.Guidance {
		if g.Pattern.Matcher().MatchString(t) {
			sv.Guidance = g.Value
			break
		}
	}
	if loc := sr.Frequency.Matcher().FindStringIndex(t); loc != nil {
		sv.Frequency = strings.Join(strings.Fields(t[loc[0]:loc[1]]), " ")
	}
	return sv
}

// classify returns the procedure code of a service name.
func (r *fieldRules) classify(t string) string {
	sr := r.services
	t = strings.Join(strings.Fields(t), " ")
	for changed := true; changed; {
		changed = false
		for _, p := range sr.ClassifyStrip {
			if loc := p.FindStringIndex(t); loc != nil && loc[1] > 0 && loc[1] < len(t) {
				t = t[loc[1]:]
				changed = true
			}
		}
	}
	for _, o := range sr.Overrides {
		if o.Pattern.Matcher().MatchString(t) {
			return o.Code
		}
	}
	if ms := r.lex.MatchCategory(t, "procedure"); len(ms) > 0 {
		return ms[0].Code
	}
	if sr.MedicationFallback.Matcher().MatchString(t) {
		return "medication"
	}
	return ""
}

var spineOrder = map[byte]int{'C': 0, 'T': 7, 'L': 19, 'S': 24}
var spineCount = map[byte]int{'C': 7, 'T': 12, 'L': 5, 'S': 5}

// levels returns the spinal segments named in t, normalized ("L4-5" →
// "L4-L5") and expanded ("L4-S1" → "L4-L5", "L5-S1"), in order, unique.
func (r *fieldRules) levels(t string) []string {
	out := []string{}
	seen := map[string]bool{}
	re := r.services.Levels
	for _, m := range re.FindAllStringSubmatch(t, -1) {
		a, bl := m[re.SubexpIndex("a")][0], m[re.SubexpIndex("b")]
		an, _ := strconv.Atoi(m[re.SubexpIndex("an")])
		bn, _ := strconv.Atoi(m[re.SubexpIndex("bn")])
		b := a
		if bl != "" {
			b = bl[0]
		}
		if an < 1 || an > spineCount[a] || bn < 1 || bn > spineCount[b] {
			continue
		}
		i, j := spineOrder[a]+an, spineOrder[b]+bn
		if j <= i || j-i > 6 {
			continue
		}
		for k := i; k < j; k++ {
			l := vertebra(k) + "-" + vertebra(k+1)
			if !seen[l] {
				seen[l] = true
				out = append(out, l)
			}
		}
	}
	return out
}

// vertebra names the vertebra at global index k (C1 = 1).
func vertebra(k int) string {
	for _, reg := range []byte{'S', 'L', 'T', 'C'} {
		if k > spineOrder[reg] {
			return string(reg) + strconv.Itoa(k-spineOrder[reg])
		}
	}
	return ""
}

// markOf classifies the text just before an option on its line: 1 checked,
// -1 unchecked, 0 no mark.
func (r *fieldRules) markOf(text string, pos int) int {
	ls := strings.LastIndexByte(text[:pos], '\n') + 1
	prefix := strings.TrimSpace(text[ls:pos])
	if prefix == "" {
		return 0
	}
	fields := strings.Fields(prefix)
	lastTok := fields[len(fields)-1]
	for _, m := range r.services.UncheckedMarks {
		if prefix == m || strings.HasSuffix(prefix, m) && len([]rune(m)) > 1 || lastTok == m {
			return -1
		}
	}
	for _, m := range r.services.CheckedMarks {
		if prefix == m || lastTok == m || len(m) > 1 && strings.HasSuffix(prefix, m) {
			return 1
		}
	}
	return 0
}

// iroOutcome reads the REVIEW OUTCOME block.
func (r *fieldRules) iroOutcome(text string, win window) string {
	seg := text[:win.end]
	type opt struct {
		outcome    string
		start, end int
		mark       int
	}
	var opts []opt
	for _, o := range r.services.OutcomeOptions {
		for _, loc := range o.Pattern.Matcher().FindAllStringIndex(seg[win.start:]) {
			opts = append(opts, opt{o.Outcome, win.start + loc[0], win.start + loc[1], 0})
		}
	}
	sort.SliceStable(opts, func(i, j int) bool {
		if opts[i].start != opts[j].start {
			return opts[i].start < opts[j].start
		}
		return opts[i].end > opts[j].end
	})
	var kept []opt
	last := -1
	for _, o := range opts {
		if o.start < last {
			continue
		}
		o.mark = r.markOf(text, o.start)
		kept = append(kept, o)
		last = o.end
	}
	checked, marked := map[string]bool{}, false
	for _, o := range kept {
		if o.mark != 0 {
			marked = true
		}
		if o.mark > 0 {
			checked[o.outcome] = true
		}
	}
	if marked {
		if len(checked) == 1 {
			for k := range checked {
				return k
			}
		}
		return "unknown"
	}
	distinct := map[string]bool{}
	for _, o := range kept {
		distinct[o.outcome] = true
	}
	if len(distinct) == 1 {
		return kept[0].outcome
	}
	return "unknown"
}

// letterOutcome combines item decisions.
func letterOutcome(svcs []Service) string {
	up, over := 0, 0
	for _, s := range svcs {
		switch s.Decision {
		case "upheld":
			up++
		case "overturned":
			over++
		case "partially_overturned":
			up++
			over++
		}
	}
	switch {
	case up > 0 && over > 0:
		return "partially_overturned"
	case up > 0 && over == 0 && up == len(svcs):
		return "upheld"
	case over > 0 && up == 0 && over == len(svcs):
		return "overturned"
	case up+over > 0:
		return "partially_overturned"
	}
	return "unknown"
}

// iroStatementDecisions decides each service of a partially overturned IRO
// letter from statements such as "The request for X is medically necessary".
func (r *fieldRules) iroStatementDecisions(text string, svcs []Service, wins []window, sents []sentenceSpan) {
	for i := range svcs {
		sv := &svcs[i]
		key := significantWords(sv.Text)
		best, bestScore := "", 0
		for _, s := range sents {
			if !inWindows(wins, s.start) {
				continue
			}
			st := text[s.start:s.end]
			for _, rule := range r.services.Statements {
				loc := rule.Pattern.Matcher().FindStringIndex(st)
				if loc == nil {
					continue
				}
				// The service must be named before the statement.
				subject := strings.ToLower(st[:loc[0]])
				score := 0
				for _, w := range key {
					if strings.Contains(subject, w) {
						score++
					}
				}
				if score*2 >= len(key) && score > bestScore {
					best, bestScore = rule.Decision, score
				}
				break
			}
		}
		if best != "" {
			sv.Decision = best
		}
	}
}

// significantWords are the lower-cased words of a service name longer than
// two letters, without laterality words.
func significantWords(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	}) {
		if len(w) > 1 && w != "the" && w != "and" && w != "with" && w != "under" && w != "of" {
			out = append(out, w)
		}
	}
	return out
}
