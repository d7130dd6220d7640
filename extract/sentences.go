package extract

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"sort"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/jdkato/prose/v3/segment"
	"github.com/precedent-dev/precedent/internal/rules"
)

//go:embed data/abbreviations.yaml
var abbreviationsYAML []byte

//go:embed data/sentences.yaml
var sentencesYAML []byte

// A Splitter splits letter text into sentences. It is safe for concurrent
// use; build one and reuse it.
//
// Sentence boundaries come from two sources. First, rules of our own cut the
// text where clinical letters start a new unit without the punctuation a
// general model expects (data/sentences.yaml): paragraph breaks (blank lines
// that are not wrap artifacts), ALL-CAPS heading lines, dated entries
// ("XX/XX/XX: Office Visit."), "Label:" headings ("Physical Exam:",
// "Plan:"), numbered list items, also when glued to the previous text
// ("blocks:1. The", "above).2. Diagnostic"), and a missing space after a
// period ("injections.Per ODG"). Second, the Punkt model of
// github.com/jdkato/prose/v3/segment splits the pieces between those cuts; its
// boundaries are dropped after the abbreviations of data/abbreviations.yaml
// ("Pt.", "approx.", "vs."; "wks." only before a lowercase word) and after a
// bare list number ("2." stays with its item).
type Splitter struct {
	seg       *segment.Segmenter
	model     *punktModel
	never     map[string]bool
	mayEnd    map[string]bool
	entry     *rules.Matcher
	listItem  *rules.Matcher
	lineLabel *rules.Matcher
	labels    []string // longest first
	// labelsBy[c] are the labels that may end with byte c, longest first:
	// with ASCII labels (EqualFold then matches ASCII text only) those
	// whose last letter is c in either case, else all of them.
	labelsBy [256][]string
	glued    []*rules.Matcher
	// scan finds the matches of entry and glued, in that order.
	scan *pairScan
}

// sentencesFile is the YAML shape of data/sentences.yaml.
type sentencesFile struct {
	Entry     rules.String   `yaml:"entry"`
	ListItem  rules.String   `yaml:"list_item"`
	LineLabel rules.String   `yaml:"line_label"`
	Glued     []rules.String `yaml:"glued"`
	Labels    []rules.String `yaml:"labels"`
}

// abbreviationsFile is the YAML shape of data/abbreviations.yaml.
type abbreviationsFile struct {
	NeverSplit []rules.String `yaml:"never_split"`
	MayEnd     []rules.String `yaml:"may_end"`
}

// NewSplitter returns a Splitter with the embedded rules
// (data/abbreviations.yaml, data/sentences.yaml). An error names the rule
// file and line of a bad entry.
func NewSplitter() (*Splitter, error) {
	return newSplitter(abbreviationsYAML, sentencesYAML)
}

func newSplitter(abbrevData, sentData []byte) (*Splitter, error) {
	const abbrFile, sentFile = "data/abbreviations.yaml", "data/sentences.yaml"
	var af abbreviationsFile
	if err := rules.Unmarshal(abbrFile, abbrevData, &af); err != nil {
		return nil, err
	}
	s := &Splitter{}
	var err error
	if s.never, err = textDataWords(abbrFile, "abbreviation", af.NeverSplit); err != nil {
		return nil, err
	}
	if s.mayEnd, err = textDataWords(abbrFile, "abbreviation", af.MayEnd); err != nil {
		return nil, err
	}
	for _, a := range append(append([]rules.String(nil), af.NeverSplit...), af.MayEnd...) {
		if !strings.HasSuffix(a.S, ".") || strings.ContainsAny(a.S, " \t") {
			return nil, &rules.Error{File: abbrFile, Line: a.Line, Reason: fmt.Sprintf("abbreviation %q must be one word ending with a period", a.S)}
		}
	}
	for _, a := range af.MayEnd {
		if s.never[a.S] {
			return nil, &rules.Error{File: abbrFile, Line: a.Line, Reason: fmt.Sprintf("abbreviation %q is in both lists", a.S)}
		}
	}

	var sf sentencesFile
	if err := rules.Unmarshal(sentFile, sentData, &sf); err != nil {
		return nil, err
	}
	compile := func(p rules.String, groups int) (*rules.Matcher, error) {
		re, err := regexp.Compile(p.S)
		switch {
		case p.S == "":
			return nil, &rules.Error{File: sentFile, Line: p.Line, Reason: "empty pattern"}
		case err != nil:
			return nil, &rules.Error{File: sentFile, Line: p.Line, Reason: fmt.Sprintf("bad pattern %q: %v", p.S, err), Err: err}
		case re.NumSubexp() != groups:
			return nil, &rules.Error{File: sentFile, Line: p.Line, Reason: fmt.Sprintf("pattern %q must have %d capture groups", p.S, groups)}
		case re.MatchString(""):
			return nil, &rules.Error{File: sentFile, Line: p.Line, Reason: fmt.Sprintf("pattern %q matches the empty string", p.S)}
		}
		return rules.NewMatcher(re), nil
	}
	if s.entry, err = compile(sf.Entry, 0); err != nil {
		return nil, err
	}
	if s.listItem, err = compile(sf.ListItem, 0); err != nil {
		return nil, err
	}
	if s.lineLabel, err = compile(sf.LineLabel, 0); err != nil {
		return nil, err
	}
	for _, g := range sf.Glued {
		re, err := compile(g, 1)
		if err != nil {
			return nil, err
		}
		s.glued = append(s.glued, re)
	}
	s.scan = newPairScan(append([]*rules.Matcher{s.entry}, s.glued...))
	if s.labels, err = checkLabels(sentFile, sf.Labels); err != nil {
		return nil, err
	}
	s.indexLabels()
	if s.model, err = loadPunktModel(); err != nil {
		return nil, fmt.Errorf("sentence model: %w", err)
	}
	s.seg = s.model.seg
	return s, nil
}

