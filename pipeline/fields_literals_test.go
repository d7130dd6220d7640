package pipeline

import (
	"fmt"
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

func TestRangeFilter(t *testing.T) {
	res := []*regexp.Regexp{regexp.MustCompile(`(?i)\bcriteria for\b`), regexp.MustCompile(`\w+`)}
	f := newRangeFilter(res)
	text := "Criteria for blocks. No relief. Relief was 80%."
	rs := []extract.Sentence{{Start: 0, End: 20}, {Start: 21, End: 31}, {Start: 32, End: 47}}
	got := f.mark(rules.NewText(text), rs, nil)
	var x litIndex
	f.share(&x)
	if shared := f.mark(rules.NewText(text), rs, x.hits(rules.NewText(text))); !slices.Equal(shared, got) {
		t.Errorf("mark with shared literals = %v, without %v", shared, got)
	}
	// the second pattern has no literal: every range may match it
	want := []bool{true, true, false, true, false, true}
	if !slices.Equal(got, want) {
		t.Errorf("mark = %v, want %v", got, want)
	}
}

// TestLiteralFiltersComplete checks the literal filters of the rule-text
// patterns against the regexps themselves: on every sentence of the
// fixture letters and on random word soups, a sentence a pattern matches
// is never filtered out.
func TestLiteralFiltersComplete(t *testing.T) {
	p := newTestPipeline(t)
	g := p.ruleText
	var res []*regexp.Regexp
	var checks []literalCheck
	for _, list := range [][]rx{g.RuleSentences, g.PatientSentences, g.ZonePatient} {
		for _, r := range list {
			res = append(res, r.Regexp)
			checks = append(checks, newLiteralCheck(r.Regexp))
		}
	}
	f := newRangeFilter(res)
	// The same literals found with others (those of the fields stage).
	shared := newRangeFilter(res)
	var x litIndex
	x.add([]string{"criteria", "date of injury", "xx/"})
	shared.share(&x)
	texts := fixtureTexts(t, p)
	// Word soups from the patterns' own words.
	var words []string
	for _, re := range res {
		words = append(words, regexp.MustCompile(`[A-Za-z]+`).FindAllString(re.String(), -1)...)
	}
	words = append(words, "10/12/16", "XX/XX/XX", "he/she", ",", ".", "75%", "The", "patient", "Guidelines")
	rnd := rand.New(rand.NewSource(1))
	for range 300 {
		var b strings.Builder
		for range 40 {
			b.WriteString(words[rnd.Intn(len(words))])
			b.WriteString([]string{" ", " ", "  ", "\n", ". "}[rnd.Intn(5)])
		}
		texts = append(texts, b.String())
	}
	matched := 0
	for _, text := range texts {
		sents := p.splitter.Split(text)
		tx := rules.NewText(text)
		may := f.mark(tx, sents, nil)
		if got := shared.mark(tx, sents, x.hits(tx)); !slices.Equal(got, may) {
			t.Errorf("%.60q: marks with shared literals differ", text)
		}
		for j, s := range sents {
			for i, re := range res {
				if !re.MatchString(text[s.Start:s.End]) {
					continue
				}
				matched++
				if !may[j*len(res)+i] {
					t.Errorf("range filter drops %q for %s", text[s.Start:s.End], re)
				}
				if !checks[i].may(tx.Lower()[s.Start:s.End], false) {
					t.Errorf("literal check drops %q for %s", text[s.Start:s.End], re)
				}
			}
		}
	}
	if matched < 100 {
		t.Errorf("only %d matching sentences: the test proves little", matched)
	}
}

// TestRuleTextRangesPlain compares the rule-text ranges of the fixture
// letters with those of the plain regexps, without any filter.
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
	for _, doc := range fixtureDocs(t, p) {
		d := &caseDoc{c: p.newCase(doc), sents: p.splitter.Split(doc.Text)}
		text := doc.Text
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
		if got := g.ranges(d); !slices.Equal(got, merged) {
			t.Errorf("%s: ranges %v, plain regexps %v", doc.Path, got, merged)
		}
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
		var b strings.Builder
		for range 30 {
			b.WriteString(parts[rnd.Intn(len(parts))])
			if rnd.Intn(2) == 0 {
				b.WriteByte(' ')
			}
		}
		texts = append(texts, b.String())
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
		var b strings.Builder
		for range 60 {
			b.WriteString(words[rnd.Intn(len(words))])
			b.WriteString([]string{" ", " ", "\n", ": ", ". "}[rnd.Intn(5)])
		}
		strs, texts = append(strs, b.String()), append(texts, nil)
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
