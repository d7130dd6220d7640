package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"time"

	"github.com/rs/zerolog"
	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"

	"github.com/precedent-dev/precedent/extract"
	"github.com/precedent-dev/precedent/index"
	"github.com/precedent-dev/precedent/pipeline"
)

const ingestUsage = `Usage: precedent ingest [flags] PATH...

Imports letters (PDF or text, sniffed by content) into the index. Folders
are walked recursively; dot files and dot folders, the index folder and the
failure log are skipped. A letter whose id (the first 8 bytes of the SHA-256
of its bytes) is already in the index is skipped without being extracted,
so running ingest again on the same folders imports only what is new.

Letters are extracted by --workers workers and written in batches of
--batch cases (and at least every --flush-every). A progress bar is drawn
on a terminal; in a pipe, an info log line is written every --progress-every
files (see --log-level). Each failure is one line on stderr and one JSON line
{"path": ..., "reason": ...} in the failure log (truncated at start). The
last line on stderr is the summary: imported N, skipped N, failed N.

One process at a time writes the index: ingest fails (exit 2) while another
ingest or a precedent serve holds it.

Interrupting (Ctrl-C, SIGTERM) stops taking new files, writes the letters
already extracted, closes the index cleanly and prints the summary; the exit
status is then 130. Run the same command again to finish: nothing is
imported twice. A killed process (SIGKILL, power loss) loses at most the
batches not yet written; the next run imports them.

Exit status: 0 every letter imported or skipped; 1 some failed; 2 usage error
or nothing could be done (the index cannot be opened); 130 interrupted.

Examples:
  precedent ingest letters/
  precedent ingest --index /data/precedent.bleve --workers 4 2019/ 2020/ extra.pdf
  PRECEDENT_INDEX=/data/precedent.bleve precedent ingest --failures failed.jsonl archive/

Flags:
`

// exitInterrupted is the exit status of an ingest stopped by a signal.
const exitInterrupted = 130

// defaultIndex is the index folder when neither --index nor
// $PRECEDENT_INDEX is given.
const defaultIndex = "./precedent.bleve"

// indexFlag registers --index with its default from $PRECEDENT_INDEX.
func indexFlag(fs *flag.FlagSet) *string {
	def := os.Getenv("PRECEDENT_INDEX")
	if def == "" {
		def = defaultIndex
	}
	return fs.String("index", def, "index folder (default $PRECEDENT_INDEX, else "+defaultIndex+")")
}

// lockedMessage says what to do when another process holds the index.
func lockedMessage(path string) string {
	return fmt.Sprintf("the index %s is in use by another precedent process (ingest or serve); "+
		"wait for it to finish, or query the running server at http://127.0.0.1:8080/api/search", path)
}

// An ingestJob is one file found by the walk, or a walk error.
type ingestJob struct {
	path string
	err  error
}

// An ingested is the outcome of one file: a case to add, a skip, or a
// failure.
type ingested struct {
	path    string
	id      string
	doc     *extract.Document // loaded, case not built yet
	c       *pipeline.Case
	skipped bool
	err     error
}

// A failureLine is one line of the failure log.
type failureLine struct {
	Path   string `json:"path"`
	Reason string `json:"reason"`
}

