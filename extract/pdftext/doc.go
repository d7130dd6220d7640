// Package pdftext extracts the text of PDF letters, page by page, with
// github.com/ledongthuc/pdf as the object parser, building lines and words
// from glyph positions, and keeps hostile files from crashing or hanging
// the caller.
//
// It is the first stage of extract.Loader for PDF input: Extract returns one
// string per page, which the loader joins with form feeds before
// normalization (dehyphenation, header and footer removal) runs. The text is
// faithful to the page: plain lines, NFKC-normalized (ligatures), spaces
// folded within a line, and no other normalization.
//
// # Text layout
//
// The library's GetPlainText concatenates strings in content order and
// ignores text positioning, which breaks words and numbers over lines and
// glues words on justified text. Instead:
//
//  1. The page tree is walked once (Trailer → Root → Pages, recursing into
//     Kids) with a depth limit, a visited set and a page cap. Reader.Page(i)
//     is never used: it re-walks the tree for every page (quadratic) and
//     loops forever on a cyclic tree.
//  2. Each page's content stream (and the form XObjects it draws) is
//     interpreted with pdf.Interpret to get every glyph's origin, advance
//     width (font /Widths, or /W for two-byte CID fonts), font size and
//     writing direction from the full text rendering matrix, honoring Tc,
//     Tw, Tz, TL, Ts, TJ kerning, q/Q and cm. This mirrors
//     pdf.Page.Content, which is not used because on the corpus it
//     mispositions text: after every TJ it draws a phantom "\n" glyph that
//     advances the pen by the width of character code 10, so the rest of
//     the line drifts; it also ignores Tw, reads two-byte codes one byte at
//     a time and panics on an unbalanced Q.
//  3. Glyphs are grouped by writing direction (rotated text is laid out in
//     its own frame, after the upright text), then into lines by baseline:
//     a glyph joins a line when its baseline is within 0.45 em of the line's
//     top baseline, so superscripts stay on their line. A line's glyphs are
//     sorted by x; a glyph equal to a previous one and shifted by less than
//     30% of its width is dropped (Word draws some bold text twice).
//  4. A gap wider than 0.15 em (or a space glyph) is a word space; a gap
//     wider than 1.5 em separates cells, written as three spaces, so the
//     two-column IMR header comes out one row per line, each label followed
//     by its value ("Date Assigned:   11/18/2016   Date of Injury:   ...").
//     A line whose cells all start under non-first cells of the row above
//     continues those cells (the wrapped "Application" / "Received:" label)
//     and is joined to the row. A baseline distance over 1.4 times the
//     page's median line pitch gives an empty line between paragraphs.
//
// The parameters were tuned on the 94 IMR letters of ../shared/corpus/imr
// against poppler's pdftotext -layout: word F1 is 1.0000 on every letter
// (corpus_test.go).
//
// # Failures
//
// Every failure is an *Error wrapping a sentinel (ErrCorrupt, ErrTimeout,
// ...) with a one-line reason of fixed ASCII text. The library's error
// strings and panic values can quote raw document bytes, so they are only
// matched to pick a reason, never passed on. Every call into the library
// runs under recover: runtime errors (index out of range, nil dereference)
// become ErrPanic, other panics (the library's way of rejecting malformed
// objects) ErrCorrupt. Before parsing, the header and trailer are checked:
// a %PDF-2.0 header is ErrUnsupported ("PDF 2.0 is not supported"), a
// missing %%EOF or startxref ErrTruncated, and bytes after the last %%EOF
// are cut (the library rejects them). A user password is ErrEncrypted;
// AES-256 (revision 6, which the library cannot decrypt) is both
// ErrEncrypted and ErrUnsupported. A page that cannot be read or has no
// text is a warning ("pdf page 3 has no text layer" when it draws images,
// "pdf page 3 is blank" otherwise); a document where no page has text is
// ErrNoText, one without pages ErrNoPages.
//
// # Isolation
//
// A goroutine cannot be stopped, and a Go fatal error (stack overflow,
// concurrent map write) cannot be recovered, so recover and a deadline are
// not enough for untrusted input. Without Options.Isolate, Extract parses
// in a goroutine under recover and returns ErrTimeout at the deadline; a
// parse that hangs then leaks its goroutine (and a core) until it ends,
// and a fatal error ends the process.
//
// With Options.Isolate the parse runs in a child process: the executable
// (Options.Exe, default os.Executable()) re-executed with ChildEnv=1, whose
// main must call ServeChild when IsChild reports true. Children are
// persistent and pooled (Options.Workers, default 2, per executable), so a
// bulk import of thousands of PDFs does not pay a fork and exec per file.
// Parent and child speak length-prefixed frames over the child's stdin and
// stdout: the child first sends a hello frame (a binary that does not serve
// the protocol is detected at once), then answers each request (a version
// byte, the page cap and the PDF bytes) with one JSON frame holding the
// pages and warnings or the sentinel code and reason. On timeout or when
// the child dies the parent kills it and reports ErrTimeout or ErrPanic for
// that file only; the next request starts a new child. The child's stderr
// is discarded, since a crash trace may quote document bytes. Waiting for
// a free child does not count against the time limit. Close stops the
// children of the package-level pools; a Pool can also be made with
// NewPool and closed on its own. Extract and Pool.Extract are safe for
// concurrent use.
//
// # Fixtures
//
// testdata holds small hostile PDFs made by internal/genhostile (rendered
// with gopdf and the Go fonts, then damaged by byte surgery; the encrypted
// ones by qpdf, whose AES-256 output differs on every run). Regenerate
// them with go generate.
package pdftext

//go:generate go run ./internal/genhostile -o testdata
