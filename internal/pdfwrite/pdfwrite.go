// Package pdfwrite writes letters as simple PDFs, one line of the text per
// printed line, for the fixture renderer (fixtures/internal/render) and the
// synthetic letter generator (internal/synth): A4, the Go regular font, a
// fixed number of lines per page and one font size for the whole letter,
// chosen so that the widest line fits. Output is deterministic (no
// timestamps).
package pdfwrite

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/goregular"
)

// Page layout, in points.
const (
	PageW        = 595.28
	PageH        = 841.89
	Margin       = 28.0
	LinesPerPage = 50
	MaxFontSize  = 9.0
	fontFamily   = "goregular"
)

// A Doc is a PDF being written.
type Doc struct {
	pdf   *gopdf.GoPdf
	lineH float64
}

// New starts a document whose font size makes the widest of lines fit
// between the margins.
func New(lines []string) (*Doc, error) {
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: PageW, H: PageH}, Unit: gopdf.UnitPT})
	if err := pdf.AddTTFFontData(fontFamily, goregular.TTF); err != nil {
		return nil, fmt.Errorf("add font: %w", err)
	}
	if err := pdf.SetFont(fontFamily, "", 10); err != nil {
		return nil, err
	}
	widest := 0.0
	for _, l := range lines {
		w, err := pdf.MeasureTextWidth(l)
		if err != nil {
			return nil, err
		}
		widest = max(widest, w/10)
	}
	size := MaxFontSize
	if avail := PageW - 2*Margin; widest*size > avail {
		size = avail / widest
	}
	if err := pdf.SetFont(fontFamily, "", size); err != nil {
		return nil, err
	}
	return &Doc{pdf: pdf, lineH: (PageH - 2*Margin) / LinesPerPage}, nil
}

// Row returns the baseline position of printed line i, starting a new page
// at each page boundary; call it once per line, in order.
func (d *Doc) Row(i int) float64 {
	if i%LinesPerPage == 0 {
		d.pdf.AddPage()
	}
	return Margin + float64(i%LinesPerPage)*d.lineH
}

// Text draws s at (x, y); a blank s draws nothing.
func (d *Doc) Text(x, y float64, s string) error {
	if strings.TrimSpace(s) == "" {
		return nil
	}
	d.pdf.SetXY(x, y)
	return d.pdf.Text(s)
}

// Bytes returns the finished PDF.
func (d *Doc) Bytes() ([]byte, error) {
	var buf bytes.Buffer
	if _, err := d.pdf.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
