package pipeline

import (
	"context"
	"fmt"
	"io/fs"
	"math/rand"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/precedent-dev/precedent/internal/testenv"

	"github.com/google/go-cmp/cmp"
)

func loadTimelineRules(t testing.TB) *timelineRules {
	t.Helper()
	data, err := fs.Sub(fieldData, "data")
	if err != nil {
		t.Fatal(err)
	}
	r, err := newTimelineRules(data)
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// TestTimelineRuleExamples runs the examples of every pattern of
// timeline.yaml: each match example must match at its start, each no_match
// example must not.
func TestTimelineRuleExamples(t *testing.T) {
	r := loadTimelineRules(t)
	check := func(t *testing.T, name string, match func(string) bool, must, mustNot []string) {
		if len(must) == 0 {
			t.Errorf("%s: no match example", name)
		}
		for _, ex := range must {
			if !match(ex) {
				t.Errorf("%s: does not match %q", name, ex)
			}
		}
		for _, ex := range mustNot {
			if match(ex) {
				t.Errorf("%s: matches %q", name, ex)
			}
		}
	}
	for i, h := range r.f.Headings {
		check(t, fmt.Sprintf("heading %d (line %d)", i+1, h.Pattern.Line), h.re.MatchString, h.Match, h.NoMatch)
	}
	for i, c := range r.f.Cues {
		check(t, fmt.Sprintf("cue %d (line %d)", i+1, c.Pattern.Line), c.re.MatchString, c.Match, c.NoMatch)
	}
	for i, e := range r.f.Ends {
		check(t, fmt.Sprintf("end %d (line %d)", i+1, e.Pattern.Line), e.re.MatchString, e.Match, e.NoMatch)
	}
	for _, ty := range r.f.Types {
		// A title gets the first type that matches it.
		first := func(title string) bool {
			for _, u := range r.f.Types {
				if u.Pattern.MatchString(title) {
					return u.Type == ty.Type
				}
			}
			return false
		}
		check(t, "type "+ty.Type, first, ty.Match, ty.NoMatch)
	}
}

// TestTimelineRuleErrors checks that bad rule files are rejected with the
// file and line.
func TestTimelineRuleErrors(t *testing.T) {
	base := "zones: [clinical_summary]\nwindow: 200\nmax_title: 80\ndate: '\\d+/\\d+/\\d+'\n"
	tests := []struct{ name, data, want string }{
		{"unknown key", base + "colour: red\n", "timeline.yaml:5: unknown field colour"},
		{"no rules", base, "timeline.yaml: zones and headings or cues are required"},
		{"bad regexp", base + "headings:\n  - pattern: '(?P<title>x'\n", "timeline.yaml:6: bad regexp"},
		{"cue without date", base + "cues:\n  - pattern: 'Per (?P<title>x)'\n", "timeline.yaml:6: a cue needs {date}"},
		{"no title no type", base + "cues:\n  - pattern: 'On {date}'\n", "timeline.yaml:6: a rule without"},
		{"bad type", base + "cues:\n  - pattern: 'On {date}'\n    type: visit\n", "timeline.yaml:6: unknown type"},
		{"small window", "zones: [x]\nwindow: 3\nmax_title: 80\ndate: 'x'\ncues:\n  - pattern: '{date}'\n    type: ur\n", "timeline.yaml: window"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := newTimelineRules(fstest.MapFS{"timeline.yaml": {Data: []byte(tt.data)}})
			if err == nil || !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %v, want prefix %q", err, tt.want)
			}
		})
	}
}

// An encounterWant is what a test expects of one encounter.
type encounterWant struct {
	Type, Title, Date string
	// Starts and Ends are the first and last words of its text.
	Starts, Ends string
}

func encounterWants(c *Case) []encounterWant {
	var out []encounterWant
	for _, e := range c.Encounters {
		w := encounterWant{Type: e.Type, Title: e.Title}
		if e.Date != nil {
			w.Date = e.Date.Text
		}
		f := strings.Fields(e.Text)
		w.Starts, w.Ends = strings.Join(f[:min(3, len(f))], " "), f[len(f)-1]
		out = append(out, w)
	}
	return out
}

