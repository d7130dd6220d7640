package pipeline

import (
	"math/rand"
	"regexp"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/rules"
)

// The regexps patient.yaml held before the pronoun word lists: the pairs
// blanked out, then each set counted.
var (
	oldPronouns = [2]*regexp.Regexp{
		regexp.MustCompile(`\b(?:[Hh]e|[Hh]is|[Hh]im|[Hh]imself)\b`),
		regexp.MustCompile(`\b(?:[Ss]he|[Hh]er|[Hh]ers|[Hh]erself)\b`),
	}
	oldSlashPair = regexp.MustCompile(`(?i)\b(?:he|his|him|she|her|hers)\s*/\s*(?:he|his|him|she|her|hers)\b`)
)

func oldPronounCount(seg string) (male, female int) {
	b := []byte(seg)
	for _, loc := range oldSlashPair.FindAllStringIndex(seg, -1) {
		for k := loc[0]; k < loc[1]; k++ {
			b[k] = ' '
		}
	}
	seg = string(b)
	return len(oldPronouns[0].FindAllStringIndex(seg, -1)), len(oldPronouns[1].FindAllStringIndex(seg, -1))
}

func TestPronounWords(t *testing.T) {
	p := testRules(t).patientRules.pronouns
	for _, tt := range []struct {
		s            string
		male, female int
	}{
		{"He said his back hurt; we saw him.", 3, 0},
		{"She and her sister; hers, herself.", 0, 4},
		{"He/she and his / her forms, HE/SHE too.", 0, 0},
		{"he/she/him: one pair, then him", 2, 0}, // "him" twice after the pair
		{"HE, His, hers_x, the, shed, there, 5he, he5", 1, 0},
		{"he\t/\nher", 0, 0},
		{"he/they", 1, 0},
		{"", 0, 0},
	} {
		m, f := p.count(tt.s, strings.ToLower(tt.s))
		if m != tt.male || f != tt.female {
			t.Errorf("count(%q) = %d, %d; want %d, %d", tt.s, m, f, tt.male, tt.female)
		}
		if om, of := oldPronounCount(tt.s); om != tt.male || of != tt.female {
			t.Errorf("bad test: the regexps count %d, %d in %q", om, of, tt.s)
		}
	}
}

// TestPronounWordsMatchRegexps compares the word scan with the regexps it
// replaced on the fixture letters and on random soups of pronouns, slashes
// and separators.
func TestPronounWordsMatchRegexps(t *testing.T) {
	p := newTestPipeline(t)
	pw := p.fields.patientRules.pronouns
	texts := fixtureTexts(t, p)
	words := []string{"he", "He", "HE", "his", "His", "him", "Him", "himself", "Himself", "she", "She", "SHE", "her", "Her",
		"hers", "Hers", "herself", "HERS", "hEr", "the", "they", "shed", "5", "x", "_", "é", "he5", "Hi"}
	seps := []string{"", " ", "/", " / ", "/ ", "\t/\n", ", ", ".", "-", "'", "\r\n", "\v"}
	rnd := rand.New(rand.NewSource(1))
	for range 3000 {
		texts = append(texts, wordSoup(rnd, 1+rnd.Intn(12), words, seps))
	}
	if !pw.hasKey || pw.key != 'h' {
		t.Fatalf("key %q %v, want h", pw.key, pw.hasKey)
	}
	every := *pw
	every.hasKey = false // the byte loop
	for _, s := range texts {
		if m, f := every.count(s, ""); true {
			if om, of := oldPronounCount(s); m != om || f != of {
				t.Errorf("byte loop: count(%.80q) = %d, %d; the regexps say %d, %d", s, m, f, om, of)
			}
		}
		m, f := pw.count(s, rules.NewText(s).Lower())
		if om, of := oldPronounCount(s); m != om || f != of {
			t.Errorf("count(%.80q) = %d, %d; the regexps say %d, %d", s, m, f, om, of)
		}
	}
}
