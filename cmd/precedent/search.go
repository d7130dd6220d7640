package main

import (
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/index"
)

const searchUsage = `Usage: precedent search [flags] [QUERY]

Searches the indexed precedents. QUERY is bleve query-string syntax over the
letter text by default ("hardware removal", +faber -outcome:overturned,
outcome:upheld, procedures:si_joint_injection); the flags add filters, all
ANDed. With no QUERY and no filter every case matches. --finding takes a
finding tag CODE, CODE:STATUS or CODE:STATUS:SIDE (faber, faber:positive,
faber:positive:right) and may be repeated.

Text output: the number of matching cases, the facet counts (outcome first),
then one block per hit with its highlighted snippets ([[match]]). JSON output:
{"total", "hits": [{"id", "score", "case_number", "kind", "outcome",
"services", "path", "snippets"}], "facets": {"outcome": {...}, ...}}.

The index is opened read-only: it may run beside a precedent serve (GET
/api/search of the server takes the same filters), but while an ingest
writes the index, search exits with status 2 and says so.

Exit status: 0 success (also when nothing matches); 2 usage error, bad
query, or the index cannot be opened.

Examples:
  precedent search '"hardware removal"'
  precedent search --finding faber:positive --procedure si_joint_injection --outcome upheld
  precedent search --procedure epidural_steroid_injection --min-relief 50 --format json
  precedent search --limit 20 --offset 20 'sacroiliac AND fluoroscopy'

Flags:
`

// facetOrder is the order facets are printed in (outcome first).
var facetOrder = []string{"outcome", "procedure", "finding", "guideline", "kind", "specialty"}

// multiFlag is a repeatable string flag.
type multiFlag []string

func (m *multiFlag) String() string     { return strings.Join(*m, ",") }
func (m *multiFlag) Set(s string) error { *m = append(*m, s); return nil }

func runSearch(e *env, args []string) int {
	fs := flag.NewFlagSet("precedent search", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var (
		indexPath = indexFlag(fs)
		format    = fs.String("format", "text", "output format: text or json")
		limit     = fs.Int("limit", 10, "hits shown")
		offset    = fs.Int("offset", 0, "hits skipped (paging)")
		outcome   = fs.String("outcome", "", "outcome: upheld, overturned, partially_overturned, ...")
		procedure = fs.String("procedure", "", "procedure code of a disputed service (si_joint_injection, ...)")
		kind      = fs.String("kind", "", "letter kind: iro or imr")
		findings  multiFlag
		minRelief *float64
		lf        logFlags
	)
	fs.Var(&findings, "finding", "finding tag CODE[:STATUS[:SIDE]] (repeatable)")
	fs.Func("min-relief", "smallest documented patient relief, in percent", func(s string) error {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || v < 0 {
			return fmt.Errorf("want a non-negative number")
		}
		minRelief = &v
		return nil
	})
	lf.register(fs)
	fs.Usage = func() { fmt.Fprint(fs.Output(), searchUsage); fs.PrintDefaults() }
	posArgs, err := parseInterleaved(fs, args)
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(e.stderr, "precedent search: "+format+"\n", a...)
		return exitUsage
	}
	if *format != "text" && *format != "json" {
		return fail("bad --format %q (want text or json)", *format)
	}
	if *limit <= 0 || *offset < 0 {
		return fail("--limit must be positive and --offset not negative")
	}
	if _, err := lf.logger(e.stderr, "search"); err != nil {
		return fail("%v", err)
	}
	ix, code := openReadOnly(e, "search", *indexPath)
	if ix == nil {
		return code
	}
	defer ix.Close()
	res, err := ix.Search(index.Query{
		Q: strings.Join(posArgs, " "), Findings: findings,
		Outcome: *outcome, Procedure: *procedure, Kind: *kind, MinRelief: minRelief,
		Limit: *limit, Offset: *offset,
	})
	if err != nil {
		return fail("%s", oneLine(err.Error()))
	}
	if res.Hits == nil {
		res.Hits = []index.Hit{}
	}
	if *format == "json" {
		err = writeJSON(e.stdout, res)
	} else {
		err = writeSearchText(e.stdout, res, *offset)
	}
	if err != nil {
		return fail("writing output: %s", oneLine(err.Error()))
	}
	return exitOK
}

// openReadOnly opens the index for reading. On failure it prints why (and
// what to do when another process holds the index) and returns nil and the
// exit status.
func openReadOnly(e *env, cmd, path string) (*index.Index, int) {
	ix, err := index.Open(path, index.Options{ReadOnly: true})
	switch {
	case errors.Is(err, index.ErrLocked):
		fmt.Fprintf(e.stderr, "precedent %s: %s\n", cmd, lockedMessage(path))
		return nil, exitUsage
	case errors.Is(err, index.ErrNoIndex):
		fmt.Fprintf(e.stderr, "precedent %s: no index at %s (run precedent ingest first, or pass --index)\n", cmd, path)
		return nil, exitUsage
	case err != nil:
		fmt.Fprintf(e.stderr, "precedent %s: %s\n", cmd, oneLine(err.Error()))
		return nil, exitUsage
	}
	return ix, exitOK
}

// writeJSON writes v as indented JSON.
func writeJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	enc.SetEscapeHTML(false)
	return enc.Encode(v)
}

// counts formats a term→count map as "a 3, b 1", most frequent first.
func counts(m map[string]int) string {
	terms := make([]string, 0, len(m))
	for t := range m {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool {
		if m[terms[i]] != m[terms[j]] {
			return m[terms[i]] > m[terms[j]]
		}
		return terms[i] < terms[j]
	})
	parts := make([]string, len(terms))
	for i, t := range terms {
		parts[i] = fmt.Sprintf("%s %d", t, m[t])
	}
	return strings.Join(parts, ", ")
}

func writeSearchText(w io.Writer, res *index.Result, offset int) error {
	ew := &errWriter{w: w}
	noun := "cases match"
	if res.Total == 1 {
		noun = "case matches"
	}
	ew.printf("%d %s\n", res.Total, noun)
	for _, f := range facetOrder {
		if m := res.Facets[f]; len(m) > 0 {
			ew.printf("  %-10s %s\n", f+":", counts(m))
		}
	}
	writeHits(ew, res.Hits, offset)
	return ew.err
}

// writeHits writes one block per hit, numbered from offset+1.
func writeHits(ew *errWriter, hits []index.Hit, offset int) {
	for i, h := range hits {
		ew.printf("\n%d. %s  %s %s", offset+i+1, h.ID, h.Kind, h.Outcome)
		if h.CaseNumber != "" {
			ew.printf("  case %s", h.CaseNumber)
		}
		ew.printf("  score %.3f\n", h.Score)
		ew.printf("   %s\n", h.Path)
		for _, s := range h.Services {
			ew.printf("   service: %s\n", s)
		}
		for _, s := range h.Snippets {
			ew.printf("   | %s\n", oneLine(s))
		}
	}
}

// errWriter keeps the first write error.
type errWriter struct {
	w   io.Writer
	err error
}

func (ew *errWriter) printf(format string, a ...any) {
	if ew.err == nil {
		_, ew.err = fmt.Fprintf(ew.w, format, a...)
	}
}

// parseInterleaved parses flags that may follow positional arguments
// ("search 'hardware removal' --format json"); "--" ends the flags.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return pos, nil
		}
		if len(args) > len(rest) && args[len(args)-len(rest)-1] == "--" {
			return append(pos, rest...), nil
		}
		pos = append(pos, rest[0])
		args = rest[1:]
	}
}
