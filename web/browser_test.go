package web

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"
	"math"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"

	"github.com/precedent-dev/precedent/index"
)

// findChrome returns the browser the test drives: $CHROME_PATH, else the
// first of the usual names on $PATH. It skips the test when there is none.
func findChrome(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("CHROME_PATH"); p != "" {
		if _, err := os.Stat(p); err != nil {
			t.Fatalf("CHROME_PATH=%s: %v", p, err)
		}
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium or Chrome found (chromium, chromium-browser, google-chrome or $CHROME_PATH): " +
		"`make deps` installs Debian's chromium package (sudo apt-get install chromium)")
	return ""
}

// pageErrors collects what the page reports as an error: uncaught
// exceptions, console.error calls and error entries of the browser log,
// where Chromium reports Content Security Policy violations (source
// "security").
type pageErrors struct {
	mu   sync.Mutex
	errs []string
}

func (pe *pageErrors) listen(ev any) {
	var msg string
	switch ev := ev.(type) {
	case *runtime.EventExceptionThrown:
		msg = "exception: " + ev.ExceptionDetails.Text
		if ex := ev.ExceptionDetails.Exception; ex != nil {
			msg += " " + ex.Description
		}
	case *runtime.EventConsoleAPICalled:
		if ev.Type != runtime.ConsoleAPICalledTypeError && ev.Type != runtime.ConsoleAPICalledTypeAssert {
			return
		}
		msg = "console." + string(ev.Type) + ":"
		for _, a := range ev.Args {
			msg += " " + string(a.Value) + a.Description
		}
	case *log.EventEntryAdded:
		if ev.Entry.Level != log.EntryLevelError && ev.Entry.Source != log.EntrySourceSecurity {
			return
		}
		msg = fmt.Sprintf("log %s/%s: %s %s", ev.Entry.Source, ev.Entry.Level, ev.Entry.Text, ev.Entry.URL)
	default:
		return
	}
	// The messages are the browser's (CSP, network, script errors); cut
	// them short all the same so no letter text can run on into the log.
	if len(msg) > 300 {
		msg = msg[:300] + "…"
	}
	pe.mu.Lock()
	pe.errs = append(pe.errs, msg)
	pe.mu.Unlock()
}

// take returns the errors seen so far and forgets them.
func (pe *pageErrors) take() []string {
	pe.mu.Lock()
	defer pe.mu.Unlock()
	errs := pe.errs
	pe.errs = nil
	return errs
}

