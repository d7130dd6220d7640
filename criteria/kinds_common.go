package criteria

import (
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/pipeline"
	"go.yaml.in/yaml/v3"
)

// The rule kinds shared by every set: exam tests, conservative care, relief
// after a procedure, same-day bundling, yearly caps, diagnosis gates and
// generic exam-finding gates. Only patient facts count as evidence: items
// inside quoted guideline text, about family members or hypothetical are
// skipped.

func init() {
	register("positive_tests", newPositiveTests)
	register("conservative_care", newConservativeCare)
	register("relief", newRelief)
	register("no_same_day", newNoSameDay)
	register("frequency_cap", newFrequencyCap)
	register("diagnosis", newDiagnosis)
	register("findings_absent", newFindingsAbsent)
	register("findings_present", newFindingsPresent)
}

// patientFinding reports whether f is a fact about the patient.
func patientFinding(f *pipeline.Finding) bool {
	return !f.InGuideline && (f.Experiencer == "" || f.Experiencer == "patient") && f.Certainty != "hypothetical"
}

func definite(certainty string) bool { return certainty == "" || certainty == "definite" }

// sideMatches: a bilateral (or unsided) request counts either side; a
// finding with no side, or a bilateral one, counts for any request.
func sideMatches(requested, found string) bool {
	return requested == "" || requested == "bilateral" || found == "" || found == "bilateral" || found == requested
}

// sortEvidence orders spans by position and drops exact duplicates.
func sortEvidence(ev []Evidence) []Evidence {
	sort.Slice(ev, func(i, j int) bool {
		if ev[i].Start != ev[j].Start {
			return ev[i].Start < ev[j].Start
		}
		return ev[i].End < ev[j].End
	})
	out := ev[:0]
	for i, e := range ev {
		if i > 0 && e.Start == out[len(out)-1].Start && e.End == out[len(out)-1].End {
			continue
		}
		out = append(out, e)
	}
	return out
}

func spanEvidence(c *pipeline.Case, s pipeline.Span) Evidence {
	if s.Start >= 0 && s.End <= len(c.Text) && s.Start <= s.End {
		return evidence(c, s.Start, s.End)
	}
	return Evidence{Text: s.Text, Start: s.Start, End: s.End}
}

func serviceEvidence(in *Input) []Evidence {
	return []Evidence{spanEvidence(in.Case, in.Service.Span)}
}

func checkCodes(field string, codes []string) error {
	if len(codes) == 0 {
		return fmt.Errorf("%s is empty", field)
	}
	seen := map[string]bool{}
	for _, c := range codes {
		if c == "" || seen[c] {
			return fmt.Errorf("%s: empty or duplicate code %q", field, c)
		}
		seen[c] = true
	}
	return nil
}

// --- positive_tests ---------------------------------------------------------

// positiveTests counts the distinct listed tests found positive on the
// requested side. Same lists codes that count as one test (SI joint
// tenderness and sacral sulcus tenderness are one ODG item).
type positiveTests struct {
	Tests []string   `yaml:"tests"`
	Min   int        `yaml:"min"`
	Side  string     `yaml:"side"`
	Same  [][]string `yaml:"same"`

	group map[string]string // code → the code it counts as
}

func newPositiveTests(n *yaml.Node) (Rule, error) {
	var r positiveTests
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if err := checkCodes("positive_tests: tests", r.Tests); err != nil {
		return nil, err
	}
	if r.Min < 1 {
		return nil, fmt.Errorf("positive_tests: min must be at least 1")
	}
	switch r.Side {
	case "", "requested", "any":
	default:
		return nil, fmt.Errorf("positive_tests: side %q is not requested or any", r.Side)
	}
	r.group = map[string]string{}
	for _, g := range r.Same {
		for _, c := range g {
			if !contains(r.Tests, c) {
				return nil, fmt.Errorf("positive_tests: same: %q is not among the tests", c)
			}
			r.group[c] = g[0]
		}
	}
	return &r, nil
}

