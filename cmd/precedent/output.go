package main

import (
	"bufio"
	"encoding/csv"
	"encoding/json"
	"io"
	"strconv"

	"github.com/precedent-dev/precedent/pipeline"
)

// A recordWriter prints case records in one output format.
type recordWriter interface {
	write(c *pipeline.Case) error
	flush() error
}

// jsonWriter prints one indented object, or one compact object per line.
type jsonWriter struct {
	out    io.Writer
	indent bool
}

func (w *jsonWriter) write(c *pipeline.Case) error {
	enc := json.NewEncoder(w.out)
	enc.SetEscapeHTML(false)
	if w.indent {
		enc.SetIndent("", "  ")
	}
	return enc.Encode(c)
}

func (w *jsonWriter) flush() error { return nil }

// findingsCSV prints one row per finding.
type findingsCSV struct {
	buf    *bufio.Writer
	w      *csv.Writer
	header bool
}

var findingsHeader = []string{
	"case_id", "path", "case_number", "kind", "outcome",
	"code", "label", "status", "laterality", "side_detail", "certainty", "experiencer",
	"in_guideline", "section", "start", "end", "text",
}

func newFindingsCSV(out io.Writer) *findingsCSV {
	b := bufio.NewWriter(out)
	return &findingsCSV{buf: b, w: csv.NewWriter(b)}
}

func (f *findingsCSV) write(c *pipeline.Case) error {
	if !f.header {
		f.header = true
		if err := f.w.Write(findingsHeader); err != nil {
			return err
		}
	}
	for _, x := range c.Findings {
		row := []string{
			c.ID, c.Source.Path, c.CaseNumber, c.Kind, c.Outcome,
			x.Code, x.Label, x.Status, x.Laterality, x.SideDetail, x.Certainty, x.Experiencer,
			strconv.FormatBool(x.InGuideline), x.Section, strconv.Itoa(x.Start), strconv.Itoa(x.End), x.Text,
		}
		if err := f.w.Write(row); err != nil {
			return err
		}
	}
	return nil
}

func (f *findingsCSV) flush() error {
	if !f.header {
		f.header = true
		if err := f.w.Write(findingsHeader); err != nil {
			return err
		}
	}
	f.w.Flush()
	if err := f.w.Error(); err != nil {
		return err
	}
	return f.buf.Flush()
}
