package pipeline

import (
	"fmt"
	"math/bits"
	"math/rand"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/precedent-dev/precedent/extract"
	"github.com/precedent-dev/precedent/internal/rules"
)

func TestLiteralCheck(t *testing.T) {
	re := regexp.MustCompile(`(?i)\b(?:the|his)\s+prior\s+(?:injection|block)\s+(?:provided|gave)\b`)
	c := newLiteralCheck(re)
	if len(c) < 2 {
		t.Fatalf("want several literal sets, got %q", c)
	}
	for _, tt := range []struct {
		s    string
		want bool
	}{
		{"His prior block gave 75% relief.", true},
		{"The prior injection was helpful.", false}, // no verb of the list
		{"Blocks provided relief.", false},          // no "prior"
	} {
		if got := c.may(strings.ToLower(tt.s), false); got != tt.want {
			t.Errorf("may(%q) = %v, want %v", tt.s, got, tt.want)
		}
		if got := c.may(strings.ToLower(tt.s), true); !got {
			t.Errorf("may(%q, fold) = false", tt.s)
		}
		if re.MatchString(tt.s) && !tt.want {
			t.Errorf("%q matches: bad test", tt.s)
		}
	}
}

func TestCheckFilter(t *testing.T) {
	res := []*regexp.Regexp{
		regexp.MustCompile(`(?i)\bcriteria for\b`),
		regexp.MustCompile(`(?i)\bshould\s+(?:be|have)\b`), // be: short, beside have's slot
		regexp.MustCompile(`(?i)\b(?:ODG|guidelines?)\b`),  // odg: short, beside guideline's slot
		regexp.MustCompile(`\w+`),                          // no literal
	}
	var checks []literalCheck
	for _, re := range res {
		checks = append(checks, newLiteralCheck(re))
	}
	f := newCheckFilter(checks)
	if f.need[0] == 0 || f.need[1] == 0 || len(f.parts[1]) != 2 || f.need[2] != 0 || len(f.parts[2]) != 1 || f.parts[2][0].slot == 0 ||
		f.need[3] != 0 || len(f.parts[3]) != 0 {
		t.Fatalf("slots %b, sets with short literals %v", f.need, f.parts)
	}
	if some := f.someSlot(0, 2); some != f.need[0]|f.need[1] {
		t.Errorf("someSlot(0, 2) = %b, want %b", some, f.need[0]|f.need[1])
	}
	if some := f.someSlot(1, 3); some != 0 {
		t.Errorf("someSlot(1, 3) = %b, want 0 (check 2 has no slot of its own)", some)
	}
	var x litIndex
	x.add([]string{"relief", "criteria"})
	f.share(&x)
	text := "Criteria for blocks. No relief should. It should be. Criteria\nfor ODG should have. the guideline"
	rs := []extract.Sentence{{Start: 0, End: 20}, {Start: 21, End: 38}, {Start: 39, End: 52}, {Start: 53, End: 61}, {Start: 61, End: 81}, {Start: 82, End: 96}}
	tx := rules.NewText(text)
	m := f.marks(new([]uint64), rs, x.hits(tx))
	if m == nil {
		t.Fatal("no marks")
	}
	want := [][]bool{
		{true, false, false, true},  // criteria for
		{false, false, false, true}, // should, no be or have
		{false, true, false, true},  // should be: a short literal
		{false, false, false, true}, // criteria\n, then for in the next range
		{false, true, true, true},   // odg, should have: a slot
		{false, false, true, true},  // guideline
	}
	for j, r := range rs {
		for k := range checks {
			low := tx.Lower()[r.Start:r.End]
			if got := f.may(m, j, k, low, false); got != want[j][k] {
				t.Errorf("may(%q, %s) = %v, want %v", low, res[k], got, want[j][k])
			}
		}
	}
	if m := f.marks(new([]uint64), nil, x.hits(tx)); m == nil || len(m) != 0 {
		t.Errorf("marks of no range: %v", m)
	}
	// Not the shared index's hits, or none: the checks themselves.
	var other litIndex
	if m := f.marks(new([]uint64), rs, other.hits(tx)); m != nil {
		t.Errorf("marks from another index: %v", m)
	}
	if m := f.marks(new([]uint64), rs, nil); m != nil || !f.may(m, 1, 0, tx.Lower()[21:38], true) || f.may(m, 1, 0, tx.Lower()[21:38], false) {
		t.Errorf("without hits: marks %v, or may is not literalCheck.may", m)
	}
	// A long s folds to s: no hits, every check passes.
	if h := x.hits(rules.NewText("\u017fhould be")); h != nil {
		t.Errorf("hits in a folding text: %v", h)
	}
}

