package web

import (
	"net/http"
	"net/http/httptest"
	"testing"
)

// benchServe measures one request to target through the whole handler
// (middleware, search or lookup, criteria check, template).
func benchServe(b *testing.B, target func(ts *testServer) string) {
	ts := newTestServer(b, Options{})
	req := httptest.NewRequest(http.MethodGet, target(ts), nil)
	b.ReportAllocs()
	for b.Loop() {
		rec := httptest.NewRecorder()
		ts.h.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			b.Fatalf("status %d", rec.Code)
		}
	}
}

// BenchmarkCasePage renders the IRO seed's case page: 15 KB of letter,
// 61 findings, 25 dates, one criteria set.
func BenchmarkCasePage(b *testing.B) {
	benchServe(b, func(ts *testServer) string { return "/cases/" + ts.id(iroSeedName) })
}

// BenchmarkSearchPage renders a search page with a query (snippets) and facets.
func BenchmarkSearchPage(b *testing.B) {
	benchServe(b, func(*testServer) string { return "/?q=sacroiliac&finding=faber:positive" })
}

// BenchmarkAPISearch is the same search as JSON.
func BenchmarkAPISearch(b *testing.B) {
	benchServe(b, func(*testServer) string { return "/api/search?q=sacroiliac&finding=faber:positive" })
}
