// Command synth writes synthetic decision letters (internal/synth) to a
// folder, for scale tests and benchmarks of ingest and search:
//
//	go run ./cmd/synth -n 1000 -seed 1 -format text|pdf -out DIR
//
// The same seed and n write the same files.
package main

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/precedent-dev/precedent/internal/synth"
)

func main() {
	n := flag.Int("n", 100, "number of letters")
	seed := flag.Uint64("seed", 1, "random seed")
	format := flag.String("format", "text", "file format: text or pdf")
	out := flag.String("out", "", "output folder (created when missing)")
	flag.Parse()
	if err := run(*n, *seed, *format, *out); err != nil {
		fmt.Fprintln(os.Stderr, "synth:", err)
		os.Exit(2)
	}
}

func run(n int, seed uint64, format, out string) error {
	if out == "" {
		return fmt.Errorf("-out is required")
	}
	if n < 0 {
		return fmt.Errorf("-n must not be negative")
	}
	if format != "text" && format != "pdf" {
		return fmt.Errorf("bad -format %q (want text or pdf)", format)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	g := synth.New(seed)
	for i := range n {
		l := g.Letter(i)
		name, data := l.Name, []byte(l.Text)
		if format == "pdf" {
			var err error
			if data, err = synth.PDF(l.Text); err != nil {
				return fmt.Errorf("letter %d: %w", i, err)
			}
			name = strings.TrimSuffix(name, ".txt") + ".pdf"
		}
		if err := os.WriteFile(filepath.Join(out, name), data, 0o644); err != nil {
			return err
		}
	}
	return nil
}