// TestCheckFilterSame compares checkFilter.may with literalCheck.may for
// every rule-text pattern, on the sentences of the fixture letters and on
// random ranges of word soups made of the patterns' literals and pieces of
// them (so that literals straddle the ranges' edges).
func TestCheckFilterSame(t *testing.T) {
	p := newTestPipeline(t)
	f := p.ruleText.filter
	if f.shared != &p.fields.letter.lits {
		t.Fatal("the rule-text filter does not share the fields stage's literals")
	}
	slots := 0
	for _, need := range f.need {
		slots += bits.OnesCount64(need)
	}
	if slots < len(f.checks) {
		t.Fatalf("%d slots for %d checks: the test proves little", slots, len(f.checks))
	}
	type input struct {
		text string
		rs   []extract.Sentence
	}
	var inputs []input
	for _, text := range fixtureTexts(t, p) {
		inputs = append(inputs, input{text, p.splitter.Split(text)})
	}
	var words []string
	for _, c := range f.checks {
		for _, set := range c {
			for _, l := range set {
				words = append(words, l, strings.ToUpper(l), l[:len(l)/2], l[len(l)/2:])
			}
		}
	}
	words = append(words, " ", " ", ". ", "\n", "the patient", "Guidelines")
	rnd := rand.New(rand.NewSource(3))
	for range 1000 {
		text := wordSoup(rnd, 40, words, []string{"", " ", " "})
		var rs []extract.Sentence
		for at := rnd.Intn(5); at < len(text); {
			end := min(len(text), at+1+rnd.Intn(60))
			rs = append(rs, extract.Sentence{Start: at, End: end})
			at = end + rnd.Intn(3)
		}
		inputs = append(inputs, input{text, rs})
	}
	passed, dropped := 0, 0
	buf := new([]uint64) // reused, as from marksPool
	for _, in := range inputs {
		tx := rules.NewText(in.text)
		m := f.marks(buf, in.rs, p.fields.letter.lits.hits(tx))
		if m == nil {
			t.Fatalf("%.60q: no marks", in.text)
		}
		for j, r := range in.rs {
			low := tx.Lower()[r.Start:r.End]
			for k, c := range f.checks {
				got, want := f.may(m, j, k, low, false), c.may(low, false)
				if got != want {
					t.Errorf("check %q on %q: %v, literalCheck.may %v", c, low, got, want)
				}
				if want {
					passed++
				} else {
					dropped++
				}
			}
		}
	}
	if passed < 1000 || dropped < 1000 {
		t.Errorf("%d passed, %d dropped: the test proves little", passed, dropped)
	}
}

// TestLiteralFiltersComplete checks the literal checks of the rule-text
// patterns against the regexps themselves: on every sentence of the
// fixture letters and on random word soups, a sentence a pattern matches
// is never filtered out.
func TestLiteralFiltersComplete(t *testing.T) {
	p := newTestPipeline(t)
	g := p.ruleText
	var res []*regexp.Regexp
	for _, list := range [][]rx{g.RuleSentences, g.PatientSentences, g.ZonePatient} {
		for _, r := range list {
			res = append(res, r.Regexp)
		}
	}
	texts := fixtureTexts(t, p)
	// Word soups from the patterns' own words.
	var words []string
	for _, re := range res {
		words = append(words, regexp.MustCompile(`[A-Za-z]+`).FindAllString(re.String(), -1)...)
	}
	words = append(words, "10/12/16", "XX/XX/XX", "he/she", ",", ".", "75%", "The", "patient", "Guidelines")
	rnd := rand.New(rand.NewSource(1))
	for range 300 {
		texts = append(texts, wordSoup(rnd, 40, words, []string{" ", " ", "  ", "\n", ". "}))
	}
	matched := 0
	for _, text := range texts {
		sents := p.splitter.Split(text)
		tx := rules.NewText(text)
		m := g.filter.marks(new([]uint64), sents, p.fields.letter.lits.hits(tx))
		for j, s := range sents {
			for i, re := range res {
				if !re.MatchString(text[s.Start:s.End]) {
					continue
				}
				matched++
				if !g.filter.may(m, j, i, tx.Lower()[s.Start:s.End], false) {
					t.Errorf("literal filter drops %q for %s", text[s.Start:s.End], re)
				}
			}
		}
	}
	if matched < 100 {
		t.Errorf("only %d matching sentences: the test proves little", matched)
	}
}

