package pdftext

import (
	"context"
	"errors"
	"os"
	"time"
)

// Sentinel errors a caller can branch on with errors.Is. Every error Extract
// returns wraps one of them in an *Error whose reason is safe to print: it
// never contains document bytes.
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

// ChildEnv is the environment variable that puts a process in child mode:
// a process started with ChildEnv=1 should call ServeChild (see IsChild).
const ChildEnv = "PRECEDENT_PDF_CHILD"

// DefaultTimeout is the per-file time limit when Options.Timeout is zero.
const DefaultTimeout = 30 * time.Second

// DefaultMaxPages is the page cap when Options.MaxPages is zero.
const DefaultMaxPages = 5000

// Options control extraction.
type Options struct {
	// Timeout is the per-file limit (default DefaultTimeout). A context
	// deadline that comes earlier wins.
	Timeout time.Duration
	// Isolate parses in a persistent child process (Exe) that is killed
	// when the limit is reached or when it crashes. Without Isolate a hang
	// leaks the goroutine that parses (see the package documentation).
	Isolate bool
	// Exe is the executable run in child mode (default os.Executable()).
	// It must call ServeChild when IsChild reports true.
	Exe string
	// MaxPages caps the number of pages read (default DefaultMaxPages); a
	// larger page tree is an error.
	MaxPages int
	// Workers is the number of child processes of the pool serving Exe
	// (default 2). It is read when the pool for Exe is created.
	Workers int
}

func (o Options) withDefaults() Options {
	if o.Timeout <= 0 {
		o.Timeout = DefaultTimeout
	}
	if o.MaxPages <= 0 {
		o.MaxPages = DefaultMaxPages
	}
	if o.Workers <= 0 {
		o.Workers = 2
	}
	return o
}

// Result is the text of a PDF, one string per page.
type Result struct {
	// Pages holds the text of each page: plain lines separated by "\n",
	// NFKC-normalized, spaces folded within a line, cells of a table row
	// separated by three spaces. len(Pages) is the page count.
	Pages []string
	// Warnings are one-line notes safe to print, e.g. "pdf page 3 has no
	// text layer". They never contain document bytes.
	Warnings []string
}

// An Error is an extraction failure. Error() is "<sentinel>: <reason>"; the
// reason is one line of fixed text that never contains document bytes.
type Error struct {
	// Err is the sentinel (ErrCorrupt, ErrTimeout, ...).
	Err error
	// Also is an optional second sentinel (AES-256 is both ErrEncrypted and
	// ErrUnsupported).
	Also error
	// Reason says what went wrong, e.g. "PDF 2.0 is not supported".
	Reason string
}

func (e *Error) Error() string {
	if e.Reason == "" {
		return e.Err.Error()
	}
	return e.Err.Error() + ": " + e.Reason
}

// Unwrap returns the sentinels, for errors.Is.
func (e *Error) Unwrap() []error {
	if e.Also != nil {
		return []error{e.Err, e.Also}
	}
	return []error{e.Err}
}

func fail(sentinel error, reason string) *Error {
	return &Error{Err: sentinel, Reason: reason}
}

// IsChild reports whether this process was started as a child worker
// (ChildEnv=1).
func IsChild() bool { return os.Getenv(ChildEnv) == "1" }

// RunIfChild serves the parent process on stdin and stdout when this process
// was started as a child worker, and then reports child true and the exit
// status the process should end with. main and a test's TestMain start with:
//
//	if child, code := pdftext.RunIfChild(); child {
//		os.Exit(code)
//	}
func RunIfChild() (child bool, code int) {
	if !IsChild() {
		return false, 0
	}
	if err := ServeChild(os.Stdin, os.Stdout); err != nil {
		return true, 1
	}
	return true, 0
}

// Extract returns the text of every page of the PDF in data. It is safe for
// concurrent use. With opts.Isolate the parse runs in a child process of a
// package-level pool (see Close); otherwise it runs in-process.
func Extract(ctx context.Context, data []byte, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	if opts.Isolate {
		p, err := defaultPool(opts)
		if err != nil {
			return nil, err
		}
		return p.Extract(ctx, data, opts)
	}
	return extractInProcess(ctx, data, opts)
}

// extractInProcess parses in a goroutine under recover and gives up at the
// deadline; the goroutine of a hung parse is leaked.
func extractInProcess(ctx context.Context, data []byte, opts Options) (*Result, error) {
	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	type outcome struct {
		res *Result
		err error
	}
	done := make(chan outcome, 1)
	go func() {
		res, err := parse(data, opts.MaxPages)
		done <- outcome{res, err}
	}()
	select {
	case o := <-done:
		return o.res, o.err
	case <-ctx.Done():
		return nil, timeoutError(ctx)
	}
}

func timeoutError(ctx context.Context) error {
	if errors.Is(ctx.Err(), context.Canceled) {
		return &Error{Err: ErrTimeout, Also: context.Canceled, Reason: "canceled"}
	}
	return fail(ErrTimeout, "parse did not finish within the time limit")
}
