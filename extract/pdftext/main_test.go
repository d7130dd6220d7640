package pdftext

import (
	"os"
	"testing"
)

// TestMain serves as the child process of the isolation tests: the pool
// re-executes the test binary with ChildEnv=1.
func TestMain(m *testing.M) {
	if IsChild() {
		if err := ServeChild(os.Stdin, os.Stdout); err != nil {
			os.Exit(1)
		}
		os.Exit(0)
	}
	code := m.Run()
	Close()
	os.Exit(code)
}
