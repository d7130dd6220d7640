package extract

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"unicode"

	"github.com/google/go-cmp/cmp"
	"github.com/precedent-dev/precedent/fixtures"
	"github.com/precedent-dev/precedent/internal/testenv"
)

// update is shared by the golden tests of package extract.
var update = flag.Bool("update", false, "rewrite golden files")

func newTestSectioner(t testing.TB) *Sectioner {
	t.Helper()
	s, err := NewSectioner(nil)
	if err != nil {
		t.Fatalf("NewSectioner(nil): %v", err)
	}
	return s
}

// sectionsFixture reads a fixture letter (UTF-8 text).
func sectionsFixture(t testing.TB, name string) string {
	t.Helper()
	b, err := fs.ReadFile(fixtures.Letters, "letters/"+name)
	if err != nil {
		t.Fatalf("fixture %s: %v", name, err)
	}
	return string(b)
}

// checkPartition checks the invariants of a zone list: sorted, contiguous,
// non-empty zones, from the first non-blank byte of text to its end.
func checkPartition(text string, zs []Section) error {
	first := len(text) - len(strings.TrimLeftFunc(text, unicode.IsSpace))
	if first == len(text) {
		if len(zs) != 0 {
			return fmt.Errorf("blank text has %d zones", len(zs))
		}
		return nil
	}
	if len(zs) == 0 {
		return errors.New("no zones")
	}
	if zs[0].Start != first {
		return fmt.Errorf("first zone starts at %d, want %d", zs[0].Start, first)
	}
	if zs[len(zs)-1].End != len(text) {
		return fmt.Errorf("last zone ends at %d, want %d", zs[len(zs)-1].End, len(text))
	}
	for i, z := range zs {
		if z.Name == "" || !zoneNameRE.MatchString(z.Name) {
			return fmt.Errorf("zone %d: bad name %q", i, z.Name)
		}
		if z.Start < 0 || z.End > len(text) || z.Start >= z.End {
			return fmt.Errorf("zone %d (%s): bad span %d-%d", i, z.Name, z.Start, z.End)
		}
		if i > 0 && zs[i-1].End != z.Start {
			return fmt.Errorf("zone %d (%s) starts at %d, previous ends at %d", i, z.Name, z.Start, zs[i-1].End)
		}
		if strings.ContainsAny(z.Title, "\n\r") || z.Title != strings.TrimSpace(z.Title) {
			return fmt.Errorf("zone %d: title %q not one trimmed line", i, z.Title)
		}
	}
	return nil
}

// formatZones writes one line per zone: name, start, end, title and, when
// withText, the first 40 bytes of the zone (quoted).
func formatZones(text string, zs []Section, withText bool) string {
	var b strings.Builder
	for _, z := range zs {
		fmt.Fprintf(&b, "%s\t%d\t%d\t%q", z.Name, z.Start, z.End, z.Title)
		if withText {
			head := text[z.Start:z.End]
			if len(head) > 40 {
				head = head[:40]
			}
			fmt.Fprintf(&b, "\t%q", head)
		}
		b.WriteByte('\n')
	}
	return b.String()
}

func checkGolden(t *testing.T, path, got string) {
	t.Helper()
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if d := cmp.Diff(string(want), got); d != "" {
		t.Errorf("%s mismatch (-want +got):\n%s", path, d)
	}
}

// sectionLetters are the UTF-8 fixture letters with zone goldens.
var sectionLetters = []string{
	"iro_si_injection_upheld.txt",
	"imr_si_block_upheld.txt",
	"iro_brackets_overturned.txt",
	"iro_partial_numbered.txt",
	"iro_esi_overturned.txt",
	"iro_mri_upheld.txt",
	"imr_mixed_items.txt",
	"imr_facet_rfa_overturned.txt",
	"imr_page_damage.txt",
}

func TestSectionsGolden(t *testing.T) {
	s := newTestSectioner(t)
	for _, name := range sectionLetters {
		t.Run(name, func(t *testing.T) {
			text := sectionsFixture(t, name)
			zs := s.Sections(text)
			if err := checkPartition(text, zs); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, filepath.Join("testdata", "sections", strings.TrimSuffix(name, ".txt")+".sections"), formatZones(text, zs, true))
		})
	}
}