// TestBrowser drives Chromium through the search page and the IRO seed's
// case page: a finding search, the FABER highlight, a criterion's evidence
// link that scrolls to its span, no console errors or CSP violations, and a
// full-page screenshot of each page in the test's artifact folder
// (go test -artifacts -outputdir DIR keeps them).
func TestBrowser(t *testing.T) {
	if testing.Short() {
		t.Skip("browser test skipped with -short")
	}
	chrome := findChrome(t)
	// The handler tests' server: an index of the fixture letters (and of
	// their letter with a script tag).
	ts := newTestServer(t, Options{})
	ix, seed := ts.ix, ts.cases[iroSeedName]
	if seed == nil {
		t.Fatalf("no case for %s", iroSeedName)
	}
	faberSpans := map[string]bool{}
	for _, f := range seed.Findings {
		if f.Code == "faber" && f.Status == "positive" {
			faberSpans[fmt.Sprintf("s-%d-%d", f.Start, f.End)] = true
		}
	}
	if len(faberSpans) == 0 {
		t.Fatalf("the seed %s has no positive FABER finding", iroSeedName)
	}
	want, err := ix.Search(index.Query{Findings: []string{"faber:positive"}})
	if err != nil {
		t.Fatal(err)
	}

	srv := httptest.NewServer(ts.h)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx,
		chromedp.ExecPath(chrome),
		chromedp.Headless,
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-extensions", true),
		chromedp.NoFirstRun,
		chromedp.NoDefaultBrowserCheck,
		chromedp.Flag("mute-audio", true),
		chromedp.WindowSize(1280, 900),
	)
	defer cancelAlloc()
	bctx, cancelBrowser := chromedp.NewContext(actx)
	defer cancelBrowser()

	pe := &pageErrors{}
	if err := chromedp.Listen(bctx, pe.listen); err != nil {
		t.Fatalf("start %s: %v", chrome, err)
	}
	noErrors := func(page string) {
		t.Helper()
		// Give the log entries of the last navigation time to arrive.
		if err := chromedp.Do(bctx, chromedp.Sleep(100*time.Millisecond)); err != nil {
			t.Fatal(err)
		}
		for _, e := range pe.take() {
			t.Errorf("%s page: %s", page, e)
		}
	}
	run := func(what string, steps ...chromedp.Action[chromedp.Void]) {
		t.Helper()
		if err := chromedp.Do(bctx, steps...); err != nil {
			t.Fatalf("%s: %v", what, err)
		}
	}

	// Search page: type a finding, submit, wait for the results.
	resp, err := chromedp.Run(bctx, chromedp.NavigateResponse(srv.URL+"/"))
	if err != nil {
		t.Fatalf("open /: %v", err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("GET / status %d", resp.Status)
	}
	csp := headerValue(resp.Headers, "Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") {
		t.Errorf("GET / Content-Security-Policy = %q, want script-src 'self'", csp)
	}
	run("type the finding", chromedp.SendKeys(chromedp.CSS("#finding"), "faber:positive"))
	resp, err = chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS("#search-button")))
	if err != nil {
		t.Fatalf("submit the search: %v", err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("search status %d (%s)", resp.Status, resp.URL)
	}
	run("wait for #results", chromedp.WaitVisible(chromedp.CSS("#results")))
	loc := evaluate[string](t, bctx, `location.search`)
	if !strings.Contains(loc, "finding=faber%3Apositive") && !strings.Contains(loc, "finding=faber:positive") {
		t.Errorf("search URL query %q does not carry finding=faber:positive", loc)
	}
	totalText, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS("#total")))
	if err != nil {
		t.Fatal(err)
	}
	total, err := strconv.ParseUint(regexp.MustCompile(`\d+`).FindString(totalText), 10, 64)
	if err != nil || total == 0 || total != want.Total {
		t.Errorf("#total %q: want %d matching cases (index.Search)", totalText, want.Total)
	}
	ids := evaluate[[]string](t, bctx,
		`Array.from(document.querySelectorAll('#results li.result')).map(li => li.dataset.id)`)
	if !slices.Contains(ids, seed.ID) {
		t.Fatalf("the IRO seed %s is not among the results %v", seed.ID, ids)
	}
	noErrors("search")
	shot(t, bctx, "search.png")

	// Case page: the seed's case link.
	caseLink := fmt.Sprintf(`#results li.result[data-id=%q] a.case-link`, seed.ID)
	href := evaluate[string](t, bctx, fmt.Sprintf(`document.querySelector(%q).getAttribute("href")`, caseLink))
	if href != "/cases/"+seed.ID {
		t.Errorf("case link href %q, want /cases/%s", href, seed.ID)
	}
	resp, err = chromedp.RunResponse(bctx, chromedp.Click(chromedp.CSS(caseLink)))
	if err != nil {
		t.Fatalf("open the case page: %v", err)
	}
	if resp.Status != http.StatusOK {
		t.Fatalf("case page status %d (%s)", resp.Status, resp.URL)
	}
	if path := evaluate[string](t, bctx, `location.pathname`); path != "/cases/"+seed.ID {
		t.Fatalf("case page at %s, want /cases/%s", path, seed.ID)
	}
	run("wait for #letter", chromedp.WaitVisible(chromedp.CSS("#letter")))

	// The FABER highlight: present, visible, colored apart from the letter.
	type markInfo struct {
		Found      bool    `json:"found"`
		Count      int     `json:"count"`
		Width      float64 `json:"width"`
		Height     float64 `json:"height"`
		Background string  `json:"background"`
		LetterBG   string  `json:"letterBG"`
		Title      string  `json:"title"`
		Tip        string  `json:"tip"`
		Side       string  `json:"side"`
		InGuide    string  `json:"inGuideline"`
	}
	mark := evaluate[markInfo](t, bctx, `(() => {
		const sel = '#letter mark.hl.finding[data-code="faber"][data-status="positive"]';
		const all = document.querySelectorAll(sel);
		const m = all[0];
		if (!m) return {found: false, count: 0};
		const r = m.getBoundingClientRect();
		// The letter's background is the first opaque one from #letter up.
		let bg = 'rgb(255, 255, 255)';
		for (let e = document.getElementById('letter'); e; e = e.parentElement) {
			const c = getComputedStyle(e).backgroundColor;
			if (c && c !== 'transparent' && !/^rgba\(.*,\s*0\)$/.test(c)) { bg = c; break; }
		}
		return {found: true, count: all.length, width: r.width, height: r.height,
			background: getComputedStyle(m).backgroundColor, letterBG: bg,
			title: m.getAttribute('title') || '', tip: m.getAttribute('data-tip') || '',
			side: m.getAttribute('data-side') || '', inGuideline: m.getAttribute('data-in-guideline') || ''};
	})()`)
	switch {
	case !mark.Found:
		t.Fatal(`no mark.hl.finding[data-code="faber"][data-status="positive"] in #letter`)
	case mark.Width <= 0 || mark.Height <= 0:
		t.Errorf("the FABER highlight is not visible: %gx%g px", mark.Width, mark.Height)
	case mark.Background == "" || mark.Background == "transparent" || strings.HasSuffix(mark.Background, ", 0)"):
		t.Errorf("the FABER highlight has no background color (%q)", mark.Background)
	case mark.Background == mark.LetterBG:
		t.Errorf("the FABER highlight's background %s is the letter's", mark.Background)
	}
	for name, v := range map[string]string{"title": mark.Title, "data-tip": mark.Tip} {
		if !strings.Contains(strings.ToLower(v), "faber") || !strings.Contains(v, "positive") {
			t.Errorf("the FABER highlight's %s %q does not show its code and status", name, v)
		}
	}
	if mark.Side != "right" || mark.InGuide != "false" {
		t.Errorf("the FABER highlight has data-side=%q data-in-guideline=%q, want right and false", mark.Side, mark.InGuide)
	}
	t.Logf("%d positive FABER highlights, background %s on %s", mark.Count, mark.Background, mark.LetterBG)

	// The evidence link of ODG SI block criterion 1 that cites a FABER span.
	hrefs := evaluate[[]string](t, bctx,
		`Array.from(document.querySelectorAll('#criteria tr.criterion[data-id="odg-si-block/1"] a.evidence')).map(a => a.getAttribute('href'))`)
	var evidence string
	for _, h := range hrefs {
		if faberSpans[strings.TrimPrefix(h, "#")] {
			evidence = h
			break
		}
	}
	if evidence == "" {
		t.Fatalf(`no a.evidence of tr.criterion[data-id="odg-si-block/1"] links to a FABER span; links %v, FABER spans %v`, hrefs, faberSpans)
	}
	target := strings.TrimPrefix(evidence, "#")
	type where struct {
		Exists      bool    `json:"exists"`
		Hash        string  `json:"hash"`
		Top         float64 `json:"top"`
		InnerHeight float64 `json:"innerHeight"`
		ScrollY     float64 `json:"scrollY"`
		Targeted    bool    `json:"targeted"`
	}
	whereJS := fmt.Sprintf(`(() => {
		const e = document.getElementById(%q);
		if (!e) return {exists: false};
		const t = document.querySelector(':target');
		return {exists: true, hash: location.hash, top: e.getBoundingClientRect().top,
			innerHeight: innerHeight, scrollY: scrollY, targeted: t === e};
	})()`, target)
	run("scroll to the top", chromedp.Evaluate[chromedp.Void](`window.scrollTo(0, 0)`))
	before := evaluate[where](t, bctx, whereJS)
	if !before.Exists {
		t.Fatalf("no element with id=%q for the evidence link %s", target, evidence)
	}
	if before.Top >= 0 && before.Top < before.InnerHeight {
		t.Errorf("the FABER span is already in view at the top of the page (top %g of %g): the scroll check proves nothing", before.Top, before.InnerHeight)
	}
	link := fmt.Sprintf(`#criteria tr.criterion[data-id="odg-si-block/1"] a.evidence[href=%q]`, evidence)
	run("click the evidence link", chromedp.Click(chromedp.CSS(link)))
	// Fragment navigation is immediate; a script may smooth-scroll, so poll.
	inView := fmt.Sprintf(`(() => { const w = %s; return w.exists && w.hash === %q && w.top >= 0 && w.top < w.innerHeight; })()`, whereJS, evidence)
	_, pollErr := chromedp.Run(bctx, chromedp.Poll[bool](inView, chromedp.WithPollingTimeout(5*time.Second)))
	after := evaluate[where](t, bctx, whereJS)
	if pollErr != nil || after.Hash != evidence || after.Top < 0 || after.Top >= after.InnerHeight {
		t.Errorf("after clicking %s: location.hash %q, the span's top %g (viewport height %g, scrollY %g), want the hash and the span in view (%v)",
			evidence, after.Hash, after.Top, after.InnerHeight, after.ScrollY, pollErr)
	}
	if !after.Targeted {
		t.Errorf("the span %s is not the :target after the click", target)
	}
	t.Logf("evidence link %s: span top %g -> %g (viewport %g)", evidence, before.Top, after.Top, after.InnerHeight)
	noErrors("case")
	shot(t, bctx, "case.png")

	// The error listener must see a CSP violation: the same policy on a page
	// with an inline script.
	control := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Security-Policy", csp)
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprint(w, `<!doctype html><title>control</title><script>document.title = "ran"</script>`)
	}))
	defer control.Close()
	run("open the CSP control page", chromedp.Navigate(control.URL), chromedp.Sleep(100*time.Millisecond))
	if title := evaluate[string](t, bctx, `document.title`); title != "control" {
		t.Errorf("the page's CSP did not block an inline script (title %q)", title)
	}
	if errs := pe.take(); !slices.ContainsFunc(errs, func(e string) bool { return strings.Contains(e, "Content Security Policy") }) {
		t.Errorf("the listener saw no CSP violation on the control page (saw %q): it could not catch one on the real pages", errs)
	}
}

