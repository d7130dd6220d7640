package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/index"
	"github.com/precedent-dev/precedent/internal/synth"
	"github.com/precedent-dev/precedent/pipeline"
)

const fixtureLetters = "../../fixtures/letters"

// letterFiles lists the non-dot files of dir.
func letterFiles(t *testing.T, dir string) []string {
	t.Helper()
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, e := range entries {
		if !e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			out = append(out, filepath.Join(dir, e.Name()))
		}
	}
	if len(out) == 0 {
		t.Fatalf("no letters in %s", dir)
	}
	return out
}

// fileID is a file's record id: the first 8 bytes of its SHA-256, in hex.
func fileID(t *testing.T, path string) string {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	return hex.EncodeToString(sum[:8])
}

// summary is the summary line ingest prints for the counts.
func summary(imported, skipped, failed int) string {
	return fmt.Sprintf("imported %d, skipped %d, failed %d", imported, skipped, failed)
}

// ingestFixtures ingests the fixture letters into a new index and returns
// its folder.
func ingestFixtures(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	idx := filepath.Join(dir, "idx.bleve")
	n := len(letterFiles(t, fixtureLetters))
	_, errOut, code := runCLI(t, "", "ingest", "--index", idx, "--failures", filepath.Join(dir, "failures.jsonl"),
		"--workers", "2", fixtureLetters)
	if code != exitOK || !strings.Contains(errOut, summary(n, 0, 0)) {
		t.Fatalf("ingest: exit %d, want %q in stderr:\n%s", code, summary(n, 0, 0), errOut)
	}
	return idx
}

func TestIngestFixturesTwiceImportsNothingNew(t *testing.T) {
	dir := t.TempDir()
	idx := filepath.Join(dir, "idx.bleve")
	flog := filepath.Join(dir, "failures.jsonl")
	n := len(letterFiles(t, fixtureLetters))
	for _, want := range []string{summary(n, 0, 0), summary(0, n, 0)} {
		_, errOut, code := runCLI(t, "", "ingest", "--index", idx, "--failures", flog, fixtureLetters)
		if code != exitOK {
			t.Fatalf("exit %d: %s", code, errOut)
		}
		lines := strings.Split(strings.TrimSpace(errOut), "\n")
		if last := lines[len(lines)-1]; last != want {
			t.Errorf("summary %q, want %q (stderr:\n%s)", last, want, errOut)
		}
		if data, err := os.ReadFile(flog); err != nil || len(data) != 0 {
			t.Errorf("failure log should exist and be empty: %q, %v", data, err)
		}
	}
	ix, err := index.Open(idx, index.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got, err := ix.Count(); err != nil || got != uint64(n) {
		t.Errorf("Count = %d, %v; want %d", got, err, n)
	}
}

func TestIngestReportsFailuresAndSkipsDotFiles(t *testing.T) {
	dir := t.TempDir()
	letters := filepath.Join(dir, "letters")
	sub := filepath.Join(letters, "2019")
	hidden := filepath.Join(letters, ".cache")
	for _, d := range []string{sub, hidden} {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
	}
	seed, err := os.ReadFile(iroSeed)
	if err != nil {
		t.Fatal(err)
	}
	bad := filepath.Join(sub, "empty.txt")
	for path, data := range map[string][]byte{
		filepath.Join(letters, "seed.txt"): seed,
		bad:                                nil,
		filepath.Join(letters, ".dot.txt"): seed[:len(seed)/2],
		filepath.Join(hidden, "x.txt"):     seed[:len(seed)/3],
	} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	flog := filepath.Join(dir, "failures.jsonl")
	// A stale line from an earlier run: the log is truncated at start.
	if err := os.WriteFile(flog, []byte(`{"path":"old","reason":"old"}`+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	idx := filepath.Join(letters, "idx.bleve") // inside the walked folder: skipped
	_, errOut, code := runCLI(t, "", "ingest", "--index", idx, "--failures", flog, letters)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d; stderr:\n%s", code, exitFailed, errOut)
	}
	if !strings.HasSuffix(strings.TrimSpace(errOut), summary(1, 0, 1)) {
		t.Errorf("want summary %q, stderr:\n%s", summary(1, 0, 1), errOut)
	}
	if !strings.Contains(errOut, bad+": ") {
		t.Errorf("stderr should name the failed file: %s", errOut)
	}
	data, err := os.ReadFile(flog)
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	if len(lines) != 1 {
		t.Fatalf("failure log has %d lines, want 1:\n%s", len(lines), data)
	}
	var f failureLine
	if err := json.Unmarshal([]byte(lines[0]), &f); err != nil {
		t.Fatal(err)
	}
	if f.Path != bad || f.Reason == "" || strings.Contains(f.Reason, "\n") {
		t.Errorf("failure line %+v: want path %s and a one-line reason", f, bad)
	}
	// A second run: the letter is skipped, the index folder is not walked.
	_, errOut, code = runCLI(t, "", "ingest", "--index", idx, "--failures", flog, letters)
	if code != exitFailed || !strings.HasSuffix(strings.TrimSpace(errOut), summary(0, 1, 1)) {
		t.Errorf("rerun: exit %d, want summary %q:\n%s", code, summary(0, 1, 1), errOut)
	}
}

func TestIngestLockedIndexSaysWhatToDo(t *testing.T) {
	idx := filepath.Join(t.TempDir(), "idx.bleve")
	ix, err := index.Open(idx, index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	_, errOut, code := runCLI(t, "", "ingest", "--index", idx, "--failures", filepath.Join(t.TempDir(), "f.jsonl"), iroSeed)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d: %s", code, exitUsage, errOut)
	}
	if !strings.Contains(errOut, "in use by another precedent process") || strings.Count(strings.TrimSpace(errOut), "\n") != 0 {
		t.Errorf("want one clear line about the other process, got:\n%s", errOut)
	}
}

func TestIngestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"no path", []string{"ingest"}},
		{"zero batch", []string{"ingest", "--batch", "0", iroSeed}},
		{"bad flag", []string{"ingest", "--nope", iroSeed}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, "", append(tc.args[:1:1], append([]string{"--index", filepath.Join(t.TempDir(), "i")}, tc.args[1:]...)...)...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d: %s", code, exitUsage, errOut)
			}
		})
	}
}

