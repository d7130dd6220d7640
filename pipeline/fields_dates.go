package pipeline

import (
	"fmt"
	"io/fs"
	"math/bits"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/internal/rules"
)

type dateFile struct {
	Months   map[string]int `yaml:"months"`
	Patterns []rx           `yaml:"patterns"`
}

// maxDateLen bounds the length of one date mention ("September 30th, 2016"
// is 20 bytes; Normalize folds runs of spaces).
const maxDateLen = 48

type dateRules struct {
	months   map[string]int
	patterns []rx
	matchers []*rules.Matcher // one per pattern
	groups   [][3]int         // per pattern: the m, y and d group numbers
	first    [256]bool        // bytes some pattern's match can start with
	// kindAll is first and glues by byte, in one table for the scan's
	// byte loop (dateStart, dateGlue). kind is the same for a scan with
	// the lead literals: a byte that starts only patterns with lead
	// literals (a month name's j, f, m, a, s, o, n, d) is datePair
	// instead: a start only when it and the next byte may begin a lead
	// literal (pairs).
	kindAll, kind [256]uint8
	// may[c] has bit k set when pattern k may match at a byte c (for the
	// first 64 patterns; the others are always tried).
	may [256]uint64
	// leads[c] are the literals (rules.LeadLiterals, ASCII lower case)
	// that the matches of patterns start with, by first byte, with the
	// patterns they lead; noLeads are the patterns without such literals.
	// The month-name patterns may start at any word starting with j, f,
	// m, a, s, o, n or d: 1,600 anchored attempts in the IRO seed, of
	// which the literals leave a few dozen.
	leads   [256][]dateLead
	noLeads uint64
	// pairs has bit pairKey(a, b) set for the first two bytes of every
	// lead literal: most words fail this test and skip the comparisons.
	pairs [16]uint64
}

// pairKey keeps five bits of each of two bytes (ASCII letters in either
// case give the same key; other bytes may share it, which only weakens
// the test).
func pairKey(a, b byte) uint { return uint(a&31)<<5 | uint(b&31) }

// A dateLead is a literal some date patterns start with.
type dateLead struct {
	lit  string
	pats uint64
}

func loadDateRules(fsys fs.FS) (*dateRules, error) {
	const name = "dates.yaml"
	var f dateFile
	if err := decodeRules(fsys, name, &f); err != nil {
		return nil, err
	}
	if len(f.Patterns) == 0 {
		return nil, &RuleError{File: name, Reason: "no patterns"}
	}
	for k, v := range f.Months {
		if v < 1 || v > 12 || k != strings.ToLower(k) {
			return nil, &RuleError{File: name, Reason: fmt.Sprintf("month %q: want a lower-case name and 1..12", k)}
		}
	}
	for _, p := range f.Patterns {
		if err := needGroups(name, p, "m", "y"); err != nil {
			return nil, err
		}
	}
	r := &dateRules{months: f.Months, patterns: f.Patterns}
	for _, p := range f.Patterns {
		r.matchers = append(r.matchers, rules.NewMatcher(p.Regexp))
		r.groups = append(r.groups, [3]int{p.SubexpIndex("m"), p.SubexpIndex("y"), p.SubexpIndex("d")})
	}
	for c := range r.first {
		for k, m := range r.matchers {
			if k >= 64 || m.MayBeEmpty() || m.MayStartWith(byte(c)) {
				r.first[c] = true
				if k < 64 {
					r.may[c] |= 1 << k
				}
			}
		}
	}
	for k, p := range f.Patterns {
		if k >= 64 {
			break
		}
		lits := rules.LeadLiterals(p.Regexp)
		if len(lits) == 0 || r.matchers[k].MayBeEmpty() {
			r.noLeads |= 1 << k
			continue
		}
	next:
		for _, l := range lits {
			for i := range r.leads[l[0]] {
				if r.leads[l[0]][i].lit == l {
					r.leads[l[0]][i].pats |= 1 << k
					continue next
				}
			}
			r.leads[l[0]] = append(r.leads[l[0]], dateLead{l, 1 << k})
			key := pairKey(l[0], l[1])
			r.pairs[key>>6] |= 1 << (key & 63)
		}
	}
	for c := range r.kind {
		if glues(byte(c)) {
			r.kindAll[c] |= dateGlue
			r.kind[c] |= dateGlue
		}
		if !r.first[c] {
			continue
		}
		r.kindAll[c] |= dateStart
		if len(r.matchers) > 64 || r.may[c]&r.noLeads != 0 {
			r.kind[c] |= dateStart
		} else {
			r.kind[c] |= datePair
		}
	}
	return r, nil
}

