package main

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/precedent-dev/precedent/index"
)

// lockedBuffer is a bytes.Buffer safe for a writer and a reader at once.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func TestServeRefusesAnOpenAddressWithoutToken(t *testing.T) {
	t.Setenv("PRECEDENT_TOKEN", "")
	idx := t.TempDir() // never opened: the check comes first
	for _, addr := range []string{"0.0.0.0:0", ":0", "192.0.2.1:8080", "[::]:0", "example.com:80"} {
		_, errOut, code := runCLI(t, "", "serve", "--index", idx, "--addr", addr)
		if code != exitUsage || !strings.Contains(errOut, "without a token") {
			t.Errorf("--addr %s without token: exit %d, stderr %q; want %d and a clear message", addr, code, errOut, exitUsage)
		}
	}
	for _, args := range [][]string{{"--addr", "nonsense"}, {"extra-arg"}, {"--search-timeout", "0s"}} {
		_, errOut, code := runCLI(t, "", append([]string{"serve", "--index", idx}, args...)...)
		if code != exitUsage || !strings.HasPrefix(errOut, "precedent serve: ") {
			t.Errorf("serve %v: exit %d, stderr %q; want %d", args, code, errOut, exitUsage)
		}
	}
	_, errOut, code := runCLI(t, "", "serve", "--index", t.TempDir()+"/none.bleve")
	if code != exitUsage || !strings.Contains(errOut, "no index") {
		t.Errorf("missing index: exit %d, stderr %q", code, errOut)
	}
}

func TestIsLoopback(t *testing.T) {
	for host, want := range map[string]bool{
		"127.0.0.1": true, "127.1.2.3": true, "::1": true, "[::1]": true, "localhost": true, "LocalHost": true,
		"": false, "0.0.0.0": false, "::": false, "10.0.0.1": false, "example.com": false,
	} {
		if got := isLoopback(host); got != want {
			t.Errorf("isLoopback(%q) = %v, want %v", host, got, want)
		}
	}
}

var servingRE = regexp.MustCompile(`serving (http://127\.0\.0\.1:\d+/) \(index .+, (\d+) cases\)`)

// startServe runs serve in the background and returns its URL, its
// stderr and a function that stops it and returns the exit status.
func startServe(t *testing.T, args ...string) (url string, stderr *lockedBuffer, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr = &lockedBuffer{}
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...), strings.NewReader(""), io.Discard, stderr)
	}()
	deadline := time.Now().Add(30 * time.Second)
	for {
		if m := servingRE.FindStringSubmatch(stderr.String()); m != nil {
			url = m[1]
			break
		}
		select {
		case code := <-done:
			cancel()
			t.Fatalf("serve exited with %d before serving: %s", code, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			cancel()
			t.Fatalf("serve did not print its address: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	stopped := false
	stop = func() int {
		if stopped {
			return -1
		}
		stopped = true
		cancel()
		select {
		case code := <-done:
			return code
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop after its context was cancelled")
			return -1
		}
	}
	t.Cleanup(func() { stop() })
	return url, stderr, stop
}

func TestServeStartsAndStopsCleanly(t *testing.T) {
	idx := ingestFixtures(t)
	n := len(letterFiles(t, fixtureLetters))
	url, stderr, stop := startServe(t, "--index", idx, "--token", "")

	if m := servingRE.FindStringSubmatch(stderr.String()); m[2] != strconv.Itoa(n) {
		t.Errorf("serving line says %s cases, want %d: %s", m[2], n, stderr.String())
	}
	res, err := http.Get(url + "healthz")
	if err != nil {
		t.Fatal(err)
	}
	var h struct {
		Status string `json:"status"`
		Cases  int    `json:"cases"`
	}
	err = json.NewDecoder(res.Body).Decode(&h)
	res.Body.Close()
	if err != nil || res.StatusCode != http.StatusOK || h.Status != "ok" || h.Cases != n {
		t.Fatalf("GET /healthz: %d %+v %v", res.StatusCode, h, err)
	}
	res, err = http.Get(url + "api/search?finding=faber:positive")
	if err != nil {
		t.Fatal(err)
	}
	var sr index.Result
	err = json.NewDecoder(res.Body).Decode(&sr)
	res.Body.Close()
	if err != nil || sr.Total == 0 {
		t.Errorf("GET /api/search?finding=faber:positive: %d, total %d, %v", res.StatusCode, sr.Total, err)
	}

	// serve holds a reader's lock: another reader may search meanwhile, a
	// writer (ingest) is refused with a message saying who holds it.
	if _, errOut, code := runCLI(t, "", "search", "--index", idx, "faber"); code != exitOK {
		t.Errorf("search during serve: exit %d, %q", code, errOut)
	}
	_, errOut, code := runCLI(t, "", "ingest", "--index", idx, "--failures", t.TempDir()+"/f.jsonl", iroSeed)
	if code != exitUsage || !strings.Contains(errOut, "in use by another precedent process") {
		t.Errorf("ingest during serve: exit %d, %q", code, errOut)
	}

	if code := stop(); code != exitOK {
		t.Fatalf("serve exit %d after cancel, want 0: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "precedent serve: stopped") {
		t.Errorf("no stop line: %s", stderr.String())
	}
	// The access log has the route, never the query string.
	logs := stderr.String()
	if !strings.Contains(logs, `"route":"GET /api/search"`) || strings.Contains(logs, "faber:positive") {
		t.Errorf("access log: %s", logs)
	}
	// The index is closed: a writer can open it again.
	ix, err := index.Open(idx, index.Options{Timeout: time.Second})
	if err != nil {
		t.Fatalf("index still held after serve stopped: %v", err)
	}
	ix.Close()

	// The same index (ingesting under -race is slow), now with a token.
	t.Run("token", func(t *testing.T) { testServeWithToken(t, idx) })
}

// testServeWithToken serves idx with the token from the environment.
func testServeWithToken(t *testing.T, idx string) {
	t.Setenv("PRECEDENT_TOKEN", "from-the-environment")
	url, stderr, stop := startServe(t, "--index", idx)
	if strings.Contains(stderr.String(), "from-the-environment") {
		t.Error("serve printed the token")
	}
	for tok, want := range map[string]int{"": http.StatusUnauthorized, "wrong": http.StatusUnauthorized, "from-the-environment": http.StatusOK} {
		req, _ := http.NewRequest(http.MethodGet, url+"healthz", nil)
		if tok != "" {
			req.Header.Set("Authorization", "Bearer "+tok)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		res.Body.Close()
		if res.StatusCode != want {
			t.Errorf("token %q: status %d, want %d", tok, res.StatusCode, want)
		}
	}
	if code := stop(); code != exitOK {
		t.Errorf("exit %d", code)
	}
}
