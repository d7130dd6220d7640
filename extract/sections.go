package extract

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"regexp/syntax"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/precedent-dev/precedent/internal/rules"
)

//go:embed data/sections.yaml
var sectionsData embed.FS

// sectionsFile is the rule file NewSectioner reads from its file system.
const sectionsFile = "sections.yaml"

// quoteZone is the name of the zones cut out by the quote rules.
const quoteZone = "guideline_quote"

// A ZoneRuleError reports a bad entry in the zone rules. Its message has the
// form "sections.yaml:LINE: reason"; Err holds the underlying error, if any.
type ZoneRuleError = rules.Error

// A Sectioner finds the zones of a letter and its kind. Its rules come from
// sections.yaml (see the comments there); it is safe for concurrent use.
type Sectioner struct {
	headings []zoneHeadingRule
	// byFirst lists, for each byte, the indexes of the heading rules a
	// line starting with it may match (MayStartWith), in rule order: most
	// lines start with a byte no rule starts with.
	byFirst   [256][]int
	maxLines  int // the most lines of a heading rule
	decisions []zoneDecisionRule
	quotes    zoneQuoteRules
	kinds     []zoneKindRule
}

type zoneHeadingRule struct {
	name   string
	line   int
	re     *regexp.Regexp // anchored at the start; and at the end unless inline
	m      *rules.Matcher
	start  bool // re is anchored at the start of the text (matchAtStart)
	inline bool
	lines  int
	within []string
	ex     zoneExamples
}

type zoneDecisionRule struct {
	name    string
	line    int
	re      *regexp.Regexp // anchored at both ends
	m       *rules.Matcher
	item    int // index of the "item" group
	within  []string
	maxBack int
	stop    *regexp.Regexp
	brk     *regexp.Regexp
	ex      zoneExamples
}

type zoneCue struct {
	line  int
	re    *regexp.Regexp
	m     *rules.Matcher
	start bool // re is anchored at the start of the text (matchAtStart)
	ex    zoneExamples
}

type zoneQuoteRules struct {
	scan        []string
	minWords    int
	abbrev      map[string]bool
	abbrevMax   int       // the longest abbreviation, in bytes
	start       []zoneCue // anchored at the start
	reject      []zoneCue
	endStart    []zoneCue // anchored at the start
	endAnywhere []zoneCue
}

type zoneKindRule struct {
	kind string
	cues []zoneCue
}

type zoneExamples struct {
	match, noMatch []string
}

// YAML shapes, decoded strictly.

type zoneHeadingYAML struct {
	Name    rules.String   `yaml:"name"`
	Pattern rules.String   `yaml:"pattern"`
	Inline  bool           `yaml:"inline"`
	Lines   int            `yaml:"lines"`
	Within  []rules.String `yaml:"within"`
	Match   []string       `yaml:"match"`
	NoMatch []string       `yaml:"no_match"`
}

type zoneDecisionYAML struct {
	Name          rules.String   `yaml:"name"`
	Pattern       rules.String   `yaml:"pattern"`
	Within        []rules.String `yaml:"within"`
	MaxBack       int            `yaml:"max_back"`
	Stop          rules.String   `yaml:"stop"`
	SentenceBreak rules.String   `yaml:"sentence_break"`
	Match         []string       `yaml:"match"`
	NoMatch       []string       `yaml:"no_match"`
}

type zoneCueYAML struct {
	Pattern rules.String `yaml:"pattern"`
	Match   []string     `yaml:"match"`
	NoMatch []string     `yaml:"no_match"`
}

type zoneQuotesYAML struct {
	Scan          []rules.String `yaml:"scan"`
	MinQuoteWords int            `yaml:"min_quote_words"`
	Abbreviations []string       `yaml:"abbreviations"`
	Start         []zoneCueYAML  `yaml:"start"`
	Reject        []zoneCueYAML  `yaml:"reject"`
	EndStart      []zoneCueYAML  `yaml:"end_start"`
	EndAnywhere   []zoneCueYAML  `yaml:"end_anywhere"`
}

type zoneKindYAML struct {
	Kind rules.String  `yaml:"kind"`
	Cues []zoneCueYAML `yaml:"cues"`
}

type zoneFileYAML struct {
	Headings  []zoneHeadingYAML  `yaml:"headings"`
	Decisions []zoneDecisionYAML `yaml:"decisions"`
	Quotes    zoneQuotesYAML     `yaml:"quotes"`
	Kinds     []zoneKindYAML     `yaml:"kinds"`
}