// zoneAt returns the zone containing offset i.
func zoneAt(zs []Section, i int) Section {
	for _, z := range zs {
		if z.Start <= i && i < z.End {
			return z
		}
	}
	return Section{}
}

func TestSectionsSeedQuotes(t *testing.T) {
	s := newTestSectioner(t)
	t.Run("imr", func(t *testing.T) {
		text := sectionsFixture(t, "imr_si_block_upheld.txt")
		zs := s.Sections(text)
		silent := strings.Index(text, "The MTUS is silent")
		per := strings.Index(text, "Per ODG TWC")
		as := strings.Index(text, "As the \n\nrequest is for ongoing")
		if as < 0 {
			as = strings.Index(text, "As the")
		}
		if silent < 0 || per < 0 || as < 0 {
			t.Fatal("seed text changed")
		}
		if z := zoneAt(zs, silent); z.Name != "analysis" {
			t.Errorf("'The MTUS is silent' is in %q, want analysis", z.Name)
		}
		q := zoneAt(zs, per)
		if q.Name != "guideline_quote" || q.Start != per || q.End != as {
			t.Errorf("quote = %+v, want guideline_quote %d-%d", q, per, as)
		}
		if z := zoneAt(zs, as); z.Name != "analysis" {
			t.Errorf("'As the request' is in %q, want analysis", z.Name)
		}
		item := zoneAt(zs, strings.Index(text, "Sacroiliac joint block"))
		if item.Name != "decision_item" || item.Title != "Sacroiliac joint block, bilateral to be done every 3 months: Upheld" {
			t.Errorf("item zone = %+v", item)
		}
	})
	t.Run("iro", func(t *testing.T) {
		text := sectionsFixture(t, "iro_si_injection_upheld.txt")
		zs := s.Sections(text)
		per := strings.Index(text, "Per ODG:")
		crit := strings.Index(text, "A DESCRIPTION AND THE SOURCE")
		q := zoneAt(zs, per)
		if q.Name != "guideline_quote" || q.Start != per || q.End != crit {
			t.Errorf("quote = %+v, want guideline_quote %d-%d", q, per, crit)
		}
		z := zoneAt(zs, crit)
		want := "A DESCRIPTION AND THE SOURCE OF THE SCREENING CRITERIA OR OTHER CLINICAL BASIS USED TO MAKE THE DECISION:"
		if z.Name != "criteria_sources" || z.Title != want {
			t.Errorf("criteria zone = %+v", z)
		}
		r := zoneAt(zs, strings.Index(text, "A DESCRIPTION OF THE QUALIFICATIONS"))
		want = "A DESCRIPTION OF THE QUALIFICATIONS FOR EACH PHYSICIAN OR OTHER HEALTH CARE PROVIDER WHO REVIEWED THE DECISION:"
		if r.Name != "reviewer" || r.Title != want {
			t.Errorf("reviewer zone = %+v", r)
		}
	})
}

// zoneOutline is the name and title sequence of the zones.
func zoneOutline(zs []Section) []string {
	var out []string
	for _, z := range zs {
		out = append(out, z.Name+" | "+z.Title)
	}
	return out
}

// TestSectionsRobust checks that the zones of the seeds keep their names and
// titles when blanks change the way Normalize or a PDF extractor may change
// them.
func TestSectionsRobust(t *testing.T) {
	s := newTestSectioner(t)
	spaces := regexp.MustCompile(`[ \t]+`)
	blankLines := regexp.MustCompile(`\n[ \t\f]*\n(?:[ \t\f]*\n)*`)
	variants := []struct {
		name string
		fn   func(string) string
	}{
		{"folded spaces", func(s string) string { return spaces.ReplaceAllString(s, " ") }},
		{"no blank lines", func(s string) string { return blankLines.ReplaceAllString(s, "\n") }},
		{"leading spaces", func(s string) string { return "  " + strings.ReplaceAll(s, "\n", "\n   ") }},
		{"trailing spaces", func(s string) string { return strings.ReplaceAll(s, "\n", "   \n") }},
		{"crlf", func(s string) string { return strings.ReplaceAll(s, "\n", "\r\n") }},
		{"extra blank lines", func(s string) string { return strings.ReplaceAll(s, "\n\n", "\n\n\n\n") }},
		{"Normalize", func(s string) string { t, _ := Normalize(s); return t }},
	}
	for _, name := range sectionLetters {
		text := sectionsFixture(t, name)
		want := zoneOutline(s.Sections(text))
		for _, v := range variants {
			t.Run(name+"/"+v.name, func(t *testing.T) {
				vt := v.fn(text)
				zs := s.Sections(vt)
				if err := checkPartition(vt, zs); err != nil {
					t.Fatal(err)
				}
				if d := cmp.Diff(want, zoneOutline(zs)); d != "" {
					t.Errorf("outline changed (-want +got):\n%s", d)
				}
			})
		}
	}
}

