package web

import (
	"bytes"
	"fmt"
	"html/template"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
)

// pages are the page templates; each is parsed with base.html.
var pages = []string{"search", "case", "error"}

var funcs = template.FuncMap{
	"cls":     cls,
	"label":   label,
	"snippet": snippetHTML,
	"yesno": func(b bool) string {
		if b {
			return "yes"
		}
		return "no"
	},
	"orDash": func(s string) string {
		if s == "" {
			return "—"
		}
		return s
	},
	"join": strings.Join,
}

func parseTemplates() (map[string]*template.Template, error) {
	out := map[string]*template.Template{}
	for _, p := range pages {
		t, err := template.New(p).Funcs(funcs).ParseFS(templateFS, "templates/base.html", "templates/"+p+".html")
		if err != nil {
			return nil, fmt.Errorf("web: templates: %w", err)
		}
		out[p] = t
	}
	return out, nil
}

// render executes page into a buffer first, so a template error is a
// clean 500 instead of half a page.
func (s *server) render(w http.ResponseWriter, status int, page string, data any) {
	var buf bytes.Buffer
	if err := s.tmpl[page].ExecuteTemplate(&buf, "base", data); err != nil {
		s.log.Error().Str("page", page).Msg("template failed: " + templateError(err))
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(buf.Bytes())
}

// templateError keeps the template's name and position from an execution
// error and drops the rest, which may quote data (letter text).
func templateError(err error) string {
	msg := err.Error()
	if i := strings.Index(msg, ": executing"); i >= 0 {
		rest := msg[i+len(": executing"):]
		if j := strings.Index(rest, ": "); j >= 0 {
			rest = rest[:j]
		}
		return strings.TrimSpace(msg[:i] + " executing" + rest)
	}
	return "template error"
}

// cls makes s safe and tidy as part of a class name.
func cls(s string) string {
	s = strings.ToLower(s)
	if s == "" {
		return "unknown"
	}
	b := []byte(s)
	for i, c := range b {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '_') {
			b[i] = '_'
		}
	}
	return string(b)
}

// label turns a code into words: "si_joint_injection" → "si joint injection".
func label(s string) string {
	return strings.ReplaceAll(s, "_", " ")
}

// errorView is the data of the error page.
type errorView struct {
	Status     int
	StatusText string
	Message    string
	NeedsToken bool
}

// Title is the page title.
func (e errorView) Title() string { return fmt.Sprintf("%d %s", e.Status, e.StatusText) }

// searchView is the data of the search page.
type searchView struct {
	P            searchParams
	FindingValue string
	Error        string
	Searched     bool
	Total        uint64
	Hits         []hitView
	Facets       []facetGroup
	Active       []chip
	Outcomes     []option
	Procedures   []option
	Kinds        []option
	From, To     int
	Prev, Next   string
}

// Title is the page title.
func (v *searchView) Title() string {
	if v.P.Q != "" {
		return v.P.Q + " · precedent"
	}
	return "Search · precedent"
}

type hitView struct {
	ID, CaseNumber, Kind, Outcome, File string
	Score                               float64
	Services                            []serviceLabel
	Snippets                            []string
}

type serviceLabel struct{ Text, Decision string }

type facetGroup struct {
	Name  string
	Items []facetItem
}

type facetItem struct {
	Value  string
	Count  int
	Href   string
	Active bool
}

type chip struct{ Label, Href string }

type option struct {
	Value    string
	Selected bool
}

// facetOrder is the order facets are shown in (outcome first).
var facetOrder = []string{"outcome", "procedure", "finding", "guideline", "kind", "specialty"}

// values are the URL parameters of p, without paging.
func (p *searchParams) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", p.Q)
	for _, f := range p.Findings {
		v.Add("finding", f)
	}
	set("outcome", p.Outcome)
	set("procedure", p.Procedure)
	set("kind", p.Kind)
	set("guideline", p.Guideline)
	set("specialty", p.Specialty)
	set("min_relief", p.MinRelief)
	if p.Limit != DefaultLimit && p.Limit > 0 {
		v.Set("limit", strconv.Itoa(p.Limit))
	}
	return v
}

// href is the search page for p at offset.
func (p searchParams) href(offset int) string {
	v := p.values()
	if offset > 0 {
		v.Set("offset", strconv.Itoa(offset))
	}
	if len(v) == 0 {
		return "/"
	}
	return "/?" + v.Encode()
}