var zoneNameRE = regexp.MustCompile(`^[a-z][a-z_]*$`)

// NewSectioner loads section rules from the file sections.yaml at the root
// of fsys (nil: the embedded rules). A bad rule gives a *ZoneRuleError.
func NewSectioner(fsys fs.FS) (*Sectioner, error) {
	if fsys == nil {
		sub, err := fs.Sub(sectionsData, "data")
		if err != nil {
			return nil, &ZoneRuleError{File: sectionsFile, Reason: "embedded rules missing", Err: err}
		}
		fsys = sub
	}
	var f zoneFileYAML
	if err := rules.Decode(fsys, sectionsFile, &f); err != nil {
		return nil, err
	}
	bad := func(line int, format string, args ...any) error {
		return &ZoneRuleError{File: sectionsFile, Line: line, Reason: fmt.Sprintf(format, args...)}
	}
	compile := func(p rules.String, prefix, suffix string) (*regexp.Regexp, error) {
		if strings.TrimSpace(p.S) == "" {
			return nil, bad(p.Line, "empty pattern")
		}
		// Flags such as (?i) must stay in front of the anchor group.
		flags := ""
		if m := regexp.MustCompile(`^\(\?[imsU]+\)`).FindString(p.S); m != "" {
			flags = m
		}
		re, err := regexp.Compile(flags + prefix + "(?:" + p.S[len(flags):] + ")" + suffix)
		if err != nil {
			return nil, &ZoneRuleError{File: sectionsFile, Line: p.Line, Reason: fmt.Sprintf("bad pattern %q: %v", p.S, err), Err: err}
		}
		return re, nil
	}
	s := &Sectioner{}
	names := map[string]bool{"header": true, "other": true, quoteZone: true}
	checkName := func(n rules.String) error {
		if !zoneNameRE.MatchString(n.S) {
			return bad(n.Line, "bad zone name %q (want lower_snake_case)", n.S)
		}
		return nil
	}
	if len(f.Headings) == 0 {
		return nil, bad(0, "no headings")
	}
	for _, h := range f.Headings {
		if err := checkName(h.Name); err != nil {
			return nil, err
		}
		names[h.Name.S] = true
		suffix := `\s*$`
		if h.Inline {
			suffix = ""
		}
		re, err := compile(h.Pattern, `^`, suffix)
		if err != nil {
			return nil, err
		}
		if h.Lines < 0 || h.Lines > 5 {
			return nil, bad(h.Pattern.Line, "lines must be between 1 and 5")
		}
		if h.Lines == 0 {
			h.Lines = 1
		}
		if len(h.Match) == 0 || len(h.NoMatch) == 0 {
			return nil, bad(h.Pattern.Line, "heading needs match and no_match examples")
		}
		s.maxLines = max(s.maxLines, h.Lines)
		s.headings = append(s.headings, zoneHeadingRule{name: h.Name.S, line: h.Pattern.Line, re: re, m: rules.NewMatcher(re),
			start: beginsText(re), inline: h.Inline, lines: h.Lines, ex: zoneExamples{h.Match, h.NoMatch}})
	}
	s.indexHeadings()
	for _, d := range f.Decisions {
		if err := checkName(d.Name); err != nil {
			return nil, err
		}
		names[d.Name.S] = true
	}
	// within lists may only name zones some rule produces.
	checkWithin := func(ws []rules.String) ([]string, error) {
		var out []string
		for _, w := range ws {
			if !names[w.S] {
				return nil, bad(w.Line, "within names unknown zone %q", w.S)
			}
			out = append(out, w.S)
		}
		return out, nil
	}
	for i, h := range f.Headings {
		w, err := checkWithin(h.Within)
		if err != nil {
			return nil, err
		}
		s.headings[i].within = w
	}
	for _, d := range f.Decisions {
		re, err := compile(d.Pattern, `^`, `$`)
		if err != nil {
			return nil, err
		}
		item := re.SubexpIndex("item")
		if item < 0 {
			return nil, bad(d.Pattern.Line, "decision pattern needs a group (?P<item>...)")
		}
		stop, err := compile(d.Stop, "", "")
		if err != nil {
			return nil, err
		}
		brk, err := compile(d.SentenceBreak, "", "")
		if err != nil {
			return nil, err
		}
		w, err := checkWithin(d.Within)
		if err != nil {
			return nil, err
		}
		if d.MaxBack < 0 || d.MaxBack > 20 {
			return nil, bad(d.Pattern.Line, "max_back must be between 0 and 20")
		}
		if len(d.Match) == 0 || len(d.NoMatch) == 0 {
			return nil, bad(d.Pattern.Line, "decision needs match and no_match examples")
		}
		s.decisions = append(s.decisions, zoneDecisionRule{name: d.Name.S, line: d.Pattern.Line, re: re, m: rules.NewMatcher(re), item: item,
			within: w, maxBack: d.MaxBack, stop: stop, brk: brk, ex: zoneExamples{d.Match, d.NoMatch}})
	}
	cues := func(ys []zoneCueYAML, prefix string, what string) ([]zoneCue, error) {
		var out []zoneCue
		for _, y := range ys {
			re, err := compile(y.Pattern, prefix, "")
			if err != nil {
				return nil, err
			}
			if len(y.Match) == 0 || len(y.NoMatch) == 0 {
				return nil, bad(y.Pattern.Line, "%s cue needs match and no_match examples", what)
			}
			out = append(out, zoneCue{line: y.Pattern.Line, re: re, m: rules.NewMatcher(re), start: beginsText(re), ex: zoneExamples{y.Match, y.NoMatch}})
		}
		return out, nil
	}
	q := &s.quotes
	var err error
	if q.start, err = cues(f.Quotes.Start, `^`, "quote start"); err != nil {
		return nil, err
	}
	if q.reject, err = cues(f.Quotes.Reject, "", "quote reject"); err != nil {
		return nil, err
	}
	if q.endStart, err = cues(f.Quotes.EndStart, `^`, "quote end"); err != nil {
		return nil, err
	}
	if q.endAnywhere, err = cues(f.Quotes.EndAnywhere, "", "quote end"); err != nil {
		return nil, err
	}
	if q.scan, err = checkWithin(f.Quotes.Scan); err != nil {
		return nil, err
	}
	if f.Quotes.MinQuoteWords < 0 {
		return nil, bad(0, "quotes.min_quote_words must not be negative")
	}
	q.minWords = f.Quotes.MinQuoteWords
	q.abbrev = make(map[string]bool, len(f.Quotes.Abbreviations))
	for _, a := range f.Quotes.Abbreviations {
		q.abbrev[strings.ToLower(a)] = true
		q.abbrevMax = max(q.abbrevMax, len(strings.ToLower(a)))
	}
	seenKind := map[string]bool{}
	for _, k := range f.Kinds {
		if k.Kind.S != "iro" && k.Kind.S != "imr" {
			return nil, bad(k.Kind.Line, "kind must be iro or imr, not %q", k.Kind.S)
		}
		if seenKind[k.Kind.S] {
			return nil, bad(k.Kind.Line, "kind %q listed twice", k.Kind.S)
		}
		seenKind[k.Kind.S] = true
		cs, err := cues(k.Cues, "", "kind")
		if err != nil {
			return nil, err
		}
		if len(cs) == 0 {
			return nil, bad(k.Kind.Line, "kind %q has no cues", k.Kind.S)
		}
		s.kinds = append(s.kinds, zoneKindRule{kind: k.Kind.S, cues: cs})
	}
	return s, nil
}

