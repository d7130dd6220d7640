package pdftext

import (
	"bytes"
	"errors"
	"fmt"
	"reflect"
	"runtime"
	"strings"

	"github.com/ledongthuc/pdf"
)

// maxTreeDepth bounds the recursion through /Kids of the page tree.
const maxTreeDepth = 64

// maxInherit bounds the walk up /Parent links when looking for inherited
// page resources (the library's own walk has no bound).
const maxInherit = 64

// parse extracts the text of data in-process. It never panics: every call
// into the library runs under recover.
func parse(data []byte, maxPages int) (res *Result, err error) {
	defer func() {
		if x := recover(); x != nil {
			res, err = nil, panicError(x)
		}
	}()
	data, err = precheck(data)
	if err != nil {
		return nil, err
	}
	r, err := openReader(data)
	if err != nil {
		return nil, err
	}
	pages, err := walkPages(r, maxPages)
	if err != nil {
		return nil, err
	}
	if len(pages) == 0 {
		return nil, fail(ErrNoPages, "the page tree has no pages")
	}
	res = &Result{Pages: make([]string, len(pages))}
	var failed, empty int
	var firstFail error
	w := newWalker()
	defer w.release()
	for i, p := range pages {
		text, images, perr := pageText(w, p)
		switch {
		case perr != nil:
			failed++
			if firstFail == nil {
				firstFail = perr
			}
			res.Warnings = append(res.Warnings, fmt.Sprintf("pdf page %d could not be read (%s)", i+1, reasonOnly(perr)))
		case strings.TrimSpace(text) == "" && images > 0:
			empty++
			res.Warnings = append(res.Warnings, fmt.Sprintf("pdf page %d has no text layer", i+1))
		case strings.TrimSpace(text) == "":
			empty++
			res.Warnings = append(res.Warnings, fmt.Sprintf("pdf page %d is blank", i+1))
		}
		res.Pages[i] = text
	}
	switch {
	case failed == len(pages):
		return nil, firstFail
	case failed+empty == len(pages):
		if failed > 0 {
			return nil, firstFail
		}
		return nil, fail(ErrNoText, fmt.Sprintf("none of the %d pages has text", len(pages)))
	}
	return res, nil
}

func reasonOnly(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Reason
	}
	return "unknown error"
}

// panicError turns a recovered panic into a safe error. Panic values of the
// library may quote document bytes, so only their class is kept: runtime
// errors (index out of range, nil dereference, ...) are parser bugs
// (ErrPanic); anything else is the library rejecting malformed input
// (ErrCorrupt).
func panicError(x any) error {
	if _, ok := x.(runtime.Error); ok {
		return fail(ErrPanic, "parser crashed on malformed content")
	}
	return fail(ErrCorrupt, "malformed object or stream")
}

// precheck rejects what the library cannot read with a precise reason and
// repairs what it can: bytes after the last %%EOF (the library insists on
// %%EOF at the very end).
func precheck(data []byte) ([]byte, error) {
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, fail(ErrNotPDF, "file is empty")
	}
	if !bytes.HasPrefix(data, []byte("%PDF-")) {
		return nil, fail(ErrNotPDF, "missing %PDF- header")
	}
	if len(data) < 9 {
		return nil, fail(ErrTruncated, "file ends after the header")
	}
	if data[5] == '2' {
		return nil, fail(ErrUnsupported, "PDF 2.0 is not supported")
	}
	if data[5] != '1' || data[6] != '.' || data[7] < '0' || data[7] > '7' {
		return nil, fail(ErrUnsupported, "unknown PDF version in header")
	}
	if data[8] != '\r' && data[8] != '\n' {
		// The library wants the version followed by an end of line;
		// producers write a space or a comment there. Patch a copy.
		data = append([]byte(nil), data...)
		data[8] = '\n'
	}
	eof := bytes.LastIndex(data, []byte("%%EOF"))
	if eof < 0 {
		return nil, fail(ErrTruncated, "missing %%EOF marker")
	}
	if end := eof + len("%%EOF"); len(bytes.TrimSpace(data[end:])) > 0 {
		data = data[:end:end]
	}
	if !bytes.Contains(data[max(0, len(data)-1100):], []byte("startxref")) {
		return nil, fail(ErrTruncated, "missing startxref")
	}
	return data, nil
}

