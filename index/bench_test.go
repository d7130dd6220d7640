package index

import (
	"context"
	"crypto/sha256"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"

	"github.com/precedent-dev/precedent/internal/synth"
	"github.com/precedent-dev/precedent/pipeline"
)

// benchN is the number of cases of the benchmark index: -bench-n, else
// $PRECEDENT_BENCH_N, else 2000 (so `make bench` stays quick).
var benchN = flag.Int("bench-n", 0, "cases in the benchmark index (default $PRECEDENT_BENCH_N or 2000)")

// benchDistinct is the number of distinct synthetic letters extracted; the
// cases beyond it are copies with their own id and a distinct text line.
const benchDistinct = 2000

func benchCount(b *testing.B) int {
	if *benchN > 0 {
		return *benchN
	}
	if s := os.Getenv("PRECEDENT_BENCH_N"); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil || n <= 0 {
			b.Fatalf("PRECEDENT_BENCH_N=%q: want a positive integer", s)
		}
		return n
	}
	return 2000
}

var (
	synthOnce  sync.Once
	synthCases []*pipeline.Case
)

// benchCases returns n case records: synthetic letters (internal/synth,
// seed 1) through the pipeline, the first benchDistinct of them distinct,
// the others copies with a new id, a line of their own and varied age.
func benchCases(b *testing.B, n int) []*pipeline.Case {
	b.Helper()
	synthOnce.Do(func() {
		p := testPipeline(b)
		g := synth.New(1)
		synthCases = make([]*pipeline.Case, benchDistinct)
		var wg sync.WaitGroup
		errs := make(chan error, benchDistinct)
		next := make(chan int)
		for range runtime.GOMAXPROCS(0) {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range next {
					l := g.Letter(i)
					c, err := p.ExtractBytes(context.Background(), l.Name, []byte(l.Text))
					if err != nil {
						errs <- err
						continue
					}
					synthCases[i] = c
				}
			}()
		}
		for i := range benchDistinct {
			next <- i
		}
		close(next)
		wg.Wait()
		close(errs)
		for err := range errs {
			b.Fatal(err)
		}
	})
	out := make([]*pipeline.Case, n)
	for i := range n {
		c := synthCases[i%benchDistinct]
		if i >= benchDistinct {
			cp := *c
			cp.ID = fmt.Sprintf("copy%012x", i)
			cp.Text = c.Text + fmt.Sprintf("\nReference copy %d.\n", i)
			age := 20 + i%50
			cp.Patient.Age = &age
			c = &cp
		}
		out[i] = c
	}
	return out
}

// addAll indexes cases in batches of 1000.
func addAll(b *testing.B, ix *Index, cases []*pipeline.Case) {
	b.Helper()
	for i := 0; i < len(cases); i += 1000 {
		if err := ix.Add(cases[i:min(i+1000, len(cases))]); err != nil {
			b.Fatal(err)
		}
	}
}