func (r *positiveTests) key(code string) string {
	if g, ok := r.group[code]; ok {
		return g
	}
	return code
}

func (r *positiveTests) Eval(in *Input) Outcome {
	c := in.Case
	requested := ""
	if r.Side != "any" {
		requested = in.Service.Laterality
	}
	type hit struct {
		sides map[string]bool
		first Evidence
	}
	hits := map[string]*hit{}
	var mentioned []Evidence
	for i := range c.Findings {
		f := &c.Findings[i]
		if !contains(r.Tests, f.Code) || !patientFinding(f) {
			continue
		}
		mentioned = append(mentioned, spanEvidence(c, f.Span))
		if f.Status != "positive" || !definite(f.Certainty) || !sideMatches(requested, f.Laterality) {
			continue
		}
		k := r.key(f.Code)
		h := hits[k]
		if h == nil {
			h = &hit{sides: map[string]bool{}, first: spanEvidence(c, f.Span)}
			hits[k] = h
		}
		if f.Laterality != "" {
			h.sides[f.Laterality] = true
		}
	}
	if len(mentioned) == 0 {
		return Outcome{Status: NotDocumented, Reason: fmt.Sprintf("none of the %d listed provocative tests is documented", len(r.Tests))}
	}
	codes := make([]string, 0, len(hits))
	for k := range hits {
		codes = append(codes, k)
	}
	sort.Strings(codes)
	var names []string
	var ev []Evidence
	for _, k := range codes {
		h := hits[k]
		sides := make([]string, 0, len(h.sides))
		for s := range h.sides {
			sides = append(sides, s)
		}
		sort.Strings(sides)
		if len(sides) > 0 {
			names = append(names, fmt.Sprintf("%s (%s)", k, strings.Join(sides, "/")))
		} else {
			names = append(names, k)
		}
		ev = append(ev, h.first)
	}
	status := NotMet
	if len(codes) >= r.Min {
		status = Met
	}
	reason := fmt.Sprintf("%d of %d required positive provocative tests", len(codes), r.Min)
	if len(names) > 0 {
		reason += ": " + strings.Join(names, ", ")
	}
	if requested != "" && requested != "bilateral" {
		reason += " (requested side " + requested + ")"
	}
	if len(ev) == 0 {
		ev = mentioned
	}
	return Outcome{Status: status, Reason: reason, Evidence: sortEvidence(ev)}
}

// --- conservative_care ------------------------------------------------------

// conservativeCare: the listed modalities were done and failed, for at
// least min_weeks. require all: every modality; any: one of them.
type conservativeCare struct {
	Modalities []string `yaml:"modalities"`
	MinWeeks   float64  `yaml:"min_weeks"`
	Require    string   `yaml:"require"`
}

func newConservativeCare(n *yaml.Node) (Rule, error) {
	var r conservativeCare
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if err := checkCodes("conservative_care: modalities", r.Modalities); err != nil {
		return nil, err
	}
	switch r.Require {
	case "":
		r.Require = "all"
	case "all", "any":
	default:
		return nil, fmt.Errorf("conservative_care: require %q is not all or any", r.Require)
	}
	if r.MinWeeks < 0 {
		return nil, fmt.Errorf("conservative_care: min_weeks is negative")
	}
	return &r, nil
}

// care states, best first.
const (
	careFailed = iota
	careTried
	careNotYet
	careUnknown
	careNone
)

var careState = map[string]int{
	"failed": careFailed, "done": careTried, "ongoing": careTried,
	"helped": careNotYet, "planned": careNotYet, "absent": careNotYet,
	"not_documented": careUnknown,
}

var careWords = map[int]string{
	careFailed: "failed", careTried: "done without a stated result", careNotYet: "not done or not failed",
	careUnknown: "not documented", careNone: "not mentioned",
}

