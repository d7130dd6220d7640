package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/csv"
	"encoding/hex"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/extract/pdftext"
	"github.com/precedent-dev/precedent/pipeline"
)

// TestMain lets this test binary serve as the PDF child process, as the real
// binary does.
func TestMain(m *testing.M) {
	if child, code := pdftext.RunIfChild(); child {
		os.Exit(code) // served as the PDF child process
	}
	os.Exit(m.Run())
}

const (
	iroSeed = "../../fixtures/letters/iro_si_injection_upheld.txt"
	imrSeed = "../../fixtures/letters/imr_si_block_upheld.txt"
)

// runCLI runs the program with args and stdin and returns its streams and status.
func runCLI(t *testing.T, stdin string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(context.Background(), args, strings.NewReader(stdin), &out, &errb)
	return out.String(), errb.String(), code
}

func TestExtractOneFileIsOneIndentedRecord(t *testing.T) {
	out, errOut, code := runCLI(t, "", "extract", imrSeed)
	if code != exitOK {
		t.Fatalf("exit %d, stderr: %s", code, errOut)
	}
	if !strings.HasPrefix(out, "{\n  \"schema\"") {
		t.Errorf("one file with json should print one indented object, got %.40q", out)
	}
	var c pipeline.Case
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(imrSeed)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(data)
	if c.ID != hex.EncodeToString(sum[:8]) || c.Source.SHA256 != hex.EncodeToString(sum[:]) {
		t.Errorf("id %q / sha256 %q do not match the file's hash", c.ID, c.Source.SHA256)
	}
	if c.Schema != pipeline.Schema || c.Source.Format != "text" || c.Source.Path != imrSeed || c.Source.Pages != nil {
		t.Errorf("source wrong: %+v", c.Source)
	}
	if c.Text == "" {
		t.Error("text is empty")
	}
}

func TestExtractSeveralFilesKeepsArgumentOrderAndReportsFailures(t *testing.T) {
	dir := t.TempDir()
	empty := filepath.Join(dir, "empty.txt")
	if err := os.WriteFile(empty, nil, 0o644); err != nil {
		t.Fatal(err)
	}
	missing := filepath.Join(dir, "missing.pdf")
	out, errOut, code := runCLI(t, "", "extract", "--no-text", iroSeed, empty, missing, imrSeed)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d (some inputs failed); stderr: %s", code, exitFailed, errOut)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if len(lines) != 2 {
		t.Fatalf("want 2 records (the good letters), got %d lines:\n%s", len(lines), out)
	}
	for i, want := range []string{iroSeed, imrSeed} {
		var c pipeline.Case
		if err := json.Unmarshal([]byte(lines[i]), &c); err != nil {
			t.Fatalf("line %d: %v", i, err)
		}
		if c.Source.Path != want {
			t.Errorf("line %d is %s, want %s (argument order)", i, c.Source.Path, want)
		}
		if c.Text != "" {
			t.Errorf("--no-text left the text in %s", want)
		}
	}
	errLines := strings.Split(strings.TrimSpace(errOut), "\n")
	if len(errLines) != 2 {
		t.Fatalf("want one stderr line per failure, got:\n%s", errOut)
	}
	if !strings.Contains(errLines[0], empty) || !strings.Contains(errLines[0], "empty") {
		t.Errorf("empty file error should name the file and the reason: %s", errLines[0])
	}
	if !strings.Contains(errLines[1], missing) || !strings.Contains(errLines[1], "no such file") {
		t.Errorf("missing file error should name the file and the reason: %s", errLines[1])
	}
}

func TestExtractStdin(t *testing.T) {
	data, err := os.ReadFile(iroSeed)
	if err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, string(data), "extract", "--format", "jsonl", "-")
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var c pipeline.Case
	if err := json.Unmarshal([]byte(out), &c); err != nil {
		t.Fatal(err)
	}
	if c.Source.Path != "-" || c.Source.Bytes != int64(len(data)) {
		t.Errorf("stdin source = %+v", c.Source)
	}
	if strings.Count(out, "\n") != 1 {
		t.Errorf("jsonl should print one line, got %d", strings.Count(out, "\n"))
	}
}

func TestUsageErrors(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		want string
	}{
		{"no command", nil, "Usage"},
		{"unknown command", []string{"frobnicate"}, "unknown command"},
		{"no file", []string{"extract"}, "no FILE"},
		{"bad format", []string{"extract", "--format", "xml", iroSeed}, "bad --format"},
		{"stdin twice", []string{"extract", "-", "-"}, "only once"},
		{"bad log level", []string{"extract", "--log-level", "loud", iroSeed}, "--log-level"},
		{"bad flag", []string{"extract", "--nope", iroSeed}, "flag provided but not defined"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, errOut, code := runCLI(t, "", tc.args...)
			if code != exitUsage {
				t.Errorf("exit %d, want %d", code, exitUsage)
			}
			if !strings.Contains(errOut, tc.want) {
				t.Errorf("stderr lacks %q:\n%s", tc.want, errOut)
			}
		})
	}
}

