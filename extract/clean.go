package extract

import (
	_ "embed"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/precedent-dev/precedent/internal/rules"
	"golang.org/x/text/unicode/norm"
)

//go:embed data/clean.yaml
var cleanYAML []byte

// cleanRules is the rule set Normalize uses, loaded once from the embedded
// data/clean.yaml. The file is part of the binary and covered by tests, so a
// bad file is a programming error: loading panics at init.
var cleanRules = mustLoadCleanRules()

// A cleanRuleSet holds the compiled data of data/clean.yaml.
type cleanRuleSet struct {
	pageLines     []pageLineRule
	compounds     map[string]bool
	prefixes      map[string]bool
	continuations map[string]bool
}

// A pageLineRule recognizes a page-number line.
type pageLineRule struct {
	re       *rules.Matcher
	anywhere bool
}

// cleanFile is the YAML shape of data/clean.yaml.
type cleanFile struct {
	PageLines []struct {
		Pattern  rules.String `yaml:"pattern"`
		Anywhere bool         `yaml:"anywhere"`
	} `yaml:"page_lines"`
	HyphenCompounds   []rules.String `yaml:"hyphen_compounds"`
	HyphenPrefixes    []rules.String `yaml:"hyphen_prefixes"`
	ContinuationWords []rules.String `yaml:"continuation_words"`
}

// textDataWords validates a list of lowercase words and returns it as a set.
func textDataWords(file, what string, list []rules.String) (map[string]bool, error) {
	set := make(map[string]bool, len(list))
	for _, w := range list {
		switch {
		case strings.TrimSpace(w.S) == "":
			return nil, &rules.Error{File: file, Line: w.Line, Reason: "empty " + what}
		case w.S != strings.ToLower(strings.TrimSpace(w.S)):
			return nil, &rules.Error{File: file, Line: w.Line, Reason: fmt.Sprintf("%s %q must be lowercase and trimmed", what, w.S)}
		case set[w.S]:
			return nil, &rules.Error{File: file, Line: w.Line, Reason: fmt.Sprintf("duplicate %s %q", what, w.S)}
		}
		set[w.S] = true
	}
	return set, nil
}

// loadCleanRules decodes and validates a clean.yaml file.
func loadCleanRules(file string, data []byte) (*cleanRuleSet, error) {
	var f cleanFile
	if err := rules.Unmarshal(file, data, &f); err != nil {
		return nil, err
	}
	rs := &cleanRuleSet{}
	for _, p := range f.PageLines {
		re, err := regexp.Compile(p.Pattern.S)
		if err != nil || p.Pattern.S == "" {
			return nil, &rules.Error{File: file, Line: p.Pattern.Line, Reason: fmt.Sprintf("bad pattern %q: %v", p.Pattern.S, err), Err: err}
		}
		if re.MatchString("") {
			return nil, &rules.Error{File: file, Line: p.Pattern.Line, Reason: fmt.Sprintf("pattern %q matches an empty line", p.Pattern.S)}
		}
		rs.pageLines = append(rs.pageLines, pageLineRule{re: rules.NewMatcher(re), anywhere: p.Anywhere})
	}
	var err error
	if rs.compounds, err = textDataWords(file, "hyphen compound", f.HyphenCompounds); err != nil {
		return nil, err
	}
	for _, c := range f.HyphenCompounds {
		if !strings.Contains(c.S, "-") {
			return nil, &rules.Error{File: file, Line: c.Line, Reason: fmt.Sprintf("hyphen compound %q has no hyphen", c.S)}
		}
	}
	if rs.prefixes, err = textDataWords(file, "hyphen prefix", f.HyphenPrefixes); err != nil {
		return nil, err
	}
	if rs.continuations, err = textDataWords(file, "continuation word", f.ContinuationWords); err != nil {
		return nil, err
	}
	return rs, nil
}