// dirBytes is the size of the files under dir.
func dirBytes(b *testing.B, dir string) int64 {
	var n int64
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			info, err := d.Info()
			if err != nil {
				return err
			}
			n += info.Size()
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkAdd indexes N cases into a fresh index per iteration, in
// batches of 1000, and reports cases per second and index bytes per case.
func BenchmarkAdd(b *testing.B) {
	n := benchCount(b)
	cases := benchCases(b, n)
	b.ResetTimer()
	var size int64
	for i := 0; i < b.N; i++ {
		dir := filepath.Join(b.TempDir(), "idx")
		ix, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		addAll(b, ix, cases)
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		b.StopTimer()
		size = dirBytes(b, dir)
		if err := os.RemoveAll(dir); err != nil {
			b.Fatal(err)
		}
		b.StartTimer()
	}
	b.ReportMetric(float64(n)*float64(b.N)/b.Elapsed().Seconds(), "cases/s")
	b.ReportMetric(float64(size)/float64(n), "bytes/case")
}

// benchQueries are the searches of BenchmarkSearch, run in turn.
var benchQueries = []Query{
	{},
	{Findings: []string{"faber:positive"}, Procedure: "si_joint_injection"},
	{Q: `"sacroiliac joint"`},
	{Q: "radiofrequency ablation", Outcome: "overturned"},
	{Q: "+outcome:upheld +age:>=40 epidural", Kind: "imr"},
	{Procedure: "epidural_steroid_injection", MinRelief: func() *float64 { v := 50.0; return &v }()},
}

// benchIndex opens an index of the n cases. With $PRECEDENT_BENCH_CACHE
// set, the index is kept in that folder (one per n and mapping version) and
// reused by the next run, built first when missing: building 100,000 cases
// takes minutes. Without it, the index is built in a temporary folder.
func benchIndex(b *testing.B, n int, cases func() []*pipeline.Case) (*Index, string) {
	b.Helper()
	cache := os.Getenv("PRECEDENT_BENCH_CACHE")
	if cache == "" {
		dir := filepath.Join(b.TempDir(), "idx")
		ix, err := Open(dir, Options{})
		if err != nil {
			b.Fatal(err)
		}
		addAll(b, ix, cases())
		return ix, dir
	}
	version, err := mappingVersion(newMapping())
	if err != nil {
		b.Fatal(err)
	}
	sum := sha256.Sum256([]byte(version))
	dir := filepath.Join(cache, fmt.Sprintf("idx-%d-%x", n, sum[:4]))
	if _, err := os.Stat(dir); err != nil {
		// Build in a side folder and rename it when complete, so that an
		// interrupted build is never reused.
		tmp := dir + ".building"
		if err := os.RemoveAll(tmp); err != nil {
			b.Fatal(err)
		}
		ix, err := Open(tmp, Options{})
		if err != nil {
			b.Fatal(err)
		}
		addAll(b, ix, cases())
		if err := ix.Close(); err != nil {
			b.Fatal(err)
		}
		if err := os.Rename(tmp, dir); err != nil {
			b.Fatal(err)
		}
	}
	ix, err := Open(dir, Options{})
	if err != nil {
		b.Fatal(err)
	}
	if got, err := ix.Count(); err != nil || got != uint64(n) {
		b.Fatalf("cached index %s: %d cases (%v), want %d: remove it", dir, got, err, n)
	}
	return ix, dir
}

// segmentCount is the number of segments of the index.
func segmentCount(b *testing.B, ix *Index) int {
	b.Helper()
	adv, err := ix.idx.Advanced()
	if err != nil {
		b.Fatal(err)
	}
	r, err := adv.Reader()
	if err != nil {
		b.Fatal(err)
	}
	defer r.Close()
	snap, ok := r.(*scorch.IndexSnapshot)
	if !ok {
		b.Fatal(errFacetReader)
	}
	return len(snap.Segments())
}

// BenchmarkSearch runs benchQueries (facets, and snippets when there is a
// query string) over an index of N cases and reports the p50 and p95
// latency in milliseconds, each query's p50 and p95, and Similar's p50.
func BenchmarkSearch(b *testing.B) {
	n := benchCount(b)
	// Similar looks up the first cases only; the index may be cached.
	cases := benchCases(b, min(n, benchDistinct))
	ix, dir := benchIndex(b, n, func() []*pipeline.Case { return benchCases(b, n) })
	defer ix.Close()
	size := dirBytes(b, dir)
	segs := segmentCount(b, ix)
	lat := make([]time.Duration, 0, b.N)
	perQ := make([][]time.Duration, len(benchQueries))
	var sim []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		start := time.Now()
		if _, err := ix.Search(benchQueries[i%len(benchQueries)]); err != nil {
			b.Fatal(err)
		}
		d := time.Since(start)
		lat = append(lat, d)
		perQ[i%len(benchQueries)] = append(perQ[i%len(benchQueries)], d)
		if i%10 == 0 {
			start = time.Now()
			if _, err := ix.Similar(cases[i%len(cases)], 10); err != nil {
				b.Fatal(err)
			}
			sim = append(sim, time.Since(start))
		}
	}
	b.StopTimer()
	// After the timer reset, which drops the metrics reported before it.
	b.ReportMetric(float64(size)/float64(n), "bytes/case")
	b.ReportMetric(float64(segs), "segments")
	b.ReportMetric(percentile(lat, 50), "p50-ms")
	b.ReportMetric(percentile(lat, 95), "p95-ms")
	b.ReportMetric(percentile(sim, 50), "similar-p50-ms")
	for q, ds := range perQ {
		if len(ds) > 0 {
			b.ReportMetric(percentile(ds, 50), fmt.Sprintf("q%d-p50-ms", q))
			b.ReportMetric(percentile(ds, 95), fmt.Sprintf("q%d-p95-ms", q))
		}
	}
}

// percentile returns the p-th percentile of ds in milliseconds.
func percentile(ds []time.Duration, p int) float64 {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := min(len(s)-1, (len(s)*p+99)/100-1)
	return float64(s[max(i, 0)].Microseconds()) / 1000
}

// BenchmarkSearchEach runs each of benchQueries, and Similar, as its own
// sub-benchmark (ns/op is its mean latency), for a CPU profile of one query.
func BenchmarkSearchEach(b *testing.B) {
	n := benchCount(b)
	cases := benchCases(b, min(n, benchDistinct))
	ix, _ := benchIndex(b, n, func() []*pipeline.Case { return benchCases(b, n) })
	defer ix.Close()
	for i, q := range benchQueries {
		b.Run(fmt.Sprintf("q%d", i), func(b *testing.B) {
			for range b.N {
				if _, err := ix.Search(q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("similar", func(b *testing.B) {
		for i := range b.N {
			if _, err := ix.Similar(cases[i%len(cases)], 10); err != nil {
				b.Fatal(err)
			}
		}
	})
}