// indexHeadings sets byFirst from the heading rules.
func (s *Sectioner) indexHeadings() {
	for c := range s.byFirst {
		s.byFirst[c] = nil
		for ri, h := range s.headings {
			if h.m.MayStartWith(byte(c)) {
				s.byFirst[c] = append(s.byFirst[c], ri)
			}
		}
	}
}

var defaultSectioner = sync.OnceValues(func() (*Sectioner, error) { return NewSectioner(nil) })

// DetectKind returns "iro", "imr" or "unknown" using the embedded cues.
func DetectKind(text string) string {
	s, err := defaultSectioner()
	if err != nil {
		return "unknown"
	}
	return s.Kind(text)
}

// Kind returns "iro", "imr" or "unknown": each cue found counts one point for
// its kind; the kind with most points wins, a tie or no point is "unknown".
//
// The cues run with Matcher.MatchString on the text itself, not MatchText:
// MatchText searches case-insensitive literals in a lowercase copy of the
// whole letter (one copy, then strings.Index for a lead such as "iro",
// whose first byte is everywhere), where MatchString finds them with
// indexFold on the text, by their rarest byte. Both give the regexp's
// answer; on the 15 KB IRO seed this is 240,000 instructions fewer per
// letter (callgrind).
func (s *Sectioner) Kind(text string) string {
	best, bestScore, tie := "unknown", 0, false
	for ki, k := range s.kinds {
		score := 0
		for ci, c := range k.cues {
			// The last kind's score is only compared with bestScore: stop
			// once more points cannot change the outcome.
			if ki == len(s.kinds)-1 && (score > bestScore || score+len(k.cues)-ci < bestScore) {
				break
			}
			if c.m.MatchString(text) {
				score++
			}
		}
		switch {
		case score > bestScore:
			best, bestScore, tie = k.kind, score, false
		case score == bestScore && score > 0:
			tie = true
		}
	}
	if tie {
		return "unknown"
	}
	return best
}

