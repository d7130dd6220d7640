package pdftext

import (
	"math"
	"sync"

	"github.com/ledongthuc/pdf"
)

// The content-stream walk below replaces pdf.Page.Content, which it
// follows closely, because Content mispositions text on the corpus: after
// every TJ it draws a phantom "\n" glyph that advances the text position by
// the width of character code 10 (9.3 pt in the Adobe-produced letters), so
// the rest of the line drifts right; it also ignores word spacing (Tw),
// reads one byte per glyph for two-byte (Type0) fonts, panics on an
// unbalanced Q, and never enters form XObjects.

// maxFormDepth bounds nested form XObjects.
const maxFormDepth = 8

// maxGlyphs caps the glyphs kept per page (a hostile content stream could
// otherwise make the layout quadratic in memory).
const maxGlyphs = 1 << 20

type matrix [3][3]float64

var ident = matrix{{1, 0, 0}, {0, 1, 0}, {0, 0, 1}}

func (x matrix) mul(y matrix) matrix {
	if x.affine() && y.affine() {
		return mulAffine(&x, &y)
	}
	return mulGeneral(&x, &y)
}

// mulGeneral is the 3×3 matrix product x × y.
func mulGeneral(x, y *matrix) matrix {
	var z matrix
	for i := 0; i < 3; i++ {
		for j := 0; j < 3; j++ {
			for k := 0; k < 3; k++ {
				z[i][j] += x[i][k] * y[k][j]
			}
		}
	}
	return z
}

// mulAffine is x.mul(y) for affine x and y: the general product with the
// zero and unit terms left out. For finite entries every term left out is
// ±0 added to a sum that starts at +0, or a product by 1, so the result is
// bit-identical.
func mulAffine(x, y *matrix) matrix {
	return matrix{
		{0 + x[0][0]*y[0][0] + x[0][1]*y[1][0], 0 + x[0][0]*y[0][1] + x[0][1]*y[1][1], 0},
		{0 + x[1][0]*y[0][0] + x[1][1]*y[1][0], 0 + x[1][0]*y[0][1] + x[1][1]*y[1][1], 0},
		{0 + x[2][0]*y[0][0] + x[2][1]*y[1][0] + y[2][0], 0 + x[2][0]*y[0][1] + x[2][1]*y[1][1] + y[2][1], 1},
	}
}

// affine reports whether x is an affine transformation (last column 0 0 1)
// with finite entries: the case of every matrix a content stream can set.
func (x *matrix) affine() bool {
	if x[0][2] != 0 || x[1][2] != 0 || x[2][2] != 1 {
		return false
	}
	// x-x is 0 for a finite x and NaN for ±Inf and NaN.
	return x[0][0]-x[0][0] == 0 && x[0][1]-x[0][1] == 0 && x[1][0]-x[1][0] == 0 &&
		x[1][1]-x[1][1] == 0 && x[2][0]-x[2][0] == 0 && x[2][1]-x[2][1] == 0
}

func translate(tx, ty float64) matrix {
	return matrix{{1, 0, 0}, {0, 1, 0}, {tx, ty, 1}}
}

// gstate is the part of the graphics state that positions text.
type gstate struct {
	ctm                       matrix
	tc, tw, th, tl, tfs, rise float64
	font                      *fontInfo
}

// fontInfo is what the walk needs of a font: how to decode codes and their
// widths (in 1/1000 of the font size).
type fontInfo struct {
	enc     pdf.TextEncoding
	twoByte bool
	first   int
	widths  []float64
	cidW    map[int]float64
	dw      float64
	scale   float64 // Type3 FontMatrix scale relative to 1/1000

	// Codes seen so far: Decode of the library's encodings is a pure
	// function of the code, and a slow one (a linear scan of the ToUnicode
	// ranges, a fresh rune slice per call), so each code is decoded once.
	codes1 *[256]codeInfo    // one-byte codes
	codes2 map[int]*codeInfo // two-byte codes
}

// A codeInfo is what a character code of a font draws.
type codeInfo struct {
	s     string  // its text
	w0    float64 // its advance width in text space units
	flags uint8   // glyphSpace, glyphDrawn; codeKnown once filled
}

const (
	codeKnown  = 1 << iota
	glyphSpace // the text is white space (isSpace)
	glyphDrawn // the text is printable (printable)
)

