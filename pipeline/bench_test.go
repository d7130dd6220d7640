package pipeline

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/precedent-dev/precedent/internal/testenv"
)

// BenchmarkExtractText measures the whole text pipeline (decode, normalize,
// zones, sentences, fields) on the IRO seed, on one goroutine.
func BenchmarkExtractText(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(lettersDir, "iro_si_injection_upheld.txt"))
	if err != nil {
		b.Fatal(err)
	}
	p := newTestPipeline(b)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := p.ExtractBytes(ctx, "seed.txt", data); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
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
