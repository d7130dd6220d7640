package pipeline

import (
	"os"
	"testing"

	"github.com/precedent-dev/precedent/extract/pdftext"
)

// TestMain lets the test binary serve as the PDF child process.
func TestMain(m *testing.M) {
	if child, code := pdftext.RunIfChild(); child {
		os.Exit(code) // served as the PDF child process
	}
	os.Exit(m.Run())
}