const (
	iroHead = "IRO CASE #: 1\n\nDESCRIPTION OF THE SERVICE OR SERVICES IN DISPUTE:\nLumbar MRI\n\nPATIENT CLINICAL HISTORY [SUMMARY]:\n\n"
	iroTail = "\nANALYSIS AND EXPLANATION OF THE DECISION:\nOn 10/12/2016, the patient was seen. Per progress report dated 10/16/14, he was better. The request is upheld.\n"
	imrHead = "HOW THE IMR FINAL DETERMINATION WAS MADE\n\nThe expert reviewer is Board Certified.\n\nCLINICAL CASE SUMMARY\n\nThe expert reviewer developed the following clinical case summary based on a review of the case file, including all medical records:\n\n"
	imrTail = "\nIMR ISSUES, DECISIONS AND RATIONALES\n\nPhysical therapy 12 sessions: Upheld\n\nDecision rationale: Per progress report dated 11/02/2016, the ODG recommends therapy.\n"
)

// TestTimelineTable runs short letters through the pipeline and compares
// their encounters.
func TestTimelineTable(t *testing.T) {
	p := newTestPipeline(t)
	tests := []struct {
		name string
		text string
		want []encounterWant
	}{
		{
			name: "IRO entries with redacted dates, through a page break, not into the analysis",
			text: iroHead + "The patient is a 40-year-old male injured on XX/XX/XX.\n\n" +
				"XX/XX/XX: Office Visit. HPI: Pt c/o low back pain. Tenderness to\n\npalpation at left L5/S1. Plan: PT.\n\n" +
				"XX/X/XX: AP Views and Extension Views of Lumbar Spine. Impression: fusion.\n\n" +
				"XX/XX/XX: Operative Report. Procedure: injection.\n\n" +
				"XX/XX/XX: UR. Rationale for Denial: On XX/XX/XX, the patient was seen. Not medically necessary.\n" + iroTail,
			want: []encounterWant{
				{"office_visit", "Office Visit", "XX/XX/XX", "XX/XX/XX: Office Visit.", "PT."},
				{"imaging", "AP Views and Extension Views of Lumbar Spine", "XX/X/XX", "XX/X/XX: AP Views", "fusion."},
				{"operative_report", "Operative Report", "XX/XX/XX", "XX/XX/XX: Operative Report.", "injection."},
				{"ur", "UR", "XX/XX/XX", "XX/XX/XX: UR. Rationale", "necessary."},
			},
		},
		{
			name: "IRO dated document entries and an undated therapy note",
			text: iroHead + "MRI of the lumbar spine dated 01/05/2016 revealed a disc protrusion at L4-5.\n\n" +
				"Physical therapy note: Pt attended 6 sessions.\n\n" +
				"01/20/2016: Office Visit. Plan: ESI.\n" + iroTail,
			want: []encounterWant{
				{"imaging", "MRI of the lumbar spine", "01/05/2016", "MRI of the", "L4-5."},
				{"therapy_note", "Physical therapy note", "", "Physical therapy note:", "sessions."},
				{"office_visit", "Office Visit", "01/20/2016", "01/20/2016: Office Visit.", "ESI."},
			},
		},
		{
			name: "IMR visits: to the next one, a record-level sentence or the paragraph end",
			text: imrHead + "The applicant is a 34-year-old male injured on October 10, 2015. " +
				"In a utilization review report dated November 15, 2016, the claims administrator failed to approve facet injections. " +
				"The claims administrator referenced a November 8, 2016 date of service. " +
				"On October 28, 2016, the applicant reported low back pain. He was placed off work. " +
				"Treatment to date has included medications. " +
				"On a progress report dated October 14, 2016, the applicant had pain 7/10.\n\n" +
				"The applicant is using a cane.\n" + imrTail,
			want: []encounterWant{
				{"ur", "utilization review report", "November 15, 2016", "In a utilization", "service."},
				{"progress_report", "", "October 28, 2016", "On October 28,", "work."},
				{"progress_report", "progress report", "October 14, 2016", "On a progress", "7/10."},
			},
		},
		{
			name: "IMR seed form",
			text: imrHead + "46 year old female injured worker with date of injury 6/17/95 with related back pain. Per\nprogress report dated 10/16/14, the injured worker complained of back pain rated 8/10. " +
				"Sensation was decreased. The documentation submitted for review did not state whether physical therapy was utilized. The date of UR decision was 10/31/14.\n" + imrTail,
			want: []encounterWant{
				{"progress_report", "progress report", "10/16/14", "Per progress report", "decreased."},
				{"ur", "date of UR decision", "10/31/14", "The date of", "10/31/14."},
			},
		},
		{
			name: "no history zone: no encounter",
			text: "DESCRIPTION OF THE SERVICE OR SERVICES IN DISPUTE:\nLumbar MRI\n\nANALYSIS AND EXPLANATION OF THE DECISION:\nXX/XX/XX: Office Visit. HPI: back pain.\nPer progress report dated 10/16/14, he was seen.\n",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := p.ExtractBytes(context.Background(), "t.txt", []byte(tt.text))
			if err != nil {
				t.Fatal(err)
			}
			if diff := cmp.Diff(tt.want, encounterWants(c)); diff != "" {
				t.Errorf("encounters (-want +got):\n%s", diff)
			}
			checkEncounters(t, c)
		})
	}
}

