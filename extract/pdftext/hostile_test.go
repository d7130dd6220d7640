package pdftext

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// goodText is the text that internal/genhostile renders on its text pages.
const goodText = "Case Number: CM00-0000001\nThe injured worker is a synthetic patient of this fixture.\nLumbar facet injection: Upheld"

// hostileCases are the fixtures of testdata (made by internal/genhostile)
// and what Extract must make of them: a sentinel, or pages and warnings.
var hostileCases = []struct {
	file     string
	err      error
	pages    []string
	warnings []string
}{
	{file: "good.pdf", pages: []string{goodText}},
	{file: "trailing-junk.pdf", pages: []string{goodText}},
	{file: "unbalanced-q.pdf", pages: []string{goodText}},
	{file: "image-page2.pdf", pages: []string{goodText, ""}, warnings: []string{"pdf page 2 has no text layer"}},
	{file: "empty.pdf", err: ErrNotPDF},
	{file: "random.pdf", err: ErrNotPDF},
	{file: "truncated.pdf", err: ErrTruncated},
	{file: "bad-startxref.pdf", err: ErrCorrupt},
	{file: "corrupt-stream.pdf", err: ErrCorrupt},
	{file: "kids-loop.pdf", err: ErrCorrupt},
	{file: "deep-page-tree.pdf", err: ErrCorrupt},
	{file: "self-reference.pdf", err: ErrCorrupt},
	{file: "parent-loop.pdf", err: ErrCorrupt},
	{file: "aes256.pdf", err: ErrUnsupported},
	{file: "aes256.pdf", err: ErrEncrypted},
	{file: "password.pdf", err: ErrEncrypted},
	{file: "pdf20.pdf", err: ErrUnsupported},
	{file: "no-pages.pdf", err: ErrNoPages},
	{file: "image-only.pdf", err: ErrNoText},
	{file: "missing-content.pdf", err: ErrNoText},
}

func readFixture(t testing.TB, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatalf("%v (run go generate in extract/pdftext)", err)
	}
	return data
}

// checkSafeMessage fails if msg is not one line of printable ASCII or quotes
// any 12 consecutive bytes of the document.
func checkSafeMessage(t *testing.T, msg string, data []byte) {
	t.Helper()
	for _, r := range msg {
		if r < ' ' || r > '~' {
			t.Errorf("message %q has a byte outside printable ASCII", msg)
			return
		}
	}
	for i := 0; i+12 <= len(msg); i++ {
		if strings.Contains(string(data), msg[i:i+12]) {
			t.Errorf("message %q quotes document bytes %q", msg, msg[i:i+12])
			return
		}
	}
}

func TestHostile(t *testing.T) {
	for _, isolate := range []bool{false, true} {
		mode := map[bool]string{false: "inprocess", true: "isolated"}[isolate]
		for _, tc := range hostileCases {
			t.Run(mode+"/"+tc.file, func(t *testing.T) {
				data := readFixture(t, tc.file)
				res, err := Extract(context.Background(), data, Options{Isolate: isolate, Timeout: 10 * time.Second})
				if tc.err != nil {
					if !errors.Is(err, tc.err) {
						t.Fatalf("error %v, want %v", err, tc.err)
					}
					var e *Error
					if !errors.As(err, &e) || e.Reason == "" {
						t.Errorf("error %v is not an *Error with a reason", err)
					}
					checkSafeMessage(t, err.Error(), data)
					return
				}
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				if diff := cmp.Diff(tc.pages, res.Pages); diff != "" {
					t.Errorf("pages (-want +got):\n%s", diff)
				}
				if diff := cmp.Diff(tc.warnings, res.Warnings); diff != "" {
					t.Errorf("warnings (-want +got):\n%s", diff)
				}
			})
		}
	}
}