// TestRuleTextRangesPlain compares the rule-text ranges of the fixture
// letters with those of the plain regexps, without any filter: with the
// letter's literals found by the fields stage's pass and without them, with
// the letters' own zones and with random ones (cutting sentences, or
// holding rule sentences that then need no pattern).
func TestRuleTextRangesPlain(t *testing.T) {
	p := newTestPipeline(t)
	g := p.ruleText
	matchesAny := func(list []rx, s string) bool {
		for _, r := range list {
			if r.MatchString(s) {
				return true
			}
		}
		return false
	}
	plain := func(d *caseDoc) []extract.Sentence {
		text := d.c.Text
		var want []extract.Sentence
		for _, sec := range d.c.Sections {
			if !contains(g.Zones, sec.Name) {
				continue
			}
			start := sec.Start
			for _, s := range d.sents {
				if s.Start >= sec.Start && s.End <= sec.End && matchesAny(g.ZonePatient, text[s.Start:s.End]) {
					if start < s.Start {
						want = append(want, extract.Sentence{Start: start, End: s.Start})
					}
					start = s.End
				}
			}
			if start < sec.End {
				want = append(want, extract.Sentence{Start: start, End: sec.End})
			}
		}
		for _, s := range d.sents {
			if matchesAny(g.RuleSentences, text[s.Start:s.End]) && !matchesAny(g.PatientSentences, text[s.Start:s.End]) {
				want = append(want, s)
			}
		}
		sort.Slice(want, func(i, j int) bool { return want[i].Start < want[j].Start })
		var merged []extract.Sentence
		for _, r := range want {
			if n := len(merged); n > 0 && r.Start <= merged[n-1].End {
				merged[n-1].End = max(merged[n-1].End, r.End)
				continue
			}
			merged = append(merged, r)
		}
		return merged
	}
	rnd := rand.New(rand.NewSource(4))
	names := append([]string{"analysis", "clinical_summary"}, g.Zones...)
	rules, zoned := 0, 0
	for _, doc := range fixtureDocs(t, p) {
		c := p.newCase(doc)
		sections := [][]Section{c.Sections}
		for range 3 {
			var secs []Section
			for at := 0; at < len(doc.Text); {
				end := min(len(doc.Text), at+1+rnd.Intn(3000))
				secs = append(secs, Section{Name: names[rnd.Intn(len(names))], Start: at, End: end})
				at = end
			}
			sections = append(sections, secs)
		}
		for k, secs := range sections {
			c := *c
			c.Sections = secs
			d := &caseDoc{c: &c, sents: p.splitter.Split(doc.Text)}
			want := plain(d)
			if got := g.ranges(d); !slices.Equal(got, want) {
				t.Errorf("%s, zones %d: ranges without literals %v, plain regexps %v", doc.Path, k, got, want)
			}
			d.lits = p.fields.letter.lits.hits(d.text())
			if got := g.ranges(d); !slices.Equal(got, want) {
				t.Errorf("%s, zones %d: ranges %v, plain regexps %v", doc.Path, k, got, want)
			}
			for _, s := range d.sents {
				if matchesAny(g.RuleSentences, doc.Text[s.Start:s.End]) {
					rules++
					if slices.ContainsFunc(secs, func(z Section) bool {
						return contains(g.Zones, z.Name) && z.Start <= s.Start && s.End <= z.End
					}) {
						zoned++
					}
				}
			}
		}
	}
	if zoned < 50 || rules-zoned < 50 {
		t.Errorf("%d rule sentences, %d of them in zones: the test proves little", rules, zoned)
	}
}