// checkLabels validates the label list and returns it longest first.
func checkLabels(file string, labels []rules.String) ([]string, error) {
	seen := map[string]bool{}
	var out []string
	for _, l := range labels {
		first, _ := utf8.DecodeRuneInString(l.S)
		switch {
		case strings.TrimSpace(l.S) != l.S || l.S == "":
			return nil, &rules.Error{File: file, Line: l.Line, Reason: fmt.Sprintf("label %q is empty or not trimmed", l.S)}
		case !unicode.IsUpper(first):
			return nil, &rules.Error{File: file, Line: l.Line, Reason: fmt.Sprintf("label %q must start with a capital", l.S)}
		case strings.HasSuffix(l.S, ":"):
			return nil, &rules.Error{File: file, Line: l.Line, Reason: fmt.Sprintf("label %q must not include the colon", l.S)}
		case seen[strings.ToLower(l.S)]:
			return nil, &rules.Error{File: file, Line: l.Line, Reason: fmt.Sprintf("duplicate label %q", l.S)}
		}
		seen[strings.ToLower(l.S)] = true
		out = append(out, l.S)
	}
	if len(out) == 0 {
		return nil, &rules.Error{File: file, Reason: "no labels"}
	}
	sort.SliceStable(out, func(i, j int) bool { return len(out[i]) > len(out[j]) })
	return out, nil
}

// indexLabels fills labelsBy from labels.
func (s *Splitter) indexLabels() {
	for _, l := range s.labels {
		for i := 0; i < len(l); i++ {
			if l[i] >= utf8.RuneSelf {
				for c := range s.labelsBy {
					s.labelsBy[c] = s.labels
				}
				return
			}
		}
	}
	for _, l := range s.labels {
		c := l[len(l)-1]
		s.labelsBy[c] = append(s.labelsBy[c], l)
		if 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' {
			c ^= 'a' - 'A' // the other case
			s.labelsBy[c] = append(s.labelsBy[c], l)
		}
	}
}

// labelBefore returns the offset of the label that ends right before the
// colon at text[colon] (one space allowed before the colon), or -1. The
// label must follow the text start, a space or a tab, and match with its
// first letter as written and the rest in any case.
func (s *Splitter) labelBefore(text string, colon int) int {
	end := colon
	if end > 0 && text[end-1] == ' ' {
		end--
	}
	if end == 0 {
		return -1
	}
	for _, l := range s.labelsBy[text[end-1]] {
		start := end - len(l)
		if start < 0 || text[start] != l[0] || !strings.EqualFold(text[start:end], l) {
			continue
		}
		if start == 0 || text[start-1] == ' ' || text[start-1] == '\t' || text[start-1] == '\n' {
			return start
		}
	}
	return -1
}

// A span is a line of text: [start, end) without the newline.
type span struct{ start, end int }

// Split returns the sentences of text, in order: byte ranges trimmed of
// surrounding white space, non-overlapping, covering every non-space byte.
func (s *Splitter) Split(text string) []Sentence {
	cuts := s.hardCuts(text)
	cuts = append(cuts, 0, len(text))
	sort.Ints(cuts)
	cuts = dedupeInts(cuts)
	// The sentence starts: the hard cuts and, between them, the model's.
	all := make([]int, 0, 2*len(cuts)+len(text)/64)
	var starts []int // softCuts' buffer
	for i := 0; i+1 < len(cuts); i++ {
		all = append(all, cuts[i])
		all, starts = s.softCuts(text, cuts[i], cuts[i+1], all, starts)
	}
	all = append(all, len(text))
	out := make([]Sentence, 0, len(all))
	for i := 0; i+1 < len(all); i++ {
		a, b := trimSpan(text, all[i], all[i+1])
		if a < b {
			out = append(out, Sentence{Start: a, End: b})
		}
	}
	return out
}

