package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"runtime"
	"time"

	"github.com/precedent-dev/precedent/extract"
	"github.com/precedent-dev/precedent/pipeline"
	"github.com/rs/zerolog"
)

const extractUsage = `Usage: precedent extract [flags] FILE... | -

Prints the case record (shared/spec/case-v1.md) of each letter. Files are
sniffed by content: PDF or text (UTF-8, UTF-16 with BOM, Windows-1252).
"-" reads standard input. One FILE with --format json prints one indented
object; several FILEs or --format jsonl print one compact object per line,
in argument order; --format csv prints one row per finding.

Exit status: 0 all letters extracted; 1 some failed (each failure is one line
on stderr naming the file and the reason; the others are still printed);
2 usage error.

Examples:
  precedent extract letter.pdf
  precedent extract --format jsonl letters/*.pdf > cases.jsonl
  precedent extract --no-text --format jsonl a.txt b.pdf
  cat letter.txt | precedent extract -
  precedent extract --format csv letter.pdf > findings.csv
  precedent extract --lexicon my-lexicon/ letter.txt

Flags:
`

// extractFlags are the flags of the extraction stage, shared by the commands
// that extract letters.
type extractFlags struct {
	timeout   time.Duration
	maxMiB    int64
	noIsolate bool
	workers   int
	lexicon   string
}

func (x *extractFlags) register(fs *flag.FlagSet) {
	fs.DurationVar(&x.timeout, "timeout", 30*time.Second, "time limit for parsing one PDF")
	fs.Int64Var(&x.maxMiB, "max-mib", extract.DefaultMaxBytes>>20, "largest input file accepted, in MiB")
	fs.BoolVar(&x.noIsolate, "no-isolate", false, "parse PDFs in this process (a hang then cannot be stopped)")
	fs.IntVar(&x.workers, "workers", runtime.NumCPU(), "letters extracted in parallel")
	fs.StringVar(&x.lexicon, "lexicon", "", "folder of lexicon *.yaml files replacing the embedded lexicon")
}

func (x *extractFlags) options() (pipeline.Options, error) {
	var o pipeline.Options
	if x.maxMiB <= 0 {
		return o, fmt.Errorf("--max-mib must be positive")
	}
	if x.timeout <= 0 {
		return o, fmt.Errorf("--timeout must be positive")
	}
	if x.workers <= 0 {
		return o, fmt.Errorf("--workers must be positive")
	}
	if x.lexicon != "" {
		if fi, err := os.Stat(x.lexicon); err != nil || !fi.IsDir() {
			return o, fmt.Errorf("--lexicon %s: not a folder", x.lexicon)
		}
		o.Lexicon = os.DirFS(x.lexicon)
	}
	o.Extract.MaxBytes = x.maxMiB << 20
	o.Extract.PDF.Timeout = x.timeout
	o.Extract.PDF.Isolate = !x.noIsolate
	o.Extract.PDF.Workers = x.workers
	if !x.noIsolate {
		exe, err := os.Executable()
		if err != nil {
			return o, fmt.Errorf("cannot find own executable for PDF isolation: %w", err)
		}
		o.Extract.PDF.Exe = exe
	}
	return o, nil
}

func runExtract(e *env, args []string) int {
	fs := flag.NewFlagSet("precedent extract", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var (
		format = fs.String("format", "json", "output format: json, jsonl or csv")
		noText = fs.Bool("no-text", false, "leave the letter text out of the records")
		xf     extractFlags
		lf     logFlags
	)
	xf.register(fs)
	lf.register(fs)
	fs.Usage = func() { fmt.Fprint(fs.Output(), extractUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	paths := fs.Args()
	if len(paths) == 0 {
		fmt.Fprintln(e.stderr, "precedent extract: no FILE given (use - for standard input)")
		return exitUsage
	}
	stdinUses := 0
	for _, p := range paths {
		if p == "-" {
			stdinUses++
		}
	}
	if stdinUses > 1 {
		fmt.Fprintln(e.stderr, "precedent extract: - (standard input) may be given only once")
		return exitUsage
	}
	var w recordWriter
	switch *format {
	case "json":
		if len(paths) == 1 {
			w = &jsonWriter{out: e.stdout, indent: true}
		} else {
			w = &jsonWriter{out: e.stdout}
		}
	case "jsonl":
		w = &jsonWriter{out: e.stdout}
	case "csv":
		w = newFindingsCSV(e.stdout)
	default:
		fmt.Fprintf(e.stderr, "precedent extract: bad --format %q (want json, jsonl or csv)\n", *format)
		return exitUsage
	}
	log, p, ok := newPipeline(e, "extract", &xf, &lf)
	if !ok {
		return exitUsage
	}
	defer p.Close()

	start := time.Now()
	failed, done := 0, 0
	err := extractAll(e, p, paths, xf.workers, func(r result) error {
		if r.err != nil {
			failed++
			fmt.Fprintf(e.stderr, "precedent extract: %s\n", oneLine(describe(r.path, r.err)))
			return nil
		}
		done++
		log.Debug().Str("path", r.path).Str("id", r.c.ID).Str("format", r.c.Source.Format).
			Int64("bytes", r.c.Source.Bytes).Int("sections", len(r.c.Sections)).
			Int("services", len(r.c.Services)).Int("warnings", len(r.c.Warnings)).Msg("extracted")
		for _, wn := range r.c.Warnings {
			fmt.Fprintf(e.stderr, "precedent extract: %s: warning: %s\n", r.path, oneLine(wn))
		}
		if *noText {
			r.c.Text = ""
		}
		return w.write(r.c)
	})
	if ferr := w.flush(); err == nil {
		err = ferr
	}
	log.Info().Int("extracted", done).Int("failed", failed).Dur("elapsed", time.Since(start)).Msg("extract finished")
	if err != nil {
		fmt.Fprintf(e.stderr, "precedent extract: writing output: %s\n", oneLine(err.Error()))
		return exitUsage
	}
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}

// newPipeline builds a command's logger and extraction pipeline from its
// flags. On failure it prints one line naming the command and returns ok
// false; the caller exits with exitUsage.
func newPipeline(e *env, cmd string, xf *extractFlags, lf *logFlags) (zerolog.Logger, *pipeline.Pipeline, bool) {
	fail := func(msg string) (zerolog.Logger, *pipeline.Pipeline, bool) {
		fmt.Fprintf(e.stderr, "precedent %s: %s\n", cmd, oneLine(msg))
		return zerolog.Nop(), nil, false
	}
	log, err := lf.logger(e.stderr, cmd)
	if err != nil {
		return fail(err.Error())
	}
	opts, err := xf.options()
	if err != nil {
		return fail(err.Error())
	}
	p, err := pipeline.New(opts)
	if err != nil {
		return fail(err.Error())
	}
	return log, p, true
}

// describe formats a failure as "path: reason".
func describe(path string, err error) string {
	var xe *extract.Error
	if errors.As(err, &xe) {
		return xe.Error()
	}
	return fmt.Sprintf("%s: %v", path, err)
}