// weeks converts a duration to weeks (0 for an unknown unit).
func weeks(d *pipeline.Duration) float64 {
	if d == nil {
		return 0
	}
	switch strings.TrimSuffix(d.Unit, "s") {
	case "day":
		return d.Value / 7
	case "week":
		return d.Value
	case "month":
		return d.Value * 52 / 12
	case "year":
		return d.Value * 52
	}
	return 0
}

func (r *conservativeCare) Eval(in *Input) Outcome {
	c := in.Case
	best := map[string]int{}
	bestEv := map[string]Evidence{}
	maxWeeks := 0.0
	var weeksEv *Evidence
	for _, m := range r.Modalities {
		best[m] = careNone
	}
	for i := range c.ConservativeCare {
		it := &c.ConservativeCare[i]
		if it.InGuideline || !contains(r.Modalities, it.Modality) {
			continue
		}
		st, ok := careState[it.Status]
		if !ok {
			continue
		}
		if st < best[it.Modality] {
			best[it.Modality] = st
			bestEv[it.Modality] = spanEvidence(c, it.Span)
		}
		if st == careFailed || st == careTried {
			if w := weeks(it.Duration); w > maxWeeks {
				maxWeeks = w
				e := spanEvidence(c, it.Span)
				weeksEv = &e
			}
		}
	}
	var ev []Evidence
	var parts []string
	count := map[int]int{}
	for _, m := range r.Modalities {
		st := best[m]
		count[st]++
		parts = append(parts, m+" "+careWords[st])
		if e, ok := bestEv[m]; ok {
			ev = append(ev, e)
		}
	}
	if weeksEv != nil {
		ev = append(ev, *weeksEv)
	}
	ev = sortEvidence(ev)
	reason := strings.Join(parts, ", ")
	var status string
	if r.Require == "all" {
		switch {
		case count[careFailed] == len(r.Modalities):
			status = Met
		case count[careNotYet] > 0:
			status = NotMet
		default:
			status = NotDocumented
		}
	} else {
		switch {
		case count[careFailed] > 0:
			status = Met
		case count[careNotYet] > 0 && count[careTried] == 0 && count[careUnknown] == 0:
			status = NotMet
		default:
			status = NotDocumented
		}
	}
	if status == Met && r.MinWeeks > 0 {
		switch {
		case maxWeeks == 0:
			status = NotDocumented
			reason += fmt.Sprintf("; the duration is not stated (%g weeks required)", r.MinWeeks)
		case maxWeeks < r.MinWeeks:
			status = NotMet
			reason += fmt.Sprintf("; %s weeks documented, %g required", fmtNum(maxWeeks), r.MinWeeks)
		default:
			reason += fmt.Sprintf("; %s weeks documented", fmtNum(maxWeeks))
		}
	}
	return Outcome{Status: status, Reason: reason, Evidence: ev}
}

