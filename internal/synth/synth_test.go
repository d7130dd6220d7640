package synth

import (
	"bytes"
	"context"
	"slices"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/pdfwrite"
	"github.com/precedent-dev/precedent/pipeline"
)

func TestSameSeedSameBytes(t *testing.T) {
	a, b, other := New(7), New(7), New(8)
	for i := range 20 {
		la, lb := a.Letter(i), b.Letter(i)
		if la.Text != lb.Text || la.Name != lb.Name {
			t.Fatalf("letter %d differs between two generators with the same seed", i)
		}
		if other.Letter(i).Text == la.Text {
			t.Errorf("letter %d is the same with seeds 7 and 8", i)
		}
		if i > 0 && a.Letter(i-1).Text == la.Text {
			t.Errorf("letters %d and %d are identical", i-1, i)
		}
	}
	pa, err := PDF(a.Letter(3).Text)
	if err != nil {
		t.Fatal(err)
	}
	pb, err := PDF(b.Letter(3).Text)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(pa, pb) {
		t.Error("the PDF of the same letter differs between two renderings")
	}
}

func TestLettersAreVariedAndSized(t *testing.T) {
	g := New(1)
	kinds := map[string]int{}
	procs := map[string]bool{}
	decs := map[string]bool{}
	for i := range 200 {
		l := g.Letter(i)
		kinds[l.Kind]++
		for j, p := range l.Procedures {
			procs[p] = true
			decs[l.Decisions[j]] = true
		}
		if n := len(l.Text); n < 3<<10 || n > 16<<10 {
			t.Errorf("letter %d is %d bytes, want about 5-15 KB", i, n)
		}
	}
	if kinds["iro"] < 50 || kinds["imr"] < 50 {
		t.Errorf("kinds %v: want both IRO and IMR letters", kinds)
	}
	for _, p := range []string{"si_joint_injection", "epidural_steroid_injection", "medial_branch_block", "facet_rfa", "mri", "physical_therapy", "medication"} {
		if !procs[p] {
			t.Errorf("no letter disputes %s", p)
		}
	}
	if !decs["upheld"] || !decs["overturned"] {
		t.Errorf("decisions %v: want upheld and overturned", decs)
	}
}

// TestLettersExtract runs generated letters (text and PDF) through the
// pipeline: each must extract and yield at least one service with a
// decision, of the kind the letter was written as.
func TestLettersExtract(t *testing.T) {
	p, err := pipeline.New(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	g := New(3)
	n := 60
	if testing.Short() {
		n = 20
	}
	for i := range n {
		l := g.Letter(i)
		data := []byte(l.Text)
		name := l.Name
		if i%5 == 0 {
			if data, err = PDF(l.Text); err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			name += ".pdf"
		}
		c, err := p.ExtractBytes(context.Background(), name, data)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if c.Kind != l.Kind {
			t.Errorf("%s: kind %q, want %q", name, c.Kind, l.Kind)
		}
		decided := false
		var got []string
		for _, s := range c.Services {
			got = append(got, s.Procedure)
			if s.Decision == "upheld" || s.Decision == "overturned" || s.Decision == "partially_overturned" {
				decided = true
			}
		}
		if !decided {
			t.Errorf("%s: no service with a decision (services %v)", name, got)
		}
		if !slices.Contains(got, l.Procedures[0]) {
			t.Errorf("%s: services %v miss the disputed %s", name, got, l.Procedures[0])
		}
	}
}

// TestPDFTrailingBlankLines renders a letter whose trailing blank lines
// start a new page: gopdf wrote such a page with an empty /Contents entry,
// which PDF readers reject.
func TestPDFTrailingBlankLines(t *testing.T) {
	p, err := pipeline.New(pipeline.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	text := strings.Repeat("IMR ISSUES, DECISIONS AND RATIONALES\n", pdfwrite.LinesPerPage) + "\n\n\n"
	data, err := PDF(text)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.ExtractBytes(context.Background(), "blank.pdf", data); err != nil {
		t.Errorf("the PDF does not extract: %v", err)
	}
}
