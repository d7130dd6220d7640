package pdftext

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/testenv"
	"golang.org/x/text/unicode/norm"
)

// Corpus thresholds: every letter of ../shared/corpus/imr must reach
// minLetterF1 word F1 against pdftotext -layout, and the mean minMeanF1.
// Measured 2026-11-21 (poppler 22.12): min 1.0000, mean 1.0000 over 94
// letters; the small slack absorbs other poppler versions.
const (
	minLetterF1 = 0.999
	minMeanF1   = 0.9995
)

// wordF1 is the F1 of the multisets of whitespace-separated tokens.
func wordF1(ref, got []string) float64 {
	if len(ref) == 0 && len(got) == 0 {
		return 1
	}
	count := map[string]int{}
	for _, w := range ref {
		count[w]++
	}
	match := 0
	for _, w := range got {
		if count[w] > 0 {
			count[w]--
			match++
		}
	}
	if match == 0 {
		return 0
	}
	p := float64(match) / float64(len(got))
	r := float64(match) / float64(len(ref))
	return 2 * p * r / (p + r)
}

func tokens(s string) []string { return strings.Fields(norm.NFKC.String(s)) }

var pagesRE = regexp.MustCompile(`(?m)^Pages:\s+(\d+)`)

// TestCorpusMatchesPdftotext compares the words of every corpus letter with
// poppler's pdftotext and its page count with pdfinfo.
//
// The reference is "pdftotext -layout": in its default mode pdftotext
// removes line-final hyphens and joins the halves ("34-" + "year-old" →
// "34year-old"), while this package keeps the page's lines as drawn and
// leaves dehyphenation to the normalization that runs after it. -layout
// does not dehyphenate, so both sides keep the hyphen. Tokens are compared
// after NFKC on both sides.
func TestCorpusMatchesPdftotext(t *testing.T) {
	files := testenv.CorpusPDFs(t)
	pdftotext := testenv.Pdftotext(t)
	pdfinfo, err := exec.LookPath("pdfinfo")
	if err != nil {
		t.Skip("pdfinfo (poppler-utils) not installed: skipping corpus comparison")
	}
	var sum, lowest float64 = 0, 1
	t.Logf("%-16s %5s %7s %7s %7s", "letter", "pages", "words", "ref", "F1")
	for _, f := range files {
		name := strings.TrimSuffix(filepath.Base(f), ".pdf")
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Extract(context.Background(), data, Options{})
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		ref, err := exec.Command(pdftotext, "-layout", "-enc", "UTF-8", "-q", f, "-").Output()
		if err != nil {
			t.Fatalf("%s: pdftotext: %v", name, err)
		}
		info, err := exec.Command(pdfinfo, f).Output()
		if err != nil {
			t.Fatalf("%s: pdfinfo: %v", name, err)
		}
		m := pagesRE.FindSubmatch(info)
		if m == nil {
			t.Fatalf("%s: pdfinfo printed no page count", name)
		}
		if want, _ := strconv.Atoi(string(m[1])); len(res.Pages) != want {
			t.Errorf("%s: %d pages, pdfinfo says %d", name, len(res.Pages), want)
		}
		got := tokens(strings.Join(res.Pages, "\n"))
		refTokens := tokens(string(ref))
		f1 := wordF1(refTokens, got)
		sum += f1
		lowest = min(lowest, f1)
		t.Logf("%-16s %5d %7d %7d %7.4f", name, len(res.Pages), len(got), len(refTokens), f1)
		if f1 < minLetterF1 {
			t.Errorf("%s: word F1 %.4f < %.2f", name, f1, minLetterF1)
		}
	}
	mean := sum / float64(len(files))
	t.Logf("letters %d, word F1 min %.4f, mean %.4f", len(files), lowest, mean)
	if mean < minMeanF1 {
		t.Errorf("mean word F1 %.4f < %.3f", mean, minMeanF1)
	}
}

// TestCorpusHeaderRows checks that the two-column IMR header block comes out
// as label/value rows, with the wrapped "Application Received:" label joined
// to its row and its value.
func TestCorpusHeaderRows(t *testing.T) {
	files := testenv.CorpusPDFs(t)
	rows := []*regexp.Regexp{
		regexp.MustCompile(`(?m)^Case Number:\s+CM\d\d-\d{7}$`),
		regexp.MustCompile(`(?m)^Date Assigned:\s+\d\d/\d\d/\d{4}\s+Date of Injury:\s+\d\d/\d\d/\d{4}$`),
		regexp.MustCompile(`(?m)^Decision Date:\s+\d\d/\d\d/\d{4}\s+UR Denial Date:\s+\d\d/\d\d/\d{4}$`),
		regexp.MustCompile(`(?m)^Priority:\s+\S+\s+Application Received:\s+\d\d/\d\d/\d{4}$`),
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		res, err := Extract(context.Background(), data, Options{})
		if err != nil {
			t.Errorf("%s: %v", filepath.Base(f), err)
			continue
		}
		for i, re := range rows {
			if !re.MatchString(res.Pages[0]) {
				t.Errorf("%s: header row %d not found as one label/value line", filepath.Base(f), i+1)
			}
		}
	}
}
