package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"time"

	"github.com/precedent-dev/precedent/web"
)

const serveUsage = `Usage: precedent serve [flags]

Serves the HTTP JSON API and the web page over the index, until Ctrl-C or
SIGTERM:

  /                        search page (text, finding, outcome, procedure,
                           kind, minimum relief; facet counts; paging)
  /cases/{id}              case page: fields, services, criteria report and
                           the letter with findings, relief, scores and dates
                           highlighted
  /api/search              same parameters and JSON as precedent search
                           (q, finding, outcome, procedure, kind, min_relief,
                           limit, offset)
  /api/cases/{id}          the case record
  /api/cases/{id}/check    the criteria report
  /healthz                 {"status":"ok","cases":N}

It binds 127.0.0.1 by default. Any other address needs a token (--token or
$PRECEDENT_TOKEN), and then every request must carry it: programs send
"Authorization: Bearer TOKEN"; in a browser, open /?token=TOKEN once, which
sets an HttpOnly, SameSite=Strict cookie and drops the token from the URL.
The server speaks plain HTTP: beyond this machine, put it behind a TLS
proxy.

The index is opened read-only and held while serving: ingest waits until
the server stops. The access log (--log-level info, the default here) has
method, route, status and duration, never query strings or letter text.

Exit status: 0 stopped by a signal; 2 usage error, the index cannot be
opened or the address cannot be bound.

Examples:
  precedent serve --index archive.bleve
  precedent serve --index archive.bleve --addr 127.0.0.1:9000
  PRECEDENT_TOKEN=$(openssl rand -hex 16) precedent serve --addr 0.0.0.0:8080
  curl -H "Authorization: Bearer $PRECEDENT_TOKEN" 'http://host:8080/api/search?finding=faber:positive'

Flags:
`

// shutdownGrace is how long requests in flight may take after a signal.
const shutdownGrace = 5 * time.Second

func runServe(e *env, args []string) int {
	fs := flag.NewFlagSet("precedent serve", flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	var (
		indexPath = indexFlag(fs)
		addr      = fs.String("addr", "127.0.0.1:8080", "address to listen on (host:port; port 0 picks a free one)")
		token     = fs.String("token", os.Getenv("PRECEDENT_TOKEN"), "bearer token required on every request (default $PRECEDENT_TOKEN)")
		timeout   = fs.Duration("search-timeout", web.DefaultSearchTimeout, "longest time one search may take")
		lf        logFlags
	)
	lf.register(fs)
	fs.Usage = func() { fmt.Fprint(fs.Output(), serveUsage); fs.PrintDefaults() }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	fail := func(format string, a ...any) int {
		fmt.Fprintf(e.stderr, "precedent serve: "+format+"\n", a...)
		return exitUsage
	}
	if fs.NArg() > 0 {
		return fail("unexpected argument %q (serve takes flags only)", fs.Arg(0))
	}
	levelSet := false
	fs.Visit(func(f *flag.Flag) { levelSet = levelSet || f.Name == "log-level" })
	if !levelSet {
		lf.level = "info" // a server logs its requests by default
	}
	log, err := lf.logger(e.stderr, "serve")
	if err != nil {
		return fail("%v", err)
	}
	host, _, err := net.SplitHostPort(*addr)
	if err != nil {
		return fail("bad --addr %q: %s", *addr, oneLine(err.Error()))
	}
	*token = strings.TrimSpace(*token)
	if !isLoopback(host) && *token == "" {
		return fail("refusing to serve on %s without a token: that address is reachable from other machines; "+
			"set --token or PRECEDENT_TOKEN, or use --addr 127.0.0.1:PORT", *addr)
	}
	if *timeout <= 0 {
		return fail("--search-timeout must be positive")
	}
	ix, code := openReadOnly(e, "serve", *indexPath)
	if ix == nil {
		return code
	}
	closed := false
	defer func() {
		if !closed {
			ix.Close()
		}
	}()
	n, err := ix.Count()
	if err != nil {
		return fail("%s", oneLine(err.Error()))
	}
	h, err := web.New(web.Options{Index: ix, Token: *token, Logger: log, SearchTimeout: *timeout})
	if err != nil {
		return fail("%s", oneLine(err.Error()))
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return fail("cannot listen on %s: %s", *addr, oneLine(err.Error()))
	}
	srv := web.NewServer(*addr, h, log)
	srv.WriteTimeout = *timeout + 20*time.Second
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()

	url := "http://" + ln.Addr().String() + "/"
	fmt.Fprintf(e.stderr, "serving %s (index %s, %d cases)", url, *indexPath, n)
	if *token != "" {
		fmt.Fprintf(e.stderr, "; a token is required: open %s?token=YOUR_TOKEN once in a browser", url)
	}
	fmt.Fprintln(e.stderr, "; Ctrl-C stops it")

	select {
	case err := <-done: // Serve failed before any signal
		return fail("%s", oneLine(err.Error()))
	case <-e.ctx.Done():
	}
	ctx, cancel := context.WithTimeout(context.Background(), shutdownGrace)
	defer cancel()
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
		log.Warn().Err(err).Msg("requests still running at shutdown were cut")
	}
	if err := <-done; err != nil && !errors.Is(err, http.ErrServerClosed) {
		log.Warn().Err(err).Msg("server stopped")
	}
	closed = true
	if err := ix.Close(); err != nil {
		return fail("%s", oneLine(err.Error()))
	}
	fmt.Fprintln(e.stderr, "precedent serve: stopped")
	return exitOK
}

// isLoopback reports whether host (from host:port) only reaches this
// machine: "localhost" or a loopback IP. An empty host means every
// interface.
func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}