// openReader opens data with the library and maps its errors, whose text
// may quote document bytes, to fixed reasons.
func openReader(data []byte) (r *pdf.Reader, err error) {
	defer func() {
		if x := recover(); x != nil {
			r, err = nil, panicError(x)
		}
	}()
	r, err = pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err == nil {
		return r, nil
	}
	return nil, openError(err)
}

// openError maps an error of pdf.NewReader to a sentinel and a fixed reason.
// The library's message is only matched, never passed on.
func openError(err error) error {
	if errors.Is(err, pdf.ErrInvalidPassword) {
		return fail(ErrEncrypted, "encrypted with a password")
	}
	msg := err.Error()
	switch {
	case strings.Contains(msg, "256-bit encryption key"),
		strings.Contains(msg, "encryption revision R=5"),
		strings.Contains(msg, "encryption revision R=6"),
		strings.Contains(msg, "encryption version V=5"):
		return &Error{Err: ErrEncrypted, Also: ErrUnsupported, Reason: "AES-256 encryption is not supported"}
	case strings.Contains(msg, "encryption"):
		return &Error{Err: ErrEncrypted, Also: ErrUnsupported, Reason: "unsupported encryption method"}
	case strings.Contains(msg, "missing ID in trailer"), strings.Contains(msg, "O= or U="):
		return fail(ErrEncrypted, "malformed encryption dictionary")
	case strings.Contains(msg, "invalid header"):
		return fail(ErrNotPDF, "invalid header")
	case strings.Contains(msg, "%%EOF"):
		return fail(ErrTruncated, "missing %%EOF marker")
	case strings.Contains(msg, "startxref"):
		return fail(ErrTruncated, "missing or bad startxref")
	case strings.Contains(msg, "cross-reference"), strings.Contains(msg, "xref"):
		return fail(ErrCorrupt, "cross-reference table not found or malformed")
	case strings.Contains(msg, "trailer"):
		return fail(ErrCorrupt, "malformed trailer")
	}
	return fail(ErrCorrupt, "cannot open the document structure")
}

// objID returns the object number of v when v was reached through an
// indirect reference (the library keeps it in an unexported field; reading
// it with reflect is the only way to recognize an object seen before).
func objID(v pdf.Value) (uint64, bool) {
	f := reflect.ValueOf(v).FieldByName("ptr")
	if !f.IsValid() || f.Kind() != reflect.Struct || f.NumField() < 2 {
		return 0, false
	}
	id, gen := f.Field(0), f.Field(1)
	if !id.CanUint() || !gen.CanUint() {
		return 0, false
	}
	return id.Uint()<<16 | gen.Uint(), true
}

// refID returns the object number of the entry key of dictionary d when
// the entry is an indirect reference, without reading the object (Key
// would). Like objID it reads the library's unexported representation with
// reflect, and reports false when that is not what it expects.
func refID(d pdf.Value, key string) (uint64, bool) {
	data := reflect.ValueOf(d).FieldByName("data")
	if !data.IsValid() || data.Kind() != reflect.Interface || data.IsNil() {
		return 0, false
	}
	m := data.Elem()
	if m.Kind() != reflect.Map || m.Type().Key().Kind() != reflect.String {
		return 0, false
	}
	e := m.MapIndex(reflect.ValueOf(key).Convert(m.Type().Key()))
	if !e.IsValid() {
		return 0, false
	}
	if e.Kind() == reflect.Interface {
		if e.IsNil() {
			return 0, false
		}
		e = e.Elem()
	}
	if e.Type() != objptrType {
		return 0, false
	}
	id, gen := e.Field(0), e.Field(1)
	if !id.CanUint() || !gen.CanUint() {
		return 0, false
	}
	return id.Uint()<<16 | gen.Uint(), true
}

