package pipeline

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"testing/fstest"

	"github.com/google/go-cmp/cmp"
	"github.com/precedent-dev/precedent/internal/testenv"
)

func testRules(t testing.TB) *fieldRules {
	t.Helper()
	r, err := newFieldRules()
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestDates(t *testing.T) {
	r := testRules(t)
	type d struct{ Text, ISO string }
	tests := []struct {
		name, text string
		want       []d
	}{
		{"redactions", "XX/XX/XX: UR. XX/X/XX X/X/XX in XX/XXXX and XX/XX/XXXX", []d{{"XX/XX/XX", ""}, {"XX/X/XX", ""}, {"X/X/XX", ""}, {"XX/XXXX", ""}, {"XX/XX/XXXX", ""}}},
		{"two-digit years", "injury 6/17/95, UR 10-22-16, 1/1/39, 1/1/40", []d{{"6/17/95", "1995-06-17"}, {"10-22-16", "2016-10-22"}, {"1/1/39", "2039-01-01"}, {"1/1/40", "1940-01-01"}}},
		{"month and year", "injection 1/2014.", []d{{"1/2014", "2014-01"}}},
		{"four-digit", "Date Assigned: 11/18/2016", []d{{"11/18/2016", "2016-11-18"}}},
		{"month names", "injury of October 10, 2015. A November 8, 2016 date of service; Oct. 3rd 2014; 5 March 2013; in June 2012",
			[]d{{"October 10, 2015", "2015-10-10"}, {"November 8, 2016", "2016-11-08"}, {"Oct. 3rd 2014", "2014-10-03"}, {"5 March 2013", "2013-03-05"}, {"June 2012", "2012-06"}}},
		{"iso", "on 2016-11-18.", []d{{"2016-11-18", "2016-11-18"}}},
		{"not scores", "pain rated 8/10, strength 4/5, 4+/5", nil},
		{"not doses", "Norco 10/325mg, Percocet 5/325, 7.5/325 mg", nil},
		{"not levels", "L5/S1 and L4-5 and C5-6", nil},
		{"not fractions", "1/2 hour, 3/4 of the time, 30 1/2", nil},
		{"invalid month and day", "13/01/2016 2/30/2016 0/1/16 2/29/2015", nil},
		{"leap day", "2/29/2016", []d{{"2/29/2016", "2016-02-29"}}},
		{"glued", "x10/12/16 10/12/16x 10/12/16/4", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []d
			for _, x := range r.dates.find(tt.text) {
				got = append(got, d{x.Text, x.ISO})
				if tt.text[x.Start:x.End] != x.Text {
					t.Errorf("offsets %d:%d do not give %q", x.Start, x.End, x.Text)
				}
				if x.Redacted != (x.ISO == "") {
					t.Errorf("%q: redacted=%v iso=%q", x.Text, x.Redacted, x.ISO)
				}
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("find(%q) (-want +got):\n%s", tt.text, diff)
			}
		})
	}
}

func FuzzDates(f *testing.F) {
	r := testRules(f)
	for _, s := range []string{"XX/XX/XX: UR.", "6/17/95", "October 10, 2015", "Norco 10/325", "8/10", "1/2014", "\xff12/12/12\xfe"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		a, b := r.dates.find(s), r.dates.find(s)
		if !cmp.Equal(a, b) {
			t.Fatal("not deterministic")
		}
		last := 0
		for _, d := range a {
			if d.Start < last || d.End <= d.Start || d.End > len(s) || s[d.Start:d.End] != d.Text {
				t.Fatalf("bad date %+v", d)
			}
			if !d.Redacted && len(d.ISO) < 7 {
				t.Fatalf("unredacted date without iso: %+v", d)
			}
			last = d.End
		}
	})
}

