package pipeline

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/precedent-dev/precedent/extract"
	"github.com/precedent-dev/precedent/lexicon"
)

func loadCareRules(t testing.TB) *careRules {
	t.Helper()
	data, err := fs.Sub(fieldData, "data")
	if err != nil {
		t.Fatal(err)
	}
	r, err := newCareRules(data)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// careOf runs the care stage on text, one clinical summary zone of one
// sentence (a cue example), and returns the status given to the mention
// marked [like this], or "" when it has no item.
func careOf(t *testing.T, r *careRules, marked string) string {
	t.Helper()
	a, b := strings.IndexByte(marked, '['), strings.IndexByte(marked, ']')
	if a < 0 || b < a {
		t.Fatalf("example %q marks no mention", marked)
	}
	text := marked[:a] + marked[a+1:b] + marked[b+1:]
	start, end := a, b-1
	c := &Case{Text: text, Sections: []Section{{Name: "clinical_summary", Start: 0, End: len(text)}}}
	d := &caseDoc{c: c, sents: []extract.Sentence{{Start: 0, End: len(text)}}}
	r.apply(d)
	var code string
	for _, m := range r.matcher.Match(text) {
		if m.Start == start && m.End == end {
			code = m.Code
		}
	}
	if code == "" || code == blockerCode {
		t.Fatalf("example %q: %q is not a modality term", marked, text[start:end])
	}
	for _, k := range c.ConservativeCare {
		if k.Modality == code {
			return k.Status
		}
	}
	return ""
}

// TestCareCueExamples runs the examples of every cue of care.yaml: in each
// match example the marked mention gets the cue's status, in each no_match
// example it does not. Session and duration patterns match their examples.
func TestCareCueExamples(t *testing.T) {
	r := loadCareRules(t)
	for i, cu := range r.f.Cues {
		t.Run(fmt.Sprintf("%s line %d", cu.Status, cu.Pattern.Line), func(t *testing.T) {
			if len(cu.Match) == 0 || len(cu.NoMatch) == 0 {
				t.Errorf("cue %d needs match and no_match examples", i+1)
			}
			for _, ex := range cu.Match {
				if got := careOf(t, r, ex); got != cu.Status {
					t.Errorf("%q: status %q, want %q", ex, got, cu.Status)
				}
			}
			for _, ex := range cu.NoMatch {
				if got := careOf(t, r, ex); got == cu.Status {
					t.Errorf("%q: status %q, want another", ex, got)
				}
			}
		})
	}
	for _, q := range append(append([]careQty{}, r.f.Sessions...), r.f.Durations...) {
		for _, ex := range q.Match {
			if !q.Pattern.MatchString(ex) {
				t.Errorf("line %d: does not match %q", q.Pattern.Line, ex)
			}
		}
		for _, ex := range q.NoMatch {
			if q.Pattern.MatchString(ex) {
				t.Errorf("line %d: matches %q", q.Pattern.Line, ex)
			}
		}
	}
}

// TestCareFoldsOutsideASCII checks that a cue written with the long s or
// the Kelvin sign, which (?i) patterns match as s and k but the literal
// prefilters do not look for, is still found.
func TestCareFoldsOutsideASCII(t *testing.T) {
	r := loadCareRules(t)
	for _, tt := range []struct{ ex, want string }{
		{"[Physical therapy] was unsuccessful.", "failed"},
		{"[Physical therapy] was un\u017fucce\u017f\u017fful.", "failed"},
		{"[Physical therapy] was ineffective; \u212a.", "failed"},
	} {
		if got := careOf(t, r, tt.ex); got != tt.want {
			t.Errorf("%q: status %q, want %q", tt.ex, got, tt.want)
		}
	}
}

// TestCareRuleErrors checks that bad rule files are rejected.
func TestCareRuleErrors(t *testing.T) {
	base := "zones: [analysis]\nreach: 40\noverride: [not_documented, absent, failed, helped]\nactivity: [ongoing, planned, done]\nmodalities:\n  - code: pt\n    synonyms: [physical therapy]\ngeneral: 'x'\npatient: 'y'\n"
	cue := "cues:\n  - status: done\n    pattern: 'had'\n"
	tests := []struct{ name, data, want string }{
		{"ok", base + cue, ""},
		{"unknown key", base + cue + "colour: red\n", "care.yaml:13: unknown field colour"},
		{"no cues", base, "care.yaml: zones, modalities and cues are required"},
		{"bad status", base + "cues:\n  - status: maybe\n    pattern: 'had'\n", "care.yaml:12: unknown status"},
		{"bad side", base + "cues:\n  - status: done\n    pattern: 'had'\n    side: left\n", "care.yaml:12: side"},
		{"bad regexp", base + "cues:\n  - status: done\n    pattern: '(had'\n", "care.yaml:12: bad regexp"},
		{"missing status", strings.Replace(base, "ongoing, ", "", 1) + cue, "care.yaml: override and activity must list every status"},
		{"duplicate term", base + cue + "blockers:\n  synonyms: [Physical Therapy]\n", "care.yaml: terms:"},
		{"sessions without n", base + cue + "sessions:\n  - pattern: 'x\\d+'\n", "care.yaml:14: regexp lacks group"},
		{"bad unit", base + cue + "units: {wk: fortnight}\n", "care.yaml: unit"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newCareRules(fstest.MapFS{"care.yaml": {Data: []byte(tt.data)}})
			switch {
			case tt.want == "" && err != nil:
				t.Errorf("error %v", err)
			case tt.want != "" && (err == nil || !strings.HasPrefix(err.Error(), tt.want)):
				t.Errorf("error %v, want prefix %q", err, tt.want)
			}
		})
	}
}

