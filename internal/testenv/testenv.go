// Package testenv locates what tests need beyond their package: the
// repository root, the corpus of real letters beside it (../shared/corpus/imr)
// and the pdftotext oracle. A test skips, saying why, when the corpus or
// pdftotext is absent. Only _test.go files import this package.
package testenv

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// RepoRoot returns the directory holding go.mod, walking up from the working
// directory. The test fails when there is none.
func RepoRoot(tb testing.TB) string {
	tb.Helper()
	wd, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			tb.Fatalf("no go.mod above %s", wd)
		}
	}
}

// CorpusDir returns the corpus of real IMR letters, ../shared/corpus/imr
// beside the repository root, or skips the test when it is absent.
func CorpusDir(tb testing.TB) string {
	tb.Helper()
	dir := filepath.Join(filepath.Dir(RepoRoot(tb)), "shared", "corpus", "imr")
	if _, err := os.Stat(dir); err != nil {
		tb.Skipf("corpus not found at %s (CI has ../shared beside the checkout)", dir)
	}
	return dir
}

// CorpusPDFs returns the PDF letters of CorpusDir in name order, or skips
// the test when there are none.
func CorpusPDFs(tb testing.TB) []string {
	tb.Helper()
	dir := CorpusDir(tb)
	files, err := filepath.Glob(filepath.Join(dir, "*.pdf"))
	if err != nil || len(files) == 0 {
		tb.Skipf("no PDF letters in %s (CI has ../shared beside the checkout)", dir)
	}
	return files
}

// Pdftotext returns the path of poppler's pdftotext, or skips the test when
// it is not installed.
func Pdftotext(tb testing.TB) string {
	tb.Helper()
	path, err := exec.LookPath("pdftotext")
	if err != nil {
		tb.Skip("pdftotext not installed: `make deps` installs poppler-utils")
	}
	return path
}