// code returns what code, the bytes of character code c, draws.
func (f *fontInfo) code(code string, c int) *codeInfo {
	var ci *codeInfo
	if len(code) == 1 {
		if f.codes1 == nil {
			f.codes1 = new([256]codeInfo)
		}
		ci = &f.codes1[c]
		if ci.flags&codeKnown != 0 {
			return ci
		}
	} else {
		if ci = f.codes2[c]; ci != nil {
			return ci
		}
		ci = &codeInfo{}
	}
	s := f.decode(code)
	*ci = codeInfo{s: s, w0: f.width(c) / 1000, flags: codeKnown | textFlags(s)}
	if len(code) != 1 {
		if f.codes2 == nil {
			f.codes2 = map[int]*codeInfo{}
		}
		f.codes2[c] = ci
	}
	return ci
}

func (f *fontInfo) width(code int) float64 {
	var w float64
	if f.twoByte {
		var ok bool
		if w, ok = f.cidW[code]; !ok {
			w = f.dw
		}
	} else if i := code - f.first; i >= 0 && i < len(f.widths) {
		w = f.widths[i]
	} else {
		w = f.dw
	}
	return w * f.scale
}

func (f *fontInfo) decode(code string) string {
	if f.enc == nil {
		return code
	}
	return f.enc.Decode(code)
}

func loadFont(v pdf.Value) *fontInfo {
	font := pdf.Font{V: v}
	f := &fontInfo{enc: font.Encoder(), scale: 1}
	switch v.Key("Subtype").Name() {
	case "Type0":
		f.twoByte = true
		f.dw = 1000
		d := v.Key("DescendantFonts").Index(0)
		if dw := d.Key("DW"); dw.Kind() == pdf.Integer || dw.Kind() == pdf.Real {
			f.dw = dw.Float64()
		}
		f.cidW = parseCIDWidths(d.Key("W"))
		return f
	case "Type3":
		if s := v.Key("FontMatrix").Index(0).Float64(); s > 0 {
			f.scale = s * 1000
		}
	}
	f.first = int(v.Key("FirstChar").Int64())
	ws := v.Key("Widths")
	n := min(ws.Len(), 65536)
	f.widths = make([]float64, n)
	for i := range n {
		f.widths[i] = ws.Index(i).Float64()
	}
	f.dw = v.Key("FontDescriptor").Key("MissingWidth").Float64()
	if n == 0 && f.dw == 0 {
		f.dw = 500 // standard 14 font without widths: a rough average
	}
	return f
}

// loadFont returns the font named name in the font dictionary fonts of a
// resources dictionary. A font that is an object of its own is loaded once
// per document: loading reads its dictionary, descriptor and ToUnicode
// CMap, each a decompression of its object stream when it is in one.
func (w *walker) loadFont(fonts pdf.Value, name string) *fontInfo {
	id, ok := refID(fonts, name)
	if !ok {
		return loadFont(fonts.Key(name))
	}
	f := w.fontObjs[id]
	if f == nil {
		f = loadFont(fonts.Key(name))
		w.fontObjs[id] = f
	}
	return f
}

// parseCIDWidths reads a CIDFont W array: "c [w1 w2 ...]" or "c1 c2 w".
func parseCIDWidths(w pdf.Value) map[int]float64 {
	m := map[int]float64{}
	n := w.Len()
	for i := 0; i < n && len(m) < 65536; {
		c := int(w.Index(i).Int64())
		if i+1 >= n {
			break
		}
		next := w.Index(i + 1)
		if next.Kind() == pdf.Array {
			for j := 0; j < next.Len() && len(m) < 65536; j++ {
				m[c+j] = next.Index(j).Float64()
			}
			i += 2
			continue
		}
		if i+2 >= n {
			break
		}
		hi, wd := int(next.Int64()), w.Index(i+2).Float64()
		for c2 := c; c2 <= hi && c2-c < 65536 && len(m) < 65536; c2++ {
			m[c2] = wd
		}
		i += 3
	}
	return m
}

// walker interprets content streams and collects glyphs. One walker serves
// every page of a document in turn (see page).
type walker struct {
	glyphs []glyph
	images int
	page   int // pages begun, for fontKey
	// fonts are loaded once per document: a font is keyed by the object
	// number of the resources dictionary that names it (see fontKey).
	fonts map[fontKey]*fontInfo
	// fontObjs holds the fonts written as objects of their own, by object
	// number: pages whose resources are written inside the page object
	// (Word does) share them.
	fontObjs map[uint64]*fontInfo
	forms    map[uint64]bool // forms being drawn (cycle guard)
	args     []pdf.Value     // operands of the current operator
	nofont   fontInfo        // the font used before any Tf
}

// A fontKey names a font: the resources dictionary it is found in, by
// object number (resources written inside a page or form object carry that
// object's number), and its name there. page is 0 unless the resources
// have no object number, which confines the key to one page.
type fontKey struct {
	res  uint64
	page int
	name string
}