func fmtNum(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// --- relief -----------------------------------------------------------------

// relief: a prior procedure among After gave at least MinPercent relief
// (and lasted MinDuration). Phase diagnostic reads relief for the duration
// of a local anesthetic (no duration, or hours); therapeutic reads relief
// over days or longer (or of no stated duration).
type relief struct {
	MinPercent  float64            `yaml:"min_percent"`
	Comparator  string             `yaml:"comparator"`
	MinDuration *pipeline.Duration `yaml:"min_duration"`
	After       []string           `yaml:"after"`
	Phase       string             `yaml:"phase"`
}

func newRelief(n *yaml.Node) (Rule, error) {
	var r relief
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if err := checkCodes("relief: after", r.After); err != nil {
		return nil, err
	}
	if r.MinPercent <= 0 || r.MinPercent > 100 {
		return nil, fmt.Errorf("relief: min_percent %g is not in (0, 100]", r.MinPercent)
	}
	switch r.Comparator {
	case "":
		r.Comparator = ">="
	case ">=", ">":
	default:
		return nil, fmt.Errorf("relief: comparator %q is not >= or >", r.Comparator)
	}
	switch r.Phase {
	case "", "diagnostic", "therapeutic":
	default:
		return nil, fmt.Errorf("relief: phase %q is not diagnostic or therapeutic", r.Phase)
	}
	if r.MinDuration != nil && weeks(r.MinDuration) == 0 && !shortUnit(r.MinDuration.Unit) {
		return nil, fmt.Errorf("relief: min_duration unit %q is unknown", r.MinDuration.Unit)
	}
	return &r, nil
}

func shortUnit(u string) bool {
	u = strings.TrimSuffix(u, "s")
	return u == "hour" || u == "minute"
}

// noRelief are the qualitative levels that are a failed response.
var noRelief = map[string]bool{"none": true, "minimal": true, "worse": true, "temporary": true}

func (r *relief) Eval(in *Input) Outcome {
	c := in.Case
	var named, unnamed []*pipeline.Relief
	for i := range c.Relief {
		it := &c.Relief[i]
		if it.InGuideline || it.Certainty == "hypothetical" {
			continue
		}
		switch {
		case contains(r.After, it.Procedure):
			named = append(named, it)
		case it.Procedure == "" || it.Procedure == "injection_other":
			unnamed = append(unnamed, it)
		}
	}
	// Relief after an unnamed procedure counts only when the letter names
	// no relief after the listed procedures.
	items := named
	if len(items) == 0 {
		items = unnamed
	}
	var cands []*pipeline.Relief
	for _, it := range items {
		if r.inPhase(it) {
			cands = append(cands, it)
		}
	}
	what := "relief after " + strings.Join(r.After, " or ")
	need := fmt.Sprintf("%s%g%%", r.Comparator, r.MinPercent)
	if r.MinDuration != nil {
		need += fmt.Sprintf(" for %g %ss", r.MinDuration.Value, strings.TrimSuffix(r.MinDuration.Unit, "s"))
	}
	if len(cands) == 0 {
		return Outcome{Status: NotDocumented, Reason: fmt.Sprintf("no %s%s is documented (%s required)", r.phaseWord(), what, need)}
	}
	var metEv, notEv, vagueEv []Evidence
	var notWhy, vagueWhy []string
	for _, it := range cands {
		e := spanEvidence(c, it.Span)
		pctOK, pctKnown := r.percentOK(it)
		durOK, durKnown := r.durationOK(it)
		switch {
		case pctKnown && pctOK && durKnown && durOK:
			metEv = append(metEv, e)
		case pctKnown && !pctOK:
			notEv = append(notEv, e)
			notWhy = append(notWhy, describeRelief(it))
		case durKnown && !durOK:
			notEv = append(notEv, e)
			notWhy = append(notWhy, describeRelief(it))
		default:
			vagueEv = append(vagueEv, e)
			vagueWhy = append(vagueWhy, describeRelief(it))
		}
	}
	switch {
	case len(metEv) > 0:
		return Outcome{Status: Met, Reason: fmt.Sprintf("%s%s meets %s", r.phaseWord(), what, need), Evidence: sortEvidence(metEv)}
	case len(notEv) > 0:
		return Outcome{Status: NotMet, Reason: fmt.Sprintf("%s%s: %s; %s required", r.phaseWord(), what, strings.Join(uniq(notWhy), ", "), need), Evidence: sortEvidence(notEv)}
	default:
		return Outcome{Status: NotDocumented, Reason: fmt.Sprintf("%s%s stated without %s (%s); %s required", r.phaseWord(), what, r.missing(), strings.Join(uniq(vagueWhy), ", "), need), Evidence: sortEvidence(vagueEv)}
	}
}

func (r *relief) phaseWord() string {
	if r.Phase == "" {
		return ""
	}
	return r.Phase + " "
}

func (r *relief) missing() string {
	if r.MinDuration != nil {
		return "a percent and a duration"
	}
	return "a percent"
}

func (r *relief) inPhase(it *pipeline.Relief) bool {
	if it.Duration == nil {
		return true
	}
	short := shortUnit(it.Duration.Unit)
	switch r.Phase {
	case "diagnostic":
		return short
	case "therapeutic":
		return !short
	}
	return true
}

// percentOK: whether the item's percent meets the threshold, and whether
// it is known (a qualitative "no relief" is a known failure).
func (r *relief) percentOK(it *pipeline.Relief) (ok, known bool) {
	if it.Percent == nil {
		if noRelief[it.Qualitative] {
			return false, true
		}
		return false, false
	}
	p := *it.Percent
	switch it.Comparator {
	case "<", "<=":
		return false, true
	}
	if r.Comparator == ">" {
		return p > r.MinPercent, true
	}
	return p >= r.MinPercent, true
}

func (r *relief) durationOK(it *pipeline.Relief) (ok, known bool) {
	if r.MinDuration == nil {
		return true, true
	}
	if it.Duration == nil {
		return false, false
	}
	return hours(it.Duration) >= hours(r.MinDuration), true
}

func hours(d *pipeline.Duration) float64 {
	switch strings.TrimSuffix(d.Unit, "s") {
	case "minute":
		return d.Value / 60
	case "hour":
		return d.Value
	}
	return weeks(d) * 7 * 24
}

func describeRelief(it *pipeline.Relief) string {
	var s string
	switch {
	case it.Percent != nil:
		s = it.Comparator + fmtNum(*it.Percent) + "%"
	case it.Qualitative != "":
		s = it.Qualitative + " relief"
	default:
		s = "relief"
	}
	if it.Duration != nil {
		s += fmt.Sprintf(" for %s %ss", fmtNum(it.Duration.Value), strings.TrimSuffix(it.Duration.Unit, "s"))
	}
	return s
}

func uniq(xs []string) []string {
	var out []string
	seen := map[string]bool{}
	for _, x := range xs {
		if !seen[x] {
			seen[x] = true
			out = append(out, x)
		}
	}
	return out
}

// --- no_same_day ------------------------------------------------------------

// noSameDay: the letter requests none of the named procedures together
// with this one.
type noSameDay struct {
	Procedures []string `yaml:"procedures"`
}

func newNoSameDay(n *yaml.Node) (Rule, error) {
	var r noSameDay
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if err := checkCodes("no_same_day: procedures", r.Procedures); err != nil {
		return nil, err
	}
	return &r, nil
}

func (r *noSameDay) Eval(in *Input) Outcome {
	c := in.Case
	var ev []Evidence
	var with []string
	for i := range c.Services {
		sv := &c.Services[i]
		if sv == in.Service || (sv.Start == in.Service.Start && sv.End == in.Service.End && sv.Procedure == in.Service.Procedure) {
			continue
		}
		if contains(r.Procedures, sv.Procedure) {
			ev = append(ev, spanEvidence(c, sv.Span))
			with = append(with, sv.Procedure)
		}
	}
	if len(ev) > 0 {
		return Outcome{Status: NotMet, Reason: "requested together with " + strings.Join(uniq(with), ", "), Evidence: sortEvidence(append(ev, serviceEvidence(in)...))}
	}
	return Outcome{Status: Met, Reason: "no " + strings.Join(r.Procedures, ", ") + " is requested with it", Evidence: serviceEvidence(in)}
}

// --- frequency_cap ----------------------------------------------------------

// frequencyCap: the requested frequency ("every 3 months" → 4 a year), or
// the prior procedures the letter counts over the past year plus the
// requested one, is at most MaxPerYear. History patterns find that count:
// each has a group named n (a number or a number word).
type frequencyCap struct {
	MaxPerYear int      `yaml:"max_per_year"`
	History    []string `yaml:"history"`

	history []*regexp.Regexp
}

func newFrequencyCap(n *yaml.Node) (Rule, error) {
	var r frequencyCap
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if r.MaxPerYear < 1 {
		return nil, fmt.Errorf("frequency_cap: max_per_year must be at least 1")
	}
	for _, p := range r.History {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("frequency_cap: history %q: %v", p, err)
		}
		if re.SubexpIndex("n") < 0 {
			return nil, fmt.Errorf("frequency_cap: history %q has no group named n", p)
		}
		r.history = append(r.history, re)
	}
	return &r, nil
}

