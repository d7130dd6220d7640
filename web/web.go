package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log"
	"net/http"
	"net/url"
	"path"
	"strings"
	"time"

	"github.com/rs/zerolog"

	"github.com/precedent-dev/precedent/criteria"
	"github.com/precedent-dev/precedent/index"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// ContentSecurityPolicy is sent with every response: no inline script or
// style, nothing from another origin.
const ContentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'"

// Limits of a request.
const (
	// MaxURLBytes bounds the request target (path and query).
	MaxURLBytes = 4096
	// MaxBodyBytes bounds a request body (GET and HEAD need none).
	MaxBodyBytes = 1024
	// MaxHeaderBytes bounds the request headers (http.Server.MaxHeaderBytes).
	MaxHeaderBytes = 16 << 10
	// DefaultSearchTimeout bounds one search unless Options.SearchTimeout says otherwise.
	DefaultSearchTimeout = 10 * time.Second
	// MaxLimit is the largest page of hits; MaxOffset the deepest page start.
	MaxLimit  = 100
	MaxOffset = 10000
)

// CookieName is the cookie that carries the token proof in a browser.
const CookieName = "precedent_token"

// Options configure New.
type Options struct {
	// Index is the open case index (required). The handler only reads it.
	Index *index.Index
	// Checker runs the criteria sets; nil loads the embedded sets.
	Checker *criteria.Checker
	// Token, when not empty, is required on every request (see the
	// package documentation).
	Token string
	// Logger receives the access log (info) and server errors (error).
	Logger zerolog.Logger
	// SearchTimeout bounds one search; 0 means DefaultSearchTimeout.
	SearchTimeout time.Duration
}

// server holds what the handlers share.
type server struct {
	ix      *index.Index
	checker *criteria.Checker
	token   []byte
	cookie  string // hex HMAC of the token: the cookie's value
	log     zerolog.Logger
	timeout time.Duration
	tmpl    map[string]*template.Template
	// options of the search form's selects: every term in the index
	// (the index is opened read-only, so they do not change).
	outcomes, procedures, kinds []string
}

// New returns the handler of the API and the web page over opts.Index.
func New(opts Options) (http.Handler, error) {
	if opts.Index == nil {
		return nil, errors.New("web: no index")
	}
	s := &server{ix: opts.Index, checker: opts.Checker, log: opts.Logger, timeout: opts.SearchTimeout}
	if s.checker == nil {
		ch, err := criteria.Load(nil)
		if err != nil {
			return nil, fmt.Errorf("web: %w", err)
		}
		s.checker = ch
	}
	if s.timeout <= 0 {
		s.timeout = DefaultSearchTimeout
	}
	if opts.Token != "" {
		s.token = []byte(opts.Token)
		mac := hmac.New(sha256.New, s.token)
		mac.Write([]byte("precedent web cookie v1"))
		s.cookie = hex.EncodeToString(mac.Sum(nil))
	}
	var err error
	if s.tmpl, err = parseTemplates(); err != nil {
		return nil, err
	}
	all, err := s.ix.Search(index.Query{Limit: 1})
	if err != nil {
		return nil, fmt.Errorf("web: read the index terms: %w", err)
	}
	s.outcomes = sortedTerms(all.Facets["outcome"])
	s.procedures = sortedTerms(all.Facets["procedure"])
	s.kinds = sortedTerms(all.Facets["kind"])

	static, err := fs.Sub(staticFS, "static")
	if err != nil {
		return nil, err
	}
	files := http.StripPrefix("/static/", http.FileServerFS(static))

	mux := http.NewServeMux()
	mux.HandleFunc("GET /{$}", s.searchPage)
	mux.HandleFunc("GET /cases/{id}", s.casePage)
	mux.HandleFunc("GET /static/", func(w http.ResponseWriter, r *http.Request) {
		if strings.HasSuffix(r.URL.Path, "/") { // no folder listings
			s.notFound(w, r)
			return
		}
		w.Header().Set("Cache-Control", "no-cache")
		files.ServeHTTP(w, r)
	})
	mux.HandleFunc("GET /api/search", s.apiSearch)
	mux.HandleFunc("GET /api/cases/{id}", s.apiCase)
	mux.HandleFunc("GET /api/cases/{id}/check", s.apiCheck)
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("/", s.notFound)
	return s.logged(s.limited(s.authorized(mux))), nil
}

// NewServer returns an http.Server for h on addr with timeouts and a
// header limit; its own error log goes to logger.
func NewServer(addr string, h http.Handler, logger zerolog.Logger) *http.Server {
	return &http.Server{
		Addr:              addr,
		Handler:           h,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       10 * time.Second,
		WriteTimeout:      DefaultSearchTimeout + 20*time.Second,
		IdleTimeout:       60 * time.Second,
		MaxHeaderBytes:    MaxHeaderBytes,
		ErrorLog:          log.New(errorLogWriter{logger}, "", 0),
	}
}

// errorLogWriter sends net/http's own messages (bad TLS handshakes,
// panics) to the logger.
type errorLogWriter struct{ log zerolog.Logger }

func (w errorLogWriter) Write(p []byte) (int, error) {
	w.log.Warn().Msg(strings.TrimSpace(string(p)))
	return len(p), nil
}