func newWalker() *walker {
	w := &walker{
		fonts:    map[fontKey]*fontInfo{},
		fontObjs: map[uint64]*fontInfo{},
		forms:    map[uint64]bool{},
		nofont:   fontInfo{dw: 500, scale: 1},
	}
	if b, ok := glyphBufs.Get().(*[]glyph); ok {
		w.glyphs = *b
	}
	return w
}

// glyphBufs holds glyph buffers of documents done, so that a process
// extracting letter after letter (a child) stops allocating them.
var glyphBufs sync.Pool

// maxPooledGlyphs caps the buffers kept: a hostile page may have drawn
// maxGlyphs glyphs.
const maxPooledGlyphs = 1 << 16

// release gives the walker's glyph buffer back; w must not be used after.
func (w *walker) release() {
	if b := w.glyphs; cap(b) > 0 && cap(b) <= maxPooledGlyphs {
		b = b[:0]
		glyphBufs.Put(&b)
	}
	w.glyphs = nil
}

// pageGlyphs returns the glyphs drawn by page p, in content order, and the
// number of images it draws. The glyphs are valid until the next call. It
// may panic on malformed input: callers recover.
func (w *walker) pageGlyphs(p pdf.Page) ([]glyph, int) {
	w.page++
	w.glyphs, w.images = w.glyphs[:0], 0
	clear(w.forms)
	contents := p.V.Key("Contents")
	if contents.IsNull() {
		return nil, 0
	}
	w.run(contents, p.Resources(), ident, 0)
	return w.glyphs, w.images
}

func num(v pdf.Value) (float64, bool) {
	switch v.Kind() {
	case pdf.Integer, pdf.Real:
		f := v.Float64()
		return f, !math.IsNaN(f) && !math.IsInf(f, 0)
	}
	return 0, false
}

func nums(args []pdf.Value, n int) ([]float64, bool) {
	if len(args) != n {
		return nil, false
	}
	out := make([]float64, n)
	for i, a := range args {
		f, ok := num(a)
		if !ok {
			return nil, false
		}
		out[i] = f
	}
	return out, true
}

func toMatrix(f []float64) matrix {
	return matrix{{f[0], f[1], 0}, {f[2], f[3], 0}, {f[4], f[5], 1}}
}

