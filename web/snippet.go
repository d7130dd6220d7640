package web

import (
	"html"
	"html/template"
	"strings"

	"github.com/precedent-dev/precedent/index"
)

// snippetHTML turns an index snippet (plain letter text with each match
// between index.MarkStart and index.MarkEnd, nothing escaped) into HTML:
// the text is escaped first, then the marks become <mark> elements. A mark
// left open is closed at the end; a stray end mark stays as text.
func snippetHTML(s string) template.HTML {
	esc := html.EscapeString(s) // the marks contain no character it escapes
	var b strings.Builder
	b.Grow(len(esc) + 16)
	open := false
	for len(esc) > 0 {
		switch {
		case !open && strings.HasPrefix(esc, index.MarkStart):
			b.WriteString("<mark>")
			esc = esc[len(index.MarkStart):]
			open = true
		case open && strings.HasPrefix(esc, index.MarkEnd):
			b.WriteString("</mark>")
			esc = esc[len(index.MarkEnd):]
			open = false
		default:
			b.WriteByte(esc[0])
			esc = esc[1:]
		}
	}
	if open {
		b.WriteString("</mark>")
	}
	return template.HTML(b.String()) //nolint:gosec // escaped above; only <mark> added
}
