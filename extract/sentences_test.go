package extract

import (
	"errors"
	"fmt"
	"math/rand"
	"os"
	"path/filepath"
	"regexp/syntax"
	"sort"
	"strings"
	"sync"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/jdkato/prose/v3/segment"
	"github.com/precedent-dev/precedent/internal/rules"
)

// minF1 is the boundary F1 our splitter must reach on testdata/sentences
// (measured: see TestSplitAnnotated -v).
const minF1 = 0.97

func newTestSplitter(t testing.TB) *Splitter {
	t.Helper()
	s, err := NewSplitter()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// texts returns the sentences of text as strings with white space folded.
func texts(text string, ss []Sentence) []string {
	var out []string
	for _, s := range ss {
		out = append(out, strings.Join(strings.Fields(text[s.Start:s.End]), " "))
	}
	return out
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want []string
	}{
		{"abbreviations never end", "Pt. states pain is 7/10. Dr. Lee saw him approx. 2 wks ago vs. 4 last time.",
			[]string{"Pt. states pain is 7/10.", "Dr. Lee saw him approx. 2 wks ago vs. 4 last time."}},
		{"may-end abbreviation before a capital", "Continue PT 2x/wk. x 6 wks. Dx: sprain.",
			[]string{"Continue PT 2x/wk. x 6 wks.", "Dx: sprain."}},
		{"entry header without a period before it", "Plan: FU 6 months XX/XX/XX: Office Visit. HPI: better.",
			[]string{"Plan: FU 6 months", "XX/XX/XX: Office Visit.", "HPI: better."}},
		{"entry header with a real date", "Plan: injection\n10/16/14: Office Visit.",
			[]string{"Plan: injection", "10/16/14: Office Visit."}},
		{"ALL-CAPS heading", "PATIENT CLINICAL HISTORY [SUMMARY]:\nXX/XX/XX: Office Visit.",
			[]string{"PATIENT CLINICAL HISTORY [SUMMARY]:", "XX/XX/XX: Office Visit."}},
		{"label heading after text without a period", "HPI: pain 8/10 Physical Exam: tender.",
			[]string{"HPI: pain 8/10", "Physical Exam: tender."}},
		{"enumeration after a label", "Impression: 1. Prior fusion at L5-S1 level. 2. Mild step off.",
			[]string{"Impression:", "1. Prior fusion at L5-S1 level.", "2. Mild step off."}},
		{"glued list items", "sacroiliac blocks:1. The history is clear (see above).2. Diagnostic evaluation first.3. The patient failed PT.",
			[]string{"sacroiliac blocks:", "1. The history is clear (see above).", "2. Diagnostic evaluation first.", "3. The patient failed PT."}},
		{"missing space after a period", "not addressed by the MTUS.Per ODG TWC it is not recommended.",
			[]string{"not addressed by the MTUS.Per ODG TWC it is not recommended."}}, // uppercase before the period: not split
		{"missing space after a lowercase word", "sacroiliac joint injections.Per ODG TWC it is an option.",
			[]string{"sacroiliac joint injections.", "Per ODG TWC it is an option."}},
		{"no split inside tokens", "1.5 year s/p fusion L5-S1, f/u 5/5 strength, No. 3 p.o. b.i.d. i.e. e.g. done.",
			[]string{"1.5 year s/p fusion L5-S1, f/u 5/5 strength, No. 3 p.o. b.i.d. i.e. e.g. done."}},
		{"blank line is a paragraph break", "Upheld (Agree)\n\nProvide a description.",
			[]string{"Upheld (Agree)", "Provide a description."}},
		{"citation stays with its sentence", "Blocks are performed under fluoroscopy. (Hansen, 2003) A response is recorded.",
			[]string{"Blocks are performed under fluoroscopy. (Hansen, 2003)", "A response is recorded."}},
		{"closing quote glued to the next sentence", `as indicated below."Criteria for use follow.`,
			[]string{`as indicated below."`, "Criteria for use follow."}},
		{"empty", "", nil},
		{"spaces only", " \n\n \t", nil},
	}
	s := newTestSplitter(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := s.Split(tt.in)
			checkSentences(t, tt.in, got)
			if diff := cmp.Diff(tt.want, texts(tt.in, got)); diff != "" {
				t.Errorf("Split(%q) (-want +got):\n%s", tt.in, diff)
			}
		})
	}
}