var (
	everyRE = regexp.MustCompile(`(?i)\bevery\s+(\d+|one|two|three|four|five|six|other)?\s*(day|week|month|year)s?\b`)
	timesRE = regexp.MustCompile(`(?i)\b(\d+|one|two|three|four|five|six)\s*(?:times|x)\s*(?:a|per|/|each)\s*(year|month)\b`)
	wordsRE = regexp.MustCompile(`(?i)\b(monthly|quarterly|yearly|annually|weekly)\b`)
)

var numberWords = map[string]float64{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "other": 2, "": 1}

func parseCount(s string) (float64, bool) {
	if v, ok := numberWords[strings.ToLower(s)]; ok {
		return v, true
	}
	v, err := strconv.ParseFloat(s, 64)
	return v, err == nil
}

var perYear = map[string]float64{"day": 365, "week": 52, "month": 12, "year": 1}

// PerYear converts a service frequency ("every 3 months", "monthly",
// "4 times a year") to a number of procedures a year; ok is false when the
// text gives no rate.
func PerYear(freq string) (float64, bool) {
	if m := everyRE.FindStringSubmatch(freq); m != nil {
		n, ok := parseCount(m[1])
		if !ok || n == 0 {
			return 0, false
		}
		return perYear[strings.ToLower(m[2])] / n, true
	}
	if m := timesRE.FindStringSubmatch(freq); m != nil {
		n, ok := parseCount(m[1])
		if !ok {
			return 0, false
		}
		return n * perYear[strings.ToLower(m[2])], true
	}
	if m := wordsRE.FindStringSubmatch(freq); m != nil {
		return map[string]float64{"monthly": 12, "quarterly": 4, "yearly": 1, "annually": 1, "weekly": 52}[strings.ToLower(m[1])], true
	}
	return 0, false
}

