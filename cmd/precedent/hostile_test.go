package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

const hostileDir = "../../extract/pdftext/testdata"

// TestHostileInputsInOneRun extracts every hostile fixture together with
// good letters: each bad file gives exactly one line naming the file and a
// reason, the image page gives a warning, nothing panics, and the good
// letters are still extracted.
func TestHostileInputsInOneRun(t *testing.T) {
	bad := map[string]string{
		"empty.pdf":          "empty",
		"random.pdf":         "not a PDF and not text",
		"truncated.pdf":      "truncated",
		"corrupt-stream.pdf": "corrupt",
		"kids-loop.pdf":      "loop",
		"self-reference.pdf": "corrupt",
		"aes256.pdf":         "AES-256",
		"password.pdf":       "password",
		"pdf20.pdf":          "PDF 2.0",
		"image-only.pdf":     "no text layer",
		"no-pages.pdf":       "no pages",
	}
	args := []string{"extract", "--no-text", "--format", "jsonl", "--timeout", "10s"}
	for name := range bad {
		args = append(args, filepath.Join(hostileDir, name))
	}
	args = append(args, filepath.Join(hostileDir, "image-page2.pdf"), iroSeed, "../../fixtures/letters/imr_si_block_upheld.pdf")
	out, errOut, code := runCLI(t, "", args...)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d", code, exitFailed)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	for name, reason := range bad {
		n := 0
		for _, l := range lines {
			if strings.Contains(l, "/"+name+":") {
				n++
				if !strings.Contains(l, reason) {
					t.Errorf("%s: error %q lacks reason %q", name, l, reason)
				}
			}
		}
		if n != 1 {
			t.Errorf("%s: want exactly one stderr line, got %d", name, n)
		}
	}
	warned := false
	for _, l := range lines {
		if strings.Contains(l, "image-page2.pdf: warning: pdf page 2 has no text layer") {
			warned = true
		}
		if strings.Contains(l, "panic") || strings.Contains(l, "goroutine") {
			t.Errorf("a panic escaped: %s", l)
		}
	}
	if !warned {
		t.Errorf("no warning for the image-only page:\n%s", errOut)
	}
	if got := strings.Count(out, "\n"); got != 3 {
		t.Errorf("want 3 records (image-page2 and the two seeds), got %d", got)
	}
	if !strings.Contains(out, `"path":"../../fixtures/letters/imr_si_block_upheld.pdf"`) {
		t.Error("the good PDF was not extracted")
	}
}

// TestHangingParseIsStopped makes the child parser hang (test hook honored
// only by the child process) and checks that the time limit ends it, the
// file gets a one-line error, and the next file is still extracted.
func TestHangingParseIsStopped(t *testing.T) {
	t.Setenv("PRECEDENT_PDF_TEST_HOOK", "1")
	hang := filepath.Join(t.TempDir(), "hang.pdf")
	if err := os.WriteFile(hang, []byte("%PDF-test-hang"), 0o644); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	out, errOut, code := runCLI(t, "", "extract", "--workers", "1", "--timeout", "1s", "--format", "jsonl", "--no-text",
		hang, "../../fixtures/letters/imr_si_block_upheld.pdf")
	if elapsed := time.Since(start); elapsed > 20*time.Second {
		t.Fatalf("took %v: the time limit did not end the parse", elapsed)
	}
	if code != exitFailed {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFailed, errOut)
	}
	if !strings.Contains(errOut, hang+": ") || !strings.Contains(errOut, "time limit") {
		t.Errorf("want a time-limit error naming the file, got %q", errOut)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("the letter after the hanging one was not extracted: %q", out)
	}
}