func mustLoadCleanRules() *cleanRuleSet {
	rs, err := loadCleanRules("data/clean.yaml", cleanYAML)
	if err != nil {
		panic(err)
	}
	return rs
}

// Normalize turns raw text (pages separated by form feeds) into the record's
// text and returns the byte offset where each page starts.
//
// The result is stable (the same input gives the same bytes) and, for text
// without form feeds, idempotent: Normalize(Normalize(x)) == Normalize(x).
// Invalid UTF-8 becomes U+FFFD. The rules, applied in this order:
//
//   - characters: CRLF and CR become LF; no-break and other Unicode spaces and
//     tabs become spaces; control characters, zero-width characters and soft
//     hyphens are dropped; the ligatures ﬀ ﬁ ﬂ ﬃ ﬄ ﬅ ﬆ are spelled out; the
//     text is put in NFC. Checkbox glyphs (☒ ☐ ■ □) and curly quotes are
//     kept as they are.
//   - lines: runs of spaces become one space; lines are trimmed.
//   - page artifacts (inputs with two or more non-empty pages): a line that
//     repeats, digits aside, at the same place among the first or last two
//     lines of more than half of the pages (and at least two) is a running
//     header or footer and is dropped, if it is at most 70 characters long
//     and does not end with . ! ? or :; so are page-number lines (data/clean.yaml page_lines, or a
//     bare number equal to the page number) among the first or last two lines
//     of a page. "Page N of M" lines are dropped anywhere.
//   - hyphenation: a line ending in a letter or digit and a hyphen, followed
//     (across blank lines and page breaks) by a line starting with a letter
//     or digit, is joined with the first word of that line. The hyphen is
//     kept when that word starts with a capital or a digit ("L5-\nS1" →
//     "L5-S1", "anti-\nTNF" → "anti-TNF"), when the part before it ends in a
//     digit, when the compound is listed in data/clean.yaml (hyphen_compounds,
//     hyphen_prefixes) or when the document spells the same compound with a
//     hyphen elsewhere; otherwise it is dropped ("non-\n\ninflammatory" →
//     "noninflammatory").
//   - blank lines: a run of blank lines (and page breaks) between two lines
//     is dropped when the first line does not end a sentence (its last
//     character, closing quotes and brackets aside, is not . ! ?) and the next
//     line starts with a lowercase letter; when the first line ends with a
//     continuation word (data/clean.yaml continuation_words: "a", "the",
//     "of", ...); and when it ends with a glued list number ("blocks:1.").
//     Otherwise it becomes one empty line (a paragraph break).
//   - page breaks: a form feed becomes a line break.
//
// pageStarts has one entry per form-feed-separated page of raw: the offset of
// the first byte in text that comes from that page (len(text) if none does).
// It is sorted and in [0, len(text)]. Text without form feeds gives [0].
func Normalize(raw string) (text string, pageStarts []int) {
	pages := strings.Split(raw, "\f")
	lines := make([]cleanLine, 0, strings.Count(raw, "\n")+len(pages))
	for p, pg := range pages {
		pg = cleanChars(pg)
		// dbl is the next run of two spaces at or after the current line
		// (-1: none left): only its line needs foldSpaces, the others
		// are trimmed (one search of the page, not one per line).
		dbl := strings.Index(pg, "  ")
		for start := 0; ; {
			end := strings.IndexByte(pg[start:], '\n')
			if end < 0 {
				end = len(pg)
			} else {
				end += start
			}
			if dbl >= 0 && dbl < start {
				if dbl = strings.Index(pg[start:], "  "); dbl >= 0 {
					dbl += start
				}
			}
			l := pg[start:end]
			if dbl >= 0 && dbl+2 <= end {
				l = foldSpaces(l)
			} else {
				l = strings.TrimSpace(l)
			}
			lines = append(lines, cleanLine{text: l, page: p})
			if end == len(pg) {
				break
			}
			start = end + 1
		}
	}
	dropPageArtifacts(lines, len(pages))
	// A join may leave "Page 2 of 5" alone on a line; the lines it did not
	// change were looked at already.
	for _, i := range joinHyphenated(lines) {
		dropPageLineAnywhere(&lines[i])
	}
	return assembleLines(lines, len(pages))
}