// zoneLine is one line of the text: [start, end) without the newline, and
// the bounds of its content without leading and trailing blanks.
type zoneLine struct {
	start, end int
	cs, ce     int
}

func (l zoneLine) blank() bool { return l.cs >= l.ce }

func zoneSplitLines(text string) []zoneLine {
	out := make([]zoneLine, 0, strings.Count(text, "\n")+1)
	for start := 0; start <= len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		l := zoneLine{start: start, end: end}
		l.cs, l.ce = trimSpan(text, start, end)
		out = append(out, l)
		if end == len(text) {
			break
		}
		start = end + 1
	}
	return out
}

// zoneBoundary is the start of a zone found by a heading or decision rule.
type zoneBoundary struct {
	name, title string
	start       int // first byte of the heading
	body        int // first byte after the heading text
	last        int // index of the last line the heading uses
}

// zoneWindow joins the content of line i and of the following non-blank
// lines (n lines in all) with single spaces. idx holds the line index of
// each piece and pieceStart the offset in joined where it begins.
type zoneWindow struct {
	joined     string
	idx        []int
	pieceStart []int
}

// offset maps an offset of w.joined to an offset of the text.
func (w *zoneWindow) offset(lines []zoneLine, m int) int {
	k := len(w.pieceStart) - 1
	for k > 0 && w.pieceStart[k] > m {
		k--
	}
	l := lines[w.idx[k]]
	if o := l.cs + m - w.pieceStart[k]; o < l.ce {
		return o
	}
	return l.ce
}

// maxWindowLines is the most lines a heading rule may span (lines: 1-5).
const maxWindowLines = 5

// zoneWindows builds the windows of 1 to n lines starting at line i (fewer
// when the text ends or blank lines run on), as they are asked for: most
// lines match no heading rule on their first window. One zoneWindows
// serves every line of a text (reset). A one-line window is the line's
// content itself; the first longer window asked for builds the windows up
// to maxN lines, as prefixes of one string.
type zoneWindows struct {
	text   string
	lines  []zoneLine
	maxN   int // the most lines a window is asked for
	j      int // next line to read
	blanks int
	done   bool
	n      int    // windows built
	joined bool   // the joined text of windows 2 to n is set
	buf    []byte // the joined content of the windows built
	idx    [maxWindowLines]int
	starts [maxWindowLines]int
	ws     [maxWindowLines]zoneWindow
}

// reset starts the windows of line i.
func (zw *zoneWindows) reset(i int) {
	zw.j, zw.blanks, zw.done, zw.n, zw.joined, zw.buf = i, 0, false, 0, false, zw.buf[:0]
}

// window returns the window of n lines (1 <= n <= maxWindowLines), or nil.
func (zw *zoneWindows) window(n int) *zoneWindow {
	for zw.n < n && !zw.done {
		zw.extend()
	}
	if zw.n < n {
		return nil
	}
	if n > 1 && !zw.joined {
		for zw.n < zw.maxN && !zw.done {
			zw.extend()
		}
		all := string(zw.buf)
		for k := 1; k < zw.n; k++ {
			l := zw.lines[zw.idx[k]]
			zw.ws[k].joined = all[:zw.starts[k]+l.ce-l.cs]
		}
		zw.joined = true
	}
	return &zw.ws[n-1]
}