// A careWant is what a test expects of one Care item.
type careWant struct {
	Modality, Status string
	Sessions         int    // 0: none
	Duration         string // "6 week", "": none
	InGuideline      bool
}

func careWants(c *Case) []careWant {
	var out []careWant
	for _, k := range c.ConservativeCare {
		w := careWant{Modality: k.Modality, Status: k.Status, InGuideline: k.InGuideline}
		if k.Sessions != nil {
			w.Sessions = *k.Sessions
		}
		if k.Duration != nil {
			w.Duration = fmt.Sprintf("%g %s", k.Duration.Value, k.Duration.Unit)
		}
		out = append(out, w)
	}
	return out
}

// TestCareTable runs short letters through the pipeline and compares their
// conservative care.
func TestCareTable(t *testing.T) {
	p := newTestPipeline(t)
	tests := []struct {
		name string
		text string
		want []careWant
	}{
		{
			name: "statuses, sessions and durations",
			text: iroHead +
				"XX/XX/XX: Office Visit. HPI: He completed 12 sessions of PT. He continues HEP. He has not had acupuncture. " +
				"Chiropractic care improved his pain. She had physical therapy x 8 visits and 6 weeks of massage. " +
				"Norco #60 did not help. Plan: TENS unit for 3 months. We will start a lumbar brace.\n" + iroTail,
			want: []careWant{
				{"physical_therapy", "done", 12, "", false},
				{"home_exercise", "ongoing", 0, "", false},
				{"acupuncture", "absent", 0, "", false},
				{"chiropractic", "helped", 0, "", false},
				{"physical_therapy", "done", 8, "", false},
				{"massage", "done", 0, "6 week", false},
				{"medication", "failed", 0, "", false},
				{"tens", "planned", 0, "3 month", false},
				{"bracing", "planned", 0, "", false},
			},
		},
		{
			name: "a list shares a cue; another treatment keeps its own outcome",
			text: iroHead +
				"XX/XX/XX: Office Visit. HPI: He failed conservative treatment including PT, a home exercise program and NSAIDs. " +
				"The injection gave 60% improvement with a reduction in medication use. " +
				"It is unclear whether physical therapy was done. The records do not document prior chiropractic.\n" + iroTail,
			want: []careWant{
				{"conservative_care", "failed", 0, "", false},
				{"physical_therapy", "failed", 0, "", false},
				{"home_exercise", "failed", 0, "", false},
				{"medication", "failed", 0, "", false},
				{"medication", "done", 0, "", false},
				{"physical_therapy", "not_documented", 0, "", false},
				{"chiropractic", "not_documented", 0, "", false},
			},
		},
		{
			name: "guideline text, injections and the criteria checklist are not the patient's care",
			text: iroHead + "XX/XX/XX: Office Visit. Plan: SI joint injection.\n" +
				"\nANALYSIS AND EXPLANATION OF THE DECISION:\nPer ODG: Recommended if failed at least 4-6 weeks of aggressive conservative therapy including PT.\n\n" +
				"Inflammatory pathology is typically treated with medications.\n\n" +
				"A DESCRIPTION AND THE SOURCE OF THE SCREENING CRITERIA OR OTHER CLINICAL BASIS USED TO MAKE THE DECISION:\n" +
				"TEXAS GUIDELINES FOR CHIROPRACTIC QUALITY ASSURANCE & PRACTICE PARAMETERS\n",
			want: []careWant{
				{"conservative_care", "failed", 0, "4 week", true},
				{"physical_therapy", "failed", 0, "", true},
				{"medication", "done", 0, "", true},
			},
		},
		{
			name: "a Plan heading makes later mentions of its entry planned, up to the next heading",
			text: iroHead + "XX/XX/XX: Office Visit. Plan: Injection. Acupuncture as well. Physical Exam: Massage therapy for the neck.\n\n" +
				"XX/XX/XX: Office Visit. HPI: Acupuncture.\n" + iroTail,
			want: []careWant{
				{"acupuncture", "planned", 0, "", false},
				{"massage", "done", 0, "", false},
				{"acupuncture", "done", 0, "", false},
			},
		},
		{
			name: "mentions of one modality in a sentence are merged",
			text: imrHead + "The applicant's medication list included Flexeril, Norco and Motrin, which were continued. " +
				"Physical therapy appointments were scheduled but the injured worker did not go to the appointment.\n" + imrTail,
			want: []careWant{
				{"medication", "ongoing", 0, "", false},
				{"physical_therapy", "absent", 0, "", false},
			},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := p.ExtractBytes(context.Background(), "t.txt", []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, careWants(c)); diff != "" {
				t.Errorf("care (-want +got):\n%s", diff)
			}
			checkCare(t, c)
		})
	}
}