func TestDetectKind(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"iro seed", sectionsFixture(t, "iro_si_injection_upheld.txt"), "iro"},
		{"imr seed", sectionsFixture(t, "imr_si_block_upheld.txt"), "imr"},
		{"iro synthetic", sectionsFixture(t, "iro_partial_numbered.txt"), "iro"},
		{"imr synthetic", sectionsFixture(t, "imr_mixed_items.txt"), "imr"},
		{"case number only", "Case Number: CM17-0005418\nSome text.", "imr"},
		{"iro case only", "IRO CASE #: 1234\nSome text.", "iro"},
		{"nothing", "Office visit. Pain 6/10.", "unknown"},
		{"tie", "IRO CASE #: 1\nIndependent Medical Review", "unknown"},
		{"empty", "", "unknown"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := DetectKind(tt.text); got != tt.want {
				t.Errorf("DetectKind = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSectionsSmall(t *testing.T) {
	s := newTestSectioner(t)
	tests := []struct {
		name, text string
		want       []string // name | title
		quote      string   // the first guideline_quote, trimmed ("" for no check)
	}{
		{"blank", " \n\n ", nil, ""},
		{"no heading", "Just a note.\n", []string{"other | "}, ""},
		{"mixed case iro, no colons", "Review outcome\nUpheld\nPatient clinical history summary\nHe fell.\n",
			[]string{"outcome | Review outcome", "clinical_summary | Patient clinical history summary"}, ""},
		{"checkbox outcome", "REVIEW OUTCOME:\n☒ Upheld (Agree)\n☐ Overturned (Disagree)\n[ ] Partially Overturned\n",
			[]string{"outcome | REVIEW OUTCOME:"}, ""},
		{"decision only inside the IMR issues", "CLINICAL CASE SUMMARY\nMRI of the knee: Upheld\n",
			[]string{"clinical_summary | CLINICAL CASE SUMMARY"}, ""},
		{"wrapped decision", "IMR ISSUES, DECISIONS AND RATIONALES\nThe Final Determination was based on decisions set forth below:\n\nTopical cream 120 grams, apply twice\ndaily for pain:\nOverturned\nDecision rationale: Per ODG, creams are an option. The request is medically necessary.\n",
			[]string{"services | IMR ISSUES, DECISIONS AND RATIONALES",
				"decision_item | Topical cream 120 grams, apply twice daily for pain: Overturned",
				"analysis | Decision rationale:", "guideline_quote | ", "analysis | "}, ""},
		{"remaining portion", "IMR ISSUES, DECISIONS AND RATIONALES\n\nPT 12 visits was the original request. The Claims\nAdministrator authorized 6 visits. The remaining IMR eligible portion of the\noriginal request, PT 6 visits is: Upheld\n\nDecision rationale: No.\n",
			[]string{"services | IMR ISSUES, DECISIONS AND RATIONALES",
				"decision_item | The remaining IMR eligible portion of the original request, PT 6 visits is: Upheld",
				"analysis | Decision rationale:"}, ""},
		{"quoted term: the sentence rule applies", "IMR ISSUES, DECISIONS AND RATIONALES\nDecision rationale: The MTUS states that \"red flag\" signs need imaging. The request is not medically necessary.\n",
			[]string{"services | IMR ISSUES, DECISIONS AND RATIONALES", "analysis | Decision rationale:", "guideline_quote | ", "analysis | "},
			"The MTUS states that \"red flag\" signs need imaging."},
		{"quote with marks", "IMR ISSUES, DECISIONS AND RATIONALES\nDecision rationale: MTUS states that \"Psychological evaluations are recommended for chronic pain.\" The injured worker has depression.\n",
			[]string{"services | IMR ISSUES, DECISIONS AND RATIONALES", "analysis | Decision rationale:", "guideline_quote | ", "analysis | "},
			"MTUS states that \"Psychological evaluations are recommended for chronic pain.\""},
		{"glued list and end cue", "IMR ISSUES, DECISIONS AND RATIONALES\nDecision rationale: The MTUS is silent.Per ODG: Criteria for the use of blocks:1. The patient has had and failed therapy.2. Blocks are performed under fluoroscopy. (Hansen, 2003)3. The block is not repeated. In this case, the patient had no relief.\n",
			[]string{"services | IMR ISSUES, DECISIONS AND RATIONALES", "analysis | Decision rationale:", "guideline_quote | ", "analysis | "},
			"Per ODG: Criteria for the use of blocks:1. The patient has had and failed therapy.2. Blocks are performed under fluoroscopy. (Hansen, 2003)3. The block is not repeated."},
		{"not a quote: conclusion", "IMR ISSUES, DECISIONS AND RATIONALES\nDecision rationale: Per the ODG guidelines cited above, the request is not supported.\n",
			[]string{"services | IMR ISSUES, DECISIONS AND RATIONALES", "analysis | Decision rationale:"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			zs := s.Sections(tt.text)
			if err := checkPartition(tt.text, zs); err != nil {
				t.Fatal(err)
			}
			if d := cmp.Diff(tt.want, zoneOutline(zs)); d != "" {
				t.Errorf("(-want +got):\n%s", d)
			}
			if tt.quote == "" {
				return
			}
			for _, z := range zs {
				if z.Name == "guideline_quote" {
					if got := strings.TrimSpace(tt.text[z.Start:z.End]); got != tt.quote {
						t.Errorf("quote = %q, want %q", got, tt.quote)
					}
					return
				}
			}
			t.Error("no quote")
		})
	}
}

// TestSectionRuleExamples runs the match / no_match examples of every rule
// of sections.yaml.
func TestSectionRuleExamples(t *testing.T) {
	s := newTestSectioner(t)
	if len(s.headings) == 0 || len(s.decisions) == 0 || len(s.quotes.start) == 0 || len(s.kinds) == 0 {
		t.Fatal("rules missing")
	}
	for ri, r := range s.headings {
		one := &Sectioner{headings: []zoneHeadingRule{r}}
		one.indexHeadings()
		cur := "header"
		if len(r.within) > 0 {
			cur = r.within[0]
		}
		t.Run(fmt.Sprintf("heading/%s/line%d", r.name, r.line), func(t *testing.T) {
			for _, ex := range r.ex.match {
				text := ex + "\nbody text.\n"
				lines := zoneSplitLines(text)
				if _, _, ok := one.matchHeadingLine(text, lines, 0, cur); !ok {
					t.Errorf("does not match %q", ex)
				}
				// The full rule set must pick this rule (order matters).
				if _, got, ok := s.matchHeadingLine(text, lines, 0, cur); !ok || got != ri {
					t.Errorf("%q: full rule set picks rule %d, want %d", ex, got, ri)
				}
			}
			for _, ex := range r.ex.noMatch {
				text := ex + "\nbody text.\n"
				if _, _, ok := one.matchHeadingLine(text, zoneSplitLines(text), 0, cur); ok {
					t.Errorf("matches %q", ex)
				}
			}
			if len(r.within) > 0 {
				text := r.ex.match[0] + "\n"
				if _, _, ok := one.matchHeadingLine(text, zoneSplitLines(text), 0, "header"); ok {
					t.Errorf("matches outside its zones")
				}
			}
		})
	}
	for _, r := range s.decisions {
		one := &Sectioner{decisions: []zoneDecisionRule{r}}
		cur := r.within[0]
		t.Run(fmt.Sprintf("decision/%s/line%d", r.name, r.line), func(t *testing.T) {
			for _, ex := range r.ex.match {
				text := "Intro line.\n" + ex + "\n"
				if _, _, ok := one.matchDecision(text, zoneSplitLines(text), 1, 0, cur); !ok {
					t.Errorf("does not match %q", ex)
				}
			}
			for _, ex := range r.ex.noMatch {
				text := "Intro line.\n" + ex + "\n"
				if _, _, ok := one.matchDecision(text, zoneSplitLines(text), 1, 0, cur); ok {
					t.Errorf("matches %q", ex)
				}
			}
		})
	}
	cueSets := []struct {
		name string
		cues []zoneCue
	}{
		{"quote-start", s.quotes.start}, {"quote-reject", s.quotes.reject},
		{"quote-end-start", s.quotes.endStart}, {"quote-end-anywhere", s.quotes.endAnywhere},
	}
	for _, k := range s.kinds {
		cueSets = append(cueSets, struct {
			name string
			cues []zoneCue
		}{"kind-" + k.kind, k.cues})
	}
	for _, set := range cueSets {
		for _, c := range set.cues {
			t.Run(fmt.Sprintf("%s/line%d", set.name, c.line), func(t *testing.T) {
				for _, ex := range c.ex.match {
					if !c.re.MatchString(ex) {
						t.Errorf("does not match %q", ex)
					}
				}
				for _, ex := range c.ex.noMatch {
					if c.re.MatchString(ex) {
						t.Errorf("matches %q", ex)
					}
				}
			})
		}
	}
}

// TestSectionNamesDocumented checks that every zone name a rule produces is
// described in the comment at the top of sections.yaml.
func TestSectionNamesDocumented(t *testing.T) {
	data, err := os.ReadFile(filepath.Join("data", "sections.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]bool{}
	for _, m := range regexp.MustCompile(`(?m)^#   ([a-z_]+)\s`).FindAllStringSubmatch(string(data), -1) {
		documented[m[1]] = true
	}
	s := newTestSectioner(t)
	names := []string{"header", "other", quoteZone}
	for _, h := range s.headings {
		names = append(names, h.name)
	}
	for _, d := range s.decisions {
		names = append(names, d.name)
	}
	for _, n := range names {
		if !documented[n] {
			t.Errorf("zone name %q is not documented in sections.yaml", n)
		}
	}
}

func TestSectionRulesValidation(t *testing.T) {
	orig, err := os.ReadFile(filepath.Join("data", "sections.yaml"))
	if err != nil {
		t.Fatal(err)
	}
	src := string(orig)
	lineOf := func(text, needle string) int {
		i := strings.Index(text, needle)
		if i < 0 {
			t.Fatalf("needle %q not in sections.yaml", needle)
		}
		return strings.Count(text[:i], "\n") + 1
	}
	tests := []struct {
		name, old, new string
		reason         string
	}{
		{"bad heading regexp", `pattern: '(?i)clinical\s+case\s+summary'`, `pattern: '(?i)clinical(\s+case'`, "bad pattern"},
		{"bad cue regexp", `pattern: '(?i)\bcited\s+above\b'`, `pattern: '(?i)\bcited[above'`, "bad pattern"},
		{"bad stop regexp", `stop: '[.:;]["”)]?\s*$'`, `stop: '[.:;'`, "bad pattern"},
		{"unknown field", `    inline: true
    match: ["IRO CASE #:"`, `    inlin: true
    match: ["IRO CASE #:"`, "unknown field inlin"},
		{"unknown within", `within: [services, decision_item, guideline_citation, analysis]
    match: ["Claims`, `within: [services, decison_item, guideline_citation, analysis]
    match: ["Claims`, "unknown zone"},
		{"missing examples", `    no_match: ["IMRT planning"]`, `    no_matc: []`, "unknown field"},
		{"bad name", `  - name: outcome`, `  - name: Outcome`, "bad zone name"},
		{"bad kind", `  - kind: iro`, `  - kind: tpa`, "kind must be"},
		{"item group", `(?:(?P<item>.*\S)\s*:\s*)?`, `(?:(.*\S)\s*:\s*)?`, "group (?P<item>"},
		{"yaml syntax", `  - name: services
    pattern: '(?i)(?:\d+`, `  - name: services
   pattern: '(?i)(?:\d+`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(src, tt.old) {
				t.Fatalf("old text %q not in sections.yaml", tt.old)
			}
			mod := strings.Replace(src, tt.old, tt.new, 1)
			_, err := NewSectioner(fstest.MapFS{"sections.yaml": {Data: []byte(mod)}})
			if err == nil {
				t.Fatal("no error")
			}
			var ze *ZoneRuleError
			if !errors.As(err, &ze) {
				t.Fatalf("error %T is not a *ZoneRuleError: %v", err, err)
			}
			first := strings.SplitN(tt.new, "\n", 2)[0]
			want := fmt.Sprintf("sections.yaml:%d:", lineOf(mod, first))
			if tt.name == "yaml syntax" {
				// The parser reports the line where it gave up.
				want = "sections.yaml:"
			}
			if !strings.HasPrefix(err.Error(), want) {
				t.Errorf("error %q does not start with %q", err, want)
			}
			if ze.Line == 0 {
				t.Errorf("error %q has no line", err)
			}
			if !strings.Contains(err.Error(), tt.reason) {
				t.Errorf("error %q does not say %q", err, tt.reason)
			}
			if strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q is not one line", err)
			}
		})
	}
	t.Run("missing file", func(t *testing.T) {
		_, err := NewSectioner(fstest.MapFS{})
		var ze *ZoneRuleError
		if !errors.As(err, &ze) || !errors.Is(err, fs.ErrNotExist) {
			t.Errorf("err = %v, want a *ZoneRuleError wrapping fs.ErrNotExist", err)
		}
	})
	t.Run("embedded", func(t *testing.T) {
		if _, err := NewSectioner(fstest.MapFS{"sections.yaml": {Data: orig}}); err != nil {
			t.Errorf("sections.yaml from disk: %v", err)
		}
	})
}

var spaceRun = regexp.MustCompile(` +`)

// corpusTexts returns the corpus letters as pdftotext -layout text with
// runs of spaces folded to one, keyed by case number. It skips the test when
// the corpus or pdftotext is absent.
func corpusTexts(t *testing.T) map[string]string {
	t.Helper()
	pdfs := testenv.CorpusPDFs(t)
	bin := testenv.Pdftotext(t)
	out := make(map[string]string, len(pdfs))
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, 4)
	errs := make([]error, len(pdfs))
	for i, p := range pdfs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			var stdout, stderr bytes.Buffer
			cmd := exec.Command(bin, "-layout", "-enc", "UTF-8", p, "-")
			cmd.Stdout, cmd.Stderr = &stdout, &stderr
			if err := cmd.Run(); err != nil {
				errs[i] = fmt.Errorf("pdftotext %s: %v", filepath.Base(p), err)
				return
			}
			mu.Lock()
			out[strings.TrimSuffix(filepath.Base(p), ".pdf")] = spaceRun.ReplaceAllString(stdout.String(), " ")
			mu.Unlock()
		}()
	}
	wg.Wait()
	for _, err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

