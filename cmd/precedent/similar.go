package main

import (
	"errors"
	"flag"
	"fmt"
)

const similarUsage = `Usage: precedent similar [flags] FILE

Extracts FILE (PDF or text) and lists the indexed precedents with the most
similar disputed services (procedure, side, levels) and finding profile,
with the outcome counts among them. FILE itself, when indexed, is left out.

The index is opened read-only; see precedent search -h for the one-process
rule.

Exit status: 0 success; 1 FILE cannot be extracted; 2 usage error or the
index cannot be opened.

Examples:
  precedent similar letter.pdf
  precedent similar --limit 25 --format json letter.txt

Flags:
`

func runSimilar(e *env, args []string) int {
	fs := flag.NewFlagSet("precedent similar", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var (
		indexPath = indexFlag(fs)
		format    = fs.String("format", "text", "output format: text or json")
		limit     = fs.Int("limit", 10, "precedents listed")
		xf        extractFlags
		lf        logFlags
	)
	xf.register(fs)
	lf.register(fs)
	fs.Usage = func() { fmt.Fprint(fs.Output(), similarUsage); fs.PrintDefaults() }
	posArgs, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fail := func(code int, format string, a ...any) int {
		fmt.Fprintf(e.stderr, "precedent similar: "+format+"\n", a...)
		return code
	}
	if len(posArgs) != 1 {
		return fail(exitUsage, "want exactly one FILE")
	}
	if *format != "text" && *format != "json" {
		return fail(exitUsage, "bad --format %q (want text or json)", *format)
	}
	if *limit <= 0 {
		return fail(exitUsage, "--limit must be positive")
	}
	_, p, ok := newPipeline(e, "similar", &xf, &lf)
	if !ok {
		return exitUsage
	}
	defer p.Close()
	path := posArgs[0]
	c, err := p.ExtractFile(e.ctx, path)
	if err != nil {
		return fail(exitFailed, "%s", oneLine(describe(path, err)))
	}
	ix, code := openReadOnly(e, "similar", *indexPath)
	if ix == nil {
		return code
	}
	defer ix.Close()
	sim, err := ix.Similar(c, *limit)
	if err != nil {
		return fail(exitUsage, "%s", oneLine(err.Error()))
	}
	if *format == "json" {
		err = writeJSON(e.stdout, sim)
	} else {
		ew := &errWriter{w: e.stdout}
		ew.printf("%d similar precedents", len(sim.Hits))
		if len(sim.Hits) > 0 {
			ew.printf("; outcomes: %s", counts(sim.Outcomes))
		}
		ew.printf("\n")
		writeHits(ew, sim.Hits, 0)
		err = ew.err
	}
	if err != nil {
		return fail(exitUsage, "writing output: %s", oneLine(err.Error()))
	}
	return exitOK
}
