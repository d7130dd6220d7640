package criteria

import (
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/pipeline"
	"go.yaml.in/yaml/v3"
)

// The rule kinds of the spine sets (lumbar ESI, facet blocks, facet
// radiofrequency neurotomy). Their terms are parameters in the sets' YAML.

func init() {
	register("radiculopathy", newRadiculopathy)
	register("prior_block", newPriorBlock)
	register("no_sedation", newNoSedation)
	register("non_radicular", newNonRadicular)
	register("no_fusion_at_level", newNoFusionAtLevel)
	register("levels_max", newLevelsMax)
}

// spineTerms compiles a case-insensitive whole-word alternation of terms.
func spineTerms(name string, terms []string) (*regexp.Regexp, error) {
	if len(terms) == 0 {
		return nil, fmt.Errorf("%s is empty", name)
	}
	qs := make([]string, len(terms))
	for i, t := range terms {
		if strings.TrimSpace(t) == "" {
			return nil, fmt.Errorf("%s has an empty term", name)
		}
		qs[i] = regexp.QuoteMeta(strings.ToLower(t))
	}
	sort.Slice(qs, func(i, j int) bool { return len(qs[i]) > len(qs[j]) })
	return regexp.Compile(`(?i)\b(?:` + strings.Join(qs, "|") + `)\b`)
}

// spinePatient reports whether a finding describes this patient: definite,
// not in guideline text, not a family member's.
func spinePatient(f *pipeline.Finding) bool {
	return !f.InGuideline && f.Certainty != "hypothetical" && f.Certainty != "possible" && f.Experiencer != "family"
}

// spineSentence returns the bounds of the sentence around pos: from after
// the previous ". " or blank line to the next one.
func spineSentence(text string, pos int) (int, int) {
	s := pos
	for s > 0 {
		if text[s-1] == '\n' && s >= 2 && text[s-2] == '\n' {
			break
		}
		if s >= 2 && text[s-2] == '.' && (text[s-1] == ' ' || text[s-1] == '\n') {
			break
		}
		s--
	}
	e := pos
	for e < len(text) {
		if text[e] == '.' && (e+1 == len(text) || text[e+1] == ' ' || text[e+1] == '\n') {
			e++
			break
		}
		if text[e] == '\n' && e+1 < len(text) && text[e+1] == '\n' {
			break
		}
		e++
	}
	return s, e
}

