package pdftext

import (
	"context"
	"os"
	"syscall"
	"testing"
	"time"

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
	benchModes(b, docs, true)
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
	benchModes(b, docs, false)
}

// benchModes extracts docs per iteration in process and in child
// processes, and reports letters/s (and pages/s with pages) and the CPU
// time per letter.
func benchModes(b *testing.B, docs [][]byte, pages bool) {
	for _, mode := range []struct {
		name string
		opts Options
	}{
		{"inprocess", Options{}},
		{"isolated", Options{Isolate: true}},
	} {
		b.Run(mode.name, func(b *testing.B) {
			npages, letters := 0, 0
			cpu0 := cpuTime()
			for b.Loop() {
				for _, d := range docs {
					res, err := Extract(context.Background(), d, mode.opts)
					if err != nil {
						b.Fatal(err)
					}
					npages += len(res.Pages)
					letters++
				}
			}
			s := b.Elapsed().Seconds()
			if pages {
				b.ReportMetric(float64(npages)/s, "pages/s")
			}
			b.ReportMetric(float64(letters)/s, "letters/s")
			reportCPU(b, cpu0, letters)
		})
	}
}

// reportCPU reports the CPU time per letter since cpu0 (cpuTime) of this
// process and of its PDF children, which Close stops and reaps first. It
// does not depend on what else the machine runs, unlike letters/s.
func reportCPU(b *testing.B, cpu0 time.Duration, letters int) {
	b.StopTimer()
	Close()
	b.ReportMetric(float64((cpuTime()-cpu0).Microseconds())/1000/float64(letters), "cpu-ms/letter")
}

// cpuTime is the user and system CPU time of this process and of its
// terminated children.
func cpuTime() time.Duration {
	var total time.Duration
	for _, who := range []int{syscall.RUSAGE_SELF, syscall.RUSAGE_CHILDREN} {
		var ru syscall.Rusage
		if syscall.Getrusage(who, &ru) == nil {
			total += time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
		}
	}
	return total
}
