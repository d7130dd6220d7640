package lexicon

import (
	"errors"
	"os"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
)

func TestLoadDefault(t *testing.T) {
	lx, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(lx.Concepts()) < 20 {
		t.Fatalf("default lexicon has %d concepts, want at least 20", len(lx.Concepts()))
	}
	for _, code := range []string{"si_joint_injection", "epidural_steroid_injection", "mri", "physical_therapy", "medication"} {
		c, ok := lx.Concept(code)
		if !ok {
			t.Errorf("concept %s missing", code)
			continue
		}
		if c.File != "procedures.yaml" || c.Line == 0 {
			t.Errorf("concept %s located at %s:%d", code, c.File, c.Line)
		}
	}
}

func TestLoadErrors(t *testing.T) {
	good := "concepts:\n  - code: a\n    label: A\n    category: procedure\n    synonyms: [alpha]\n"
	tests := []struct {
		name, file, want string
	}{
		{"unknown key", good + "    colour: red\n", "x.yaml:6"},
		{"bad code", "concepts:\n  - code: Bad-Code\n    label: A\n    category: procedure\n    synonyms: [a]\n", "x.yaml:2: concept code"},
		{"no label", "concepts:\n  - code: a\n    category: procedure\n    synonyms: [a]\n", "x.yaml:2: concept a has no label"},
		{"bad category", "concepts:\n  - code: a\n    label: A\n    category: thing\n    synonyms: [a]\n", "x.yaml:2: concept a: unknown category"},
		{"no terms", "concepts:\n  - code: a\n    label: A\n    category: procedure\n", "x.yaml:2: concept a has no terms"},
		{"empty term", "concepts:\n  - code: a\n    label: A\n    category: procedure\n    synonyms: ['  ']\n", "x.yaml:5: concept a: empty synonym"},
		{"duplicate code", good + "  - code: a\n    label: B\n    category: procedure\n    synonyms: [beta]\n", "x.yaml:6: duplicate concept code"},
		{"duplicate term", good + "  - code: b\n    label: B\n    category: procedure\n    synonyms: [ALPHA]\n", "x.yaml:9: concept b: synonym \"ALPHA\" duplicates"},
		{"abbreviation clash", good + "  - code: b\n    label: B\n    category: procedure\n    abbreviations: [Alpha]\n", "x.yaml:9: concept b: abbreviation"},
		{"syntax", "concepts:\n  - code: [\n", "x.yaml:2"},
		{"wrong type", "concepts:\n  - code: a\n    label: A\n    category: procedure\n    synonyms: alpha\n", "x.yaml:5"},
		{"top-level key", "concept:\n  - code: a\n", "x.yaml:1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"x.yaml": {Data: []byte(tt.file)}})
			if err == nil {
				t.Fatalf("Load accepted a bad file")
			}
			var le *LoadError
			if !errors.As(err, &le) {
				t.Fatalf("error %v is not a *LoadError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want prefix %q", err, tt.want)
			}
		})
	}
	if _, err := Load(fstest.MapFS{"x.yaml": {Data: []byte(good)}}); err != nil {
		t.Errorf("good file rejected: %v", err)
	}
	if _, err := Load(fstest.MapFS{}); err == nil {
		t.Errorf("empty FS accepted")
	}
}

type m struct {
	Code, Text string
}

func matches(lx *Lexicon, text string) []m {
	var out []m
	for _, x := range lx.Match(text) {
		out = append(out, m{x.Code, text[x.Start:x.End]})
	}
	return out
}

