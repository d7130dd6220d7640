package rules

import (
	"math/rand"
	"regexp"
	"regexp/syntax"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

// matcherPatterns are shapes of the project's rule patterns.
var matcherPatterns = []string{
	`(?:X{1,2}|[0-9]{1,2})/(?:X{1,2}|[0-9]{1,2})/(?:X{2,4}|[0-9]{2}|[0-9]{4}):`,
	`(?:[:)]|[:)a-z%]\.)([0-9]{1,2}\.)\s`,
	`[a-z]{2}\.([A-Z][a-z])`,
	`\.["”]([A-Z])`,
	`:\s+([0-9]{1,2}\.\s+[A-Z])`,
	`\bIMR\b`,
	`(?i)\bindependent\s+medical\s+review\b`,
	`\bCM\d{2}-\d{7}\b`,
	`(?i)\bIRO\s+CASE\b`,
	`(?i)\badverse\s+determinations?\b`,
	`MAXIMUS\s+Federal\s+Services`,
	`(?i)\brequest(?:s|ed)?\b`,
	`(?i)^(?:(?P<item>.*\S)\s*:\s*)?(?:upheld|(?:partially\s+)?overturned)$`,
	`(?i)^(?:(?:\d+\.\s*)?description\s+of\s+the\s+services?)\s*$`,
	`(?i)^(?:review\s+outcome\s*(?::|$))`,
	`^\(?[0-9]{1,2}[.)]\s`,
	`(?i)sk[sk]`,
	`(?i)\bkey\b`,
	`é[^a]`,
	`a[^b]c`,
	`x$`,
	`(?m)^ab`,
	`\Bab`,
	`(?i)\b(?P<age>\d{1,3})[- ]?(?:year|yr)s?[- ]?old,?\s+(?:(?:injured|white)\s+)*(?P<sex>male|female|man|woman)?`,
	`(?i)\b(?:age[ds]?|aged)\s*:?\s*(?P<age>\d{1,3})\b`,
	`\bMs\.?\s+[A-Z]|\bMrs\.?\s+[A-Z]`,
	`\b(?:[Ss]he|[Hh]er|[Hh]ers|[Hh]erself)\b`,
	`(?i)\b(?:he|his|him|she|her|hers)\s*/\s*(?:he|his|him|she|her|hers)\b`,
	`a(?:\bb|c)`,
	`(?:x|\b)y`,
	`é\b`,
	`(?i)(?P<d>\d{1,2})\s+(?P<m>jan(?:uary)?|may)\.?,?\s+(?P<y>\d{4})`,
	`(?s)ab.*`,
	`a+$`,
	`(?i)(?P<m>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+(?P<d>\d{1,2})(?:st|nd|rd|th)?,?\s+(?P<y>\d{4})`,
	`(?P<m>[0-9X]{1,2})/(?P<d>[0-9X]{1,2})/(?P<y>[0-9X]{4}|[0-9X]{2})`,
	`(?i)(?P<m>january|may|june)\s+(?:of\s+)?(?P<y>\d{4})`,
	`(?:”|\.)[a-c]X`,
	`(?i)(?:sept|Kelvin|é)\.`,
	`\x{FFFD}a|[\x{FFFD}b]c`,
	`(?:ab|cd)*e`,
	`x*`,
	`(?:[:)]|[a-z]\.)[0-9]{1,2}\.$`,
	`é.$`,
	`[^a]b$`,
	`CLINICAL CASE SUMMARY`,
	`(?i)\bcriteria for\b`,
	`(?i)Dear `,
	`ANALYSIS AND EXPLANATION[^\n]*(?:\n[^\n]*DECISION:)?`,
	`(?i)^(?:a\s+description\s+of)`,
	`(?i)\b(?:guidelines?|ODG|MTUS|criteria)\b[^.]{0,60}\b(?:recommends?|supports?|states?|notes?)\b`,
	`(?i)\bat least\b.*\b(?:positive|relief|weeks?)\b`,
	`(?i)(?:date of (?:industrial )?injury|\bDOI|injured on|sustained an? injury)(?:\s*\((?:DOI|DOl)\))?\s*(?:(?:of|on|was)\s+)?[:,(]?\s*$`,
	`(?:ab|\bc)d`,
	`(?:\Bx|é)y`,
	`(?i)(?:k|\bs)\b`,
	`(?i)\b(?:he|his|him|she|her|hers)\s*/\s*(?:he|his|him|she|her|hers)\b`,
	`(?:a|b)\s*[.:]\s*$`,
	`x[^y]*z`,
	`(?m)ab$`,
	`[a-z]{1,3}%[0-9]?`,
	`[0-9]{1,2}[:%][a-z]{0,2}`,
	`(?i)(?:sept|k)[.)]\s*[0-9]{1,2}`,
	`\b[Hx](?:e|is|im)\b`,
	`(?:x|X{2})/[0-9]{1,2}`,
	`[/:](?:\s*[0-9])+`,
	`(?i)\b(?:over|more than)?\s*(?P<n>\d{1,2}|one|twenty-five)\+?\s+years\b(?:\s+of\s+(?:\w+\s+){0,2}experience)?`,
	`(?:a|bc)?\s*x\s+(?:é|ab)?\s*yz`,
	// over 500 instructions: relaxed (relax.go)
	`(?i)(?:specifically,\s+)?(?:the\s+)?(?:(?:california|ca|\d{4}|current)\s+)*(?:odg|mtus|acoem|official\s+disability\s+guidelines?)\b[^."“]{0,150}?\b(?:states?|notes?|recommends?|indicates?|stipulates?|supports?|advises?|says|reads|specifies|describes?)\b`,
}

func randomText(r *rand.Rand, n int) string {
	pieces := []string{"a", "b", "c", "x", "X", "k", "K", "\u212a", "s", "ſ", "é", "”", "\"", ".", ":", ")", "%", "/", " ", "\n", "1", "2", "0", "-",
		"IMR", "imr ", "CM17-0005418", "Independent  Medical\nReview", "iro case", "IRO CASE", "Adverse determination",
		"MAXIMUS Federal Services", "requested", "Upheld", "overturned", "Item: ", "XX/XX/XX:", "10/16/14:", "in.Per", "blocks:1. ",
		"Description of the services", "REVIEW OUTCOME:", "(2) ", "key", "sks", "ab", "\xff", "\xe2\x80",
		"Jan. 7, 2014", "SEPT 30th, 2016", "june 2015", "may of 2016", "Kelvin.", "\u212aelvin.", "ſept.", "é.", "É.", "\ufffda", "\ufffdc", "abcde", "12/XX/2016",
		"46 year old", " 52 yr-old, ", "white ", "Male", "woman", "aged: 4", "Age 120", "Mrs. B", "Ms ", "he/she", "His / her", "herself", "She", "hers", "_", "10 Jan. 2015", "may 7, 2014",
		"CLINICAL CASE SUMMARY", "Clinical case summary", "criteria For ", "CRITERIA FOR", "dear ", "ANALYSIS AND EXPLANATION", "DECISION:", "A description of",
		"guidelines", "ODG ", "MTUS", "Criteria", " recommends ", " notes", "state", "at least ", "Relief", "weeks",
		"Date of injury: ", "DOI", "(DOI) ", "xDOI", "injured on ", "on ", "was ", "abd", "cd", "xcd", "xy", "éy", "Ky", "s ",
		"he / she", "His/Her", "hers /", "help", "shoulder", " y", "z", "\r\n",
		"over ", "More than", "18", "twenty-five", "+", "  years", "YEARS", " of ", "experience", "\t", "\v", "yz"}
	var b strings.Builder
	for b.Len() < n {
		b.WriteString(pieces[r.Intn(len(pieces))])
	}
	return b.String()
}

func TestMatcherAgreesWithRegexp(t *testing.T) {
	r := rand.New(rand.NewSource(1))
	for _, p := range matcherPatterns {
		re := regexp.MustCompile(p)
		m := NewMatcher(re)
		anchored := regexp.MustCompile(`^(?:` + p + `)`)
		for k := 0; k < 2000; k++ {
			s := randomText(r, r.Intn(120))
			want := re.MatchString(s)
			if !m.MayMatchString(s) && want {
				t.Fatalf("%s: MayMatchString(%q) = false", p, s)
			}
			if got := m.MatchString(s); got != want {
				t.Fatalf("%s: MatchString(%q) = %v", p, s, got)
			}
			if got := m.MatchText(NewText(s)); got != want {
				t.Fatalf("%s: MatchText(%q) = %v", p, s, got)
			}
			if d := cmp.Diff(re.FindAllStringSubmatchIndex(s, -1), m.FindAllStringSubmatchIndex(s)); d != "" {
				t.Fatalf("%s: FindAllStringSubmatchIndex(%q):\n%s", p, s, d)
			}
			for i := 0; i <= len(s) && k%4 == 0; i++ {
				for _, w := range []int{0, 12} {
					end := len(s)
					if w > 0 {
						end = min(end, i+w)
					}
					want := anchored.FindStringSubmatchIndex(s[i:end])
					for k := range want {
						if want[k] >= 0 {
							want[k] += i
						}
					}
					if i == len(s) {
						want = nil // MatchAt never tries the end of the text
					}
					if d := cmp.Diff(want, m.MatchAt(s, i, w)); d != "" {
						t.Fatalf("%s: MatchAt(%q, %d, %d):\n%s", p, s, i, w, d)
					}
				}
			}
			if len(s) > 0 {
				txt := NewText(s)
				a := r.Intn(len(s))
				b := a + r.Intn(len(s)-a+1)
				if got := m.MatchIn(txt, a, b); got != re.MatchString(s[a:b]) {
					t.Fatalf("%s: MatchIn(%q) = %v", p, s[a:b], got)
				}
			}
			if d := cmp.Diff(re.FindStringIndex(s), m.FindStringIndex(s)); d != "" {
				t.Fatalf("%s: FindStringIndex(%q):\n%s", p, s, d)
			}
			if d := cmp.Diff(re.FindStringSubmatchIndex(s), m.FindStringSubmatchIndex(s)); d != "" {
				t.Fatalf("%s: FindStringSubmatchIndex(%q):\n%s", p, s, d)
			}
			if d := cmp.Diff(re.FindAllStringIndex(s, -1), m.FindAllStringIndex(s)); d != "" {
				t.Fatalf("%s: FindAllStringIndex(%q):\n%s", p, s, d)
			}
			if loc := re.FindStringIndex(s); loc != nil && (loc[1] > loc[0] && !m.MayStartWith(s[loc[0]]) || loc[1] == loc[0] && !m.MayBeEmpty()) {
				t.Fatalf("%s: match %q starts with a byte MayStartWith rejects", p, s[loc[0]:loc[1]])
			}
		}
	}
}

func TestMatcherShortcuts(t *testing.T) {
	for _, tc := range []struct {
		pattern         string
		prefix, regions bool
	}{
		{`\bIMR\b`, true, false},
		{`(?i)\bindependent\s+medical\s+review\b`, true, false},
		{`(?:X{1,2}|[0-9]{1,2})/(?:X{1,2}|[0-9]{1,2})/(?:X{2,4}|[0-9]{2}|[0-9]{4}):`, false, true},
		{`[a-z]{2}\.([A-Z][a-z])`, false, true},
	} {
		if m := NewMatcher(regexp.MustCompile(tc.pattern)); tc.regions && !m.pair {
			t.Errorf("%s: no byte pair", tc.pattern)
		}
		m := NewMatcher(regexp.MustCompile(tc.pattern))
		if (m.rest != nil) != tc.prefix || m.regionOK != tc.regions {
			t.Errorf("%s: prefix scan %v, region scan %v; want %v, %v", tc.pattern, m.rest != nil, m.regionOK, tc.prefix, tc.regions)
		}
	}
	// The needed literal is the lead only when it is the pattern's first
	// literal and the rarest choice.
	for p, want := range map[string]bool{
		`PATIENT CLINICAL HISTORY`:               true,
		`(?i)\bindependent\s+medical\s+review\b`: true,
		`\bx\s*MAXIMUS`:                          false, // needs "MAXIMUS", starts with "x"
		`[a-z]{2}\.([A-Z][a-z])`:                 false,
	} {
		if got := NewMatcher(regexp.MustCompile(p)).needIsLead; got != want {
			t.Errorf("%s: needIsLead %v, want %v", p, got, want)
		}
	}
}

// TestMatcherByteJumps checks that the patterns of matcherPatterns meant
// for them take the strings.IndexByte jumps (TestMatcherAgreesWithRegexp
// compares their results with the regexp's).
func TestMatcherByteJumps(t *testing.T) {
	for _, tc := range []struct {
		pattern    string
		startBytes string // the start scan jumps to these
		scanBytes  string // the region scan jumps to these
	}{
		{`\b[Hx](?:e|is|im)\b`, "Hx", ""},
		{`(?:x|X{2})/[0-9]{1,2}`, "Xx", "/"}, // the pair's rarer side
		{`(?:X{1,2}|[0-9]{1,2})/(?:X{1,2}|[0-9]{1,2})/(?:X{2,4}|[0-9]{2}|[0-9]{4}):`, "", "/"},
		{`(?:[:)]|[:)a-z%]\.)([0-9]{1,2}\.)\s`, "", ").:"},
		{`[0-9]{1,2}[:%][a-z]{0,2}`, "", "%:"},
		{`(?i)\b(?:he|his|him|she|her|hers)\s*/\s*(?:he|his|him|she|her|hers)\b`, "", ""},
	} {
		m := NewMatcher(regexp.MustCompile(tc.pattern))
		if m.rest != nil || string(m.startBytes) != tc.startBytes || string(m.scanBytes) != tc.scanBytes {
			t.Errorf("%s: lead %q, start bytes %q, region bytes %q; want no lead, %q, %q", tc.pattern, m.lead.s, m.startBytes, m.scanBytes, tc.startBytes, tc.scanBytes)
		}
	}
	// The start scan of he/she checks the "/" every match holds before
	// its regexp runs.
	m := NewMatcher(regexp.MustCompile(`(?i)\b(?:he|his|him|she|her|hers)\s*/\s*(?:he|his|him|she|her|hers)\b`))
	if len(m.needSets) < 2 || m.needIn("his her", 0, 7) || !m.needIn("his/her", 0, 7) {
		t.Errorf("%s: needIn does not ask for the slash", m.re)
	}
}

func TestLeadSet(t *testing.T) {
	for _, tc := range []struct {
		pattern string
		want    int // literals; 0: none
	}{
		{`(?i)(?P<m>jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?\s+\d`, 12},
		{`[0-9X]{1,2}/`, 0},
		{`(?i)sept`, 1},
		{`(?i)[sk]ep|[ſ]ep`, 2},
		{`\bfoo`, 1},
		{`(?i)(?:date of|\bDOI|injured)\s*$`, 3},
		{`(?:ab|cd)e`, 2},
	} {
		ls := newLeadSet(mustSimplify(t, tc.pattern))
		n := 0
		if ls != nil {
			for _, l := range ls.by {
				n += len(l)
			}
		}
		if n != tc.want {
			t.Errorf("%s: %d lead literals, want %d", tc.pattern, n, tc.want)
		}
		if ls == nil {
			continue
		}
		// The two-byte test (pairs) never turns a place down that the
		// comparisons accept, and the word comparisons agree with the
		// byte comparisons (atBytes).
		r := rand.New(rand.NewSource(4))
		words := 0 // places found by the word comparisons
		for k := 0; k < 300; k++ {
			s := randomText(r, 80) + "Jan fEb Sept ſept Kep kEP dOi Date of ABE cde FOO injured"
			for i := range len(s) {
				got, want := ls.at(s, i), ls.atBytes(s, i)
				if got != want {
					t.Fatalf("%s: at(%q, %d) = %v, want %v", tc.pattern, s, i, got, want)
				}
				if got && i+8 <= len(s) && word8(s, i)&highs == 0 {
					words++
				}
			}
		}
		if words == 0 {
			t.Errorf("%s: no place found by the word comparisons", tc.pattern)
		}
	}
}

func mustSimplify(t *testing.T, p string) *syntax.Regexp {
	t.Helper()
	re, err := syntax.Parse(p, syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	return re.Simplify()
}

func FuzzMatcher(f *testing.F) {
	f.Add(0, "IMR CM17-0005418 in.Per XX/XX/XX:")
	f.Fuzz(func(t *testing.T, k int, s string) {
		if k < 0 {
			k = -k
		}
		p := matcherPatterns[k%len(matcherPatterns)]
		re := regexp.MustCompile(p)
		m := NewMatcher(re)
		if m.MatchText(NewText(s)) != re.MatchString(s) || m.MatchString(s) != re.MatchString(s) {
			t.Fatalf("%s: match differs on %q", p, s)
		}
		if !cmp.Equal(re.FindAllStringSubmatchIndex(s, -1), m.FindAllStringSubmatchIndex(s)) {
			t.Fatalf("%s: FindAll differs on %q", p, s)
		}
	})
}

// TestIndexFold compares indexFold with a search of the lowercased text.
func TestIndexFold(t *testing.T) {
	r := rand.New(rand.NewSource(2))
	lits := []string{"a", "ab", "for", "criteria for", "x1", "1", ": ", " ", "q-z", "zz", "é", "review outcome"}
	for k := 0; k < 5000; k++ {
		s := randomText(r, r.Intn(80))
		lit := lits[r.Intn(len(lits))]
		lower := []byte(s)
		for i, c := range lower {
			if 'A' <= c && c <= 'Z' {
				lower[i] = c + 'a' - 'A'
			}
		}
		want := strings.Index(string(lower), lit)
		if got := indexFold(s, lit); got != want {
			t.Fatalf("indexFold(%q, %q) = %d, want %d", s, lit, got, want)
		}
		// Any anchor finds the same place (foldLit keeps the rarest).
		for a := range len(lit) {
			if got := indexFoldAt(s, lit, a); got != want {
				t.Fatalf("indexFoldAt(%q, %q, %d) = %d, want %d", s, lit, a, got, want)
			}
			if got, want := indexExactAt(s+s, lit, a), strings.Index(s+s, lit); got != want {
				t.Fatalf("indexExactAt(%q, %q, %d) = %d, want %d", s+s, lit, a, got, want)
			}
		}
	}
}

func TestIndexExact(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	lits := []string{"a", "ab", "er", ".\"", ".”", "Dear ", "CLINICAL CASE SUMMARY", "XX/XX/XX:", "x1", "1", ": ", " ", "é.", "IMR", "\xff"}
	for k := 0; k < 5000; k++ {
		s := randomText(r, r.Intn(300))
		lit := lits[r.Intn(len(lits))]
		if got, want := indexExact(s, lit), strings.Index(s, lit); got != want {
			t.Fatalf("indexExact(%q, %q) = %d, want %d", s, lit, got, want)
		}
	}
	if got := indexExact(strings.Repeat("x", 100)+"Dear ", "Dear "); got != 100 {
		t.Errorf("indexExact found Dear at %d, want 100", got)
	}
	if got := indexExact(strings.Repeat("Dea ", 30), "Dear "); got != -1 {
		t.Errorf("indexExact found Dear at %d in a text without it", got)
	}
}

func TestMaxLen(t *testing.T) {
	for _, c := range []struct {
		pattern string
		n       int
		ok      bool
	}{
		{`[0-9]{1,2}/[0-9X]{4}`, 7, true}, // ASCII classes: one byte each
		{`(?i)k`, 3, true},                // folds to the Kelvin sign
		{`(?i)[a-z]`, 3, true},            // the class holds the Kelvin sign
		{`[aé]`, 2, true},                 // its highest rune
		{`[^a]`, utf8.UTFMax, true},       // up to U+10FFFF
		{`.`, utf8.UTFMax, true},          // any rune
		{`\x{FFFD}`, 3, true},             // also an invalid byte: one byte
		{`a+`, 0, false},
	} {
		re := regexp.MustCompile(c.pattern)
		tree, _ := parseSimple(re)
		got, ok := maxLen(tree)
		if got != c.n || ok != c.ok {
			t.Errorf("maxLen(%s) = %d, %v; want %d, %v", c.pattern, got, ok, c.n, c.ok)
		}
		if !ok {
			continue
		}
		// every match found is at most that long
		for _, s := range []string{"12/XX2016", "\u212a", "zé\u212a\U0010FFFF", "\xff\ufffd", "aaa"} {
			for _, loc := range re.FindAllStringIndex(s, -1) {
				if loc[1]-loc[0] > got {
					t.Errorf("%s matches %q, longer than %d", c.pattern, s[loc[0]:loc[1]], got)
				}
			}
		}
	}
}

// TestLitSet compares litSet.in with a search of each literal.
func TestLitSet(t *testing.T) {
	sets := [][]foldLit{
		{{s: "guideline", fold: true}, {s: "odg", fold: true}, {s: "MTUS"}},
		{{s: "/"}, {s: "x", fold: true}, {s: "ab", fold: true}},
		{{s: "é"}, {s: "Ky"}, {s: "12/"}},
	}
	if !newLitSet(sets[0]).in("per ODG,") || newLitSet(sets[0]).in("per mtus,") {
		t.Errorf("litSet: ODG folded, MTUS exact")
	}
	r := rand.New(rand.NewSource(3))
	for _, ls := range sets {
		set := newLitSet(ls)
		for range 3000 {
			s := randomText(r, r.Intn(40))
			want := false
			for _, l := range ls {
				want = want || l.in(s)
			}
			if got := set.in(s); got != want {
				t.Fatalf("%v: in(%q) = %v, want %v", ls, s, got, want)
			}
		}
	}
}
