package lexicon

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/precedent-dev/precedent/extract"
)

var update = flag.Bool("update", false, "rewrite testdata/tag golden sections")

var (
	tagOnce sync.Once
	tagLx   *Lexicon
	tagCtx  *Context
	tagTg   *Tagger
	tagErr  error
)

// testTagger returns the tagger of the embedded lexicon.
func testTagger(t testing.TB) *Tagger {
	t.Helper()
	tagOnce.Do(func() {
		if tagLx, tagErr = Load(nil); tagErr != nil {
			return
		}
		if tagCtx, tagErr = LoadContext(nil); tagErr != nil {
			return
		}
		tagTg, tagErr = NewTagger(tagLx, tagCtx)
	})
	if tagErr != nil {
		t.Fatal(tagErr)
	}
	return tagTg
}

// tagLine tags text as one sentence.
func tagLine(tg *Tagger, text string) []Mention {
	return tg.Tag(text, []extract.Sentence{{Start: 0, End: len(text)}})
}

func hasCode(ms []Mention, code string) bool {
	for _, m := range ms {
		if m.Code == code {
			return true
		}
	}
	return false
}

// TestConceptExamples runs the examples of every finding and site concept:
// a concept without them fails.
func TestConceptExamples(t *testing.T) {
	tg := testTagger(t)
	n := 0
	for _, c := range tagLx.Concepts() {
		if c.Category != "finding" && c.Category != "site" {
			continue
		}
		n++
		t.Run(c.Code, func(t *testing.T) {
			if len(c.Examples.Match) == 0 || len(c.Examples.NoMatch) == 0 {
				t.Fatalf("%s:%d: concept %s needs examples.match and examples.no_match", c.File, c.Line, c.Code)
			}
			found := func(text string) bool {
				if c.Category == "finding" {
					return hasCode(tagLine(tg, text), c.Code)
				}
				for _, m := range tagLx.Match(text) {
					if m.Code == c.Code {
						return true
					}
				}
				return false
			}
			for _, x := range c.Examples.Match {
				if !found(x) {
					t.Errorf("%s:%d: %s not found in %q", c.File, c.Line, c.Code, x)
				}
			}
			for _, x := range c.Examples.NoMatch {
				if found(x) {
					t.Errorf("%s:%d: %s found in %q", c.File, c.Line, c.Code, x)
				}
			}
		})
	}
	if n < 40 {
		t.Errorf("only %d finding and site concepts", n)
	}
	// The contract codes (shared/spec/case-v1.md).
	for _, code := range []string{"faber", "gaenslen", "thigh_thrust", "compression", "distraction",
		"fortin_finger", "sacral_sulcus_tenderness", "si_tenderness", "straight_leg_raise",
		"facet_loading", "spurling", "paraspinal_tenderness", "spinous_tenderness",
		"sensory_deficit", "reflex_change", "radicular_pain", "numbness"} {
		if c, ok := tagLx.Concept(code); !ok || c.Category != "finding" {
			t.Errorf("contract finding %s missing", code)
		}
	}
}

// effect reports whether the cue kind's effect shows on m.
func effect(kind string, m Mention) bool {
	switch kind {
	case kindNegated:
		return m.Status == Negative
	case kindPositive:
		return m.Status == Positive
	case kindNotPerformed:
		return m.Status == NotPerformed
	case kindPseudo, kindTerminator:
		return m.Status != Negative
	case kindPossible:
		return m.Certainty == Possible
	case kindHypothetical:
		return m.Certainty == Hypothetical
	case kindFamily:
		return m.Experiencer == Family
	case kindHistorical:
		return m.Historical
	case kindExcluded:
		return m.Code == "" // dropped: no finding left
	}
	return false
}

