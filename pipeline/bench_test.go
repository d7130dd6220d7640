package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/internal/testenv"
)

// BenchmarkExtractText measures the whole text pipeline (decode, normalize,
// zones, sentences, fields) on the IRO seed (15 KB), on one goroutine. The
// goal is 1,000 letters per second on one core: run it with -cpu 1,
//
//	go test -run='^$' -bench=ExtractText -benchtime=3s -cpu 1 ./pipeline
//
// and see BenchmarkExtractTextStages for the time of each stage.
func BenchmarkExtractText(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(lettersDir, "iro_si_injection_upheld.txt"))
	if err != nil {
		b.Fatal(err)
	}
	p := newTestPipeline(b)
	ctx := context.Background()
	warmUp(b, p, data)
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.ExtractBytes(ctx, "seed.txt", data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// warmUp extracts data once, outside the timed loop: the first letter of a
// process compiles the rules built on first use (about 0.2 s), which would
// otherwise be spread over the timed letters (0.7 ms per letter at 300).
func warmUp(b *testing.B, p *Pipeline, data []byte) {
	b.Helper()
	if _, err := p.ExtractBytes(context.Background(), "seed.txt", data); err != nil {
		b.Fatal(err)
	}
}

// BenchmarkExtractTextStages runs the stages of FromDocument one by one on
// the IRO seed and reports the mean time of each (stage-us/op metrics).
func BenchmarkExtractTextStages(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(lettersDir, "iro_si_injection_upheld.txt"))
	if err != nil {
		b.Fatal(err)
	}
	p := newTestPipeline(b)
	ctx := context.Background()
	warmUp(b, p, data)
	names := []string{"load", "split", "fields", "ruletext", "timeline", "findings", "relief", "scores", "care"}
	spent := make([]time.Duration, len(names))
	b.ReportAllocs()
	for b.Loop() {
		t0 := time.Now()
		lap := func(k int) {
			now := time.Now()
			spent[k] += now.Sub(t0)
			t0 = now
		}
		doc, err := p.loader.Load(ctx, "seed.txt", data)
		if err != nil {
			b.Fatal(err)
		}
		lap(0)
		c := p.newCase(doc)
		sents := p.splitter.Split(doc.Text)
		lap(1)
		d := &caseDoc{c: c, sents: sents}
		p.fields.apply(d)
		lap(2)
		d.guide = p.ruleText.ranges(d)
		lap(3)
		p.timeline.apply(d)
		lap(4)
		p.findings.apply(d)
		lap(5)
		p.relief.apply(d)
		lap(6)
		p.scores.apply(d)
		lap(7)
		p.care.apply(d)
		lap(8)
	}
	for k, name := range names {
		b.ReportMetric(float64(spent[k].Microseconds())/float64(b.N), name+"-us/op")
	}
}

// BenchmarkExtractCorpusPDF measures extraction of the real IMR PDFs, in
// process and through the isolated child-process pool.
func BenchmarkExtractCorpusPDF(b *testing.B) {
	files := testenv.CorpusPDFs(b)
	var datas [][]byte
	var total int64
	for _, f := range files {
		d, err := os.ReadFile(f)
		if err != nil {
			b.Fatal(err)
		}
		datas = append(datas, d)
		total += int64(len(d))
	}
	for _, mode := range []struct {
		name    string
		isolate bool
	}{{"inprocess", false}, {"isolated", true}} {
		b.Run(mode.name, func(b *testing.B) {
			var opts Options
			if mode.isolate {
				exe, err := os.Executable()
				if err != nil {
					b.Fatal(err)
				}
				opts.Extract.PDF.Isolate, opts.Extract.PDF.Exe = true, exe
			}
			p, err := New(opts)
			if err != nil {
				b.Fatal(err)
			}
			defer p.Close()
			ctx := context.Background()
			b.SetBytes(total)
			b.ReportAllocs()
			letters := 0
			for b.Loop() {
				for i, d := range datas {
					if _, err := p.ExtractBytes(ctx, files[i], d); err != nil {
						b.Fatal(err)
					}
					letters++
				}
			}
			b.ReportMetric(float64(letters)/b.Elapsed().Seconds(), "letters/s")
		})
	}
}
