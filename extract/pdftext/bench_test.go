package pdftext

import (
	"context"
	"os"
	"testing"

	"github.com/precedent-dev/precedent/internal/synth"
	"github.com/precedent-dev/precedent/internal/testenv"
)

// BenchmarkExtractCorpus extracts every corpus letter per iteration,
// in-process and in child processes, and reports pages/s and letters/s.
func BenchmarkExtractCorpus(b *testing.B) {
	files := testenv.CorpusPDFs(b)
	var docs [][]byte
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, data)
	}
	for _, mode := range []struct {
		name string
		opts Options
	}{
		{"inprocess", Options{}},
		{"isolated", Options{Isolate: true}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			pages, letters := 0, 0
			for b.Loop() {
				for _, d := range docs {
					res, err := Extract(context.Background(), d, mode.opts)
					if err != nil {
						b.Fatal(err)
					}
					pages += len(res.Pages)
					letters++
				}
			}
			s := b.Elapsed().Seconds()
			b.ReportMetric(float64(pages)/s, "pages/s")
			b.ReportMetric(float64(letters)/s, "letters/s")
		})
	}
}

// BenchmarkExtractSynth extracts 100 synthetic PDF letters (internal/synth,
// the letters `precedent ingest` is measured on) per iteration, in-process
// and in child processes, and reports letters/s.
func BenchmarkExtractSynth(b *testing.B) {
	g := synth.New(1)
	var docs [][]byte
	for i := range 100 {
		data, err := synth.PDF(g.Letter(i).Text)
		if err != nil {
			b.Fatal(err)
		}
		docs = append(docs, data)
	}
	for _, mode := range []struct {
		name string
		opts Options
	}{
		{"inprocess", Options{}},
		{"isolated", Options{Isolate: true}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			letters := 0
			for b.Loop() {
				for _, d := range docs {
					if _, err := Extract(context.Background(), d, mode.opts); err != nil {
						b.Fatal(err)
					}
					letters++
				}
			}
			b.ReportMetric(float64(letters)/b.Elapsed().Seconds(), "letters/s")
		})
	}
}
