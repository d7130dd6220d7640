package synth

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/signintech/gopdf"
	"golang.org/x/image/font/gofont/goregular"
)

// Page layout of PDF letters, in points (A4), as the fixture PDFs
// (fixtures/internal/render): one line of the text per printed line, a fixed
// number of lines per page, one font size chosen so the widest line fits.
const (
	pageW        = 595.28
	pageH        = 841.89
	margin       = 28.0
	linesPerPage = 50
	maxFontSize  = 9.0
	fontFamily   = "goregular"
)

// PDF renders text (a letter from Letter) as a PDF with the Go regular font.
// The output is deterministic: no timestamps, so the same text gives the
// same bytes.
func PDF(text string) ([]byte, error) {
	// Trailing blank lines are dropped: a page without text would be
	// written by gopdf with an empty /Contents entry (a broken PDF).
	lines := strings.Split(strings.TrimRight(text, "\n\t "), "\n")
	pdf := &gopdf.GoPdf{}
	pdf.Start(gopdf.Config{PageSize: gopdf.Rect{W: pageW, H: pageH}, Unit: gopdf.UnitPT})
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
	size := maxFontSize
	if avail := pageW - 2*margin; widest*size > avail {
		size = avail / widest
	}
	if err := pdf.SetFont(fontFamily, "", size); err != nil {
		return nil, err
	}
	lineH := (pageH - 2*margin) / linesPerPage
	for i, l := range lines {
		if i%linesPerPage == 0 {
			pdf.AddPage()
		}
		l = strings.TrimRight(l, " \t")
		if l == "" {
			continue
		}
		pdf.SetXY(margin, margin+float64(i%linesPerPage)*lineH)
		if err := pdf.Text(l); err != nil {
			return nil, err
		}
	}
	var buf bytes.Buffer
	if _, err := pdf.WriteTo(&buf); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