// hardCuts returns offsets where a sentence must start, from the line and
// pattern rules.
func (s *Splitter) hardCuts(text string) []int {
	// A line is trimmed of white space: text[start:end]; n is its rune
	// count (0: blank).
	type line struct{ start, end, n int }
	lines := make([]line, 0, strings.Count(text, "\n")+1)
	var lens lineLengths
	for start := 0; start <= len(text); {
		end := strings.IndexByte(text[start:], '\n')
		if end < 0 {
			end = len(text)
		} else {
			end += start
		}
		a, b := trimSpan(text, start, end)
		n := runeCount(text[a:b])
		lines = append(lines, line{a, b, n})
		if n > 0 {
			lens.add(n)
		}
		start = end + 1
	}
	// width is the text width: the 90th percentile of line lengths (a few
	// joined lines are longer). long reports whether a line of n runes
	// fills most of it, so that a paragraph break after it, without final
	// punctuation, is a wrap artifact.
	width := 0
	if lens.n > 0 {
		width = lens.nth((lens.n - 1) * 9 / 10)
	}
	long := func(n int) bool {
		return width >= 40 && 4*n >= 3*width
	}

	var cuts []int
	prev := ""     // previous non-blank line, trimmed
	prevN := 0     // its rune count
	pcaps := false // it is a heading line
	blank := false // a blank line since prev
	first := true  // no non-blank line yet
	for _, ln := range lines {
		if ln.n == 0 {
			blank = true
			continue
		}
		t := text[ln.start:ln.end]
		at := ln.start
		cut := first
		caps := isHeadingLine(t)
		// A line starting with an entry date is cut below, with the entry
		// dates found anywhere.
		if !first {
			finished := endsFinished(prev)
			switch {
			case blank && (finished || !long(prevN)):
				cut = true
			case caps != pcaps:
				cut = true
			case caps && pcaps && finished:
				cut = true
			case s.listItem.MatchString(t):
				cut = true
			case !(caps && pcaps) && (finished || !long(prevN)) && s.lineLabel.MatchString(t):
				// The line tests first: the label regexp is the dearer test.
				cut = true
			}
		}
		if cut {
			cuts = append(cuts, at)
		}
		prev, prevN, pcaps, blank, first = t, ln.n, caps, false, false
	}

	found := s.scan.findAll(text)
	for _, m := range found[0] {
		if r, _ := utf8.DecodeLastRuneInString(text[:m[0]]); m[0] == 0 || isSpaceRune(r) {
			cuts = append(cuts, m[0])
		}
	}
	// Labels end with a colon: compare the text before each colon with the
	// labels (a regexp alternation over the whole text costs 5x more).
	for off := 0; ; {
		i := strings.IndexByte(text[off:], ':')
		if i < 0 {
			break
		}
		i += off
		off = i + 1
		if r, _ := utf8.DecodeRuneInString(text[i+1:]); i+1 < len(text) && !unicode.IsSpace(r) {
			continue
		}
		if at := s.labelBefore(text, i); at >= 0 {
			cuts = append(cuts, at)
		}
	}
	for _, ms := range found[1:] {
		for _, m := range ms {
			if s.abbreviationBefore(text, m[2]) {
				continue
			}
			cuts = append(cuts, m[2])
		}
	}
	return cuts
}

// lineLengths is a multiset of line lengths: a count of each length below
// 256, the longer ones as they come (a sort of all lengths cost about 20,000
// instructions of the IRO seed's Split).
type lineLengths struct {
	n     int
	count [256]int
	long  []int
}

func (l *lineLengths) add(n int) {
	l.n++
	if n < len(l.count) {
		l.count[n]++
	} else {
		l.long = append(l.long, n)
	}
}

// nth returns the length at index k (0 <= k < l.n) of the sorted lengths.
func (l *lineLengths) nth(k int) int {
	for n, c := range l.count {
		if k < c {
			return n
		}
		k -= c
	}
	slices.Sort(l.long)
	return l.long[k]
}

// abbreviationBefore reports whether the word ending right before offset i
// (with its period) is a never-split abbreviation ("approx.The").
func (s *Splitter) abbreviationBefore(text string, i int) bool {
	return hasLower(s.never, trimOpeners(text[lastWordStart(text[:i]):i]))
}

