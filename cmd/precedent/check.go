package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/precedent-dev/precedent/criteria"
	"github.com/precedent-dev/precedent/pipeline"
)

const checkUsage = `Usage: precedent check [flags] FILE... | -

Extracts each letter and runs every criteria set that applies to its
disputed services (ODG sacroiliac joint blocks, lumbar epidural steroid
injections, facet blocks, facet and SI radiofrequency neurotomy). For each
criterion: met, not_met, not_documented or not_applicable, with a reason and
the quoted evidence; a verdict per set, and whether it agrees with the
letter's decision.

--format text (default) prints a table for people; --format json prints the
report of shared/spec/case-v1.md (one indented object for one FILE, one
compact object per line for several).

Exit status: 0 all letters checked; 1 some letters failed; 2 usage error.

Examples:
  precedent check letter.pdf
  precedent check --format json letter.txt
  precedent check --format json letters/*.pdf > reports.jsonl

Flags:
`

func runCheck(e *env, args []string) int {
	fs := flag.NewFlagSet("precedent check", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var (
		format = fs.String("format", "text", "output format: text or json")
		xf     extractFlags
		lf     logFlags
	)
	xf.register(fs)
	lf.register(fs)
	fs.Usage = func() { fmt.Fprint(fs.Output(), checkUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	paths := fs.Args()
	if len(paths) == 0 {
		fmt.Fprintln(e.stderr, "precedent check: no FILE given (use - for standard input)")
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		fmt.Fprintf(e.stderr, "precedent check: bad --format %q (want text or json)\n", *format)
		return exitUsage
	}
	ch, err := criteria.Load(nil)
	if err != nil {
		fmt.Fprintf(e.stderr, "precedent check: %s\n", oneLine(err.Error()))
		return exitUsage
	}
	log, p, ok := newPipeline(e, "check", &xf, &lf)
	if !ok {
		return exitUsage
	}
	defer p.Close()

	start := time.Now()
	failed, done := 0, 0
	err = extractAll(e, p, paths, xf.workers, func(r result) error {
		if r.err != nil {
			failed++
			fmt.Fprintf(e.stderr, "precedent check: %s\n", oneLine(describe(r.path, r.err)))
			return nil
		}
		done++
		rep := ch.Check(r.c)
		if *format == "json" {
			enc := json.NewEncoder(e.stdout)
			enc.SetEscapeHTML(false)
			if len(paths) == 1 {
				enc.SetIndent("", "  ")
			}
			return enc.Encode(rep)
		}
		return writeReportText(e.stdout, r.path, r.c, rep)
	})
	log.Info().Int("checked", done).Int("failed", failed).Dur("elapsed", time.Since(start)).Msg("check finished")
	if err != nil {
		fmt.Fprintf(e.stderr, "precedent check: %s\n", oneLine(err.Error()))
		return exitUsage
	}
	if failed > 0 {
		return exitFailed
	}
	return exitOK
}

// writeReportText prints a report as a table for people.
func writeReportText(w io.Writer, path string, c *pipeline.Case, rep *criteria.Report) error {
	fmt.Fprintf(w, "%s (%s %s, outcome %s)\n", path, c.Kind, orDash(c.CaseNumber), rep.Outcome)
	if len(rep.Sets) == 0 {
		_, err := fmt.Fprintf(w, "  no criteria set applies to the disputed services\n\n")
		return err
	}
	for _, s := range rep.Sets {
		agrees := "decision unknown"
		if s.Agrees != nil {
			agrees = map[bool]string{true: "agrees with", false: "disagrees with"}[*s.Agrees] + " the decision (" + s.Decision + ")"
		}
		fmt.Fprintf(w, "\n  %s: %s [%s]\n  service: %s\n  verdict: %s, %s\n\n", s.ID, s.Title, s.Source, oneLine(s.Service), s.Verdict, agrees)
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "  criterion\tstatus\treason\tevidence")
		for _, r := range s.Results {
			ev := "-"
			if len(r.Evidence) > 0 {
				ev = fmt.Sprintf("%q @%d", clip(oneLine(r.Evidence[0].Text), 70), r.Evidence[0].Start)
				if n := len(r.Evidence) - 1; n > 0 {
					ev += fmt.Sprintf(" (+%d)", n)
				}
			}
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", r.ID, r.Status, oneLine(r.Reason), ev)
		}
		if err := tw.Flush(); err != nil {
			return err
		}
	}
	_, err := fmt.Fprintln(w)
	return err
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// clip shortens s to at most n runes, marking the cut.
func clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return strings.TrimSpace(string(r[:n-1])) + "…"
}
