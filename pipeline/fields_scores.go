package pipeline

import (
	"fmt"
	"io/fs"
	"regexp"
	"regexp/syntax"
	"sort"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/extract"
)

// scoreRules fill pain scores and strength grades (Case.PainScores,
// Case.Strength) from data/scores.yaml.
//
// Candidates are found without running a regexp over the whole text: at
// every "/" followed by "10" or "5", at every "of 10" and "of 5", and after
// the pain-level cue words (one pass over the words). Small anchored
// regexps then read the value before the mark and the context around it.
type scoreRules struct {
	f          scoreFile
	levelCues  *wordSet
	levelPain  []bool
	siteRE     *regexp.Regexp
	siteOf     map[string]string
	siteTo     *regexp.Regexp
	sitePain   *regexp.Regexp
	muscleRE   *regexp.Regexp
	muscleNext *termAfter
	muscleMore *termAfter
	outOf10    atStart         // f.OutOf10
	outOf5     atStart         // f.OutOf5
	bilateral  map[string]bool // muscle names that are both sides
}

type scoreLevelCue struct {
	Words     []lstr `yaml:"words"`
	NeedsPain bool   `yaml:"needs_pain"`
}

type scoreQualifier struct {
	Value         string `yaml:"value"`
	Before        *rx    `yaml:"before"`
	After         *rx    `yaml:"after"`
	NeedsPrevious string `yaml:"needs_previous"`
	RequiresAfter *rx    `yaml:"requires_after"`
}

type scoreTerms struct {
	Site   string   `yaml:"site"`
	Muscle string   `yaml:"-"`
	Terms  []string `yaml:"terms"`
}

type scoreFile struct {
	ScoreValue     rx                 `yaml:"score_value"`
	OutOf10        rx                 `yaml:"out_of_10"`
	OutOf5         rx                 `yaml:"out_of_5"`
	OutOfValue     rx                 `yaml:"out_of_value"`
	LevelCues      []scoreLevelCue    `yaml:"level_cues"`
	LevelValue     rx                 `yaml:"level_value"`
	LevelNotAfter  rx                 `yaml:"level_not_after"`
	ScaleAfter     rx                 `yaml:"scale_after"`
	PainBeforeCue  rx                 `yaml:"pain_before_cue"`
	ContextBefore  int                `yaml:"context_before"`
	ContextWord    rx                 `yaml:"context_word"`
	ContextAfter   rx                 `yaml:"context_after"`
	ScoreNotBefore rx                 `yaml:"score_not_before"`
	ScoreNotAfter  rx                 `yaml:"score_not_after"`
	Continuation   rx                 `yaml:"continuation"`
	RangeJoiner    rx                 `yaml:"range_joiner"`
	RangeNotBefore rx                 `yaml:"range_not_before"`
	Qualifiers     []scoreQualifier   `yaml:"qualifiers"`
	Sites          []scoreTerms       `yaml:"sites"`
	SiteAfterTo    string             `yaml:"site_after_to"`
	SiteAfterPain  string             `yaml:"site_after_pain"`
	SiteNear       int                `yaml:"site_near"`
	SiteWindow     int                `yaml:"site_window"`
	Grade          rx                 `yaml:"grade"`
	GradeOutOf     rx                 `yaml:"grade_out_of"`
	Modifiers      map[string]float64 `yaml:"modifiers"`
	StrengthWord   rx                 `yaml:"strength_word"`
	StrengthWindow int                `yaml:"strength_window"`
	InheritWindow  int                `yaml:"inherit_window"`
	GradeNotAfter  rx                 `yaml:"grade_not_after"`
	MuscleStops    rx                 `yaml:"muscle_stops"`
	RestBefore     rx                 `yaml:"rest_before"`
	MuscleAfter    string             `yaml:"muscle_after"`
	MuscleMore     string             `yaml:"muscle_more"`
	SideAfter      rx                 `yaml:"side_after"`
	SideWords      map[string]string  `yaml:"side_words"`
	SideWord       rx                 `yaml:"side_word"`
	Muscles        []string           `yaml:"muscles"`
	BilateralLimbs []string           `yaml:"bilateral_limbs"`
}

// scoreQualifiers are the Score.Qualifier values of the record.
var scoreQualifiers = []string{"worst", "best", "average", "current", "with_medication", "without_medication", "before", "after"}

