package pipeline

import (
	"fmt"
	"io/fs"
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
	Pronouns    map[string]rx       `yaml:"pronouns"`
	SlashPair   rx                  `yaml:"slash_pair"`
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
	ageSex, age, slashPair *rules.Matcher
	titles, pronouns       map[string]*rules.Matcher
}

func loadPatientRules(fsys fs.FS) (*patientRules, error) {
	const name = "patient.yaml"
	var f patientFile
	if err := decodeRules(fsys, name, &f); err != nil {
		return nil, err
	}
	for key, r := range map[string]*rx{"age_sex": &f.AgeSex, "age": &f.Age, "slash_pair": &f.SlashPair} {
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
	for _, m := range []map[string]rx{f.Titles, f.Pronouns} {
		for k := range m {
			if k != "male" && k != "female" {
				return nil, &RuleError{File: name, Line: m[k].Line, Reason: fmt.Sprintf("key %q: want male or female", k)}
			}
		}
	}
	for k := range f.SexWords {
		if k != "male" && k != "female" {
			return nil, &RuleError{File: name, Reason: fmt.Sprintf("sex_words key %q: want male or female", k)}
		}
	}
	if f.MinPronouns < 1 {
		return nil, &RuleError{File: name, Reason: "min_pronouns must be at least 1"}
	}
	p := &patientRules{patientFile: f, ageSex: rules.NewMatcher(f.AgeSex.Regexp), age: rules.NewMatcher(f.Age.Regexp),
		slashPair: rules.NewMatcher(f.SlashPair.Regexp), titles: map[string]*rules.Matcher{}, pronouns: map[string]*rules.Matcher{}}
	for k, re := range f.Titles {
		p.titles[k] = rules.NewMatcher(re.Regexp)
	}
	for k, re := range f.Pronouns {
		p.pronouns[k] = rules.NewMatcher(re.Regexp)
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
func (r *fieldRules) patient(c *Case, wins []window) {
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
	// The counts matter up to need: from there on neither "at least
	// MinPronouns" nor "never" changes, so counting stops (and stops
	// altogether once both sets are used).
	need := p.MinPronouns // at least 1 (checked at load)
	counts := map[string]int{}
	for _, w := range wins {
		if counts["male"] > 0 && counts["female"] > 0 {
			break
		}
		seg := text[w.start:w.end]
		// "he/she" is blanked out (same length) before pronouns are counted.
		if pairs := p.slashPair.FindAllStringIndex(seg); len(pairs) > 0 {
			b := []byte(seg)
			for _, loc := range pairs {
				for k := loc[0]; k < loc[1]; k++ {
					b[k] = ' '
				}
			}
			seg = string(b)
		}
		for sex, re := range p.pronouns {
			if counts[sex] < need {
				counts[sex] += len(re.FindAllStringIndexN(seg, need-counts[sex]))
			}
		}
	}
	switch {
	case counts["male"] >= p.MinPronouns && counts["female"] == 0:
		c.Patient.Sex = "male"
	case counts["female"] >= p.MinPronouns && counts["male"] == 0:
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
