// Command evaluate prints how well precedent extracts letters: every corpus
// PDF must extract without error, a per-field coverage table over the corpus,
// and precision, recall and F1 per field against the hand-annotated truth
// files of fixtures/truth. It is what `make eval` runs.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/precedent-dev/precedent/criteria"
	"github.com/precedent-dev/precedent/extract/pdftext"
	"github.com/precedent-dev/precedent/internal/evaluate"
	"github.com/precedent-dev/precedent/pipeline"
)

func main() {
	if child, code := pdftext.RunIfChild(); child {
		os.Exit(code) // served as the PDF child process
	}
	os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr))
}

func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("evaluate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	corpus := fs.String("corpus", "../shared/corpus/imr", "folder of corpus PDFs")
	truth := fs.String("truth", "fixtures/truth", "folder of truth files (letters' truths; corpus truths in corpus/)")
	letters := fs.String("letters", "fixtures/letters", "folder of fixture letters")
	verbose := fs.Bool("v", false, "print every mismatch")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	exe, err := os.Executable()
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 2
	}
	var opts pipeline.Options
	opts.Extract.PDF.Isolate, opts.Extract.PDF.Exe = true, exe
	p, err := pipeline.New(opts)
	if err != nil {
		fmt.Fprintln(stderr, "evaluate:", err)
		return 2
	}
	defer p.Close()

	status := 0
	// 1. The corpus: every PDF extracts, and field coverage.
	corpusTruth, err := evaluate.LoadTruths(os.DirFS(*truth), "corpus")
	if err != nil {
		fmt.Fprintln(stderr, "evaluate: corpus truths:", err)
		return 2
	}
	findingsTruth, err := evaluate.LoadFindingsTruths(os.DirFS(*truth), "findings")
	if err != nil {
		fmt.Fprintln(stderr, "evaluate: findings truths:", err)
		return 2
	}
	corpusFindings, err := evaluate.LoadFindingsTruths(os.DirFS(*truth), "findings/corpus")
	if err != nil {
		fmt.Fprintln(stderr, "evaluate: corpus findings truths:", err)
		return 2
	}
	heldout, err := evaluate.LoadFindingsTruths(os.DirFS(*truth), "findings/heldout")
	if err != nil {
		fmt.Fprintln(stderr, "evaluate: held-out findings truths:", err)
		return 2
	}
	clinical := evaluate.NewScorer() // findings, relief, scores, strength
	held := evaluate.NewScorer()     // the same on held-out letters
	heldLetters := 0
	clinicalLetters := 0
	pdfs, _ := filepath.Glob(filepath.Join(*corpus, "*.pdf"))
	sort.Strings(pdfs)
	corpusScore := evaluate.NewScorer()
	if len(pdfs) == 0 {
		fmt.Fprintf(stdout, "corpus: no PDFs in %s (skipped)\n\n", *corpus)
	} else {
		var cov evaluate.Coverage
		var verdicts []*pipeline.Case
		for _, path := range pdfs {
			c, err := p.ExtractFile(ctx, path)
			if err != nil {
				cov.Failed++
				status = 1
				fmt.Fprintf(stdout, "FAIL %s\n", oneLine(err.Error()))
				continue
			}
			cov.Add(c)
			verdicts = append(verdicts, c)
			name := strings.TrimSuffix(filepath.Base(path), ".pdf")
			if t := corpusTruth[name]; t != nil {
				corpusScore.Add(name, c, t)
			}
			if t := corpusFindings[name]; t != nil {
				clinical.AddFindings(name, c, t)
				clinicalLetters++
			}
			if t := heldout[name]; t != nil {
				held.AddFindings(name, c, t)
				heldLetters++
			}
		}
		fmt.Fprintf(stdout, "corpus %s: %d PDFs, %d extracted, %d failed\n\n", *corpus, len(pdfs), cov.Letters, cov.Failed)
		cov.WriteTable(stdout)
		if err := writeCriteriaVerdicts(stdout, verdicts); err != nil {
			fmt.Fprintln(stderr, "evaluate: criteria:", err)
			return 2
		}
		fmt.Fprintf(stdout, "\ncorpus letters against hand-checked truth (%d letters)\n", len(corpusTruth))
		corpusScore.WriteTable(stdout)
	}

	// 2. The fixture letters against their truths (text and PDF renderings).
	letterTruth, err := evaluate.LoadTruths(os.DirFS(*truth), ".")
	if err != nil {
		fmt.Fprintln(stderr, "evaluate: letter truths:", err)
		return 2
	}
	files, _ := filepath.Glob(filepath.Join(*letters, "*"))
	sort.Strings(files)
	letterScore := evaluate.NewScorer()
	n := 0
	for _, path := range files {
		base := filepath.Base(path)
		name := strings.TrimSuffix(base, filepath.Ext(base))
		t := letterTruth[name]
		if t == nil {
			continue
		}
		c, err := p.ExtractFile(ctx, path)
		if err != nil {
			status = 1
			fmt.Fprintf(stdout, "FAIL %s\n", oneLine(err.Error()))
			continue
		}
		n++
		letterScore.Add(base, c, t)
		if ft := findingsTruth[name]; ft != nil {
			clinical.AddFindings(base, c, ft)
			clinicalLetters++
		}
	}
	fmt.Fprintf(stdout, "\nfixture letters against truth (%d files)\n", n)
	letterScore.WriteTable(stdout)

	all := evaluate.NewScorer()
	for _, s := range []*evaluate.Scorer{corpusScore, letterScore} {
		for f, c := range s.Fields {
			a := all.Fields[f]
			if a == nil {
				a = &evaluate.Counts{}
				all.Fields[f] = a
			}
			a.TP, a.FP, a.FN = a.TP+c.TP, a.FP+c.FP, a.FN+c.FN
		}
		all.Mismatches = append(all.Mismatches, s.Mismatches...)
	}
	fmt.Fprintf(stdout, "\nall annotated letters\n")
	all.WriteTable(stdout)
	fmt.Fprintf(stdout, "\nfindings, relief, pain scores and strength (%d annotated letters)\n", clinicalLetters)
	clinical.WriteTable(stdout)
	all.Mismatches = append(all.Mismatches, clinical.Mismatches...)
	if heldLetters > 0 {
		// Held-out letters: annotated blind and never used to tune rules.
		// Their mismatches are not listed, so that they stay held out.
		fmt.Fprintf(stdout, "\nheld-out: findings, relief, pain scores and strength (%d letters never used for tuning)\n", heldLetters)
		held.WriteTable(stdout)
	}
	if *verbose {
		fmt.Fprintln(stdout, "\nmismatches (letter, field, want, got):")
		for _, m := range all.Mismatches {
			fmt.Fprintf(stdout, "  %s\t%s\twant %q\tgot %q\n", m.Letter, m.Field, m.Want, m.Got)
		}
	} else if len(all.Mismatches) > 0 {
		fmt.Fprintf(stdout, "\n%d mismatches (run with -v to list them)\n", len(all.Mismatches))
	}
	return status
}

