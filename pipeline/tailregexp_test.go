package pipeline

import (
	"math/rand/v2"
	"regexp"
	"regexp/syntax"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/precedent-dev/precedent/internal/rules"
)

func TestTailRegexp(t *testing.T) {
	tr := newTailRegexp(regexp.MustCompile(`(?i)\bno\s+(?:\w+\s+){0,3}$`))
	if tr == nil {
		t.Fatal("no tailRegexp for a pattern ending with $")
	}
	if !tr.MatchString("there was NO lasting ") {
		t.Error("no match at the end of the text")
	}
	for _, s := range []string{"no, relief ", "there was no lasting", "piano lasting ", "no a b c d "} {
		if tr.MatchString(s) {
			t.Errorf("%q: want no match", s)
		}
	}
	for _, src := range []string{`^no\s+$`, `no\s+$|yes`, `(?m)no$`} {
		if newTailRegexp(regexp.MustCompile(src)) != nil {
			t.Errorf("%s: want no tailRegexp (anchored, or no final $)", src)
		}
	}
}

// tailPatterns are the patterns the stages run as tailRegexps.
func tailPatterns(t testing.TB) []*regexp.Regexp {
	p := stagePipeline(t)
	res := []*regexp.Regexp{p.relief.f.Documentation.Pattern.Regexp}
	for _, l := range p.care.f.Labels {
		res = append(res, l.atEnd)
	}
	return res
}

// checkTail compares the tailRegexp of re with re on s.
func checkTail(t *testing.T, re *regexp.Regexp, tr *tailRegexp, s string) bool {
	t.Helper()
	want := re.MatchString(s)
	if got := tr.MatchString(s); got != want {
		t.Fatalf("%s on %q: got %v, want %v", re, s, got, want)
	}
	return want
}

// TestTailRegexpAgrees compares the stages' tailRegexps with their regexps
// on the text before every space of the fixture letters and on word soups.
func TestTailRegexpAgrees(t *testing.T) {
	res := tailPatterns(t)
	trs := make([]*tailRegexp, len(res))
	for i, re := range res {
		if trs[i] = newTailRegexp(re); trs[i] == nil {
			t.Fatalf("%s: no tailRegexp", re)
		}
	}
	tried, matched := 0, 0
	check := func(s string) {
		for i, re := range res {
			tried++
			if checkTail(t, re, trs[i], s) {
				matched++
			}
		}
	}
	_, raw := rawFixtureTexts(t)
	for _, text := range raw {
		step := 3 // the forward regexps are slow: every third byte
		if testing.Short() {
			step = 11
		}
		for i := 1; i < len(text); i += step {
			if text[i] == ' ' || text[i] == ':' {
				check(text[max(0, i-90) : i+1])
				check(text[max(0, i-40):i])
			}
		}
	}
	words := []string{"no", "No", "not", "lack", "evidence", "documentation", "documented", "quantified", "of", "as", "to",
		"regarding", "the", "pain", "relief", "duration", "indication", "plan", "Plan", "treatment", "history", "exam",
		"physical", "examination", "objective", "records", "’s", "patient's", "ſ", "K", "\xff", "é", "-", ".", ";", ",", "L5-S1"}
	seps := []string{" ", " ", " ", "  ", "\t", "\n", "", ", ", "\v", "\u00a0"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 5000 {
		var b strings.Builder
		for range 1 + rng.IntN(12) {
			b.WriteString(seps[rng.IntN(len(seps))])
			b.WriteString(words[rng.IntN(len(words))])
		}
		if rng.IntN(2) == 0 {
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		check(b.String())
	}
	t.Logf("%d of %d matched", matched, tried)
	if matched < tried/100 {
		t.Errorf("only %d of %d matched: the texts test little", matched, tried)
	}
}

// TestReverseSyntax compares reversed regexps on reversed texts with the
// regexps, for the operators reverseSyntax turns around.
func TestReverseSyntax(t *testing.T) {
	pats := []string{`ab*c?`, `(?i)\bk[a-c]{1,3}?$`, `(?m)^x.?y?$`, `\Aab|cd\z`, `(?s)a.*b\B`, `(?:x|yz)*w`, `(?i)ſt`,
		`\b(?P<w>\w+)\s+\w+$`, `[^.;]{0,5}é$`, `(?i)[^.;]{2}K$`, `a{2,}b{1}|c|`, `x{0}y+?`, `(?i:a)B`, `[^\x00-\x{10FFFF}]|z`, `.a.`}
	rng := rand.New(rand.NewPCG(5, 6))
	alphabet := []string{"a", "b", "c", "x", "y", "z", "w", "k", "K", "S", "ſ", "t", "é", ".", ";", " ", "\n", "_", "B", "A", "\u212a"}
	for _, p := range pats {
		re := regexp.MustCompile(p)
		tree, err := syntax.Parse(p, syntax.Perl)
		if err != nil {
			t.Fatal(err)
		}
		rev := regexp.MustCompile(rules.Source(reverseSyntax(tree)))
		same := regexp.MustCompile(rules.Source(tree)) // the printer alone
		matched := 0
		for range 3000 {
			var b strings.Builder
			for range rng.IntN(10) {
				b.WriteString(alphabet[rng.IntN(len(alphabet))])
			}
			s := b.String()
			want := re.MatchString(s)
			if got := rev.MatchString(reverseRunes(s)); got != want {
				t.Fatalf("%s on %q: reversed %v, want %v", p, s, got, want)
			}
			if got := same.FindStringIndex(s); !slices.Equal(got, re.FindStringIndex(s)) {
				t.Fatalf("%s on %q: %s finds %v, want %v", p, s, same, got, re.FindStringIndex(s))
			}
			if want {
				matched++
			}
		}
		if matched == 0 {
			t.Errorf("%s: never matched", p)
		}
	}
}

func reverseRunes(s string) string {
	var b []byte
	for i := len(s); i > 0; {
		r, w := utf8.DecodeLastRuneInString(s[:i])
		b = utf8.AppendRune(b, r)
		i -= w
	}
	return string(b)
}

// FuzzTailRegexp compares the stages' tailRegexps with their regexps.
func FuzzTailRegexp(f *testing.F) {
	for _, s := range []string{"no evidence of the ", "Plan: ", "lack of objective documentation regarding ’s ", "\xffno records "} {
		f.Add(s)
	}
	res := tailPatterns(f)
	f.Fuzz(func(t *testing.T, s string) {
		for _, re := range res {
			checkTail(t, re, newTailRegexp(re), s)
		}
	})
}
