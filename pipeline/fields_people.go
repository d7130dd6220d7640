package pipeline

import (
	"fmt"
	"io/fs"
	"maps"
	"math/bits"
	"slices"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/internal/rules"
	"github.com/precedent-dev/precedent/lexicon"
)

type termGroup struct {
	Name          string `yaml:"name"`
	Code          string `yaml:"code"`
	Terms         []lstr `yaml:"terms"`
	Abbreviations []lstr `yaml:"abbreviations"`
}

type reviewerFile struct {
	Specialties         []termGroup `yaml:"specialties"`
	LicensureCue        rx          `yaml:"licensure_cue"`
	States              []lstr      `yaml:"states"`
	BoardCertifiedFalse rx          `yaml:"board_certified_false"`
	BoardCertifiedTrue  rx          `yaml:"board_certified_true"`
	Experience          rx          `yaml:"experience"`
	ExperienceCue       rx          `yaml:"experience_cue"`
}

type patientFile struct {
	AgeSex      rx                  `yaml:"age_sex"`
	Age         rx                  `yaml:"age"`
	SexWords    map[string][]string `yaml:"sex_words"`
	Titles      map[string]rx       `yaml:"titles"`
	Pronouns    map[string][]string `yaml:"pronouns"`
	SlashPair   []string            `yaml:"slash_pair"`
	MinPronouns int                 `yaml:"min_pronouns"`
}

type reviewerRules struct {
	reviewerFile
	specialties *lexicon.Matcher
	states      *lexicon.Matcher
}

// buildMatcher turns term groups into a Matcher; code is the group's name
// (or code). Errors name file:line of the offending term.
func buildMatcher(file string, groups []termGroup) (*lexicon.Matcher, error) {
	var terms []lexicon.Term
	for _, g := range groups {
		code := g.Code
		if code == "" {
			code = g.Name
		}
		if code == "" || len(g.Terms)+len(g.Abbreviations) == 0 {
			return nil, &RuleError{File: file, Reason: fmt.Sprintf("entry %q needs a name and terms", code)}
		}
		for _, t := range g.Terms {
			terms = append(terms, lexicon.Term{Code: code, Text: t.S})
		}
		for _, t := range g.Abbreviations {
			terms = append(terms, lexicon.Term{Code: code, Text: t.S, Kind: lexicon.Abbreviation})
		}
		// Validate one by one so the error has the term's line.
		for _, t := range append(append([]lstr{}, g.Terms...), g.Abbreviations...) {
			if strings.TrimSpace(t.S) == "" {
				return nil, &RuleError{File: file, Line: t.Line, Reason: fmt.Sprintf("%s: empty term", code)}
			}
			if _, err := lexicon.NewMatcher(terms); err != nil {
				return nil, &RuleError{File: file, Line: t.Line, Reason: err.Error()}
			}
		}
	}
	return lexicon.NewMatcher(terms)
}

func loadReviewerRules(fsys fs.FS) (*reviewerRules, error) {
	const name = "reviewer.yaml"
	var f reviewerFile
	if err := decodeRules(fsys, name, &f); err != nil {
		return nil, err
	}
	for key, r := range map[string]*rx{"licensure_cue": &f.LicensureCue, "board_certified_false": &f.BoardCertifiedFalse,
		"board_certified_true": &f.BoardCertifiedTrue, "experience": &f.Experience, "experience_cue": &f.ExperienceCue} {
		if err := required(name, r, key); err != nil {
			return nil, err
		}
	}
	if err := needGroups(name, f.Experience, "n"); err != nil {
		return nil, err
	}
	sp, err := buildMatcher(name, f.Specialties)
	if err != nil {
		return nil, err
	}
	var states []termGroup
	for _, s := range f.States {
		states = append(states, termGroup{Name: s.S, Terms: []lstr{s}})
	}
	st, err := buildMatcher(name, states)
	if err != nil {
		return nil, err
	}
	return &reviewerRules{reviewerFile: f, specialties: sp, states: st}, nil
}

// patientRules are the patient rules with their regexps prefiltered.
type patientRules struct {
	patientFile
	ageSex, age *rules.Matcher
	titles      map[string]*rules.Matcher
	pronouns    *pronounWords
}

