package extract

import (
	"bytes"
	"maps"
	"math/rand"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/precedent-dev/precedent/internal/testenv"
	"golang.org/x/text/unicode/norm"
)

func TestNormalize(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		// hyphenation
		{"hyphen before lowercase is dropped", "injections for non-\n\ninflammatory pathology.", "injections for noninflammatory\npathology."},
		{"hyphen across a page break", "for non-\n\fninflammatory x", "for nonninflammatory\nx"},
		{"hyphen before a capital is kept", "fusion at L5-\nS1 level.", "fusion at L5-S1\nlevel."},
		{"anti-TNF is kept", "biologic treatments (anti-\nTNF and/or", "biologic treatments (anti-TNF\nand/or"},
		{"hyphen before a digit is kept", "for 4-\n6 weeks", "for 4-6\nweeks"},
		{"hyphen after a digit is kept", "a 360-\ndegree fusion", "a 360-degree\nfusion"},
		{"listed compound keeps its hyphen", "plan a follow-\nup visit.", "plan a follow-up\nvisit."},
		{"listed prefix keeps its hyphen", "active self-\ndirected home exercise.", "active self-directed\nhome exercise."},
		{"compound spelled with a hyphen elsewhere", "for non-inflammatory SI pathology.\nInstead of injections for non-\n\ninflammatory sacroiliac pathology.", "for non-inflammatory SI pathology.\nInstead of injections for non-inflammatory\nsacroiliac pathology."},
		{"word alone on the next line", "the claims non-\nadministrator.\nNext.", "the claims nonadministrator.\nNext."},
		{"dash after a space is not a hyphen", "Upheld -\nnot disputed", "Upheld -\nnot disputed"},
		{"next line starts with punctuation", "pre-\n(op) visit", "pre-\n(op) visit"},
		{"chained hyphens", "a non-\nsteroid-\nal drug", "a nonsteroidal\ndrug"},
		// blank lines
		{"blank line before lowercase is a wrap", "He/she has no\n\naffiliation with the employer.", "He/she has no\naffiliation with the employer."},
		{"blank line after a sentence is kept", "The request is denied.\n\nthe next paragraph", "The request is denied.\n\nthe next paragraph"},
		{"blank line before a capital is kept", "Evidence-Based Practice Center\n\nMAXIMUS guideline:", "Evidence-Based Practice Center\n\nMAXIMUS guideline:"},
		{"blank line after a continuation word", "Plan: Pt requires a\n\nHWR procedure.", "Plan: Pt requires a\nHWR procedure."},
		{"blank line after a glued list number", "sacroiliac blocks:1.\n\nThe history", "sacroiliac blocks:1.\nThe history"},
		{"blank line after a finished list item is kept", "performed.\n\n2. The block", "performed.\n\n2. The block"},
		{"three newlines become two", "A.\n\n\n\nB.", "A.\n\nB."},
		{"leading and trailing blank lines", "\n\n  A.  \n\n", "A."},
		// spaces and characters
		{"spaces folded, lines trimmed", "  Upheld     (Agree) \t\nx  ", "Upheld (Agree)\nx"},
		{"no-break spaces", "5\u00a0ft\u202f10\u2007in", "5 ft 10 in"},
		{"checkboxes and curly quotes kept", "☒ Upheld ☐ Overturned ■ □ [X] “Pt’s”", "☒ Upheld ☐ Overturned ■ □ [X] “Pt’s”"},
		{"ligatures", "signiﬁcant ﬂexion", "significant flexion"},
		{"NFC", "cafe\u0301", "caf\u00e9"},
		{"controls and zero-width characters dropped", "a\x00b\u200bc\u00add\x07", "abcd"},
		{"CRLF", "a\r\nb\rc", "a\nb\nc"},
		{"invalid UTF-8", "a\xffb", "a\ufffdb"},
		// page artifacts
		{"Page N of M anywhere", "The request.\nPage 2 of 5\nis denied.", "The request.\nis denied."},
		{"page numbers at page edges", "Body one\n1\fBody two\n- 2 -\fPage 3\nBody three", "Body one\nBody two\nBody three"},
		{"number other than the page number is kept", "Body\n2\nmore text\nend one\fnext page\nother\nend two", "Body\n2\nmore text\nend one\nnext page\nother\nend two"},
		{"running header and footer", "Acme IRO Case 1234\nFirst page text.\nConfidential\fAcme IRO Case 1234\nSecond page text.\nConfidential\fAcme IRO Case 1234\nThird page text.\nConfidential",
			"First page text.\nSecond page text.\nThird page text."},
		{"repeated sentence at page ends is kept", "a\nb\nthe request is not medically necessary.\fc\nd\nthe request is not medically necessary.",
			"a\nb\nthe request is not medically necessary.\nc\nd\nthe request is not medically necessary."},
		{"word broken across a footer and a header", "Acme Review\nText about non-\nPage 1 of 3\fAcme Review\ninflammatory disease.\nPage 2 of 3\fAcme Review\nEnd.",
			"Text about noninflammatory\ndisease.\nEnd."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, _ := Normalize(tt.in)
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("Normalize(%q) (-want +got):\n%s", tt.in, diff)
			}
			if !strings.Contains(tt.in, "\f") {
				if again, _ := Normalize(got); again != got {
					t.Errorf("not idempotent: %q -> %q", got, again)
				}
			}
		})
	}
}

