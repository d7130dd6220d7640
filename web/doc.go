// Package web is the HTTP JSON API and the web page of precedent serve: a
// search page with facet counts and highlighted snippets, and a case page
// that shows the letter with every finding, relief, pain score, strength
// grade and date highlighted beside the criteria report, whose evidence
// links jump to the spans.
//
// New returns an http.Handler; NewServer wraps it in an http.Server with
// timeouts and header limits. The routes and the page structure are a
// contract shared with the browser test (see the README):
//
//	GET /                        search page (the parameters of /api/search)
//	GET /cases/{id}              case page
//	GET /static/...              embedded CSS and JS
//	GET /api/search              index.Result as JSON, the same as precedent search --format json;
//	                             q, finding (repeatable; tags may be comma-separated), outcome,
//	                             procedure, kind, guideline, specialty, min_relief, limit (1-100,
//	                             default 10), offset
//	GET /api/cases/{id}          the stored case record (pipeline.Case)
//	GET /api/cases/{id}/check    the criteria report (criteria.Report)
//	GET /healthz                 {"status":"ok","cases":N}
//
// Every response carries a Content Security Policy without inline scripts
// or styles, nosniff, no-referrer and DENY framing. Only GET and HEAD are
// served. With a token, every request needs it: an Authorization: Bearer
// header, or, for browsers, a ?token= on any page once, which sets an
// HttpOnly SameSite=Strict cookie and redirects to the same URL without it.
//
// The access log (zerolog) has the method, the route pattern, the status
// and the duration: never the query string (it may name a patient's
// details) nor any letter text. The package never prints or exits.
package web