func (r *frequencyCap) Eval(in *Input) Outcome {
	c := in.Case
	sv := in.Service
	if sv.Frequency != "" {
		if n, ok := PerYear(sv.Frequency); ok {
			st := Met
			if n > float64(r.MaxPerYear) {
				st = NotMet
			}
			return Outcome{Status: st, Reason: fmt.Sprintf("%q is %s a year; at most %d allowed", sv.Frequency, fmtNum(n), r.MaxPerYear), Evidence: serviceEvidence(in)}
		}
	}
	for _, re := range r.history {
		for _, m := range re.FindAllStringSubmatchIndex(c.Text, -1) {
			if inGuidelineText(c, m[0]) {
				continue
			}
			gi := re.SubexpIndex("n")
			n, ok := parseCount(c.Text[m[2*gi]:m[2*gi+1]])
			if !ok {
				continue
			}
			total := n + 1
			st := Met
			if total > float64(r.MaxPerYear) {
				st = NotMet
			}
			return Outcome{Status: st, Reason: fmt.Sprintf("%s prior in the past year and the requested one make %s; at most %d allowed", fmtNum(n), fmtNum(total), r.MaxPerYear), Evidence: sortEvidence([]Evidence{evidence(c, m[0], m[1]), serviceEvidence(in)[0]})}
		}
	}
	reason := "the number of procedures a year is not stated"
	if sv.Frequency != "" {
		reason = fmt.Sprintf("the frequency %q gives no yearly count", sv.Frequency)
	}
	return Outcome{Status: NotDocumented, Reason: reason, Evidence: serviceEvidence(in)}
}

