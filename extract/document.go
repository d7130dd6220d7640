package extract

import (
	"errors"
	"fmt"
)

// A Document is a loaded, normalized letter.
type Document struct {
	// Path is the source path as given ("-" for stdin).
	Path string
	// Format is "pdf" or "text".
	Format string
	// Encoding is the detected text encoding: "utf-8", "utf-16" or
	// "windows-1252". PDFs report "utf-8".
	Encoding string
	// SHA256 is the hex SHA-256 of the source bytes.
	SHA256 string
	// Bytes is the size of the source in bytes.
	Bytes int64
	// Pages is the PDF page count (0 for text).
	Pages int
	// PageStarts holds, for each page, the byte offset in Text where it
	// starts (PDF only; nil for text).
	PageStarts []int
	// Text is the normalized letter text. It is stable: the same input gives
	// the same bytes.
	Text string
	// Sections are the letter's zones, in order.
	Sections []Section
	// Kind is "iro", "imr" or "unknown".
	Kind string
	// Warnings are things a reader should know (e.g. an image-only page).
	Warnings []string
}

// A Section is a zone of the letter: a header block, the clinical summary,
// a guideline quote, and so on.
type Section struct {
	// Name is the zone name of the record contract: header, services,
	// reviewer, outcome, clinical_summary, analysis, guideline_quote,
	// criteria_sources, other.
	Name string `json:"name"`
	// Title is the heading as written ("" when the zone has none).
	Title string `json:"title"`
	// Start and End are byte offsets into Document.Text.
	Start int `json:"start"`
	End   int `json:"end"`
}

// A Sentence is a byte range of Document.Text.
type Sentence struct {
	Start int
	End   int
}

// Sentinel errors a caller can branch on with errors.Is.
var (
	// ErrEmpty means the input has no bytes (or only whitespace).
	ErrEmpty = errors.New("empty input")
	// ErrTooLarge means the input exceeds Options.MaxBytes.
	ErrTooLarge = errors.New("input too large")
	// ErrBinary means the input is neither a PDF nor text.
	ErrBinary = errors.New("not a PDF and not text")
)

// An Error reports why one input could not be loaded. Its message names the
// file and the reason and never contains document bytes.
type Error struct {
	Path   string
	Reason string
	Err    error
}

func (e *Error) Error() string {
	if e.Reason != "" {
		return fmt.Sprintf("%s: %s", e.Path, e.Reason)
	}
	return fmt.Sprintf("%s: %v", e.Path, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }
