package extract

import (
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/precedent-dev/precedent/fixtures"
	"github.com/precedent-dev/precedent/internal/rules"
)

func TestMatchStarts(t *testing.T) {
	tests := []struct {
		pattern            string
		ok                 bool
		yes, not           []string // two-byte starts
		thirdYes, thirdNot string   // third bytes
	}{
		{`(?:X{1,2}|[0-9]{1,2})/(?:X{1,2}|[0-9]{1,2}):`, true, []string{"XX", "X/", "12", "1/"}, []string{"X1", "1X", "/1", "x1", "ab"}, "X/1", "a :"},
		{`(?:[:)]|[:)a-z%]\.)([0-9]{1,2}\.)\s`, true, []string{":1", "a.", "%.", ").", ":."}, []string{"a1", "ab", ".1", "A."}, "1.", " a"},
		{`:\s+([0-9])`, true, []string{": ", ":\t", ":\r"}, []string{":1", "::", ":\xc2"}, " 1", "a:"},
		{`a`, true, []string{"ab", "a\x00", "a\xff"}, []string{"ba"}, "a \xff", ""},
		{`ab`, true, []string{"ab"}, []string{"aa"}, "a \xff", ""},
		{`abé`, true, []string{"ab"}, []string{"aa"}, "\xc3", "a"},
		{`a(?:bc|de)`, true, []string{"ab", "ad"}, []string{"ac"}, "ce", "bd"},
		{`(?i)k.`, true, []string{"ka", "Kb", "\xe2\x84"}, []string{"xk"}, "a\xff", ""},
		{`é[a-z]`, true, []string{"\xc3\xa9"}, []string{"ea"}, "a", ""},
		{`\bfoo`, false, nil, nil, "", ""},
		{`x*`, false, nil, nil, "", ""},
		{`(`, false, nil, nil, "", ""},
	}
	for _, tt := range tests {
		ms, ok := matchStarts(tt.pattern)
		if ok != tt.ok {
			t.Errorf("matchStarts(%q) ok = %v, want %v", tt.pattern, ok, tt.ok)
			continue
		}
		for _, p := range tt.yes {
			if !ms.pairs[int(p[0])<<8|int(p[1])] {
				t.Errorf("matchStarts(%q): pair %q missing", tt.pattern, p)
			}
		}
		for _, p := range tt.not {
			if ms.pairs[int(p[0])<<8|int(p[1])] {
				t.Errorf("matchStarts(%q): pair %q should not be there", tt.pattern, p)
			}
		}
		for i := 0; i < len(tt.thirdYes); i++ {
			if !ms.third[tt.thirdYes[i]] {
				t.Errorf("matchStarts(%q): third byte %q missing", tt.pattern, tt.thirdYes[i])
			}
		}
		for i := 0; i < len(tt.thirdNot); i++ {
			if ms.third[tt.thirdNot[i]] {
				t.Errorf("matchStarts(%q): third byte %q should not be there", tt.pattern, tt.thirdNot[i])
			}
		}
	}
}

// pairScanPatterns are the splitter's cut patterns, then (a second scan:
// a scan takes eight patterns at most) patterns that try the pair scan's
// limits: one-byte matches, case folding, third bytes, starts outside
// ASCII, assertions, lowercase starts (these three left to the Matcher).
func pairScanPatterns(t *testing.T) [][]*rules.Matcher {
	s := newTestSplitter(t)
	var more []*rules.Matcher
	for _, p := range []string{`A(?:BC|DE)`, `AB(?:É|C)D`, `[0-9]{2}\.`, `:`, `(?i)k[a-z]?`, `[0-9]+(?:st|nd)?`, `é[a-z]`, `\bPlan:`,
		`[a-z]{2}\.([A-Z])`, `\.(\s*)(\))?`, `[^a-z ]{2}`, `(?:XX|1)/(X|1)`} {
		more = append(more, rules.NewMatcher(regexp.MustCompile(p)))
	}
	return [][]*rules.Matcher{append([]*rules.Matcher{s.entry}, s.glued...), more}
}

// TestPairScanAgreesWithRegexp compares the pair scan with the regexps'
// FindAllStringSubmatchIndex on the fixture letters, the test texts and
// random texts of the bytes the patterns look at.
func TestPairScanAgreesWithRegexp(t *testing.T) {
	sets := pairScanPatterns(t)
	var scans []*pairScan
	for _, ms := range sets {
		scans = append(scans, newPairScan(ms))
	}
	if p := scans[1]; len(p.scanned) < 6 || len(p.plain) < 4 {
		t.Fatalf("scanned %v, plain %v: the test should try both", p.scanned, p.plain)
	}
	check := func(name, text string) {
		t.Helper()
		for i, p := range scans {
			got := p.findAll(text)
			for k, m := range sets[i] {
				want := m.Regexp().FindAllStringSubmatchIndex(text, -1)
				if d := cmp.Diff(want, got[k]); d != "" {
					t.Fatalf("%s: %q on %q: (-regexp +scan)\n%s", name, m.Regexp(), text, d)
				}
			}
		}
	}
	files, _ := fs.Glob(fixtures.Letters, "letters/*.txt")
	for _, f := range files {
		data, _ := fs.ReadFile(fixtures.Letters, f)
		check(f, string(data))
	}
	for _, dir := range []string{"testdata/sentences", "testdata/text"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && !e.IsDir() {
				check(e.Name(), string(data))
			}
		}
	}
	pieces := []string{"X", "XX", "1", "12", "/", ":", ")", ".", "a", "b", "A", "%", " ", "\n", "\t", "\"", "”", "k", "K", "\u212a",
		"é", "\xff", "\xc3", "st", "nd", "Plan", "\u00a0", "B", "C", "D", "E", "É", "AB", "ABC", "ADE", "ABÉD", "12."}
	r := rand.New(rand.NewSource(5))
	for k := 0; k < 5000; k++ {
		var b strings.Builder
		for n := r.Intn(16); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		check("random", b.String())
	}
}

func BenchmarkPairScan(b *testing.B) {
	raw, err := os.ReadFile(seedPath(b, "iro_si_injection_upheld.txt"))
	if err != nil {
		b.Fatal(err)
	}
	text, _ := Normalize(string(raw))
	s := newTestSplitter(b)
	b.ReportAllocs()
	for b.Loop() {
		s.scan.findAll(text)
	}
}