// extend adds the next window, or sets done.
func (zw *zoneWindows) extend() {
	if zw.n == len(zw.ws) {
		zw.done = true
		return
	}
	for ; zw.j < len(zw.lines); zw.j++ {
		j := zw.j
		l := zw.lines[j]
		if l.blank() {
			if zw.n == 0 {
				zw.done = true
				return
			}
			zw.blanks++
			if zw.blanks > 3 {
				zw.done = true
				return
			}
			continue
		}
		zw.blanks = 0
		n := zw.n
		if n > 0 {
			zw.buf = append(zw.buf, ' ')
		}
		zw.starts[n] = len(zw.buf)
		zw.idx[n] = j
		zw.buf = append(zw.buf, zw.text[l.cs:l.ce]...)
		joined := ""
		if n == 0 {
			joined = zw.text[l.cs:l.ce]
		} else {
			zw.joined = false // set by window
		}
		zw.ws[n] = zoneWindow{joined: joined, idx: zw.idx[: n+1 : n+1], pieceStart: zw.starts[: n+1 : n+1]}
		zw.n++
		zw.j++
		return
	}
	zw.done = true
}

func zoneWithin(within []string, cur string) bool {
	if len(within) == 0 {
		return true
	}
	for _, w := range within {
		if w == cur {
			return true
		}
	}
	return false
}

func zoneFold(s string) string { return strings.Join(strings.Fields(s), " ") }

// matchHeading tries the heading rules at line i of zw's lines, with the
// windows of zw. It returns the boundary and the index of the rule that
// matched.
func (s *Sectioner) matchHeading(zw *zoneWindows, i int, cur string) (zoneBoundary, int, bool) {
	text, lines := zw.text, zw.lines
	if lines[i].blank() {
		return zoneBoundary{}, -1, false
	}
	started := false
	first := text[lines[i].cs] // every window starts with it
	for _, ri := range s.byFirst[first] {
		r := &s.headings[ri]
		if !zoneWithin(r.within, cur) {
			continue
		}
		if !started {
			zw.reset(i)
			started = true
		}
		for n := 1; n <= r.lines; n++ {
			w := zw.window(n)
			if w == nil {
				break
			}
			loc := matchAtStart(r.m, r.start, w.joined)
			if loc == nil || loc[1] == 0 {
				continue
			}
			if n > 1 && loc[1] <= w.pieceStart[n-1] {
				continue // a shorter window would have matched
			}
			last := w.idx[0]
			for k := range w.idx {
				if w.pieceStart[k] < loc[1] {
					last = w.idx[k]
				}
			}
			return zoneBoundary{name: r.name, title: zoneFold(w.joined[loc[0]:loc[1]]), start: lines[i].cs, body: w.offset(lines, loc[1]), last: last}, ri, true
		}
	}
	return zoneBoundary{}, -1, false
}

// matchDecision tries the decision rules at line i; minLine is the first
// line the item may start on.
func (s *Sectioner) matchDecision(text string, lines []zoneLine, i, minLine int, cur string) (zoneBoundary, int, bool) {
	l := lines[i]
	if l.blank() {
		return zoneBoundary{}, -1, false
	}
	content := text[l.cs:l.ce]
	for ri, r := range s.decisions {
		if !zoneWithin(r.within, cur) {
			continue
		}
		m := r.m.FindStringSubmatchIndex(content)
		if m == nil {
			continue
		}
		first := i
		if m[2*r.item] < 0 || m[2*r.item] == m[2*r.item+1] {
			// A bare decision: the item is on the previous non-blank line.
			j := i - 1
			for j >= minLine && j > i-3 && lines[j].blank() {
				j--
			}
			if j < minLine || lines[j].blank() {
				continue
			}
			first = j
		}
		for back := 0; back < r.maxBack; back++ {
			j := first - 1
			if j < minLine || lines[j].blank() || r.stop.MatchString(text[lines[j].cs:lines[j].ce]) {
				break
			}
			first = j
		}
		var parts []string
		for j := first; j <= i; j++ {
			if !lines[j].blank() {
				parts = append(parts, text[lines[j].cs:lines[j].ce])
			}
		}
		title := zoneFold(strings.Join(parts, " "))
		if locs := r.brk.FindAllStringIndex(title, -1); len(locs) > 0 {
			title = title[locs[len(locs)-1][1]-1:]
		}
		return zoneBoundary{name: r.name, title: title, start: lines[first].cs, body: l.ce, last: i}, ri, true
	}
	return zoneBoundary{}, -1, false
}

