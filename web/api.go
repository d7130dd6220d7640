package web

import (
	"context"
	"errors"
	"fmt"
	"math"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/index"
	"github.com/precedent-dev/precedent/pipeline"
)

// DefaultLimit is the number of hits of a search without limit.
const DefaultLimit = index.DefaultLimit

// A badParam is a query parameter that does not parse: a 400.
type badParam struct{ msg string }

func (e *badParam) Error() string { return e.msg }

// findingTagRE is a finding tag: code, code:status or code:status:side.
var findingTagRE = regexp.MustCompile(`^[A-Za-z0-9_-]+(:[A-Za-z0-9_-]+){0,2}$`)

// caseIDRE is a case id as ingest makes them (16 hex digits), with room to
// spare; anything else is not looked up.
var caseIDRE = regexp.MustCompile(`^[A-Za-z0-9_-]{1,64}$`)

// searchParams are the parameters of a search as given (for the form).
type searchParams struct {
	Q         string
	Findings  []string
	Outcome   string
	Procedure string
	Kind      string
	Guideline string
	Specialty string
	MinRelief string
	Limit     int
	Offset    int
}

// parseSearch reads the search parameters of the API and the search page.
// finding may be repeated and each value may hold several tags separated
// by commas or spaces.
func parseSearch(v url.Values) (searchParams, index.Query, error) {
	p := searchParams{
		Q:         strings.TrimSpace(v.Get("q")),
		Outcome:   strings.TrimSpace(v.Get("outcome")),
		Procedure: strings.TrimSpace(v.Get("procedure")),
		Kind:      strings.TrimSpace(v.Get("kind")),
		Guideline: strings.TrimSpace(v.Get("guideline")),
		Specialty: strings.TrimSpace(v.Get("specialty")),
		MinRelief: strings.TrimSpace(v.Get("min_relief")),
		Limit:     DefaultLimit,
	}
	for _, f := range v["finding"] {
		for _, tag := range strings.FieldsFunc(f, func(r rune) bool { return r == ',' || r == ' ' || r == '\t' }) {
			if !findingTagRE.MatchString(tag) {
				return p, index.Query{}, &badParam{fmt.Sprintf("bad finding %q: want CODE, CODE:STATUS or CODE:STATUS:SIDE (faber:positive:right)", tag)}
			}
			p.Findings = append(p.Findings, tag)
		}
	}
	q := index.Query{Q: p.Q, Findings: p.Findings, Outcome: p.Outcome, Procedure: p.Procedure, Kind: p.Kind,
		Guideline: p.Guideline, Specialty: p.Specialty}
	if p.MinRelief != "" {
		r, err := strconv.ParseFloat(p.MinRelief, 64)
		if err != nil || r < 0 || math.IsNaN(r) || math.IsInf(r, 0) {
			return p, q, &badParam{fmt.Sprintf("bad min_relief %q: want a percent, a number 0 or more", p.MinRelief)}
		}
		q.MinRelief = &r
	}
	var err error
	if p.Limit, err = intParam(v, "limit", DefaultLimit, 1, MaxLimit); err != nil {
		return p, q, err
	}
	if p.Offset, err = intParam(v, "offset", 0, 0, MaxOffset); err != nil {
		return p, q, err
	}
	q.Limit, q.Offset = p.Limit, p.Offset
	return p, q, nil
}

// intParam reads an integer parameter in [lo, hi], def when absent.
func intParam(v url.Values, name string, def, lo, hi int) (int, error) {
	s := strings.TrimSpace(v.Get(name))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < lo || n > hi {
		return 0, &badParam{fmt.Sprintf("bad %s %q: want a whole number from %d to %d", name, s, lo, hi)}
	}
	return n, nil
}

// search runs q within the search timeout. The error is ready for the
// client: its status and a message.
func (s *server) search(r *http.Request, q index.Query) (*index.Result, int, error) {
	ctx, cancel := context.WithTimeout(r.Context(), s.timeout)
	defer cancel()
	res, err := s.ix.SearchContext(ctx, q)
	switch {
	case err == nil:
		if res.Hits == nil {
			res.Hits = []index.Hit{}
		}
		return res, http.StatusOK, nil
	case errors.Is(err, index.ErrBadQuery):
		return nil, http.StatusBadRequest, err
	case errors.Is(err, context.DeadlineExceeded):
		return nil, http.StatusServiceUnavailable, errors.New("the search took too long; narrow it down")
	case errors.Is(err, context.Canceled):
		return nil, http.StatusServiceUnavailable, errors.New("the search was cancelled")
	}
	s.log.Error().Err(err).Msg("search failed")
	return nil, http.StatusInternalServerError, errors.New("the search failed")
}

// getCase returns the stored record of the case named in the path, or the
// status and message of the failure.
func (s *server) getCase(r *http.Request) (*pipeline.Case, int, string) {
	id := r.PathValue("id")
	if !caseIDRE.MatchString(id) {
		return nil, http.StatusNotFound, "no case with that id"
	}
	c, err := s.ix.Get(id)
	switch {
	case errors.Is(err, index.ErrNotFound):
		return nil, http.StatusNotFound, "no case with id " + id
	case err != nil:
		s.log.Error().Err(err).Msg("reading a case failed")
		return nil, http.StatusInternalServerError, "reading the case failed"
	}
	return c, http.StatusOK, ""
}

func (s *server) apiSearch(w http.ResponseWriter, r *http.Request) {
	_, q, err := parseSearch(r.URL.Query())
	if err != nil {
		s.fail(w, r, http.StatusBadRequest, err.Error())
		return
	}
	res, status, err := s.search(r, q)
	if err != nil {
		s.fail(w, r, status, err.Error())
		return
	}
	writeJSON(w, http.StatusOK, res)
}

func (s *server) apiCase(w http.ResponseWriter, r *http.Request) {
	c, status, msg := s.getCase(r)
	if c == nil {
		s.fail(w, r, status, msg)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

func (s *server) apiCheck(w http.ResponseWriter, r *http.Request) {
	c, status, msg := s.getCase(r)
	if c == nil {
		s.fail(w, r, status, msg)
		return
	}
	writeJSON(w, http.StatusOK, s.checker.Check(c))
}

func (s *server) healthz(w http.ResponseWriter, r *http.Request) {
	n, err := s.ix.Count()
	if err != nil {
		s.log.Error().Err(err).Msg("counting cases failed")
		s.fail(w, r, http.StatusServiceUnavailable, "the index cannot be read")
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Status string `json:"status"`
		Cases  uint64 `json:"cases"`
	}{"ok", n})
}

// sortedTerms returns the terms of a facet, most frequent first, then by name.
func sortedTerms(m map[string]int) []string {
	terms := make([]string, 0, len(m))
	for t := range m {
		terms = append(terms, t)
	}
	sort.Slice(terms, func(i, j int) bool {
		if m[terms[i]] != m[terms[j]] {
			return m[terms[i]] > m[terms[j]]
		}
		return terms[i] < terms[j]
	})
	return terms
}