func newScoreRules(data fs.FS) (*scoreRules, error) {
	const file = "scores.yaml"
	r := &scoreRules{}
	if err := decodeRules(data, file, &r.f); err != nil {
		return nil, err
	}
	f := &r.f
	bad := func(format string, args ...any) error {
		return &RuleError{File: file, Reason: fmt.Sprintf(format, args...)}
	}
	for key, re := range map[string]*rx{
		"score_value": &f.ScoreValue, "out_of_10": &f.OutOf10, "out_of_5": &f.OutOf5, "out_of_value": &f.OutOfValue,
		"level_value": &f.LevelValue, "level_not_after": &f.LevelNotAfter, "scale_after": &f.ScaleAfter, "pain_before_cue": &f.PainBeforeCue,
		"context_word": &f.ContextWord, "context_after": &f.ContextAfter, "score_not_before": &f.ScoreNotBefore,
		"score_not_after": &f.ScoreNotAfter, "continuation": &f.Continuation,
		"range_joiner": &f.RangeJoiner, "range_not_before": &f.RangeNotBefore, "grade": &f.Grade,
		"grade_out_of": &f.GradeOutOf, "strength_word": &f.StrengthWord, "grade_not_after": &f.GradeNotAfter,
		"muscle_stops": &f.MuscleStops, "rest_before": &f.RestBefore, "side_after": &f.SideAfter, "side_word": &f.SideWord,
	} {
		if err := required(file, re, key); err != nil {
			return nil, err
		}
	}
	for _, g := range []struct {
		re     rx
		groups []string
	}{
		{f.ScoreValue, []string{"v", "max"}}, {f.OutOfValue, []string{"v", "max"}}, {f.LevelValue, []string{"v", "max"}},
		{f.Continuation, []string{"v", "max"}}, {f.Grade, []string{"g"}}, {f.GradeOutOf, []string{"g"}}, {f.SideAfter, []string{"side"}},
	} {
		if err := needGroups(file, g.re, g.groups...); err != nil {
			return nil, err
		}
	}
	if f.ContextBefore <= 0 || f.SiteNear <= 0 || f.SiteWindow <= 0 || f.StrengthWindow <= 0 || f.InheritWindow <= 0 {
		return nil, bad("context_before, site_near, site_window and strength_window must be positive")
	}
	r.outOf10, r.outOf5 = newAtStart(&f.OutOf10), newAtStart(&f.OutOf5)
	var words []string
	var idx []int
	for i, c := range f.LevelCues {
		for _, w := range c.Words {
			if !isLowerWord(w.S) {
				return nil, &RuleError{File: file, Line: w.Line, Reason: fmt.Sprintf("level cue %q must be one lower-case word", w.S)}
			}
			words = append(words, w.S)
			idx = append(idx, i)
		}
		r.levelPain = append(r.levelPain, c.NeedsPain)
	}
	var err error
	if r.levelCues, err = newWordSet(words, idx); err != nil {
		return nil, bad("level_cues: %v", err)
	}
	for _, q := range f.Qualifiers {
		if !oneOf(scoreQualifiers, q.Value) || q.Before == nil && q.After == nil {
			return nil, bad("qualifier %q needs before or after and a value among %s", q.Value, strings.Join(scoreQualifiers, ", "))
		}
		if q.NeedsPrevious != "" && !oneOf(scoreQualifiers, q.NeedsPrevious) {
			return nil, bad("needs_previous %q is not a qualifier", q.NeedsPrevious)
		}
	}
	for k, v := range f.Modifiers {
		if k != "+" && k != "-" || v <= -1 || v >= 1 {
			return nil, bad("modifiers: %q: %v: want + or - and a value between -1 and 1", k, v)
		}
	}
	for k, v := range f.SideWords {
		if !oneOf([]string{"left", "right", "bilateral"}, v) {
			return nil, bad("side_words: %q maps to %q", k, v)
		}
	}
	if r.siteRE, r.siteOf, _, err = termsRegexp(f.Sites, func(g scoreTerms) string { return g.Site }); err != nil {
		return nil, bad("sites: %v", err)
	}
	r.bilateral = map[string]bool{}
	for _, m := range f.BilateralLimbs {
		r.bilateral[muscleName(m)] = true
	}
	var muscleTerms []string
	if r.muscleRE, _, muscleTerms, err = termsRegexp([]scoreTerms{{Muscle: "muscle", Terms: f.Muscles}}, func(g scoreTerms) string { return g.Muscle }); err != nil {
		return nil, bad("muscles: %v", err)
	}
	siteAlt := strings.TrimSuffix(strings.TrimPrefix(r.siteRE.String(), `(?i)\b`), `\b`)
	muscleAlt := strings.TrimSuffix(strings.TrimPrefix(r.muscleRE.String(), `(?i)\b`), `\b`)
	compile := func(key, pat, placeholder, alt string) (*regexp.Regexp, error) {
		if !strings.Contains(pat, placeholder) {
			return nil, bad("%s must contain %s", key, placeholder)
		}
		re, err := regexp.Compile(strings.Replace(pat, placeholder, alt, 1))
		if err != nil {
			return nil, bad("%s: %v", key, err)
		}
		return re, nil
	}
	if r.siteTo, err = compile("site_after_to", f.SiteAfterTo, "{site}", siteAlt); err != nil {
		return nil, err
	}
	if r.sitePain, err = compile("site_after_pain", f.SiteAfterPain, "{site}", siteAlt); err != nil {
		return nil, err
	}
	for _, p := range []struct {
		key, pat string
		to       **termAfter
	}{{"muscle_after", f.MuscleAfter, &r.muscleNext}, {"muscle_more", f.MuscleMore, &r.muscleMore}} {
		full, err := compile(p.key, p.pat, "{muscle}", muscleAlt)
		if err != nil {
			return nil, err
		}
		*p.to = newTermAfter(full, p.pat, "{muscle}", muscleTerms)
	}
	return r, nil
}