// glues reports whether a date right after byte c is glued to it, to the
// token before it ("L5/S1", "7.5/325", "x10/12/16").
func glues(c byte) bool {
	return isAlnum(c) || c == '/' || c == '.' || c == '-' || c == '%'
}

// The flags of dateRules.kind.
const (
	dateStart = 1    // a pattern's match can start with the byte
	datePair  = 2    // only a pattern with lead literals can start with the byte
	dateGlue  = 0x80 // a date after the byte is glued to it (the sign bit: see nextStart)
)

func gluedAfter(text string, i int) bool {
	if i >= len(text) {
		return false
	}
	c := text[i]
	if c == '.' || c == '-' {
		// "10/31/14." ends a sentence; "1/2/3.5" and "10-22-16-2" do not.
		return i+1 < len(text) && isDigit(text[i+1])
	}
	return isAlnum(c) || c == '/' || c == '%'
}

func isDigit(c byte) bool { return '0' <= c && c <= '9' }
func isAlnum(c byte) bool {
	return isDigit(c) || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z'
}

// find returns every date mention of text in order, non-overlapping
// (leftmost, then longest).
func (r *dateRules) find(text string) []Date {
	// The lead literals are ASCII: a text with a rune that folds to an
	// ASCII letter (the long s, the Kelvin sign) is searched without them.
	return r.findLeads(text, !rules.FoldsOutsideASCII(text))
}

// findLeads is find, with or without the lead literals.
func (r *dateRules) findLeads(text string, useLeads bool) []Date {
	// The dates gather on the stack (the IRO seed has 25), then one slice
	// of the right length is allocated: the out slice grew six times.
	var buf [32]Date
	out := buf[:0]
	for i := 0; ; i++ {
		// A date never starts glued to the preceding token, so only
		// positions after a separator are tried, each pattern anchored
		// there (Go's regexp would try every position of the text).
		if i = r.nextStart(text, i, useLeads); i == len(text) {
			break
		}
		// The patterns that may match at this byte, in order (MatchAt
		// would say no for the others).
		may := r.may[text[i]]
		if useLeads && may&^r.noLeads != 0 {
			may &= r.leadsAt(text, i)
		}
		// Of the dates starting at i, the longest wins, then the first
		// pattern's. The positions are tried in order, so it is the next
		// date of the text: the search goes on at its end (a date starting
		// inside it would overlap it).
		var best Date
		for ; may != 0; may &= may - 1 {
			if d, ok := r.tryAt(text, i, bits.TrailingZeros64(may)); ok && d.End > best.End {
				best = d
			}
		}
		for pi := 64; pi < len(r.matchers); pi++ {
			if d, ok := r.tryAt(text, i, pi); ok && d.End > best.End {
				best = d
			}
		}
		if best.End > i {
			out = append(out, best)
			i = best.End - 1
		}
	}
	return append(make([]Date, 0, len(out)), out...)
}

// nextStart returns the first position at or after i where a date may
// start (by r.kind, or r.kindAll without the leads), or len(text): a dateStart byte, or a
// datePair byte that may begin a lead literal with the next byte (pairs),
// not glued to the byte before. One table look-up per byte tells all
// three, in a loop of its own (the scan of the IRO seed's 15 KB was 0.19M
// instructions with two tests per byte). Without the pairs the scan
// stopped at 877 places of the IRO seed, nearly every word starting with
// one of the month names' letters, each a mispredicted branch and a call
// of leadsAt; with them at 180. The glue of the byte before is a mask, so
// that the one branch per byte is taken only at an unglued start.
func (r *dateRules) nextStart(text string, i int, useLeads bool) int {
	kind := &r.kindAll
	if useLeads {
		kind = &r.kind
	}
	glued := uint8(0) // all ones after a byte that glues, else zero
	if i > 0 {
		glued = uint8(int8(kind[text[i-1]]) >> 7) // dateGlue is the sign bit
	}
	s := text[i:]
	for j := range len(s) {
		k := kind[s[j]]
		if k&^glued&(dateStart|datePair) != 0 && (k&dateStart != 0 || r.leadPair(s, j)) {
			return i + j
		}
		glued = uint8(int8(k) >> 7)
	}
	return len(text)
}

