package pdftext

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// FuzzExtract checks that no input makes the in-process parser panic or
// return nonsense: either a sentinel-wrapped *Error with a safe one-line
// reason, or 1..MaxPages pages; and the same input gives the same answer.
func FuzzExtract(f *testing.F) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.pdf"))
	for _, name := range files {
		if data, err := os.ReadFile(name); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("%PDF-1.4\n%%EOF"))
	f.Add([]byte("%PDF-1.4\ntrailer\n<< /Root 1 0 R >>\nstartxref\n0\n%%EOF\n"))
	opts := Options{Timeout: 10 * time.Second, MaxPages: 50}
	f.Fuzz(func(t *testing.T, data []byte) {
		res, err := Extract(context.Background(), data, opts)
		if err != nil {
			var e *Error
			if !errors.As(err, &e) || codeOf(e.Err) == "" {
				t.Fatalf("error %v is not a sentinel-wrapped *Error", err)
			}
			if strings.ContainsAny(err.Error(), "\n\r") {
				t.Fatalf("multi-line error %q", err)
			}
			if errors.Is(err, ErrTimeout) {
				return // a slow input: no determinism check
			}
		} else if n := len(res.Pages); n < 1 || n > opts.MaxPages {
			t.Fatalf("%d pages", n)
		}
		res2, err2 := Extract(context.Background(), data, opts)
		if (err == nil) != (err2 == nil) || (err != nil && err.Error() != err2.Error()) || !cmp.Equal(res, res2) {
			t.Fatalf("not deterministic: %v / %v", err, err2)
		}
	})
}

// TestOpenErrorNeverQuotes feeds library-style messages that quote document
// bytes to openError and panicError.
func TestOpenErrorNeverQuotes(t *testing.T) {
	raw := "<</Type /Pages /Kids [3 0 R] /Secret (John Doe)>>"
	for _, err := range []error{
		openError(errors.New("malformed PDF: cross-reference table not found: " + raw)),
		openError(errors.New("unsupported PDF: encryption version V=9; " + raw)),
		openError(errors.New("something new " + raw)),
		panicError(errors.New("loading 5 0 R: " + raw)),
		panicError("unexpected keyword " + raw),
	} {
		if strings.Contains(err.Error(), "John") || strings.Contains(err.Error(), "<<") {
			t.Errorf("error %q quotes the document", err)
		}
		var e *Error
		if !errors.As(err, &e) || codeOf(e.Err) == "" {
			t.Errorf("error %v has no sentinel", err)
		}
	}
}