// checkCare checks the invariants of c.ConservativeCare: in bounds, sorted,
// text matching offsets, known statuses, valid encounters.
func checkCare(t *testing.T, c *Case) {
	t.Helper()
	prev := 0
	for i, k := range c.ConservativeCare {
		if k.Start < prev || k.End <= k.Start || k.End > len(c.Text) {
			t.Fatalf("care %d [%d,%d): not sorted, empty or out of bounds", i, k.Start, k.End)
		}
		prev = k.Start
		if c.Text[k.Start:k.End] != k.Text {
			t.Errorf("care %d: text does not match offsets", i)
		}
		if !contains(careStatuses, k.Status) || k.Modality == "" {
			t.Errorf("care %d: modality %q status %q", i, k.Modality, k.Status)
		}
		if k.Encounter != nil && (*k.Encounter < 0 || *k.Encounter >= len(c.Encounters)) {
			t.Errorf("care %d: encounter %d of %d", i, *k.Encounter, len(c.Encounters))
		}
	}
}

// TestCareSeeds checks the conservative care of both seeds.
func TestCareSeeds(t *testing.T) {
	p := newTestPipeline(t)
	type item struct{ modality, status, evidence string }
	find := func(c *Case, it item) *Care {
		for i, k := range c.ConservativeCare {
			if k.Modality == it.modality && strings.Contains(strings.Join(strings.Fields(k.Text), " "), it.evidence) {
				return &c.ConservativeCare[i]
			}
		}
		return nil
	}
	imr := extractFixture(t, p, "imr_si_block_upheld.txt")
	checkCare(t, imr)
	for _, it := range []item{
		{"physical_therapy", "not_documented", "did not state whether physical therapy was utilized"},
		{"medication", "done", "Treatment to date has included sacroiliac joint injection, and medication management"},
	} {
		k := find(imr, it)
		if k == nil || k.Status != it.status || k.InGuideline {
			t.Errorf("IMR %s %q: got %+v, want status %s, not in guideline", it.modality, it.evidence, k, it.status)
		}
	}
	// The criteria quote the patient's would-be care: in_guideline.
	k := find(imr, item{"physical_therapy", "", "failed at least 4-6 weeks of aggressive conservative therapy including PT"})
	if k == nil || !k.InGuideline {
		t.Errorf("IMR criteria PT: %+v, want in_guideline", k)
	}
	for _, k := range imr.ConservativeCare {
		if k.Status == "helped" || k.Status == "failed" && !k.InGuideline {
			t.Errorf("IMR: unexpected %s %s from %q", k.Modality, k.Status, k.Text)
		}
	}

	iro := extractFixture(t, p, "iro_si_injection_upheld.txt")
	checkCare(t, iro)
	for _, it := range []item{
		{"physical_therapy", "planned", "We will start PT as well"},
		{"medication", "planned", "We will start him on Mobic"},
		{"medication", "ongoing", "intermittently taking naproxen"},
		{"conservative_care", "", "conservative treatment is recommended"},
	} {
		k := find(iro, it)
		if k == nil || it.status != "" && k.Status != it.status {
			t.Errorf("IRO %s %q: got %+v, want status %q", it.modality, it.evidence, k, it.status)
			continue
		}
		if inGuide := it.modality == "conservative_care"; k.InGuideline != inGuide {
			t.Errorf("IRO %q: in_guideline %v", it.evidence, k.InGuideline)
		}
		if !k.InGuideline && k.Encounter == nil {
			t.Errorf("IRO %q: no encounter", it.evidence)
		}
	}
	if k := find(iro, item{"physical_therapy", "", "We will start PT"}); k != nil && k.Encounter != nil && *k.Encounter != 10 {
		t.Errorf("IRO PT plan in encounter %d, want 10", *k.Encounter)
	}
	for _, k := range iro.ConservativeCare {
		if k.Modality == "chiropractic" || strings.Contains(k.Text, "injection") && k.Modality != "physical_therapy" && !k.InGuideline {
			t.Errorf("IRO: unexpected care %s from %q", k.Modality, k.Text)
		}
	}
}

