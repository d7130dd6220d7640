package pipeline

import (
	"context"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/precedent-dev/precedent/internal/testenv"
)

var (
	stagePipelineOnce sync.Once
	stagePipelineP    *Pipeline
	stagePipelineErr  error
)

// stagePipeline is one pipeline shared by the relief and score tests (it
// only reads text, no PDF).
func stagePipeline(t testing.TB) *Pipeline {
	t.Helper()
	stagePipelineOnce.Do(func() { stagePipelineP, stagePipelineErr = New(Options{}) })
	if stagePipelineErr != nil {
		t.Fatal(stagePipelineErr)
	}
	return stagePipelineP
}

// extractText builds the case record of a letter text.
func extractText(t testing.TB, text string) *Case {
	t.Helper()
	c, err := stagePipeline(t).ExtractBytes(context.Background(), "t.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// stageDoc builds the shared document the stages after the letter fields
// see, for text alone (no zones, no encounters): what fuzzing and the
// benchmarks feed the stages.
func stageDoc(p *Pipeline, c *Case) *caseDoc {
	d := &caseDoc{c: c, sents: p.splitter.Split(c.Text)}
	d.guide = p.ruleText.ranges(d)
	return d
}

// reliefView is what the relief tables compare.
type reliefView struct {
	Percent     float64 // -1: null
	Max         float64 // -1: null
	Comparator  string
	Qualitative string
	Duration    string // "6 week" or ""
	Procedure   string
	Certainty   string
	InGuideline bool
	Before      float64 // -1: null
	After       float64 // -1: null
}

func viewRelief(r Relief) reliefView {
	f := func(p *float64) float64 {
		if p == nil {
			return -1
		}
		return *p
	}
	v := reliefView{Percent: f(r.Percent), Max: f(r.PercentMax), Comparator: r.Comparator, Qualitative: r.Qualitative,
		Procedure: r.Procedure, Certainty: r.Certainty, InGuideline: r.InGuideline, Before: f(r.Before), After: f(r.After)}
	if r.Duration != nil {
		v.Duration = ftoa(r.Duration.Value) + " " + r.Duration.Unit
	}
	return v
}

func ftoa(f float64) string { return strconv.FormatFloat(f, 'f', -1, 64) }

// rv is a definite, patient (not rule) relief view with null numbers.
func rv(mod func(*reliefView)) reliefView {
	v := reliefView{Percent: -1, Max: -1, Before: -1, After: -1, Certainty: "definite"}
	mod(&v)
	return v
}

func TestReliefPatterns(t *testing.T) {
	tests := []struct {
		name, text string
		want       []reliefView
	}{
		// Percents.
		{"percent", "The patient reported 85% relief after the facet injection.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Procedure = 85, "facet_injection" })}},
		{"range", "She had 50-60% pain relief from the epidural steroid injection.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Max, v.Procedure = 50, 60, "epidural_steroid_injection" })}},
		{"greater than", "The medial branch block gave greater than 80% relief.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Comparator, v.Procedure = 80, ">", "medial_branch_block" })}},
		{"at least greater", "He reported at least > 70% pain relief after the SI joint injection.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Comparator, v.Procedure = 70, ">", "si_joint_injection" })}},
		{"spelled", "The patient noted seventy-five percent relief with the medial branch block.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Procedure = 75, "medial_branch_block" })}},
		{"improvement", "The patient reported 70% improvement in pain following physical therapy.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Procedure = 70, "physical_therapy" })}},
		{"half", "Her pain was reduced by half after the trigger point injection.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Procedure = 50, "injection_other" })}},
		{"cue before", "The patient reported the pain was improved 30% with acupuncture.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Procedure = 30, "acupuncture" })}},
		{"list", "Two medial branch blocks with 90% and 85% relief were documented.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Procedure = 90, "medial_branch_block" }),
				rv(func(v *reliefView) { v.Percent, v.Procedure = 85, "medial_branch_block" })}},
		// Qualitative.
		{"none", "f/u L5/S1 hardware block inj XX/XX/XX. Injection did not provide any relief.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "none", "injection_other" })}},
		{"no improvement", "She noted trying physical therapy in the past with no improvement.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "none", "physical_therapy" })}},
		{"minimal", "The epidural steroid injection gave minimal relief.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "minimal", "epidural_steroid_injection" })}},
		{"not significant", "The patient had not experienced significant pain relief with this medication.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "minimal", "medication" })}},
		{"partial", "Chiropractic care gave some relief.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "partial", "chiropractic" })}},
		{"dramatic", "She stated that the sacroiliac joint injections that she had been receiving provided dramatic relief from pain.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "significant", "si_joint_injection" })}},
		{"after adverb", "Naproxen helps slightly.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "minimal", "medication" })}},
		{"complete", "Post op L5-S1 hardware removal, pain resolution post operatively.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "complete", "surgery" })}},
		{"temporary", "He then underwent SI joint injections, which gave him temporary pain relief.",
			[]reliefView{rv(func(v *reliefView) { v.Procedure = "si_joint_injection" })}},
		{"bare with treatment", "He had a bilateral SI joint injection with improvement in his symptoms.",
			[]reliefView{rv(func(v *reliefView) { v.Procedure = "si_joint_injection" })}},
		// Durations.
		{"lasting", "The SI joint injection provided 80% relief lasting approximately 10 weeks.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Duration, v.Procedure = 80, "10 week", "si_joint_injection" })}},
		{"for hours", "The medial branch block gave 90% relief for 6 hours.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Duration, v.Procedure = 90, "6 hour", "medial_branch_block" })}},
		{"x days", "ESI with 60% relief x 3 days.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Duration, v.Procedure = 60, "3 day", "epidural_steroid_injection" })}},
		{"local anesthetic", "The nerve block gave 80% relief for the duration of the local anesthetic.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Procedure = 80, "injection_other" })}},
		{"anesthetic about hours", "She reported 85% relief of her right buttock pain for the duration of the anesthetic, about 6 hours.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Duration = 85, "6 hour" })}},
		{"anesthetic then other hours", "The nerve block gave 80% relief for the duration of the local anesthetic and the pain returned for 6 hours.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Procedure = 80, "injection_other" })}},
		{"spelled range", "The ESI gave 60% pain relief for six to eight weeks.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Duration, v.Procedure = 60, "6 week", "epidural_steroid_injection" })}},
		// Before and after.
		{"pre post", "SI joint injection: pre-procedure pain 8/10, post-procedure pain 1/10.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Before, v.After, v.Procedure = 87.5, 8, 1, "si_joint_injection" })}},
		{"from to", "Chiropractic therapy had decreased his pain from 8 out of 10 to 5 out of 10.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Before, v.After, v.Procedure = 37.5, 8, 5, "chiropractic" })}},
		{"from a range to", "She had been taking Norco and reported improvement in pain level from 3-7 out of 10 down to 0 out of 10 after taking medications.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Before, v.After, v.Procedure = 100, 3, 0, "medication" })}},
		{"from a range to a score", "Chiropractic therapy had decreased his pain from 6-8/10 to 4/10.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.Max, v.Before, v.After, v.Procedure = 33.3, 50, 6, 4, "chiropractic" })}},
		// Responses.
		{"responding", "The injury is 20 days old and the injured worker is responding to physical therapy.",
			[]reliefView{rv(func(v *reliefView) { v.Procedure = "physical_therapy" })}},
		{"helping but only hours", "He was depending on Percocet that was helping but only 4-6 hours with little less pain.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Duration, v.Procedure = "minimal", "4 hour", "medication" })}},
		{"inadequate relief", "He remains on opioids with inadequate pain relief.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative = "minimal" })}},
		// Certainty and rule text.
		{"hypothetical", "Repeat blocks are planned if the blocks provide at least 80% relief.",
			[]reliefView{rv(func(v *reliefView) {
				v.Percent, v.Comparator, v.Certainty, v.InGuideline = 80, ">=", "hypothetical", true
			})}},
		{"criteria", "Criteria for the use of sacroiliac blocks: the duration of pain relief should be at least 6 weeks with at least > 70% pain relief recorded for this period.",
			[]reliefView{rv(func(v *reliefView) {
				v.Percent, v.Comparator, v.Duration, v.Procedure, v.Certainty, v.InGuideline = 70, ">", "6 week", "si_joint_injection", "hypothetical", true
			})}},
		{"quoted response", "A positive diagnostic response is recorded as 80% for the duration of the local anesthetic.",
			[]reliefView{rv(func(v *reliefView) { v.Percent, v.InGuideline = 80, true })}},
		// A generic treatment word, in the sentence or the one before.
		{"treatment words", "Paresthesias are noted in the right hand and improves with ice, rest, NSAIDS.",
			[]reliefView{rv(func(v *reliefView) {})}},
		{"conservative care", "Therefore, until conservative care, which seems to be helping, is fully implemented, this request is not medically necessary.",
			[]reliefView{rv(func(v *reliefView) {})}},
		{"treatment before", "As of 01/11/17 she had attended five treatment sessions. When seen in January 2017 she was gradually improving.",
			[]reliefView{rv(func(v *reliefView) {})}},
		{"procedure before", "HPI: He completed 4 sessions of physical therapy. Pain unchanged. No mechanical symptoms.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "none", "physical_therapy" })}},
		{"positive response", "The MTUS and ODG support subacromial decompression after 3 to 6 months of conservative care with positive injection response.",
			[]reliefView{rv(func(v *reliefView) { v.Procedure, v.InGuideline = "injection_other", true })}},
		{"threshold without documentation", "There is no evidence of at least 30% pain relief in terms of VAS with use of the medication.",
			[]reliefView{rv(func(v *reliefView) {
				v.Percent, v.Comparator, v.Procedure, v.InGuideline = 30, ">=", "medication", true
			})}},
		// Not relief.
		{"no treatment named", "Pain has been worsening for the past 6 months with zero improvement and has greatly affected his quality of life.", nil},
		{"unchanged since last visit", "She presented for follow up of right knee pain rated as 4 out of 10 which was unchanged since last visit. She takes Norco.", nil},
		{"not responded to conservative care", "There is internal derangement with limitation that has not responded to conservative treatment.", nil},
		{"not responding to conservative care", "The patient is not responding to conservative care and surgery is requested.", nil},
		{"unchanged with time", "The worker stated that the hip, shoulder, and elbow symptoms were \"essentially unchanged\" with time.", nil},
		{"four A's", "Documentation of the four A’s includes meaningful improvement in level of pain (analgesia); meaningful improvement in pain interference or function (activity).", nil},
		{"patients who", "Regarding capsaicin, the guidelines only recommend this ingredient for patients who have not responded to or are intolerant to other treatments.", nil},
		{"may benefit", "A referral is supported when it is necessary to plan a course of care that may benefit from additional expertise.", nil},
		{"response alone", "The physical therapy response to the request was received.", nil},
		{"time share", "He has pain 80% of the time and reports relief only with rest.", nil},
		{"impairment", "The impairment rating of 10% whole person relief was not documented.", nil},
		// A strength is no percent: the relief is unquantified.
		{"capsaicin", "Capsaicin 0.025% cream gave her relief.",
			[]reliefView{rv(func(v *reliefView) { v.Procedure = "medication" })}},
		{"flurbiprofen", "Flurbiprofen 20% cream provided relief.",
			[]reliefView{rv(func(v *reliefView) { v.Procedure = "medication" })}},
		{"not improve", "The patient has not seemed to improve with physical therapy.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "none", "physical_therapy" })}},
		{"no effect", "The epidural steroid injection failed to have any effect on his pain.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "none", "epidural_steroid_injection" })}},
		{"failed to improve is a rule", "Surgery may be indicated for patients who have failed to improve with conservative care.", nil},
		{"side effects", "He tolerates the medication with no side effects.", nil},
		{"disability", "He is on 100% disability.", nil},
		{"job share", "Lifting is 50% of his job; he reports improvement.", nil},
		{"functional", "There was no functional improvement after 12 sessions of physical therapy.", nil},
		{"documentation", "There is no documentation of pain relief with the topical creams.", nil},
		{"duration missing", "The documentation did not contain information regarding the duration of relief from the SI joint injection.", nil},
		{"documented statement", "He has completed 5 of 6 chiropractic sessions. It is documented he has had no improvement.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative, v.Procedure = "none", "chiropractic" })}},
		{"documentation of relief", "The documentation of pain relief after the chiropractic sessions is missing.", nil},
		{"goal", "Physical therapy for core strengthening, stretching, and pain relief.", nil},
		{"would benefit", "The physician opined the patient would benefit from physical therapy.", nil},
		{"without help", "The individual has trouble leaving the home without help.", nil},
		{"better outcomes", "Active treatment is associated with substantially better clinical outcomes.", nil},
		{"function of ability", "He would be able to return to work with great improvement in his ability to work.", nil},
		{"no treatment", "His back pain is improved.", nil},
		{"reported course, none", "He presented for a recheck of the left knee. The injured worker reported being no better.",
			[]reliefView{rv(func(v *reliefView) { v.Qualitative = "none" })}},
		{"reported course", "As of the visit, the injured worker reports continued improvement in his left hand.",
			[]reliefView{rv(func(v *reliefView) {})}},
		{"reported course, improving", "Per the progress report, the injured worker reported improving left knee pain and swelling.",
			[]reliefView{rv(func(v *reliefView) {})}},
		{"a plain report needs a treatment", "He reports improvement.", nil},
		{"benefit interrupted", "He had difficulty obtaining medications, interrupting any benefit from medication regimen.", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := extractText(t, tt.text)
			var got []reliefView
			for _, r := range c.Relief {
				got = append(got, viewRelief(r))
				if c.Text[r.Start:r.End] != r.Text {
					t.Errorf("span %d:%d is not its text", r.Start, r.End)
				}
			}
			if len(tt.want) == 0 {
				tt.want = nil
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("relief of %q (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

// TestSeedsMustShow checks what the issue requires of both seeds.
func TestSeedsMustShow(t *testing.T) {
	p := stagePipeline(t)
	iro := extractFixture(t, p, "iro_si_injection_upheld.txt")
	t.Run("iro relief", func(t *testing.T) {
		none := false
		for _, r := range iro.Relief {
			if r.Percent != nil && !r.InGuideline {
				t.Errorf("patient relief percent %v in %q", *r.Percent, r.Text)
			}
			if strings.Contains(r.Text, "Injection did not provide any relief") {
				none = r.Qualitative == "none" && r.Procedure == "injection_other" && !r.InGuideline
			}
		}
		if !none {
			t.Errorf("no relief none after the hardware block: %+v", iro.Relief)
		}
	})
	t.Run("iro strength", func(t *testing.T) {
		want := []Strength{{Grade: "5/5", Value: 5, Muscle: "lower extremities", Laterality: "bilateral"}}
		if diff := cmp.Diff(want, strengthViews(iro.Strength)); diff != "" {
			t.Errorf("strength (-want +got):\n%s", diff)
		}
	})
	imr := extractFixture(t, p, "imr_si_block_upheld.txt")
	t.Run("imr relief", func(t *testing.T) {
		var dramatic bool
		rule := map[float64]bool{}
		for _, r := range imr.Relief {
			if strings.Contains(r.Text, "dramatic relief") {
				dramatic = r.Qualitative == "significant" && r.Percent == nil && r.Procedure == "si_joint_injection" && !r.InGuideline
			}
			if r.Percent != nil {
				if !r.InGuideline {
					t.Errorf("percent %v of %q is not in_guideline", *r.Percent, r.Text)
				}
				rule[*r.Percent] = true
			}
		}
		if !dramatic {
			t.Errorf("no significant relief from %q: %+v", "dramatic relief", imr.Relief)
		}
		if !rule[80] || !rule[70] {
			t.Errorf("quoted criteria percents %v, want 80 and 70", rule)
		}
	})
	t.Run("imr scores", func(t *testing.T) {
		var got []string
		for _, s := range imr.PainScores {
			got = append(got, s.Site+" "+ftoa(s.Value))
		}
		if diff := cmp.Diff([]string{"back 8", "leg 7"}, got); diff != "" {
			t.Errorf("pain scores (-want +got):\n%s", diff)
		}
	})
	t.Run("imr strength", func(t *testing.T) {
		want := []Strength{
			{Grade: "4/5", Value: 4, Muscle: "extensor hallucis", Laterality: "left"},
			{Grade: "4/5", Value: 4, Muscle: "tibialis anterior", Laterality: "left"},
		}
		if diff := cmp.Diff(want, strengthViews(imr.Strength)); diff != "" {
			t.Errorf("strength (-want +got):\n%s", diff)
		}
	})
}

// strengthViews drops span and encounter.
func strengthViews(ss []Strength) []Strength {
	var out []Strength
	for _, s := range ss {
		out = append(out, Strength{Grade: s.Grade, Value: s.Value, Muscle: s.Muscle, Laterality: s.Laterality})
	}
	return out
}

// checkItems checks the invariants of the stage outputs: spans in bounds
// and equal to their text, sorted by start.
func checkItems(t *testing.T, c *Case) {
	t.Helper()
	var spans [][]Span
	var rs, ss, gs []Span
	for _, r := range c.Relief {
		rs = append(rs, r.Span)
	}
	for _, s := range c.PainScores {
		ss = append(ss, s.Span)
	}
	for _, g := range c.Strength {
		gs = append(gs, g.Span)
	}
	spans = append(spans, rs, ss, gs)
	for k, list := range spans {
		for i, s := range list {
			if s.Start < 0 || s.End < s.Start || s.End > len(c.Text) {
				t.Fatalf("list %d item %d: span %d:%d out of bounds (%d)", k, i, s.Start, s.End, len(c.Text))
			}
			if c.Text[s.Start:s.End] != s.Text {
				t.Fatalf("list %d item %d: span text differs", k, i)
			}
			if i > 0 && list[i-1].Start > s.Start {
				t.Fatalf("list %d not sorted at %d", k, i)
			}
		}
	}
}

func fuzzSeeds(f *testing.F) {
	// Excerpts of the seeds: the fuzzer mutates whole 15 KB letters too
	// slowly to get anywhere.
	for _, ex := range []struct{ name, at string }{
		{"iro_si_injection_upheld.txt", "f/u L5/S1 hardware block"},
		{"iro_si_injection_upheld.txt", "Straight leg raises are"},
		{"imr_si_block_upheld.txt", "complained of constant back pain"},
		{"imr_si_block_upheld.txt", "A positive diagnostic response"},
		{"iro_esi_overturned.txt", "EHL strength"},
	} {
		data, err := os.ReadFile(filepath.Join(lettersDir, ex.name))
		if err != nil {
			f.Fatal(err)
		}
		i := strings.Index(string(data), ex.at)
		if i < 0 {
			f.Fatalf("%s lacks %q", ex.name, ex.at)
		}
		f.Add(string(data[i:min(len(data), i+1200)]))
	}
	for _, s := range []string{"", "/", "/10", "8/10", "of 10", "4+/5", "of", "relief", "85% relief", "pain 3/10 with meds, 8/10 without",
		"from 8/10 to", "pre-procedure pain 8/10, post-procedure pain", "4/5 on the right, 5/5", "x\n10/10/2016 relief 50%-",
		"rated 6 out of\n10 at its worst and 3-4", "Relief.", "improved 30%", "5 of 5", "EHL 4/5 and"} {
		f.Add(s)
	}
}

// runStages runs the relief and score stages alone on text.
func runStages(p *Pipeline, text string) *Case {
	c := &Case{Text: text, Relief: []Relief{}, PainScores: []Score{}, Strength: []Strength{}}
	d := stageDoc(p, c)
	p.relief.apply(d)
	p.scores.apply(d)
	return c
}

func FuzzRelief(f *testing.F) {
	fuzzSeeds(f)
	p := stagePipeline(f)
	f.Fuzz(func(t *testing.T, text string) {
		c := runStages(p, text)
		checkItems(t, c)
		again := runStages(p, text)
		if diff := cmp.Diff(c.Relief, again.Relief); diff != "" {
			t.Fatalf("not deterministic:\n%s", diff)
		}
	})
}

func TestReliefRuleFileErrors(t *testing.T) {
	checkRuleEdits(t, "relief.yaml", func(fsys fs.FS) error { _, err := newReliefRules(fsys); return err }, []ruleEdit{
		{"unknown key", "max_gap: 40", "max_gap: 40\ncolour: red", "unknown field colour"},
		{"bad regexp", "pain_word: '(?i)", "pain_word: '(?i)(", "bad regexp"},
		{"bad cue", "  - words: [unchanged]", "  - words: [Un changed]", "one lower-case word"},
		{"bad unit", "  yrs: year", "  yrs: decade", "not one of"},
		{"duration groups", "(?P<unit>hours?|hrs?", "(?P<u>hours?|hrs?", "lacks group"},
		{"not a treatment", "not_treatments: [mri,", "not_treatments: [scan,", "not a lexicon concept"},
	})
}

// corpusCases extracts the pdftotext text of every corpus letter once.
var corpusCases = struct {
	once  sync.Once
	cases []*Case
	names []string
}{}

func corpusRecords(t *testing.T) ([]string, []*Case) {
	t.Helper()
	pdfs := testenv.CorpusPDFs(t)
	tool := testenv.Pdftotext(t)
	corpusCases.once.Do(func() {
		p := stagePipeline(t)
		texts := make([][]byte, len(pdfs))
		var wg sync.WaitGroup
		sem := make(chan struct{}, 8)
		for i, f := range pdfs {
			wg.Add(1)
			go func() {
				defer wg.Done()
				sem <- struct{}{}
				defer func() { <-sem }()
				texts[i], _ = exec.Command(tool, f, "-").Output()
			}()
		}
		wg.Wait()
		for i, f := range pdfs {
			c, err := p.ExtractBytes(context.Background(), f+".txt", texts[i])
			if err != nil || len(texts[i]) == 0 {
				continue
			}
			corpusCases.cases = append(corpusCases.cases, c)
			corpusCases.names = append(corpusCases.names, filepath.Base(f))
		}
	})
	if len(corpusCases.cases) < len(pdfs)*9/10 {
		t.Fatalf("only %d of %d corpus letters extracted", len(corpusCases.cases), len(pdfs))
	}
	return corpusCases.names, corpusCases.cases
}

// TestCorpusRelief runs the 94 corpus letters through the relief stage:
// invariants on every item, and no relief percent from the number shapes
// that are never relief (medication strengths, impairment, shares of time).
func TestCorpusRelief(t *testing.T) {
	names, cases := corpusRecords(t)
	count := map[string]int{}
	for i, c := range cases {
		checkItems(t, c)
		for _, r := range c.Relief {
			count["relief"]++
			if r.Percent != nil {
				count["percent"]++
				low := strings.ToLower(r.Text)
				for _, bad := range []string{"% of the time", "capsaicin 0.", "impairment rating", "% disability"} {
					if strings.Contains(low, bad) {
						t.Errorf("%s: relief %v from %q", names[i], *r.Percent, r.Text)
					}
				}
			}
			if r.InGuideline {
				count["in_guideline"]++
			}
			if r.Qualitative != "" && !oneOf(reliefQualValues, r.Qualitative) || r.Certainty == "" {
				t.Errorf("%s: bad relief %+v", names[i], r)
			}
		}
	}
	keys := make([]string, 0, len(count))
	for k := range count {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		t.Logf("%s: %d", k, count[k])
	}
	// The corpus holds a few dozen relief statements; far fewer means the
	// cues broke, far more that the vetoes did.
	if count["relief"] < 20 || count["relief"] > 150 {
		t.Errorf("%d relief statements in %d letters", count["relief"], len(cases))
	}
}

func BenchmarkRelief(b *testing.B) {
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
		c.Relief = c.Relief[:0]
		p.relief.apply(d)
	}
}

// TestReliefInGuidelineZone: relief inside a guideline-quote zone is rule
// text, unless its sentence is about this patient (the patient-sentence
// cues of ruletext.yaml).
func TestReliefInGuidelineZone(t *testing.T) {
	p := stagePipeline(t)
	tests := []struct {
		name, text string
		want       bool
	}{
		{"quoted rule", "Repeat blocks are supported when the prior block gave at least 50% to 70% pain relief for 6 weeks.", true},
		{"quoted threshold", "A positive response is 80% relief for the duration of the local anesthetic.", true},
		{"prior injection", "In addition, the prior diagnostic injection provided 75% relief for only 3 weeks.", false},
		{"the prior injection starts", "The previous epidural injection gave 60% relief.", false},
		{"dated patient letter", "In the handwritten letter dated 01/04/2017 by the patient, chiropractic care had not alleviated the sharp, shooting pains.", false},
		{"she", "She reported 70% relief after the facet injection.", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Case{Text: tt.text, Relief: []Relief{},
				Sections: []Section{{Name: "guideline_quote", Start: 0, End: len(tt.text)}}}
			p.relief.apply(stageDoc(p, c))
			if len(c.Relief) != 1 {
				t.Fatalf("relief of %q: %+v, want one statement", tt.text, c.Relief)
			}
			if c.Relief[0].InGuideline != tt.want {
				t.Errorf("in_guideline of %q = %v, want %v", tt.text, c.Relief[0].InGuideline, tt.want)
			}
		})
	}
}