// inGuidelineText reports whether offset off lies in a quoted guideline
// section.
func inGuidelineText(c *pipeline.Case, off int) bool {
	for _, s := range c.Sections {
		if s.Name == "guideline_quote" && off >= s.Start && off < s.End {
			return true
		}
	}
	return false
}

// --- diagnosis --------------------------------------------------------------

// diagnosis: a definite patient diagnosis among Require. Only possible ones,
// or only Against ones, do not meet it. When Quoted is set, the gate applies
// only to letters whose quoted guideline text matches one of its patterns
// (the edition that has the gate).
type diagnosis struct {
	Require []string `yaml:"require"`
	Against []string `yaml:"against"`
	Quoted  []string `yaml:"quoted"`

	quoted []*regexp.Regexp
}

func newDiagnosis(n *yaml.Node) (Rule, error) {
	var r diagnosis
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if err := checkCodes("diagnosis: require", r.Require); err != nil {
		return nil, err
	}
	for _, p := range r.Quoted {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("diagnosis: quoted %q: %v", p, err)
		}
		r.quoted = append(r.quoted, re)
	}
	return &r, nil
}

// quotedMatch finds the first pattern match inside the case's quoted
// guideline sections.
func quotedMatch(c *pipeline.Case, res []*regexp.Regexp) (Evidence, bool) {
	for _, s := range c.Sections {
		if s.Name != "guideline_quote" || s.Start < 0 || s.End > len(c.Text) {
			continue
		}
		for _, re := range res {
			if m := re.FindStringIndex(c.Text[s.Start:s.End]); m != nil {
				return evidence(c, s.Start+m[0], s.Start+m[1]), true
			}
		}
	}
	return Evidence{}, false
}

func (r *diagnosis) Eval(in *Input) Outcome {
	c := in.Case
	if len(r.quoted) > 0 {
		if _, ok := quotedMatch(c, r.quoted); !ok {
			return Outcome{Status: NotApplicable, Reason: "the letter does not quote the guideline edition that has this gate"}
		}
	}
	var defEv, possEv, againstEv []Evidence
	var defCodes, possCodes, againstCodes []string
	for i := range c.Findings {
		f := &c.Findings[i]
		if !patientFinding(f) || f.Status != "positive" {
			continue
		}
		switch {
		case contains(r.Require, f.Code) && definite(f.Certainty):
			defEv = append(defEv, spanEvidence(c, f.Span))
			defCodes = append(defCodes, f.Code)
		case contains(r.Require, f.Code):
			possEv = append(possEv, spanEvidence(c, f.Span))
			possCodes = append(possCodes, f.Code)
		case contains(r.Against, f.Code) && definite(f.Certainty):
			againstEv = append(againstEv, spanEvidence(c, f.Span))
			againstCodes = append(againstCodes, f.Code)
		}
	}
	switch {
	case len(defEv) > 0:
		return Outcome{Status: Met, Reason: "diagnosed: " + strings.Join(sorted(uniq(defCodes)), ", "), Evidence: sortEvidence(defEv)}
	case len(possEv) > 0:
		reason := "only possible: " + strings.Join(sorted(uniq(possCodes)), ", ")
		if len(againstCodes) > 0 {
			reason += "; diagnosed: " + strings.Join(sorted(uniq(againstCodes)), ", ")
		}
		return Outcome{Status: NotMet, Reason: reason, Evidence: sortEvidence(append(possEv, againstEv...))}
	case len(againstEv) > 0:
		return Outcome{Status: NotMet, Reason: "diagnosed only: " + strings.Join(sorted(uniq(againstCodes)), ", ") + " (none of " + strings.Join(r.Require, ", ") + ")", Evidence: sortEvidence(againstEv)}
	}
	return Outcome{Status: NotDocumented, Reason: "no diagnosis among " + strings.Join(r.Require, ", ") + " is stated"}
}