// checkEncounters checks the invariants of c.Encounters: indexed in order,
// sorted, non-overlapping, inside the clinical history, text and date
// consistent.
func checkEncounters(t *testing.T, c *Case) {
	t.Helper()
	prevEnd := 0
	for i, e := range c.Encounters {
		if e.Index != i {
			t.Errorf("encounter %d has index %d", i, e.Index)
		}
		if e.Start < prevEnd || e.End <= e.Start || e.End > len(c.Text) {
			t.Fatalf("encounter %d [%d,%d) after %d: not sorted, empty or out of bounds", i, e.Start, e.End, prevEnd)
		}
		prevEnd = e.End
		if c.Text[e.Start:e.End] != e.Text {
			t.Errorf("encounter %d: text does not match offsets", i)
		}
		if s := sectionAt(c.Sections, e.Start); s != "clinical_summary" {
			t.Errorf("encounter %d starts in zone %q", i, s)
		}
		if s := sectionAt(c.Sections, e.End-1); s != "clinical_summary" && s != "guideline_quote" {
			t.Errorf("encounter %d ends in zone %q", i, s)
		}
		if e.Date != nil && (e.Date.Start < e.Start || e.Date.End > e.End) {
			t.Errorf("encounter %d: date outside it", i)
		}
		if !knownType(e.Type) {
			t.Errorf("encounter %d: type %q", i, e.Type)
		}
		for k := e.Start; k < e.End; k++ {
			if got := encounterIndex(c, k); got != i {
				t.Fatalf("offset %d of encounter %d: encounterAt says %d", k, i, got)
			}
		}
	}
}

// encounterIndex is the encounterAt of c, -1 for nil.
func encounterIndex(c *Case, pos int) int {
	d := &caseDoc{c: c}
	if k := d.encounterAt(pos); k != nil {
		return *k
	}
	return -1
}

