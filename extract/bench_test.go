package extract

import (
	"context"
	"io/fs"
	"testing"

	"github.com/precedent-dev/precedent/fixtures"
)

// benchLetter is the 15 KB IRO seed the throughput goal is stated on
// (>= 1,000 letters per second on one core for the whole pipeline).
const benchLetter = "iro_si_injection_upheld.txt"

func benchData(b *testing.B) []byte {
	b.Helper()
	data, err := fs.ReadFile(fixtures.Letters, "letters/"+benchLetter)
	if err != nil {
		b.Fatal(err)
	}
	return data
}

func reportLetters(b *testing.B) {
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "letters/s")
}

// BenchmarkLoad measures Loader.Load: decode, Normalize, Sections and
// DetectKind.
func BenchmarkLoad(b *testing.B) {
	data := benchData(b)
	l, err := NewLoader(Options{})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := l.Load(ctx, benchLetter, data); err != nil {
			b.Fatal(err)
		}
	}
	reportLetters(b)
}

// BenchmarkLoadSplit measures Load followed by Splitter.Split: everything
// package extract does for one letter.
func BenchmarkLoadSplit(b *testing.B) {
	data := benchData(b)
	l, err := NewLoader(Options{})
	if err != nil {
		b.Fatal(err)
	}
	s := newTestSplitter(b)
	ctx := context.Background()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		doc, err := l.Load(ctx, benchLetter, data)
		if err != nil {
			b.Fatal(err)
		}
		s.Split(doc.Text)
	}
	reportLetters(b)
}

// BenchmarkNormalize measures Normalize alone.
func BenchmarkNormalize(b *testing.B) {
	raw := string(benchData(b))
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		Normalize(raw)
	}
}
