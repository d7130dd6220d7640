// Package pdftext extracts text from PDF files with github.com/ledongthuc/pdf,
// building lines and words from glyph positions.
//
// CONTRACT STUB: the PDF helper replaces this file.
package pdftext

import (
	"context"
	"errors"
	"io"
	"time"
)

// Sentinel errors (reasons are safe to print: they never contain document bytes).
var (
	ErrNotPDF      = errors.New("not a PDF file")
	ErrEncrypted   = errors.New("encrypted PDF")
	ErrUnsupported = errors.New("unsupported PDF feature")
	ErrCorrupt     = errors.New("corrupt PDF")
	ErrTruncated   = errors.New("truncated PDF")
	ErrNoPages     = errors.New("PDF has no pages")
	ErrNoText      = errors.New("PDF has no text layer")
	ErrTimeout     = errors.New("PDF parse time limit exceeded")
	ErrPanic       = errors.New("PDF parser crashed")
)

// ChildEnv is the environment variable that puts a process in child mode.
const ChildEnv = "PRECEDENT_PDF_CHILD"

// Options control extraction.
type Options struct {
	Timeout time.Duration // per-file limit (default 30s)
	Isolate bool          // parse in a child process (Exe) that is killed at the limit
	Exe     string        // executable to run in child mode (default os.Executable())
}

// Result is the text of each page.
type Result struct {
	Pages    []string
	Warnings []string
}

// Extract returns the text of every page of the PDF in data.
func Extract(ctx context.Context, data []byte, opts Options) (*Result, error) {
	return nil, errors.New("not implemented")
}

// ServeChild is the child-process side: it reads a PDF on r and writes the
// result on w.
func ServeChild(r io.Reader, w io.Writer) error { return errors.New("not implemented") }
