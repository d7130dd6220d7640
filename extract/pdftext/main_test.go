package pdftext

import (
	"os"
	"testing"
)

// TestMain serves as the child process of the isolation tests: the pool
// re-executes the test binary with ChildEnv=1.
func TestMain(m *testing.M) {
	if child, code := RunIfChild(); child {
		os.Exit(code) // served as the PDF child process
	}
	code := m.Run()
	Close()
	os.Exit(code)
}
