package synth

import (
	"strings"

	"github.com/precedent-dev/precedent/internal/pdfwrite"
)

// PDF renders text (a letter from Letter) as a PDF with the Go regular font,
// laid out like the fixture PDFs (internal/pdfwrite). The output is
// deterministic: the same text gives the same bytes.
func PDF(text string) ([]byte, error) {
	// Trailing blank lines are dropped: a page without text would be
	// written by gopdf with an empty /Contents entry (a broken PDF).
	lines := strings.Split(strings.TrimRight(text, "\n\t "), "\n")
	d, err := pdfwrite.New(lines)
	if err != nil {
		return nil, err
	}
	for i, l := range lines {
		y := d.Row(i)
		if err := d.Text(pdfwrite.Margin, y, strings.TrimRight(l, " \t")); err != nil {
			return nil, err
		}
	}
	return d.Bytes()
}
