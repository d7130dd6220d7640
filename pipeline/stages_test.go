package pipeline

import "testing"

// TestEncounterAt checks encounterAt against a scan of the encounters, and
// that it allocates nothing once the letter's index copies are made.
func TestEncounterAt(t *testing.T) {
	var es []Encounter
	for k, r := range [][2]int{{10, 20}, {20, 35}, {50, 60}} {
		es = append(es, Encounter{Span: Span{Start: r[0], End: r[1]}, Index: k})
	}
	d := &caseDoc{c: &Case{Text: string(make([]byte, 70)), Encounters: es}}
	for pos := 0; pos < 70; pos++ {
		want := -1
		for _, e := range es {
			if e.Start <= pos && pos < e.End {
				want = e.Index
			}
		}
		got := d.encounterAt(pos)
		switch {
		case want < 0 && got != nil:
			t.Errorf("encounterAt(%d) = %d, want nil", pos, *got)
		case want >= 0 && (got == nil || *got != want):
			t.Errorf("encounterAt(%d) = %v, want %d", pos, got, want)
		}
	}
	if d.encounterAt(12) != d.encounterAt(19) {
		t.Error("two items of one encounter got two index copies")
	}
	if n := testing.AllocsPerRun(100, func() { d.encounterAt(55) }); n != 0 {
		t.Errorf("encounterAt allocates %v times per call", n)
	}
}