func TestMatch(t *testing.T) {
	lx, err := New([]Concept{
		{Code: "sij", Label: "SI", Category: "procedure", Synonyms: []string{"sacroiliac joint", "sacroiliac joint injection", "si joint"}},
		{Code: "inj", Label: "Inj", Category: "procedure", Synonyms: []string{"injection", "joint injection"}},
		{Code: "pt", Label: "PT", Category: "procedure", Synonyms: []string{"physical therapy"}, Abbreviations: []string{"PT"}},
		{Code: "lvl", Label: "Level", Category: "modifier", Synonyms: []string{"l5-s1"}},
		{Code: "nmn", Label: "Not MN", Category: "finding", Synonyms: []string{"medically necessary", "not medically necessary"}},
		{Code: "faber", Label: "FABER", Category: "finding", Synonyms: []string{"figure 4", "figure-four"}, Misspellings: []string{"fabere"}},
	})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, text string
		want       []m
	}{
		{"longest wins", "Bilateral sacroiliac joint injection.", []m{{"sij", "sacroiliac joint injection"}}},
		{"fallback to shorter whole word", "sacroiliac joint injections", []m{{"sij", "sacroiliac joint"}}},
		{"leftmost wins over later longer", "the joint injection", []m{{"inj", "joint injection"}}},
		{"wrapped over lines", "SACROILIAC\n  JOINT injection", []m{{"sij", "SACROILIAC\n  JOINT injection"}}},
		{"no overlap", "not medically necessary", []m{{"nmn", "not medically necessary"}}},
		{"abbreviation case-sensitive", "Pt states; PT twice; pt.", []m{{"pt", "PT"}}},
		{"token boundary", "SIjoint injections; reinjection; si joint", []m{{"sij", "si joint"}}},
		{"hyphen is a boundary", "L4-L5S1 and l5-s1", []m{{"lvl", "l5-s1"}}},
		{"digit boundary", "figure 40 figure 4.", []m{{"faber", "figure 4"}}},
		{"misspelling", "Positive FABERE test", []m{{"faber", "FABERE"}}},
		{"unicode neighbours", "éinjection injectioné “injection”", []m{{"inj", "injection"}}},
		{"empty", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if diff := cmp.Diff(tt.want, matches(lx, tt.text)); diff != "" {
				t.Errorf("Match(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
	got := lx.MatchCategory("not medically necessary joint injection", "procedure")
	if len(got) != 1 || got[0].Code != "inj" {
		t.Errorf("MatchCategory = %+v", got)
	}
}

func TestNewMatcherDuplicate(t *testing.T) {
	if _, err := NewMatcher([]Term{{Code: "a", Text: "Texas"}, {Code: "b", Text: "texas"}}); err == nil {
		t.Error("duplicate terms accepted")
	}
	mt, err := NewMatcher([]Term{{Code: "ca", Text: "California"}, {Code: "tx", Text: "Texas"}})
	if err != nil {
		t.Fatal(err)
	}
	got := mt.Match("Licensure: Texas,California")
	if len(got) != 2 || got[0].Code != "tx" || got[1].Code != "ca" {
		t.Errorf("Match = %+v", got)
	}
}

func TestDefaultProcedures(t *testing.T) {
	lx, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ text, want string }{
		{"Bilateral S1 Sacroiliac Injection with IV Sedation", "si_joint_injection"},
		{"Sacroiliac joint block, bilateral to be done every 3 months", "si_joint_injection"},
		{"Facet joint injections L4-5, L5-S1", "facet_injection"},
		{"Lumbar Spine Epidural Injection at L4-5 under fluoroscopy", "epidural_steroid_injection"},
		{"Cervical spine MRI without contrast", "mri"},
		{"EMG/NCS of the bilateral upper extremities", "emg_ncs"},
		{"Norco 5/325mg oral tablet", "medication"},
		{"Chirophysio therapy two times a week", "chiropractic"},
		{"CT scan of head", "ct"},
	}
	for _, tt := range tests {
		got := lx.MatchCategory(tt.text, "procedure")
		if len(got) == 0 || got[0].Code != tt.want {
			t.Errorf("%q: got %+v, want first %s", tt.text, got, tt.want)
		}
	}
}

func FuzzMatch(f *testing.F) {
	lx, err := Load(nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, s := range []string{"Bilateral SI joint injection", "MRI\nof the L5-S1", "é PT\tpt", "\xff\xfeinjection"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a := lx.Match(s)
		b := lx.Match(s)
		if !cmp.Equal(a, b) {
			t.Fatal("not deterministic")
		}
		last := 0
		for _, x := range a {
			if x.Start < last || x.End <= x.Start || x.End > len(s) {
				t.Fatalf("bad span %+v (prev end %d, len %d)", x, last, len(s))
			}
			last = x.End
		}
	})
}

// TestMatchIDs checks that matchIDs gives the same matches as Match and,
// for each, the id of the entry that matched (its code, term and kind).
func TestMatchIDs(t *testing.T) {
	lx, err := Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile("../fixtures/letters/iro_si_injection_upheld.txt")
	if err != nil {
		t.Fatal(err)
	}
	m := lx.matcher
	var entries []entry // by id
	for _, es := range m.entries {
		entries = append(entries, es...)
	}
	for _, text := range []string{string(data), "Positive FABER, Gaenslen's and SI joint tenderness on the right", "no lexicon term here"} {
		var ids []int32
		got := m.matchIDs(nil, &ids, text, nil)
		if want := lx.Match(text); !cmp.Equal(got, want) {
			t.Fatalf("matchIDs differs from Match:\n%s", cmp.Diff(want, got))
		}
		if len(ids) != len(got) {
			t.Fatalf("%d ids for %d matches", len(ids), len(got))
		}
		for i, x := range got {
			e := entries[ids[i]]
			if e.code != x.Code || e.term != x.Term || e.kind != x.Kind {
				t.Errorf("match %+v: id %d is entry %+v", x, ids[i], e)
			}
		}
	}
}
