package pdftext

import (
	"os"
	"path/filepath"
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

// repoRoot walks up from the working directory to the directory holding
// go.mod.
func repoRoot(t testing.TB) string {
	t.Helper()
	dir, err := os.Getwd()
	if err != nil {
		t.Fatal(err)
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			t.Fatal("go.mod not found above the test directory")
		}
		dir = parent
	}
}

// corpusFiles returns the PDFs of ../shared/corpus/imr or skips.
func corpusFiles(t testing.TB) []string {
	t.Helper()
	dir := filepath.Join(repoRoot(t), "..", "shared", "corpus", "imr")
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil || len(files) == 0 {
		t.Skipf("corpus not found at %s: skipping corpus test", dir)
	}
	return files
}
