package extract

import (
	"context"
	"io/fs"
	"math/rand"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/jdkato/prose/v3/segment"
	"github.com/precedent-dev/precedent/fixtures"
	"github.com/precedent-dev/precedent/internal/testenv"
)

// segmentStarts is what softCuts read before the shortcut: the sentence
// starts of prose's own segmenter (segment.New) on chunk.
func segmentStarts(t testing.TB, chunk string) []int {
	seg, err := segment.New()
	if err != nil {
		t.Fatal(err)
	}
	var out []int
	for _, s := range seg.Segment(chunk) {
		out = append(out, s.Start)
	}
	return out
}

// checkStarts compares punktModel.starts with prose's segmenter on every
// chunk Split gives the model in text, and on the whole text.
func checkStarts(t *testing.T, s *Splitter, name, text string) (chunks int) {
	t.Helper()
	cuts := append(s.hardCuts(text), 0, len(text))
	sort.Ints(cuts)
	cuts = dedupeInts(cuts)
	for i := 0; i+1 < len(cuts); i++ {
		chunk := text[cuts[i]:cuts[i+1]]
		if strings.TrimSpace(chunk) == "" {
			continue
		}
		chunks++
		if d := cmp.Diff(segmentStarts(t, chunk), s.model.starts(chunk, nil, false)); d != "" {
			t.Errorf("%s: chunk %q: sentence starts differ from prose (-prose +ours):\n%s", name, chunk, d)
		}
		checkLeadVetoed(t, s, chunk)
	}
	if strings.TrimSpace(text) != "" {
		if d := cmp.Diff(segmentStarts(t, text), s.model.starts(text, nil, false)); d != "" {
			t.Errorf("%s: whole text: sentence starts differ from prose (-prose +ours):\n%s", name, d)
		}
	}
	return chunks
}

// checkLeadVetoed checks starts with leadVetoed: the starts without it,
// but for the one right after the text's first word.
func checkLeadVetoed(t *testing.T, s *Splitter, text string) {
	t.Helper()
	first := skipSpace(text, 0)
	end, _ := wordEnd(text, first)
	after := skipSpace(text, end)
	drop := func(starts []int) []int {
		var out []int
		for _, st := range starts {
			if st != after || after == first {
				out = append(out, st)
			}
		}
		return out
	}
	if d := cmp.Diff(drop(s.model.starts(text, nil, false)), drop(s.model.starts(text, nil, true))); d != "" {
		t.Errorf("%q: starts with the first word vetoed (-want +got):\n%s", text, d)
	}
}

// TestPunktStartsAgreeWithModel checks the Punkt shortcut against prose's
// segmenter on the fixture letters (text and PDF), the test texts and the
// corpus letters (when present; ten of them with -short).
func TestPunktStartsAgreeWithModel(t *testing.T) {
	s := newTestSplitter(t)
	l, err := NewLoader(Options{})
	if err != nil {
		t.Fatal(err)
	}
	texts := map[string]string{}
	load := func(name string, data []byte) {
		doc, err := l.Load(context.Background(), name, data)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		texts[name] = doc.Text
	}
	files, _ := fs.Glob(fixtures.Letters, "letters/*")
	for _, f := range files {
		data, _ := fs.ReadFile(fixtures.Letters, f)
		load(f, data)
	}
	for _, dir := range []string{"testdata/sentences", "testdata/text"} {
		ents, _ := os.ReadDir(dir)
		for _, e := range ents {
			if data, err := os.ReadFile(filepath.Join(dir, e.Name())); err == nil && !e.IsDir() {
				texts[e.Name()] = string(data)
			}
		}
	}
	chunks := 0
	for name, text := range texts {
		chunks += checkStarts(t, s, name, text)
	}
	t.Logf("%d texts, %d chunks", len(texts), chunks)
	t.Run("corpus", func(t *testing.T) {
		pdfs := testenv.CorpusPDFs(t)
		if testing.Short() && len(pdfs) > 10 {
			pdfs = pdfs[:10]
		}
		chunks := 0
		for _, p := range pdfs {
			data, err := os.ReadFile(p)
			if err != nil {
				t.Fatal(err)
			}
			doc, err := l.Load(context.Background(), p, data)
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(p), err)
			}
			chunks += checkStarts(t, s, filepath.Base(p), doc.Text)
		}
		t.Logf("%d letters, %d chunks", len(pdfs), chunks)
	})
}