var rationaleLine = regexp.MustCompile(`(?m)^[ \f]*Decision rationale:`)

// TestSectionsCorpus checks every corpus letter (pdftotext -layout, spaces
// folded; then also through Normalize): kind imr, one header, one reviewer,
// a clinical summary, an analysis zone and one decision item per decision
// rationale. No letter text is printed.
func TestSectionsCorpus(t *testing.T) {
	texts := corpusTexts(t)
	s := newTestSectioner(t)
	names := make([]string, 0, len(texts))
	for n := range texts {
		names = append(names, n)
	}
	sort.Strings(names)
	check := func(text string) error {
		if k := DetectKind(text); k != "imr" {
			return fmt.Errorf("kind %q", k)
		}
		zs := s.Sections(text)
		if err := checkPartition(text, zs); err != nil {
			return err
		}
		count := map[string]int{}
		for _, z := range zs {
			count[z.Name]++
		}
		if zs[0].Name != "header" || count["header"] != 1 || count["reviewer"] != 1 || count["clinical_summary"] < 1 || count["analysis"] < 1 || count["services"] != 1 {
			return fmt.Errorf("zone counts %v", count)
		}
		if n := len(rationaleLine.FindAllStringIndex(text, -1)); count["decision_item"] != n {
			return fmt.Errorf("%d decision items for %d decision rationales", count["decision_item"], n)
		}
		return nil
	}
	for _, n := range names {
		if err := check(texts[n]); err != nil {
			t.Errorf("%s: %v", n, err)
		}
		norm, _ := Normalize(texts[n])
		if err := check(norm); err != nil {
			t.Errorf("%s after Normalize: %v", n, err)
		}
	}
	// The same checks on the documents the Loader builds (its own PDF
	// extractor, Normalize, Sections, DetectKind).
	l, err := NewLoader(Options{})
	if err != nil {
		t.Fatal(err)
	}
	dir := testenv.CorpusDir(t)
	for _, n := range names {
		doc, err := l.LoadFile(context.Background(), filepath.Join(dir, n+".pdf"))
		if err != nil {
			t.Errorf("load %s: %v", n, err)
			continue
		}
		if err := check(doc.Text); err != nil {
			t.Errorf("%s via Loader: %v", n, err)
		}
		if d := cmp.Diff(s.Sections(doc.Text), doc.Sections); d != "" {
			t.Errorf("%s: Loader sections differ from Sections(doc.Text)", n)
		}
	}
}

