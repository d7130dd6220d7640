package web

import (
	"strings"
	"testing"
)

func TestSnippetHTML(t *testing.T) {
	for _, tt := range []struct{ in, want string }{
		{"plain text", "plain text"},
		{"a [[faber]] test", "a <mark>faber</mark> test"},
		{"<script>alert(1)</script> [[sacroiliac]]", "&lt;script&gt;alert(1)&lt;/script&gt; <mark>sacroiliac</mark>"},
		{"[[<b>]] & \"q\" 'a'", "<mark>&lt;b&gt;</mark> &amp; &#34;q&#34; &#39;a&#39;"},
		{"open [[at the end", "open <mark>at the end</mark>"},
		{"stray ]] end", "stray ]] end"},
		{"[[a]][[b]]", "<mark>a</mark><mark>b</mark>"},
		{"[[<mark>]]", "<mark>&lt;mark&gt;</mark>"},
	} {
		if got := string(snippetHTML(tt.in)); got != tt.want {
			t.Errorf("snippetHTML(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func FuzzSnippetHTML(f *testing.F) {
	f.Add("<script>[[x]]</script>")
	f.Add("[[[[a]]]]]]")
	f.Fuzz(func(t *testing.T, s string) {
		out := string(snippetHTML(s))
		// Without the mark elements, no tag may remain.
		rest := strings.NewReplacer("<mark>", "", "</mark>", "").Replace(out)
		if strings.ContainsAny(rest, "<>\"'") {
			t.Fatalf("snippetHTML(%q) = %q leaves markup", s, out)
		}
		if strings.Count(out, "<mark>") != strings.Count(out, "</mark>") {
			t.Fatalf("snippetHTML(%q) = %q: unbalanced marks", s, out)
		}
	})
}