func TestNormalizePageStarts(t *testing.T) {
	tests := []struct {
		name  string
		in    string
		pages []string // the text from each page start to the next
	}{
		{"no form feed", "one\ntwo", []string{"one\ntwo"}},
		{"three pages", "one.\n\ftwo.\n\fthree.", []string{"one.\n\n", "two.\n\n", "three."}},
		{"page break without blank line", "one\ftwo", []string{"one\n", "two"}},
		{"empty middle page", "one.\f\ftwo.", []string{"one.\n\n", "", "two."}},
		{"trailing empty page", "one.\ftwo.\f", []string{"one.\n", "two.", ""}},
		{"word pulled up across the break", "a non-\finflammatory b", []string{"a noninflammatory\n", "b"}},
		{"page emptied by the join", "a non-\finflammatory\fb.", []string{"a noninflammatory\n", "", "b."}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			text, starts := Normalize(tt.in)
			if len(starts) != len(tt.pages) {
				t.Fatalf("got %d page starts %v, want %d", len(starts), starts, len(tt.pages))
			}
			var got []string
			for i, s := range starts {
				end := len(text)
				if i+1 < len(starts) {
					end = starts[i+1]
				}
				got = append(got, text[s:end])
			}
			if diff := cmp.Diff(tt.pages, got); diff != "" {
				t.Errorf("pages of %q (-want +got):\n%s", text, diff)
			}
		})
	}
}

// seedPath returns the path of a seed letter, skipping the test when the
// shared seeds are absent.
func seedPath(t testing.TB, name string) string {
	t.Helper()
	p := filepath.Join(testenv.RepoRoot(t), "..", "shared", "seeds", name)
	if _, err := os.Stat(p); err != nil {
		t.Skipf("seed %s not found (../shared/seeds next to the repository): %v", name, err)
	}
	return p
}

var seedNames = []string{"iro_si_injection_upheld.txt", "imr_si_block_upheld.txt"}

// TestNormalizeGolden compares the normalized seeds with
// testdata/text/<seed>.golden (rewrite with -update).
func TestNormalizeGolden(t *testing.T) {
	for _, name := range seedNames {
		t.Run(name, func(t *testing.T) {
			raw, err := os.ReadFile(seedPath(t, name))
			if err != nil {
				t.Fatal(err)
			}
			text, _, err := decodeText(raw)
			if err != nil {
				t.Fatal(err)
			}
			got, _ := Normalize(text)
			if again, _ := Normalize(got); again != got {
				t.Error("not idempotent")
			}
			golden := filepath.Join("testdata", "text", strings.TrimSuffix(name, ".txt")+".golden")
			if *update {
				if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (run go test ./extract -run TestNormalizeGolden -update to create it)", err)
			}
			if diff := cmp.Diff(string(want), got); diff != "" {
				t.Errorf("%s (-want +got):\n%s", golden, diff)
			}
		})
	}
}

