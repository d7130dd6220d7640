// Command genhostile writes the hostile PDF fixtures of package pdftext to
// a directory (default: testdata). It renders small PDFs with gopdf and the
// Go fonts, then damages them by byte surgery; the AES-256 and password
// fixtures are encrypted with qpdf, which must be on PATH.
//
// Run it with go generate in extract/pdftext; the output is committed.
package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"image"
	"image/color"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"time"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/goregular"
)

func main() {
	out := flag.String("o", "testdata", "output directory")
	flag.Parse()
	if err := run(*out); err != nil {
		fmt.Fprintln(os.Stderr, "genhostile:", err)
		os.Exit(1)
	}
}

// lines is the synthetic letter text of the fixtures (no real letter text).
var lines = []string{
	"Case Number: CM00-0000001",
	"The injured worker is a synthetic patient of this fixture.",
	"Lumbar facet injection: Upheld",
}

func run(dir string) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	plain, err := render(false, []pageKind{textPage}) // uncompressed: editable content
	if err != nil {
		return err
	}
	packed, err := render(true, []pageKind{textPage})
	if err != nil {
		return err
	}
	imageOnly, err := render(true, []pageKind{imagePage})
	if err != nil {
		return err
	}
	textThenImage, err := render(true, []pageKind{textPage, imagePage})
	if err != nil {
		return err
	}
	rng := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 2048)
	for i := range random {
		random[i] = byte(rng.UintN(256))
	}

	files := map[string][]byte{
		"good.pdf":            plain,
		"empty.pdf":           {},
		"random.pdf":          random,
		"truncated.pdf":       plain[:len(plain)*6/10],
		"pdf20.pdf":           append([]byte("%PDF-2.0"), plain[len("%PDF-1.7"):]...),
		"image-only.pdf":      imageOnly,
		"image-page2.pdf":     textThenImage,
		"trailing-junk.pdf":   append(bytes.Clone(plain), []byte("\r\ngarbage after the end marker\r\n")...),
		"corrupt-stream.pdf":  corruptStreams(packed, rng),
		"kids-loop.pdf":       mustEdit(plain, kidsLoop),
		"self-reference.pdf":  mustEdit(plain, selfReference),
		"unbalanced-q.pdf":    mustEdit(plain, unbalancedQ),
		"no-pages.pdf":        mustEdit(plain, noPages),
		"parent-loop.pdf":     mustEdit(plain, parentLoop),
		"bad-startxref.pdf":   badStartxref(plain),
		"deep-page-tree.pdf":  mustEdit(plain, deepTree),
		"missing-content.pdf": mustEdit(plain, missingContent),
	}
	for name, data := range files {
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			return err
		}
	}
	// Encrypted variants, made by qpdf from good.pdf.
	good := filepath.Join(dir, "good.pdf")
	for name, args := range map[string][]string{
		"aes256.pdf":   {"--encrypt", "u", "o", "256", "--"},
		"password.pdf": {"--encrypt", "u", "o", "128", "--use-aes=y", "--"},
	} {
		args = append([]string{"--static-id", "--static-aes-iv"}, append(args, good, filepath.Join(dir, name))...)
		if out, err := exec.Command("qpdf", args...).CombinedOutput(); err != nil {
			return fmt.Errorf("qpdf %s: %v: %s", name, err, out)
		}
	}
	return nil
}

type pageKind int

const (
	textPage pageKind = iota
	imagePage
)