// A termAfter is a regexp written as a prefix, then a placeholder for an
// alternation of terms (termsRegexp's), then \b, anchored at the start
// (muscle_after, muscle_more): it finds what the regexp finds without
// running the alternation. Go's regexp runs an alternation of a hundred
// terms as one thread per term at every byte: 80,000 instructions for
// one 60-byte window after a grade, two fifths of the scores stage. Here
// the terms are compared at each offset (bucketed by first byte), and the
// prefix, a small regexp anchored at its end, runs only on the text before
// a term found.
//
// The regexp's choice (leftmost-first) is kept: when the prefix can end
// before a term at exactly one offset, the match is that offset's, with
// the prefix's groups as the prefix alone chooses them for that text and
// the first term (in the alternation's order) followed by a word boundary.
// When it can end at two offsets or more, or the text is not ASCII, or the
// pattern does not have that shape, the regexp runs. TestTermAfterRegexp
// and FuzzTermAfter compare the two.
type termAfter struct {
	full   *regexp.Regexp
	prefix *regexp.Regexp  // (?:prefix)$; nil: always run full
	terms  [256][][]string // by the first byte of a term: its words, lower case, in alternation order
	n      int             // full's groups
	group  int             // the terms' group in full
}

// newTermAfter builds the matcher of full, compiled from pat with
// placeholder replaced by the alternation of terms (lower case, words
// separated by single spaces, in alternation order).
func newTermAfter(full *regexp.Regexp, pat, placeholder string, terms []string) *termAfter {
	m := &termAfter{full: full, n: full.NumSubexp()}
	pre, post, ok := strings.Cut(pat, placeholder)
	if !ok || post != `\b` || !strings.HasPrefix(pre, "(?i)^") || strings.Contains(pre, "-i") {
		return m
	}
	parsed, err := syntax.Parse(pre, syntax.Perl)
	if err != nil || !onlyLeftAssertions(parsed) {
		return m
	}
	prefix, err := regexp.Compile(`(?:` + pre + `)$`)
	if err != nil || prefix.NumSubexp()+1 != m.n || full.SubexpIndex("t") != m.n {
		return m
	}
	for _, t := range terms {
		if t == "" || !isASCII(t) {
			return m
		}
		m.terms[t[0]] = append(m.terms[t[0]], strings.Split(t, " "))
	}
	m.prefix, m.group = prefix, m.n
	return m
}

