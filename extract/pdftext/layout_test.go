package pdftext

import (
	"math"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// word returns the glyphs of s set at x on baseline y in a font of the
// given size whose glyphs are all 0.5 em wide.
func word(s string, x, y, size float64) []glyph {
	var gs []glyph
	for _, r := range s {
		gs = append(gs, glyph{x: x, y: y, w: size / 2, size: size, s: string(r)})
		x += size / 2
	}
	return gs
}

func join(parts ...[]glyph) []glyph {
	var out []glyph
	for _, p := range parts {
		out = append(out, p...)
	}
	return out
}

func TestLayout(t *testing.T) {
	rotate := func(gs []glyph, deg float64) []glyph {
		sin, cos := math.Sincos(deg * math.Pi / 180)
		out := make([]glyph, len(gs))
		for i, g := range gs {
			g.x, g.y = g.x*cos-g.y*sin, g.x*sin+g.y*cos
			g.dir = deg * math.Pi / 180
			out[i] = g
		}
		return out
	}
	tests := []struct {
		name   string
		glyphs []glyph
		want   string
	}{
		{"empty", nil, ""},
		{"space glyphs", word("The applicant is", 72, 700, 10), "The applicant is"},
		{"gap without space glyph", join(word("lumbar", 72, 700, 10), word("facet", 72+30+3, 700, 10)), "lumbar facet"},
		{"kerning is no space", join(word("inj", 72, 700, 10), word("ection", 72+15+0.5, 700, 10)), "injection"},
		{"content order does not matter", join(word("two", 72, 686, 10), word("one", 72, 700, 10)), "one\ntwo"},
		{
			"fake bold drawn twice",
			join(word("Upheld", 72, 700, 10), word("Upheld", 72.4, 700, 10)),
			"Upheld",
		},
		{"double letters survive", word("all", 72, 700, 10), "all"},
		{
			"superscript stays on its line",
			join(word("18", 72, 700, 10), word("th", 82, 703.5, 6.5), word("day", 72, 686, 10)),
			"18th\nday",
		},
		{
			"header row with wrapped label",
			join(
				word("Priority:", 72, 650, 11), word("Standard", 180, 650, 11),
				word("Application", 330, 650, 11), word("11/14/2016", 430, 650, 11),
				word("Received:", 330, 637.4, 11),
				word("HOW", 72, 610, 11),
			),
			"Priority:   Standard   Application Received:   11/14/2016\nHOW",
		},
		{
			"paragraph line under a row is not a continuation",
			join(word("Date:", 72, 650, 11), word("11/18/2016", 180, 650, 11), word("Next", 72, 637.4, 11)),
			"Date:   11/18/2016\nNext",
		},
		{"ligature NFKC", []glyph{{x: 72, y: 700, w: 5, size: 10, s: "\ufb01"}, {x: 77, y: 700, w: 5, size: 10, s: "le"}}, "file"},
		{"control glyphs dropped", join(word("a", 72, 700, 10), []glyph{{x: 77, y: 700, w: 9, size: 10, s: "\n"}}, word("b", 77, 700, 10)), "ab"},
		{
			"rotated text after upright text, in its own frame",
			join(rotate(word("MARGIN", 20, -300, 8), 90), word("Body", 72, 700, 10)),
			"Body\nMARGIN",
		},
		{"degenerate glyphs dropped", []glyph{{x: math.NaN(), y: 1, w: 1, size: 10, s: "x"}, {x: 1, y: 1, w: 1, size: 0, s: "y"}}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			for i := range tt.glyphs {
				tt.glyphs[i].flags = textFlags(tt.glyphs[i].s)
			}
			if diff := cmp.Diff(tt.want, layout(tt.glyphs)); diff != "" {
				t.Errorf("layout (-want +got):\n%s", diff)
			}
		})
	}
}