// TestContextRules runs the examples of every cue group of context.yaml
// and every side of laterality.yaml: the last finding of a match text
// shows the rule's effect, that of a no_match text does not.
func TestContextRules(t *testing.T) {
	tg := testTagger(t)
	last := func(t *testing.T, text string, kind string) Mention {
		ms := tagLine(tg, text)
		if len(ms) == 0 {
			if kind == kindExcluded {
				return Mention{} // the excluded finding was dropped
			}
			t.Fatalf("no finding in example %q", text)
		}
		sort.SliceStable(ms, func(i, j int) bool { return ms[i].Start < ms[j].Start })
		return ms[len(ms)-1]
	}
	for _, g := range tagCtx.groups {
		name := fmt.Sprintf("%s_%s_line%d", g.Kind.S, g.Direction.S, g.Kind.Line)
		t.Run(name, func(t *testing.T) {
			if len(g.Examples.Match) == 0 || len(g.Examples.NoMatch) == 0 {
				t.Fatalf("context.yaml:%d: cue group needs examples.match and examples.no_match", g.Kind.Line)
			}
			for _, x := range g.Examples.Match {
				if m := last(t, x, g.Kind.S); !effect(g.Kind.S, m) {
					t.Errorf("context.yaml:%d: %q: %s has no %s effect (%+v)", g.Kind.Line, x, m.Code, g.Kind.S, m)
				}
			}
			for _, x := range g.Examples.NoMatch {
				if m := last(t, x, ""); effect(g.Kind.S, m) {
					t.Errorf("context.yaml:%d: %q: %s has a %s effect (%+v)", g.Kind.Line, x, m.Code, g.Kind.S, m)
				}
			}
		})
	}
	for _, g := range tagCtx.sides {
		t.Run("side_"+g.Value.S, func(t *testing.T) {
			if len(g.Examples.Match) == 0 || len(g.Examples.NoMatch) == 0 {
				t.Fatalf("laterality.yaml:%d: side needs examples.match and examples.no_match", g.Value.Line)
			}
			got := func(m Mention) string {
				if g.detail {
					return m.SideDetail
				}
				return m.Laterality
			}
			for _, x := range g.Examples.Match {
				if m := last(t, x, ""); got(m) != g.Value.S {
					t.Errorf("laterality.yaml:%d: %q: %s side %q, want %q", g.Value.Line, x, m.Code, got(m), g.Value.S)
				}
			}
			for _, x := range g.Examples.NoMatch {
				if m := last(t, x, ""); got(m) == g.Value.S {
					t.Errorf("laterality.yaml:%d: %q: %s side %q", g.Value.Line, x, m.Code, got(m))
				}
			}
		})
	}
	t.Run("parts", func(t *testing.T) {
		p := tagCtx.parts
		if len(p.Examples.Match) == 0 || len(p.Examples.NoMatch) == 0 {
			t.Fatal("laterality.yaml: parts need examples.match and examples.no_match")
		}
		for _, x := range p.Examples.Match {
			if m := last(t, x, ""); m.Laterality == "" {
				t.Errorf("laterality.yaml parts: %q: %s has no side", x, m.Code)
			}
		}
		for _, x := range p.Examples.NoMatch {
			if m := last(t, x, ""); m.Laterality != "" {
				t.Errorf("laterality.yaml parts: %q: %s side %q from a neighbouring part", x, m.Code, m.Laterality)
			}
		}
	})
}

// short is a mention's attributes for table tests.
type short struct {
	Code, Status, Side, Detail, Certainty string
}

func shorts(ms []Mention) []short {
	var out []short
	for _, m := range ms {
		out = append(out, short{m.Code, m.Status, m.Laterality, m.SideDetail, m.Certainty})
	}
	return out
}