// leadPair reports whether text[i] and text[i+1] may be the first two
// bytes of a lead literal (pairs). The literals are longer than one byte:
// none fits at the last byte.
func (r *dateRules) leadPair(text string, i int) bool {
	if i+1 >= len(text) {
		return false
	}
	key := pairKey(text[i], text[i+1])
	return r.pairs[key>>6]&(1<<(key&63)) != 0
}

// leadsAt returns the patterns that may match at text[i:] by their lead
// literals (compared in ASCII lower case).
func (r *dateRules) leadsAt(text string, i int) uint64 {
	pats := r.noLeads
	if i+1 < len(text) {
		if key := pairKey(text[i], text[i+1]); r.pairs[key>>6]&(1<<(key&63)) == 0 {
			return pats
		}
	}
	for _, l := range r.leads[lowerByte(text[i])] {
		if pats&l.pats != l.pats && hasPrefixLower(text[i:], l.lit) {
			pats |= l.pats
		}
	}
	return pats
}

// hasPrefixLower reports whether s starts with lit (ASCII lower case), with
// the ASCII letters of s in any case.
func hasPrefixLower(s, lit string) bool {
	if len(s) < len(lit) {
		return false
	}
	for k := 0; k < len(lit); k++ {
		if lowerByte(s[k]) != lit[k] {
			return false
		}
	}
	return true
}

func lowerByte(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// tryAt returns the date pattern pi matches at i, if any.
func (r *dateRules) tryAt(text string, i, pi int) (Date, bool) {
	loc := r.matchers[pi].MatchAt(text, i, maxDateLen)
	if loc == nil {
		return Date{}, false
	}
	s, e := loc[0], loc[1]
	if e == s || gluedAfter(text, e) {
		return Date{}, false
	}
	g := r.groups[pi]
	part := func(i int) string {
		if i < 0 || loc[2*i] < 0 {
			return ""
		}
		return text[loc[2*i]:loc[2*i+1]]
	}
	iso, redacted, ok := r.iso(part(g[0]), part(g[2]), part(g[1]))
	if !ok {
		return Date{}, false
	}
	return Date{Text: text[s:e], ISO: iso, Redacted: redacted, Start: s, End: e}, true
}

// iso validates the parts of a date and renders its ISO form. Parts with an
// X are redactions: the date is kept, redacted, with an empty ISO form.
func (r *dateRules) iso(m, d, y string) (iso string, redacted bool, ok bool) {
	if strings.ContainsAny(m, "Xx") || strings.ContainsAny(d, "Xx") || strings.ContainsAny(y, "Xx") {
		// A redaction must be all X or digits in every part.
		if !digitsOrX(m) || !digitsOrX(d) || !digitsOrX(y) {
			return "", false, false
		}
		return "", true, true
	}
	month, err := strconv.Atoi(m)
	if err != nil {
		mm, found := r.months[strings.ToLower(m)]
		if !found {
			return "", false, false
		}
		month = mm
	}
	if month < 1 || month > 12 {
		return "", false, false
	}
	year, err := strconv.Atoi(y)
	if err != nil {
		return "", false, false
	}
	switch len(y) {
	case 2:
		if year < 40 {
			year += 2000
		} else {
			year += 1900
		}
	case 4:
		if year < 1900 || year > 2099 {
			return "", false, false
		}
	default:
		return "", false, false
	}
	// year is 1900..2099 here: four digits, as %04d would write it. The
	// form is written in one buffer, one string allocation.
	buf := make([]byte, 0, len("2006-01-02"))
	buf = strconv.AppendInt(buf, int64(year), 10)
	buf = appendTwoDigits(append(buf, '-'), month)
	if d == "" {
		return string(buf), false, true
	}
	day, err := strconv.Atoi(d)
	if err != nil || day < 1 || day > daysIn(year, month) {
		return "", false, false
	}
	return string(appendTwoDigits(append(buf, '-'), day)), false, true
}

// digitsOrX reports whether s is made of digits and X only (as
// strings.Trim(s, "0123456789X") == "", without its set built per call).
func digitsOrX(s string) bool {
	for i := 0; i < len(s); i++ {
		if !isDigit(s[i]) && s[i] != 'X' {
			return false
		}
	}
	return true
}

// appendTwoDigits appends n (0..99) as %02d writes it.
func appendTwoDigits(b []byte, n int) []byte {
	return append(b, byte('0'+n/10), byte('0'+n%10))
}

func daysIn(year, month int) int {
	switch month {
	case 2:
		if year%4 == 0 && (year%100 != 0 || year%400 == 0) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}