// TestNormalizeCorpus runs pdftotext over the real IMR letters and checks
// that Normalize loses no letter (the corpus has no running headers), keeps
// one page start per page and is idempotent.
func TestNormalizeCorpus(t *testing.T) {
	files := testenv.CorpusPDFs(t)
	pdftotext := testenv.Pdftotext(t)
	if testing.Short() && len(files) > 10 {
		files = files[:10]
	}
	sig := func(s string) string {
		return strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || r == '-' {
				return -1
			}
			return r
		}, s)
	}
	for _, f := range files {
		out, err := exec.Command(pdftotext, "-enc", "UTF-8", f, "-").Output()
		if err != nil {
			t.Fatalf("pdftotext %s: %v", filepath.Base(f), err)
		}
		raw := string(out)
		text, starts := Normalize(raw)
		name := filepath.Base(f)
		if sig(text) != sig(raw) {
			t.Errorf("%s: normalized text lost or changed letters", name)
		}
		if want := strings.Count(raw, "\f") + 1; len(starts) != want {
			t.Errorf("%s: %d page starts, want %d", name, len(starts), want)
		}
		if again, _ := Normalize(text); again != text {
			t.Errorf("%s: not idempotent", name)
		}
	}
}

func FuzzNormalize(f *testing.F) {
	f.Add("non-\n\ninflammatory L5-\nS1 anti-\fTNF\n\nPage 1 of 2\n")
	f.Add("a\r\nb\u00a0c  d\t\te\x00\n\n\n\nf")
	f.Add("Header\nx\n1\fHeader\ny\n2\fHeader\nz\n3")
	f.Add("blocks:1.\n\nThe history\n\nof ☒ “x”")
	f.Add("cafe\u0301 ﬁ \xff\xfe")
	for _, name := range seedNames {
		if b, err := os.ReadFile(filepath.Join(testenv.RepoRoot(f), "..", "shared", "seeds", name)); err == nil {
			f.Add(string(b))
		}
	}
	f.Fuzz(func(t *testing.T, raw string) {
		text, starts := Normalize(raw)
		if utf8.ValidString(raw) && !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 out for valid input")
		}
		if !utf8.ValidString(text) {
			t.Fatalf("invalid UTF-8 out")
		}
		if want := strings.Count(raw, "\f") + 1; len(starts) != want {
			t.Fatalf("%d page starts, want %d", len(starts), want)
		}
		for i, s := range starts {
			if s < 0 || s > len(text) || (i > 0 && s < starts[i-1]) {
				t.Fatalf("page starts %v not sorted in [0,%d]", starts, len(text))
			}
		}
		again, starts2 := Normalize(raw)
		if again != text || !slices.Equal(starts, starts2) {
			t.Fatal("not deterministic")
		}
		if !strings.Contains(raw, "\f") {
			if twice, _ := Normalize(text); twice != text {
				t.Fatalf("not idempotent:\n%q\n%q", text, twice)
			}
		}
		if bytes.Contains([]byte(text), []byte("\n\n\n")) || strings.ContainsAny(text, "\f\r\t") {
			t.Fatalf("left artifacts in %q", text)
		}
	})
}

