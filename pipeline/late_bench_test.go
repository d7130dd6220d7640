package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

// BenchmarkLateStages runs the relief, scores and care stages alone on the
// IRO seed, the earlier stages done once outside the timed loop, so that
// their cost (time, instructions under callgrind, allocations) is read
// without the rest of the pipeline. The letter's word list (wordSpans) is
// made afresh for relief, the first stage that needs it, as in the
// pipeline; scores and care find it made.
func BenchmarkLateStages(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(lettersDir, "iro_si_injection_upheld.txt"))
	if err != nil {
		b.Fatal(err)
	}
	p := newTestPipeline(b)
	warmUp(b, p, data)
	doc, err := p.loader.Load(context.Background(), "seed.txt", data)
	if err != nil {
		b.Fatal(err)
	}
	c := p.newCase(doc)
	d := &caseDoc{c: c, sents: p.splitter.Split(doc.Text)}
	p.fields.apply(d)
	d.guide = p.ruleText.ranges(d)
	p.timeline.apply(d)
	p.findings.apply(d)
	stages := []struct {
		name string
		run  func()
	}{
		{"relief", func() { c.Relief = c.Relief[:0]; p.relief.apply(d) }},
		{"scores", func() { c.PainScores, c.Strength = c.PainScores[:0], c.Strength[:0]; p.scores.apply(d) }},
		{"care", func() { c.ConservativeCare = c.ConservativeCare[:0]; p.care.apply(d) }},
	}
	for _, s := range stages {
		b.Run(s.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if s.name == "relief" {
					d.words = nil
				}
				s.run()
			}
		})
	}
	b.Run("all", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d.words = nil
			for _, s := range stages {
				s.run()
			}
		}
	})
}