func TestLevels(t *testing.T) {
	r := testRules(t)
	tests := []struct {
		text string
		want []string
	}{
		{"Facet joint injections L4-5, L5-S1", []string{"L4-L5", "L5-S1"}},
		{"L4-S1 fusion", []string{"L4-L5", "L5-S1"}},
		{"Left C5–C6 interlaminar", []string{"C5-C6"}},
		{"L5/S1 and T12-L1", []string{"L5-S1", "T12-L1"}},
		{"Bilateral S1 Sacroiliac Injection", []string{}},
		{"L5-L4 and L9-10", []string{}},
	}
	for _, tt := range tests {
		if diff := cmp.Diff(tt.want, r.levels(tt.text)); diff != "" {
			t.Errorf("levels(%q) (-want +got):\n%s", tt.text, diff)
		}
	}
}

func TestDescribeService(t *testing.T) {
	r := testRules(t)
	type sv struct {
		Procedure, Laterality, Guidance, Frequency string
		Sedation                                   bool
	}
	tests := []struct {
		text string
		want sv
	}{
		{"Bilateral S1 Sacroiliac Injection with IV Sedation", sv{"si_joint_injection", "bilateral", "", "", true}},
		{"Sacroiliac joint block, bilateral to be done every 3 months", sv{"si_joint_injection", "bilateral", "", "every 3 months", false}},
		{"Right L5-S1 Transforaminal Epidural Steroid Injection under Fluoroscopy", sv{"epidural_steroid_injection", "right", "fluoroscopy", "", false}},
		{"Left and right SI joint injection under ultrasound guidance with MAC", sv{"si_joint_injection", "bilateral", "ultrasound", "", true}},
		{"Continue physical therapy 3 times a week for 2 weeks", sv{"physical_therapy", "", "", "3 times a week for 2 weeks", false}},
		{"Associated surgical service: Physical therapy, times 12", sv{"physical_therapy", "", "", "", false}},
		{"Spine surgery evaluation for the lumbar", sv{"office_visit", "", "", "", false}},
		{"Lumbar epidural steroid injection with pain interventionist consult and treatment", sv{"epidural_steroid_injection", "", "", "", false}},
		{"Synapryn (10mg/1ml oral suspension) 500ml", sv{"medication", "", "", "", false}},
		{"Pulsed Ultrasound 2 times a week for 4 weeks", sv{"physical_therapy", "", "", "2 times a week for 4 weeks", false}},
		{"Labs to include: Chest X-ray", sv{"xray", "", "", "", false}},
		{"Widget", sv{}},
	}
	for _, tt := range tests {
		s := r.describeService(tt.text, 0, len(tt.text))
		got := sv{s.Procedure, s.Laterality, s.Guidance, s.Frequency, s.Sedation}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q (-want +got):\n%s", tt.text, diff)
		}
	}
}

func apply(t *testing.T, r *fieldRules, text string) *Case {
	t.Helper()
	c := &Case{Text: text, Outcome: "unknown", Services: []Service{}, Reviewer: Reviewer{Specialties: []string{}, Licensure: []string{}},
		Sections: []Section{{Name: "other", Start: 0, End: len(text)}}}
	r.apply(&caseDoc{c: c})
	return c
}