func TestDateLeads(t *testing.T) {
	r := testRules(t).dates
	if r.leadsAt("October 10, 2015", 0) == r.noLeads {
		t.Error("October: no month pattern may match")
	}
	if r.leadsAt("Other visits", 0) != r.noLeads {
		t.Error("Other: a month pattern may match")
	}
}

// TestDateNextStart checks where the scan with the lead literals stops: at
// an unglued digit, X or month name, not at a word that cannot start a
// month name nor inside a token; without the leads at every month letter.
func TestDateNextStart(t *testing.T) {
	r := testRules(t).dates
	for _, c := range []struct {
		text     string
		leads    int // want of nextStart with the leads
		allLeads int // and without
	}{
		{"Other visit on October 10", 15, 0},
		{"held 10/12/16", 5, 5},
		{"L5/S1 XX/XX/XX", 6, 6},
		{"Lt Smith amended", 16, 3},
		{"Admitted. sep", 10, 0},
		{"toJanuary m", 11, 10},
	} {
		if got := r.nextStart(c.text, 0, true); got != c.leads {
			t.Errorf("%q: with leads at %d, want %d", c.text, got, c.leads)
		}
		if got := r.nextStart(c.text, 0, false); got != c.allLeads {
			t.Errorf("%q: without leads at %d, want %d", c.text, got, c.allLeads)
		}
	}
}

// BenchmarkDates finds the date mentions of the IRO seed:
//
//	go test -run='^$' -bench=Dates -benchmem -cpu 1 ./pipeline
func BenchmarkDates(b *testing.B) {
	p := newTestPipeline(b)
	c := extractFixture(b, p, "iro_si_injection_upheld.txt")
	b.ReportAllocs()
	for b.Loop() {
		p.fields.dates.findLeads(c.Text, true)
	}
}

// TestDateLeadsSame compares the date mentions found with the lead
// literals and without them (every pattern tried at every candidate
// byte), on the fixture letters and on random soups of date parts.
func TestDateLeadsSame(t *testing.T) {
	p := newTestPipeline(t)
	r := p.fields.dates
	texts := fixtureTexts(t, p)
	parts := []string{"Jan", "JANUARY", "june", "Jul.", "Sept", "September", "Sep", "Mayo", "may", "March", "Marc", "Dec", "Oct.",
		"no", "of", "10", "3rd", "1st", "2015", "16", "X", "XX", "/", "-", ",", " ", " ", "  ", "\n", ".", "a", "L5", "8/10",
		"Oct. 10, 2015", "10 March 2013", "June 2012", "December 3rd 2014", "sep 30th, 2016", "NOVEMBER of 2001", "Augu 5, 2015"}
	rnd := rand.New(rand.NewSource(2))
	for range 2000 {
		texts = append(texts, wordSoup(rnd, 30, parts, []string{" ", ""}))
	}
	found := 0
	for _, text := range texts {
		got, want := r.findLeads(text, true), r.findLeads(text, false)
		if !slices.Equal(got, want) {
			t.Errorf("%q: with leads %v, without %v", text, got, want)
		}
		if slow := findDatesSlow(r, text); !slices.Equal(want, slow) {
			t.Errorf("%q: scan %v, every position %v", text, want, slow)
		}
		found += len(want)
	}
	if found < 1000 {
		t.Errorf("only %d dates found: the test proves little", found)
	}
	// A long s folds to s: no lead filter on such a text. (The month
	// names fold-matched in "\u017fept" are no month for iso: the date
	// after it is the one found, with the leads or not.)
	const longS = "on \u017fept 10, 2015 and Sept 11, 2015"
	if got, want := r.find(longS), r.findLeads(longS, false); len(want) != 1 || !slices.Equal(got, want) {
		t.Errorf("long s: %v, without leads %v (want the one date of Sept 11)", got, want)
	}
}