// TestPunktStartsRandom compares the shortcut with prose's segmenter on
// random word soups built from the words the shortcut must tell apart:
// plain words, the model's abbreviations and collocations, numbers,
// initials, ellipses, quotes and brackets, non-ASCII spaces and endings.
func TestPunktStartsRandom(t *testing.T) {
	s := newTestSplitter(t)
	words := []string{"pain.", "Pain.", "injection.", "The", "the", "he", "She", "left", "no.", "No.", "Dr.", "dr.", "inc.", "Inc.",
		"prof.", "mt.", "gov.", "b.", "B.", "j.", "Smith", "aron", "toussie", "1.", "2.", "12.", "3.5", "L5-S1.", "e.g.", "i.e.", "U.S.",
		".", "..", "...", "pain...", "pain?", "pain!", "(pain).", "pain.)", "\"pain.\"", "pain.”", "pain,", "X.", "xx.", "XX/XX/XX.", "wks.",
		"approx.", "vs.", "Pt.", "a.m.", "international", "Henley", "é.", "thé.", "Thé", "café", "”", "(see", "above).", "ſept.", "\u212aelvin.",
		"right>left.", "(sacroiliitis).", "L5/S1.", "XX/XX.", "pain/fever.", "a-inc.", "co-prof.", "e-mail.", "x,y.", "-.", "a-.", "'em.", "[x].", "x).",
		"L4-5.", "l5/s1.", "7.3", "1.5mg", "1.5.", "x1.5", "1,000.", "1,2.", "-1.", ",1.", "a1.", "1a.", "1.a", "a.1", "10/10.", "$5.", "5%.", "#1.",
		"http://www.odg-twc.com/odgtwc/hip.htm#Sacroiliac", "www.x.com.", "a.b", "a.b.c", "a.b-c.d", "a_b.c_d.e", "a.b_c.d", "U.S", "u.s.a", "x..y", "x...y",
		"x.(y", "x.[y", "x.\"y", "x.'y", "x.)", "x?y", "x!y", "(x.y)", "x.y)", "x.y.", "1.2.3", "v1.2-b.3", "é.x", "x.é", "A.M", "i.e", "e.g,", "p.m.,"}
	seps := []string{" ", " ", " ", "\n", "  ", "\n\n", "\t", "\u00a0", "\u2003", "\u2028"}
	r := rand.New(rand.NewSource(3))
	for k := 0; k < 3000; k++ {
		var b strings.Builder
		if r.Intn(4) == 0 {
			b.WriteString(seps[r.Intn(len(seps))])
		}
		for n := 1 + r.Intn(14); n > 0; n-- {
			b.WriteString(words[r.Intn(len(words))])
			if n > 1 || r.Intn(3) == 0 {
				b.WriteString(seps[r.Intn(len(seps))])
			}
		}
		text := b.String()
		if strings.TrimSpace(text) == "" {
			continue
		}
		if d := cmp.Diff(segmentStarts(t, text), s.model.starts(text, nil, false)); d != "" {
			t.Fatalf("%q: sentence starts differ from prose (-prose +ours):\n%s", text, d)
		}
		checkLeadVetoed(t, s, text)
	}
}

// TestNumericSuffixAgreesWithRegexp compares numericSuffix with the model's
// number pattern on random words of digits, punctuation and letters.
func TestNumericSuffixAgreesWithRegexp(t *testing.T) {
	re := regexp.MustCompile(`-?[\.,]?\d[\d,\.-]*\.?$`)
	alphabet := "0123456789,.-a-.,9"
	r := rand.New(rand.NewSource(2))
	for k := 0; k < 50000; k++ {
		b := make([]byte, r.Intn(9))
		for i := range b {
			b[i] = alphabet[r.Intn(len(alphabet))]
		}
		s := string(b)
		want := -1
		if loc := re.FindStringIndex(s); loc != nil {
			want = loc[0]
		}
		if got := numericSuffix(s); got != want {
			t.Fatalf("numericSuffix(%q) = %d, want %d", s, got, want)
		}
	}
}
