package pdftext

import (
	"cmp"
	"math"
	"slices"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Layout parameters, in units of the font size (em) unless noted. They were
// tuned on the IMR corpus against pdftotext (see corpus_test.go).
const (
	// lineTol: a glyph joins a line when its baseline is within lineTol em
	// of the line's top baseline (superscripts stay on their line).
	lineTol = 0.45
	// spaceGap: a horizontal gap wider than spaceGap em between two glyphs
	// is a word space.
	spaceGap = 0.15
	// cellGap: a gap wider than cellGap em separates two cells of a table
	// row (label and value of the letter's header block).
	cellGap = 1.5
	// dupOverlap: a glyph equal to a previous one and shifted by less than
	// dupOverlap of its width is the same glyph drawn twice (fake bold).
	dupOverlap = 0.3
	// paraGap: a baseline distance larger than paraGap times the page's
	// median line pitch puts an empty line between two lines.
	paraGap = 1.4
	// cellAlign: cell starts within cellAlign points are aligned.
	cellAlign = 2.0
	// minSize: glyphs smaller than minSize points are dropped.
	minSize = 0.5
)

// cellSep separates the cells of a table row in a line.
const cellSep = "   "

// A glyph is one character drawn on the page (pdf.Text of Page.Content):
// baseline origin x, y, advance width w and font size, all in points.
type glyph struct {
	x, y, w, size float64
	dir           float64 // writing direction, radians (0: left to right)
	s             string
	flags         uint8 // glyphSpace: isSpace(s); glyphDrawn: printable(s)
}

func (g *glyph) space() bool { return g.flags&glyphSpace != 0 }

// textFlags returns the glyph flags of text s.
func textFlags(s string) uint8 {
	var f uint8
	if isSpace(s) {
		f |= glyphSpace
	}
	if printable(s) {
		f |= glyphDrawn
	}
	return f
}

// A cell is a run of words of one line with no wide gap inside.
type cell struct {
	x0, x1 float64
	text   strings.Builder
}

// A line is the glyphs sharing a baseline, split into cells.
type line struct {
	top, size float64 // highest baseline, largest font size
	glyphs    []glyph
	cells     []*cell
}

// layout turns the glyphs of one page, in content-stream order, into plain
// text lines: glyphs are grouped into lines by baseline, ordered by x, words
// are split where the gap between glyphs exceeds a fraction of the font
// size, glyphs drawn twice are dropped, and cells of a table row that wrap
// onto the next line are joined back to their row.
//
// layout reorders and overwrites gs.
func layout(gs []glyph) string {
	// Drop what is not drawn; most pages have upright text only.
	kept := gs[:0]
	upright := true
	for _, g := range gs {
		if g.flags&glyphDrawn == 0 || !(g.size >= minSize) || !finite(g.x) || !finite(g.y) || !finite(g.w) || !finite(g.dir) {
			continue
		}
		upright = upright && degrees(g.dir) == 0
		kept = append(kept, g)
	}
	if upright {
		var b strings.Builder
		writeLines(&b, kept)
		return strings.TrimRight(b.String(), "\n")
	}
	// Group glyphs by writing direction (whole degrees); each group is laid
	// out in its own frame, rotated so that its text runs left to right.
	groups := map[int][]glyph{}
	for _, g := range kept {
		deg := degrees(g.dir)
		if deg != 0 {
			sin, cos := math.Sincos(float64(deg) * math.Pi / 180)
			g.x, g.y = g.x*cos+g.y*sin, -g.x*sin+g.y*cos
		}
		groups[deg] = append(groups[deg], g)
	}
	keys := make([]int, 0, len(groups))
	for k := range groups {
		keys = append(keys, k)
	}
	slices.SortFunc(keys, func(a, b int) int {
		if (a == 0) != (b == 0) { // upright text first
			if a == 0 {
				return -1
			}
			return 1
		}
		return a - b
	})
	var b strings.Builder
	for _, k := range keys {
		writeLines(&b, groups[k])
	}
	return strings.TrimRight(b.String(), "\n")
}

// degrees is the writing direction dir (radians) in whole degrees,
// -179..180, with -2..2 taken as 0.
func degrees(dir float64) int {
	deg := int(math.Round(dir * 180 / math.Pi))
	if deg <= -180 {
		deg += 360
	}
	if deg >= -2 && deg <= 2 {
		deg = 0
	}
	return deg
}

func finite(f float64) bool { return !math.IsNaN(f) && !math.IsInf(f, 0) }

// writeLines lays out glyphs of one writing direction.
func writeLines(b *strings.Builder, gs []glyph) {
	lines := groupLines(gs)
	for _, l := range lines {
		l.build()
	}
	lines = joinWrappedCells(lines)
	pitch := medianPitch(lines)
	var prev *line
	for _, l := range lines {
		text := l.String()
		if text == "" {
			continue
		}
		if prev != nil && pitch > 0 && prev.top-l.top > paraGap*pitch && prev.top-l.top > 1.2*l.size {
			b.WriteByte('\n')
		}
		b.WriteString(text)
		b.WriteByte('\n')
		prev = l
	}
}

// printable reports whether s draws something or is a space; control
// characters (the library emits "\n" after every TJ) are dropped.
func printable(s string) bool {
	if s == "" {
		return false
	}
	for _, r := range s {
		if unicode.IsControl(r) && r != '\t' {
			return false
		}
	}
	return true
}

func isSpace(s string) bool {
	return strings.TrimFunc(s, unicode.IsSpace) == "" || s == "\u00a0"
}

// groupLines sorts glyphs by baseline (top first) and groups those within
// lineTol em of a line's top baseline. Within a line glyphs keep content
// order until build sorts them by x. The lines share gs.
func groupLines(gs []glyph) []*line {
	sortStable(gs, func(a, b glyph) int { return cmp.Compare(b.y, a.y) })
	var all []line
	start := 0
	for i, g := range gs {
		if n := len(all); n > 0 {
			cur := &all[n-1]
			if cur.top-g.y <= lineTol*max(cur.size, g.size) {
				cur.size = max(cur.size, g.size)
				continue
			}
			cur.glyphs = gs[start:i:i]
		}
		all = append(all, line{top: g.y, size: g.size})
		start = i
	}
	if n := len(all); n > 0 {
		all[n-1].glyphs = gs[start:]
	}
	lines := make([]*line, len(all))
	for i := range all {
		lines[i] = &all[i]
	}
	return lines
}

// sortStable sorts gs stably by cmp. Glyphs mostly come in reading order,
// so it first looks whether they are sorted already (stable sorting moves
// 64-byte glyphs even then).
func sortStable(gs []glyph, cmp func(a, b glyph) int) {
	for i := 1; i < len(gs); i++ {
		if cmp(gs[i], gs[i-1]) < 0 {
			slices.SortStableFunc(gs, cmp)
			return
		}
	}
}

// build orders the glyphs of l by x, drops duplicates and splits words and
// cells at gaps.
func (l *line) build() {
	gs := l.glyphs
	sortStable(gs, func(a, b glyph) int { return cmp.Compare(a.x, b.x) })
	kept := gs[:0]
	for i := range gs {
		if !isDuplicate(kept, &gs[i]) {
			kept = append(kept, gs[i])
		}
	}
	var c *cell
	var prevEnd float64 // right edge of the glyphs so far (spaces included)
	var inkEnd float64  // right edge of the non-space glyphs so far
	space := false
	for _, g := range kept {
		sp := g.space()
		end := g.x + max(g.w, 0)
		switch {
		case c == nil && sp:
			continue // leading space
		case c == nil, !sp && g.x-inkEnd > cellGap*g.size:
			c = &cell{x0: g.x}
			l.cells = append(l.cells, c)
			prevEnd, inkEnd, space = end, end, false
		case g.x-prevEnd > spaceGap*g.size:
			space = true
		}
		prevEnd = max(prevEnd, end)
		if sp {
			space = true
			continue
		}
		if space {
			c.text.WriteByte(' ')
			space = false
		}
		c.text.WriteString(g.s)
		inkEnd = max(inkEnd, end)
		c.x1 = inkEnd
	}
}

// isDuplicate reports whether g repeats one of the last glyphs kept at
// nearly the same position (Word draws some bold text twice, shifted by a
// fraction of a point).
func isDuplicate(kept []glyph, g *glyph) bool {
	if g.w <= 0 || g.space() {
		return false
	}
	for i := len(kept) - 1; i >= 0 && i >= len(kept)-4; i-- {
		k := &kept[i]
		if k.w > 0 && math.Abs(k.x-g.x) < dupOverlap*k.w && math.Abs(k.y-g.y) < 0.2*g.size && k.s == g.s {
			return true
		}
	}
	return false
}

// String returns the line's text: NFKC-normalized cells joined by cellSep.
func (l *line) String() string {
	if len(l.cells) == 1 {
		return cellText(l.cells[0].text.String())
	}
	parts := make([]string, 0, len(l.cells))
	for _, c := range l.cells {
		if t := cellText(c.text.String()); t != "" {
			parts = append(parts, t)
		}
	}
	return strings.Join(parts, cellSep)
}

// cellText returns s NFKC-normalized with its spaces folded.
func cellText(s string) string {
	if plainASCII(s) {
		return s // NFKC and folding would not change it
	}
	return strings.Join(strings.Fields(norm.NFKC.String(s)), " ")
}

// plainASCII reports whether s is printable ASCII with single spaces
// between words and none at either end.
func plainASCII(s string) bool {
	if s == "" || s[0] == ' ' || s[len(s)-1] == ' ' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < ' ' || c > '~' || c == ' ' && s[i-1] == ' ' {
			return false
		}
	}
	return true
}