// TestIsolatedHangAndCrash uses the child's test hook to simulate a parser
// that never returns and one that dies of a fatal error: each must cost
// only its own file, within the time limit, and the pool must recover.
func TestIsolatedHangAndCrash(t *testing.T) {
	t.Setenv(testHookEnv, "1") // inherited by the children started below
	p, err := NewPool("", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	good := readFixture(t, "good.pdf")
	opts := Options{Timeout: 2 * time.Second}

	start := time.Now()
	_, err = p.Extract(context.Background(), []byte(hookHang), opts)
	if !errors.Is(err, ErrTimeout) {
		t.Errorf("hang: error %v, want ErrTimeout", err)
	}
	if d := time.Since(start); d > 6*time.Second {
		t.Errorf("hang: took %v with a 2s limit", d)
	}

	_, err = p.Extract(context.Background(), []byte(hookCrash), opts)
	if !errors.Is(err, ErrPanic) {
		t.Errorf("crash: error %v, want ErrPanic", err)
	}

	res, err := p.Extract(context.Background(), good, opts)
	if err != nil {
		t.Fatalf("after a hang and a crash: %v", err)
	}
	if diff := cmp.Diff([]string{goodText}, res.Pages); diff != "" {
		t.Errorf("pages after respawn (-want +got):\n%s", diff)
	}

	// The context deadline wins over a longer Timeout.
	ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
	defer cancel()
	start = time.Now()
	_, err = p.Extract(ctx, []byte(hookHang), Options{Timeout: time.Minute})
	if !errors.Is(err, ErrTimeout) || time.Since(start) > 5*time.Second {
		t.Errorf("context deadline: error %v after %v", err, time.Since(start))
	}
}

// TestInProcessTimeout checks that without isolation the deadline is still
// honored (the parse goroutine is left to finish on its own).
func TestInProcessTimeout(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Extract(ctx, readFixture(t, "good.pdf"), Options{})
	if !errors.Is(err, ErrTimeout) || !errors.Is(err, context.Canceled) {
		t.Errorf("canceled context: error %v", err)
	}
}

// TestIsolatedLoopingTreeWithinLimit runs the looping page tree in a child
// with a short limit: it must end with an error well within it.
func TestIsolatedLoopingTreeWithinLimit(t *testing.T) {
	start := time.Now()
	_, err := Extract(context.Background(), readFixture(t, "kids-loop.pdf"), Options{Isolate: true, Timeout: 3 * time.Second})
	if !errors.Is(err, ErrCorrupt) {
		t.Errorf("error %v, want ErrCorrupt", err)
	}
	if d := time.Since(start); d > 3*time.Second {
		t.Errorf("took %v", d)
	}
}

// TestConcurrentExtract runs isolated and in-process extractions from many
// goroutines (run with -race).
func TestConcurrentExtract(t *testing.T) {
	files := []string{"good.pdf", "image-page2.pdf", "kids-loop.pdf", "random.pdf"}
	var wg sync.WaitGroup
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			name := files[i%len(files)]
			data := readFixture(t, name)
			a, errA := Extract(context.Background(), data, Options{Isolate: i%2 == 0})
			b, errB := Extract(context.Background(), data, Options{Isolate: i%2 == 1})
			if (errA == nil) != (errB == nil) || (errA != nil && errA.Error() != errB.Error()) {
				t.Errorf("%s: isolated and in-process disagree: %v / %v", name, errA, errB)
				return
			}
			if errA == nil && !cmp.Equal(a, b) {
				t.Errorf("%s: isolated and in-process results differ", name)
			}
		}()
	}
	wg.Wait()
}

func TestChildWithoutServeChild(t *testing.T) {
	// /bin/true exits at once without the hello frame.
	if _, err := os.Stat("/bin/true"); err != nil {
		t.Skip("/bin/true not available")
	}
	p, err := NewPool("/bin/true", 1)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	_, err = p.Extract(context.Background(), readFixture(t, "good.pdf"), Options{Timeout: 5 * time.Second})
	if !errors.Is(err, ErrPanic) {
		t.Errorf("error %v, want ErrPanic", err)
	}
}