// TestTimelineSeeds checks the encounters of both seeds.
func TestTimelineSeeds(t *testing.T) {
	p := newTestPipeline(t)
	iro := extractFixture(t, p, "iro_si_injection_upheld.txt")
	checkEncounters(t, iro)
	var types, titles []string
	for _, e := range iro.Encounters {
		types = append(types, e.Type)
		titles = append(titles, e.Title)
		if e.Date == nil || !e.Date.Redacted {
			t.Errorf("IRO encounter %d: date %v, want a redacted date", e.Index, e.Date)
		}
	}
	wantTypes := []string{
		"office_visit", "office_visit", "imaging", "operative_report", "office_visit", "imaging",
		"office_visit", "office_visit", "operative_report", "office_visit", "office_visit",
		"operative_report", "office_visit", "ur", "ur",
	}
	if diff := cmp.Diff(wantTypes, types); diff != "" {
		t.Errorf("IRO encounter types (-want +got):\n%s", diff)
	}
	if titles[2] != "AP Views and Extension Views of Lumbar Spine" || titles[5] != "AP Views, Flexion and Extension Views of Lumbar Spine" {
		t.Errorf("IRO imaging titles %q, %q", titles[2], titles[5])
	}
	// The first UR entry is cut by a quoted guideline sentence: it runs on.
	ur := iro.Encounters[13]
	if !strings.Contains(ur.Text, "ODG guidelines do not recommend") || !strings.HasSuffix(ur.Text, "the request is not recommended.") {
		t.Errorf("first UR entry %q", ur.Text)
	}
	last := iro.Encounters[len(iro.Encounters)-1]
	if strings.Contains(last.Text, "ANALYSIS") {
		t.Errorf("last entry runs into the analysis: %q", last.Text)
	}
	// The exam of the follow-up visit belongs to it.
	if k := encounterIndex(iro, strings.Index(iro.Text, "Positive right sided figure 4 test")); k != 10 {
		t.Errorf("figure 4 test in encounter %d, want 10", k)
	}

	imr := extractFixture(t, p, "imr_si_block_upheld.txt")
	checkEncounters(t, imr)
	got := encounterWants(imr)
	want := []encounterWant{
		{"progress_report", "progress report", "10/16/14", "Per progress report", "distribution."},
		{"ur", "date of UR decision", "10/31/14", "The date of", "10/31/14."},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("IMR encounters (-want +got):\n%s", diff)
	}
	for _, s := range []string{"rated 8/10", "7/10", "4/5"} {
		if encounterIndex(imr, strings.Index(imr.Text, s)) != 0 {
			t.Errorf("%q is not in the progress report encounter", s)
		}
	}
	if k := encounterIndex(imr, strings.Index(imr.Text, "did not state whether physical therapy")); k != -1 {
		t.Errorf("record-level sentence in encounter %d", k)
	}
}

