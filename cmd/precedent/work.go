package main

import (
	"sync"

	"github.com/precedent-dev/precedent/pipeline"
)

// A result is the outcome of extracting one input.
type result struct {
	path string
	c    *pipeline.Case
	err  error
}

// extractAll extracts paths with n workers and calls emit for each result in
// argument order. It stops early when emit returns an error or the context
// is cancelled; inputs not reached are not reported.
func extractAll(e *env, p *pipeline.Pipeline, paths []string, n int, emit func(result) error) error {
	if n > len(paths) {
		n = len(paths)
	}
	type job struct {
		i    int
		path string
	}
	jobs := make(chan job)
	slots := make([]chan result, len(paths))
	for i := range slots {
		slots[i] = make(chan result, 1)
	}
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				var r result
				r.path = j.path
				if j.path == "-" {
					r.c, r.err = p.ExtractReader(e.ctx, "-", e.stdin)
				} else {
					r.c, r.err = p.ExtractFile(e.ctx, j.path)
				}
				slots[j.i] <- r
			}
		}()
	}
	stop := make(chan struct{})
	go func() {
		defer close(jobs)
		for i, path := range paths {
			select {
			case jobs <- job{i, path}:
			case <-stop:
				return
			case <-e.ctx.Done():
				return
			}
		}
	}()
	var err error
	for i := range paths {
		var r result
		select {
		case r = <-slots[i]:
		case <-e.ctx.Done():
			err = e.ctx.Err()
		}
		if err != nil {
			break
		}
		if err = emit(r); err != nil {
			break
		}
	}
	close(stop)
	wg.Wait()
	return err
}

// streamAll calls do for each value received from in, with n workers, and
// sends what do returns on the returned channel in completion order (not
// input order). The channel is closed once in is closed and every worker is
// done. Its buffer holds buf values, so with an unbuffered in at most n+buf
// values are in flight: the caller streams an archive of any size through
// it. The caller must drain the channel.
func streamAll[In, Out any](in <-chan In, n, buf int, do func(In) Out) <-chan Out {
	n = max(n, 1)
	out := make(chan Out, max(buf, 0))
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for v := range in {
				out <- do(v)
			}
		}()
	}
	go func() {
		wg.Wait()
		close(out)
	}()
	return out
}