// Sections returns the zones of text in order. They are sorted, do not
// overlap, and together cover the text from its first non-blank byte to its
// end; text before the first heading is the "header" zone. A text without
// any heading is one "other" zone; a blank text has no zones.
func (s *Sectioner) Sections(text string) []Section {
	first := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	if first == len(text) {
		return nil
	}
	lines := zoneSplitLines(text)
	zw := &zoneWindows{text: text, lines: lines, maxN: s.maxLines}
	var bounds []zoneBoundary
	cur, minLine := "header", 0
	for i := 0; i < len(lines); i++ {
		b, _, ok := s.matchHeading(zw, i, cur)
		if !ok {
			b, _, ok = s.matchDecision(text, lines, i, minLine, cur)
		}
		if !ok {
			continue
		}
		bounds = append(bounds, b)
		cur, minLine, i = b.name, b.last+1, b.last
	}
	if len(bounds) == 0 {
		return []Section{{Name: "other", Start: first, End: len(text)}}
	}
	var out []Section
	if bounds[0].start > first {
		out = append(out, Section{Name: "header", Start: first, End: bounds[0].start})
	}
	for k, b := range bounds {
		end := len(text)
		if k+1 < len(bounds) {
			end = bounds[k+1].start
		}
		z := Section{Name: b.name, Title: b.title, Start: b.start, End: end}
		if s.scans(b.name) {
			out = append(out, s.splitQuotes(text, z, b.body)...)
		} else {
			out = append(out, z)
		}
	}
	return out
}

func (s *Sectioner) scans(name string) bool {
	for _, n := range s.quotes.scan {
		if n == name {
			return true
		}
	}
	return false
}

// zoneSpan is a byte range of the text.
type zoneSpan struct{ start, end int }

func zoneBlank(s string) bool { return strings.TrimSpace(s) == "" }

// splitQuotes cuts the guideline quotes found in the body of z out of it.
func (s *Sectioner) splitQuotes(text string, z Section, body int) []Section {
	if body < z.Start || body > z.End {
		body = z.Start
	}
	qs := s.findQuotes(text, body, z.End)
	if len(qs) == 0 {
		return []Section{z}
	}
	var out []Section
	pos, title := z.Start, z.Title
	for _, q := range qs {
		if q.start > pos {
			out = append(out, Section{Name: z.Name, Title: title, Start: pos, End: q.start})
			title = ""
		}
		end := q.end
		if end < z.End && zoneBlank(text[end:z.End]) {
			end = z.End
		}
		out = append(out, Section{Name: quoteZone, Start: q.start, End: end})
		pos = end
	}
	if pos < z.End {
		out = append(out, Section{Name: z.Name, Title: title, Start: pos, End: z.End})
	}
	return out
}

func zoneAnyMatch(cs []zoneCue, s string) bool {
	for _, c := range cs {
		if c.m.MatchString(s) {
			return true
		}
	}
	return false
}

// matchAtStart is m.FindStringIndex(s); start says that m's pattern is
// anchored at the start of the text (beginsText), so that its only match
// can start at 0. It then runs Matcher.MatchAt at 0: FindStringIndex
// walks the whole text for the bytes a match may start with and tests
// the anchor at each (heading windows and quote sentences: Sections 1.11M
// -> 1.01M instructions on the IRO seed, callgrind).
func matchAtStart(m *rules.Matcher, start bool, s string) []int {
	if !start || s == "" {
		return m.FindStringIndex(s)
	}
	if loc := m.MatchAt(s, 0, 0); loc != nil {
		return loc[:2:2]
	}
	return nil
}

// beginsText reports whether every match of re starts at the start of the
// text (^ without the m flag, or \A, first in the pattern).
func beginsText(re *regexp.Regexp) bool {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return false
	}
	tree = tree.Simplify()
	for tree.Op == syntax.OpCapture || tree.Op == syntax.OpConcat && len(tree.Sub) > 0 {
		tree = tree.Sub[0]
	}
	return tree.Op == syntax.OpBeginText
}

// startsWith reports whether c, a cue anchored at the start, may match a
// text starting with byte b: most sentences start with a byte no start
// cue starts with, and this test, inlined, spares them the Matcher call
// (the Matcher makes the same test first).
func (c *zoneCue) startsWith(b byte) bool { return c.m.MayBeEmpty() || c.m.MayStartWith(b) }