// objptrType is the library's type of an indirect reference: the type of
// the field Value.ptr.
var objptrType = func() reflect.Type {
	f, ok := reflect.TypeOf(pdf.Value{}).FieldByName("ptr")
	if !ok || f.Type.Kind() != reflect.Struct || f.Type.NumField() < 2 {
		return nil
	}
	return f.Type
}()

// walkPages walks the page tree once (Trailer → Root → Pages, recursing into
// Kids) with a depth limit, a visited set and a page cap. The library's
// Page(i) walks from the root for every page and loops forever on a cyclic
// tree.
func walkPages(r *pdf.Reader, maxPages int) (pages []pdf.Page, err error) {
	defer func() {
		if x := recover(); x != nil {
			pages, err = nil, panicError(x)
		}
	}()
	root := r.Trailer().Key("Root")
	if root.Kind() != pdf.Dict {
		return nil, fail(ErrCorrupt, "missing document catalog")
	}
	top := root.Key("Pages")
	if top.Kind() != pdf.Dict {
		return nil, fail(ErrNoPages, "missing page tree")
	}
	visited := map[uint64]bool{}
	nodes := 0
	var walk func(node, parent pdf.Value, parentID uint64, depth int) error
	walk = func(node, parent pdf.Value, parentID uint64, depth int) error {
		if depth > maxTreeDepth {
			return fail(ErrCorrupt, "page tree is too deep or loops")
		}
		if nodes++; nodes > 4*maxPages+1000 {
			return fail(ErrCorrupt, "page tree has too many nodes")
		}
		kids := node.Key("Kids")
		isPages := node.Key("Type").Name() == "Pages" || (node.Key("Type").Name() != "Page" && kids.Kind() == pdf.Array)
		if !isPages {
			if node.Kind() != pdf.Dict {
				return nil // a null or broken kid: skip it like a viewer would
			}
			if len(pages) >= maxPages {
				return fail(ErrUnsupported, fmt.Sprintf("more than %d pages", maxPages))
			}
			pages = append(pages, pdf.Page{V: node})
			return nil
		}
		if id, ok := objID(node); ok {
			// A kid written inline carries its container's id: it is a
			// loop only if it is the container itself.
			if visited[id] && (id != parentID || node.String() == parent.String()) {
				return fail(ErrCorrupt, "page tree contains a loop")
			}
			visited[id] = true
			parentID = id
		}
		for i := 0; i < kids.Len(); i++ {
			if err := walk(kids.Index(i), node, parentID, depth+1); err != nil {
				return err
			}
		}
		return nil
	}
	if err := walk(top, pdf.Value{}, ^uint64(0), 0); err != nil {
		return nil, err
	}
	return pages, nil
}

// pageText returns the text of one page, laid out from glyph positions,
// and the number of images the page draws.
func pageText(w *walker, p pdf.Page) (text string, images int, err error) {
	defer func() {
		if x := recover(); x != nil {
			text, images, err = "", 0, panicError(x)
		}
	}()
	if !resourcesReachable(p.V) {
		return "", 0, fail(ErrCorrupt, "page resources unreachable (parent chain loops)")
	}
	glyphs, images := w.pageGlyphs(p)
	return layout(glyphs), images, nil
}

// resourcesReachable reports whether the library's unbounded walk up the
// /Parent chain for /Resources ends: either a node within maxInherit levels
// has Resources, or the chain ends in null.
func resourcesReachable(v pdf.Value) bool {
	for i := 0; i < maxInherit; i++ {
		if v.IsNull() || !v.Key("Resources").IsNull() {
			return true
		}
		v = v.Key("Parent")
	}
	return false
}