func TestIMRItems(t *testing.T) {
	r := testRules(t)
	text := "IMR ISSUES, DECISIONS AND RATIONALES\nThe Final Determination was based on decisions for the disputed items/services set forth below:\n" +
		"Chirophysio therapy two times a week for four weeks for the right elbow and right knee:\nUpheld\n" +
		"Claims Administrator guideline: Decision based on ODG.\nMAXIMUS guideline: Decision based on MTUS Chronic Pain.\n" +
		"Decision rationale: The MTUS is silent. Per ACOEM it is not medically necessary.\n" +
		"Flurbiprofen 20%, Baclofen 5%, Dexamethasone 2%, Menthol 2%, Capsaicin 0.025% in\ncream base: Overturned\n" +
		"Claims Administrator guideline: APS.\nMAXIMUS guideline: Decision based on Non-MTUS Citation Official Disability Guidelines.\n" +
		"Decision rationale: fine.\nChiropractic therapy sessions for the cervical spine, #8 was the original request.\n" +
		"Chiropractic therapy sessions for the cervical spine, #6 was authorized by the Claims\nAdministrator. The remaining IMR eligible portion of the original request, Chiropractic\ntherapy sessions for the cervical spine, #2 is: Upheld\n" +
		"Claims Administrator guideline: MTUS.\nMAXIMUS guideline: MTUS.\nDecision rationale: the original request, two visits is not medically necessary.\n" +
		"Ten acupuncture visits was the original request. Eight were authorized. The remaining IMR eligible portion of the original request, Two\nacupuncture visits: Upheld\n"
	c := apply(t, r, text)
	type item struct{ Text, Decision, Procedure string }
	var got []item
	for _, s := range c.Services {
		got = append(got, item{s.Text, s.Decision, s.Procedure})
		if text[s.Start:s.End] != s.Text {
			t.Errorf("bad offsets for %q", s.Text)
		}
	}
	want := []item{
		{"Chirophysio therapy two times a week for four weeks for the right elbow and right knee", "upheld", "chiropractic"},
		{"Flurbiprofen 20%, Baclofen 5%, Dexamethasone 2%, Menthol 2%, Capsaicin 0.025% in\ncream base", "overturned", "medication"},
		{"Chiropractic\ntherapy sessions for the cervical spine, #2", "upheld", "chiropractic"},
		{"Two\nacupuncture visits", "upheld", "acupuncture"},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("services (-want +got):\n%s", diff)
	}
	if c.Outcome != "partially_overturned" {
		t.Errorf("outcome %q", c.Outcome)
	}
	// ODG and APS appear only in the Claims Administrator's lines; MTUS
	// "is silent" in the rationale but MAXIMUS relies on it.
	if diff := cmp.Diff([]string{"ACOEM", "MTUS", "ODG"}, c.Guidelines); diff != "" {
		t.Errorf("guidelines (-want +got):\n%s", diff)
	}
}

func TestIROOutcome(t *testing.T) {
	r := testRules(t)
	head := "DESCRIPTION OF THE SERVICE OR SERVICES IN DISPUTE:\nRight SI joint injection\n\nREVIEW OUTCOME:\nshould be:\n"
	tail := "\nPATIENT CLINICAL HISTORY [SUMMARY]:\nHe is doing well. His pain. He says.\n"
	tests := []struct{ name, block, want string }{
		{"only one option", " Upheld     (Agree)\n", "upheld"},
		{"ballot box", "☐ Upheld (Agree)\n☒ Overturned (Disagree)\n☐ Partially Overturned (Agree in part/Disagree in part)\n", "overturned"},
		{"squares", "□ Upheld (Agree)\n□ Overturned (Disagree)\n■ Partially Overturned (Agree in part/Disagree in part)\n", "partially_overturned"},
		{"brackets", "[X] Upheld (Agree)\n[ ] Overturned (Disagree)\n[ ] Partially Overturned\n", "upheld"},
		{"no marks, all listed", "Upheld (Agree)\nOverturned (Disagree)\nPartially Overturned\n", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := apply(t, r, head+tt.block+tail)
			if c.Outcome != tt.want {
				t.Errorf("outcome %q, want %q", c.Outcome, tt.want)
			}
			if len(c.Services) != 1 || c.Services[0].Text != "Right SI joint injection" {
				t.Fatalf("services %+v", c.Services)
			}
			if c.Patient.Sex != "male" {
				t.Errorf("sex %q from pronouns", c.Patient.Sex)
			}
		})
	}
}

