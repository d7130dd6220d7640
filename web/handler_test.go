package web

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"html"
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/rs/zerolog"

	"github.com/precedent-dev/precedent/criteria"
	"github.com/precedent-dev/precedent/fixtures"
	"github.com/precedent-dev/precedent/index"
	"github.com/precedent-dev/precedent/pipeline"
)

const (
	iroSeedName = "iro_si_injection_upheld.txt"
	xssName     = "xss_letter.txt"
	// xssPayload is put into a letter: it must never reach a page as markup.
	xssPayload = "<script>alert(1)</script>"
)

var (
	handlerCasesOnce sync.Once
	handlerCases     map[string]*pipeline.Case // by file name
	handlerCasesErr  error
)

// webTestCases extracts the fixture text letters and one letter written here
// with a script tag in its clinical text, once for all tests.
func webTestCases(t testing.TB) map[string]*pipeline.Case {
	t.Helper()
	handlerCasesOnce.Do(func() {
		p, err := pipeline.New(pipeline.Options{})
		if err != nil {
			handlerCasesErr = err
			return
		}
		defer p.Close()
		handlerCases = map[string]*pipeline.Case{}
		for _, name := range fixtures.Names() {
			if path.Ext(name) == ".pdf" {
				continue // the text letters are enough here, and much faster under -race
			}
			data, err := fs.ReadFile(fixtures.Letters, name)
			if err != nil {
				handlerCasesErr = err
				return
			}
			c, err := p.ExtractBytes(context.Background(), name, data)
			if err != nil {
				handlerCasesErr = fmt.Errorf("%s: %w", name, err)
				return
			}
			handlerCases[path.Base(name)] = c
		}
		seed, err := fs.ReadFile(fixtures.Letters, "letters/"+iroSeedName)
		if err != nil {
			handlerCasesErr = err
			return
		}
		// The payload goes into the clinical history, beside a finding.
		text := strings.Replace(string(seed), "Bilateral S1 joint tenderness",
			"The patient typed "+xssPayload+" into the portal. Bilateral S1 joint tenderness", 1)
		if text == string(seed) {
			handlerCasesErr = fmt.Errorf("the IRO seed no longer has the sentence the XSS letter edits")
			return
		}
		c, err := p.ExtractBytes(context.Background(), "letters/"+xssName, []byte(text))
		if err != nil {
			handlerCasesErr = err
			return
		}
		handlerCases[xssName] = c
	})
	if handlerCasesErr != nil {
		t.Fatal(handlerCasesErr)
	}
	return handlerCases
}

// testServer is a handler over a fresh index of the test cases.
type testServer struct {
	t     testing.TB
	h     http.Handler
	ix    *index.Index
	cases map[string]*pipeline.Case
	logs  *bytes.Buffer
}