func loadPatientRules(fsys fs.FS) (*patientRules, error) {
	const name = "patient.yaml"
	var f patientFile
	if err := decodeRules(fsys, name, &f); err != nil {
		return nil, err
	}
	for key, r := range map[string]*rx{"age_sex": &f.AgeSex, "age": &f.Age} {
		if err := required(name, r, key); err != nil {
			return nil, err
		}
	}
	if err := needGroups(name, f.AgeSex, "age", "sex"); err != nil {
		return nil, err
	}
	if err := needGroups(name, f.Age, "age"); err != nil {
		return nil, err
	}
	for k := range f.Titles {
		if k != "male" && k != "female" {
			return nil, &RuleError{File: name, Line: f.Titles[k].Line, Reason: fmt.Sprintf("key %q: want male or female", k)}
		}
	}
	for key, m := range map[string]map[string][]string{"sex_words": f.SexWords, "pronouns": f.Pronouns} {
		for k := range m {
			if k != "male" && k != "female" {
				return nil, &RuleError{File: name, Reason: fmt.Sprintf("%s key %q: want male or female", key, k)}
			}
		}
	}
	pw, err := newPronounWords(f.Pronouns, f.SlashPair)
	if err != nil {
		return nil, &RuleError{File: name, Reason: err.Error()}
	}
	if f.MinPronouns < 1 {
		return nil, &RuleError{File: name, Reason: "min_pronouns must be at least 1"}
	}
	p := &patientRules{patientFile: f, ageSex: rules.NewMatcher(f.AgeSex.Regexp), age: rules.NewMatcher(f.Age.Regexp),
		titles: map[string]*rules.Matcher{}, pronouns: pw}
	for k, re := range f.Titles {
		p.titles[k] = rules.NewMatcher(re.Regexp)
	}
	return p, nil
}

