package extract

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/precedent-dev/precedent/extract/pdftext"
)

// DefaultMaxBytes is the default size limit of one input file.
const DefaultMaxBytes = 16 << 20

// Options control loading.
type Options struct {
	// MaxBytes is the largest input accepted (default DefaultMaxBytes).
	MaxBytes int64
	// PDF controls the PDF loader (time limit, child process).
	PDF pdftext.Options
}

// A Loader loads letters. It is safe for concurrent use.
type Loader struct {
	opts      Options
	sectioner *Sectioner
	pool      *pdftext.Pool // child processes for PDFs, when opts.PDF.Isolate
}

// NewLoader returns a Loader with the embedded section rules.
func NewLoader(opts Options) (*Loader, error) {
	if opts.MaxBytes <= 0 {
		opts.MaxBytes = DefaultMaxBytes
	}
	s, err := NewSectioner(nil)
	if err != nil {
		return nil, err
	}
	l := &Loader{opts: opts, sectioner: s}
	if opts.PDF.Isolate {
		if l.pool, err = pdftext.NewPool(opts.PDF.Exe, opts.PDF.Workers); err != nil {
			return nil, err
		}
	}
	return l, nil
}

// LoadFile reads path ("-" is not special here) and loads it.
func (l *Loader) LoadFile(ctx context.Context, path string) (*Document, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, &Error{Path: path, Reason: reasonOf(err), Err: err}
	}
	defer f.Close()
	return l.LoadReader(ctx, path, f)
}

// LoadReader reads at most MaxBytes from r and loads them under the name path.
func (l *Loader) LoadReader(ctx context.Context, path string, r io.Reader) (*Document, error) {
	data, err := io.ReadAll(io.LimitReader(r, l.opts.MaxBytes+1))
	if err != nil {
		return nil, &Error{Path: path, Reason: "read failed: " + reasonOf(err), Err: err}
	}
	if int64(len(data)) > l.opts.MaxBytes {
		return nil, &Error{Path: path, Reason: fmt.Sprintf("file is larger than the %d MiB limit", l.opts.MaxBytes>>20), Err: ErrTooLarge}
	}
	return l.Load(ctx, path, data)
}

// Load loads one letter from its bytes. The error, if any, is an *Error.
func (l *Loader) Load(ctx context.Context, path string, data []byte) (*Document, error) {
	sum := sha256.Sum256(data)
	doc := &Document{Path: path, SHA256: hex.EncodeToString(sum[:]), Bytes: int64(len(data))}
	if int64(len(data)) > l.opts.MaxBytes {
		return nil, &Error{Path: path, Reason: fmt.Sprintf("file is larger than the %d MiB limit", l.opts.MaxBytes>>20), Err: ErrTooLarge}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, &Error{Path: path, Reason: "file is empty", Err: ErrEmpty}
	}
	var raw string
	if bytes.HasPrefix(data, []byte("%PDF-")) {
		var res *pdftext.Result
		var err error
		if l.pool != nil {
			res, err = l.pool.Extract(ctx, data, l.opts.PDF)
		} else {
			res, err = pdftext.Extract(ctx, data, l.opts.PDF)
		}
		if err != nil {
			return nil, &Error{Path: path, Reason: reasonOf(err), Err: err}
		}
		doc.Format, doc.Encoding, doc.Pages = "pdf", "utf-8", len(res.Pages)
		doc.Warnings = append(doc.Warnings, res.Warnings...)
		raw = joinPages(res.Pages)
	} else {
		text, enc, err := decodeText(data)
		if err != nil {
			return nil, &Error{Path: path, Reason: reasonOf(err), Err: err}
		}
		doc.Format, doc.Encoding = "text", enc
		raw = text
	}
	text, starts := Normalize(raw)
	if strings.TrimSpace(text) == "" {
		return nil, &Error{Path: path, Reason: "no text after normalization", Err: ErrEmpty}
	}
	doc.Text = text
	if doc.Format == "pdf" {
		doc.PageStarts = starts
	}
	doc.Sections = l.sectioner.Sections(text)
	doc.Kind = DetectKind(text)
	return doc, nil
}

// joinPages joins page texts with form feeds, the page separator Normalize
// understands.
func joinPages(pages []string) string {
	var b bytes.Buffer
	for i, p := range pages {
		if i > 0 {
			b.WriteByte('\f')
		}
		b.WriteString(p)
	}
	return b.String()
}

// reasonOf gives a one-line reason for err. Errors from this module are
// written never to contain document bytes.
func reasonOf(err error) string {
	var pe *os.PathError
	if errors.As(err, &pe) {
		return pe.Err.Error()
	}
	return err.Error()
}

// Close stops the loader's PDF child processes, if any.
func (l *Loader) Close() error {
	if l.pool == nil {
		return nil
	}
	return l.pool.Close()
}
