package pipeline

import (
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"

	"github.com/precedent-dev/precedent/internal/rules"
)

// The timeline stage finds the encounters of the clinical history: IRO
// entries ("XX/XX/XX: Office Visit.") and IMR visit sentences ("Per progress
// report dated 10/16/14, ..."), in letter order, sorted and non-overlapping,
// inside the clinical summary only. The rules and how they apply are
// described in data/timeline.yaml; this file is the mechanism.

const timelineFile = "timeline.yaml"

// encounterTypes are the values of Encounter.Type.
var encounterTypes = []string{"office_visit", "operative_report", "imaging", "ur", "progress_report", "therapy_note", "other"}

// A startRule is one heading or cue pattern of timeline.yaml.
type startRule struct {
	Pattern   lstr     `yaml:"pattern"`
	Type      string   `yaml:"type"`
	Paragraph bool     `yaml:"paragraph"`
	Match     []string `yaml:"match"`
	NoMatch   []string `yaml:"no_match"`

	re    *regexp.Regexp // anchored, {date} expanded
	m     *rules.Matcher // re with prefilters (first byte, leading literals)
	check literalCheck   // the literals a match contains (most lines and sentences have none)
	title int            // submatch index of "title", or -1
	date  int            // submatch index of "date", or -1
}

// An exampleRule is a pattern with examples (ends of cue encounters).
type exampleRule struct {
	Pattern rx       `yaml:"pattern"`
	Match   []string `yaml:"match"`
	NoMatch []string `yaml:"no_match"`

	re *regexp.Regexp // anchored
}

// A typeRule gives an encounter type to the titles it matches.
type typeRule struct {
	Type    string   `yaml:"type"`
	Pattern rx       `yaml:"pattern"`
	Match   []string `yaml:"match"`
	NoMatch []string `yaml:"no_match"`
}

type timelineData struct {
	Zones    []string      `yaml:"zones"`
	Bridge   []string      `yaml:"bridge"`
	Window   int           `yaml:"window"`
	MaxTitle int           `yaml:"max_title"`
	Date     lstr          `yaml:"date"`
	Headings []startRule   `yaml:"headings"`
	Cues     []startRule   `yaml:"cues"`
	Ends     []exampleRule `yaml:"ends"`
	Types    []typeRule    `yaml:"types"`
}

// timelineRules fill Encounters of the clinical history (Case.Encounters).
type timelineRules struct {
	f            timelineData
	typeCache    sync.Map // title -> type
	typeCacheLen atomic.Int64
}

func newTimelineRules(data fs.FS) (*timelineRules, error) {
	var f timelineData
	if err := decodeRules(data, timelineFile, &f); err != nil {
		return nil, err
	}
	fail := func(line int, format string, a ...any) error {
		return &RuleError{File: timelineFile, Line: line, Reason: fmt.Sprintf(format, a...)}
	}
	if len(f.Zones) == 0 || len(f.Headings)+len(f.Cues) == 0 {
		return nil, fail(0, "zones and headings or cues are required")
	}
	if f.Window < 32 || f.MaxTitle < 8 {
		return nil, fail(0, "window must be at least 32 bytes, max_title at least 8")
	}
	if f.Date.S == "" {
		return nil, fail(0, "date is required")
	}
	if _, err := regexp.Compile(f.Date.S); err != nil {
		return nil, fail(f.Date.Line, "bad date regexp: %v", err)
	}
	for _, list := range []struct {
		rules    []startRule
		needDate bool
	}{{f.Headings, false}, {f.Cues, true}} {
		for i := range list.rules {
			sr := &list.rules[i]
			src := strings.ReplaceAll(sr.Pattern.S, "{date}", `(?P<date>(?i:`+f.Date.S+`))`)
			re, err := regexp.Compile(`^(?:` + src + `)`)
			if err != nil {
				return nil, fail(sr.Pattern.Line, "bad regexp: %v", err)
			}
			sr.re, sr.title, sr.date = re, re.SubexpIndex("title"), re.SubexpIndex("date")
			if list.needDate && sr.date < 0 {
				return nil, fail(sr.Pattern.Line, "a cue needs {date}")
			}
			if sr.title < 0 && sr.Type == "" {
				return nil, fail(sr.Pattern.Line, "a rule without (?P<title>...) needs a type")
			}
			if sr.Type == "" {
				sr.Type = "other"
			}
			if !knownType(sr.Type) {
				return nil, fail(sr.Pattern.Line, "unknown type %q", sr.Type)
			}
			sr.m, sr.check = rules.NewMatcher(re), newLiteralCheck(re)
		}
	}
	for i := range f.Ends {
		e := &f.Ends[i]
		if e.Pattern.Regexp == nil {
			return nil, fail(0, "end %d: pattern is required", i+1)
		}
		e.re = regexp.MustCompile(`^(?:` + e.Pattern.String() + `)`)
	}
	for _, t := range f.Types {
		if t.Pattern.Regexp == nil {
			return nil, fail(0, "type %q: pattern is required", t.Type)
		}
		if !knownType(t.Type) {
			return nil, fail(t.Pattern.Line, "unknown type %q", t.Type)
		}
	}
	return &timelineRules{f: f}, nil
}