// TestSectionsPDFFixtures checks that the PDF renderings of fixture letters
// get the same zone names and titles as their text sources once loaded.
func TestSectionsPDFFixtures(t *testing.T) {
	l, err := NewLoader(Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, n := range []string{"imr_si_block_upheld", "iro_si_injection_upheld", "imr_mixed_items"} {
		t.Run(n, func(t *testing.T) {
			pdf, err := fs.ReadFile(fixtures.Letters, "letters/"+n+".pdf")
			if err != nil {
				t.Skipf("no PDF rendering: %v", err)
			}
			pd, err := l.Load(context.Background(), n+".pdf", pdf)
			if err != nil {
				t.Fatal(err)
			}
			td, err := l.Load(context.Background(), n+".txt", []byte(sectionsFixture(t, n+".txt")))
			if err != nil {
				t.Fatal(err)
			}
			if pd.Kind != td.Kind {
				t.Errorf("kind %q (pdf) vs %q (text)", pd.Kind, td.Kind)
			}
			if d := cmp.Diff(zoneOutline(td.Sections), zoneOutline(pd.Sections)); d != "" {
				t.Errorf("outline (-text +pdf):\n%s", d)
			}
		})
	}
}

// corpusGoldenLetters have zone goldens (name, start, end, title only: no
// letter text) in testdata/sections/corpus.
var corpusGoldenLetters = []string{
	"CM16-0219557", "CM16-0231706", "CM16-0235869", "CM16-0238035",
	"CM16-0243453", "CM16-0246487", "CM17-0005589", "CM17-0013320",
}

func TestSectionsCorpusGolden(t *testing.T) {
	texts := corpusTexts(t)
	s := newTestSectioner(t)
	for _, n := range corpusGoldenLetters {
		t.Run(n, func(t *testing.T) {
			text, ok := texts[n]
			if !ok {
				t.Skipf("%s not in the corpus", n)
			}
			checkGolden(t, filepath.Join("testdata", "sections", "corpus", n+".sections"), formatZones(text, s.Sections(text), false))
		})
	}
}

func FuzzSections(f *testing.F) {
	for _, name := range sectionLetters[:2] {
		b, err := fs.ReadFile(fixtures.Letters, "letters/"+name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(string(b))
	}
	f.Add("")
	f.Add("\n\n  \f")
	f.Add("IMR ISSUES, DECISIONS AND RATIONALES\nX:\nUpheld\nDecision rationale: Per ODG \"a b c d e f\" x.")
	f.Add("Decision rationale: Per ODG:1.2.3. \"\u201c\u201d Upheld\n: Upheld")
	f.Add("A DESCRIPTION OF THE QUALIFICATIONS FOR EACH PHYSICIAN\n\n\n\nREVIEWED THE DECISION: REVIEW OUTCOME:")
	s, err := NewSectioner(nil)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, text string) {
		zs := s.Sections(text)
		if err := checkPartition(text, zs); err != nil {
			t.Fatal(err)
		}
		if d := cmp.Diff(zs, s.Sections(text)); d != "" {
			t.Fatalf("not deterministic:\n%s", d)
		}
		if k := s.Kind(text); k != "iro" && k != "imr" && k != "unknown" {
			t.Fatalf("kind %q", k)
		}
	})
}

func BenchmarkSections(b *testing.B) {
	s := newTestSectioner(b)
	text := sectionsFixture(b, "iro_si_injection_upheld.txt")
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		_ = s.Sections(text)
	}
}

func BenchmarkDetectKind(b *testing.B) {
	text := sectionsFixture(b, "iro_si_injection_upheld.txt")
	DetectKind(text)
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		_ = DetectKind(text)
	}
}

// matchHeadingLine is matchHeading at line i of lines, the lines of text,
// with windows of its own.
func (s *Sectioner) matchHeadingLine(text string, lines []zoneLine, i int, cur string) (zoneBoundary, int, bool) {
	return s.matchHeading(&zoneWindows{text: text, lines: lines, maxN: s.maxLines}, i, cur)
}
