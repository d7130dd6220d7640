package pipeline

import (
	"context"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// scoreView is what the score tables compare: "site value[-max] qualifier".
func scoreView(s Score) string {
	v := ftoa(s.Value)
	if s.ValueMax != nil {
		v += "-" + ftoa(*s.ValueMax)
	}
	out := s.Site + " " + v + " " + s.Qualifier
	if s.InGuideline {
		out += " rule"
	}
	return strings.TrimSpace(out)
}

func TestPainScores(t *testing.T) {
	tests := []struct {
		name, text string
		want       []string
	}{
		{"slash", "The patient complained of pain rated 8/10.", []string{"8"}},
		{"out of", "She rated her pain 6 out of 10.", []string{"6"}},
		{"out of across lines", "The left shoulder pain was rated 5 out of\n10.", []string{"shoulder 5"}},
		{"sites", "The injured worker complained of constant back pain rated 8/10, constant leg pain rated 7/10.",
			[]string{"back 8", "leg 7"}},
		{"worst and best", "He rates his pain 6 out of 10 at its worst and 3-4 at its best.",
			[]string{"6 worst", "3-4 best"}},
		{"vas range", "Pain was rated VAS 5-9/10.", []string{"5-9"}},
		{"medication", "The patient reports pain 3/10 with meds, 8/10 without.",
			[]string{"3 with_medication", "8 without_medication"}},
		{"medication before", "The patient rated the pain with medication 5/10 and without medication 8/10.",
			[]string{"5 with_medication", "8 without_medication"}},
		{"level", "Her pain level of 7 was unchanged.", []string{"7"}},
		{"rated without a scale", "The patient complained of right hip, low back, and head pain rated at a 7.", []string{"7"}},
		{"rated on a written scale", "She complained of pain in the lumbar spine rated 1 on a 10-point scale.", []string{"back 1"}},
		{"rated on a scale of 0 to 10", "He has stabbing pain in the right knee that he rated 7 on a scale of 0 to 10.", []string{"knee 7"}},
		{"rated on a 0-10 scale", "The pain in her neck is rated 6 on a 0-10 pain scale.", []string{"neck 6"}},
		{"rated far from pain without a scale is no score", "The pain in the lumbar spine was evaluated and rated 1 in severity by the therapist.", nil},
		{"rated with a scale is one score", "Back pain rated 7/10.", []string{"back 7"}},
		{"rated without pain is no score", "The disability was rated at 7 in 2015.", nil},
		{"site after", "The PR2 indicated 7 out of 10 right elbow pain.", []string{"elbow 7"}},
		{"site to", "Pain was rated a 6 out of 10 to the neck and 4 out of 10 to the left index finger.",
			[]string{"neck 6", "finger 4"}},
		{"site after a description", "The patient reported 8 out of 10 pain that is sharp and stabbing in the upper back.", []string{"back 8"}},
		{"site after and", "Pain score is 8/10 and constant in the left shoulder.", []string{"shoulder 8"}},
		{"list of sites", "He complains of cervical pain, thoracic pain and right wrist pain rated at 5 out of 10 on the pain scale.", []string{"5"}},
		{"list of sites then a named one", "He complains of pain in the left thumb, shoulder and arm, rated 8 out of 10 back pain.", []string{"back 8"}},
		{"no site after a verb phrase", "Pain is 8/10 and is scheduled for surgery to the knee.", []string{"8"}},
		{"before after", "Chiropractic therapy had decreased his pain from 8 out of 10 to 5 out of 10.",
			[]string{"8 before", "5 after"}},
		{"pre post", "Pre-procedure pain 8/10, post-procedure pain 1/10.", []string{"8 before", "1 after"}},
		{"range of ranges", "Pain ranging from 6-8 out of 10.", []string{"6-8"}},
		{"range of two scores", "Pain was rated 3/10 to 6/10 during the day.", []string{"3-6"}},
		{"range typed the", "Pain throughout was rated 6/10 the 8/10 on VAS.", []string{"6-8"}},
		{"change is no range", "Her pain went from 3/10 to 6/10.", []string{"3 before", "6 after"}},
		{"falling is no range", "Pain 8/10 to 5/10 after the block.", []string{"8", "5 after"}},
		{"upper back", "She reported upper back pain rated 4/10.", []string{"back 4"}},
		{"thoracic", "Thoracic spine pain was 5/10.", []string{"back 5"}},
		{"forearm", "Pain was located in the forearm at 9/10.", []string{"forearm 9"}},
		{"arm", "Pain was located in the left arm at 7/10.", []string{"arm 7"}},
		// Not pain scores.
		{"date", "Per progress report dated 10/16/14, she was seen again on 01/10/2017.", nil},
		{"date with pain", "Her pain was worse on 3/10/2016.", nil},
		{"dose", "She takes Norco 10/325mg and 7.5/325 twice a day for pain.", nil},
		{"strength", "Strength 4/5 in the left EHL.", nil},
		{"level L5/S1", "Pain at L5/S1 and L4/5.", nil},
		{"proportion", "Studies show 6 or 7 out of 10 patients have effective pain control vs. 4 out of 10 with placebo.", nil},
		{"no pain word", "He completed 8/10 of the assigned exercises.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := extractText(t, tt.text)
			var got []string
			for _, s := range c.PainScores {
				got = append(got, scoreView(s))
				if s.Scale != 10 || c.Text[s.Start:s.End] != s.Text {
					t.Errorf("bad score %+v", s)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("scores of %q (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func TestStrength(t *testing.T) {
	g := func(grade string, v float64, muscle, side string) Strength {
		return Strength{Grade: grade, Value: v, Muscle: muscle, Laterality: side}
	}
	tests := []struct {
		name, text string
		want       []Strength
	}{
		{"plain", "Muscle strength 4/5.", []Strength{g("4/5", 4, "", "")}},
		{"plus", "She had decreased wrist strength graded at 4+/5.", []Strength{g("4+/5", 4.5, "wrist", "")}},
		{"minus", "Hand strength graded at 5-/5 and quadriceps 4-/5.",
			[]Strength{g("5-/5", 4.75, "hand", ""), g("4-/5", 3.75, "quadriceps", "")}},
		{"throughout", "Motor strength is 5/5 throughout.", []Strength{g("5/5", 5, "", "")}},
		{"rest of the region", "The left hip motor strength was 4 out of 5 in the hip abductors and adductors, otherwise 5 out of 5.",
			[]Strength{g("4 out of 5", 4, "hip abductors", "left"), g("4 out of 5", 4, "hip adductors", "left"), g("5 out of 5", 5, "hip", "left")}},
		{"no region to carry", "Strength was 4/5 in the left EHL, otherwise 5/5.",
			[]Strength{g("4/5", 4, "ehl", "left"), g("5/5", 5, "", "left")}},
		{"two muscles", "Per physical exam, strength in the legs was normal except on the left extensor hallucis and tibialis anterior were 4/5.",
			[]Strength{g("4/5", 4, "extensor hallucis", "left"), g("4/5", 4, "tibialis anterior", "left")}},
		{"muscle after", "Muscle strength is 5/5 to bilateral lower extremities.",
			[]Strength{g("5/5", 5, "lower extremities", "bilateral")}},
		{"sides", "A 4+/5 left lower extremity and a 5/5 right lower extremity muscle strength.",
			[]Strength{g("4+/5", 4.5, "lower extremity", "left"), g("5/5", 5, "lower extremity", "right")}},
		{"inherited", "EHL strength 4/5 on the right, 5/5 on the left.",
			[]Strength{g("4/5", 4, "ehl", "right"), g("5/5", 5, "ehl", "left")}},
		{"pair", "Motor strength was 5/5 bilaterally in the upper and lower extremities.",
			[]Strength{g("5/5", 5, "upper extremities", "bilateral"), g("5/5", 5, "lower extremities", "bilateral")}},
		{"out of 5", "The left hip motor strength was 4 out of 5 in the hip abductors and adductors.",
			[]Strength{g("4 out of 5", 4, "hip abductors", "left"), g("4 out of 5", 4, "hip adductors", "left")}},
		{"of 5 as written", "Grip strength notes 5\nof 5.", []Strength{g("5 of 5", 5, "grip", "")}},
		{"of 5 plural limbs", "He had strength 5 of 5 in the upper extremities.",
			[]Strength{g("5 of 5", 5, "upper extremities", "bilateral")}},
		{"plural limbs", "There was 5/5 motor strength in the upper extremities.",
			[]Strength{g("5/5", 5, "upper extremities", "bilateral")}},
		{"plural limbs before", "Strength in both legs was 5/5.", []Strength{g("5/5", 5, "legs", "bilateral")}},
		{"one limb has no side", "Strength 4/5 in the lower extremity.", []Strength{g("4/5", 4, "lower extremity", "")}},
		{"plural limbs with a side", "Strength 4/5 in the left lower extremities.", []Strength{g("4/5", 4, "lower extremities", "left")}},
		// Not strength grades.
		{"level", "Disc bulge at L4/5 with stenosis.", nil},
		{"date", "Strength was tested on 3/5/2016.", nil},
		{"sessions", "He completed 4/5 sessions of physical therapy.", nil},
		{"no context", "Approved 2/5 of the requested items.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := extractText(t, tt.text)
			for _, s := range c.Strength {
				if c.Text[s.Start:s.End] != s.Text {
					t.Errorf("span %d:%d is not its text", s.Start, s.End)
				}
			}
			if diff := cmp.Diff(tt.want, strengthViews(c.Strength)); diff != "" {
				t.Errorf("strength of %q (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func FuzzScores(f *testing.F) {
	fuzzSeeds(f)
	p := stagePipeline(f)
	f.Fuzz(func(t *testing.T, text string) {
		c := runStages(p, text)
		checkItems(t, c)
		for _, s := range c.PainScores {
			if s.Value < 0 || s.Value > 10 || s.ValueMax != nil && *s.ValueMax <= s.Value {
				t.Fatalf("bad score %+v", s)
			}
		}
		for _, g := range c.Strength {
			if g.Value < 0 || g.Value > 5.5 {
				t.Fatalf("bad grade %+v", g)
			}
		}
		again := runStages(p, text)
		if diff := cmp.Diff(c.PainScores, again.PainScores); diff != "" {
			t.Fatalf("scores not deterministic:\n%s", diff)
		}
		if diff := cmp.Diff(c.Strength, again.Strength); diff != "" {
			t.Fatalf("strength not deterministic:\n%s", diff)
		}
	})
}

func TestScoreRuleFileErrors(t *testing.T) {
	checkRuleEdits(t, "scores.yaml", func(fsys fs.FS) error { _, err := newScoreRules(fsys); return err }, []ruleEdit{
		{"unknown key", "site_near: 30", "site_near: 30\ncolour: red", "unknown field colour"},
		{"bad regexp", "grade: '(?P<g>", "grade: '(?P<g>(", "bad regexp"},
		{"missing group", "grade: '(?P<g>", "grade: '(?P<h>", "lacks group"},
		{"bad qualifier", "  - value: average", "  - value: typical", "qualifier"},
		{"bad side", "  lt: left", "  lt: port", "side_words"},
		{"no placeholder", "{site}\\s+(?:pain", "back\\s+(?:pain", "must contain {site}"},
		{"duplicate term", "    terms: [knee, knees]", "    terms: [knee, knee]", "already a term"},
	})
}

// TestCorpusScores runs the 94 corpus letters through the score stage and
// checks that no score or grade comes from a date, a dose or a level.
func TestCorpusScores(t *testing.T) {
	names, cases := corpusRecords(t)
	scores, grades := 0, 0
	for i, c := range cases {
		checkItems(t, c)
		for _, s := range c.PainScores {
			scores++
			// The value's own text: never inside a date or a dose.
			if strings.Contains(s.Text, "mg") && !strings.Contains(s.Text, "pain") {
				t.Errorf("%s: score from a dose? %q", names[i], s.Text)
			}
		}
		for _, g := range c.Strength {
			grades++
			if !strings.Contains(g.Text, g.Grade[:1]) {
				t.Errorf("%s: grade %s not in %q", names[i], g.Grade, g.Text)
			}
		}
	}
	t.Logf("%d pain scores, %d strength grades in %d letters", scores, grades, len(cases))
	if scores < 50 || grades < 15 {
		t.Errorf("only %d pain scores and %d grades: the finders broke", scores, grades)
	}
}

func BenchmarkScores(b *testing.B) {
	p := stagePipeline(b)
	data, err := os.ReadFile(filepath.Join(lettersDir, "iro_si_injection_upheld.txt"))
	if err != nil {
		b.Fatal(err)
	}
	c, err := p.ExtractBytes(context.Background(), "seed.txt", data)
	if err != nil {
		b.Fatal(err)
	}
	d := stageDoc(p, c)
	b.SetBytes(int64(len(c.Text)))
	for b.Loop() {
		c.PainScores, c.Strength = c.PainScores[:0], c.Strength[:0]
		p.scores.apply(d)
	}
}

// TestTermAfter checks the muscle matchers on a text that must match and
// one that must not, and that they take the fast way (not the regexp).
func TestTermAfter(t *testing.T) {
	r := stagePipeline(t).scores
	for _, m := range []*termAfter{r.muscleNext, r.muscleMore} {
		if m.prefix == nil {
			t.Fatalf("%s: runs the regexp, not the term lookup", m.full)
		}
	}
	got := r.muscleNext.FindStringSubmatchIndex(" in the Left  hip\tflexors and quads")
	if got == nil {
		t.Fatal("no muscle in \" in the Left  hip\\tflexors and quads\"")
	}
	s := " in the Left  hip\tflexors and quads"
	k, side := r.muscleNext.SubexpIndex("t"), r.muscleNext.SubexpIndex("side")
	if s[got[2*k]:got[2*k+1]] != "hip\tflexors" || s[got[2*side]:got[2*side+1]] != "Left" {
		t.Errorf("muscle_after on %q: %v", s, got)
	}
	for _, s := range []string{" in the hips", " in the left", " hipflexors", ", otherwise normal"} {
		if m := r.muscleNext.FindStringSubmatchIndex(s); m != nil {
			t.Errorf("muscle_after matched %q: %v", s, m)
		}
	}
}

// TestTermAfterRegexp compares the muscle matchers with their regexps on
// random phrases of the words they read (ambiguous ones included: "left
// left", "both", muscles that begin with another one) and on the text after
// every digit of the fixture letters.
func TestTermAfterRegexp(t *testing.T) {
	r := stagePipeline(t).scores
	matchers := map[string]*termAfter{"muscle_after": r.muscleNext, "muscle_more": r.muscleMore}
	tried, matched := 0, 0
	check := func(s string) {
		t.Helper()
		for name, m := range matchers {
			want := m.full.FindStringSubmatchIndex(s)
			tried++
			if want != nil {
				matched++
			}
			if got := m.FindStringSubmatchIndex(s); !slices.Equal(got, want) {
				t.Fatalf("%s on %q: got %v, want %v", name, s, got, want)
			}
		}
	}
	words := []string{"left", "Right", "bilateral", "bilaterally", "both", "lt", "RT", "muscle", "motor", "strength",
		"power", "function", "was", "is", "were", "noted", "present", "intact", "in", "to", "of", "at", "for", "on",
		"throughout", "with", "the", "all", "and", "or", "hip", "flexors", "hip flexors", "Hip Flexor", "EHL",
		"extensor hallucis", "extensor hallucis longus", "upper and lower extremities", "lower", "extremity",
		"quads", "quadriceps", "leg", "legs", "hand grip", "grip", "toe", "toes", "great toe extensor", ",", "/", ".",
		"5/5", "normal", "hips", "le", "LEs", "arm", "ſ", "K"}
	seps := []string{" ", " ", " ", "  ", "\t", "\n", "", ", ", "/", "\v"}
	rng := rand.New(rand.NewPCG(1, 2))
	for range 20000 {
		var b strings.Builder
		for range 1 + rng.IntN(7) {
			b.WriteString(seps[rng.IntN(len(seps))])
			b.WriteString(words[rng.IntN(len(words))])
		}
		if rng.IntN(3) == 0 {
			b.WriteString(seps[rng.IntN(len(seps))])
		}
		check(b.String())
	}
	_, raw := rawFixtureTexts(t)
	for _, text := range raw {
		for i := 1; i < len(text); i++ {
			if asciiDigit(text[i-1]) && !asciiDigit(text[i]) {
				check(text[i:min(len(text), i+60)])
			}
		}
	}
	t.Logf("%d of %d matched", matched, tried)
	if matched < tried/20 {
		t.Errorf("only %d of %d matched: the phrases test little", matched, tried)
	}
}

// FuzzTermAfter compares the muscle matchers with their regexps.
func FuzzTermAfter(f *testing.F) {
	for _, s := range []string{" in the left hip flexors", " left left EHL", ", and the quads", " bilateral both legs", "/ toe extensors"} {
		f.Add(s)
	}
	r := stagePipeline(f).scores
	f.Fuzz(func(t *testing.T, s string) {
		for _, m := range []*termAfter{r.muscleNext, r.muscleMore} {
			want := m.full.FindStringSubmatchIndex(s)
			if got := m.FindStringSubmatchIndex(s); !slices.Equal(got, want) {
				t.Fatalf("%s on %q: got %v, want %v", m.full, s, got, want)
			}
		}
	})
}

// TestAtStart compares atStart with FindStringIndex for the out-of
// patterns and an unanchored one, on the texts after "of" in the fixture
// letters and on made-up ones.
func TestAtStart(t *testing.T) {
	r := stagePipeline(t).scores
	un := rx{Regexp: regexp.MustCompile(`of\s+10\b`)}
	finders := []atStart{r.outOf10, r.outOf5, newAtStart(&un)}
	if !r.outOf10.begins || !r.outOf5.begins || finders[2].begins {
		t.Fatalf("begins: %v %v %v, want true true false", r.outOf10.begins, r.outOf5.begins, finders[2].begins)
	}
	if loc := r.outOf10.find("of 10 pain"); !slices.Equal(loc, []int{0, 5}) {
		t.Errorf(`"of 10 pain": got %v, want [0 5]`, loc)
	}
	if loc := r.outOf10.find("of 100"); loc != nil {
		t.Errorf(`"of 100": got %v, want no match`, loc)
	}
	texts := []string{"of 10", "Of  5", "of\n10/", "of 5.", "of 50", "of the 10", "of 1O", "of ſ10", "of 10 of 10", "x of 10"}
	_, raw := rawFixtureTexts(t)
	for _, text := range raw {
		for i := strings.Index(text, "of"); i >= 0; {
			texts = append(texts, text[i:min(len(text), i+12)])
			k := strings.Index(text[i+1:], "of")
			if k < 0 {
				break
			}
			i += 1 + k
		}
	}
	matched := 0
	for _, s := range texts {
		for _, f := range finders {
			want := f.re.FindStringIndex(s)
			if got := f.find(s); !slices.Equal(got, want) {
				t.Fatalf("%s on %q: got %v, want %v", f.re, s, got, want)
			}
			if want != nil {
				matched++
			}
		}
	}
	if matched < 10 {
		t.Errorf("only %d matches in %d texts", matched, len(texts))
	}
}