func knownType(t string) bool {
	for _, k := range encounterTypes {
		if k == t {
			return true
		}
	}
	return false
}

// headingDateReach is how far from the start of its line the date of a
// heading starts ("2. XX/XX/XX: Office Visit.").
const headingDateReach = 8

// afterDate is how far after its date a cue may reach ("On 10-31-16, the
// injured worker").
const afterDate = 48

// A textRange is a byte range of the text.
type textRange struct{ start, end int }

// historyRuns returns the ranges of the clinical history: runs of
// consecutive history zones, with the bridge zones between two of them.
func (r *timelineRules) historyRuns(secs []Section) []textRange {
	var out []textRange
	cur, open := textRange{}, false
	reach := 0 // end of the bridge zones after cur
	for _, s := range secs {
		switch {
		case contains(r.f.Zones, s.Name):
			if open && s.Start <= reach+1 {
				cur.end, reach = s.End, s.End
				continue
			}
			if open {
				out = append(out, cur)
			}
			cur, open, reach = textRange{s.Start, s.End}, true, s.End
		case open && contains(r.f.Bridge, s.Name) && s.Start <= reach+1:
			reach = s.End // kept only when a history zone follows
		default:
			if open {
				out = append(out, cur)
				open = false
			}
		}
	}
	if open {
		out = append(out, cur)
	}
	return out
}

// An encStart is where an encounter begins.
type encStart struct {
	pos     int
	heading bool // a heading (runs to the next start), else a cue
	para    bool // at the start of a paragraph
	sent    int  // cue: index of its sentence in d.sents
	title   string
	typ     string
	date    *Date
}

// apply fills d.c.Encounters.
func (r *timelineRules) apply(d *caseDoc) {
	c := d.c
	for _, run := range r.historyRuns(c.Sections) {
		starts := r.starts(d, run)
		c.Encounters = slices.Grow(c.Encounters, len(starts))
		for k, s := range starts {
			next := run.end
			if k+1 < len(starts) {
				next = starts[k+1].pos
			}
			end := next
			if !s.heading {
				end = r.cueEnd(d, s, next)
			}
			end = trimEnd(c.Text, s.pos, end)
			if end <= s.pos {
				continue
			}
			c.Encounters = append(c.Encounters, Encounter{
				Span:  d.span(s.pos, end),
				Index: len(c.Encounters),
				Date:  s.date,
				Type:  s.typ,
				Title: s.title,
			})
		}
	}
}