func runIngest(e *env, args []string) int {
	fs := flag.NewFlagSet("precedent ingest", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var (
		indexPath  = indexFlag(fs)
		failures   = fs.String("failures", "./precedent-failures.jsonl", "failure log: one JSON line per failed file")
		batchSize  = fs.Int("batch", 500, "cases written per index batch")
		flushEvery = fs.Duration("flush-every", 5*time.Second, "longest time an extracted case waits before it is written")
		every      = fs.Int("progress-every", 100, "files per progress log line when stderr is not a terminal")
		xf         extractFlags
		lf         logFlags
	)
	xf.register(fs)
	lf.register(fs)
	fs.Usage = func() { fmt.Fprint(fs.Output(), ingestUsage); fs.PrintDefaults() }
	posArgs, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(e.stderr, "precedent ingest: "+format+"\n", a...)
		return exitUsage
	}
	roots := posArgs
	if len(roots) == 0 {
		return fail("no PATH given")
	}
	if *batchSize <= 0 || *flushEvery <= 0 || *every <= 0 {
		return fail("--batch, --flush-every and --progress-every must be positive")
	}
	log, err := lf.logger(e.stderr, "ingest")
	if err != nil {
		return fail("%s", oneLine(err.Error()))
	}
	opts, err := xf.options()
	if err != nil {
		return fail("%s", oneLine(err.Error()))
	}
	// Letters are loaded (PDF text from the child processes, normalization,
	// zones) by a loader of ingest's own while the pipeline's rules
	// compile, which takes a core for about half a second: the other core
	// extracts PDFs meanwhile. The pipeline is given this loader.
	loader, err := extract.NewLoader(opts.Extract)
	if err != nil {
		return fail("%s", oneLine(err.Error()))
	}
	defer loader.Close()
	type built struct {
		p   *pipeline.Pipeline
		err error
	}
	pipeOpts := opts
	pipeOpts.Loader = loader
	pipeCh := make(chan built, 1)
	go func() {
		p, err := pipeline.New(pipeOpts)
		pipeCh <- built{p, err}
	}()
	ix, err := index.Open(*indexPath, index.Options{})
	if errors.Is(err, index.ErrLocked) {
		return fail("%s", lockedMessage(*indexPath))
	}
	if err != nil {
		return fail("%s", oneLine(err.Error()))
	}
	in := &ingester{
		e: e, loader: loader, ix: ix, log: log,
		batch: *batchSize, flushEvery: *flushEvery, every: *every,
		maxBytes: xf.maxMiB << 20,
		skip:     skipSet(*indexPath, *failures),
		seen:     map[string]bool{},
		stderr:   e.stderr,
		ready:    make(chan struct{}),
	}
	start := time.Now()
	results := in.start(roots, xf.workers)
	// abort stops the run before anything is reported or written.
	abort := func(format string, a ...any) int {
		in.stopWalk()
		close(in.ready)
		for range results {
		}
		ix.Close()
		return fail(format, a...)
	}
	b := <-pipeCh
	if b.err != nil {
		return abort("%s", oneLine(b.err.Error()))
	}
	defer b.p.Close()
	flog, err := os.Create(*failures)
	if err != nil {
		return abort("failure log: %s", oneLine(err.Error()))
	}
	in.p, in.flog = b.p, flog
	close(in.ready)
	if isTerminal(e.stderr) && lf.format != "json" {
		in.progress = mpb.NewWithContext(context.WithoutCancel(e.ctx), mpb.WithOutput(e.stderr), mpb.WithWidth(40))
		in.bar = in.progress.AddBar(0,
			mpb.PrependDecorators(decor.Name("ingest "), decor.CountersNoUnit("%d / %d")),
			mpb.AppendDecorators(decor.Percentage(decor.WCSyncSpace), decor.AverageSpeed(0, " %.0f files/s", decor.WCSyncSpace)))
		in.stderr = in.progress
	}
	werr := in.loop(results)
	if in.progress != nil {
		in.bar.SetTotal(-1, true)
		in.progress.Wait()
	}
	cerr := ix.Close()
	ferr := flog.Close()
	log.Info().Int("imported", in.imported).Int("skipped", in.skipped).Int("failed", in.failed).
		Dur("elapsed", time.Since(start)).Msg("ingest finished")
	interrupted := e.ctx.Err() != nil
	for _, err := range []error{werr, cerr, ferr} {
		if err != nil {
			fmt.Fprintf(e.stderr, "precedent ingest: %s\n", oneLine(err.Error()))
		}
	}
	if interrupted {
		fmt.Fprintln(e.stderr, "precedent ingest: interrupted: the letters extracted so far are written; run the same command again to import the rest")
	}
	fmt.Fprintf(e.stderr, "imported %d, skipped %d, failed %d\n", in.imported, in.skipped, in.failed)
	switch {
	case interrupted:
		return exitInterrupted
	case werr != nil || cerr != nil || ferr != nil:
		if in.imported == 0 {
			return exitUsage
		}
		return exitFailed
	case in.failed > 0:
		return exitFailed
	}
	return exitOK
}

// skipSet returns the absolute paths the walk must not enter or import.
func skipSet(paths ...string) map[string]bool {
	m := map[string]bool{}
	for _, p := range paths {
		if a, err := filepath.Abs(p); err == nil {
			m[a] = true
		}
	}
	return m
}

