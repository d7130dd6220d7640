package pipeline

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/extract/pdftext"
)

// TestMain lets the test binary serve as the PDF child process.
func TestMain(m *testing.M) {
	if pdftext.IsChild() {
		if err := pdftext.ServeChild(os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// corpusPDFs returns the real IMR letters of ../shared/corpus/imr, or skips.
func corpusPDFs(tb testing.TB) []string {
	tb.Helper()
	dir := filepath.Join("..", "..", "shared", "corpus", "imr")
	files, _ := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if len(files) == 0 {
		tb.Skipf("corpus not found at %s (CI has ../shared beside the checkout)", dir)
	}
	return files
}