// A cleanLine is one line of the input during normalization.
type cleanLine struct {
	text string
	page int
	drop bool // removed (artifact, or emptied by a hyphen join)
	glue bool // blank line to remove (wrap artifact between joined parts)
}

func (l *cleanLine) blank() bool { return l.text == "" }

// ligatures maps typographic ligatures (PDF text) to their letters.
var ligatures = map[rune]string{
	'ﬀ': "ff", 'ﬁ': "fi", 'ﬂ': "fl", 'ﬃ': "ffi", 'ﬄ': "ffl", 'ﬅ': "st", 'ﬆ': "st",
}

// cleanChars applies the character rules of Normalize to one page.
func cleanChars(s string) string {
	if plainASCII(s) {
		return s // nothing to change, and ASCII is NFC
	}
	if !utf8.ValidString(s) { // ToValidUTF8 checks rune by rune
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = normalizeNewlines(s)
	// Most pages need no change but NFC: copy only from the first rune
	// that changes. nfc stays true while every rune outside ASCII met is
	// one NFC leaves alone (nfcInert): then so does the page, and the
	// NFC pass (a third of Normalize on a letter with a few curly
	// apostrophes) is skipped.
	nfc := true
	i := 0
	for {
		j := textEnd(s, i)
		if j == len(s) {
			if nfc {
				return s
			}
			return norm.NFC.String(s)
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if _, keep := cleanRune(r); !keep {
			break
		}
		nfc = nfc && nfcInert(s[j:j+size])
		i = j + size
	}
	var b strings.Builder
	b.Grow(len(s))
	b.WriteString(s[:i])
	for i < len(s) {
		j := textEnd(s, i)
		b.WriteString(s[i:j]) // printable ASCII, spaces and line feeds stay
		if j == len(s) {
			break
		}
		r, size := utf8.DecodeRuneInString(s[j:])
		if repl, keep := cleanRune(r); keep {
			b.WriteString(s[j : j+size])
			nfc = nfc && nfcInert(s[j:j+size])
		} else {
			b.WriteString(repl) // ASCII
		}
		i = j + size
	}
	if nfc {
		return b.String()
	}
	return norm.NFC.String(b.String())
}

// nfcInert reports whether the rune r (one rune outside ASCII, valid
// UTF-8) leaves NFC alone wherever it stands among ASCII and other such
// runes: it is in NFC itself and starts a normalization segment (combining
// class 0, combines with nothing before it). An ASCII byte starts a segment
// too, and NFC works segment by segment, so a text of ASCII and such runes
// is in NFC. A rune that may combine with what follows (a base letter) is
// fine: what follows is ASCII or another such rune, which starts a new
// segment.
func nfcInert(r string) bool {
	return norm.NFC.PropertiesString(r).BoundaryBefore() && norm.NFC.IsNormalString(r)
}

// cleanRune returns what cleanChars writes for r, a rune other than
// printable ASCII: r itself (keep), or repl.
func cleanRune(r rune) (repl string, keep bool) {
	switch {
	case r == '\n':
		return "", true
	case r == '\v', r == '\u0085', r == '\u2028', r == '\u2029':
		return "\n", false
	case r == '\u00AD', r == '\u200B', r == '\u200C', r == '\u200D', r == '\u2060', r == '\uFEFF':
		return "", false // soft hyphen and zero-width characters: dropped
	case unicode.IsSpace(r):
		return " ", false
	case unicode.IsControl(r):
		return "", false // dropped
	case 0xFB00 <= r && r <= 0xFB06 && ligatures[r] != "":
		return ligatures[r], false
	}
	return "", true
}

// plainASCII reports whether s holds only printable ASCII, spaces and \n.
func plainASCII(s string) bool { return textEnd(s, 0) == len(s) }

// foldSpaces trims l and folds runs of spaces to one.
func foldSpaces(l string) string {
	l = strings.TrimSpace(l)
	i := strings.Index(l, "  ")
	if i < 0 {
		return l
	}
	var b strings.Builder
	b.Grow(len(l))
	for ; i >= 0; i = strings.Index(l, "  ") {
		b.WriteString(l[:i+1]) // up to the first space of the run
		l = strings.TrimLeft(l[i+1:], " ")
	}
	b.WriteString(l)
	return b.String()
}

var reDigits = regexp.MustCompile(`[0-9]+`)

// dropPageArtifacts marks running headers/footers and page numbers.
func dropPageArtifacts(lines []cleanLine, npages int) {
	dropPageLinesAnywhere(lines)
	if npages < 2 {
		return // one page: no running lines (they need two non-empty pages, below)
	}
	// edges[p] lists, for page p, the indices of its first two and last two
	// kept non-blank lines, with their position ("t0", "t1", "b0", "b1").
	type edge struct {
		idx int
		pos string
	}
	edges := make([][]edge, npages)
	byPage := make([][]int, npages)
	for i := range lines {
		if !lines[i].drop && !lines[i].blank() {
			byPage[lines[i].page] = append(byPage[lines[i].page], i)
		}
	}
	nonEmpty := 0
	for p, idx := range byPage {
		if len(idx) == 0 {
			continue
		}
		nonEmpty++
		for k := 0; k < 2 && k < len(idx); k++ {
			edges[p] = append(edges[p], edge{idx[k], "t" + strconv.Itoa(k)})
		}
		for k := 0; k < 2 && k < len(idx); k++ {
			edges[p] = append(edges[p], edge{idx[len(idx)-1-k], "b" + strconv.Itoa(k)})
		}
	}
	if nonEmpty < 2 {
		return
	}
	key := func(e edge) string {
		return e.pos + "|" + strings.ToLower(reDigits.ReplaceAllString(lines[e.idx].text, "#"))
	}
	count := map[string]int{}
	for _, es := range edges {
		seen := map[string]bool{}
		for _, e := range es {
			if k := key(e); !seen[k] && mayBeRunningLine(lines[e.idx].text) {
				seen[k] = true
				count[k]++
			}
		}
	}
	for p, es := range edges {
		for _, e := range es {
			l := &lines[e.idx]
			if c := count[key(e)]; c >= 2 && 2*c > nonEmpty {
				l.drop = true
				continue
			}
			if l.text == strconv.Itoa(p+1) {
				l.drop = true
				continue
			}
			for _, r := range cleanRules.pageLines {
				if r.re.MatchString(l.text) {
					l.drop = true
				}
			}
		}
	}
}

// mayBeRunningLine reports whether a page-edge line may be a running header
// or footer: short, and not ending like a sentence or a heading. Letters end
// several pages with the same sentence ("the request is not medically
// necessary."), which must never be taken for a footer.
func mayBeRunningLine(s string) bool {
	if utf8.RuneCountInString(s) > 70 {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	return !strings.ContainsRune(".!?:", last)
}

// dropPageLinesAnywhere marks the page-number lines that are dropped
// wherever they are ("Page 2 of 5").
func dropPageLinesAnywhere(lines []cleanLine) {
	for i := range lines {
		dropPageLineAnywhere(&lines[i])
	}
}

// dropPageLineAnywhere marks l if it is a page-number line dropped
// wherever it is.
func dropPageLineAnywhere(l *cleanLine) {
	if l.text == "" {
		return // no rule matches an empty line (loadCleanRules)
	}
	for _, r := range cleanRules.pageLines {
		if r.anywhere && r.re.MatchString(l.text) {
			l.drop = true
		}
	}
}

// joinHyphenated joins words broken by a hyphen at the end of a line. It
// returns the indexes of the lines whose text it changed.
func joinHyphenated(lines []cleanLine) (changed []int) {
	pairs := &docPairs{lines: lines} // hyphenated word pairs of the document
	for i := range lines {
		l := &lines[i]
		if l.drop || !endsWithWordHyphen(l.text) {
			continue
		}
		j := nextContent(lines, i+1)
		marked := i + 1 // lines before marked are already glued
		for j >= 0 && endsWithWordHyphen(l.text) {
			m := &lines[j]
			first, _ := utf8.DecodeRuneInString(m.text)
			if !unicode.IsLetter(first) && !unicode.IsDigit(first) {
				break
			}
			pairs.save(i)
			pairs.save(j)
			word, rest, _ := strings.Cut(m.text, " ")
			left := l.text[strings.LastIndexByte(l.text, ' ')+1 : len(l.text)-1]
			if keepHyphen(left, word, pairs) {
				l.text += word
			} else {
				l.text = l.text[:len(l.text)-1] + word
			}
			for ; marked < j; marked++ {
				if lines[marked].blank() {
					lines[marked].glue = true
				}
			}
			m.text = rest
			changed = append(changed, i, j)
			if rest == "" {
				m.drop = true
				j = nextContent(lines, j+1)
			}
		}
	}
	return changed
}

// docPairs are the document's hyphenated word pairs (hyphenPairs) as its
// lines were before the first join. Most documents never need them (a
// capital, a digit or the compound lists decide first), so they are found
// on the first question (has), from the lines as they are then with the
// lines joins changed put back as they were (save).
type docPairs struct {
	lines []cleanLine
	saved []savedLine
	asked int             // questions answered by a search of the lines
	pairs map[string]bool // nil: not computed yet
}

// pairSearches is how many questions docPairs answers by looking for the
// pair in the lines (no allocation) before it lists every pair in a map:
// most documents ask once or twice (the IRO seed: listing its pairs was
// 70,000 instructions, one search 10,000).
const pairSearches = 4

type savedLine struct {
	idx  int
	line cleanLine
}

// save keeps line k as it was before the first join, before a join
// changes it.
func (d *docPairs) save(k int) {
	if d.pairs != nil || d.isSaved(k) {
		return
	}
	d.saved = append(d.saved, savedLine{k, d.lines[k]})
}

// isSaved reports whether a join changed line k.
func (d *docPairs) isSaved(k int) bool {
	for _, s := range d.saved {
		if s.idx == k {
			return true
		}
	}
	return false
}

// has reports whether the document had the pair key (lowercase) before
// the first join.
func (d *docPairs) has(key string) bool {
	if d.pairs == nil && d.asked < pairSearches {
		d.asked++
		in := func(l *cleanLine) bool {
			return !l.drop && strings.IndexByte(l.text, '-') >= 0 && !eachPair(l.text, func(p string) bool { return !lowerIs(p, key) })
		}
		for k := range d.lines {
			if in(&d.lines[k]) && !d.isSaved(k) {
				return true
			}
		}
		for k := range d.saved {
			if in(&d.saved[k].line) {
				return true
			}
		}
		return false
	}
	if d.pairs == nil {
		lines := d.lines
		if len(d.saved) > 0 {
			lines = slices.Clone(lines)
			for _, s := range d.saved {
				lines[s.idx] = s.line
			}
		}
		d.pairs = hyphenPairs(lines)
	}
	return d.pairs[key]
}

func isLetterDigit(r rune) bool {
	if r < utf8.RuneSelf {
		return 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z' || '0' <= r && r <= '9'
	}
	return unicode.IsLetter(r) || unicode.In(r, unicode.N)
}

// runStart returns the start of the run of letters and digits ending at i.
func runStart(s string, i int) int {
	for i > 0 {
		if c := s[i-1]; c < utf8.RuneSelf {
			if !isLetterDigit(rune(c)) {
				break
			}
			i--
			continue
		}
		r, w := utf8.DecodeLastRuneInString(s[:i])
		if !isLetterDigit(r) {
			break
		}
		i -= w
	}
	return i
}

// runEnd returns the end of the run of letters and digits starting at i.
func runEnd(s string, i int) int {
	for i < len(s) {
		if c := s[i]; c < utf8.RuneSelf {
			if !isLetterDigit(rune(c)) {
				break
			}
			i++
			continue
		}
		r, w := utf8.DecodeRuneInString(s[i:])
		if !isLetterDigit(r) {
			break
		}
		i += w
	}
	return i
}

// hyphenPairs returns the lowercased "a-b" pairs of the hyphenated words
// written on one line in the document ("anti-non-steroidal" gives "anti-non"
// and "non-steroidal").
func hyphenPairs(lines []cleanLine) map[string]bool {
	pairs := map[string]bool{}
	for _, l := range lines {
		if l.drop || !strings.Contains(l.text, "-") {
			continue
		}
		linePairs(l.text, pairs)
	}
	return pairs
}

// linePairs adds to pairs the lowercased pairs of adjacent parts of the
// hyphenated words of s (valid UTF-8), the matches of regexp
// `[\pL\pN]+(?:-[\pL\pN]+)+`: a maximal run of letters and digits, then one
// or more "-" and a run. Each hyphen between a letter or digit and a letter
// or digit joins two parts: the runs on either side of it. Lowercasing
// keeps a rune a letter or digit or not (TestLowerKeepsLetterDigit), so
// these are the pairs of strings.ToLower(s).
func linePairs(s string, pairs map[string]bool) {
	eachPair(s, func(p string) bool {
		pairs[strings.ToLower(p)] = true
		return true
	})
}

// eachPair calls fn with each pair of adjacent parts of the hyphenated
// words of s, as written (see linePairs), while fn returns true. It
// reports whether it saw them all.
func eachPair(s string, fn func(pair string) bool) bool {
	for off := 0; ; {
		h := strings.IndexByte(s[off:], '-')
		if h < 0 {
			return true
		}
		h += off
		off = h + 1
		if r, _ := utf8.DecodeRuneInString(s[h+1:]); h+1 == len(s) || !isLetterDigit(r) {
			continue
		}
		if start := runStart(s, h); start < h && !fn(s[start:runEnd(s, h+1)]) {
			return false
		}
	}
}

// lowerIs reports whether strings.ToLower(s) == lower, without allocating
// when s is ASCII.
func lowerIs(s, lower string) bool {
	if len(s) != len(lower) {
		// ToLower keeps the length of ASCII; outside it, ask it.
		return textEnd(s, 0) < len(s) && strings.ToLower(s) == lower
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= utf8.RuneSelf {
			return strings.ToLower(s) == lower
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// endsWithWordHyphen reports whether s ends with a letter or digit followed
// by a hyphen.
func endsWithWordHyphen(s string) bool {
	if !strings.HasSuffix(s, "-") {
		return false
	}
	r, _ := utf8.DecodeLastRuneInString(s[:len(s)-1])
	return unicode.IsLetter(r) || unicode.IsDigit(r)
}

// nextContent returns the index of the first kept non-blank line at or
// after i, or -1.
func nextContent(lines []cleanLine, i int) int {
	for ; i < len(lines); i++ {
		if !lines[i].drop && !lines[i].blank() {
			return i
		}
	}
	return -1
}

// keepHyphen decides whether the line-final hyphen between left (the word
// part before it, with any leading punctuation) and word (the first word of
// the next line) is a true hyphen. pairs holds the document's hyphenated
// word pairs (see hyphenPairs).
func keepHyphen(left, word string, pairs *docPairs) bool {
	first, _ := utf8.DecodeRuneInString(word)
	if !unicode.IsLower(first) {
		return true // "L5-S1", "anti-TNF", "4-6"
	}
	if r, _ := utf8.DecodeLastRuneInString(left); unicode.IsDigit(r) {
		return true // "360-degree"
	}
	l := strings.ToLower(strings.TrimLeftFunc(left, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
	if i := strings.LastIndexByte(l, '-'); i >= 0 {
		l = l[i+1:] // "non-" of "anti-non-" (rare): judge the last part
	}
	w := strings.ToLower(strings.TrimRightFunc(word, func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) }))
	if l == "" || w == "" {
		return true
	}
	if cleanRules.compounds[l+"-"+w] || cleanRules.prefixes[l] {
		return true
	}
	return pairs.has(l + "-" + w)
}

// gluedEnumerator reports whether a ends with a list number glued to the
// text before it ("blocks:1.", "above)2.", "injections.3."): the regexp
// `(?:[:)]|[a-z]\.)[0-9]{1,2}\.$`, by hand (it ran on every line before a
// blank line; TestGluedEnumerator compares the two).
func gluedEnumerator(a string) bool {
	n := len(a)
	if n < 3 || a[n-1] != '.' {
		return false
	}
	d := n - 1 // start of the digits before the final dot
	for d > 0 && n-1-d < 3 && '0' <= a[d-1] && a[d-1] <= '9' {
		d--
	}
	if k := n - 1 - d; k < 1 || k > 2 || d == 0 {
		return false // no digits, or three and more (no [:)] or [a-z]. can come before the last two)
	}
	switch c := a[d-1]; {
	case c == ':' || c == ')':
		return true
	case c == '.':
		return d >= 2 && 'a' <= a[d-2] && a[d-2] <= 'z'
	}
	return false
}

// joinsAcrossBlank reports whether a run of blank lines between lines a and
// b is a wrap artifact to remove.
func joinsAcrossBlank(a, b string) bool {
	if gluedEnumerator(a) {
		return true
	}
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(a, `"')]}’”`))
	ends := last == '.' || last == '!' || last == '?'
	first, _ := utf8.DecodeRuneInString(b)
	if !ends && unicode.IsLower(first) {
		return true
	}
	lastWord := a[strings.LastIndexByte(a, ' ')+1:]
	return hasLower(cleanRules.continuations, lastWord)
}

// hasLower reports whether set holds strings.ToLower(w), without
// allocating for a short ASCII w.
func hasLower(set map[string]bool, w string) bool {
	var buf [32]byte
	if len(w) > len(buf) {
		return set[strings.ToLower(w)]
	}
	for i := 0; i < len(w); i++ {
		c := w[i]
		if c >= utf8.RuneSelf {
			return set[strings.ToLower(w)]
		}
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf[i] = c
	}
	return set[string(buf[:len(w)])]
}

// assembleLines writes the kept lines and computes page starts.
func assembleLines(lines []cleanLine, npages int) (string, []int) {
	var b strings.Builder
	n := 0
	for i := range lines {
		n += len(lines[i].text) + 2 // the text and at most "\n\n"
	}
	b.Grow(n)
	starts := make([]int, npages)
	for i := range starts {
		starts[i] = -1
	}
	prev := -1     // index of the last written line
	blank := false // a blank line (not glue) since prev
	for i := range lines {
		l := &lines[i]
		if l.drop {
			continue
		}
		if l.blank() {
			if !l.glue {
				blank = true
			}
			continue
		}
		if prev >= 0 {
			if blank && !joinsAcrossBlank(lines[prev].text, l.text) {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		for p := l.page; p >= 0 && starts[p] < 0; p-- {
			starts[p] = b.Len()
		}
		b.WriteString(l.text)
		prev, blank = i, false
	}
	for p := range starts {
		if starts[p] < 0 {
			starts[p] = b.Len()
		}
	}
	return b.String(), starts
}