func render(compress bool, pages []pageKind) ([]byte, error) {
	var pdf gopdf.GoPdf
	pdf.Start(gopdf.Config{PageSize: *gopdf.PageSizeA4})
	if !compress {
		pdf.SetNoCompression()
	}
	pdf.SetInfo(gopdf.PdfInfo{Title: "pdftext fixture", CreationDate: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
	if err := pdf.AddTTFFontData("go", goregular.TTF); err != nil {
		return nil, err
	}
	for _, k := range pages {
		pdf.AddPage()
		switch k {
		case textPage:
			if err := pdf.SetFont("go", "", 12); err != nil {
				return nil, err
			}
			for i, l := range lines {
				pdf.SetXY(72, 72+float64(i)*16)
				if err := pdf.Cell(nil, l); err != nil {
					return nil, err
				}
			}
		case imagePage:
			img := image.NewGray(image.Rect(0, 0, 64, 32))
			for y := 0; y < 32; y++ {
				for x := 0; x < 64; x++ {
					img.SetGray(x, y, color.Gray{Y: uint8(x * 4)})
				}
			}
			if err := pdf.ImageFrom(img, 72, 72, &gopdf.Rect{W: 256, H: 128}); err != nil {
				return nil, err
			}
		}
	}
	return pdf.GetBytesPdf(), nil
}

var objRE = regexp.MustCompile(`(?m)^(\d+) 0 obj\b`)

// obj returns the body between "n 0 obj" and "endobj".
func obj(data []byte, n int) (start, end int, ok bool) {
	for _, m := range objRE.FindAllSubmatchIndex(data, -1) {
		if id, _ := strconv.Atoi(string(data[m[2]:m[3]])); id == n {
			e := bytes.Index(data[m[1]:], []byte("endobj"))
			if e < 0 {
				return 0, 0, false
			}
			return m[1], m[1] + e, true
		}
	}
	return 0, 0, false
}

// findObj returns the number of the first object whose body contains sub.
func findObj(data []byte, sub string) (int, error) {
	for _, m := range objRE.FindAllSubmatchIndex(data, -1) {
		id, _ := strconv.Atoi(string(data[m[2]:m[3]]))
		_, e, ok := obj(data, id)
		if ok && bytes.Contains(data[m[1]:e], []byte(sub)) {
			return id, nil
		}
	}
	return 0, fmt.Errorf("no object contains %q", sub)
}

// replaceIn replaces old by new in the body of object n.
func replaceIn(data []byte, n int, old, new string) ([]byte, error) {
	s, e, ok := obj(data, n)
	if !ok || !bytes.Contains(data[s:e], []byte(old)) {
		return nil, fmt.Errorf("object %d has no %q", n, old)
	}
	body := bytes.Replace(data[s:e], []byte(old), []byte(new), 1)
	return append(append(append([]byte{}, data[:s]...), body...), data[e:]...), nil
}

func mustEdit(data []byte, edit func([]byte) ([]byte, error)) []byte {
	out, err := edit(data)
	if err != nil {
		fmt.Fprintln(os.Stderr, "genhostile:", err)
		os.Exit(1)
	}
	return rebuildXref(out)
}

var kidsRE = regexp.MustCompile(`/Kids\s*\[([^\]]*)\]`)

func pagesObj(data []byte) (int, error) { return findObj(data, "/Type /Pages") }

// kidsLoop makes the root Pages node list itself among its kids.
func kidsLoop(data []byte) ([]byte, error) {
	n, err := pagesObj(data)
	if err != nil {
		return nil, err
	}
	s, e, _ := obj(data, n)
	body := kidsRE.ReplaceAll(data[s:e], []byte(fmt.Sprintf("/Kids [$1 %d 0 R]", n)))
	return append(append(append([]byte{}, data[:s]...), body...), data[e:]...), nil
}

// selfReference replaces the page tree root's Kids by a reference to a new
// object whose value is a reference to itself.
func selfReference(data []byte) ([]byte, error) {
	n, err := pagesObj(data)
	if err != nil {
		return nil, err
	}
	self := maxObj(data) + 1
	s, e, _ := obj(data, n)
	body := kidsRE.ReplaceAll(data[s:e], []byte(fmt.Sprintf("/Kids %d 0 R", self)))
	out := append(append(append([]byte{}, data[:s]...), body...), data[e:]...)
	return appendObj(out, self, fmt.Sprintf("%d 0 R", self)), nil
}

// unbalancedQ prepends restores without saves to the page content.
func unbalancedQ(data []byte) ([]byte, error) {
	n, err := findObj(data, "BT")
	if err != nil {
		return nil, err
	}
	return fixLength(replaceIn(data, n, "stream\n", "stream\nQ Q Q\n"))
}

// missingContent points the page at a content object that does not exist.
func missingContent(data []byte) ([]byte, error) {
	n, err := findObj(data, "/Type /Page\n")
	if err != nil {
		n, err = findObj(data, "/Contents")
		if err != nil {
			return nil, err
		}
	}
	s, e, _ := obj(data, n)
	re := regexp.MustCompile(`/Contents\s+\d+ 0 R`)
	body := re.ReplaceAll(data[s:e], []byte("/Contents 999 0 R"))
	return append(append(append([]byte{}, data[:s]...), body...), data[e:]...), nil
}

// noPages empties the page tree.
func noPages(data []byte) ([]byte, error) {
	n, err := pagesObj(data)
	if err != nil {
		return nil, err
	}
	s, e, _ := obj(data, n)
	body := kidsRE.ReplaceAll(data[s:e], []byte("/Kids []"))
	body = regexp.MustCompile(`/Count\s+\d+`).ReplaceAll(body, []byte("/Count 0"))
	return append(append(append([]byte{}, data[:s]...), body...), data[e:]...), nil
}

// parentLoop removes the page's resources and points its Parent at itself,
// so that looking up inherited resources never ends.
func parentLoop(data []byte) ([]byte, error) {
	n, err := findObj(data, "/Contents")
	if err != nil {
		return nil, err
	}
	s, e, _ := obj(data, n)
	body := regexp.MustCompile(`/Parent\s+\d+ 0 R`).ReplaceAll(data[s:e], []byte(fmt.Sprintf("/Parent %d 0 R", n)))
	body = regexp.MustCompile(`/Resources\s+\d+ 0 R`).ReplaceAll(body, nil)
	if bytes.Contains(body, []byte("/Resources")) {
		return nil, errors.New("inline resources: cannot remove")
	}
	return append(append(append([]byte{}, data[:s]...), body...), data[e:]...), nil
}

// deepTree nests the page 100 Pages nodes deep.
func deepTree(data []byte) ([]byte, error) {
	n, err := pagesObj(data)
	if err != nil {
		return nil, err
	}
	s, e, _ := obj(data, n)
	m := kidsRE.FindSubmatch(data[s:e])
	if m == nil {
		return nil, errors.New("no Kids")
	}
	next := maxObj(data) + 1
	body := kidsRE.ReplaceAll(data[s:e], []byte(fmt.Sprintf("/Kids [%d 0 R]", next)))
	out := append(append(append([]byte{}, data[:s]...), body...), data[e:]...)
	for i := 0; i < 100; i++ {
		kids := fmt.Sprintf("[%d 0 R]", next+1)
		if i == 99 {
			kids = "[" + string(m[1]) + "]"
		}
		out = appendObj(out, next, fmt.Sprintf("<< /Type /Pages /Count 1 /Kids %s >>", kids))
		next++
	}
	return out, nil
}

// corruptStreams flips bytes inside every compressed stream.
func corruptStreams(data []byte, rng *rand.Rand) []byte {
	out := bytes.Clone(data)
	for i := 0; ; {
		s := bytes.Index(out[i:], []byte("stream\n"))
		if s < 0 {
			break
		}
		s += i + len("stream\n")
		e := bytes.Index(out[s:], []byte("endstream"))
		if e < 0 {
			break
		}
		for k := 0; k < 24 && e > 8; k++ {
			out[s+2+rng.IntN(e-8)] ^= byte(1 + rng.UintN(255))
		}
		i = s + e
	}
	return out
}

// badStartxref points startxref at the middle of the file.
func badStartxref(data []byte) []byte {
	i := bytes.LastIndex(data, []byte("startxref"))
	return append(bytes.Clone(data[:i]), []byte(fmt.Sprintf("startxref\n%d\n%%%%EOF\n", len(data)/2))...)
}

func maxObj(data []byte) int {
	hi := 0
	for _, m := range objRE.FindAllSubmatch(data, -1) {
		if id, _ := strconv.Atoi(string(m[1])); id > hi {
			hi = id
		}
	}
	return hi
}

// appendObj inserts a new object before the xref table.
func appendObj(data []byte, n int, body string) []byte {
	i := bytes.LastIndex(data, []byte("\nxref"))
	if i < 0 {
		i = len(data)
	} else {
		i++
	}
	o := fmt.Sprintf("%d 0 obj\n%s\nendobj\n", n, body)
	return append(append(append([]byte{}, data[:i]...), o...), data[i:]...)
}

// fixLength sets the /Length of the stream edited by unbalancedQ.
func fixLength(data []byte, err error) ([]byte, error) {
	if err != nil {
		return nil, err
	}
	re := regexp.MustCompile(`/Length (\d+)([^>]*>>\s*stream\n)`)
	out := data
	for _, m := range re.FindAllSubmatchIndex(data, -1) {
		s := m[1]
		e := bytes.Index(data[s:], []byte("endstream"))
		if e < 0 {
			continue
		}
		body := bytes.TrimRight(data[s:s+e], "\r\n")
		old, _ := strconv.Atoi(string(data[m[2]:m[3]]))
		if old != len(body) {
			out = bytes.Replace(out, data[m[0]:m[1]], append([]byte(fmt.Sprintf("/Length %d", len(body))), data[m[4]:m[5]]...), 1)
		}
	}
	return out, nil
}

// rebuildXref rewrites the cross-reference table, trailer and startxref to
// match the objects' offsets after an edit.
func rebuildXref(data []byte) []byte {
	i := bytes.LastIndex(data, []byte("\nxref"))
	t := bytes.LastIndex(data, []byte("trailer"))
	if i < 0 || t < 0 {
		return data
	}
	trailerEnd := bytes.Index(data[t:], []byte("startxref"))
	if trailerEnd < 0 {
		panic(fmt.Sprintf("no startxref after trailer at %d of %d", t, len(data)))
	}
	trailer := regexp.MustCompile(`/Size\s+\d+`).ReplaceAll(bytes.Clone(data[t:t+trailerEnd]), []byte(fmt.Sprintf("/Size %d", maxObj(data[:i])+1)))
	body := data[:i+1]
	offsets := map[int]int{}
	for _, m := range objRE.FindAllSubmatchIndex(body, -1) {
		id, _ := strconv.Atoi(string(body[m[2]:m[3]]))
		offsets[id] = m[0]
	}
	n := maxObj(body) + 1
	var b bytes.Buffer
	b.Write(body)
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", n)
	for id := 1; id < n; id++ {
		if off, ok := offsets[id]; ok {
			fmt.Fprintf(&b, "%010d 00000 n \n", off)
		} else {
			b.WriteString("0000000000 65535 f \n")
		}
	}
	b.Write(trailer)
	fmt.Fprintf(&b, "startxref\n%d\n%%%%EOF\n", xref)
	return b.Bytes()
}