// TestTermWordStarts compares the care terms found at the word starts read
// from the letter's word list (matchWords) with those found at the starts
// of the byte scan (match), on the fixture letters and random texts (long
// letter runs, digits, non-ASCII bytes before words), over the whole text
// and over a part of it.
func TestTermWordStarts(t *testing.T) {
	m := stagePipeline(t).care.terms
	if !m.letterFirst {
		t.Fatal("the care terms do not all begin with a letter: matchWords is not used")
	}
	check := func(name, text string) {
		t.Helper()
		d := &caseDoc{c: &Case{Text: text}}
		// The starts may differ where no term can match (a run of 64
		// letters or more): the terms found may not.
		for _, r := range []textRange{{0, len(text)}, {len(text) / 3, len(text) * 2 / 3}} {
			var want, got careFound
			m.match(&want, text, m.scan(text), r.start, r.end)
			m.matchWords(&got, text, d.wordSpans(), r.start, r.end)
			if !slices.Equal(got.mentions, want.mentions) || !slices.Equal(got.blockers, want.blockers) {
				t.Fatalf("%s %q %v: terms %v over the word starts, %v over the byte scan", name, text[:min(len(text), 80)], r, got, want)
			}
		}
	}
	n := 0
	names, raw := rawFixtureTexts(t)
	for k, text := range raw {
		check(names[k], text)
		var f careFound
		m.match(&f, text, m.scan(text), 0, len(text))
		n += len(f.mentions) + len(f.blockers)
	}
	if n < 50 {
		t.Errorf("only %d terms in the fixture letters", n)
	}
	pieces := []string{"physical therapy", "PT", "Physical  Therapy", "home exercise", "NSAIDs", "medication", "HEP", "2PT", "x", "é", "_pt", " ", "\n", ",", "(", strings.Repeat("a", 70), "Chiropractic", "acupuncture", "ph", "7"}
	rng := rand.New(rand.NewPCG(3, 4))
	for range 3000 {
		var b strings.Builder
		for range rng.IntN(12) {
			b.WriteString(pieces[rng.IntN(len(pieces))])
		}
		check("random", b.String())
	}
}

// TestWordBoundaryASCII compares wordBoundary's ASCII shortcut with the
// rune reading for every pair of ASCII bytes, and a few others.
func TestWordBoundaryASCII(t *testing.T) {
	for a := 0; a < 128; a++ {
		for b := 0; b < 128; b++ {
			s := string([]byte{byte(a), byte(b)})
			want := !(isWordRune(rune(a)) && isWordRune(rune(b)))
			if got := wordBoundary(s, 1); got != want {
				t.Fatalf("wordBoundary(%q, 1) = %v, want %v", s, got, want)
			}
		}
	}
	for _, c := range []struct {
		s    string
		i    int
		want bool
	}{{"aé", 1, false}, {"éa", 2, false}, {"a\u00a0", 1, true}, {"a b", 1, true}, {"ab", 1, false}, {"a1", 1, false}, {"a_", 1, true}} {
		if got := wordBoundary(c.s, c.i); got != c.want {
			t.Errorf("wordBoundary(%q, %d) = %v, want %v", c.s, c.i, got, c.want)
		}
	}
}

// TestFoldedIs compares foldedIs with strings.Fields and Join on term-like
// texts.
func TestFoldedIs(t *testing.T) {
	texts := []string{"PT", "pt", "H P", "HEP", "H\tEP", "H\nP", "H\u00a0P", "H\u0085P", "é P", "P T", "x"} // as term matches: no white space at either end, none twice
	for _, s := range texts {
		for _, w := range texts {
			want := strings.Join(strings.Fields(s), " ") == w
			if got := foldedIs(s, w); got != want {
				t.Errorf("foldedIs(%q, %q) = %v, want %v", s, w, got, want)
			}
		}
	}
	if !foldedIs("H\nP", "H P") || foldedIs("PT", "pt") {
		t.Error("foldedIs: a folded space must count, case must")
	}
}