// checkSentences checks the invariants of Split: sorted, non-overlapping,
// in bounds, trimmed, non-empty, covering every non-space byte.
func checkSentences(t testing.TB, text string, ss []Sentence) {
	t.Helper()
	covered := 0
	prevEnd := 0
	for i, s := range ss {
		if s.Start < prevEnd || s.End <= s.Start || s.End > len(text) {
			t.Fatalf("sentence %d %v out of order or bounds (prev end %d, len %d)", i, s, prevEnd, len(text))
		}
		if a, b := trimSpan(text, s.Start, s.End); a != s.Start || b != s.End {
			t.Fatalf("sentence %d %v not trimmed", i, s)
		}
		for _, r := range text[prevEnd:s.Start] {
			if !unicode.IsSpace(r) {
				t.Fatalf("non-space %q between sentences %d and %d", r, i-1, i)
			}
		}
		covered += s.End - s.Start
		prevEnd = s.End
	}
	if strings.TrimFunc(text[prevEnd:], unicode.IsSpace) != "" {
		t.Fatalf("text after the last sentence is not covered")
	}
}

// An annotated case is a txtar file of testdata/sentences: "-- text --"
// (a letter, normalized before splitting) and "-- want --" (one sentence per
// line, white space folded).
type annotated struct {
	name string
	text string
	want []string
}