// TestIngestSurvivesSIGKILL kills an ingest of synthetic letters midway,
// runs it again and checks that every letter is indexed exactly once.
func TestIngestSurvivesSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the binary and ingests 400 letters")
	}
	dir := t.TempDir()
	bin := filepath.Join(dir, "precedent")
	build := exec.Command("go", "build", "-o", bin, ".")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	const n = 400
	letters := filepath.Join(dir, "letters")
	if err := os.Mkdir(letters, 0o755); err != nil {
		t.Fatal(err)
	}
	g := synth.New(42)
	for i := range n {
		l := g.Letter(i)
		if err := os.WriteFile(filepath.Join(letters, l.Name), []byte(l.Text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	idx := filepath.Join(dir, "idx.bleve")
	args := []string{"ingest", "--index", idx, "--failures", filepath.Join(dir, "f.jsonl"), "--batch", "20",
		"--workers", "2", "--log-level", "info", "--log-format", "json", letters}

	cmd := exec.Command(bin, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	killed := false
	sc := bufio.NewScanner(stderr)
	for sc.Scan() {
		var rec struct {
			Message  string `json:"message"`
			Imported int    `json:"imported"`
		}
		if json.Unmarshal(sc.Bytes(), &rec) == nil && rec.Message == "batch written" && rec.Imported >= 60 {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
			t.Logf("killed after %d letters were written", rec.Imported)
			break
		}
	}
	for sc.Scan() {
	}
	werr := cmd.Wait()
	if !killed {
		t.Fatalf("the first ingest finished before it could be killed (%v); make it slower or the letters more", werr)
	}
	if werr == nil {
		t.Fatal("the killed ingest exited 0")
	}

	start := time.Now()
	out, err := exec.Command(bin, args...).CombinedOutput()
	if err != nil {
		t.Fatalf("second ingest: %v\n%s", err, out)
	}
	var imported, skipped, failed int
	last := strings.TrimSpace(string(out))
	last = last[strings.LastIndex(last, "\n")+1:]
	if _, err := fmt.Sscanf(last, "imported %d, skipped %d, failed %d", &imported, &skipped, &failed); err != nil {
		t.Fatalf("no summary line in %q", last)
	}
	t.Logf("second run: %s in %v", last, time.Since(start))
	if failed != 0 || imported+skipped != n {
		t.Errorf("second run %q: want every one of %d letters imported or skipped", last, n)
	}

	ix, err := index.Open(idx, index.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got, err := ix.Count(); err != nil || got != n {
		t.Errorf("Count = %d, %v; want exactly %d", got, err, n)
	}
	res, err := ix.Search(index.Query{Limit: 2 * n})
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{}
	for _, h := range res.Hits {
		if ids[h.ID] {
			t.Errorf("duplicate id %s", h.ID)
		}
		ids[h.ID] = true
	}
	if res.Total != n || len(ids) != n {
		t.Errorf("search for all: total %d, %d distinct ids; want %d", res.Total, len(ids), n)
	}
}

// TestIngestInterrupted runs ingest with its context already cancelled (as
// after SIGINT): it exits 130 with the summary, and the index is closed
// cleanly with exactly the letters the summary counts.
func TestIngestInterrupted(t *testing.T) {
	dir := t.TempDir()
	idx := filepath.Join(dir, "idx.bleve")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	var out, errb bytes.Buffer
	code := run(ctx, []string{"ingest", "--index", idx, "--failures", filepath.Join(dir, "f.jsonl"), fixtureLetters},
		strings.NewReader(""), &out, &errb)
	if code != exitInterrupted {
		t.Fatalf("exit %d, want %d: %s", code, exitInterrupted, errb.String())
	}
	lines := strings.Split(strings.TrimSpace(errb.String()), "\n")
	var imported, skipped, failed int
	if _, err := fmt.Sscanf(lines[len(lines)-1], "imported %d, skipped %d, failed %d", &imported, &skipped, &failed); err != nil {
		t.Fatalf("no summary line: %q", errb.String())
	}
	if !strings.Contains(errb.String(), "interrupted") {
		t.Errorf("stderr should say the run was interrupted: %s", errb.String())
	}
	ix, err := index.Open(idx, index.Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("the index was not closed cleanly: %v", err)
	}
	defer ix.Close()
	if got, err := ix.Count(); err != nil || got != uint64(imported) {
		t.Errorf("Count = %d, %v; want the %d the summary reports", got, err, imported)
	}
}

// TestIngestIndexWriteFails makes the second batch fail (batches of at
// most 2; once the walk is done a batch goes to the writer whenever it is
// idle, so the first may hold 1): the first batch
// stays imported, the letters of the failed batch and those extracted
// after it are failures in the log, the walk stops (the letters not found
// yet are left for the next run) and ingest exits 1.
func TestIngestIndexWriteFails(t *testing.T) {
	calls, first := 0, 0
	defer func(f func(*index.Index, []*pipeline.Case) error) { addBatch = f }(addBatch)
	addBatch = func(ix *index.Index, b []*pipeline.Case) error {
		switch calls++; calls {
		case 1:
			first = len(b)
		case 2:
			return errors.New("disk full")
		}
		return ix.Add(b)
	}
	dir := t.TempDir()
	letters := filepath.Join(dir, "letters")
	if err := os.Mkdir(letters, 0o755); err != nil {
		t.Fatal(err)
	}
	var texts []string
	for _, f := range letterFiles(t, fixtureLetters) {
		if strings.HasSuffix(f, ".txt") && len(texts) < 5 {
			texts = append(texts, f)
		}
	}
	for _, f := range texts {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(letters, filepath.Base(f)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	idx, flog := filepath.Join(dir, "idx.bleve"), filepath.Join(dir, "failures.jsonl")
	_, errOut, code := runCLI(t, "", "ingest", "--index", idx, "--failures", flog, "--batch", "2", "--workers", "1", letters)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d:\n%s", code, exitFailed, errOut)
	}
	lines := strings.Split(strings.TrimSpace(errOut), "\n")
	var imported, skipped, nfailed int
	if _, err := fmt.Sscanf(lines[len(lines)-1], "imported %d, skipped %d, failed %d", &imported, &skipped, &nfailed); err != nil {
		t.Fatalf("no summary line: %q", errOut)
	}
	if calls < 2 || imported != first || skipped != 0 || nfailed < 1 {
		t.Errorf("imported %d, skipped %d, failed %d after %d batches; want the %d of the first batch, 0 and the failed batch",
			imported, skipped, nfailed, calls, first)
	}
	if !strings.Contains(errOut, "not written to the index: disk full") {
		t.Errorf("the failed batch should name the index error:\n%s", errOut)
	}
	data, err := os.ReadFile(flog)
	if err != nil {
		t.Fatal(err)
	}
	failed := map[string]bool{}
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
		var f failureLine
		if err := json.Unmarshal([]byte(line), &f); err != nil {
			t.Fatalf("failure log line %q: %v", line, err)
		}
		if !strings.HasPrefix(f.Reason, "not written to the index") || failed[f.Path] {
			t.Errorf("failure log line %q", line)
		}
		failed[f.Path] = true
	}
	if len(failed) != nfailed {
		t.Errorf("%d letters in the failure log, want the %d of the summary", len(failed), nfailed)
	}
	ix, err := index.Open(idx, index.Options{ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got, err := ix.Count(); err != nil || got != uint64(first) {
		t.Errorf("Count = %d, %v; want %d", got, err, first)
	}
}

// TestIngestBadLexiconLeavesFailureLog: the pipeline is built while the
// first letters load; when it cannot be built (a lexicon file that does not
// parse) ingest exits 2 with the reason and leaves the failure log of the
// previous run alone.
func TestIngestBadLexiconLeavesFailureLog(t *testing.T) {
	dir := t.TempDir()
	lex := filepath.Join(dir, "lexicon")
	if err := os.Mkdir(lex, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(lex, "procedures.yaml"), []byte("concepts: [\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	flog := filepath.Join(dir, "failures.jsonl")
	old := []byte(`{"path": "a.pdf", "reason": "kept"}` + "\n")
	if err := os.WriteFile(flog, old, 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, "", "ingest", "--index", filepath.Join(dir, "idx.bleve"), "--failures", flog,
		"--lexicon", lex, fixtureLetters)
	if code != exitUsage || !strings.Contains(errOut, "procedures.yaml") {
		t.Errorf("exit %d, want %d and the file named:\n%s", code, exitUsage, errOut)
	}
	if got, err := os.ReadFile(flog); err != nil || !bytes.Equal(got, old) {
		t.Errorf("failure log is %q, %v; want it untouched", got, err)
	}
}