// starts returns the encounter starts of the history run, sorted.
func (r *timelineRules) starts(d *caseDoc, run textRange) []encStart {
	text := d.c.Text
	fold := d.text().FoldsOutsideASCII()
	// heads and cues gather on the stack while they are few (the IRO
	// seed has 15 headings): their slices grew five times each.
	var headBuf, cueBuf [16]encStart
	heads, cues := headBuf[:0], cueBuf[:0]
	prev := run.start // the start of the line before p
	for p := run.start; p < run.end; {
		lineEnd := strings.IndexByte(text[p:run.end], '\n')
		if lineEnd < 0 {
			lineEnd = run.end
		} else {
			lineEnd += p
		}
		q := skipBlanks(text, p, lineEnd)
		if q < lineEnd {
			// paragraphStart, with the line before known (it looked for
			// it with LastIndexByte: 70K instructions per IRO seed).
			para := paragraphAfter(text, run.start, prev, p)
			for i := range r.f.Headings {
				h := &r.f.Headings[i]
				if h.Paragraph && !para || h.date >= 0 && !hasDateIn(d.c.Dates, q, min(lineEnd, q+headingDateReach)) {
					continue
				}
				if s, ok := r.try(d, h, q, lineEnd, fold); ok && len(s.title) <= r.f.MaxTitle {
					s.heading, s.para = true, para
					heads = append(heads, s)
					break
				}
			}
		}
		prev, p = p, lineEnd+1
	}

	i := sort.Search(len(d.sents), func(i int) bool { return d.sents[i].End > run.start })
	dates := d.c.Dates
	for ; i < len(d.sents) && d.sents[i].Start < run.end; i++ {
		q := skipSpace(text, max(d.sents[i].Start, run.start), run.end)
		limit := min(d.sents[i].End, run.end, q+r.f.Window)
		if q >= limit {
			continue
		}
		// A cue has a date, with a few words after it at most: the regexps
		// read no further (their cost grows with their input).
		k := sort.Search(len(dates), func(k int) bool { return dates[k].Start >= q })
		end := -1
		for ; k < len(dates) && dates[k].End <= limit; k++ {
			end = min(limit, dates[k].End+afterDate)
		}
		if end < 0 {
			continue
		}
		// Inside a heading entry only a paragraph start can begin one.
		ls := lineStart(text, q)
		para := paragraphStart(text, run.start, ls) && onlyBlanks(text, ls, q)
		if len(heads) > 0 && heads[0].pos < q && !para || headingAt(heads, q) {
			continue
		}
		for c := range r.f.Cues {
			if s, ok := r.try(d, &r.f.Cues[c], q, end, fold); ok {
				s.sent, s.para = i, para
				cues = append(cues, s)
				break
			}
		}
	}

	// Merge: a cue inside a heading entry starts an encounter only at the
	// start of a paragraph; at one place a heading wins.
	out := make([]encStart, 0, len(heads)+len(cues))
	h := 0
	for _, cu := range cues {
		for h < len(heads) && heads[h].pos <= cu.pos {
			out = append(out, heads[h])
			h++
		}
		inHeading := len(out) > 0 && out[len(out)-1].heading
		if n := len(out); n > 0 && out[n-1].pos == cu.pos {
			continue
		}
		if inHeading && !cu.para {
			continue
		}
		out = append(out, cu)
	}
	return append(out, heads[h:]...)
}

// headingAt reports whether a heading of heads starts at q.
func headingAt(heads []encStart, q int) bool {
	i := sort.Search(len(heads), func(i int) bool { return heads[i].pos >= q })
	return i < len(heads) && heads[i].pos == q
}

// try matches rule sr at q, within text[q:limit]; fold is
// rules.FoldsOutsideASCII of the text (see literalCheck).
func (r *timelineRules) try(d *caseDoc, sr *startRule, q, limit int, fold bool) (encStart, bool) {
	text := d.c.Text
	if !sr.check.may(d.text().Lower()[q:limit], fold) {
		return encStart{}, false
	}
	m := sr.m.MatchAt(text[:limit], q, 0) // sr.re on text[q:limit]
	if m == nil {
		return encStart{}, false
	}
	for k := range m {
		if m[k] >= 0 {
			m[k] -= q
		}
	}
	s := encStart{pos: q, typ: sr.Type}
	if sr.title >= 0 && m[2*sr.title] >= 0 {
		s.title = joinFields(text[q+m[2*sr.title] : q+m[2*sr.title+1]])
		if t := r.typeOf(s.title); t != "" {
			s.typ = t
		}
	}
	if sr.date >= 0 && m[2*sr.date] >= 0 {
		s.date = dateAt(d.c.Dates, q+m[2*sr.date], q+m[2*sr.date+1])
	}
	return s, true
}

// joinFields returns strings.Join(strings.Fields(s), " "): s itself when
// it is ASCII with single spaces between its words (most titles), without
// the two allocations.
func joinFields(s string) string {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return strings.Join(strings.Fields(s), " ")
	}
	for i := 0; i < len(s); i++ {
		// The ASCII white space of unicode.IsSpace: a blank other than
		// a single space between words, or a newline.
		if c := s[i]; c >= utf8.RuneSelf || c == '\n' || isBlank(c) && (c != ' ' || s[i+1] == ' ') {
			return strings.Join(strings.Fields(s), " ")
		}
	}
	return s
}

