package criteria

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/internal/testenv"
	"github.com/precedent-dev/precedent/pipeline"
)

// corpusProcedures are the services the corpus table covers: lumbar ESI,
// facet injections, medial branch blocks, facet and SI radiofrequency, SI
// joint injections.
var corpusProcedures = []string{"epidural_steroid_injection", "facet_injection", "medial_branch_block", "facet_rfa", "si_joint_injection", "si_joint_rfa"}

// TestCorpusVerdicts checks every corpus letter that disputes an ESI, facet
// or SI service: each yields a report whose results all have a status and a
// reason. With -v it prints the table of verdict against the letter's
// decision, and a summary of verdict × decision.
func TestCorpusVerdicts(t *testing.T) {
	pdfs := testenv.CorpusPDFs(t)
	ch, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	p := testPipeline(t)
	valid := map[string]bool{Met: true, NotMet: true, NotDocumented: true, NotApplicable: true}
	type row struct{ letter, service, procedure, set, verdict, decision, agrees string }
	var rows []row
	letters := 0
	for _, path := range pdfs {
		name := strings.TrimSuffix(filepath.Base(path), ".pdf")
		c, err := p.ExtractFile(context.Background(), path)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		var svs []*pipeline.Service
		for i := range c.Services {
			if contains(corpusProcedures, c.Services[i].Procedure) {
				svs = append(svs, &c.Services[i])
			}
		}
		if len(svs) == 0 {
			continue
		}
		letters++
		rep := ch.Check(c)
		if rep == nil {
			t.Errorf("%s: no report", name)
			continue
		}
		for _, sv := range svs {
			n := 0
			for _, sr := range rep.Sets {
				if sr.Service != sv.Text {
					continue
				}
				n++
				for _, r := range sr.Results {
					if !valid[r.Status] || r.Reason == "" {
						t.Errorf("%s %s: status %q reason %q", name, r.ID, r.Status, r.Reason)
					}
				}
				agrees := "-"
				if sr.Agrees != nil {
					agrees = fmt.Sprint(*sr.Agrees)
				}
				rows = append(rows, row{name, sv.Text, sv.Procedure, sr.ID, sr.Verdict, sr.Decision, agrees})
			}
			if n == 0 {
				rows = append(rows, row{name, sv.Text, sv.Procedure, "-", "-", sv.Decision, "-"})
			}
		}
	}
	if letters == 0 {
		t.Fatal("no corpus letter disputes an ESI, facet or SI service")
	}
	sort.SliceStable(rows, func(i, j int) bool { return rows[i].letter < rows[j].letter })
	t.Logf("%d letters, %d rows", letters, len(rows))
	t.Logf("%-14s %-40s %-27s %-14s %-27s %-10s %s", "letter", "service", "procedure", "set", "verdict", "decision", "agrees")
	count := map[[2]string]int{}
	for _, r := range rows {
		svc := strings.Join(strings.Fields(r.service), " ")
		if len(svc) > 40 {
			svc = svc[:37] + "..."
		}
		t.Logf("%-14s %-40s %-27s %-14s %-27s %-10s %s", r.letter, svc, r.procedure, r.set, r.verdict, r.decision, r.agrees)
		count[[2]string{r.verdict, r.decision}]++
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
	for _, k := range keys {
		t.Logf("summary: verdict %-27s decision %-10s %d", k[0], k[1], count[k])
	}
}