func newTestServer(t testing.TB, opts Options) *testServer {
	t.Helper()
	cases := webTestCases(t)
	ix, err := index.Open(filepath.Join(t.TempDir(), "idx.bleve"), index.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	var all []*pipeline.Case
	for _, c := range cases {
		all = append(all, c)
	}
	if err := ix.Add(all); err != nil {
		t.Fatal(err)
	}
	logs := &bytes.Buffer{}
	opts.Index = ix
	opts.Logger = zerolog.New(&syncWriter{w: logs})
	h, err := New(opts)
	if err != nil {
		t.Fatal(err)
	}
	return &testServer{t: t, h: h, ix: ix, cases: cases, logs: logs}
}

type syncWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (s *syncWriter) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// do sends a request and returns the response with its body read.
func (ts *testServer) do(method, target string, header http.Header) (*http.Response, string) {
	ts.t.Helper()
	req := httptest.NewRequest(method, target, nil)
	for k, v := range header {
		req.Header[k] = v
	}
	rec := httptest.NewRecorder()
	ts.h.ServeHTTP(rec, req)
	res := rec.Result()
	return res, rec.Body.String()
}

func (ts *testServer) get(target string) (*http.Response, string) {
	ts.t.Helper()
	return ts.do(http.MethodGet, target, nil)
}

// getJSON GETs target, wants status and decodes the body into v.
func (ts *testServer) getJSON(target string, status int, v any) {
	ts.t.Helper()
	res, body := ts.get(target)
	if res.StatusCode != status {
		ts.t.Fatalf("GET %s: status %d, want %d\n%s", target, res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		ts.t.Fatalf("GET %s: Content-Type %q, want JSON", target, ct)
	}
	dec := json.NewDecoder(strings.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		ts.t.Fatalf("GET %s: %v\n%s", target, err, body)
	}
}

// getPage GETs an HTML page and wants status.
func (ts *testServer) getPage(target string, status int) string {
	ts.t.Helper()
	res, body := ts.get(target)
	if res.StatusCode != status {
		ts.t.Fatalf("GET %s: status %d, want %d\n%.2000s", target, res.StatusCode, status, body)
	}
	if ct := res.Header.Get("Content-Type"); ct != "text/html; charset=utf-8" {
		ts.t.Fatalf("GET %s: Content-Type %q", target, ct)
	}
	return body
}

func (ts *testServer) id(name string) string {
	ts.t.Helper()
	c := ts.cases[name]
	if c == nil {
		ts.t.Fatalf("no test case %s", name)
	}
	return c.ID
}

func TestHealthz(t *testing.T) {
	ts := newTestServer(t, Options{})
	var got struct {
		Status string `json:"status"`
		Cases  int    `json:"cases"`
	}
	ts.getJSON("/healthz", http.StatusOK, &got)
	if got.Status != "ok" || got.Cases != len(ts.cases) {
		t.Errorf("healthz = %+v, want ok and %d cases", got, len(ts.cases))
	}
}

func TestAPISearchIsTheIndexResult(t *testing.T) {
	ts := newTestServer(t, Options{})
	for _, tt := range []struct {
		target string
		q      index.Query
	}{
		{"/api/search", index.Query{Limit: 10}},
		{"/api/search?limit=100", index.Query{Limit: 100}},
		{"/api/search?finding=faber:positive&procedure=si_joint_injection",
			index.Query{Findings: []string{"faber:positive"}, Procedure: "si_joint_injection", Limit: 10}},
		{"/api/search?finding=faber:positive,si_tenderness:positive&outcome=upheld",
			index.Query{Findings: []string{"faber:positive", "si_tenderness:positive"}, Outcome: "upheld", Limit: 10}},
		{"/api/search?q=sacroiliac&kind=iro&limit=2&offset=1", index.Query{Q: "sacroiliac", Kind: "iro", Limit: 2, Offset: 1}},
		{"/api/search?min_relief=50", index.Query{MinRelief: ptr(50.0), Limit: 10}},
	} {
		t.Run(tt.target, func(t *testing.T) {
			var got index.Result
			ts.getJSON(tt.target, http.StatusOK, &got)
			want, err := ts.ix.Search(tt.q)
			if err != nil {
				t.Fatal(err)
			}
			if want.Hits == nil {
				want.Hits = []index.Hit{}
			}
			if diff := cmp.Diff(want, &got); diff != "" {
				t.Errorf("API result differs from index.Search (-index +api):\n%s", diff)
			}
		})
	}
	// The shape of the match-all answer.
	var all index.Result
	ts.getJSON("/api/search", http.StatusOK, &all)
	if all.Total != uint64(len(ts.cases)) || len(all.Hits) != DefaultLimit {
		t.Errorf("match-all: total %d, %d hits; want %d and %d", all.Total, len(all.Hits), len(ts.cases), DefaultLimit)
	}
	sum := 0
	for _, n := range all.Facets["outcome"] {
		sum += n
	}
	if sum != len(ts.cases) {
		t.Errorf("outcome facet counts %d cases, want %d", sum, len(ts.cases))
	}
	var faber index.Result
	ts.getJSON("/api/search?finding=faber:positive&procedure=si_joint_injection", http.StatusOK, &faber)
	found := false
	for _, h := range faber.Hits {
		found = found || h.ID == ts.id(iroSeedName)
	}
	if !found {
		t.Errorf("finding=faber:positive misses the IRO seed: %+v", faber.Hits)
	}
}

func ptr[T any](v T) *T { return &v }

func TestAPICaseAndCheck(t *testing.T) {
	ts := newTestServer(t, Options{})
	want := ts.cases[iroSeedName]
	var got pipeline.Case
	ts.getJSON("/api/cases/"+want.ID, http.StatusOK, &got)
	if diff := cmp.Diff(want, &got); diff != "" {
		t.Errorf("case record (-extracted +api):\n%s", diff)
	}
	ch, err := criteria.Load(nil)
	if err != nil {
		t.Fatal(err)
	}
	var rep criteria.Report
	ts.getJSON("/api/cases/"+want.ID+"/check", http.StatusOK, &rep)
	if diff := cmp.Diff(ch.Check(want), &rep); diff != "" {
		t.Errorf("criteria report (-checker +api):\n%s", diff)
	}
	if len(rep.Sets) == 0 || rep.Sets[0].ID != "odg-si-block" {
		t.Errorf("IRO seed report has sets %+v, want odg-si-block", rep.Sets)
	}
}

func TestBadParametersAre400(t *testing.T) {
	ts := newTestServer(t, Options{})
	for _, tt := range []struct{ query, want string }{
		{`q="unclosed`, "bad query"},
		{`q=a:>`, "bad query"},
		{"min_relief=abc", "min_relief"},
		{"min_relief=-5", "min_relief"},
		{"min_relief=NaN", "min_relief"},
		{"limit=0", "limit"},
		{"limit=101", "limit"},
		{"limit=ten", "limit"},
		{"offset=-1", "offset"},
		{"offset=99999999", "offset"},
		{"finding=%3Cscript%3E", "finding"},
	} {
		t.Run(tt.query, func(t *testing.T) {
			var got struct {
				Error string `json:"error"`
			}
			ts.getJSON("/api/search?"+tt.query, http.StatusBadRequest, &got)
			if !strings.Contains(got.Error, tt.want) {
				t.Errorf("error %q does not name %q", got.Error, tt.want)
			}
			page := ts.getPage("/?"+tt.query, http.StatusBadRequest)
			if !strings.Contains(page, `id="error"`) || !strings.Contains(page, html.EscapeString(got.Error)) {
				t.Errorf("search page does not show the error %q", got.Error)
			}
		})
	}
}

func TestNotFound(t *testing.T) {
	ts := newTestServer(t, Options{})
	for _, target := range []string{"/api/cases/0000000000000000", "/api/cases/0000000000000000/check",
		"/api/cases/..%2f..%2fetc", "/api/nothing"} {
		var got struct {
			Error string `json:"error"`
		}
		ts.getJSON(target, http.StatusNotFound, &got)
		if got.Error == "" {
			t.Errorf("%s: empty error", target)
		}
	}
	for _, target := range []string{"/cases/0000000000000000", "/nothing", "/static/", "/static/nothing.css"} {
		res, body := ts.get(target)
		if res.StatusCode != http.StatusNotFound {
			t.Errorf("%s: status %d, want 404", target, res.StatusCode)
		}
		if target != "/static/nothing.css" && !strings.Contains(body, "404 Not Found") {
			t.Errorf("%s: not the 404 page:\n%.500s", target, body)
		}
	}
}

func TestStatic(t *testing.T) {
	ts := newTestServer(t, Options{})
	for target, ct := range map[string]string{"/static/style.css": "text/css", "/static/app.js": "text/javascript"} {
		res, body := ts.get(target)
		if res.StatusCode != http.StatusOK || !strings.HasPrefix(res.Header.Get("Content-Type"), ct) || len(body) < 100 {
			t.Errorf("%s: status %d, type %q, %d bytes", target, res.StatusCode, res.Header.Get("Content-Type"), len(body))
		}
	}
}

func TestOnlyGetAndHead(t *testing.T) {
	ts := newTestServer(t, Options{})
	for _, m := range []string{http.MethodPost, http.MethodPut, http.MethodDelete, http.MethodOptions} {
		res, _ := ts.do(m, "/api/search", nil)
		if res.StatusCode != http.StatusMethodNotAllowed || res.Header.Get("Allow") != "GET, HEAD" {
			t.Errorf("%s: status %d, Allow %q", m, res.StatusCode, res.Header.Get("Allow"))
		}
	}
	res, _ := ts.do(http.MethodHead, "/", nil)
	if res.StatusCode != http.StatusOK {
		t.Errorf("HEAD /: status %d", res.StatusCode)
	}
	res, _ = ts.get("/api/search?q=" + strings.Repeat("a", MaxURLBytes))
	if res.StatusCode != http.StatusRequestURITooLong {
		t.Errorf("long URL: status %d, want 414", res.StatusCode)
	}
}

func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	ts := newTestServer(t, Options{Token: "s3cret"})
	bearer := http.Header{"Authorization": {"Bearer s3cret"}}
	for _, tt := range []struct {
		method, target string
		header         http.Header
		status         int
	}{
		{"GET", "/", bearer, 200},
		{"GET", "/cases/" + ts.id(iroSeedName), bearer, 200},
		{"GET", "/api/search", bearer, 200},
		{"GET", "/static/style.css", bearer, 200},
		{"GET", "/nothing", bearer, 404},
		{"GET", "/api/search?limit=0", bearer, 400},
		{"GET", "/healthz", nil, 401},
		{"POST", "/", bearer, 405},
	} {
		res, _ := ts.do(tt.method, tt.target, tt.header)
		if res.StatusCode != tt.status {
			t.Errorf("%s %s: status %d, want %d", tt.method, tt.target, res.StatusCode, tt.status)
		}
		for k, v := range map[string]string{
			"Content-Security-Policy": ContentSecurityPolicy,
			"X-Content-Type-Options":  "nosniff",
			"Referrer-Policy":         "no-referrer",
			"X-Frame-Options":         "DENY",
		} {
			if got := res.Header.Get(k); got != v {
				t.Errorf("%s %s: %s = %q, want %q", tt.method, tt.target, k, got, v)
			}
		}
	}
	if !strings.Contains(ContentSecurityPolicy, "script-src 'self';") || strings.Contains(ContentSecurityPolicy, "unsafe") {
		t.Errorf("CSP allows inline code: %s", ContentSecurityPolicy)
	}
}

func TestToken(t *testing.T) {
	const token = "correct horse"
	ts := newTestServer(t, Options{Token: token})
	for _, target := range []string{"/healthz", "/api/search", "/api/cases/" + ts.id(iroSeedName), "/", "/static/style.css"} {
		for name, h := range map[string]http.Header{
			"missing":      nil,
			"wrong":        {"Authorization": {"Bearer wrong"}},
			"prefix":       {"Authorization": {"Bearer correct"}},
			"basic":        {"Authorization": {"Basic " + token}},
			"wrong cookie": {"Cookie": {CookieName + "=" + token}},
		} {
			res, _ := ts.do(http.MethodGet, target, h)
			if res.StatusCode != http.StatusUnauthorized || !strings.HasPrefix(res.Header.Get("WWW-Authenticate"), "Bearer") {
				t.Errorf("%s, %s token: status %d, WWW-Authenticate %q; want 401 Bearer",
					target, name, res.StatusCode, res.Header.Get("WWW-Authenticate"))
			}
		}
		res, _ := ts.do(http.MethodGet, target, http.Header{"Authorization": {"Bearer " + token}})
		if res.StatusCode != http.StatusOK {
			t.Errorf("%s with the token: status %d", target, res.StatusCode)
		}
	}
	var e struct {
		Error string `json:"error"`
	}
	res, body := ts.get("/healthz")
	if err := json.Unmarshal([]byte(body), &e); err != nil || e.Error == "" {
		t.Errorf("401 of the API is not a JSON error: %s", body)
	}
	_, body = ts.get("/")
	if !strings.Contains(body, "?token=") {
		t.Errorf("401 page does not say how to pass the token:\n%.500s", body)
	}

	// A browser: ?token= once sets the cookie and drops the token.
	res, _ = ts.get("/?q=faber&token=wrong")
	if res.StatusCode != http.StatusUnauthorized || len(res.Cookies()) != 0 {
		t.Errorf("?token=wrong: status %d, cookies %v", res.StatusCode, res.Cookies())
	}
	res, _ = ts.get("/?q=faber&token=" + strings.ReplaceAll(token, " ", "+"))
	if res.StatusCode != http.StatusSeeOther || res.Header.Get("Location") != "/?q=faber" {
		t.Fatalf("?token=: status %d, Location %q; want 303 to /?q=faber", res.StatusCode, res.Header.Get("Location"))
	}
	cookies := res.Cookies()
	if len(cookies) != 1 || cookies[0].Name != CookieName || !cookies[0].HttpOnly ||
		cookies[0].SameSite != http.SameSiteStrictMode || cookies[0].Path != "/" {
		t.Fatalf("cookie %+v, want one HttpOnly SameSite=Strict cookie for /", cookies)
	}
	if strings.Contains(cookies[0].Value, "horse") {
		t.Errorf("cookie carries the token itself: %q", cookies[0].Value)
	}
	res, _ = ts.do(http.MethodGet, "/?q=faber", http.Header{"Cookie": {cookies[0].String()}})
	if res.StatusCode != http.StatusOK {
		t.Errorf("with the cookie: status %d", res.StatusCode)
	}
	// The redirect stays on this server.
	for target, want := range map[string]string{
		"//evil.example/x?token=correct+horse":         "/evil.example/x",
		`/\evil.example/?token=correct+horse`:          "",
		"/cases/../api/search?token=correct+horse&q=a": "/api/search?q=a",
	} {
		req := httptest.NewRequest(http.MethodGet, "/", nil)
		req.URL, _ = url.ParseRequestURI(target)
		rec := httptest.NewRecorder()
		ts.h.ServeHTTP(rec, req)
		got := rec.Header().Get("Location")
		if rec.Code != http.StatusSeeOther || !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") ||
			strings.HasPrefix(got, `/\`) || (want != "" && got != want) {
			t.Errorf("%s: %d to %q, want 303 to %q (a path of this server)", target, rec.Code, got, want)
		}
	}
}

func TestSearchPage(t *testing.T) {
	ts := newTestServer(t, Options{})
	page := ts.getPage("/?finding=faber:positive&procedure=si_joint_injection", http.StatusOK)
	for _, want := range []string{
		`<form id="search"`, `method="GET"`, `action="/"`, `id="q" name="q"`, `id="finding" name="finding"`,
		`value="faber:positive"`, `<select id="outcome" name="outcome">`, `<select id="procedure" name="procedure">`,
		`<option value="si_joint_injection" selected>`, `<select id="kind" name="kind">`,
		`id="min_relief" name="min_relief"`, `<button id="search-button" type="submit">`,
		`<aside id="facets"`, `<ol id="results"`,
		fmt.Sprintf(`<li class="result" data-id="%s">`, ts.id(iroSeedName)),
		fmt.Sprintf(`<a class="case-link" href="/cases/%s">`, ts.id(iroSeedName)),
		`<span class="badge outcome-upheld">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("search page lacks %q", want)
		}
	}
	var res index.Result
	ts.getJSON("/api/search?finding=faber:positive&procedure=si_joint_injection", http.StatusOK, &res)
	if got := totalOf(t, page); got != res.Total {
		t.Errorf("#total says %d, the API %d", got, res.Total)
	}
	if n := strings.Count(page, `<li class="result"`); n != len(res.Hits) {
		t.Errorf("%d results shown, want %d", n, len(res.Hits))
	}

	t.Run("empty state", func(t *testing.T) {
		page := ts.getPage("/?q=zzzznotaword", http.StatusOK)
		if totalOf(t, page) != 0 || !strings.Contains(page, "No case matches") || strings.Contains(page, `class="result"`) {
			t.Errorf("no empty state:\n%.3000s", page)
		}
	})

	t.Run("paging", func(t *testing.T) {
		first := ts.getPage("/?limit=4", http.StatusOK)
		if strings.Contains(first, `id="prev"`) {
			t.Error("first page has a previous link")
		}
		seen := map[string]bool{}
		next, pages := "/?limit=4", 0
		for next != "" {
			p := ts.getPage(next, http.StatusOK)
			pages++
			for _, m := range regexp.MustCompile(`<li class="result" data-id="([^"]+)">`).FindAllStringSubmatch(p, -1) {
				if seen[m[1]] {
					t.Errorf("%s shows %s again", next, m[1])
				}
				seen[m[1]] = true
			}
			if pages > 1 && !strings.Contains(p, `id="prev"`) {
				t.Errorf("%s has no previous link", next)
			}
			next = html.UnescapeString(attr(p, `<a id="next" href="`))
		}
		if len(seen) != len(ts.cases) || pages != (len(ts.cases)+3)/4 {
			t.Errorf("paging showed %d cases on %d pages, want %d cases", len(seen), pages, len(ts.cases))
		}
	})

	t.Run("every facet link filters to its count", func(t *testing.T) {
		page := ts.getPage("/?q=injection", http.StatusOK)
		re := regexp.MustCompile(`<a class="facet[^"]*" href="([^"]+)" data-facet="([^"]+)" data-value="([^"]+)">\s*<span class="[^"]*">[^<]*</span> <span class="count">(\d+)</span>`)
		links := re.FindAllStringSubmatch(page, -1)
		facets := map[string]bool{}
		for _, m := range links {
			href, facet, count := html.UnescapeString(m[1]), m[2], m[4]
			facets[facet] = true
			p := ts.getPage(href, http.StatusOK)
			if got := fmt.Sprint(totalOf(t, p)); got != count {
				t.Errorf("facet %s=%s: link %s shows %s cases, the count says %s", facet, m[3], href, got, count)
			}
			if !strings.Contains(href, "q=injection") {
				t.Errorf("facet link %s drops the query", href)
			}
		}
		for _, f := range facetOrder {
			if !facets[f] {
				t.Errorf("no %s facet link on the page (%d links)", f, len(links))
			}
		}
	})
}

// totalOf reads the number in #total.
func totalOf(t *testing.T, page string) uint64 {
	t.Helper()
	m := regexp.MustCompile(`<span id="total">(\d+) `).FindStringSubmatch(page)
	if m == nil {
		t.Fatalf("no #total on the page:\n%.2000s", page)
	}
	var n uint64
	fmt.Sscan(m[1], &n)
	return n
}

// attr returns the attribute value that follows prefix in page, or "".
func attr(page, prefix string) string {
	i := strings.Index(page, prefix)
	if i < 0 {
		return ""
	}
	rest := page[i+len(prefix):]
	return rest[:strings.IndexByte(rest, '"')]
}

// letterHTML returns the inner HTML of #letter.
func letterHTML(t *testing.T, page string) string {
	t.Helper()
	const open = `<div id="letter" class="letter">`
	i := strings.Index(page, open)
	if i < 0 {
		t.Fatal("no #letter on the case page")
	}
	rest := page[i+len(open):]
	j := strings.Index(rest, "</div>")
	if j < 0 {
		t.Fatal("#letter is not closed")
	}
	return rest[:j]
}

var tagRE = regexp.MustCompile(`<(/?)(mark|span)\b[^>]*>`)

// checkLetterHTML checks that the letter's elements nest and that its
// text, tags removed and unescaped, is the case text.
func checkLetterHTML(t *testing.T, inner, text string) {
	t.Helper()
	var stack []string
	for _, m := range tagRE.FindAllStringSubmatch(inner, -1) {
		if m[1] == "" {
			stack = append(stack, m[2])
			continue
		}
		if len(stack) == 0 || stack[len(stack)-1] != m[2] {
			t.Fatalf("</%s> closes %v", m[2], stack)
		}
		stack = stack[:len(stack)-1]
	}
	if len(stack) > 0 {
		t.Fatalf("left open: %v", stack)
	}
	if strings.Count(inner, "<") != len(tagRE.FindAllString(inner, -1)) {
		t.Errorf("the letter holds other tags than mark and span")
	}
	if got := html.UnescapeString(tagRE.ReplaceAllString(inner, "")); got != text {
		t.Errorf("the letter's text differs from the case text (%d vs %d bytes)", len(got), len(text))
	}
}

func TestCasePageIROSeed(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.cases[iroSeedName]
	page := ts.getPage("/cases/"+c.ID, http.StatusOK)
	for _, want := range []string{
		"<h1>Case " + c.ID + "</h1>",
		`<a id="json-link" href="/api/cases/` + c.ID + `">`,
		`<section id="fields"`, `<section id="services"`, `<section id="criteria"`,
		`<table class="criteria-set" data-set="odg-si-block">`,
		`<tr class="criterion status-not_met" data-id="odg-si-block/1">`,
		`<span class="badge decision outcome-upheld">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("case page lacks %q", want)
		}
	}
	inner := letterHTML(t, page)
	checkLetterHTML(t, inner, c.Text)
	if n, m := strings.Count(page, "<mark"), strings.Count(inner, "<mark"); n != m {
		t.Errorf("%d mark elements outside #letter: the highlights are the letter's only", n-m)
	}

	// The FABER finding, highlighted with its details.
	var faber *pipeline.Finding
	for i := range c.Findings {
		if f := &c.Findings[i]; f.Code == "faber" && f.Status == "positive" && !f.InGuideline {
			faber = f
			break
		}
	}
	if faber == nil {
		t.Fatal("the IRO seed has no positive FABER finding")
	}
	markRE := regexp.MustCompile(`<mark class="hl finding status-positive" tabindex="0" title="([^"]*)" data-tip="([^"]*)" data-code="faber" data-status="positive" data-side="` +
		faber.Laterality + `" data-certainty="definite" data-in-guideline="false">`)
	m := markRE.FindStringSubmatch(inner)
	if m == nil {
		t.Fatalf("no highlighted positive FABER finding in the letter")
	}
	if m[1] != m[2] || !strings.Contains(m[1], "faber") || !strings.Contains(m[1], "positive") ||
		!strings.Contains(m[1], "in guideline: no") || !strings.Contains(m[1], "certainty: definite") {
		t.Errorf("FABER detail %q / %q", m[1], m[2])
	}
	// It sits at the finding's span: the anchor of the span opens right before.
	anchor := fmt.Sprintf(`<span class="anchor" id="s-%d-%d">`, faber.Start, faber.End)
	if i := strings.Index(inner, anchor); i < 0 {
		t.Errorf("no anchor %s", anchor)
	}

	// Every evidence link has its target; so has every span of the record.
	ids := map[string]int{}
	for _, m := range regexp.MustCompile(` id="(s-\d+-\d+)"`).FindAllStringSubmatch(page, -1) {
		ids[m[1]]++
	}
	links := regexp.MustCompile(`<a class="evidence" href="#(s-\d+-\d+)">`).FindAllStringSubmatch(page, -1)
	if len(links) == 0 {
		t.Fatal("no evidence links in the criteria table")
	}
	for _, l := range links {
		if ids[l[1]] != 1 {
			t.Errorf("evidence link #%s: %d elements with that id", l[1], ids[l[1]])
		}
	}
	for _, f := range c.Findings {
		if id := fmt.Sprintf("s-%d-%d", f.Start, f.End); ids[id] != 1 {
			t.Errorf("finding %s at %d-%d: %d anchors", f.Code, f.Start, f.End, ids[id])
		}
	}
	for _, d := range c.Dates {
		if !strings.Contains(inner, fmt.Sprintf(`id="s-%d-%d"`, d.Start, d.End)) {
			t.Errorf("date %d-%d has no anchor", d.Start, d.End)
		}
	}
	if n := strings.Count(inner, `<mark class="hl date"`); n < len(c.Dates) {
		t.Errorf("%d date highlights, want at least %d", n, len(c.Dates))
	}
	if n := strings.Count(inner, `<mark class="hl relief`); n < len(c.Relief) {
		t.Errorf("%d relief highlights, want at least %d", n, len(c.Relief))
	}
	if n := strings.Count(inner, `<mark class="hl score strength"`); n < len(c.Strength) {
		t.Errorf("%d strength highlights, want at least %d", n, len(c.Strength))
	}
}

func TestEveryCasePageIsWellFormed(t *testing.T) {
	ts := newTestServer(t, Options{})
	for name, c := range ts.cases {
		page := ts.getPage("/cases/"+c.ID, http.StatusOK)
		t.Run(name, func(t *testing.T) {
			checkLetterHTML(t, letterHTML(t, page), c.Text)
			for _, l := range regexp.MustCompile(`<a class="evidence" href="#(s-\d+-\d+)">`).FindAllStringSubmatch(page, -1) {
				if strings.Count(page, ` id="`+l[1]+`"`) != 1 {
					t.Errorf("evidence link #%s has no single target", l[1])
				}
			}
		})
	}
}

func TestScriptInALetterIsInert(t *testing.T) {
	ts := newTestServer(t, Options{})
	id := ts.id(xssName)
	escaped := html.EscapeString(xssPayload) // &lt;script&gt;alert(1)&lt;/script&gt;

	page := ts.getPage("/cases/"+id, http.StatusOK)
	if strings.Contains(page, "<script>alert") || strings.Contains(page, xssPayload) {
		t.Error("the case page carries the letter's script tag as markup")
	}
	if !strings.Contains(letterHTML(t, page), escaped) {
		t.Errorf("the case page does not show the script tag as text (%q)", escaped)
	}
	onlyOurScript(t, page)

	search := ts.getPage("/?q=alert", http.StatusOK)
	if !strings.Contains(search, fmt.Sprintf(`data-id="%s"`, id)) {
		t.Fatalf("q=alert does not find the letter")
	}
	if strings.Contains(search, "<script>alert") || strings.Contains(search, "<script><mark>") {
		t.Error("the search page carries the script tag as markup")
	}
	if !strings.Contains(search, "&lt;script&gt;<mark>alert</mark>(1)&lt;/script&gt;") {
		t.Errorf("snippet does not show the escaped script with the match marked:\n%s",
			regexp.MustCompile(`<p class="snippet">.*alert.*</p>`).FindString(search))
	}
	onlyOurScript(t, search)

	_, body := ts.get("/api/search?q=alert")
	if strings.Contains(body, "<script>") {
		t.Error("the API's JSON carries a raw script tag")
	}
	var res index.Result
	ts.getJSON("/api/search?q=alert", http.StatusOK, &res)
	if len(res.Hits) == 0 || !strings.Contains(strings.Join(res.Hits[0].Snippets, " "), "<script>[[alert]](1)</script>") {
		t.Errorf("the API snippet is not the index snippet: %+v", res.Hits)
	}
}

// onlyOurScript checks that the page's only script is the static one.
func onlyOurScript(t *testing.T, page string) {
	t.Helper()
	if n := strings.Count(strings.ToLower(page), "<script"); n != 1 || !strings.Contains(page, `<script src="/static/app.js" defer></script>`) {
		t.Errorf("%d script elements; want only /static/app.js", n)
	}
	if regexp.MustCompile(`(?i)\son[a-z]+=`).MatchString(page) {
		t.Error("an inline event handler on the page")
	}
	if strings.Contains(page, "style=") {
		t.Error("an inline style on the page (the CSP forbids it)")
	}
}

func TestAccessLogHasNoQueryNorLetterText(t *testing.T) {
	ts := newTestServer(t, Options{})
	c := ts.cases[iroSeedName]
	ts.get("/api/search?q=SecretPatientWord")
	ts.get("/?q=SecretPatientWord&finding=faber:positive")
	ts.get("/cases/" + c.ID)
	ts.get("/api/cases/" + c.ID)
	ts.get("/api/cases/0000000000000000")
	logs := ts.logs.String()
	if strings.Contains(logs, "SecretPatientWord") || strings.Contains(logs, "faber") {
		t.Errorf("the access log carries the query string:\n%s", logs)
	}
	if strings.Contains(logs, c.ID) {
		t.Errorf("the access log carries a case id:\n%s", logs)
	}
	for _, f := range c.Findings[:5] {
		if len(f.Text) > 10 && strings.Contains(logs, f.Text) {
			t.Errorf("the access log carries letter text %q", f.Text)
		}
	}
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	if len(lines) != 5 {
		t.Fatalf("%d log lines, want 5:\n%s", len(lines), logs)
	}
	wantRoutes := []string{"GET /api/search", "GET /{$}", "GET /cases/{id}", "GET /api/cases/{id}", "GET /api/cases/{id}"}
	wantStatus := []int{200, 200, 200, 200, 404}
	for i, l := range lines {
		var e struct {
			Method   string  `json:"method"`
			Route    string  `json:"route"`
			Status   int     `json:"status"`
			Duration float64 `json:"duration"`
		}
		if err := json.Unmarshal([]byte(l), &e); err != nil {
			t.Fatal(err)
		}
		if e.Method != "GET" || e.Route != wantRoutes[i] || e.Status != wantStatus[i] {
			t.Errorf("log line %d: %+v, want GET %s %d", i, e, wantRoutes[i], wantStatus[i])
		}
	}
}

func TestSearchTimeout(t *testing.T) {
	ts := newTestServer(t, Options{SearchTimeout: time.Nanosecond})
	var e struct {
		Error string `json:"error"`
	}
	ts.getJSON("/api/search?q=sacroiliac", http.StatusServiceUnavailable, &e)
	if !strings.Contains(e.Error, "too long") {
		t.Errorf("timeout error %q", e.Error)
	}
}