// quoteStart returns the end of the start cue in the sentence, or -1.
func (q *zoneQuoteRules) quoteStart(sent string) int {
	for i := range q.start {
		c := &q.start[i]
		if sent != "" && !c.startsWith(sent[0]) {
			continue
		}
		if loc := matchAtStart(c.m, c.start, sent); loc != nil {
			if zoneAnyMatch(q.reject, sent) || zoneAnyMatch(q.endAnywhere, sent) {
				return -1
			}
			return loc[1]
		}
	}
	return -1
}

func (q *zoneQuoteRules) quoteEnd(sent string) bool {
	for i := range q.endStart {
		if c := &q.endStart[i]; matchAtStart(c.m, c.start, sent) != nil {
			return true
		}
	}
	return zoneAnyMatch(q.endAnywhere, sent)
}

// findQuotes returns the guideline quotes in text[a:b], merged when only
// blanks separate them.
func (s *Sectioner) findQuotes(text string, a, b int) []zoneSpan {
	q := &s.quotes
	sents := s.sentences(text, a, b)
	var out []zoneSpan
	for i := 0; i < len(sents); {
		st := sents[i]
		sent := text[st.start:st.end]
		cue := q.quoteStart(sent)
		if cue < 0 {
			i++
			continue
		}
		qe := -1
		if o, c := zoneClosingQuote(text, st.start+cue, st.end, b); c > 0 && len(strings.Fields(text[o:c])) >= q.minWords {
			qe = c
			for i < len(sents) && sents[i].start < qe {
				i++
			}
		} else {
			j := i + 1
			for j < len(sents) && !q.quoteEnd(text[sents[j].start:sents[j].end]) {
				j++
			}
			qe = b
			if j < len(sents) {
				qe = sents[j].start
			}
			i = j
		}
		if n := len(out); n > 0 && zoneBlank(text[out[n-1].end:st.start]) {
			out[n-1].end = qe
		} else {
			out = append(out, zoneSpan{st.start, qe})
		}
	}
	return out
}

// zoneClosingQuote looks for an opening quotation mark in text[from:sentEnd]
// and returns its offset and the offset just after its closing mark (and
// after a following . , or ;) when the closing mark is before limit; 0, 0
// otherwise.
func zoneClosingQuote(text string, from, sentEnd, limit int) (int, int) {
	seg := text[from:sentEnd]
	o := strings.IndexAny(seg, "\"“")
	if o < 0 {
		return 0, 0
	}
	open := from + o
	_, w := utf8.DecodeRuneInString(text[open:])
	rest := text[open+w : limit]
	c := strings.IndexAny(rest, "\"”")
	if c < 0 {
		return 0, 0
	}
	end := open + w + c
	_, w2 := utf8.DecodeRuneInString(text[end:])
	end += w2
	if end < limit && strings.IndexByte(".,;", text[end]) >= 0 {
		end++
	}
	return open, end
}

// A byteSeeker finds the next of a few bytes in a text with one
// strings.IndexByte per byte and occurrence, instead of testing every
// byte (the sentence scan of the quote zones cost 10 instructions a byte).
type byteSeeker struct {
	s    string
	cs   string            // the bytes looked for, at most maxSeekBytes
	next [maxSeekBytes]int // per byte of cs: its next offset at or after the last asked (-1: not looked for, len(s): none)
}

const maxSeekBytes = 8

func newByteSeeker(s, cs string) *byteSeeker {
	if len(cs) > maxSeekBytes {
		panic("byteSeeker: too many bytes")
	}
	bs := &byteSeeker{s: s, cs: cs}
	for k := range bs.next {
		bs.next[k] = -1
	}
	return bs
}

// from returns the first offset at or after i of a byte of cs, or len(s).
// Successive calls must not go back (i never decreases).
func (bs *byteSeeker) from(i int) int {
	best := len(bs.s)
	for k := 0; k < len(bs.cs); k++ {
		n := bs.next[k]
		if n < i {
			if n = strings.IndexByte(bs.s[i:], bs.cs[k]); n < 0 {
				n = len(bs.s)
			} else {
				n += i
			}
			bs.next[k] = n
		}
		if n < best {
			best = n
		}
	}
	return best
}

// zoneSentenceBytes are the bytes sentences acts on: the ends . ! ? and
// the marks : ; ) that a list marker may follow.
const zoneSentenceBytes = ".!?:;)"