// TestCareFound checks that careFound keeps the mentions and the blockers
// apart, each in the order found.
func TestCareFound(t *testing.T) {
	var f careFound
	for _, x := range []struct {
		code  string
		start int
	}{{blockerCode, 1}, {"physical_therapy", 2}, {blockerCode, 3}, {"acupuncture", 4}, {blockerCode, 5}} {
		f.add(x.code, x.start, x.start+1)
	}
	wantM := []careMention{{code: "physical_therapy", start: 2, end: 3}, {code: "acupuncture", start: 4, end: 5}}
	wantB := []textRange{{1, 2}, {3, 4}, {5, 6}}
	if !slices.Equal(f.mentions, wantM) || !slices.Equal(f.blockers, wantB) {
		t.Errorf("careFound: mentions %v, blockers %v; want %v, %v", f.mentions, f.blockers, wantM, wantB)
	}
}

// TestFilterWalk compares the care stage's one walk over the literals of
// its four filters with a walk of each filter's literals alone (the way
// before filterWalk), on the sentences of the fixture letters and on
// random texts made of the filters' literals.
func TestFilterWalk(t *testing.T) {
	r := stagePipeline(t).care
	filters := []*literalFilter{r.cueF, r.cuePF, r.qtyF, r.generalF}
	// own walks each filter's literals with a trie of its own: the
	// regexps marked, and the lead places (filter, regexp, start).
	tries := make([]*lexicon.Literals, len(filters))
	for fi, f := range filters {
		if len(f.lits) > 0 {
			tries[fi] = lexicon.NewLiterals(f.lits)
		}
	}
	own := func(lower []byte) (may [4][]bool, starts []cueStart) {
		for fi, f := range filters {
			may[fi] = make([]bool, f.n)
			if tries[fi] == nil {
				continue
			}
			tries[fi].Walk(lower, func(end, n, p int) {
				for _, i := range f.owners[p] {
					may[fi][i] = true
					if fi == cueLeads {
						starts = append(starts, cueStart{i, end - n + 1})
					}
				}
			})
		}
		return may, starts
	}
	sortStarts := func(s []cueStart) {
		slices.SortFunc(s, func(x, y cueStart) int {
			if x.start != y.start {
				return x.start - y.start
			}
			return x.i - y.i
		})
	}
	found, checked := 0, 0
	check := func(text string) {
		t.Helper()
		lower := lowerSpaced(text)
		sc := &careScratch{cue: make([]bool, r.cueF.n), qty: make([]bool, r.qtyF.n)}
		if r.lits.trie != nil {
			r.lits.trie.Walk(lower, func(end, n, p int) { r.lits.found(sc, end-n+1, p) })
		}
		want, wantStarts := own(lower)
		sortStarts(sc.starts)
		sortStarts(wantStarts)
		if !slices.Equal(sc.cue, want[cueLits]) || !slices.Equal(sc.qty, want[qtyLits]) || sc.general[0] != want[generalLits][0] || !slices.Equal(sc.starts, wantStarts) {
			t.Fatalf("%q: one walk: cue %v qty %v general %v starts %v; one walk a filter: %v %v %v %v",
				text, sc.cue, sc.qty, sc.general[0], sc.starts, want[cueLits], want[qtyLits], want[generalLits][0], wantStarts)
		}
		checked++
		if len(sc.starts) > 0 || slices.Contains(sc.qty, true) {
			found++
		}
	}
	p := stagePipeline(t)
	for _, doc := range fixtureDocs(t, p) {
		for _, s := range p.splitter.Split(doc.Text) {
			check(doc.Text[s.Start:s.End])
		}
	}
	var lits []string
	for _, f := range filters {
		lits = append(lits, f.lits...)
	}
	rng := rand.New(rand.NewPCG(5, 6))
	for range 2000 {
		var b strings.Builder
		for range rng.IntN(8) {
			if rng.IntN(3) == 0 {
				b.WriteString(" ")
			}
			l := lits[rng.IntN(len(lits))]
			b.WriteString(l[:1+rng.IntN(len(l))])
		}
		check(b.String())
	}
	if found < 100 {
		t.Errorf("only %d of %d texts hold a cue's lead or a quantity's literal", found, checked)
	}
}