func oneLine(s string) string { return strings.Join(strings.Fields(s), " ") }

// criteriaProcedures are the services the criteria verdict table covers.
var criteriaProcedures = map[string]bool{"epidural_steroid_injection": true, "facet_injection": true, "medial_branch_block": true, "facet_rfa": true, "si_joint_injection": true, "si_joint_rfa": true}

// writeCriteriaVerdicts prints, for every letter disputing an ESI, facet or
// SI service, each applying set's verdict against the letter's decision,
// then the counts of verdict × decision.
func writeCriteriaVerdicts(w io.Writer, cases []*pipeline.Case) error {
	ch, err := criteria.Load(nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "\ncriteria verdicts over the corpus\n")
	fmt.Fprintf(w, "%-14s %-40s %-27s %-14s %-27s %-10s %s\n", "letter", "service", "procedure", "set", "verdict", "decision", "agrees")
	count := map[[2]string]int{}
	letters := 0
	for _, c := range cases {
		rep := ch.Check(c)
		seen := false
		for _, sv := range c.Services {
			if !criteriaProcedures[sv.Procedure] {
				continue
			}
			seen = true
			svc := oneLine(sv.Text)
			if len(svc) > 40 {
				svc = svc[:37] + "..."
			}
			name := strings.TrimSuffix(filepath.Base(c.Source.Path), filepath.Ext(c.Source.Path))
			n := 0
			for _, sr := range rep.Sets {
				if sr.Service != sv.Text {
					continue
				}
				n++
				agrees := "-"
				if sr.Agrees != nil {
					agrees = fmt.Sprint(*sr.Agrees)
				}
				fmt.Fprintf(w, "%-14s %-40s %-27s %-14s %-27s %-10s %s\n", name, svc, sv.Procedure, sr.ID, sr.Verdict, sr.Decision, agrees)
				count[[2]string{sr.Verdict, sr.Decision}]++
			}
			if n == 0 {
				fmt.Fprintf(w, "%-14s %-40s %-27s %-14s %-27s %-10s %s\n", name, svc, sv.Procedure, "-", "-", sv.Decision, "-")
				count[[2]string{"-", sv.Decision}]++
			}
		}
		if seen {
			letters++
		}
	}
	keys := make([][2]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if keys[i][0] != keys[j][0] {
			return keys[i][0] < keys[j][0]
		}
		return keys[i][1] < keys[j][1]
	})
	fmt.Fprintf(w, "%d letters; verdict × decision:\n", letters)
	for _, k := range keys {
		fmt.Fprintf(w, "  %-27s %-10s %d\n", k[0], k[1], count[k])
	}
	return nil
}