func TestReviewerAndPatient(t *testing.T) {
	r := testRules(t)
	tests := []struct {
		name, text string
		want       Reviewer
		age        int
		sex        string
	}{
		{"imr credentials",
			"HOW THE IMR FINAL DETERMINATION WAS MADE\nHe/she has been in active clinical practice for more than five years.\nState(s) of Licensure: Texas,New York,California\nCertification(s)/Specialty: Preventive Medicine, Occupational Medicine\nCLINICAL CASE SUMMARY\nThe applicant is a 34-year-old male who has filed a claim.",
			Reviewer{Specialties: []string{"Preventive Medicine", "Occupational Medicine"}, Licensure: []string{"Texas", "New York", "California"}, YearsExperience: ptr(5)}, 34, "male"},
		{"imr prose",
			"HOW THE IMR FINAL DETERMINATION WAS MADE\nThe expert reviewer is Board Certified in Anesthesiology, has a subspecialty in Pain Medicine and is licensed to practice in\nCalifornia. He/she has been in active clinical practice for more than five years.\nCLINICAL CASE SUMMARY\n46 year old female injured worker with date of injury 6/17/95. He/she his/her.",
			Reviewer{Specialties: []string{"Anesthesiology", "Pain Medicine"}, Licensure: []string{"California"}, BoardCertified: ptr(true), YearsExperience: ptr(5)}, 46, "female"},
		{"iro",
			"A DESCRIPTION OF THE QUALIFICATIONS FOR EACH PHYSICIAN OR OTHER HEALTH CARE PROVIDER WHO REVIEWED THE DECISION:\nThis case was reviewed by a Board Certified Doctor of Orthopedic Surgery with over 18 years of experience.\nREVIEW OUTCOME:\nUpheld\nPATIENT CLINICAL HISTORY [SUMMARY]:\nThe patient is a 52 year-old woman.",
			Reviewer{Specialties: []string{"Orthopedic Surgery"}, Licensure: []string{}, BoardCertified: ptr(true), YearsExperience: ptr(18)}, 52, "female"},
		{"he/she is not a cue",
			"HOW THE IMR FINAL DETERMINATION WAS MADE\nHe/she has no affiliation. He/she is familiar.\nCLINICAL CASE SUMMARY\nThe injured worker reported pain. He/she, his/her, him/her.",
			Reviewer{Specialties: []string{}, Licensure: []string{}}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := apply(t, r, tt.text)
			if diff := cmp.Diff(tt.want, c.Reviewer); diff != "" {
				t.Errorf("reviewer (-want +got):\n%s", diff)
			}
			age := 0
			if c.Patient.Age != nil {
				age = *c.Patient.Age
			}
			if age != tt.age || c.Patient.Sex != tt.sex {
				t.Errorf("patient %d %q, want %d %q", age, c.Patient.Sex, tt.age, tt.sex)
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

func TestHeaderLayouts(t *testing.T) {
	r := testRules(t)
	columns := "Case Number:\nDate Assigned:\nDecision Date:\nPriority:\n\nCM16-0219557\n11/18/2016\n12/19/2016\nStandard\n\nDate of Injury:\nUR Denial Date:\nApplication\nReceived:\n\n10/10/2016\n11/09/2016\n11/14/2016\n\nHOW THE IMR FINAL DETERMINATION WAS MADE\n"
	lines := "Case Number:          CM16-0219557\nDate Assigned:        11/18/2016                      Date of Injury:      10/10/2016\nDecision Date:        12/19/2016                      UR Denial Date:      11/09/2016\nPriority:             Standard                        Application          11/14/2016\n                                                      Received:\n\nHOW THE IMR FINAL DETERMINATION WAS MADE\n"
	for name, text := range map[string]string{"columns": columns, "lines": lines} {
		c := apply(t, r, text)
		got := []string{c.CaseNumber, iso(c.DateOfInjury), iso(c.DecisionDate), iso(c.URDenialDate)}
		want := []string{"CM16-0219557", "2016-10-10", "2016-12-19", "2016-11-09"}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Errorf("%s (-want +got):\n%s", name, diff)
		}
	}
	// IRO: blank case number, redacted UR date from the entry header.
	c := apply(t, r, " IRO CASE #:  \n\nDESCRIPTION OF THE SERVICE OR SERVICES IN DISPUTE:\nX\nPATIENT CLINICAL HISTORY [SUMMARY]:\nXX/XX/XX: Office Visit.\nXX/XX/XX: UR. Rationale for Denial.\n")
	if c.CaseNumber != "" || c.URDenialDate == nil || !c.URDenialDate.Redacted || c.URDenialDate.Start != strings.Index(c.Text, "XX/XX/XX: UR") {
		t.Errorf("IRO header: %q %+v", c.CaseNumber, c.URDenialDate)
	}
}

func iso(d *Date) string {
	if d == nil {
		return "<nil>"
	}
	return d.ISO
}

// TestRuleFileErrors checks that a bad entry in each data file is reported
// as file:line.
func TestRuleFileErrors(t *testing.T) {
	base := fstest.MapFS{}
	files, _ := fs.Glob(fieldData, "data/*.yaml")
	for _, f := range files {
		b, _ := fieldData.ReadFile(f)
		base[filepath.Base(f)] = &fstest.MapFile{Data: b}
	}
	if _, err := loadFieldRules(base, nil); err != nil {
		t.Fatalf("copy of embedded rules rejected: %v", err)
	}
	tests := []struct{ file, old, new, want string }{
		{"dates.yaml", "patterns:\n", "patterns:\n  - '(?P<m>\\d+)('\n", "dates.yaml:32: bad regexp"},
		{"dates.yaml", "patterns:\n", "patterns:\n  - '(?P<d>\\d+)'\n", "dates.yaml:32: regexp lacks group"},
		{"dates.yaml", "months:\n", "monthz: 3\nmonths:\n", "dates.yaml:6"},
		{"letter.yaml", "  - field: date_assigned\n", "  - field: date_assigned\n    colour: red\n", "letter.yaml:"},
		{"letter.yaml", "    value: word\n", "    value: nonsense\n", "letter.yaml:"},
		{"letter.yaml", "  - field: ur_denial_date\n    after:", "  - field: birthday\n    after:", "letter.yaml:"},
		{"services.yaml", "  - code: office_visit\n", "  - code: no_such_code\n", "services.yaml:"},
		{"services.yaml", "  - outcome: upheld\n", "  - outcome: maybe\n", "services.yaml:"},
		{"reviewer.yaml", "    terms: [anesthesiology,", "    terms: [orthopedic surgery, anesthesiology,", "reviewer.yaml:"},
		{"patient.yaml", "min_pronouns: 3", "min_pronouns: x", "patient.yaml:"},
		{"guidelines.yaml", "cited_in: [", "cited_in: [nowhere, ", "guidelines.yaml"},
		{"guidelines.yaml", "    terms: [american pain society]", "    terms: [american pain society, interqual]", "guidelines.yaml:"},
	}
	for _, tt := range tests {
		t.Run(tt.file+" "+tt.new, func(t *testing.T) {
			fsys := fstest.MapFS{}
			for k, v := range base {
				fsys[k] = v
			}
			src := string(base[tt.file].Data)
			if !strings.Contains(src, tt.old) {
				t.Fatalf("%s lacks %q", tt.file, tt.old)
			}
			fsys[tt.file] = &fstest.MapFile{Data: []byte(strings.Replace(src, tt.old, tt.new, 1))}
			_, err := loadFieldRules(fsys, nil)
			var re *RuleError
			if !errors.As(err, &re) {
				t.Fatalf("error %v is not a *RuleError", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) {
				t.Errorf("error %q, want prefix %q", err, tt.want)
			}
			if strings.HasSuffix(tt.want, ":") && re.Line == 0 {
				t.Errorf("error %q has no line", err)
			}
		})
	}
}

// TestCorpusFields runs the pdftotext text of every corpus letter through
// the pipeline and checks that each gets the letter-level fields.
func TestCorpusFields(t *testing.T) {
	pdfs := testenv.CorpusPDFs(t)
	pdftotext := testenv.Pdftotext(t)
	p, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	// pdftotext is slow to start here: run several at once.
	texts := make([][]byte, len(pdfs))
	errs := make([]error, len(pdfs))
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i, f := range pdfs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			texts[i], errs[i] = exec.Command(pdftotext, f, "-").Output()
		}()
	}
	wg.Wait()
	counts := map[string]int{}
	for i, f := range pdfs {
		if errs[i] != nil {
			t.Fatalf("pdftotext %s: %v", filepath.Base(f), errs[i])
		}
		c, err := p.ExtractBytes(context.Background(), f+".txt", texts[i])
		if err != nil {
			t.Fatal(err)
		}
		name := filepath.Base(f)
		want := strings.TrimSuffix(name, ".pdf")
		if c.CaseNumber != want {
			t.Errorf("%s: case number %q", name, c.CaseNumber)
		}
		if c.DateOfInjury == nil || c.DecisionDate == nil || c.URDenialDate == nil {
			t.Errorf("%s: header dates %v %v %v", name, c.DateOfInjury, c.DecisionDate, c.URDenialDate)
		}
		if len(c.Services) == 0 {
			t.Errorf("%s: no services", name)
		}
		for _, s := range c.Services {
			if s.Decision != "upheld" && s.Decision != "overturned" {
				t.Errorf("%s: service %q has decision %q", name, s.Text, s.Decision)
			}
			if c.Text[s.Start:s.End] != s.Text {
				t.Errorf("%s: bad service offsets", name)
			}
			if s.Procedure != "" {
				counts["procedure"]++
			}
			counts["services"]++
		}
		if c.Outcome == "unknown" {
			t.Errorf("%s: outcome unknown", name)
		}
		if c.Patient.Age != nil {
			counts["age"]++
		}
		if c.Patient.Sex != "" {
			counts["sex"]++
		}
		if len(c.Reviewer.Specialties) > 0 {
			counts["specialties"]++
		}
		if len(c.Reviewer.Licensure) > 0 {
			counts["licensure"]++
		}
		if c.Reviewer.YearsExperience != nil {
			counts["years"]++
		}
		if len(c.Guidelines) > 0 {
			counts["guidelines"]++
		} else {
			t.Logf("%s: no guideline", name)
		}
		for _, d := range c.Dates {
			if c.Text[d.Start:d.End] != d.Text {
				t.Errorf("%s: bad date offsets", name)
			}
		}
	}
	n := len(pdfs)
	t.Logf("letters %d, services %d (procedure known %d), age %d, sex %d, specialties %d, licensure %d, years %d, guidelines %d",
		n, counts["services"], counts["procedure"], counts["age"], counts["sex"], counts["specialties"], counts["licensure"], counts["years"], counts["guidelines"])
	// Every corpus letter states age, sex, specialty, licensure and years of
	// practice (one letter, CM16-0229336, cites only web pages: no guideline).
	for _, k := range []string{"age", "sex", "specialties", "licensure", "years"} {
		if counts[k] != n {
			t.Errorf("%s found in %d of %d letters", k, counts[k], n)
		}
	}
}

// BenchmarkLetterFields runs the fields, rule-text and timeline stages on the
// IRO seed (loaded and split once, outside the timed loop), each stage on a
// fresh record per iteration:
//
//	go test -run='^$' -bench=LetterFields -benchmem -cpu 1 ./pipeline
func BenchmarkLetterFields(b *testing.B) {
	data, err := os.ReadFile(filepath.Join(lettersDir, "iro_si_injection_upheld.txt"))
	if err != nil {
		b.Fatal(err)
	}
	p := newTestPipeline(b)
	doc, err := p.loader.Load(context.Background(), "seed.txt", data)
	if err != nil {
		b.Fatal(err)
	}
	sents := p.splitter.Split(doc.Text)
	fresh := func() *caseDoc { return &caseDoc{c: p.newCase(doc), sents: sents} }
	done := fresh()
	p.fields.apply(done)
	done.guide = p.ruleText.ranges(done)
	b.Run("fields", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			p.fields.apply(fresh())
		}
	})
	b.Run("ruletext", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			d := *done
			d.guide = nil
			_ = p.ruleText.ranges(&d)
		}
	})
	b.Run("timeline", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			c := *done.c
			c.Encounters = []Encounter{}
			d := *done
			d.c = &c
			p.timeline.apply(&d)
		}
	})
}