var numberWords = map[string]int{"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7,
	"eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "fifteen": 15, "twenty": 20, "twenty-five": 25, "thirty": 30}

// reviewer fills c.Reviewer from the reviewer windows.
func (r *fieldRules) reviewer(c *Case, wins []window) {
	rv := r.reviewerRules
	seenSp, seenSt := map[string]bool{}, map[string]bool{}
	for _, w := range wins {
		seg := c.Text[w.start:w.end]
		for _, m := range rv.specialties.Match(seg) {
			if !seenSp[m.Code] {
				seenSp[m.Code] = true
				c.Reviewer.Specialties = append(c.Reviewer.Specialties, m.Code)
			}
		}
		for _, loc := range rv.LicensureCue.Matcher().FindAllStringIndex(seg) {
			// The cue's line (label form) or sentence.
			end := min(len(seg), loc[1]+200)
			if i := strings.IndexByte(seg[loc[1]:end], '.'); i >= 0 {
				end = loc[1] + i
			}
			for _, m := range rv.states.Match(seg[loc[1]:end]) {
				if !seenSt[m.Code] {
					seenSt[m.Code] = true
					c.Reviewer.Licensure = append(c.Reviewer.Licensure, m.Code)
				}
			}
		}
		if c.Reviewer.BoardCertified == nil {
			if rv.BoardCertifiedFalse.Matcher().MatchString(seg) {
				f := false
				c.Reviewer.BoardCertified = &f
			} else if rv.BoardCertifiedTrue.Matcher().MatchString(seg) {
				t := true
				c.Reviewer.BoardCertified = &t
			}
		}
		if c.Reviewer.YearsExperience == nil {
			ni := rv.Experience.SubexpIndex("n")
			for _, m := range rv.Experience.Matcher().FindAllStringSubmatchIndex(seg) {
				around := seg[max(0, m[0]-40):min(len(seg), m[1]+40)]
				if !rv.ExperienceCue.Matcher().MatchString(around) {
					continue
				}
				ns := strings.ToLower(seg[m[2*ni]:m[2*ni+1]])
				n, err := strconv.Atoi(ns)
				if err != nil {
					n = numberWords[ns]
				}
				if n > 0 {
					c.Reviewer.YearsExperience = &n
					break
				}
			}
		}
	}
}

// patient fills c.Patient. Age and sex come from "46 year old female"
// phrases; without one, a title (Mr., Ms.) gives the sex; without that, the
// pronouns, when one set is used at least MinPronouns times and the other
// never ("he/she" and "his/her" do not count).
// low is c.Text in ASCII lower case.
func (r *fieldRules) patient(c *Case, low string, wins []window) {
	p := r.patientRules
	text := c.Text
	for _, w := range wins {
		seg := text[w.start:w.end]
		ai, si := p.AgeSex.SubexpIndex("age"), p.AgeSex.SubexpIndex("sex")
		for _, m := range p.ageSex.FindAllStringSubmatchIndex(seg) {
			if c.Patient.Age == nil {
				if a, err := strconv.Atoi(seg[m[2*ai]:m[2*ai+1]]); err == nil && a > 0 && a < 120 {
					c.Patient.Age = &a
				}
			}
			if c.Patient.Sex == "" && m[2*si] >= 0 {
				c.Patient.Sex = r.sexOf(seg[m[2*si]:m[2*si+1]])
			}
			if c.Patient.Age != nil && c.Patient.Sex != "" {
				break
			}
		}
		if c.Patient.Age == nil {
			if m := p.age.FindStringSubmatchIndex(seg); m != nil {
				ai := p.Age.SubexpIndex("age")
				if a, err := strconv.Atoi(seg[m[2*ai]:m[2*ai+1]]); err == nil && a > 0 && a < 120 {
					c.Patient.Age = &a
				}
			}
		}
	}
	if c.Patient.Sex != "" {
		return
	}
	for _, sex := range []string{"female", "male"} {
		re, ok := p.titles[sex]
		if !ok {
			continue
		}
		for _, w := range wins {
			if re.MatchString(text[w.start:w.end]) {
				c.Patient.Sex = sex
				return
			}
		}
	}
	// One pass over the words of each window: once both sets are used,
	// neither "at least MinPronouns" nor "never" can change.
	var male, female int
	for _, w := range wins {
		if male > 0 && female > 0 {
			break
		}
		m, f := p.pronouns.count(text[w.start:w.end], low[w.start:w.end])
		male, female = male+m, female+f
	}
	switch {
	case male >= p.MinPronouns && female == 0:
		c.Patient.Sex = "male"
	case female >= p.MinPronouns && male == 0:
		c.Patient.Sex = "female"
	}
}

func (r *fieldRules) sexOf(word string) string {
	w := strings.ToLower(word)
	for _, sex := range []string{"female", "male"} {
		if contains(r.patientRules.SexWords[sex], w) {
			return sex
		}
	}
	return ""
}

// pronounWords count the pronouns of a text by sex (patient.yaml). A word
// is a run of ASCII letters, digits and _ (a regexp's \w: the words \b
// delimits); a pronoun is a word spelled as listed. Two slash-pair words
// joined by a slash, with white space (\s) around it or not, count as
// nothing: the pairs are taken from left to right, as a regexp's FindAll
// would find them ("he/she/him" is one pair, then "him").
//
// It replaces a regexp per set and one for the pairs, each run over the
// whole clinical history (0.39M instructions per IRO seed, 10 KB of
// history, callgrind): one pass over the words, and a look-up for those
// whose first byte and length fit a listed word.
type pronounWords struct {
	sex    map[string]int  // pronoun, as written: 0 male, 1 female
	pair   map[string]bool // slash-pair word, in ASCII lower case
	lens   [256]uint64     // by first byte: bit n set for the n-byte words above
	maxLen int             // the longest of them (< 64)
	// kind tells by byte whether it is the first byte of a word above
	// (wordFirst) and a \w byte (wordByte), in one table for the scan's
	// byte loop.
	kind [256]uint8
	// key, when hasKey is set, is a byte every word above holds in ASCII
	// lower case (h in he, she, his, her), and keyAt has bit k set when
	// one of them holds it at offset k: the scan then jumps between the
	// key's places in the lowercase text with strings.IndexByte, which
	// reads many bytes at once, and looks only at the words around them
	// (IRO seed, 10 KB of history: 0.17M instructions with the byte
	// loop).
	key    byte
	keyAt  uint64
	hasKey bool
}

// The flags of pronounWords.kind.
const (
	wordFirst = 1 << iota
	wordByte
)

func newPronounWords(pronouns map[string][]string, pairs []string) (*pronounWords, error) {
	p := &pronounWords{sex: map[string]int{}, pair: map[string]bool{}}
	add := func(w string, firsts ...byte) error {
		if w == "" || len(w) >= 64 {
			return fmt.Errorf("%q: want a word of 1 to 63 bytes", w)
		}
		for k := 0; k < len(w); k++ {
			if !asciiWord[w[k]] {
				return fmt.Errorf("%q: a word is ASCII letters, digits and _", w)
			}
		}
		for _, c := range firsts {
			p.lens[c] |= 1 << len(w)
		}
		p.maxLen = max(p.maxLen, len(w))
		return nil
	}
	for sex, v := range map[string]int{"male": 0, "female": 1} {
		for _, w := range pronouns[sex] {
			if err := add(w, w[0]); err != nil {
				return nil, fmt.Errorf("pronouns: %v", err)
			}
			if old, ok := p.sex[w]; ok && old != v {
				return nil, fmt.Errorf("pronouns: %q is both male and female", w)
			}
			p.sex[w] = v
		}
	}
	for _, w := range pairs {
		if err := add(w, lowerByte(w[0]), upperByte(w[0])); err != nil {
			return nil, fmt.Errorf("slash_pair: %v", err)
		}
		p.pair[strings.ToLower(w)] = true
	}
	p.key, p.keyAt, p.hasKey = keyByte(append(slices.Collect(maps.Keys(p.sex)), pairs...))
	for c := range p.kind {
		if p.lens[c] != 0 {
			p.kind[c] |= wordFirst
		}
		if asciiWord[c] {
			p.kind[c] |= wordByte
		}
	}
	return p, nil
}

// keyByte returns a byte all words hold in ASCII lower case, with the
// offsets where they hold it (the byte with the fewest offsets), if any.
func keyByte(words []string) (key byte, at uint64, ok bool) {
	best := 65
	for c := 0; c < 256; c++ {
		var offs uint64
		all := len(words) > 0
		for _, w := range words {
			found := false
			for k := 0; k < len(w); k++ {
				if lowerByte(w[k]) == byte(c) {
					offs |= 1 << k
					found = true
				}
			}
			all = all && found
		}
		if n := bits.OnesCount64(offs); all && n < best {
			key, at, ok, best = byte(c), offs, true, n
		}
	}
	return key, at, ok
}

// count returns the numbers of male and female pronouns in s; low is s in
// ASCII lower case.
func (p *pronounWords) count(s, low string) (male, female int) {
	// i: the words before i are done. The next word is the first one
	// from i on whose first byte may start a listed word (byte loop),
	// or holding the key at one of its offsets.
	next := func(i int) (start, end int) {
		if !p.hasKey {
			if start = p.nextWord(s, i); start == len(s) {
				return -1, 0
			}
			return start, wordEnd(s, start+1)
		}
		for x := i; ; x++ {
			k := strings.IndexByte(low[x:], p.key)
			if k < 0 {
				return -1, 0
			}
			x += k
			start = x
			for start > i && start > x-p.maxLen && asciiWord[s[start-1]] {
				start--
			}
			if (start == 0 || !asciiWord[s[start-1]]) && p.keyAt&(1<<(x-start)) != 0 {
				return start, wordEnd(s, x+1)
			}
		}
	}
	for i := 0; ; {
		var j int
		if i, j = next(i); i < 0 {
			break
		}
		if n := j - i; n <= p.maxLen && p.lens[s[i]]&(1<<n) != 0 {
			if k := p.pairEnd(s, i, j); k > 0 {
				i = k // both words of the pair count as nothing
				continue
			}
			if v, ok := p.sex[s[i:j]]; ok {
				if v == 0 {
					male++
				} else {
					female++
				}
			}
		}
		i = j
	}
	return male, female
}

// wordEnd returns the end of the word of s that holds byte i-1.
func wordEnd(s string, i int) int {
	for i < len(s) && asciiWord[s[i]] {
		i++
	}
	return i
}

// nextWord returns the start of the first word of s at or after i whose
// first byte is that of a listed word, or len(s). One table look-up per
// byte, in a loop of its own: the loops over every word and its bytes
// were 0.20M instructions for the 10 KB history of the IRO seed.
func (p *pronounWords) nextWord(s string, i int) int {
	kind := &p.kind
	inWord := i > 0 && kind[s[i-1]]&wordByte != 0
	t := s[i:]
	for j := range len(t) {
		k := kind[t[j]]
		if k&wordFirst != 0 && !inWord {
			return i + j
		}
		inWord = k&wordByte != 0
	}
	return len(s)
}

// pairEnd returns the end of the slash pair whose first word is s[i:j]
// ("he / she"), or 0 when there is none.
func (p *pronounWords) pairEnd(s string, i, j int) int {
	k := skipRegexpSpace(s, j)
	if k == len(s) || s[k] != '/' {
		return 0
	}
	k = skipRegexpSpace(s, k+1)
	e := wordEnd(s, k)
	if e == k || !p.isPair(s[i:j]) || !p.isPair(s[k:e]) {
		return 0
	}
	return e
}

// isPair reports whether w is a slash-pair word (in any ASCII case).
func (p *pronounWords) isPair(w string) bool {
	if len(w) > p.maxLen {
		return false
	}
	var buf [64]byte
	low := buf[:len(w)]
	for k := range low {
		low[k] = lowerByte(w[k])
	}
	return p.pair[string(low)]
}

// skipRegexpSpace skips the bytes of a regexp's \s (isSpace) from i.
func skipRegexpSpace(s string, i int) int {
	for i < len(s) && isSpace(s[i]) {
		i++
	}
	return i
}

// asciiWord marks the regexp \w bytes (isWordByte), in a table for the
// scans' byte loops.
var asciiWord = func() (t [256]bool) {
	for c := range t {
		t[c] = isWordByte(byte(c))
	}
	return t
}()

func upperByte(c byte) byte {
	if 'a' <= c && c <= 'z' {
		return c - ('a' - 'A')
	}
	return c
}