func sorted(xs []string) []string {
	out := append([]string(nil), xs...)
	sort.Strings(out)
	return out
}

// --- findings_absent / findings_present -------------------------------------

// findingsAbsent: none of the codes is a positive patient finding, and at
// least one is documented negative.
type findingsAbsent struct {
	Codes []string `yaml:"codes"`
}

func newFindingsAbsent(n *yaml.Node) (Rule, error) {
	var r findingsAbsent
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if err := checkCodes("findings_absent: codes", r.Codes); err != nil {
		return nil, err
	}
	return &r, nil
}

func (r *findingsAbsent) Eval(in *Input) Outcome {
	c := in.Case
	var pos, neg []Evidence
	var posCodes, negCodes []string
	for i := range c.Findings {
		f := &c.Findings[i]
		if !contains(r.Codes, f.Code) || !patientFinding(f) {
			continue
		}
		switch {
		case f.Status == "positive" && definite(f.Certainty):
			pos = append(pos, spanEvidence(c, f.Span))
			posCodes = append(posCodes, f.Code)
		case f.Status == "negative":
			neg = append(neg, spanEvidence(c, f.Span))
			negCodes = append(negCodes, f.Code)
		}
	}
	switch {
	case len(pos) > 0:
		return Outcome{Status: NotMet, Reason: "positive: " + strings.Join(sorted(uniq(posCodes)), ", "), Evidence: sortEvidence(pos)}
	case len(neg) > 0:
		return Outcome{Status: Met, Reason: "negative: " + strings.Join(sorted(uniq(negCodes)), ", "), Evidence: sortEvidence(neg)}
	}
	return Outcome{Status: NotDocumented, Reason: "none of " + strings.Join(r.Codes, ", ") + " is examined"}
}

// findingsPresent: at least Min distinct codes are positive patient
// findings.
type findingsPresent struct {
	Codes []string `yaml:"codes"`
	Min   int      `yaml:"min"`
}

func newFindingsPresent(n *yaml.Node) (Rule, error) {
	var r findingsPresent
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if err := checkCodes("findings_present: codes", r.Codes); err != nil {
		return nil, err
	}
	if r.Min == 0 {
		r.Min = 1
	}
	if r.Min < 1 || r.Min > len(r.Codes) {
		return nil, fmt.Errorf("findings_present: min %d is not in [1, %d]", r.Min, len(r.Codes))
	}
	return &r, nil
}

func (r *findingsPresent) Eval(in *Input) Outcome {
	c := in.Case
	first := map[string]Evidence{}
	var mentioned []Evidence
	for i := range c.Findings {
		f := &c.Findings[i]
		if !contains(r.Codes, f.Code) || !patientFinding(f) {
			continue
		}
		mentioned = append(mentioned, spanEvidence(c, f.Span))
		if f.Status == "positive" && definite(f.Certainty) {
			if _, ok := first[f.Code]; !ok {
				first[f.Code] = spanEvidence(c, f.Span)
			}
		}
	}
	if len(mentioned) == 0 {
		return Outcome{Status: NotDocumented, Reason: "none of " + strings.Join(r.Codes, ", ") + " is documented"}
	}
	codes := make([]string, 0, len(first))
	var ev []Evidence
	for k, e := range first {
		codes = append(codes, k)
		ev = append(ev, e)
	}
	sort.Strings(codes)
	reason := fmt.Sprintf("%d of %d required positive: %s", len(codes), r.Min, strings.Join(codes, ", "))
	if len(codes) == 0 {
		return Outcome{Status: NotMet, Reason: fmt.Sprintf("0 of %d required positive (documented negative or uncertain)", r.Min), Evidence: sortEvidence(mentioned)}
	}
	if len(codes) >= r.Min {
		return Outcome{Status: Met, Reason: reason, Evidence: sortEvidence(ev)}
	}
	return Outcome{Status: NotMet, Reason: reason, Evidence: sortEvidence(ev)}
}