// TestTimelineChecksComplete checks the literal checks of the timeline
// headings and cues against their regexps, on their examples and on every
// line and sentence start of the fixture letters.
func TestTimelineChecksComplete(t *testing.T) {
	p := newTestPipeline(t)
	var rs []*startRule
	for i := range p.timeline.f.Headings {
		rs = append(rs, &p.timeline.f.Headings[i])
	}
	for i := range p.timeline.f.Cues {
		rs = append(rs, &p.timeline.f.Cues[i])
	}
	var inputs []string
	for _, sr := range rs {
		inputs = append(inputs, sr.Match...)
		inputs = append(inputs, sr.NoMatch...)
	}
	for _, doc := range fixtureDocs(t, p) {
		for _, s := range p.splitter.Split(doc.Text) {
			inputs = append(inputs, doc.Text[s.Start:min(s.End, s.Start+300)])
		}
		for l := range strings.Lines(doc.Text) {
			inputs = append(inputs, strings.TrimLeft(l, " \t"))
		}
	}
	matched, dropped := 0, 0
	for _, in := range inputs {
		for _, sr := range rs {
			low := rules.NewText(in).Lower()
			if !sr.check.may(low, false) {
				dropped++
			}
			if sr.re.MatchString(in) {
				matched++
				if !sr.check.may(low, false) {
					t.Errorf("check drops %q for %s", in, sr.re)
				}
			}
		}
	}
	if matched < 50 || dropped == 0 {
		t.Errorf("%d matches, %d dropped: the test proves little", matched, dropped)
	}
}

// gluedBefore reports whether a date starting at i is glued to the token
// before it.
func gluedBefore(text string, i int) bool {
	return i > 0 && glues(text[i-1])
}

// findDatesSlow is dateRules.find by its definition: every pattern tried at
// every position that may start a date and is not glued to the byte before.
func findDatesSlow(r *dateRules, text string) []Date {
	type dateCand struct {
		d    Date
		prio int
	}
	var cands []dateCand
	for i := 0; i < len(text); i++ {
		if !r.first[text[i]] || gluedBefore(text, i) {
			continue
		}
		for pi := range r.matchers {
			if d, ok := r.tryAt(text, i, pi); ok {
				cands = append(cands, dateCand{d, pi})
			}
		}
	}
	sort.SliceStable(cands, func(i, j int) bool {
		a, b := cands[i].d, cands[j].d
		if a.Start != b.Start {
			return a.Start < b.Start
		}
		if a.End != b.End {
			return a.End > b.End
		}
		return cands[i].prio < cands[j].prio
	})
	out := []Date{}
	last := 0
	for _, c := range cands {
		if c.d.Start < last {
			continue
		}
		out = append(out, c.d)
		last = c.d.End
	}
	return out
}

func TestLitPattern(t *testing.T) {
	var x litIndex
	lead := newLitPattern(regexp.MustCompile(`(?i)SERVICES? IN DISPUTE:?`), &x)
	behind := newLitPattern(regexp.MustCompile(`\bREVIEW OUTCOME`), &x)
	x.compile()
	if lead.need == nil || lead.lead == nil {
		t.Fatalf("want need and lead literals: %+v", lead)
	}
	if behind.need == nil || behind.lead != nil {
		t.Fatalf("\\b looks behind: want no lead jump, got %+v", behind)
	}
	text := "Services in dispute: MRI. REVIEW OUTCOME: Upheld. SERVICE IN DISPUTE"
	h := x.hits(rules.NewText(text))
	for _, tt := range []struct {
		p         litPattern
		from      int
		start, ok int
	}{
		{lead, 0, 0, 1},
		{lead, 1, 50, 1},
		{lead, 51, 0, 0},
		{behind, 0, 26, 1},
		{behind, 27, 0, 0},
	} {
		s, _, ok := tt.p.index(text, tt.from, h)
		if ok != (tt.ok == 1) || ok && s != tt.start {
			t.Errorf("%s from %d: %d %v, want %d %v", tt.p.m.Regexp(), tt.from, s, ok, tt.start, tt.ok == 1)
		}
	}
}