// evaluate runs a JavaScript expression in the page and decodes its value.
func evaluate[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("evaluate %.80s: %v", js, err)
	}
	return v
}

// headerValue returns a response header, whatever its case.
func headerValue(h network.Headers, name string) string {
	for k, v := range h {
		if s, ok := v.(string); ok && strings.EqualFold(k, name) {
			return s
		}
	}
	return ""
}

// shot takes a full-page PNG screenshot into the test's artifact folder and
// checks that it decodes and is not blank.
func shot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	buf, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	path := filepath.Join(t.ArtifactDir(), name)
	if err := os.WriteFile(path, buf, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot %s", path)
	img, err := png.Decode(bytes.NewReader(buf))
	if err != nil {
		t.Fatalf("screenshot %s: %v", name, err)
	}
	if err := notBlank(img); err != nil {
		t.Errorf("screenshot %s: %v", name, err)
	}
}

// notBlank checks that an image has the size of a page and more than a
// handful of colors, none of which covers almost all of it. It samples a grid
// of about 40,000 pixels (a full case page is over 10 million).
func notBlank(img image.Image) error {
	b := img.Bounds()
	if b.Dx() < 800 || b.Dy() < 600 {
		return fmt.Errorf("%dx%d px, want at least the 1280x900 window", b.Dx(), b.Dy())
	}
	step := max(1, int(math.Sqrt(float64(b.Dx()*b.Dy())/40000)))
	counts := map[color.RGBA64]int{}
	n := 0
	for y := b.Min.Y; y < b.Max.Y; y += step {
		for x := b.Min.X; x < b.Max.X; x += step {
			counts[color.RGBA64Model.Convert(img.At(x, y)).(color.RGBA64)]++
			n++
		}
	}
	most := 0
	for _, c := range counts {
		most = max(most, c)
	}
	if len(counts) < 16 || most > n*99/100 {
		return fmt.Errorf("looks blank: %d colors, the commonest on %d of %d sampled pixels", len(counts), most, n)
	}
	return nil
}