// run interprets one content stream (a page's or a form's) with resources
// res and initial transformation ctm.
func (w *walker) run(strm, res pdf.Value, ctm matrix, depth int) {
	g := gstate{ctm: ctm, th: 1}
	var stack []gstate
	var tm, tlm matrix
	resID, ok := objID(res)
	keyPage := 0
	if !ok || resID == 0 {
		keyPage = w.page
	}

	show := func(raw string) {
		f := g.font
		if f == nil {
			f = &w.nofont
		}
		step := 1
		if f.twoByte {
			step = 2
		}
		// The text rendering matrix of a glyph is fsm × tm × ctm; fsm
		// and ctm do not change during the string, so they are checked
		// once for the fast product (see mulAffine).
		fsm := matrix{{g.tfs * g.th, 0, 0}, {0, g.tfs, 0}, {0, g.rise, 1}}
		fast := fsm.affine() && g.ctm.affine()
		for i := 0; i+step <= len(raw); i += step {
			code := raw[i : i+step]
			c := int(code[0])
			if step == 2 {
				c = c<<8 | int(code[1])
			}
			ci := f.code(code, c)
			w0 := ci.w0
			var trm matrix
			if fast && tm.affine() {
				if u := mulAffine(&fsm, &tm); u.affine() {
					trm = mulAffine(&u, &g.ctm)
				} else {
					trm = u.mul(g.ctm)
				}
			} else {
				trm = fsm.mul(tm).mul(g.ctm)
			}
			if len(w.glyphs) < maxGlyphs {
				// hypot(a, ±0) is |a| and atan2(±0, a) is ±0 for a > 0:
				// skip the calls for upright text.
				var xs, dir float64
				if trm[0][1] == 0 {
					xs = math.Abs(trm[0][0])
				} else {
					xs = math.Hypot(trm[0][0], trm[0][1])
				}
				if trm[0][1] == 0 && trm[0][0] > 0 {
					dir = trm[0][1]
				} else {
					dir = math.Atan2(trm[0][1], trm[0][0])
				}
				var size float64
				if trm[1][0] == 0 {
					size = math.Abs(trm[1][1])
				} else {
					size = math.Hypot(trm[1][0], trm[1][1])
				}
				w.glyphs = append(w.glyphs, glyph{
					x: trm[2][0], y: trm[2][1],
					w:     w0 * xs,
					size:  size,
					dir:   dir,
					s:     ci.s,
					flags: ci.flags,
				})
			}
			tx := w0*g.tfs + g.tc
			if step == 1 && c == ' ' {
				tx += g.tw
			}
			tm = translate(tx*g.th, 0).mul(tm)
		}
	}
	nextLine := func() {
		tlm = translate(0, -g.tl).mul(tlm)
		tm = tlm
	}

	pdf.Interpret(strm, func(stk *pdf.Stack, op string) {
		n := stk.Len()
		if cap(w.args) < n {
			w.args = make([]pdf.Value, n)
		}
		args := w.args[:n]
		for i := len(args) - 1; i >= 0; i-- {
			args[i] = stk.Pop()
		}
		switch op {
		case "q":
			if len(stack) < 1024 {
				stack = append(stack, g)
			}
		case "Q":
			if n := len(stack); n > 0 {
				g = stack[n-1]
				stack = stack[:n-1]
			}
		case "cm":
			if f, ok := nums(args, 6); ok {
				g.ctm = toMatrix(f).mul(g.ctm)
			}
		case "BT":
			tm, tlm = ident, ident
		case "Tc":
			if f, ok := nums(args, 1); ok {
				g.tc = f[0]
			}
		case "Tw":
			if f, ok := nums(args, 1); ok {
				g.tw = f[0]
			}
		case "Tz":
			if f, ok := nums(args, 1); ok {
				g.th = f[0] / 100
			}
		case "TL":
			if f, ok := nums(args, 1); ok {
				g.tl = f[0]
			}
		case "Ts":
			if f, ok := nums(args, 1); ok {
				g.rise = f[0]
			}
		case "Tf":
			if len(args) != 2 {
				return
			}
			if f, ok := num(args[1]); ok {
				g.tfs = f
			}
			name := args[0].Name()
			key := fontKey{resID, keyPage, name}
			f, ok := w.fonts[key]
			if !ok {
				f = w.loadFont(res.Key("Font"), name)
				w.fonts[key] = f
			}
			g.font = f
		case "TD":
			if f, ok := nums(args, 2); ok {
				g.tl = -f[1]
				tlm = translate(f[0], f[1]).mul(tlm)
				tm = tlm
			}
		case "Td":
			if f, ok := nums(args, 2); ok {
				tlm = translate(f[0], f[1]).mul(tlm)
				tm = tlm
			}
		case "Tm":
			if f, ok := nums(args, 6); ok {
				tm = toMatrix(f)
				tlm = tm
			}
		case "T*":
			nextLine()
		case "Tj":
			if len(args) == 1 {
				show(args[0].RawString())
			}
		case "'":
			if len(args) == 1 {
				nextLine()
				show(args[0].RawString())
			}
		case "\"":
			if len(args) == 3 {
				if f, ok := num(args[0]); ok {
					g.tw = f
				}
				if f, ok := num(args[1]); ok {
					g.tc = f
				}
				nextLine()
				show(args[2].RawString())
			}
		case "TJ":
			if len(args) != 1 {
				return
			}
			v := args[0]
			for i := 0; i < v.Len(); i++ {
				x := v.Index(i)
				if x.Kind() == pdf.String {
					show(x.RawString())
				} else if f, ok := num(x); ok {
					tm = translate(-f/1000*g.tfs*g.th, 0).mul(tm)
				}
			}
		case "BI": // inline image
			w.images++
		case "Do":
			if len(args) == 1 {
				w.do(res.Key("XObject").Key(args[0].Name()), res, g.ctm, depth)
			}
		}
	})
}

// do draws an XObject: forms are interpreted (with a depth limit and a
// cycle guard), images counted.
func (w *walker) do(xo, res pdf.Value, ctm matrix, depth int) {
	switch xo.Key("Subtype").Name() {
	case "Image":
		w.images++
	case "Form":
		if depth >= maxFormDepth {
			return
		}
		id, ok := objID(xo)
		if ok {
			if w.forms[id] {
				return
			}
			w.forms[id] = true
			defer delete(w.forms, id)
		}
		m := ident
		mv := xo.Key("Matrix")
		if mv.Len() == 6 {
			f := make([]float64, 6)
			good := true
			for i := range f {
				f[i], ok = num(mv.Index(i))
				good = good && ok
			}
			if good {
				m = toMatrix(f)
			}
		}
		fres := xo.Key("Resources")
		if fres.IsNull() {
			fres = res
		}
		w.run(xo, fres, m.mul(ctm), depth+1)
	}
}