// TestLetterLiteralsSame checks the windows and the cued dates found with
// the letter's literals (litHits) against those found without them, on
// the fixture letters and on soups of the patterns' own words.
func TestLetterLiteralsSame(t *testing.T) {
	p := newTestPipeline(t)
	r := p.fields
	var texts [][]Section
	var strs []string
	for _, doc := range fixtureDocs(t, p) {
		strs, texts = append(strs, doc.Text), append(texts, p.newCase(doc).Sections)
	}
	var words []string
	for _, w := range r.letter.Windows {
		for _, re := range append(append([]rx{}, w.Start...), w.End...) {
			words = append(words, regexp.MustCompile(`[A-Za-z]+:?`).FindAllString(re.String(), -1)...)
		}
	}
	for _, c := range r.letter.DateCues {
		re := c.m.m.Regexp()
		words = append(words, regexp.MustCompile(`[A-Za-z]+`).FindAllString(re.String(), -1)...)
	}
	words = append(words, "10/12/16", "XX/XX/XX", "January 3, 2015", ":", "\n", "(DOI)")
	rnd := rand.New(rand.NewSource(2))
	for range 1000 {
		strs, texts = append(strs, wordSoup(rnd, 60, words, []string{" ", " ", "\n", ": ", ". "})), append(texts, nil)
	}
	found := 0
	for i, text := range strs {
		tx := rules.NewText(text)
		h := r.letter.lits.hits(tx)
		for _, w := range r.letter.Windows {
			got, want := w.find(text, texts[i], h), w.find(text, texts[i], nil)
			if !slices.Equal(got, want) {
				t.Errorf("window %s in %.60q: %v, without literals %v", w.Name, text, got, want)
			}
			found += len(want)
		}
		dates := r.dates.find(text)
		got, want := r.cuedDates(tx, h, dates), r.cuedDates(tx, nil, dates)
		if len(got) != len(want) {
			t.Errorf("cued dates in %.60q: %v, without literals %v", text, got, want)
		}
		for k, d := range want {
			if got[k] == nil || *got[k] != *d {
				t.Errorf("cued %s in %.60q: %v, without literals %v", k, text, got[k], d)
			}
		}
		found += len(want)
	}
	if found < 1000 {
		t.Errorf("only %d windows and cued dates: the test proves little", found)
	}
}

// isoSlow is dateRules.iso as it was written first (fmt and strings.Trim).
func isoSlow(r *dateRules, m, d, y string) (string, bool, bool) {
	if strings.ContainsAny(m+d+y, "Xx") {
		for _, p := range []string{m, d, y} {
			if strings.Trim(p, "0123456789X") != "" {
				return "", false, false
			}
		}
		return "", true, true
	}
	month, err := strconv.Atoi(m)
	if err != nil {
		mm, found := r.months[strings.ToLower(m)]
		if !found {
			return "", false, false
		}
		month = mm
	}
	if month < 1 || month > 12 {
		return "", false, false
	}
	year, err := strconv.Atoi(y)
	if err != nil {
		return "", false, false
	}
	switch len(y) {
	case 2:
		if year < 40 {
			year += 2000
		} else {
			year += 1900
		}
	case 4:
		if year < 1900 || year > 2099 {
			return "", false, false
		}
	default:
		return "", false, false
	}
	if d == "" {
		return fmt.Sprintf("%04d-%02d", year, month), false, true
	}
	day, err := strconv.Atoi(d)
	if err != nil || day < 1 || day > daysIn(year, month) {
		return "", false, false
	}
	return fmt.Sprintf("%04d-%02d-%02d", year, month, day), false, true
}

func TestISOSame(t *testing.T) {
	r := testRules(t).dates
	parts := []string{"", "0", "1", "9", "09", "10", "12", "13", "29", "30", "31", "32", "00", "39", "40", "99", "1899", "1900", "2016",
		"2099", "2100", "X", "XX", "xx", "X1", "1x", "XXXX", "Sept", "oct", "May", "foo", "+1", "-1", "１"}
	n := 0
	for _, m := range parts {
		for _, d := range parts {
			for _, y := range parts {
				a1, b1, c1 := r.iso(m, d, y)
				a2, b2, c2 := isoSlow(r, m, d, y)
				if a1 != a2 || b1 != b2 || c1 != c2 {
					t.Errorf("iso(%q, %q, %q) = %q %v %v, was %q %v %v", m, d, y, a1, b1, c1, a2, b2, c2)
				}
				if c2 && a2 != "" {
					n++
				}
			}
		}
	}
	if n < 100 {
		t.Errorf("only %d valid dates: the test proves little", n)
	}
}

// wordSoup returns n random words, each followed by a random separator
// (one draw each, in that order).
func wordSoup(rnd *rand.Rand, n int, words, seps []string) string {
	var b strings.Builder
	for range n {
		b.WriteString(words[rnd.Intn(len(words))])
		b.WriteString(seps[rnd.Intn(len(seps))])
	}
	return b.String()
}