func TestTooLargeTextFileIsOneLineError(t *testing.T) {
	dir := t.TempDir()
	big := filepath.Join(dir, "big.txt")
	line := []byte("Physical Exam: Straight leg raises are normal bilateral. Positive right sided figure 4 test.\n")
	var b bytes.Buffer
	for b.Len() < 50<<20 {
		b.Write(line)
	}
	if err := os.WriteFile(big, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := runCLI(t, "", "extract", big, imrSeed)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d; stderr %s", code, exitFailed, errOut)
	}
	if strings.Count(strings.TrimSpace(errOut), "\n") != 0 || !strings.Contains(errOut, big) || !strings.Contains(errOut, "larger than") {
		t.Errorf("want one line naming the file and the size limit, got %q", errOut)
	}
	if strings.Contains(errOut, "figure 4") {
		t.Error("the error leaks letter text")
	}
	if !strings.Contains(out, `"schema":"precedent.case/v1"`) {
		t.Error("the good letter was not extracted")
	}
}

func TestLogsCarryNoLetterText(t *testing.T) {
	_, errOut, code := runCLI(t, "", "extract", "--log-level", "debug", "--log-format", "json", iroSeed, imrSeed)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	if !strings.Contains(errOut, `"level"`) {
		t.Fatalf("expected some log lines at debug level, got %q", errOut)
	}
	for _, seed := range []string{iroSeed, imrSeed} {
		data, _ := os.ReadFile(seed)
		for _, line := range strings.Split(string(data), "\n") {
			line = strings.TrimSpace(line)
			if len(line) < 25 {
				continue
			}
			if strings.Contains(errOut, line[:25]) {
				t.Fatalf("log output contains letter text %q", line[:25])
			}
		}
	}
}

func TestVersion(t *testing.T) {
	out, _, code := runCLI(t, "", "version")
	if code != exitOK || !strings.HasPrefix(out, "precedent ") {
		t.Errorf("version: exit %d, %q", code, out)
	}
}

func TestBadLexiconNamesFileAndLine(t *testing.T) {
	dir := t.TempDir()
	bad := "concepts:\n  - code: faber\n    label: FABER\n    category: finding\n    synonyms: [faber]\n  - code: Bad Code\n    label: x\n    category: finding\n    synonyms: [x]\n"
	if err := os.WriteFile(filepath.Join(dir, "mine.yaml"), []byte(bad), 0o644); err != nil {
		t.Fatal(err)
	}
	_, errOut, code := runCLI(t, "", "extract", "--lexicon", dir, iroSeed)
	if code != exitUsage {
		t.Fatalf("exit %d, want %d: %s", code, exitUsage, errOut)
	}
	if !strings.Contains(errOut, "mine.yaml:6") {
		t.Errorf("error should name mine.yaml:6, got %q", errOut)
	}
}

func TestExtractCSVOneRowPerFinding(t *testing.T) {
	out, errOut, code := runCLI(t, "", "extract", "--format", "csv", iroSeed, imrSeed)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 10 || strings.Join(rows[0], ",") != strings.Join(findingsHeader, ",") {
		t.Fatalf("want a header and one row per finding, got %d rows, header %v", len(rows), rows[0])
	}
	col := map[string]int{}
	for i, h := range rows[0] {
		col[h] = i
	}
	faber, paths := 0, map[string]bool{}
	for _, r := range rows[1:] {
		paths[r[col["path"]]] = true
		if r[col["code"]] == "faber" && r[col["status"]] == "positive" && r[col["laterality"]] == "right" {
			faber++
		}
		start, _ := strconv.Atoi(r[col["start"]])
		end, _ := strconv.Atoi(r[col["end"]])
		if start >= end {
			t.Errorf("row with bad offsets: %v", r)
		}
	}
	if faber == 0 {
		t.Error("no row for the IRO seed's positive right FABER")
	}
	if !paths[iroSeed] || !paths[imrSeed] {
		t.Errorf("rows should come from both letters, got %v", paths)
	}
}

func TestCheckTextAndJSON(t *testing.T) {
	const rfa = "../../fixtures/letters/imr_page_damage.txt" // left SI joint RF ablation, upheld
	out, errOut, code := runCLI(t, "", "check", rfa)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"odg-si-rfa/0", "not_met", "criteria_not_met", "agrees with the decision (upheld)"} {
		if !strings.Contains(out, want) {
			t.Errorf("text report lacks %q:\n%s", want, out)
		}
	}
	out, errOut, code = runCLI(t, "", "check", "--format", "json", rfa)
	if code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	var rep struct {
		CaseID string `json:"case_id"`
		Sets   []struct {
			ID      string `json:"id"`
			Verdict string `json:"verdict"`
			Agrees  *bool  `json:"agrees_with_decision"`
			Results []struct {
				ID, Status, Reason string
				Evidence           []struct {
					Text       string
					Start, End int
				}
			}
		}
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil {
		t.Fatal(err)
	}
	found := false
	for _, s := range rep.Sets {
		if s.ID == "odg-si-rfa" {
			found = true
			if s.Verdict != "criteria_not_met" || s.Agrees == nil || !*s.Agrees || len(s.Results) == 0 || len(s.Results[0].Evidence) == 0 {
				t.Errorf("odg-si-rfa report wrong: %+v", s)
			}
		}
	}
	if !found || len(rep.CaseID) != 16 {
		t.Errorf("report lacks the SI RF set or the case id: %s", out)
	}
}