// An ingester runs one ingest.
type ingester struct {
	e      *env
	p      *pipeline.Pipeline
	ix     *index.Index
	loader *extract.Loader
	// ready is closed once p is set, or when the run is aborted (p nil).
	ready      chan struct{}
	log        zerolog.Logger
	flog       io.Writer
	stderr     io.Writer // e.stderr, or the progress container above the bar
	batch      int
	flushEvery time.Duration
	every      int
	maxBytes   int64
	skip       map[string]bool
	// seen holds the ids imported by this run: two copies of one letter
	// are imported once.
	seen  map[string]bool
	found atomic.Int64
	// walked is set when the walk has sent its last file.
	walked atomic.Bool
	// walkCtx ends the walk: a signal, or an index that cannot be written.
	walkCtx  context.Context
	stopWalk context.CancelFunc
	progress *mpb.Progress
	bar      *mpb.Bar

	imported, skipped, failed int
}

// prefetch is the number of letters loaded ahead of the pipeline: enough
// for the PDFs extracted while the pipeline starts.
const prefetch = 128

// start walks roots and returns the outcomes of the files found: n workers
// load them (PDFs in child processes) and n workers build the case records
// once ready is closed. The channel is closed when every file found is
// done; the walk stops early on stopWalk.
func (in *ingester) start(roots []string, n int) <-chan ingested {
	jobs := make(chan ingestJob)
	in.walkCtx, in.stopWalk = context.WithCancel(in.e.ctx)
	go func() {
		defer close(jobs)
		defer in.walked.Store(true)
		for _, root := range roots {
			if !in.walk(root, jobs) {
				return
			}
		}
	}()
	// Extraction outlives the signal: a letter being extracted is finished
	// and written; the walk stops taking new files.
	ctx := context.WithoutCancel(in.e.ctx)
	loaded := streamAll(jobs, n, prefetch, func(j ingestJob) ingested { return in.load(ctx, j) })
	return streamAll(loaded, n, n, in.build)
}

// loop writes the cases of results in batches and reports the outcomes. It
// returns an error only when the index cannot be written.
func (in *ingester) loop(results <-chan ingested) error {
	defer in.stopWalk()
	stopWalk := in.stopWalk
	// Batches are written by a goroutine of their own, so that extraction
	// goes on while bleve indexes: at most one batch is being written
	// while the next one fills.
	toWrite := make(chan []*pipeline.Case)
	written := make(chan writtenBatch, 1)
	go in.writeBatches(toWrite, written)
	var pending []*pipeline.Case
	var werr error
	busy := false // a batch is with the writer
	report := func(b writtenBatch) {
		busy = false
		switch {
		case b.err == nil:
			in.log.Info().Int("cases", len(b.cases)).Int("imported", in.imported).Msg("batch written")
			return
		case werr == nil:
			werr = b.err
			stopWalk()
		}
		reason := "not written to the index"
		if !b.notTried {
			reason += ": " + b.err.Error()
		}
		for _, c := range b.cases {
			in.failure(c.Source.Path, reason)
			in.imported--
		}
		// The letters waiting for the next batch are not written either.
		for _, c := range pending {
			in.failure(c.Source.Path, "not written to the index")
			in.imported--
		}
		pending = nil
	}
	flush := func() {
		for len(pending) > 0 && werr == nil {
			select {
			case toWrite <- pending:
				pending, busy = nil, true
			case b := <-written:
				report(b)
			}
		}
	}
	tick := time.NewTicker(in.flushEvery)
	defer tick.Stop()
	done := 0
	for {
		var r ingested
		var ok bool
		select {
		case r, ok = <-results:
		case <-tick.C:
			flush()
			continue
		case b := <-written:
			report(b)
			if in.walked.Load() {
				flush() // see below
			}
			continue
		}
		if !ok {
			break
		}
		done++
		switch {
		case r.err != nil:
			in.failure(r.path, strings.TrimPrefix(describe(r.path, r.err), r.path+": "))
		case r.skipped || in.seen[r.c.ID]:
			in.skipped++
		case werr != nil:
			// The index cannot be written: count what is left as failed.
			in.failure(r.path, "not written to the index")
		default:
			in.seen[r.c.ID] = true
			r.c.Source.Path = r.path
			pending = append(pending, r.c)
			in.imported++
			// Once every file is found, what is pending goes to the writer
			// whenever it is idle: the last batch, written after the last
			// letter is extracted, stays small instead of up to --batch.
			if len(pending) >= in.batch || !busy && in.walked.Load() {
				flush()
			}
		}
		if in.bar != nil {
			in.bar.SetTotal(in.found.Load(), false)
			in.bar.Increment()
		} else if done%in.every == 0 {
			in.log.Info().Int("done", done).Int64("found", in.found.Load()).Int("imported", in.imported).
				Int("skipped", in.skipped).Int("failed", in.failed).Msg("progress")
		}
	}
	flush()
	close(toWrite)
	for b := range written {
		report(b)
	}
	return werr
}