// typeOf returns the type of the first types rule matching title, or "".
// Titles repeat ("Office Visit", "UR"): answers are kept, up to
// maxTypeCache titles.
func (r *timelineRules) typeOf(title string) string {
	if t, ok := r.typeCache.Load(title); ok {
		return t.(string)
	}
	typ := ""
	for _, t := range r.f.Types {
		if t.Pattern.MatchString(title) {
			typ = t.Type
			break
		}
	}
	if r.typeCacheLen.Add(1) <= maxTypeCache {
		r.typeCache.Store(title, typ)
	}
	return typ
}

const maxTypeCache = 4096

// cueEnd returns where the cue encounter s ends: after the last sentence
// that still describes its visit, at most next.
func (r *timelineRules) cueEnd(d *caseDoc, s encStart, next int) int {
	text := d.c.Text
	end := min(d.sents[s.sent].End, next)
	for i := s.sent + 1; i < len(d.sents); i++ {
		t := d.sents[i]
		if t.Start >= next || strings.Contains(blankGap(text, end, t.Start), "\n\n") {
			break
		}
		q := skipSpace(text, t.Start, t.End)
		if r.endsCue(text[q:min(t.End, q+r.f.Window)]) {
			break
		}
		end = min(t.End, next)
	}
	return end
}

func (r *timelineRules) endsCue(sentence string) bool {
	for _, e := range r.f.Ends {
		if e.re.MatchString(sentence) {
			return true
		}
	}
	return false
}

// blankGap returns text[a:b] with blanks other than newlines removed, so
// that a blank line reads "\n\n".
func blankGap(text string, a, b int) string {
	if a >= b {
		return ""
	}
	g := text[a:b]
	if strings.Count(g, "\n") < 2 {
		return ""
	}
	return strings.Map(func(r rune) rune {
		if r == ' ' || r == '\t' || r == '\r' || r == '\f' {
			return -1
		}
		return r
	}, g)
}

// dateAt returns a copy of the date mention of dates spanning [a, b), or nil.
func dateAt(dates []Date, a, b int) *Date {
	i := sort.Search(len(dates), func(i int) bool { return dates[i].End > a })
	if i < len(dates) && dates[i].Start < b {
		dt := dates[i]
		return &dt
	}
	return nil
}

// hasDateIn reports whether a date mention starts in [a, b).
func hasDateIn(dates []Date, a, b int) bool {
	i := sort.Search(len(dates), func(i int) bool { return dates[i].Start >= a })
	return i < len(dates) && dates[i].Start < b
}

func isBlank(c byte) bool { return c == ' ' || c == '\t' || c == '\r' || c == '\f' || c == '\v' }

func skipBlanks(text string, p, end int) int {
	for p < end && isBlank(text[p]) {
		p++
	}
	return p
}

func skipSpace(text string, p, end int) int {
	for p < end && (isBlank(text[p]) || text[p] == '\n') {
		p++
	}
	return p
}

func onlyBlanks(text string, a, b int) bool { return skipBlanks(text, a, b) == b }

// lineStart returns the offset of the start of the line holding p.
func lineStart(text string, p int) int { return strings.LastIndexByte(text[:p], '\n') + 1 }

// paragraphStart reports whether the line starting at p begins a paragraph
// of the run starting at from: the run's first line, or after a blank line
// (or a line ending a heading of the zone).
func paragraphStart(text string, from, p int) bool {
	if p <= from {
		return true
	}
	return paragraphAfter(text, from, max(from, strings.LastIndexByte(text[:p-1], '\n')+1), p)
}

// paragraphAfter is paragraphStart with prev the start of the line before
// p (from, when that line starts before from).
func paragraphAfter(text string, from, prev, p int) bool {
	if p <= from {
		return true
	}
	return onlyBlanks(text, prev, p-1) || prev == from && strings.HasSuffix(strings.TrimRight(text[prev:p-1], " \t"), ":")
}

// trimEnd moves end back over white space, not before start.
func trimEnd(text string, start, end int) int {
	for end > start && (isBlank(text[end-1]) || text[end-1] == '\n') {
		end--
	}
	return end
}