// FuzzTimeline checks the invariants of encounters on any text, run through
// the whole pipeline: no panic, in bounds, sorted, non-overlapping, and the
// same twice.
func FuzzTimeline(f *testing.F) {
	for _, s := range []string{
		iroHead + "XX/XX/XX: Office Visit. HPI: back pain.\n\nXX/XX/XX: UR. Denied.\n" + iroTail,
		imrHead + "Per progress report dated 10/16/14, pain 8/10. The date of UR decision was 10/31/14.\n" + imrTail,
		imrHead + "On 10-31-16, she complained of pain.\n\nOn October 14, 2016, the applicant reported pain." + imrTail,
		"PATIENT CLINICAL HISTORY [SUMMARY]:\nXX/XX/XX:",
		"CLINICAL CASE SUMMARY\nOn 1/1/11,",
		"PATIENT CLINICAL HISTORY:\n\n01/01/2011: \n\n\n",
	} {
		f.Add(s)
	}
	p, err := New(Options{})
	if err != nil {
		f.Fatal(err)
	}
	f.Cleanup(func() { p.Close() })
	f.Fuzz(func(t *testing.T, text string) {
		c1, err := p.ExtractBytes(context.Background(), "f.txt", []byte(text))
		if err != nil {
			return // not a letter
		}
		checkEncounters(t, c1)
		checkCare(t, c1)
		c2, err := p.ExtractBytes(context.Background(), "f.txt", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if !cmp.Equal(c1.Encounters, c2.Encounters) || !cmp.Equal(c1.ConservativeCare, c2.ConservativeCare) {
			t.Errorf("not deterministic")
		}
	})
}

// TestCorpusTimelineCare runs the timeline and care stages over the corpus
// letters: invariants on every letter, and coverage that would drop if a
// rule broke.
func TestCorpusTimelineCare(t *testing.T) {
	pdfs := testenv.CorpusPDFs(t)
	p := newTestPipeline(t)
	withEnc, withCare, encs, care := 0, 0, 0, 0
	types := map[string]int{}
	for i, f := range pdfs {
		c, err := p.ExtractFile(context.Background(), f)
		if err != nil {
			t.Fatalf("%s: %v", filepath.Base(f), err)
		}
		checkEncounters(t, c)
		checkCare(t, c)
		if len(c.Encounters) > 0 {
			withEnc++
		}
		if len(c.ConservativeCare) > 0 {
			withCare++
		}
		encs += len(c.Encounters)
		care += len(c.ConservativeCare)
		for _, e := range c.Encounters {
			types[e.Type]++
		}
		if i%20 == 0 && testing.Verbose() { // a sample to read
			for _, e := range c.Encounters {
				t.Logf("%s: encounter %d %s %q: %.80q", filepath.Base(f), e.Index, e.Type, e.Title, e.Text)
			}
			for _, k := range c.ConservativeCare {
				t.Logf("%s: care %s %s guideline=%v: %.80q", filepath.Base(f), k.Modality, k.Status, k.InGuideline, k.Text)
			}
		}
	}
	n := len(pdfs)
	t.Logf("%d letters: %d with encounters (%d in all, %v), %d with conservative care (%d items)", n, withEnc, encs, types, withCare, care)
	if withEnc*10 < n*9 {
		t.Errorf("only %d of %d letters have an encounter", withEnc, n)
	}
	if withCare*10 < n*8 {
		t.Errorf("only %d of %d letters mention conservative care", withCare, n)
	}
	if types["other"]*3 > encs {
		t.Errorf("%d of %d encounters have type other", types["other"], encs)
	}
}

// TestJoinFields compares joinFields with strings.Join(strings.Fields(s),
// " ") on titles and random strings of words and white space.
func TestJoinFields(t *testing.T) {
	texts := []string{"", "Office Visit", "Office  Visit", " UR", "UR ", "MRI\tLumbar", "a\u00a0b", "a\u0085b", "Op\nNote", "x\vy", "Views, Flexion and Extension"}
	parts := []string{"a", "Visit", " ", " ", "  ", "\t", "\n", "\r", "\f", "\v", "\u00a0", "\u2003", "é", ".", "/"}
	rnd := rand.New(rand.NewSource(1))
	for range 5000 {
		var b strings.Builder
		for range rnd.Intn(8) {
			b.WriteString(parts[rnd.Intn(len(parts))])
		}
		texts = append(texts, b.String())
	}
	same := 0
	for _, s := range texts {
		want := strings.Join(strings.Fields(s), " ")
		if got := joinFields(s); got != want {
			t.Errorf("joinFields(%q) = %q, want %q", s, got, want)
		}
		if want == s {
			same++
		}
	}
	if same < 100 {
		t.Errorf("only %d texts already joined: the fast path is not tested", same)
	}
}

// BenchmarkTimelineCare measures the timeline and care stages together on
// the IRO seed (the text pipeline must reach 1,000 letters/s on one core;
// these two stages should take well under 0.2 ms).
func BenchmarkTimelineCare(b *testing.B) {
	p := newTestPipeline(b)
	c := extractFixture(b, p, "iro_si_injection_upheld.txt")
	d := &caseDoc{c: c, sents: p.splitter.Split(c.Text)}
	d.guide = p.ruleText.ranges(d)
	b.ReportAllocs()
	for b.Loop() {
		c.Encounters, c.ConservativeCare = c.Encounters[:0], c.ConservativeCare[:0]
		p.timeline.apply(d)
		p.care.apply(d)
	}
	if len(c.Encounters) != 15 || len(c.ConservativeCare) == 0 {
		b.Fatalf("%d encounters, %d care items", len(c.Encounters), len(c.ConservativeCare))
	}
}