// joinWrappedCells joins a line that only continues cells of the row above
// (every cell starts where a cell other than the row's first starts, as
// "Received:" under "Application" in the IMR header) to that row.
func joinWrappedCells(lines []*line) []*line {
	out := lines[:0:0]
	for _, l := range lines {
		if n := len(out); n > 0 && continues(out[n-1], l) {
			row := out[n-1]
			for _, c := range l.cells {
				rc := row.cells[alignedCell(row, c)]
				rc.text.WriteByte(' ')
				rc.text.WriteString(c.text.String())
			}
			continue
		}
		out = append(out, l)
	}
	return out
}

func continues(row, l *line) bool {
	if len(row.cells) < 2 || len(l.cells) == 0 || len(l.cells) >= len(row.cells) {
		return false
	}
	if row.top-l.top > 1.6*max(row.size, l.size) {
		return false
	}
	for _, c := range l.cells {
		if alignedCell(row, c) < 1 {
			return false
		}
	}
	return true
}

// alignedCell returns the index of the cell of row that starts where c
// starts and is wide enough for it, or -1.
func alignedCell(row *line, c *cell) int {
	for i, rc := range row.cells {
		if math.Abs(rc.x0-c.x0) > cellAlign {
			continue
		}
		if i+1 < len(row.cells) && c.x1 > row.cells[i+1].x0 {
			return -1
		}
		return i
	}
	return -1
}

// medianPitch is the median distance between consecutive baselines.
func medianPitch(lines []*line) float64 {
	var d []float64
	for i := 1; i < len(lines); i++ {
		if v := lines[i-1].top - lines[i].top; v > 0 {
			d = append(d, v)
		}
	}
	if len(d) == 0 {
		return 0
	}
	slices.Sort(d)
	return d[len(d)/2]
}