// withFacet returns p with the filter of a facet term added, and whether
// it is already there.
func (p searchParams) withFacet(facet, value string) (searchParams, bool) {
	q := p
	q.Findings = append([]string(nil), p.Findings...)
	var cur *string
	switch facet {
	case "outcome":
		cur = &q.Outcome
	case "procedure":
		cur = &q.Procedure
	case "kind":
		cur = &q.Kind
	case "guideline":
		cur = &q.Guideline
	case "specialty":
		cur = &q.Specialty
	case "finding":
		for _, f := range p.Findings {
			if strings.EqualFold(f, value) {
				return q, true
			}
		}
		q.Findings = append(q.Findings, value)
		return q, false
	default:
		return q, false
	}
	active := strings.EqualFold(*cur, value)
	*cur = value
	return q, active
}

// chips are the active filters, each with a link that removes it.
func (p searchParams) chips() []chip {
	var out []chip
	add := func(lbl string, without searchParams) {
		out = append(out, chip{Label: lbl, Href: without.href(0)})
	}
	if p.Q != "" {
		w := p
		w.Q = ""
		add("text: "+p.Q, w)
	}
	for i, f := range p.Findings {
		w := p
		w.Findings = append(append([]string(nil), p.Findings[:i]...), p.Findings[i+1:]...)
		add("finding: "+f, w)
	}
	for _, f := range []struct {
		name string
		v    *string
	}{{"outcome", &p.Outcome}, {"procedure", &p.Procedure}, {"kind", &p.Kind},
		{"guideline", &p.Guideline}, {"specialty", &p.Specialty}, {"min relief %", &p.MinRelief}} {
		if v := *f.v; v != "" {
			*f.v = ""
			add(f.name+": "+v, p)
			*f.v = v
		}
	}
	return out
}

func options(terms []string, selected string) []option {
	out := make([]option, 0, len(terms)+1)
	found := selected == ""
	for _, t := range terms {
		sel := strings.EqualFold(t, selected)
		found = found || sel
		out = append(out, option{Value: t, Selected: sel})
	}
	if !found {
		out = append(out, option{Value: selected, Selected: true})
	}
	return out
}

// splitService splits "text (decision)" as the index stores a service.
func splitService(s string) serviceLabel {
	if strings.HasSuffix(s, ")") {
		if i := strings.LastIndex(s, " ("); i >= 0 {
			d := s[i+2 : len(s)-1]
			if d != "" && !strings.ContainsAny(d, " ()") {
				return serviceLabel{Text: s[:i], Decision: d}
			}
		}
	}
	return serviceLabel{Text: s}
}

func (s *server) searchPage(w http.ResponseWriter, r *http.Request) {
	p, q, err := parseSearch(r.URL.Query())
	v := &searchView{P: p, FindingValue: strings.Join(p.Findings, ", ")}
	v.Outcomes = options(s.outcomes, p.Outcome)
	v.Procedures = options(s.procedures, p.Procedure)
	v.Kinds = options(s.kinds, p.Kind)
	v.Active = p.chips()
	status := http.StatusOK
	if err != nil {
		v.Error, status = err.Error(), http.StatusBadRequest
		s.render(w, status, "search", v)
		return
	}
	res, status, err := s.search(r, q)
	if err != nil {
		v.Error = err.Error()
		s.render(w, status, "search", v)
		return
	}
	v.Searched = true
	v.Total = res.Total
	for _, h := range res.Hits {
		hv := hitView{ID: h.ID, CaseNumber: h.CaseNumber, Kind: h.Kind, Outcome: h.Outcome, Score: h.Score,
			File: path.Base(strings.ReplaceAll(h.Path, `\`, "/")), Snippets: h.Snippets}
		for _, sv := range h.Services {
			hv.Services = append(hv.Services, splitService(sv))
		}
		v.Hits = append(v.Hits, hv)
	}
	for _, name := range facetOrder {
		g := facetGroup{Name: name}
		for _, term := range sortedTerms(res.Facets[name]) {
			np, active := p.withFacet(name, term)
			g.Items = append(g.Items, facetItem{Value: term, Count: res.Facets[name][term], Href: np.href(0), Active: active})
		}
		if len(g.Items) > 0 {
			v.Facets = append(v.Facets, g)
		}
	}
	if len(res.Hits) > 0 {
		v.From, v.To = p.Offset+1, p.Offset+len(res.Hits)
	}
	if p.Offset > 0 {
		v.Prev = p.href(max(p.Offset-p.Limit, 0))
	}
	if uint64(p.Offset+len(res.Hits)) < res.Total && p.Offset+p.Limit <= MaxOffset {
		v.Next = p.href(p.Offset + p.Limit)
	}
	s.render(w, http.StatusOK, "search", v)
}