// onlyLeftAssertions reports whether re holds no empty-width assertion but
// ^ and \A: the others (\b, \B, $) may look past the end of the text
// the prefix is matched on.
func onlyLeftAssertions(re *syntax.Regexp) bool {
	switch re.Op {
	case syntax.OpWordBoundary, syntax.OpNoWordBoundary, syntax.OpEndLine, syntax.OpEndText, syntax.OpBeginLine:
		return false
	}
	for _, sub := range re.Sub {
		if !onlyLeftAssertions(sub) {
			return false
		}
	}
	return true
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// SubexpIndex is the index of the group named name.
func (m *termAfter) SubexpIndex(name string) int { return m.full.SubexpIndex(name) }

// MatchString reports whether the pattern matches s.
func (m *termAfter) MatchString(s string) bool { return m.FindStringSubmatchIndex(s) != nil }

// FindStringSubmatchIndex is regexp.FindStringSubmatchIndex of the pattern.
func (m *termAfter) FindStringSubmatchIndex(s string) []int {
	if m.prefix == nil || !isASCII(s) {
		return m.full.FindStringSubmatchIndex(s)
	}
	at, end := -1, 0
	for p := 0; p < len(s); p++ {
		e := m.termAt(s, p)
		if e < 0 || !m.prefix.MatchString(s[:p]) {
			continue
		}
		if at >= 0 {
			return m.full.FindStringSubmatchIndex(s) // two ways: the regexp decides
		}
		at, end = p, e
	}
	if at < 0 {
		return nil
	}
	pm := m.prefix.FindStringSubmatchIndex(s[:at])
	out := make([]int, 2*(m.n+1))
	copy(out, pm)
	out[1] = end
	out[2*m.group], out[2*m.group+1] = at, end
	return out
}

// termAt returns the end of the first term (in alternation order) at
// offset p of s followed by a word boundary, or -1. s is ASCII.
func (m *termAfter) termAt(s string, p int) int {
	for _, words := range m.terms[lowerASCII(s[p])] {
		if e := wordsAt(s, p, words); e >= 0 && (e == len(s) || isWordByte(s[e-1]) != isWordByte(s[e])) {
			return e
		}
	}
	return -1
}

// wordsAt returns the end of words at offset i of s, in any ASCII case,
// separated by white space (\s+), or -1.
func wordsAt(s string, i int, words []string) int {
	for k, w := range words {
		if k > 0 {
			j := i
			for j < len(s) && regexpSpace(s[j]) {
				j++
			}
			if j == i {
				return -1
			}
			i = j
		}
		if len(s)-i < len(w) {
			return -1
		}
		for x := 0; x < len(w); x++ {
			if lowerASCII(s[i+x]) != w[x] {
				return -1
			}
		}
		i += len(w)
	}
	return i
}

// regexpSpace reports whether c is in Go regexp's \s: [\t\n\f\r ].
func regexpSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\f' || c == '\r' }

func lowerASCII(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// termsRegexp builds one case-insensitive whole-word alternation of the
// terms of groups (longest first, so "low back" beats "back"), with a group
// named t, the map from lower-cased term to the group's value, and the
// lower-cased terms in the alternation's order (longest first, then
// alphabetical).
func termsRegexp(groups []scoreTerms, value func(scoreTerms) string) (*regexp.Regexp, map[string]string, []string, error) {
	of := map[string]string{}
	var terms []string
	for _, g := range groups {
		v := value(g)
		if v == "" || len(g.Terms) == 0 {
			return nil, nil, nil, fmt.Errorf("an entry lacks its value or terms")
		}
		for _, t := range g.Terms {
			k := strings.ToLower(strings.Join(strings.Fields(t), " "))
			if prev, dup := of[k]; dup {
				return nil, nil, nil, fmt.Errorf("term %q of %s is already a term of %s", t, v, prev)
			}
			of[k] = v
			terms = append(terms, k)
		}
	}
	sort.Slice(terms, func(i, j int) bool {
		if len(terms[i]) != len(terms[j]) {
			return len(terms[i]) > len(terms[j])
		}
		return terms[i] < terms[j]
	})
	quoted := make([]string, len(terms))
	for i, t := range terms {
		quoted[i] = strings.ReplaceAll(regexp.QuoteMeta(t), " ", `\s+`)
	}
	re, err := regexp.Compile(`(?i)\b(?P<t>` + strings.Join(quoted, "|") + `)\b`)
	return re, of, terms, err
}

// termValue maps a matched term (any case, any spaces) to its value.
func termValue(of map[string]string, term string) string {
	return of[strings.ToLower(strings.Join(strings.Fields(term), " "))]
}

// muscleName is the record value of a muscle term as written: lower-cased,
// white space folded.
func muscleName(term string) string {
	return strings.ToLower(strings.Join(strings.Fields(term), " "))
}

// regionMuscle names a bare muscle of a list after the region of the
// first one when that makes a known muscle: "hip abductors and adductors"
// gives "hip adductors".
func (r *scoreRules) regionMuscle(first, name string) string {
	reg, _, ok := strings.Cut(first, " ")
	if !ok || strings.Contains(name, " ") {
		return name
	}
	full := reg + " " + name
	if loc := r.muscleRE.FindStringIndex(full); loc != nil && loc[0] == 0 && loc[1] == len(full) {
		return full
	}
	return name
}

// region returns the region word the muscles share ("hip" of "hip
// abductors" and "hip adductors"), or "".
func region(names []string) string {
	reg := ""
	for i, n := range names {
		w, _, ok := strings.Cut(n, " ")
		if !ok || i > 0 && w != reg {
			return ""
		}
		reg = w
	}
	return reg
}

// expandMuscle splits an elliptic pair, "upper and lower extremities", into
// its muscles; other names are returned as they are.
func expandMuscle(name string) []string {
	a, rest, ok := strings.Cut(name, " and ")
	if !ok || strings.Contains(a, " ") {
		return []string{name}
	}
	b, noun, ok := strings.Cut(rest, " ")
	if !ok {
		return []string{name}
	}
	return []string{a + " " + noun, b + " " + noun}
}

// A scoreAt is a pain score being built.
type scoreAt struct {
	Score
	vs, ve int // the value and its scale mark
}

// A gradeAt is a strength grade being built.
type gradeAt struct {
	gs, ge int // the grade and its scale mark
	grade  string
	value  float64
}

func (r *scoreRules) apply(d *caseDoc) {
	text := d.c.Text
	var scores []scoreAt
	var grades []gradeAt
	// "/10" and "/5".
	for i := 0; ; {
		k := strings.IndexByte(text[i:], '/')
		if k < 0 {
			break
		}
		at := i + k
		i = at + 1
		j := at + 1
		if j < len(text) && text[j] == ' ' {
			j++
		}
		switch {
		case strings.HasPrefix(text[j:], "10") && markEnds(text, j+2):
			if s, ok := r.scoreBefore(d, at, j+2, r.f.ScoreValue); ok {
				scores = append(scores, s)
			}
		case strings.HasPrefix(text[j:], "5") && markEnds(text, j+1):
			if g, ok := r.gradeBefore(text, at, j+1, r.f.Grade); ok {
				grades = append(grades, g)
			}
		}
	}
	// "out of 10" and "out of 5".
	for _, x := range d.wordSpans() {
		// A run of two letters starting with "o": "of" then white space.
		if x&0xffff != 'o'<<8|2 {
			continue
		}
		at := int(x >> 16)
		if text[at+1] != 'f' || at+2 >= len(text) || !asciiSpace(text[at+2]) {
			continue
		}
		rest := text[at:min(len(text), at+12)]
		if m := r.outOf10.find(rest); m != nil {
			if s, ok := r.scoreBefore(d, at, at+m[1], r.f.OutOfValue); ok {
				scores = append(scores, s)
			}
		} else if m := r.outOf5.find(rest); m != nil {
			if g, ok := r.gradeBefore(text, at, at+m[1], r.f.GradeOutOf); ok {
				grades = append(grades, g)
			}
		}
	}
	// "pain level of 7", "VAS 5-9".
	// A scale written out after the value ("rated 1 on a 10-point scale")
	// stands for the pain word before the cue.
	r.levelCues.scanWords(text, d.wordSpans(), func(s, e, cue int) {
		after := text[e:min(len(text), e+40)]
		m := r.f.LevelValue.FindStringSubmatchIndex(after)
		if m == nil || r.f.LevelNotAfter.MatchString(after[m[1]:]) {
			return
		}
		if r.levelPain[cue] && !r.f.PainBeforeCue.MatchString(clip(text, max(0, s-24), s)) &&
			!r.f.ScaleAfter.MatchString(clip(text, e+m[1], min(len(text), e+m[1]+40))) {
			return
		}
		if s2, ok := r.scoreAt(d, e+m[2], e+m[1], after[m[2]:m[3]], group(after, m, r.f.LevelValue, "max"), true); ok {
			scores = append(scores, s2)
		}
	})
	scores = dedupeScores(scores)
	scores = r.ranges(text, scores)
	scores = r.continuations(d, scores)
	r.finishScores(d, scores)
	r.finishGrades(d, grades)
}

// An atStart finds a regexp's match in the short texts after a word
// ("of" then "10"): for a pattern anchored with ^, by the Matcher's MatchAt
// at 0, which checks the literals of the whole pattern ("10" of "of 10")
// before it runs the regexp, so that the other "of"s of a letter cost no
// regexp run (1,200 instructions each, 90 per IRO seed; FindStringIndex's
// own checks pass on the "of").
type atStart struct {
	re     *rx
	begins bool // every match starts at the start of the text
}

func newAtStart(re *rx) atStart {
	a := atStart{re: re}
	if tree, err := syntax.Parse(re.String(), syntax.Perl); err == nil {
		tree = tree.Simplify()
		for tree.Op == syntax.OpConcat && len(tree.Sub) > 0 || tree.Op == syntax.OpCapture {
			tree = tree.Sub[0]
		}
		a.begins = tree.Op == syntax.OpBeginText
	}
	return a
}

// find is re.FindStringIndex(s).
func (a atStart) find(s string) []int {
	if !a.begins {
		return a.re.FindStringIndex(s)
	}
	if loc := a.re.Matcher().MatchAt(s, 0, 0); loc != nil {
		return loc[:2]
	}
	return nil
}

// markEnds reports whether a scale mark ending at i stands alone: no digit,
// "/" or "-digit" follows ("10/16/14", "3/10-15").
func markEnds(text string, i int) bool {
	if i >= len(text) {
		return true
	}
	c := text[i]
	if asciiDigit(c) || c == '/' || c == '%' {
		return false
	}
	if (c == '-' || c == '.') && i+1 < len(text) && asciiDigit(text[i+1]) {
		return false
	}
	return true
}

// group returns the text of the named group of a submatch, or "".
func group(s string, m []int, re rx, name string) string {
	k := re.SubexpIndex(name)
	if k < 0 || 2*k+1 >= len(m) || m[2*k] < 0 {
		return ""
	}
	return s[m[2*k]:m[2*k+1]]
}

// scoreBefore reads the value written before a scale mark at [mark, end).
func (r *scoreRules) scoreBefore(d *caseDoc, mark, end int, value rx) (scoreAt, bool) {
	text := d.c.Text
	lo := max(0, mark-16)
	win := text[lo:mark]
	m := value.FindStringSubmatchIndex(win)
	if m == nil {
		return scoreAt{}, false
	}
	v, vmax := win[m[2]:m[3]], group(win, m, value, "max")
	vs := lo + m[2]
	if k := value.SubexpIndex("max"); vmax != "" && !validRange(v, vmax) {
		// "from 8 out of 10 to 5 out of 10": "10 to 5" is no range; the
		// value is the last number.
		v, vmax, vs = vmax, "", lo+m[2*k]
	}
	if vs > 0 {
		if c := text[vs-1]; asciiDigit(c) || asciiLetter(c) || c == '/' || c == '.' || c == '-' && vs > 1 && asciiDigit(text[vs-2]) {
			return scoreAt{}, false
		}
	}
	return r.scoreAt(d, vs, end, v, vmax, false)
}

// validRange reports whether lo-hi is a range of scores.
func validRange(lo, hi string) bool {
	a, err1 := strconv.ParseFloat(lo, 64)
	b, err2 := strconv.ParseFloat(hi, 64)
	return err1 == nil && err2 == nil && a < b && b <= 10
}

// scoreAt checks the context of a value at [vs, end) and builds the score.
func (r *scoreRules) scoreAt(d *caseDoc, vs, end int, v, vmax string, cued bool) (scoreAt, bool) {
	text := d.c.Text
	val, err := strconv.ParseFloat(v, 64)
	if err != nil || val > 10 {
		return scoreAt{}, false
	}
	s := scoreAt{vs: vs, ve: end}
	s.Value, s.Scale = val, 10
	if vmax != "" {
		mx, err := strconv.ParseFloat(vmax, 64)
		if err != nil || mx > 10 || mx <= val {
			return scoreAt{}, false
		}
		s.ValueMax = &mx
	}
	sent, ok := d.sentenceAt(vs)
	if !ok {
		sent = extract.Sentence{Start: vs, End: end}
	}
	before := clip(text, max(sent.Start, vs-r.f.ContextBefore), vs)
	after := text[end:min(len(text), end+40)]
	if r.f.ScoreNotBefore.MatchString(before) || r.f.ScoreNotAfter.MatchString(after) {
		return scoreAt{}, false
	}
	if !cued && !r.f.ContextWord.MatchString(before) && !r.f.ContextAfter.MatchString(clip(text, end, min(sent.End, end+40))) {
		return scoreAt{}, false
	}
	return s, true
}

// dedupeScores sorts scores and drops a score whose value another one
// already read (a level cue before "7/10").
func dedupeScores(scores []scoreAt) []scoreAt {
	sort.SliceStable(scores, func(i, j int) bool {
		if scores[i].vs != scores[j].vs {
			return scores[i].vs < scores[j].vs
		}
		return scores[i].ve > scores[j].ve
	})
	out := scores[:0]
	last := -1
	for _, s := range scores {
		if s.vs < last {
			continue
		}
		out = append(out, s)
		last = s.ve
	}
	return out
}

// ranges joins two scores written as a range, "6/10 to 8/10", into one
// score with value_max.
func (r *scoreRules) ranges(text string, scores []scoreAt) []scoreAt {
	out := scores[:0]
	for i := 0; i < len(scores); i++ {
		s := scores[i]
		if i+1 < len(scores) && s.ValueMax == nil && scores[i+1].ValueMax == nil && scores[i+1].Value > s.Value &&
			s.ve <= scores[i+1].vs && scores[i+1].vs-s.ve <= 8 &&
			r.f.RangeJoiner.MatchString(text[s.ve:scores[i+1].vs]) &&
			!r.f.RangeNotBefore.MatchString(clip(text, s.vs-24, s.vs)) {
			mx := scores[i+1].Value
			s.ValueMax, s.ve = &mx, scores[i+1].ve
			i++
		}
		out = append(out, s)
	}
	return out
}

// continuations adds the values that continue a score without a scale
// ("6 out of 10 at its worst and 3-4 at its best"), when they take a
// qualifier.
func (r *scoreRules) continuations(d *caseDoc, scores []scoreAt) []scoreAt {
	text := d.c.Text
	n := len(scores)
	for i := 0; i < n; i++ {
		s := scores[i]
		sent, ok := d.sentenceAt(s.vs)
		if !ok {
			continue
		}
		limit := sent.End
		if i+1 < n {
			limit = min(limit, scores[i+1].vs)
		}
		after := clip(text, s.ve, min(limit, s.ve+60))
		m := r.f.Continuation.FindStringSubmatchIndex(after)
		if m == nil || m[1] == len(after) && limit < sent.End && s.ve+m[1] == limit {
			continue
		}
		vs, ve := s.ve+m[2], s.ve+m[1]
		if ve < len(text) && (asciiDigit(text[ve]) || text[ve] == '/' || text[ve] == '%' || text[ve] == '.' && ve+1 < len(text) && asciiDigit(text[ve+1])) {
			continue
		}
		if i+1 < n && scores[i+1].vs <= ve {
			continue // the next score is this value
		}
		rest := clip(text, ve, min(sent.End, ve+40))
		qualified := false
		for _, q := range r.f.Qualifiers {
			if q.NeedsPrevious == "" && q.After != nil && q.After.MatchString(rest) {
				qualified = true
				break
			}
		}
		if !qualified || r.f.LevelNotAfter.MatchString(rest) && !strings.HasPrefix(strings.TrimSpace(rest), "/") {
			continue
		}
		c, ok := r.scoreAt(d, vs, ve, after[m[2]:m[3]], group(after, m, r.f.Continuation, "max"), true)
		if !ok {
			continue
		}
		scores = append(scores, c)
	}
	return dedupeScores(scores)
}

// finishScores fills qualifier, site and span and adds the scores to the
// case.
func (r *scoreRules) finishScores(d *caseDoc, scores []scoreAt) {
	text := d.c.Text
	prevQual := ""
	prevEnd := 0
	prevSent := -1
	for i := range scores {
		s := &scores[i]
		sent, ok := d.sentenceAt(s.vs)
		if !ok {
			sent = extract.Sentence{Start: s.vs, End: s.ve}
		}
		if sent.Start != prevSent {
			prevQual, prevEnd, prevSent = "", sent.Start, sent.Start
		}
		left := max(prevEnd, sent.Start, s.vs-r.f.SiteWindow)
		next := sent.End
		if i+1 < len(scores) {
			next = min(next, scores[i+1].vs)
		}
		before := text[left:s.vs]
		after := text[s.ve:max(s.ve, min(next, s.ve+60))]
		s.Qualifier = r.qualifier(before, after, prevQual)
		siteStart := s.vs
		s.Site, siteStart = r.site(text, left, s.vs, s.ve, next)
		start := min(siteStart, clauseLeft(text, max(sent.Start, s.vs-r.f.SiteWindow), s.vs))
		end := clauseRight(text, s.ve, min(sent.End, s.ve+60))
		start, end = trimSpan(text, start, end)
		s.Span = d.span(start, end)
		s.InGuideline = d.inGuideline(s.vs, s.ve)
		s.Encounter = d.encounterAt(s.vs)
		d.c.PainScores = append(d.c.PainScores, s.Score)
		prevQual, prevEnd = s.Qualifier, s.ve
	}
}

// qualifier returns the qualifier of a score from the text before and
// after it: the after patterns first (the nearer words), then the before
// patterns.
func (r *scoreRules) qualifier(before, after, prevQual string) string {
	for pass := 0; pass < 2; pass++ {
		for _, q := range r.f.Qualifiers {
			if q.NeedsPrevious != "" && q.NeedsPrevious != prevQual || q.RequiresAfter != nil && !q.RequiresAfter.MatchString(after) {
				continue
			}
			re := q.After
			text := after
			if pass == 1 {
				re, text = q.Before, before
			}
			if re != nil && re.MatchString(text) {
				return q.Value
			}
		}
	}
	return ""
}

// site names the body part of a score at [vs, ve): an explicit site after
// it, a site just before it, a site followed by "pain" after it, or the
// nearest site before it (from left). It returns the site and where its
// word starts (vs when none).
func (r *scoreRules) site(text string, left, vs, ve, next int) (string, int) {
	after := text[ve:max(ve, min(next, ve+50))]
	if m := r.siteTo.FindStringSubmatchIndex(after); m != nil {
		return termValue(r.siteOf, after[m[2]:m[3]]), vs
	}
	var lastV string
	lastAt := -1
	distinct := 0
	for _, m := range r.siteRE.FindAllStringIndex(text[left:vs], -1) {
		v := termValue(r.siteOf, text[left+m[0]:left+m[1]])
		if v != lastV {
			distinct++
		}
		lastV, lastAt = v, left+m[0]
	}
	if distinct > 1 {
		// A score after several sites ("cervical pain, thoracic pain
		// and right wrist pain rated at 5 out of 10", "pain in the left
		// thumb, shoulder and arm, rated 8 out of 10") rates no one of
		// them.
		if m := r.sitePain.FindStringSubmatchIndex(after); m != nil {
			return termValue(r.siteOf, after[m[2]:m[3]]), vs
		}
		return "", vs
	}
	if lastAt >= 0 && vs-lastAt <= r.f.SiteNear+len(lastV) {
		return lastV, lastAt
	}
	if m := r.sitePain.FindStringSubmatchIndex(after); m != nil {
		return termValue(r.siteOf, after[m[2]:m[3]]), vs
	}
	if lastAt >= 0 {
		return lastV, lastAt
	}
	return "", vs
}

// clauseLeft returns the start of the clause holding pos: after the last
// ",", ";" or ":" in [lo, pos), else lo.
func clauseLeft(text string, lo, pos int) int {
	for i := pos - 1; i >= lo; i-- {
		if c := text[i]; c == ',' || c == ';' || c == ':' || c == '.' && i+1 < len(text) && !asciiDigit(text[i+1]) {
			return i + 1
		}
	}
	return lo
}

// clauseRight returns the end of the clause holding pos: before the first
// ",", ";" or ":" in [pos, hi), else hi.
func clauseRight(text string, pos, hi int) int {
	for i := pos; i < hi; i++ {
		if c := text[i]; c == ',' || c == ';' || c == ':' || c == '.' && (i+1 >= len(text) || !asciiDigit(text[i+1])) {
			return i
		}
	}
	return hi
}

// gradeBefore reads the strength grade written before a "/5" or "out of 5"
// mark at [mark, end).
func (r *scoreRules) gradeBefore(text string, mark, end int, re rx) (gradeAt, bool) {
	lo := max(0, mark-8)
	win := text[lo:mark]
	m := re.FindStringSubmatchIndex(win)
	if m == nil {
		return gradeAt{}, false
	}
	gs := lo + m[2]
	if gs > 0 {
		if c := text[gs-1]; asciiDigit(c) || asciiLetter(c) || c == '/' || c == '.' || c == '-' || c == '+' {
			return gradeAt{}, false
		}
	}
	g := strings.ReplaceAll(win[m[2]:m[3]], " ", "")
	v := float64(g[0] - '0')
	if len(g) > 1 {
		v += r.f.Modifiers[g[1:]]
	}
	if r.f.GradeNotAfter.MatchString(text[end:min(len(text), end+30)]) {
		return gradeAt{}, false
	}
	// The grade as written: "4+/5", and "5 of 5" or "4 out of 5" for a
	// scale written out (white space folded).
	grade := g + "/5"
	if text[mark] != '/' {
		grade = strings.Join(strings.Fields(text[gs:end]), " ")
	}
	return gradeAt{gs: gs, ge: end, grade: grade, value: v}, true
}

// finishGrades finds muscles and sides of the grades and adds them to the
// case: one Strength per muscle named for a grade.
func (r *scoreRules) finishGrades(d *caseDoc, grades []gradeAt) {
	text := d.c.Text
	sort.SliceStable(grades, func(i, j int) bool { return grades[i].gs < grades[j].gs })
	type muscleAt struct {
		name, side string
		start      int
	}
	consumed := 0 // end of the text a previous grade took its muscle from
	var prevNames []string
	prevSide := ""
	prevSent := -1
	for i, g := range grades {
		sent, ok := d.sentenceAt(g.gs)
		if !ok {
			sent = extract.Sentence{Start: g.gs, End: g.ge}
		}
		lo := max(sent.Start, g.gs-r.f.StrengthWindow, consumed)
		if i > 0 {
			lo = max(lo, grades[i-1].ge)
		}
		next := sent.End
		if i+1 < len(grades) {
			next = min(next, grades[i+1].gs)
		}
		after := text[g.ge:max(g.ge, min(next, g.ge+60))]
		left := text[lo:g.gs]
		// A grade right after another of the same sentence, with no muscle
		// of its own, grades the same muscles: "EHL strength 4/5 on the
		// right, 5/5 on the left".
		inherit := prevSent == sent.Start && len(prevNames) > 0 && len(left) <= r.f.InheritWindow &&
			!r.muscleRE.MatchString(left) && !r.muscleNext.MatchString(after)
		if sent.Start != prevSent {
			prevNames, prevSide = nil, ""
		}
		// "... 4 out of 5 in the hip abductors and adductors, otherwise 5
		// out of 5": the rest of the previous grade's region and side.
		rest := prevSent == sent.Start && len(prevNames) > 0 && r.f.RestBefore.MatchString(left) && !r.muscleNext.MatchString(after)
		prevSent = sent.Start
		// Context: a strength word or a muscle near the grade.
		if !inherit && !rest && !r.f.StrengthWord.MatchString(left) && !r.muscleRE.MatchString(left) &&
			!r.f.StrengthWord.MatchString(clip(text, g.ge, min(sent.End, g.ge+40))) && !r.muscleRE.MatchString(clip(text, g.ge, min(sent.End, g.ge+40))) {
			prevNames = nil
			continue
		}
		var muscles []muscleAt
		spanStart, spanEnd := g.gs, g.ge
		if m := r.muscleNext.FindStringSubmatchIndex(after); m != nil {
			side := ""
			for _, name := range []string{"side", "side2"} {
				if k := r.muscleNext.SubexpIndex(name); k > 0 && m[2*k] >= 0 {
					side = r.f.SideWords[strings.ToLower(after[m[2*k]:m[2*k+1]])]
				}
			}
			k := r.muscleNext.SubexpIndex("t")
			muscles = append(muscles, muscleAt{muscleName(after[m[2*k]:m[2*k+1]]), side, g.ge + m[2*k]})
			end := m[1]
			for {
				mm := r.muscleMore.FindStringSubmatchIndex(after[end:])
				if mm == nil {
					break
				}
				muscles = append(muscles, muscleAt{r.regionMuscle(muscles[0].name, muscleName(after[end+mm[2]:end+mm[3]])), side, g.ge + end + mm[2]})
				end += mm[1]
			}
			if side == "" {
				// "left foot muscle strength is 5 out of 5 in dorsiflexion"
				for _, sm := range r.f.SideWord.FindAllStringIndex(left, -1) {
					side = r.f.SideWords[strings.ToLower(left[sm[0]:sm[1]])]
				}
				for k := range muscles {
					muscles[k].side = side
				}
			}
			spanEnd = g.ge + end
			consumed = spanEnd
		} else if rest {
			muscles = append(muscles, muscleAt{name: region(prevNames), side: prevSide, start: g.gs})
		} else {
			// Muscles before the grade, after the last stop word.
			from := 0
			for _, sm := range r.f.MuscleStops.FindAllStringIndex(left, -1) {
				from = sm[1]
			}
			for _, mm := range r.muscleRE.FindAllStringIndex(left[from:], -1) {
				muscles = append(muscles, muscleAt{name: muscleName(left[from+mm[0] : from+mm[1]]), start: lo + from + mm[0]})
			}
			side := ""
			sideAt := -1
			if len(muscles) > 0 {
				// The side word nearest before the first muscle, or between
				// the muscles.
				for _, sm := range r.f.SideWord.FindAllStringIndex(left[from:muscles[len(muscles)-1].start-lo], -1) {
					side, sideAt = r.f.SideWords[strings.ToLower(left[from+sm[0]:from+sm[1]])], lo+from+sm[0]
				}
				spanStart = muscles[0].start
				if sideAt >= 0 && sideAt < spanStart {
					spanStart = sideAt
				}
			}
			if m := r.f.SideAfter.FindStringSubmatchIndex(after); m != nil {
				side = r.f.SideWords[strings.ToLower(after[m[2]:m[3]])]
				spanEnd = g.ge + m[1]
			}
			if len(muscles) == 0 && inherit {
				for _, n := range prevNames {
					muscles = append(muscles, muscleAt{name: n, start: g.gs})
				}
			}
			for k := range muscles {
				muscles[k].side = side
			}
			if len(muscles) == 0 {
				muscles = append(muscles, muscleAt{side: side, start: g.gs})
			}
		}
		// "upper and lower extremities": two muscles. Plural limbs with no
		// side written are both sides ("5/5 in the upper extremities").
		var split []muscleAt
		for _, m := range muscles {
			for _, n := range expandMuscle(m.name) {
				side := m.side
				if side == "" && r.bilateral[n] {
					side = "bilateral"
				}
				split = append(split, muscleAt{n, side, m.start})
			}
		}
		muscles = split
		if len(muscles) > 0 {
			prevSide = muscles[0].side
		}
		prevNames = prevNames[:0]
		for _, m := range muscles {
			if m.name != "" {
				prevNames = append(prevNames, m.name)
			}
		}
		start := min(spanStart, clauseLeft(text, max(sent.Start, g.gs-r.f.StrengthWindow), g.gs))
		end := max(spanEnd, clauseRight(text, g.ge, min(sent.End, g.ge+60)))
		start, end = trimSpan(text, start, end)
		for _, m := range muscles {
			d.c.Strength = append(d.c.Strength, Strength{
				Span:       d.span(start, end),
				Grade:      g.grade,
				Value:      g.value,
				Muscle:     m.name,
				Laterality: m.side,
				Encounter:  d.encounterAt(g.gs),
			})
		}
	}
}