func zoneIsDigit(c byte) bool { return c >= '0' && c <= '9' }
func zoneIsUpper(c byte) bool { return c >= 'A' && c <= 'Z' }
func zoneIsLower(c byte) bool { return c >= 'a' && c <= 'z' }
func zoneIsSpace(c byte) bool {
	return c == ' ' || c == '\n' || c == '\t' || c == '\r' || c == '\f' || c == '\v'
}

// zoneListMarker reports whether a list marker ("3." then a blank, a capital
// or a parenthesis) starts at p.
func zoneListMarker(text string, p, b int) bool {
	if p > 0 && (zoneIsDigit(text[p-1]) || zoneIsLower(text[p-1]) || zoneIsUpper(text[p-1])) {
		return false
	}
	k := p
	for k < b && k-p < 3 && zoneIsDigit(text[k]) {
		k++
	}
	if k == p || k-p > 2 || k >= b || text[k] != '.' {
		return false
	}
	k++
	return k == b || zoneIsSpace(text[k]) || zoneIsUpper(text[k]) || text[k] == '('
}

// sentences splits text[a:b] into sentence spans for the quote rules.
func (s *Sectioner) sentences(text string, a, b int) []zoneSpan {
	// Most cuts follow a period: room for one per period spares the
	// doublings of the slice (13 allocations and 9 KB on the IRO seed).
	cuts := make([]int, 1, 1+strings.Count(text[a:b], ".")+8)
	cuts[0] = a
	last := a // latest cut
	cut := func(p int) {
		for p < b && zoneIsSpace(text[p]) {
			p++
		}
		if p > last && p < b {
			cuts = append(cuts, p)
			last = p
		}
	}
	seek := newByteSeeker(text[:b], zoneSentenceBytes)
	for i := a; i < b; i++ {
		if i = seek.from(i); i == b {
			break
		}
		c := text[i]
		switch {
		case c == '.' || c == '!' || c == '?':
			// The dot of a list marker that starts the sentence.
			d := i
			for d > a && zoneIsDigit(text[d-1]) {
				d--
			}
			if c == '.' && d < i && d == last {
				continue
			}
			k := i + 1
			for k < b {
				if strings.IndexByte("\"')]", text[k]) >= 0 {
					k++
				} else if strings.HasPrefix(text[k:], "”") || strings.HasPrefix(text[k:], "’") {
					k += len("”")
				} else {
					break
				}
			}
			if k >= b {
				continue
			}
			if c == '.' && k == i+1 && s.abbrevBefore(text, a, i) {
				continue
			}
			next := text[k]
			switch {
			case zoneIsSpace(next):
				p := k
				for p < b && zoneIsSpace(text[p]) {
					p++
				}
				if p < b && !zoneIsLower(text[p]) {
					cut(p)
				}
			case zoneIsUpper(next):
				w := i
				for w > a && zoneIsLower(text[w-1]) {
					w--
				}
				if k > i+1 || i-w >= 2 {
					cut(k)
				}
			case zoneIsDigit(next) && zoneListMarker(text, k, b):
				cut(k)
			}
		default:
			// c is one of : ; ). A list marker after it and blanks starts
			// a sentence ("blocks:1.", "above).2.").
			p := i + 1
			for p < b && zoneIsSpace(text[p]) {
				p++
			}
			if p < b && zoneIsDigit(text[p]) && p > last && zoneListMarker(text, p, b) {
				cut(p)
			}
		}
	}
	out := make([]zoneSpan, 0, len(cuts))
	for k, c := range cuts {
		end := b
		if k+1 < len(cuts) {
			end = cuts[k+1]
		}
		for c < end && zoneIsSpace(text[c]) {
			c++
		}
		if c < end {
			out = append(out, zoneSpan{c, end})
		}
	}
	return out
}

// abbrevBefore reports whether the dot at i ends an abbreviation (a listed
// word, or a single capital letter as in initials).
func (s *Sectioner) abbrevBefore(text string, a, i int) bool {
	w := i
	for w > a && (zoneIsLower(text[w-1]) || zoneIsUpper(text[w-1]) || text[w-1] == '.') {
		w--
	}
	word := strings.Trim(text[w:i], ".")
	if word == "" {
		return false
	}
	if len(word) == 1 && zoneIsUpper(word[0]) {
		return true
	}
	return len(word) <= s.quotes.abbrevMax && hasLower(s.quotes.abbrev, word)
}
