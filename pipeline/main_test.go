package pipeline

import (
	"os"
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