var (
	reEnumeratorOnly  = regexp.MustCompile(`^\(?[0-9]{1,2}[.)]$`)
	reTrailingEnum    = rules.NewMatcher(regexp.MustCompile(`[.!?]\s+(\(?[0-9]{1,2}\.)$`)) // runs only on text ending with "."
	reCitationOnly    = regexp.MustCompile(`^\([^()]*\)[.,;]?$`)
	reLeadingCitation = regexp.MustCompile(`^\([^().!?]*\)[ \t]*`)
)

// maxEnumeratorOnly is the longest match of reEnumeratorOnly ("(12)").
const maxEnumeratorOnly = 4

// leadingCitation is reLeadingCitation.FindStringIndex(s); a match starts
// with "(".
func leadingCitation(s string) []int {
	if !strings.HasPrefix(s, "(") {
		return nil
	}
	return reLeadingCitation.FindStringIndex(s)
}

// trailingEnum is reTrailingEnum.FindStringSubmatchIndex(s); a match ends
// with a digit and a period.
func trailingEnum(s string) []int {
	if n := len(s); n < 2 || s[n-1] != '.' || !isDigitByte(s[n-2]) {
		return nil
	}
	return reTrailingEnum.FindStringSubmatchIndex(s)
}

// softCuts runs the Punkt model on text[from:to] and appends to cuts the
// sentence starts it finds (absolute offsets, after from), minus the ones
// our abbreviation and list rules veto. starts is a buffer for the
// model's starts, returned for the next call.
func (s *Splitter) softCuts(text string, from, to int, cuts, starts []int) ([]int, []int) {
	chunk := text[from:to]
	// The Punkt model breaks only after a token holding . ? or !.
	first := firstPunct(chunk)
	if first < 0 {
		return cuts, starts
	}
	// Punkt breaks only after a whitespace-separated token holding . ? or
	// !, at the token's end. When every such character is in the last
	// token, the only possible break leaves nothing but white space after
	// it, so the model returns one sentence: skip it.
	if punctOnlyInLastWord(chunk, first) {
		return cuts, starts
	}
	// A break right after a bare list number that starts the chunk ("1."
	// | "Prior fusion") is vetoed below: the model need not decide it.
	leadStart := skipSpace(chunk, 0)
	leadEnd, _ := wordEnd(chunk, leadStart)
	lead := chunk[leadStart:leadEnd]
	leadVetoed := len(lead) <= maxEnumeratorOnly && reEnumeratorOnly.MatchString(lead)
	starts = s.model.starts(chunk, starts[:0], leadVetoed)
	segStart := from
	for i := 1; i < len(starts); i++ {
		b := from + starts[i]
		if b <= segStart || b >= to {
			continue
		}
		left := strings.TrimSpace(text[segStart:b])
		right := text[b:to]
		// The last word and its part after a slash ("2x/wk." -> "wk."),
		// looked up lowercased.
		last := trimOpeners(left[lastWordStart(left):])
		unit := last[strings.LastIndexByte(last, '/')+1:]
		// Every abbreviation ends with a period (checked at load).
		abbr := func(set map[string]bool) bool {
			return strings.HasSuffix(last, ".") && (hasLower(set, last) || len(unit) < len(last) && hasLower(set, unit))
		}
		r, _ := utf8.DecodeRuneInString(right)
		switch {
		case abbr(s.never):
			continue
		case !unicode.IsUpper(r) && abbr(s.mayEnd):
			continue
		case len(left) <= maxEnumeratorOnly && reEnumeratorOnly.MatchString(left):
			continue
		}
		if m := leadingCitation(right); m != nil && b+m[1] < to {
			// "fluoroscopy." | "(Hansen, 2003) A response": the citation
			// belongs to the sentence before.
			b += m[1]
		}
		next := to
		if i+1 < len(starts) {
			next = from + starts[i+1]
		}
		if t := strings.TrimSpace(text[b:max(b, next)]); strings.HasPrefix(t, "(") && reCitationOnly.MatchString(t) {
			continue // "fluoroscopy. (Hansen, 2003)" stays one sentence
		}
		if m := trailingEnum(left); m != nil {
			// "level. 2." | "On the flexion view": the number starts the item.
			b = segStart + strings.Index(text[segStart:], left) + m[2]
			if b <= segStart {
				continue
			}
		}
		cuts = append(cuts, b)
		segStart = b
	}
	return cuts, starts
}