func readAnnotated(t testing.TB) []annotated {
	t.Helper()
	files, err := filepath.Glob(filepath.Join("testdata", "sentences", "*.txtar"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no testdata/sentences/*.txtar: %v", err)
	}
	var out []annotated
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		sections := parseTxtar(string(b))
		text, ok1 := sections["text"]
		want, ok2 := sections["want"]
		if !ok1 || !ok2 {
			t.Fatalf("%s: want sections text and want", f)
		}
		a := annotated{name: filepath.Base(f)}
		a.text, _ = Normalize(text)
		for _, l := range strings.Split(want, "\n") {
			if l = strings.TrimSpace(l); l != "" {
				a.want = append(a.want, l)
			}
		}
		out = append(out, a)
	}
	return out
}

// parseTxtar splits a txtar archive into its files (the comment is dropped).
func parseTxtar(s string) map[string]string {
	files := map[string]string{}
	name := ""
	var cur strings.Builder
	flush := func() {
		if name != "" {
			files[name] = cur.String()
		}
		cur.Reset()
	}
	for _, line := range strings.SplitAfter(s, "\n") {
		trimmed := strings.TrimRight(line, "\n")
		if strings.HasPrefix(trimmed, "-- ") && strings.HasSuffix(trimmed, " --") && len(trimmed) > 6 {
			flush()
			name = strings.TrimSpace(trimmed[3 : len(trimmed)-3])
			continue
		}
		cur.WriteString(line)
	}
	flush()
	return files
}

// nonSpaceBefore maps byte offsets of text to the number of non-space runes
// before them, the coordinates in which boundaries are compared (so that the
// annotation need not repeat line breaks).
func boundaries(text string, starts []int) map[int]bool {
	set := map[int]bool{}
	i, n := 0, 0
	for _, st := range starts {
		for i < st {
			r, size := utf8.DecodeRuneInString(text[i:])
			if !unicode.IsSpace(r) {
				n++
			}
			i += size
		}
		if n > 0 {
			set[n] = true
		}
	}
	return set
}

func wantBoundaries(want []string) (map[int]bool, string) {
	set := map[int]bool{}
	n := 0
	var all strings.Builder
	for _, w := range want {
		if n > 0 {
			set[n] = true
		}
		for _, r := range w {
			if !unicode.IsSpace(r) {
				n++
				all.WriteRune(r)
			}
		}
	}
	return set, all.String()
}

type prf struct{ tp, fp, fn int }

func (c *prf) add(want, got map[int]bool) {
	for b := range got {
		if want[b] {
			c.tp++
		} else {
			c.fp++
		}
	}
	for b := range want {
		if !got[b] {
			c.fn++
		}
	}
}

func (c prf) scores() (p, r, f float64) {
	if c.tp+c.fp > 0 {
		p = float64(c.tp) / float64(c.tp+c.fp)
	}
	if c.tp+c.fn > 0 {
		r = float64(c.tp) / float64(c.tp+c.fn)
	}
	if p+r > 0 {
		f = 2 * p * r / (p + r)
	}
	return p, r, f
}

func (c prf) String() string {
	p, r, f := c.scores()
	return fmt.Sprintf("P %.3f R %.3f F1 %.3f (tp %d fp %d fn %d)", p, r, f, c.tp, c.fp, c.fn)
}

// TestSplitAnnotated measures sentence-boundary precision and recall of
// plain prose segmentation and of our Splitter on the hand-annotated set.
func TestSplitAnnotated(t *testing.T) {
	s := newTestSplitter(t)
	seg, err := segment.New()
	if err != nil {
		t.Fatal(err)
	}
	var ours, raw prf
	for _, a := range readAnnotated(t) {
		want, wantChars := wantBoundaries(a.want)
		textChars := strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) {
				return -1
			}
			return r
		}, a.text)
		if wantChars != textChars {
			t.Fatalf("%s: the want sentences do not spell the normalized text", a.name)
		}
		got := s.Split(a.text)
		checkSentences(t, a.text, got)
		var starts []int
		for _, x := range got {
			starts = append(starts, x.Start)
		}
		var c prf
		c.add(want, boundaries(a.text, starts))
		ours.tp, ours.fp, ours.fn = ours.tp+c.tp, ours.fp+c.fp, ours.fn+c.fn

		starts = starts[:0]
		for _, x := range seg.Segment(a.text) {
			starts = append(starts, x.Start)
		}
		var r prf
		r.add(want, boundaries(a.text, starts))
		raw.tp, raw.fp, raw.fn = raw.tp+r.tp, raw.fp+r.fp, raw.fn+r.fn
		t.Logf("%-36s %3d sentences  ours: %v  prose: %v", a.name, len(a.want), c, r)
		if testing.Verbose() {
			wantTexts := a.want
			gotTexts := texts(a.text, got)
			if diff := cmp.Diff(wantTexts, gotTexts); diff != "" {
				t.Logf("%s (-want +got):\n%s", a.name, diff)
			}
		}
	}
	t.Logf("all: ours %v", ours)
	t.Logf("all: prose %v", raw)
	if _, _, f := ours.scores(); f < minF1 {
		t.Errorf("boundary F1 %.3f < %.3f", f, minF1)
	}
	if _, _, f := raw.scores(); f >= minF1 {
		t.Errorf("plain prose reaches F1 %.3f: the test set no longer tells the splitters apart", f)
	}
}

func TestSplitterConcurrent(t *testing.T) {
	s := newTestSplitter(t)
	cases := readAnnotated(t)
	want := make([][]Sentence, len(cases))
	for i, a := range cases {
		want[i] = s.Split(a.text)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 8*len(cases))
	for g := 0; g < 8; g++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, a := range cases {
				if got := s.Split(a.text); !cmp.Equal(want[i], got) {
					errs <- fmt.Errorf("%s: concurrent Split differs", a.name)
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestNewSplitterBadData(t *testing.T) {
	okSent := string(sentencesYAML)
	okAbbr := string(abbreviationsYAML)
	tests := []struct {
		name, abbr, sent, want string
	}{
		{"unknown key", okAbbr + "\nextra: [x]\n", okSent, "data/abbreviations.yaml"},
		{"abbreviation without period", "never_split:\n  - dr.\n  - pt\nmay_end: []\n", okSent, "data/abbreviations.yaml:3:"},
		{"abbreviation in both lists", "never_split:\n  - dr.\nmay_end:\n  - dr.\n", okSent, "data/abbreviations.yaml:4:"},
		{"uppercase abbreviation", "never_split:\n  - Dr.\nmay_end: []\n", okSent, "data/abbreviations.yaml:2:"},
		{"bad regexp", okAbbr, strings.Replace(okSent, "entry: '", "entry: '(", 1), "data/sentences.yaml:"},
		{"glued pattern without group", okAbbr, okSent + "", ""},
		{"lowercase label", okAbbr, strings.Replace(okSent, "  - HPI\n", "  - hpi\n", 1), "must start with a capital"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newSplitter([]byte(tt.abbr), []byte(tt.sent))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			var de *rules.Error
			if !errors.As(err, &de) || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("err = %v, want a *rules.Error containing %q", err, tt.want)
			}
		})
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("Pt. states pain. Plan: FU 6 months XX/XX/XX: Office Visit.")
	f.Add("blocks:1. The history (see above).2. Diagnostic.\n\nCLINICAL CASE SUMMARY\n")
	f.Add("injections.Per ODG \"x.\"Criteria: 1. a\n\n\n 2) b")
	f.Add("\u00a0\u2028 ☒ Upheld  \xff")
	s := newTestSplitter(f)
	f.Fuzz(func(t *testing.T, text string) {
		got := s.Split(text)
		checkSentences(t, text, got)
		if again := s.Split(text); !cmp.Equal(got, again) {
			t.Fatal("not deterministic")
		}
	})
}

func BenchmarkSplit(b *testing.B) {
	raw, err := os.ReadFile(seedPath(b, "iro_si_injection_upheld.txt"))
	if err != nil {
		b.Fatal(err)
	}
	text, _ := Normalize(string(raw))
	s := newTestSplitter(b)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		s.Split(text)
	}
}

func TestRuneCount(t *testing.T) {
	pieces := []string{"a", " ", "abcdefgh", "é", "\xff", "\xe2\x80", "’", "0123456"}
	for k := 0; k < 5000; k++ {
		var b strings.Builder
		for n := k % 13; n > 0; n-- {
			b.WriteString(pieces[(k*7+n*3)%len(pieces)])
		}
		s := b.String()
		for i := 0; i <= len(s); i++ {
			if got, want := runeCount(s[i:]), utf8.RuneCountInString(s[i:]); got != want {
				t.Fatalf("runeCount(%q) = %d, want %d", s[i:], got, want)
			}
		}
	}
}

// TestByteHelpersAgree compares the byte-level helpers of hardCuts and
// softCuts with the strings and unicode calls they replace, on random
// strings of spaces, quotes, brackets, letters and bytes outside ASCII.
func TestByteHelpersAgree(t *testing.T) {
	pieces := []string{"a", "B", "é", "É", " ", "\t", "\n", "\u00a0", "\u2028", "\u0085", ".", ":", ";", "?", "!", "\"", "'", ")", "]", "}",
		"’", "”", "“", "‘", "(", "[", "\xff", "\xe2\x80", "ǅ", "1"}
	r := rand.New(rand.NewSource(7))
	for k := 0; k < 20000; k++ {
		var b strings.Builder
		for n := r.Intn(9); n > 0; n-- {
			b.WriteString(pieces[r.Intn(len(pieces))])
		}
		s := b.String()
		last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(s, `"')]}’”`))
		if got, want := endsFinished(s), strings.ContainsRune(".!?:;", last); got != want {
			t.Fatalf("endsFinished(%q) = %v, want %v", s, got, want)
		}
		letters, lower := 0, false
		for _, r := range s {
			lower = lower || unicode.IsLower(r)
			if unicode.IsLetter(r) {
				letters++
			}
		}
		if got, want := isHeadingLine(s), !lower && letters >= 4; got != want {
			t.Fatalf("isHeadingLine(%q) = %v, want %v", s, got, want)
		}
		if got, want := lastWordStart(s), strings.LastIndexFunc(s, unicode.IsSpace)+1; got != want {
			t.Fatalf("lastWordStart(%q) = %d, want %d", s, got, want)
		}
		if got, want := trimOpeners(s), strings.TrimLeft(s, `(["'“‘`); got != want {
			t.Fatalf("trimOpeners(%q) = %q, want %q", s, got, want)
		}
		a, e := trimSpan(s, 0, len(s))
		if got, want := s[a:e], strings.TrimSpace(s); got != want || !strings.Contains(s[:a+len(want)], want) {
			t.Fatalf("trimSpan(%q) = %q, want %q", s, got, want)
		}
	}
}

func TestLineLengthsNth(t *testing.T) {
	r := rand.New(rand.NewSource(8))
	for k := 0; k < 2000; k++ {
		var l lineLengths
		var all []int
		for n := 1 + r.Intn(40); n > 0; n-- {
			x := 1 + r.Intn(300)
			l.add(x)
			all = append(all, x)
		}
		sort.Ints(all)
		for i := range all {
			if got := l.nth(i); got != all[i] {
				t.Fatalf("nth(%d) = %d, want %d (%v)", i, got, all[i], all)
			}
		}
	}
}

// TestMaxEnumeratorOnly checks the hand-written bound maxEnumeratorOnly
// against reEnumeratorOnly: the longest match its syntax allows, and a
// match of that length.
func TestMaxEnumeratorOnly(t *testing.T) {
	tree, err := syntax.Parse(reEnumeratorOnly.String(), syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	n, ok := longestMatch(tree)
	if !ok {
		t.Fatalf("%s: matches of any length", reEnumeratorOnly)
	}
	if n != maxEnumeratorOnly {
		t.Errorf("longest match of %s is %d bytes, maxEnumeratorOnly = %d", reEnumeratorOnly, n, maxEnumeratorOnly)
	}
	if !reEnumeratorOnly.MatchString("(12)") || reEnumeratorOnly.MatchString("(123)") {
		t.Errorf("%s: want a match of (12) and none of (123)", reEnumeratorOnly)
	}
}

// longestMatch returns the most bytes a match of t can have, false when
// unbounded.
func longestMatch(t *syntax.Regexp) (int, bool) {
	switch t.Op {
	case syntax.OpEmptyMatch, syntax.OpBeginLine, syntax.OpEndLine, syntax.OpBeginText, syntax.OpEndText,
		syntax.OpWordBoundary, syntax.OpNoWordBoundary:
		return 0, true
	case syntax.OpLiteral:
		n := 0
		for _, r := range t.Rune {
			n += utf8.RuneLen(r)
		}
		return n, true
	case syntax.OpCharClass:
		if len(t.Rune) == 0 {
			return 0, true
		}
		return utf8.RuneLen(t.Rune[len(t.Rune)-1]), true
	case syntax.OpAnyChar, syntax.OpAnyCharNotNL:
		return utf8.UTFMax, true
	case syntax.OpCapture, syntax.OpQuest:
		return longestMatch(t.Sub[0])
	case syntax.OpRepeat:
		n, ok := longestMatch(t.Sub[0])
		return n * t.Max, ok && t.Max >= 0
	case syntax.OpConcat, syntax.OpAlternate:
		total := 0
		for _, s := range t.Sub {
			n, ok := longestMatch(s)
			if !ok {
				return 0, false
			}
			if t.Op == syntax.OpConcat {
				total += n
			} else {
				total = max(total, n)
			}
		}
		return total, true
	}
	return 0, false // star, plus
}