// statusWriter records the status of a response.
type statusWriter struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (w *statusWriter) WriteHeader(code int) {
	if w.status == 0 {
		w.status = code
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *statusWriter) Write(b []byte) (int, error) {
	if w.status == 0 {
		w.status = http.StatusOK
	}
	n, err := w.ResponseWriter.Write(b)
	w.bytes += n
	return n, err
}

func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// logged sets the security headers, recovers from panics and writes one
// access log line per request: method, route pattern, status, duration.
// Never the path's id or the query string.
func (s *server) logged(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		h := w.Header()
		h.Set("Content-Security-Policy", ContentSecurityPolicy)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		sw := &statusWriter{ResponseWriter: w}
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.log.Error().Str("method", r.Method).Str("route", r.Pattern).Msgf("panic: %T", v)
				if sw.status == 0 {
					s.fail(sw, r, http.StatusInternalServerError, "internal error")
				}
			}
			route := r.Pattern
			if route == "" {
				route = "-"
			}
			s.log.Info().Str("method", r.Method).Str("route", route).Int("status", sw.status).
				Int("bytes", sw.bytes).Dur("duration", time.Since(start)).Msg("request")
		}()
		next.ServeHTTP(sw, r)
	})
}

// limited refuses other methods than GET and HEAD, long URLs and bodies.
func (s *server) limited(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			s.fail(w, r, http.StatusMethodNotAllowed, "only GET and HEAD are served")
			return
		}
		if len(r.RequestURI) > MaxURLBytes || len(r.URL.RawQuery) > MaxURLBytes {
			s.fail(w, r, http.StatusRequestURITooLong, fmt.Sprintf("the URL is longer than %d bytes", MaxURLBytes))
			return
		}
		if r.ContentLength > MaxBodyBytes {
			s.fail(w, r, http.StatusRequestEntityTooLarge, "request body too large")
			return
		}
		r.Body = http.MaxBytesReader(w, r.Body, MaxBodyBytes)
		next.ServeHTTP(w, r)
	})
}

// authorized requires the token, when there is one: "Authorization:
// Bearer T", or the cookie set by a "?token=T" on any page (which then
// redirects to the same URL without it, so the token leaves the address
// bar and the history).
func (s *server) authorized(next http.Handler) http.Handler {
	if s.token == nil {
		return next
	}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if q := r.URL.Query(); q.Has("token") {
			if !s.tokenOK(q.Get("token")) {
				s.unauthorized(w, r, "wrong token")
				return
			}
			http.SetCookie(w, &http.Cookie{
				Name: CookieName, Value: s.cookie, Path: "/",
				HttpOnly: true, SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil,
			})
			q.Del("token")
			// Back to the same page of this server: a cleaned path, so
			// "//host/..." cannot become a redirect to another site.
			u := url.URL{Path: "/" + strings.TrimLeft(path.Clean(r.URL.Path), "/"), RawQuery: q.Encode()}
			http.Redirect(w, r, u.String(), http.StatusSeeOther)
			return
		}
		if auth := r.Header.Get("Authorization"); auth != "" {
			scheme, tok, _ := strings.Cut(auth, " ")
			if !strings.EqualFold(scheme, "Bearer") || !s.tokenOK(strings.TrimSpace(tok)) {
				s.unauthorized(w, r, "wrong token")
				return
			}
			next.ServeHTTP(w, r)
			return
		}
		if c, err := r.Cookie(CookieName); err == nil &&
			subtle.ConstantTimeCompare([]byte(c.Value), []byte(s.cookie)) == 1 {
			next.ServeHTTP(w, r)
			return
		}
		s.unauthorized(w, r, "this server needs a token")
	})
}

// tokenOK compares t with the token in constant time (over hashes, so the
// length does not leak either).
func (s *server) tokenOK(t string) bool {
	a, b := sha256.Sum256([]byte(t)), sha256.Sum256(s.token)
	return subtle.ConstantTimeCompare(a[:], b[:]) == 1
}

func (s *server) unauthorized(w http.ResponseWriter, r *http.Request, msg string) {
	w.Header().Set("WWW-Authenticate", `Bearer realm="precedent"`)
	s.fail(w, r, http.StatusUnauthorized, msg)
}

// isAPI reports whether r asks for JSON: the API and the health check.
func isAPI(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/api/") || r.URL.Path == "/healthz"
}

// fail answers with an error: {"error": msg} for the API, else a page.
func (s *server) fail(w http.ResponseWriter, r *http.Request, status int, msg string) {
	if isAPI(r) {
		writeJSON(w, status, map[string]string{"error": msg})
		return
	}
	s.render(w, status, "error", errorView{Status: status, StatusText: http.StatusText(status), Message: msg,
		NeedsToken: status == http.StatusUnauthorized})
}

func (s *server) notFound(w http.ResponseWriter, r *http.Request) {
	s.fail(w, r, http.StatusNotFound, "no such page")
}

// writeJSON writes v with status. HTML-sensitive characters are escaped
// (\u003c), so a JSON answer opened in a browser cannot turn into markup.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	_ = enc.Encode(v) // the client went away; nothing to do
}