// firstPunct is strings.IndexAny(chunk, ".?!"), by strings.IndexByte (an
// IndexAny of three bytes tests byte by byte: 90,000 instructions of the
// IRO seed's Split).
func firstPunct(chunk string) int {
	p := len(chunk)
	for k := range len(punctBytes) {
		if i := strings.IndexByte(chunk[:p], punctBytes[k]); i >= 0 {
			p = i
		}
	}
	if p == len(chunk) {
		return -1
	}
	return p
}

// punctOnlyInLastWord reports whether every . ? and ! of chunk is in its
// last whitespace-separated word; first is the first of them.
func punctOnlyInLastWord(chunk string, first int) bool {
	_, end := trimSpan(chunk, first, len(chunk))
	return lastWordStart(chunk[first:end]) == 0 // no white space
}

// endsFinished reports whether line l ends like a sentence, heading or
// label: its last character, closing quotes and brackets aside, is one of
// . ! ? : ;
func endsFinished(l string) bool {
	for len(l) > 0 {
		switch c := l[len(l)-1]; {
		case c == '"' || c == '\'' || c == ')' || c == ']' || c == '}':
			l = l[:len(l)-1]
		case strings.HasSuffix(l, "’") || strings.HasSuffix(l, "”"):
			l = l[:len(l)-len("’")]
		default:
			return c == '.' || c == '!' || c == '?' || c == ':' || c == ';'
		}
	}
	return false
}

// isHeadingLine reports whether l is an ALL-CAPS line: at least four
// letters, none lowercase.
func isHeadingLine(l string) bool {
	letters := 0
	for i := 0; i < len(l); {
		if c := l[i]; c < utf8.RuneSelf {
			switch {
			case 'a' <= c && c <= 'z':
				return false
			case 'A' <= c && c <= 'Z':
				letters++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(l[i:])
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsLetter(r) {
			letters++
		}
		i += size
	}
	return letters >= 4
}

// lastWordStart is strings.LastIndexFunc(s, unicode.IsSpace)+1: where the
// last word of s starts, or 0. After a space of several bytes (U+00A0)
// that is one byte into the space, as Split has always read it (kept for
// identical output: such a word is then no abbreviation).
func lastWordStart(s string) int {
	i := len(s)
	for i > 0 {
		if c := s[i-1]; c < utf8.RuneSelf {
			if asciiSpace[c] {
				break
			}
			i--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(s[:i])
		if unicode.IsSpace(r) {
			return i - size + 1
		}
		i -= size
	}
	return i
}

// trimOpeners is strings.TrimLeft(w, `(["'“‘`): w without its opening
// brackets and quotes.
func trimOpeners(w string) string {
	for len(w) > 0 {
		switch c := w[0]; {
		case c == '(' || c == '[' || c == '"' || c == '\'':
			w = w[1:]
		case strings.HasPrefix(w, "“") || strings.HasPrefix(w, "‘"):
			w = w[len("“"):]
		default:
			return w
		}
	}
	return w
}

// asciiSpace holds the ASCII bytes unicode.IsSpace reports.
var asciiSpace = [utf8.RuneSelf]bool{'\t': true, '\n': true, '\v': true, '\f': true, '\r': true, ' ': true}

// runeCount is utf8.RuneCountInString(s), eight bytes at a time while s
// is ASCII.
func runeCount(s string) int {
	const hi = 0x8080808080808080
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := s[i : i+8] // eight bytes: no bounds checks, one 64-bit load
		x := uint64(w[0]) | uint64(w[1])<<8 | uint64(w[2])<<16 | uint64(w[3])<<24 |
			uint64(w[4])<<32 | uint64(w[5])<<40 | uint64(w[6])<<48 | uint64(w[7])<<56
		if x&hi != 0 {
			break
		}
	}
	return i + utf8.RuneCountInString(s[i:])
}

// trimSpan trims white space from both ends of text[a:b].
func trimSpan(text string, a, b int) (int, int) {
	for a < b {
		if c := text[a]; c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			a++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[a:b])
		if !unicode.IsSpace(r) {
			break
		}
		a += size
	}
	for b > a {
		if c := text[b-1]; c < utf8.RuneSelf {
			if !asciiSpace[c] {
				break
			}
			b--
			continue
		}
		r, size := utf8.DecodeLastRuneInString(text[a:b])
		if !unicode.IsSpace(r) {
			break
		}
		b -= size
	}
	return a, b
}

// dedupeInts removes adjacent duplicates from a sorted slice.
func dedupeInts(xs []int) []int {
	out := xs[:0]
	for i, x := range xs {
		if i == 0 || x != xs[i-1] {
			out = append(out, x)
		}
	}
	return out
}