func TestLinePairsAgreesWithRegexp(t *testing.T) {
	re := regexp.MustCompile(`[\pL\pN]+(?:-[\pL\pN]+)+`)
	pieces := []string{"a", "Z", "9", "é", "²", "-", "--", " ", ".", "\xff", "\xe2\x80", "L5", "S1", "non", "ⅷ", "É", "Ⅷ", "İ", "Non"}
	r := rand.New(rand.NewSource(1))
	for k := 0; k < 20000; k++ {
		var b strings.Builder
		for n := r.Intn(12); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		want := map[string]bool{}
		for _, w := range re.FindAllString(s, -1) {
			parts := strings.Split(w, "-")
			for k := 0; k+1 < len(parts); k++ {
				want[strings.ToLower(parts[k]+"-"+parts[k+1])] = true
			}
		}
		got := map[string]bool{}
		if linePairs(s, got); !maps.Equal(got, want) {
			t.Fatalf("linePairs(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestLowerKeepsLetterDigit checks what linePairs relies on: every rune is
// a letter or digit exactly when its lowercase is.
func TestLowerKeepsLetterDigit(t *testing.T) {
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if utf8.ValidRune(r) && isLetterDigit(r) != isLetterDigit(unicode.ToLower(r)) {
			t.Errorf("%U is a letter or digit: %v, its lowercase %U: %v", r, isLetterDigit(r), unicode.ToLower(r), isLetterDigit(unicode.ToLower(r)))
		}
	}
}

func TestCleanCharsASCII(t *testing.T) {
	for _, s := range []string{"plain text\nline two ~", "tab\there", "del\x7f", "cr\r\nlf", "bell\a",
		"\ufb01ne caf\u00e9\u00ad", "e\u0301 \u2028x", "bad\xff\xe2\x80 ok", "\ufb06\ufb07 \u0085"} {
		if got, want := cleanChars(s), cleanCharsSlow(s); got != want {
			t.Errorf("cleanChars(%q) = %q, want %q", s, got, want)
		}
	}
}

// TestCleanCharsNFC compares cleanChars with cleanCharsSlow on random
// texts of ASCII and runes NFC changes or combines (combining marks,
// Hangul jamo, singletons such as the Kelvin and Angstrom signs,
// composition exclusions) and runes it leaves alone (curly quotes,
// precomposed letters, checkboxes): nfcInert must never skip a change.
func TestCleanCharsNFC(t *testing.T) {
	pieces := []string{"a", "e", "A", "o", " ", "\n", ".", "\t", "\u00a0",
		"\u2019", "\u201c", "\u00e9", "\u00c5", "\u2610", "\u2612", "\u25a0", "\u2022", "\ufffd", "\ufb01",
		"\u0301", "\u0327", "\u0308", "\u031b", "\u0323", // combining marks
		"\u212a", "\u212b", "\u2126", "\u0344", "\u0958", "\u2000", "\u0340", // singletons, exclusions
		"\u1100", "\u1161", "\u11a8", "\uac00", // Hangul L, V, T, LV
		"\u0ddc", "\u0dcf", "\u0dd9", "\u09c7", "\u09be", // vowel signs that compose
		"\u00ad", "\u200b", "\xff", "\u03d2", "\u1e9b"}
	r := rand.New(rand.NewSource(7))
	for k := 0; k < 50000; k++ {
		var b strings.Builder
		for n := r.Intn(10); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		if got, want := cleanChars(s), cleanCharsSlow(s); got != want {
			t.Fatalf("cleanChars(%q) = %q, want %q", s, got, want)
		}
	}
	// Every ASCII byte starts a segment (nfcInert relies on it).
	for c := 0; c < utf8.RuneSelf; c++ {
		if !norm.NFC.PropertiesString(string(rune(c))).BoundaryBefore() {
			t.Errorf("ASCII %#x: no boundary before", c)
		}
	}
	for _, tt := range []struct {
		r    string
		want bool
	}{{"\u2019", true}, {"\u00e9", true}, {"\u0301", false}, {"\u212b", false}, {"\u11a8", false}} {
		if got := nfcInert(tt.r); got != tt.want {
			t.Errorf("nfcInert(%q) = %v, want %v", tt.r, got, tt.want)
		}
	}
}

// cleanCharsSlow is cleanChars without its ASCII shortcuts.
func cleanCharsSlow(s string) string {
	s = normalizeNewlines(strings.ToValidUTF8(s, "\uFFFD"))
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\n', r == '\v', r == '\u0085', r == '\u2028', r == '\u2029':
			b.WriteByte('\n')
		case r == '\u00AD', r == '\u200B', r == '\u200C', r == '\u200D', r == '\u2060', r == '\uFEFF':
		case unicode.IsSpace(r):
			b.WriteByte(' ')
		case unicode.IsControl(r):
		case ligatures[r] != "":
			b.WriteString(ligatures[r])
		default:
			b.WriteRune(r)
		}
	}
	return norm.NFC.String(b.String())
}

// joinHyphenatedEager is joinHyphenated as it was before docPairs: the
// pairs found from all lines at the first join.
func joinHyphenatedEager(lines []cleanLine) {
	var pairs map[string]bool
	for i := range lines {
		l := &lines[i]
		if l.drop || !endsWithWordHyphen(l.text) {
			continue
		}
		j := nextContent(lines, i+1)
		marked := i + 1
		for j >= 0 && endsWithWordHyphen(l.text) {
			m := &lines[j]
			first, _ := utf8.DecodeRuneInString(m.text)
			if !unicode.IsLetter(first) && !unicode.IsDigit(first) {
				break
			}
			if pairs == nil {
				pairs = hyphenPairs(lines)
			}
			word, rest, _ := strings.Cut(m.text, " ")
			left := l.text[strings.LastIndexByte(l.text, ' ')+1 : len(l.text)-1]
			d := &docPairs{pairs: pairs}
			if keepHyphen(left, word, d) {
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
			if rest == "" {
				m.drop = true
				j = nextContent(lines, j+1)
			}
		}
	}
}

// TestJoinHyphenatedLazyPairs compares joinHyphenated, which finds the
// document's pairs only when a join needs them, with the eager version on
// random lines where joins change lines that hold pairs.
func TestJoinHyphenatedLazyPairs(t *testing.T) {
	words := []string{"non", "inflammatory", "non-inflammatory", "pre", "op", "co", "morbid", "Non", "anti", "TNF",
		"x", "L5", "S1", "4", "intra", "articular", "intra-articular", "re", "injury", "bi", "lateral", "bi-lateral"}
	r := rand.New(rand.NewSource(11))
	for k := 0; k < 20000; k++ {
		var lines []cleanLine
		for n := 1 + r.Intn(6); n > 0; n-- {
			var parts []string
			for m := r.Intn(4); m > 0; m-- {
				parts = append(parts, words[r.Intn(len(words))])
			}
			text := strings.Join(parts, " ")
			if r.Intn(2) == 0 && text != "" {
				text += "-"
			}
			lines = append(lines, cleanLine{text: text, page: 0})
		}
		a, b := slices.Clone(lines), slices.Clone(lines)
		joinHyphenated(a)
		joinHyphenatedEager(b)
		if !slices.Equal(a, b) {
			t.Fatalf("lines %+v:\nlazy  %+v\neager %+v", lines, a, b)
		}
	}
}

// TestJoinHyphenatedChanged checks that joinHyphenated reports every line
// whose text it changed (Normalize looks for page-number lines again in
// those only).
func TestJoinHyphenatedChanged(t *testing.T) {
	words := []string{"non", "inflammatory", "Page", "2", "of", "5", "pre", "op", "x", "L5", "S1"}
	r := rand.New(rand.NewSource(13))
	for k := 0; k < 20000; k++ {
		var lines []cleanLine
		for n := 1 + r.Intn(6); n > 0; n-- {
			var parts []string
			for m := r.Intn(4); m > 0; m-- {
				parts = append(parts, words[r.Intn(len(words))])
			}
			text := strings.Join(parts, " ")
			if r.Intn(2) == 0 && text != "" {
				text += "-"
			}
			lines = append(lines, cleanLine{text: text})
		}
		before := slices.Clone(lines)
		changed := joinHyphenated(lines)
		for i := range lines {
			if lines[i].text != before[i].text && !slices.Contains(changed, i) {
				t.Fatalf("lines %+v: line %d changed to %q, not reported in %v", before, i, lines[i].text, changed)
			}
		}
	}
}

// TestDocPairsSearch compares docPairs.has, which searches the lines for
// the first questions and then lists the pairs, with hyphenPairs.
func TestDocPairsSearch(t *testing.T) {
	words := []string{"Non", "non", "inflammatory", "Anti-TNF", "x-ray", "L5-S1", "É-Ö", "é-ö", "ÉCOLE-x", "a-b-c", "-", "--", "b", "\u212a-x"}
	keys := []string{"non-inflammatory", "anti-tnf", "x-ray", "l5-s1", "é-ö", "école-x", "a-b", "b-c", "c-d", "non-non", "-", "k-x"}
	r := rand.New(rand.NewSource(17))
	for k := 0; k < 5000; k++ {
		var lines []cleanLine
		for n := r.Intn(5); n > 0; n-- {
			var sb strings.Builder
			for m := r.Intn(5); m > 0; m-- {
				sb.WriteString(words[r.Intn(len(words))])
				if r.Intn(3) > 0 {
					sb.WriteString([]string{" ", "-"}[r.Intn(2)])
				}
			}
			lines = append(lines, cleanLine{text: sb.String(), drop: r.Intn(8) == 0})
		}
		want := hyphenPairs(lines)
		d := &docPairs{lines: lines}
		for q := 0; q < 2*pairSearches; q++ {
			key := keys[r.Intn(len(keys))]
			if got := d.has(key); got != want[key] {
				t.Fatalf("lines %+v: has(%q) = %v after %d questions, want %v", lines, key, got, q, want[key])
			}
		}
	}
}

// TestGluedEnumerator compares gluedEnumerator with the regexp it replaced.
func TestGluedEnumerator(t *testing.T) {
	re := regexp.MustCompile(`(?:[:)]|[a-z]\.)[0-9]{1,2}\.$`)
	pieces := []string{"a", "Z", ".", ":", ")", "1", "23", "456", " ", "é", "x.", "blocks:", "above)"}
	r := rand.New(rand.NewSource(19))
	for k := 0; k < 100000; k++ {
		var sb strings.Builder
		for n := r.Intn(7); n > 0; n-- {
			sb.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := sb.String()
		if got, want := gluedEnumerator(s), re.MatchString(s); got != want {
			t.Fatalf("gluedEnumerator(%q) = %v, want %v", s, got, want)
		}
	}
	for _, s := range []string{"blocks:1.", "above)2.", "injections.3.", "z.12."} {
		if !gluedEnumerator(s) {
			t.Errorf("gluedEnumerator(%q) = false", s)
		}
	}
	for _, s := range []string{"blocks 1.", "L5.1", "x:123.", "A.1."} {
		if gluedEnumerator(s) {
			t.Errorf("gluedEnumerator(%q) = true", s)
		}
	}
}

// TestFoldSpaces checks foldSpaces against a byte loop.
func TestFoldSpaces(t *testing.T) {
	r := rand.New(rand.NewSource(23))
	for k := 0; k < 20000; k++ {
		b := make([]byte, r.Intn(20))
		for i := range b {
			b[i] = " \tab"[r.Intn(4)]
		}
		s := string(b)
		var want []byte
		for _, c := range []byte(strings.TrimSpace(s)) {
			if c == ' ' && len(want) > 0 && want[len(want)-1] == ' ' {
				continue
			}
			want = append(want, c)
		}
		if got := foldSpaces(s); got != string(want) {
			t.Fatalf("foldSpaces(%q) = %q, want %q", s, got, want)
		}
	}
}