// addBatch writes a batch to the index (a variable for the test of a
// failing index).
var addBatch = (*index.Index).Add

// A writtenBatch is a batch the writer is done with.
type writtenBatch struct {
	cases []*pipeline.Case
	err   error // nil: written
	// notTried: an earlier batch failed, this one was not tried.
	notTried bool
}

// writeBatches adds the batches received on in to the index and reports
// each on out, which it closes when in is closed. After a failed batch
// the next ones are not tried.
func (in *ingester) writeBatches(batches <-chan []*pipeline.Case, out chan<- writtenBatch) {
	defer close(out)
	var failed error
	for b := range batches {
		if failed != nil {
			out <- writtenBatch{cases: b, err: failed, notTried: true}
			continue
		}
		failed = addBatch(in.ix, b)
		out <- writtenBatch{cases: b, err: failed}
	}
}

// walk sends the files under root to jobs. It returns false when the
// context is cancelled.
func (in *ingester) walk(root string, jobs chan<- ingestJob) bool {
	send := func(j ingestJob) bool {
		select {
		case jobs <- j:
			in.found.Add(1)
			return true
		case <-in.walkCtx.Done():
			return false
		}
	}
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			if !send(ingestJob{path: path, err: err}) {
				return filepath.SkipAll
			}
			if d != nil && d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if path != root && strings.HasPrefix(d.Name(), ".") {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if abs, err := filepath.Abs(path); err == nil && in.skip[abs] {
			if d.IsDir() {
				return filepath.SkipDir
			}
			return nil
		}
		if d.IsDir() {
			return nil
		}
		if d.Type()&fs.ModeSymlink != 0 {
			// A link to a file is imported; links to folders are not
			// followed (no loops).
			if fi, err := os.Stat(path); err == nil && fi.IsDir() {
				return nil
			}
		} else if !d.Type().IsRegular() {
			return nil
		}
		if !send(ingestJob{path: path}) {
			return filepath.SkipAll
		}
		return nil
	})
	return err == nil && in.walkCtx.Err() == nil
}

// load hashes the file, skips it when its id is indexed, else loads it.
func (in *ingester) load(ctx context.Context, j ingestJob) ingested {
	r := ingested{path: j.path, err: j.err}
	if r.err != nil {
		return r
	}
	fi, err := os.Stat(j.path)
	if err != nil {
		r.err = err
		return r
	}
	if !fi.Mode().IsRegular() {
		r.err = errors.New("not a regular file")
		return r
	}
	if fi.Size() > in.maxBytes {
		// The loader reports the size limit with its own message.
		r.doc, r.err = in.loader.LoadFile(ctx, j.path)
		return r
	}
	data, err := os.ReadFile(j.path)
	if err != nil {
		r.err = err
		return r
	}
	sum := sha256.Sum256(data)
	r.id = hex.EncodeToString(sum[:8])
	has, err := in.ix.Has(r.id)
	if err != nil {
		r.err = err
		return r
	}
	if has {
		r.skipped = true
		return r
	}
	r.doc, r.err = in.loader.Load(ctx, j.path, data)
	return r
}

// errAborted is the outcome of a letter loaded when the run is aborted.
var errAborted = errors.New("ingest aborted")

// build turns a loaded letter into its case record once the pipeline is
// ready.
func (in *ingester) build(r ingested) ingested {
	doc := r.doc
	r.doc = nil
	if doc == nil || r.err != nil {
		return r
	}
	<-in.ready
	if in.p == nil {
		r.err = errAborted
		return r
	}
	r.c = in.p.FromDocument(doc)
	if r.c.ID != r.id {
		r.err = fmt.Errorf("record id %s differs from the file's hash %s", r.c.ID, r.id)
	}
	return r
}

// failure counts a failed file and writes it on stderr ("path: reason")
// and in the failure log.
func (in *ingester) failure(path, reason string) {
	in.failed++
	reason = oneLine(reason)
	fmt.Fprintf(in.stderr, "precedent ingest: %s: %s\n", path, reason)
	line, _ := json.Marshal(failureLine{Path: path, Reason: reason})
	line = append(line, '\n')
	if _, err := in.flog.Write(line); err != nil {
		in.log.Error().Err(err).Msg("cannot write the failure log")
	}
}
