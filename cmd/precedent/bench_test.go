package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/internal/synth"
)

// benchLetters is the number of synthetic letters an ingest benchmark
// iteration imports: $PRECEDENT_BENCH_LETTERS, else 200.
func benchLetters(b *testing.B) int {
	if s := os.Getenv("PRECEDENT_BENCH_LETTERS"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("PRECEDENT_BENCH_LETTERS=%q: want a positive integer", s)
		}
		return n
	}
	return 200
}

// synthFolder writes n synthetic letters (seed 1) in format to a
// temporary folder.
func synthFolder(b *testing.B, n int, format string) string {
	dir := b.TempDir()
	var err error
	g := synth.New(1)
	for i := range n {
		l := g.Letter(i)
		name, data := l.Name, []byte(l.Text)
		if format == "pdf" {
			if data, err = synth.PDF(l.Text); err != nil {
				b.Fatal(err)
			}
			name = strings.TrimSuffix(name, ".txt") + ".pdf"
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	return dir
}

// BenchmarkIngestText and BenchmarkIngestPDF measure `precedent ingest`
// end to end (walk, hash, extract with 2 workers, PDFs in child processes,
// batched index writes) into a fresh index: letters/s, index bytes per case
// and the process's peak resident memory (VmHWM, which includes the test
// binary and the letters generated for it).
func BenchmarkIngestText(b *testing.B) { benchIngest(b, "text") }

// BenchmarkIngestPDF: see BenchmarkIngestText.
func BenchmarkIngestPDF(b *testing.B) { benchIngest(b, "pdf") }

func benchIngest(b *testing.B, format string) {
	n := benchLetters(b)
	letters := synthFolder(b, n, format)
	var indexBytes int64
	cpu0 := cpuTime()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		dir := b.TempDir()
		var out, errb bytes.Buffer
		code := run(context.Background(), []string{"ingest", "--workers", "2", "--index", filepath.Join(dir, "idx"),
			"--failures", filepath.Join(dir, "f.jsonl"), letters}, nil, &out, &errb)
		if want := fmt.Sprintf("imported %d, skipped 0, failed 0", n); code != exitOK || !strings.Contains(errb.String(), want) {
			b.Fatalf("ingest: exit %d, want %q:\n%s", code, want, errb.String())
		}
		b.StopTimer()
		indexBytes = dirSize(b, filepath.Join(dir, "idx"))
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "letters/s")
	// CPU time per letter (this process and its reaped PDF children) does
	// not depend on what else the machine runs; 2 idle cores give about
	// 2000/cpu-ms letters/s.
	b.ReportMetric(float64((cpuTime()-cpu0).Milliseconds())/float64(n*b.N), "cpu-ms/letter")
	b.ReportMetric(float64(indexBytes)/float64(n), "index-bytes/case")
	if hwm := peakRSS(); hwm > 0 {
		b.ReportMetric(float64(hwm)/(1<<20), "peak-MiB")
	}
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

// dirSize is the total size of the files under dir.
func dirSize(b *testing.B, dir string) int64 {
	var size int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			fi, err := d.Info()
			if err != nil {
				return err
			}
			size += fi.Size()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return size
}

// peakRSS returns the process's peak resident set size in bytes (Linux
// /proc/self/status VmHWM), or 0 when unknown.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				return 0
			}
			return kb << 10
		}
	}
	return 0
}