// TestScopeRules: clinical lists, colon forms, side pairs, bindings.
func TestScopeRules(t *testing.T) {
	tg := testTagger(t)
	const d = Definite
	tests := []struct {
		name, text string
		want       []short
	}{
		{"list shares cue and side", "positive FABER, Gaenslen's and thigh thrust on the left",
			[]short{{"faber", "positive", "left", "", d}, {"gaenslen", "positive", "left", "", d}, {"thigh_thrust", "positive", "left", "", d}}},
		{"side pairs", "FABER test positive on the left, negative on the right",
			[]short{{"faber", "positive", "left", "", d}, {"faber", "negative", "right", "", d}}},
		{"side pairs with but", "Gaenslen's positive on the right but negative on the left",
			[]short{{"gaenslen", "positive", "right", "", d}, {"gaenslen", "negative", "left", "", d}}},
		{"normal bilateral", "Straight leg raises are normal bilateral",
			[]short{{"straight_leg_raise", "negative", "bilateral", "", d}}},
		{"(+) forward", "(+) facet loading on the right", []short{{"facet_loading", "positive", "right", "", d}}},
		{"no over list of sites", "No tenderness over the SI joints or greater trochanter",
			[]short{{"si_tenderness", "negative", "", "", d}, {"trochanteric_tenderness", "negative", "", "", d}}},
		{"(-) backward", "FABER (-) bilaterally", []short{{"faber", "negative", "bilateral", "", d}}},
		{"neg", "Gaenslen neg", []short{{"gaenslen", "negative", "", "", d}}},
		{"S1 joint misprint with detail", "Bilateral S1 joint tenderness, right> left",
			[]short{{"si_tenderness", "positive", "bilateral", "right>left", d}}},
		{"sensation decreased", "Sensation was decreased at the L5 distribution", []short{{"sensory_deficit", "positive", "", "", d}}},
		{"light touch normal", "Light touch is normal for all lumbar dermatomes", []short{{"sensory_deficit", "negative", "", "", d}}},
		{"reflexes symmetric", "reflexes are symmetrically present and normal", []short{{"reflex_change", "negative", "", "", d}}},
		{"paravertebral tender", "Paravertebral muscles are tender on the left", []short{{"paraspinal_tenderness", "positive", "left", "", d}}},
		{"level is not SI", "Tenderness to palpation at left l5/s1", nil},
		{"hardware is not SI", "Severe point tenderness over the location of the left L5/S1 hardware", nil},
		{"figure 4", "Positive right sided figure 4 test", []short{{"faber", "positive", "right", "", d}}},
		{"not performed", "Thigh thrust test was not performed", []short{{"thigh_thrust", "not_performed", "", "", d}}},
		{"Patrick-FABER", "Patrick-FABER maneuver was positive on the left", []short{{"faber", "positive", "left", "", d}}},
		{"cue binds forward", "SI joint tenderness and negative FABER",
			[]short{{"si_tenderness", "positive", "", "", d}, {"faber", "negative", "", "", d}}},
		{"cue binds backward", "FABER negative, Gaenslen positive",
			[]short{{"faber", "negative", "", "", d}, {"gaenslen", "positive", "", "", d}}},
		{"colon form", "Provocative tests: FABER: positive on the right; Gaenslen: negative",
			[]short{{"faber", "positive", "right", "", d}, {"gaenslen", "negative", "", "", d}}},
		{"colon list", "Negative: SLR, FABER and Spurling's",
			[]short{{"straight_leg_raise", "negative", "", "", d}, {"faber", "negative", "", "", d}, {"spurling", "negative", "", "", d}}},
		{"positive for terminates", "Negative for SLR, positive for FABER",
			[]short{{"straight_leg_raise", "negative", "", "", d}, {"faber", "positive", "", "", d}}},
		{"parenthesized synonym is one finding", "positive figure 4 test (FABER) on the right side only",
			[]short{{"faber", "positive", "right", "", d}}},
		{"sides owned by nearest", "Positive FABER on the right, negative SLR",
			[]short{{"faber", "positive", "right", "", d}, {"straight_leg_raise", "negative", "", "", d}}},
		{"L before digit is a level", "SLR positive at L5", []short{{"straight_leg_raise", "positive", "", "", d}}},
		{"test without result", "ODG lists Patrick's test (FABER)", []short{{"faber", "", "", "", d}}},
		{"possible", "equivocal FABER on the right", []short{{"faber", "positive", "right", "", Possible}}},
		{"hypothetical", "If the FABER is positive, proceed", []short{{"faber", "positive", "", "", Hypothetical}}},
		{"pseudo negation", "no change in the numbness of the left leg", []short{{"numbness", "positive", "left", "", d}}},
		{"terminator", "No numbness but tenderness over the SI joints",
			[]short{{"numbness", "negative", "", "", d}, {"si_tenderness", "positive", "", "", d}}},
		{"w/o", "Spondylosis w/o myelopathy or radiculopathy", []short{{"radicular_pain", "negative", "", "", d}}},
		{"radiation to a limb", "low back pain radiating to the bilateral lower extremities",
			[]short{{"radicular_pain", "positive", "bilateral", "", d}}},
		{"without radiation", "low back pain without radiation", []short{{"radicular_pain", "negative", "", "", d}}},
		{"no radiation below the knee", "No radiation below the knee", []short{{"radicular_pain", "negative", "", "", d}}},
		{"radiation to the buttock only", "pain radiating to the right buttock", nil},
		{"plural limbs are bilateral", "He notes numbness in the lower extremities", []short{{"numbness", "positive", "bilateral", "", d}}},
		{"side before a comma is not the list's", "4+/5 strength on the right, tenderness over the right greater trochanter and lumbar paraspinal tenderness",
			[]short{{"trochanteric_tenderness", "positive", "right", "", d}, {"paraspinal_tenderness", "positive", "", "", d}}},
		{"side after the list is shared", "intermittent numbness and tingling down his bilateral LE",
			[]short{{"numbness", "positive", "bilateral", "", d}}},
		{"coordinated terms of one finding are one mention", "recommend epidural injections with evidence of radicular pain and radiculopathy",
			[]short{{"radicular_pain", "positive", "", "", d}}},
		{"a negation does not reach a new clause after ', and'", "there was no provided objective improvement with prior therapy, and radiculopathy was already clinically obvious",
			[]short{{"radicular_pain", "positive", "", "", d}}},
		{"a negation reaches the last item of a list after ', and'", "He has no weakness, numbness, and radiculopathy.",
			[]short{{"weakness", "negative", "", "", d}, {"numbness", "negative", "", "", d}, {"radicular_pain", "negative", "", "", d}}},
		{"a plural limb does not reach a new clause after 'and'", "full motion of all joints of bilateral lower extremities and sensation is intact",
			[]short{{"decreased_rom", "negative", "", "", d}, {"sensory_deficit", "negative", "", "", d}}},
		{"a plural limb reaches a list item after 'and'", "strength 5 of 5 in the bilateral lower extremities and normal sensation",
			[]short{{"sensory_deficit", "negative", "bilateral", "", d}}},
		{"two tests of one code are two mentions", "positive Lasegue's, and single straight leg raise",
			[]short{{"straight_leg_raise", "positive", "", "", d}, {"straight_leg_raise", "positive", "", "", d}}},
		{"one finding on two sides is two mentions", "left radiculopathy and right radiculopathy",
			[]short{{"radicular_pain", "positive", "left", "", d}, {"radicular_pain", "positive", "right", "", d}}},
		{"sites of a list share the sign", "tenderness to palpation noted over the lumbar paraspinal muscles and in the bilateral sacroiliac joints",
			[]short{{"paraspinal_tenderness", "positive", "", "", d}, {"si_tenderness", "positive", "bilateral", "", d}}},
		{"no list across another finding", "axial low back pain without radicular findings, facet tenderness",
			[]short{{"radicular_pain", "negative", "", "", d}}},
		{"side of a neighbouring part", "right knee with pain, numbness, and tingling to the left upper extremity",
			[]short{{"numbness", "positive", "left", "", d}}},
		{"side of a part after a comma", "a 4+/5 motor strength on the left lower extremity, decreased sensation in the L5-S1 distribution",
			[]short{{"sensory_deficit", "positive", "", "", d}}},
		{"side of a part where the finding is", "diminished sensation in the right L4 and L5 dermatomes of the lower extremities",
			[]short{{"sensory_deficit", "positive", "right", "", d}}},
		{"side ending a phrase", "cervical rotation limited to 45° on the left and 60° on the right, a positive Spurling's test on the left",
			[]short{{"spurling", "positive", "left", "", d}}},
		{"clause-initial side", "On the right, FABER and Gaenslen's are positive",
			[]short{{"faber", "positive", "right", "", d}, {"gaenslen", "positive", "right", "", d}}},
		{"leading status pairs with the first side", "a positive straight leg raise on the left at 45 degrees and negative on the right",
			[]short{{"straight_leg_raise", "positive", "left", "", d}, {"straight_leg_raise", "negative", "right", "", d}}},
		{"cue binds to the nearer term", "Tenderness over the right sacroiliac joint with positive FABER on the right",
			[]short{{"si_tenderness", "positive", "right", "", d}, {"faber", "positive", "right", "", d}}},
		{"EMG result is no finding", "Electromyographic indicators of acute cervical radiculopathy were not seen", nil},
		{"a sided part locates the finding before it and the radiation after it", "numbness in the left anterior thigh that occasionally radiated to the left medial knee",
			[]short{{"numbness", "positive", "left", "", d}, {"radicular_pain", "positive", "left", "", d}}},
		{"a side after 'the front of'", "numbness in the front of the left thigh that went into the inner knee",
			[]short{{"numbness", "positive", "left", "", d}, {"radicular_pain", "positive", "left", "", d}}},
		{"a limb that is a radiation's sign also locates the finding after it", "The pain radiated into the hands and fingers with numbness",
			[]short{{"radicular_pain", "positive", "bilateral", "", d}, {"numbness", "positive", "bilateral", "", d}}},
		{"a part's adjectives before the finding", "right wrist increasing pain with numbness into the thumb",
			[]short{{"numbness", "positive", "right", "", d}}},
		{"a part list does not reach a finding its last part names", "sprain of the bilateral knees and lower extremity radicular pain syndrome",
			[]short{{"radicular_pain", "positive", "", "", d}}},
		{"a negation before a possible cue denies the phrase", "There are no findings consistent with radiculopathy",
			[]short{{"radicular_pain", "negative", "", "", d}}},
		{"a possible cue before a negation stays possible", "findings suggestive of radiculopathy are not present",
			[]short{{"radicular_pain", "negative", "", "", Possible}}},
		{"a composite's negative sign wins over a positive cue before it", "foot exam revealed ecchymosis to dorsum of foot from the ankle, pulses and sensation are good",
			[]short{{"sensory_deficit", "negative", "", "", d}}},
		{"a composite's negative sign wins over a positive cue after it", "pulses and sensation are good, right foot pain is increased on dorsiflexion",
			[]short{{"sensory_deficit", "negative", "", "", d}}},
		{"a composite's positive sign after a revealing cue", "exam revealed decreased sensation in the left foot",
			[]short{{"sensory_deficit", "positive", "left", "", d}}},
		{"same-code symptoms in a comma list are one mention", "She denied any numbness, tingling or weakness",
			[]short{{"numbness", "negative", "", "", d}, {"weakness", "negative", "", "", d}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := shorts(tagLine(tg, tt.text))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("%q (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestAssess checks the Context API the relief stage uses.
func TestAssess(t *testing.T) {
	testTagger(t)
	tests := []struct {
		text, term string
		want       Assessment
	}{
		{"The injection did not provide any relief", "relief", Assessment{Status: Negative, Certainty: Definite, Experiencer: Patient}},
		{"If the blocks provide at least 80% relief, repeat", "80% relief", Assessment{Certainty: Hypothetical, Experiencer: Patient}},
		{"His mother has ankylosing spondylitis", "ankylosing spondylitis", Assessment{Certainty: Definite, Experiencer: Family}},
		{"Previously 70% relief after the block", "70% relief", Assessment{Certainty: Definite, Experiencer: Patient, Historical: true}},
		{"possible 50% relief on the left", "50% relief", Assessment{Certainty: Possible, Experiencer: Patient, Laterality: Left}},
	}
	for _, tt := range tests {
		t.Run(tt.text, func(t *testing.T) {
			i := strings.Index(tt.text, tt.term)
			got := tagCtx.Assess(tt.text, 0, len(tt.text), i, i+len(tt.term))
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
	// Out-of-range offsets are clipped, not a panic.
	_ = tagCtx.Assess("no FABER", -5, 100, 50, 2)
}

// TestAssessPooled compares Assess, which borrows the tagger's pooled
// buffers, with an assessment made with buffers of its own, on the words
// of every sentence of the fixture letters, with Tag calls in between
// (they share the pool).
func TestAssessPooled(t *testing.T) {
	tg := testTagger(t)
	sp, err := extract.NewSplitter()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob("../fixtures/letters/*.txt")
	if len(files) == 0 {
		t.Skip("no fixture letters")
	}
	fresh := func(text string, s extract.Sentence, a, b int) Assessment {
		var sc scan
		sc.reset(tagCtx, text, s.Start, s.End, tagCtx.hits(text, s.Start, s.End, new(tagScratch)))
		ts := []target{{start: a, end: b, anchorStart: a, anchorEnd: b}}
		sc.assess(ts)
		return ts[0].a
	}
	n := 0
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		text := string(data)
		sents := sp.Split(text)
		for k, s := range sents {
			if k%7 == 0 {
				tg.Tag(text, sents[k:min(k+3, len(sents))])
			}
			// Every word of the sentence, and its first three words.
			for a := s.Start; a < s.End; a++ {
				if a > s.Start && isWordByte(text[a-1]) || !isWordByte(text[a]) {
					continue
				}
				b := a
				for b < s.End && isWordByte(text[b]) {
					b++
				}
				for _, end := range []int{b, min(s.End, b+20)} {
					want := fresh(text, s, a, end)
					if got := tagCtx.Assess(text, s.Start, s.End, a, end); got != want {
						t.Fatalf("%s: Assess of %q in %q = %+v, want %+v", f, text[a:end], text[s.Start:s.End], got, want)
					}
					n++
				}
			}
		}
	}
	if n < 1000 {
		t.Fatalf("only %d assessments compared", n)
	}
}

// TestLoadContextErrors: bad rule files are errors naming file:line.
func TestLoadContextErrors(t *testing.T) {
	good, err := os.ReadFile("data/laterality.yaml")
	if err != nil {
		t.Fatal(err)
	}
	goodCtx, err := os.ReadFile("data/context.yaml")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct{ name, ctx, lat, want string }{
		{"unknown kind", "cues:\n  - kind: maybe\n    direction: forward\n    scope: 3\n    terms: [x]\n", string(good), "context.yaml:2: unknown cue kind"},
		{"bad direction", "cues:\n  - kind: negated\n    direction: up\n    scope: 3\n    terms: [x]\n", string(good), "context.yaml:2: cue direction"},
		{"unknown key", "cues:\n  - kind: negated\n    direction: forward\n    scope: 3\n    terms: [x]\n    colour: red\n", string(good), "context.yaml:6: unknown field colour"},
		{"duplicate term", "cues:\n  - kind: negated\n    direction: forward\n    scope: 3\n    terms: [no]\n  - kind: positive\n    direction: forward\n    scope: 3\n    terms: [x, No]\n", string(good), "context.yaml:9: term \"No\""},
		{"bad side", string(goodCtx), "sides:\n  - value: up\n    terms: [up]\n", "laterality.yaml:2: side \"up\""},
		{"bad detail", string(goodCtx), "sides:\n  - value: left\n    terms: [left]\ndetails:\n  - value: left>left\n    terms: [x > y]\n", "laterality.yaml:5: side detail"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fsys := fstest.MapFS{"context.yaml": {Data: []byte(tt.ctx)}, "laterality.yaml": {Data: []byte(tt.lat)}}
			_, err := LoadContext(fsys)
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// TestFindingRulesErrors: bad finding rules are errors naming file:line.
func TestFindingRulesErrors(t *testing.T) {
	tests := []struct{ name, yaml, want string }{
		{"unknown site", "concepts:\n  - code: x\n    label: X\n    category: finding\n    synonyms: [x]\n    sites: [nowhere]\n    signs: {positive: [tender]}\n", "f.yaml:2: concept x: site \"nowhere\""},
		{"sites without signs", "concepts:\n  - code: s\n    label: S\n    category: site\n    synonyms: [s]\n  - code: x\n    label: X\n    category: finding\n    synonyms: [x]\n    sites: [s]\n", "f.yaml:6: concept x: sites and signs go together"},
		{"bad status", "concepts:\n  - code: x\n    label: X\n    category: finding\n    synonyms: [x]\n    status: maybe\n", "f.yaml:2: concept x: status"},
		{"signs on a procedure", "concepts:\n  - code: x\n    label: X\n    category: procedure\n    synonyms: [x]\n    status: positive\n", "f.yaml:2: concept x: sites, signs"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Load(fstest.MapFS{"f.yaml": {Data: []byte(tt.yaml)}})
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
}

// A tag case is a txtar file of testdata/tag: "-- text --" then "-- want
// --", one mention per line: start:end code status side certainty, then
// "family" and "historical" when so, then the term (an empty value is "-").
func TestTagCases(t *testing.T) {
	tg := testTagger(t)
	sp, err := extract.NewSplitter()
	if err != nil {
		t.Fatal(err)
	}
	files, _ := filepath.Glob(filepath.Join("testdata", "tag", "*.txtar"))
	if len(files) < 3 {
		t.Fatalf("only %d testdata/tag/*.txtar cases", len(files))
	}
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			data, err := os.ReadFile(f)
			if err != nil {
				t.Fatal(err)
			}
			comment, secs := parseTxtar(string(data))
			text, ok := secs["text"]
			if !ok {
				t.Fatal("no -- text -- section")
			}
			var b strings.Builder
			for _, m := range tg.Tag(text, sp.Split(text)) {
				flags := ""
				if m.Experiencer != Patient {
					flags += " " + m.Experiencer
				}
				if m.Historical {
					flags += " historical"
				}
				fmt.Fprintf(&b, "%d:%d %s %s %s %s%s %q\n", m.Start, m.End, m.Code, dash(m.Status), dash(m.Laterality+detailOf(m)), m.Certainty, flags, text[m.Start:m.End])
			}
			got := b.String()
			if *update {
				out := comment + "-- text --\n" + text + "-- want --\n" + got
				if err := os.WriteFile(f, []byte(out), 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			if diff := cmp.Diff(secs["want"], got); diff != "" {
				t.Errorf("(-want +got):\n%s", diff)
			}
		})
	}
}

func detailOf(m Mention) string {
	if m.SideDetail == "" {
		return ""
	}
	return "(" + m.SideDetail + ")"
}

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// parseTxtar splits a txtar archive into its comment and sections.
func parseTxtar(s string) (string, map[string]string) {
	secs := map[string]string{}
	var comment bytes.Buffer
	name := ""
	var cur *strings.Builder
	flush := func() {
		if cur != nil {
			secs[name] = cur.String()
		}
	}
	for _, line := range strings.SplitAfter(s, "\n") {
		l := strings.TrimRight(line, "\n")
		if strings.HasPrefix(l, "-- ") && strings.HasSuffix(l, " --") && len(l) > 6 {
			flush()
			name, cur = strings.TrimSpace(l[3:len(l)-3]), &strings.Builder{}
			continue
		}
		if cur == nil {
			comment.WriteString(line)
		} else {
			cur.WriteString(line)
		}
	}
	flush()
	return comment.String(), secs
}

// TestFollowUp: a sentence of only a status and a side speaks of the sided
// findings of the sentence before.
func TestFollowUp(t *testing.T) {
	tg := testTagger(t)
	sp, err := extract.NewSplitter()
	if err != nil {
		t.Fatal(err)
	}
	const d = Definite
	tests := []struct {
		text string
		want []short
	}{
		{"Positive FABER, Gaenslen's and thigh thrust on the right. Negative on the left.",
			[]short{{"faber", "positive", "right", "", d}, {"gaenslen", "positive", "right", "", d}, {"thigh_thrust", "positive", "right", "", d},
				{"faber", "negative", "left", "", d}, {"gaenslen", "negative", "left", "", d}, {"thigh_thrust", "negative", "left", "", d}}},
		{"Positive FABER on the right. Negative SI compression. Negative on the left.",
			[]short{{"faber", "positive", "right", "", d}, {"compression", "negative", "", "", d}}},
		{"Positive FABER. Negative on the left.", []short{{"faber", "positive", "", "", d}}},
		{"Positive FABER on the right. The MRI was negative on the left side of the image.", []short{{"faber", "positive", "right", "", d}}},
	}
	for _, tt := range tests {
		got := shorts(tg.Tag(tt.text, sp.Split(tt.text)))
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.text, diff)
		}
	}
}

// FuzzTag: no panic, offsets in bounds, sorted, deterministic.
func FuzzTag(f *testing.F) {
	for _, s := range []string{
		"positive FABER, Gaenslen's and thigh thrust on the left",
		"FABER test positive on the left, negative on the right",
		"Bilateral S1 joint tenderness, right> left. L5-S1 R>L",
		"No tenderness over the SI joints or greater trochanter; (-) SLR",
		"Sensation was decreased at the L5 distribution. Light touch is normal",
		"\xff\xfe FABER (+) L 5 \x00",
		"",
	} {
		f.Add(s)
	}
	tg := testTagger(f)
	sp, err := extract.NewSplitter()
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		sents := sp.Split(text)
		a := tg.Tag(text, sents)
		b := tg.Tag(text, sents)
		if !cmp.Equal(a, b) {
			t.Fatal("not deterministic")
		}
		for i, m := range a {
			if m.Start < 0 || m.Start > m.End || m.End > len(text) ||
				m.EvidenceStart < 0 || m.EvidenceStart > m.EvidenceEnd || m.EvidenceEnd > len(text) {
				t.Fatalf("offsets out of bounds: %+v (len %d)", m, len(text))
			}
			if i > 0 && (a[i-1].Start > m.Start || a[i-1].Start == m.Start && a[i-1].Code > m.Code) {
				t.Fatalf("not sorted at %d", i)
			}
		}
		// Arbitrary sentences (overlapping, out of range) must not panic.
		_ = tg.Tag(text, []extract.Sentence{{Start: -3, End: len(text) + 5}, {Start: 2, End: 1}})
	})
}

// BenchmarkTag tags the IRO seed (15 KB).
func BenchmarkTag(b *testing.B) {
	data, err := os.ReadFile("../fixtures/letters/iro_si_injection_upheld.txt")
	if err != nil {
		b.Skip("seed letter absent:", err)
	}
	text := string(data)
	sp, err := extract.NewSplitter()
	if err != nil {
		b.Fatal(err)
	}
	sents := sp.Split(text)
	tg := testTagger(b)
	b.SetBytes(int64(len(text)))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		tg.Tag(text, sents)
	}
}