// spineFindingList renders findings as "code (side), ...", each code once.
func spineFindingList(fs []*pipeline.Finding) string {
	var parts []string
	seen := map[string]bool{}
	for _, f := range fs {
		p := f.Code
		if f.Laterality != "" {
			p += " (" + f.Laterality + ")"
		}
		if !seen[p] {
			seen[p] = true
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, ", ")
}

func spineFindingEvidence(c *pipeline.Case, fs []*pipeline.Finding) []Evidence {
	ev := make([]Evidence, 0, len(fs))
	for _, f := range fs {
		ev = append(ev, evidence(c, f.Start, f.End))
	}
	return ev
}

// spineFindings splits the patient findings with one of codes into
// positive and negative ones, in letter order.
func spineFindings(c *pipeline.Case, codes []string) (pos, neg []*pipeline.Finding) {
	for i := range c.Findings {
		f := &c.Findings[i]
		if !contains(codes, f.Code) || !spinePatient(f) {
			continue
		}
		switch f.Status {
		case "positive":
			pos = append(pos, f)
		case "negative":
			neg = append(neg, f)
		}
	}
	return pos, neg
}

// radiculopathy: radiculopathy documented by physical examination (a
// positive finding among exam_codes, or a strength grade below 5/5) and
// corroborated by imaging or electrodiagnostic testing (a sentence naming
// one of the corroboration sources and a nerve-root compromise term that no
// negation precedes).
type radiculopathy struct {
	ExamCodes     []string `yaml:"exam_codes"`
	Corroboration []string `yaml:"corroboration"`
	Sources       struct {
		Imaging []string `yaml:"imaging"`
		EMG     []string `yaml:"emg"`
	} `yaml:"sources"`
	Compromise []string `yaml:"compromise"`
	Negation   []string `yaml:"negation"`
	RuleText   []string `yaml:"rule_text"`
	Absence    []string `yaml:"absence"`

	sources                             map[string]*regexp.Regexp
	compromise, negation, rule, absence *regexp.Regexp
}

func newRadiculopathy(n *yaml.Node) (Rule, error) {
	var r radiculopathy
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if len(r.ExamCodes) == 0 || len(r.Corroboration) == 0 {
		return nil, fmt.Errorf("radiculopathy: exam_codes and corroboration are required")
	}
	r.sources = map[string]*regexp.Regexp{}
	for _, src := range r.Corroboration {
		var terms []string
		switch src {
		case "imaging":
			terms = r.Sources.Imaging
		case "emg":
			terms = r.Sources.EMG
		default:
			return nil, fmt.Errorf("radiculopathy: corroboration %q is not imaging or emg", src)
		}
		re, err := spineTerms("sources."+src, terms)
		if err != nil {
			return nil, fmt.Errorf("radiculopathy: %v", err)
		}
		r.sources[src] = re
	}
	var err error
	for _, p := range []struct {
		name  string
		terms []string
		re    **regexp.Regexp
	}{{"compromise", r.Compromise, &r.compromise}, {"negation", r.Negation, &r.negation}, {"rule_text", r.RuleText, &r.rule}, {"absence", r.Absence, &r.absence}} {
		if *p.re, err = spineTerms(p.name, p.terms); err != nil {
			return nil, fmt.Errorf("radiculopathy: %v", err)
		}
	}
	return &r, nil
}

// corroboration finds the sentences of the letter that name a source and a
// compromise term: positive ones, negated ones and ones saying the study is
// absent.
func (r *radiculopathy) corroboration(c *pipeline.Case) (pos, neg, absent []Evidence, src string) {
	seen := map[int]bool{}
	for _, name := range r.Corroboration {
		for _, m := range r.sources[name].FindAllStringIndex(c.Text, -1) {
			s, e := spineSentence(c.Text, m[0])
			if seen[s] {
				continue
			}
			sent := c.Text[s:e]
			if r.rule.MatchString(sent) {
				continue
			}
			cms := r.compromise.FindAllStringIndex(sent, -1)
			if len(cms) == 0 && e-s < 80 && e < len(c.Text) {
				// A study's heading ("MRI Lumbar Spine.") is read with the
				// sentence after it ("Impression: ...").
				_, e = spineSentence(c.Text, e+1)
				sent = c.Text[s:e]
				if r.rule.MatchString(sent) {
					continue
				}
				cms = r.compromise.FindAllStringIndex(sent, -1)
			}
			if len(cms) == 0 {
				continue
			}
			seen[s] = true
			if r.absence.MatchString(sent) {
				absent = append(absent, evidence(c, s, e))
				continue
			}
			ok := false
			for _, cm := range cms {
				from := max(0, cm[0]-60)
				if !r.negation.MatchString(sent[from:cm[0]]) {
					ok = true
				}
			}
			if ok {
				if src == "" {
					src = name
				}
				pos = append(pos, evidence(c, s, e))
			} else {
				neg = append(neg, evidence(c, s, e))
			}
		}
	}
	sort.Slice(pos, func(i, j int) bool { return pos[i].Start < pos[j].Start })
	sort.Slice(neg, func(i, j int) bool { return neg[i].Start < neg[j].Start })
	sort.Slice(absent, func(i, j int) bool { return absent[i].Start < absent[j].Start })
	return pos, neg, absent, src
}

func (r *radiculopathy) Eval(in *Input) Outcome {
	c := in.Case
	pos, neg := spineFindings(c, r.ExamCodes)
	var weak []Evidence
	for _, s := range c.Strength {
		if s.Value > 0 && s.Value < 5 {
			weak = append(weak, evidence(c, s.Start, s.End))
		}
	}
	cpos, cneg, cabs, src := r.corroboration(c)
	sources := strings.Join(r.Corroboration, " or ")
	examOK := len(pos) > 0 || len(weak) > 0
	exam := spineFindingList(pos)
	if len(weak) > 0 {
		exam = strings.TrimPrefix(exam+", strength below 5/5", ", ")
	}
	switch {
	case examOK && len(cpos) > 0:
		ev := append(append(spineFindingEvidence(c, pos), weak...), cpos...)
		return Outcome{Status: Met, Reason: fmt.Sprintf("radiculopathy on exam (%s) corroborated by %s", exam, src), Evidence: ev}
	case !examOK && len(neg) > 0:
		return Outcome{Status: NotMet, Reason: fmt.Sprintf("no radicular findings on exam: %s negative", spineFindingList(neg)), Evidence: spineFindingEvidence(c, neg)}
	case len(cpos) == 0 && len(cneg) > 0:
		return Outcome{Status: NotMet, Reason: fmt.Sprintf("%s shows no nerve root compromise", sources), Evidence: append(cneg, spineFindingEvidence(c, pos)...)}
	case !examOK:
		return Outcome{Status: NotDocumented, Reason: "no radicular finding on physical examination is documented", Evidence: cpos}
	default:
		ev := append(spineFindingEvidence(c, pos), weak...)
		return Outcome{Status: NotDocumented, Reason: fmt.Sprintf("radiculopathy on exam (%s) but no corroborating %s is documented", exam, sources), Evidence: append(ev, cabs...)}
	}
}

// prior_block: an earlier block of the named procedure gave at least
// min_percent relief (a range counts its lower bound) (for at least min_duration, when set). Without any
// relief after that procedure the criterion is not documented, or not
// applicable when required is false (a first block).
type priorBlock struct {
	Procedure   string             `yaml:"procedure"`
	MinPercent  float64            `yaml:"min_percent"`
	MinDuration *pipeline.Duration `yaml:"min_duration"`
	Required    *bool              `yaml:"required"`
}

func newPriorBlock(n *yaml.Node) (Rule, error) {
	var r priorBlock
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if r.Procedure == "" || r.MinPercent <= 0 || r.MinPercent > 100 {
		return nil, fmt.Errorf("prior_block: procedure and min_percent (1-100) are required")
	}
	if r.MinDuration != nil {
		if _, ok := spineHours[r.MinDuration.Unit]; !ok || r.MinDuration.Value <= 0 {
			return nil, fmt.Errorf("prior_block: min_duration unit %q is not hour, day, week, month or year", r.MinDuration.Unit)
		}
	}
	return &r, nil
}

// spineHours converts duration units to hours.
var spineHours = map[string]float64{"hour": 1, "day": 24, "week": 24 * 7, "month": 24 * 30, "year": 24 * 365}

func spineDuration(d *pipeline.Duration) string {
	u := strings.TrimSuffix(d.Unit, "s")
	if d.Value != 1 {
		u += "s"
	}
	return strconv.FormatFloat(d.Value, 'f', -1, 64) + " " + u
}

func (r *priorBlock) Eval(in *Input) Outcome {
	c := in.Case
	var best, low, vague []*pipeline.Relief
	for i := range c.Relief {
		rl := &c.Relief[i]
		if rl.Procedure != r.Procedure || rl.InGuideline || rl.Certainty == "hypothetical" {
			continue
		}
		switch {
		case rl.Percent != nil && rl.Comparator != "<" && rl.Comparator != "<=" && *rl.Percent >= r.MinPercent:
			best = append(best, rl)
		case rl.Percent != nil || rl.Qualitative == "none" || rl.Qualitative == "minimal":
			low = append(low, rl)
		default:
			vague = append(vague, rl)
		}
	}
	ev := func(rs []*pipeline.Relief) []Evidence {
		out := []Evidence{}
		for _, rl := range rs {
			out = append(out, evidence(c, rl.Start, rl.End))
		}
		return out
	}
	want := fmt.Sprintf("%g%%", r.MinPercent)
	if r.MinDuration != nil {
		want += " for " + spineDuration(r.MinDuration)
	}
	var short, noDur []*pipeline.Relief
	for _, rl := range best {
		switch {
		case r.MinDuration == nil:
			return Outcome{Status: Met, Reason: fmt.Sprintf("%g%% relief after the %s (at least %s required)", *rl.Percent, r.Procedure, want), Evidence: ev(best)}
		case rl.Duration == nil:
			noDur = append(noDur, rl)
		case rl.Duration.Value*spineHours[strings.TrimSuffix(rl.Duration.Unit, "s")] >= r.MinDuration.Value*spineHours[r.MinDuration.Unit]:
			return Outcome{Status: Met, Reason: fmt.Sprintf("%g%% relief for %s after the %s (at least %s required)", *rl.Percent, spineDuration(rl.Duration), r.Procedure, want), Evidence: ev([]*pipeline.Relief{rl})}
		default:
			short = append(short, rl)
		}
	}
	switch {
	case len(short) > 0:
		rl := short[0]
		return Outcome{Status: NotMet, Reason: fmt.Sprintf("%g%% relief for only %s after the %s (at least %s required)", *rl.Percent, spineDuration(rl.Duration), r.Procedure, want), Evidence: ev(short)}
	case len(noDur) > 0 && len(low) == 0:
		return Outcome{Status: NotDocumented, Reason: fmt.Sprintf("relief after the %s is not documented to last %s", r.Procedure, spineDuration(r.MinDuration)), Evidence: ev(noDur)}
	case len(low) > 0:
		rl := low[0]
		got := rl.Qualitative + " relief"
		if rl.Percent != nil {
			got = fmt.Sprintf("%g%% relief", *rl.Percent)
		}
		return Outcome{Status: NotMet, Reason: fmt.Sprintf("%s after the %s, below the %s required", got, r.Procedure, want), Evidence: ev(low)}
	case len(vague) > 0:
		return Outcome{Status: NotDocumented, Reason: fmt.Sprintf("relief after the %s is not quantified (at least %s required)", r.Procedure, want), Evidence: ev(vague)}
	case r.Required != nil && !*r.Required:
		return Outcome{Status: NotApplicable, Reason: fmt.Sprintf("no prior %s is documented", r.Procedure)}
	default:
		return Outcome{Status: NotDocumented, Reason: fmt.Sprintf("no relief after a prior %s is documented (at least %s required)", r.Procedure, want)}
	}
}

// no_sedation: the request includes no IV sedation or anesthesia (the
// service's sedation flag, or another disputed service of one of the named
// procedures).
type noSedation struct {
	Procedures []string `yaml:"procedures"`
}

func newNoSedation(n *yaml.Node) (Rule, error) {
	var r noSedation
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	return &r, nil
}

func (r *noSedation) Eval(in *Input) Outcome {
	c, sv := in.Case, in.Service
	if sv.Sedation {
		return Outcome{Status: NotMet, Reason: "the request includes sedation", Evidence: []Evidence{evidence(c, sv.Start, sv.End)}}
	}
	for i := range c.Services {
		o := &c.Services[i]
		if o != sv && contains(r.Procedures, o.Procedure) {
			return Outcome{Status: NotMet, Reason: "the letter also requests " + o.Procedure + " for the procedure", Evidence: []Evidence{evidence(c, o.Start, o.End)}}
		}
	}
	return Outcome{Status: Met, Reason: "the request includes no sedation", Evidence: []Evidence{evidence(c, sv.Start, sv.End)}}
}

// non_radicular: the pain is not radicular: no positive finding among codes
// (met when some are documented negative; not documented when none is
// mentioned).
type nonRadicular struct {
	Codes []string `yaml:"codes"`
}

func newNonRadicular(n *yaml.Node) (Rule, error) {
	var r nonRadicular
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if len(r.Codes) == 0 {
		return nil, fmt.Errorf("non_radicular: codes is empty")
	}
	return &r, nil
}

func (r *nonRadicular) Eval(in *Input) Outcome {
	c := in.Case
	pos, neg := spineFindings(c, r.Codes)
	switch {
	case len(pos) > 0:
		return Outcome{Status: NotMet, Reason: "radicular findings: " + spineFindingList(pos), Evidence: spineFindingEvidence(c, pos)}
	case len(neg) > 0:
		return Outcome{Status: Met, Reason: "no radicular findings: " + spineFindingList(neg) + " negative", Evidence: spineFindingEvidence(c, neg)}
	default:
		return Outcome{Status: NotDocumented, Reason: "radicular findings are neither documented nor excluded"}
	}
}

// no_fusion_at_level: no prior fusion at a requested level. A sentence
// naming one of terms and a spinal level counts; rule text and negated
// mentions do not.
type noFusionAtLevel struct {
	Terms    []string `yaml:"terms"`
	Negation []string `yaml:"negation"`
	RuleText []string `yaml:"rule_text"`

	terms, negation, rule *regexp.Regexp
}

func newNoFusionAtLevel(n *yaml.Node) (Rule, error) {
	var r noFusionAtLevel
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	var err error
	if r.terms, err = spineTerms("terms", r.Terms); err != nil {
		return nil, fmt.Errorf("no_fusion_at_level: %v", err)
	}
	if r.negation, err = spineTerms("negation", r.Negation); err != nil {
		return nil, fmt.Errorf("no_fusion_at_level: %v", err)
	}
	if r.rule, err = spineTerms("rule_text", r.RuleText); err != nil {
		return nil, fmt.Errorf("no_fusion_at_level: %v", err)
	}
	return &r, nil
}

var spineLevelRE = regexp.MustCompile(`\b([CTLS])(\d{1,2})\s*(?:-|–|/|to)\s*([CTLS])?(\d{1,2})\b`)

var spineOrder = map[string]int{"C": 0, "T": 7, "L": 19, "S": 24}

// spineLevels returns the segments ("L4-L5") named in s, spans expanded.
func spineLevels(s string) []string {
	var out []string
	for _, m := range spineLevelRE.FindAllStringSubmatch(s, -1) {
		b := m[3]
		if b == "" {
			b = m[1]
		}
		an, _ := strconv.Atoi(m[2])
		bn, _ := strconv.Atoi(m[4])
		i, j := spineOrder[m[1]]+an, spineOrder[b]+bn
		if j <= i || j-i > 6 {
			continue
		}
		for k := i; k < j; k++ {
			out = append(out, spineVertebra(k)+"-"+spineVertebra(k+1))
		}
	}
	return out
}

func spineVertebra(k int) string {
	for _, r := range []string{"S", "L", "T", "C"} {
		if k > spineOrder[r] {
			return r + strconv.Itoa(k-spineOrder[r])
		}
	}
	return "?"
}

func (r *noFusionAtLevel) Eval(in *Input) Outcome {
	c, sv := in.Case, in.Service
	var at, other []Evidence
	seen := map[int]bool{}
	for _, m := range r.terms.FindAllStringIndex(c.Text, -1) {
		if m[0] >= sv.Start && m[1] <= sv.End {
			continue // the request itself
		}
		s, e := spineSentence(c.Text, m[0])
		if seen[s] {
			continue
		}
		seen[s] = true
		sent := c.Text[s:e]
		if r.rule.MatchString(sent) || r.negation.MatchString(c.Text[max(s, m[0]-40):m[0]]) {
			continue
		}
		lv := spineLevels(sent)
		hit := false
		for _, l := range lv {
			hit = hit || contains(sv.Levels, l)
		}
		switch {
		case hit:
			at = append(at, evidence(c, s, e))
		case len(lv) > 0:
			other = append(other, evidence(c, s, e))
		}
	}
	switch {
	case len(at) > 0:
		return Outcome{Status: NotMet, Reason: "prior fusion at a requested level (" + strings.Join(sv.Levels, ", ") + ")", Evidence: at}
	case len(other) > 0 && len(sv.Levels) == 0:
		return Outcome{Status: NotDocumented, Reason: "a fusion is documented and the request names no level", Evidence: other}
	case len(other) > 0:
		return Outcome{Status: Met, Reason: "the documented fusion is not at a requested level (" + strings.Join(sv.Levels, ", ") + ")", Evidence: other}
	default:
		return Outcome{Status: Met, Reason: "no prior fusion is documented"}
	}
}

// levels_max: the request names at most max spinal levels. With when, the
// rule applies only to requests whose text names one of those terms (an
// approach: "transforaminal", "interlaminar").
type levelsMax struct {
	Max  int      `yaml:"max"`
	When []string `yaml:"when"`

	when *regexp.Regexp
}

func newLevelsMax(n *yaml.Node) (Rule, error) {
	var r levelsMax
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if r.Max < 1 {
		return nil, fmt.Errorf("levels_max: max must be at least 1")
	}
	if len(r.When) > 0 {
		var err error
		if r.when, err = spineTerms("when", r.When); err != nil {
			return nil, fmt.Errorf("levels_max: %v", err)
		}
	}
	return &r, nil
}

func (r *levelsMax) Eval(in *Input) Outcome {
	sv := in.Service
	ev := []Evidence{evidence(in.Case, sv.Start, sv.End)}
	if r.when != nil && !r.when.MatchString(sv.Text) {
		return Outcome{Status: NotApplicable, Reason: "the request names none of: " + strings.Join(r.When, ", "), Evidence: ev}
	}
	n := len(sv.Levels)
	switch {
	case n == 0:
		return Outcome{Status: NotDocumented, Reason: "the request names no spinal level", Evidence: ev}
	case n > r.Max:
		return Outcome{Status: NotMet, Reason: fmt.Sprintf("%d levels requested (%s); at most %d", n, strings.Join(sv.Levels, ", "), r.Max), Evidence: ev}
	default:
		return Outcome{Status: Met, Reason: fmt.Sprintf("%d level(s) requested (%s); at most %d", n, strings.Join(sv.Levels, ", "), r.Max), Evidence: ev}
	}
}
