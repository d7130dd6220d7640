package pdftext

import (
	"bufio"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"math"
	"os"
	"os/exec"
	"runtime/debug"
	"sync"
	"time"
)

// Wire protocol between a Pool and its children. Every message is a frame:
// a 4-byte big-endian length and that many bytes. The child first sends the
// hello frame; then, for each request frame (1 version byte, 4-byte
// big-endian page cap, the PDF bytes), it sends one response frame: a
// wireResult, encoded by appendResult.
const (
	hello         = "precedent-pdftext-child/2"
	wireVersion   = 2
	maxFrame      = 1 << 30
	testHookEnv   = "PRECEDENT_PDF_TEST_HOOK" // honored by ServeChild only
	hookHang      = "%PDF-test-hang"
	hookCrash     = "%PDF-test-crash"
	startupLimit  = 10 * time.Second
	maxRespFrame  = 256 << 20
	defaultWorker = 2
	// childGCPercent is the GOGC of a child process (see ServeChild).
	childGCPercent = 400
)

// wireResult is a Result or an error as sent by the child.
type wireResult struct {
	Pages    []string
	Warnings []string
	Err      string // sentinel code, see codes; "" for a result
	Also     string // second sentinel code
	Reason   string
}

// appendResult appends the encoding of r to b: the page count and each
// page, the warning count and each warning, then Err, Also and Reason;
// counts are uvarints and each string is its length (uvarint) and bytes.
func appendResult(b []byte, r wireResult) []byte {
	str := func(s string) {
		b = binary.AppendUvarint(b, uint64(len(s)))
		b = append(b, s...)
	}
	for _, list := range [][]string{r.Pages, r.Warnings} {
		b = binary.AppendUvarint(b, uint64(len(list)))
		for _, s := range list {
			str(s)
		}
	}
	str(r.Err)
	str(r.Also)
	str(r.Reason)
	return b
}

// parseResult decodes what appendResult encoded; ok is false when msg is
// malformed.
func parseResult(msg []byte) (r wireResult, ok bool) {
	bad := false
	uvarint := func() uint64 {
		v, n := binary.Uvarint(msg)
		if n <= 0 {
			bad = true
			return 0
		}
		msg = msg[n:]
		return v
	}
	str := func() string {
		n := uvarint()
		if bad || n > uint64(len(msg)) {
			bad = true
			return ""
		}
		s := string(msg[:n])
		msg = msg[n:]
		return s
	}
	list := func() []string {
		n := uvarint()
		if bad || n > uint64(len(msg)) { // each string takes a byte at least
			bad = true
			return nil
		}
		if n == 0 {
			return nil
		}
		out := make([]string, n)
		for i := range out {
			out[i] = str()
		}
		return out
	}
	r.Pages = list()
	r.Warnings = list()
	r.Err, r.Also, r.Reason = str(), str(), str()
	return r, !bad && len(msg) == 0
}

var codes = []struct {
	code string
	err  error
}{
	{"notpdf", ErrNotPDF}, {"encrypted", ErrEncrypted}, {"unsupported", ErrUnsupported},
	{"corrupt", ErrCorrupt}, {"truncated", ErrTruncated}, {"nopages", ErrNoPages},
	{"notext", ErrNoText}, {"timeout", ErrTimeout}, {"panic", ErrPanic},
}

func codeOf(err error) string {
	for _, c := range codes {
		if err == c.err {
			return c.code
		}
	}
	return ""
}

func errOf(code string) error {
	for _, c := range codes {
		if c.code == code {
			return c.err
		}
	}
	return nil
}

func writeFrame(w io.Writer, parts ...[]byte) error {
	n := 0
	for _, p := range parts {
		n += len(p)
	}
	if n > maxFrame {
		return errors.New("frame too large")
	}
	var hdr [4]byte
	binary.BigEndian.PutUint32(hdr[:], uint32(n))
	if _, err := w.Write(hdr[:]); err != nil {
		return err
	}
	for _, p := range parts {
		if _, err := w.Write(p); err != nil {
			return err
		}
	}
	return nil
}

func readFrame(r io.Reader, limit int) ([]byte, error) {
	var hdr [4]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	n := binary.BigEndian.Uint32(hdr[:])
	if uint64(n) > uint64(limit) {
		return nil, errors.New("frame too large")
	}
	buf := make([]byte, n)
	if _, err := io.ReadFull(r, buf); err != nil {
		if err == io.EOF {
			err = io.ErrUnexpectedEOF
		}
		return nil, err
	}
	return buf, nil
}

// ServeChild is the child-process side of Options.Isolate: it reads
// requests on r (the parent's pipe, os.Stdin) and writes one response per
// request on w (os.Stdout) until r ends, when it returns nil. Nothing else
// may write to w. A crash of the parser ends the process; the parent then
// reports ErrPanic for that file and starts a new child.
func ServeChild(r io.Reader, w io.Writer) error {
	bw := bufio.NewWriter(w)
	if err := writeFrame(bw, []byte(hello)); err != nil {
		return err
	}
	if err := bw.Flush(); err != nil {
		return err
	}
	br := bufio.NewReader(r)
	hooks := os.Getenv(testHookEnv) == "1"
	// The child's heap is small (one document at a time), so the default
	// GOGC would collect every few letters; a higher percentage trades a
	// few MiB for less collector work.
	debug.SetGCPercent(childGCPercent)
	var msg []byte
	for {
		req, err := readFrame(br, maxFrame)
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if len(req) < 5 || req[0] != wireVersion {
			return errors.New("bad request frame")
		}
		maxPages := int(binary.BigEndian.Uint32(req[1:5]))
		data := req[5:]
		if hooks {
			testHook(data)
		}
		var out wireResult
		res, perr := parse(data, maxPages)
		if perr != nil {
			out = encodeError(perr)
		} else {
			out = wireResult{Pages: res.Pages, Warnings: res.Warnings}
		}
		msg = appendResult(msg[:0], out)
		if err := writeFrame(bw, msg); err != nil {
			return err
		}
		if err := bw.Flush(); err != nil {
			return err
		}
	}
}

// testHook simulates a hang or a fatal crash of the parser for the tests of
// the isolation (only when testHookEnv=1 in the child's environment).
func testHook(data []byte) {
	switch string(data) {
	case hookHang:
		time.Sleep(math.MaxInt64)
	case hookCrash:
		done := make(chan struct{})
		go func() { panic("pdftext test hook: simulated fatal crash") }()
		<-done
	}
}

func encodeError(err error) wireResult {
	var e *Error
	if errors.As(err, &e) && codeOf(e.Err) != "" {
		out := wireResult{Err: codeOf(e.Err), Reason: e.Reason}
		if e.Also != nil {
			out.Also = codeOf(e.Also)
		}
		return out
	}
	return wireResult{Err: "panic", Reason: "unexpected parser error"}
}

func decodeResult(msg []byte) (*Result, error) {
	out, ok := parseResult(msg)
	if !ok {
		return nil, fail(ErrPanic, "parser process sent a malformed response")
	}
	if out.Err != "" {
		sentinel := errOf(out.Err)
		if sentinel == nil {
			return nil, fail(ErrPanic, "parser process sent an unknown error")
		}
		return nil, &Error{Err: sentinel, Also: errOf(out.Also), Reason: out.Reason}
	}
	return &Result{Pages: out.Pages, Warnings: out.Warnings}, nil
}

// A Pool runs extractions in persistent child processes of one executable,
// so that a hang or a fatal crash of the parser costs one file, not the
// process. It is safe for concurrent use. Children start lazily, serve
// requests one at a time, and are killed on timeout or crash and replaced
// by a new one on the next request.
type Pool struct {
	exe  string
	sem  chan struct{}
	mu   sync.Mutex
	idle []*worker
	shut bool
}

// NewPool returns a pool of at most workers children running exe (with
// ChildEnv=1). exe "" means os.Executable().
func NewPool(exe string, workers int) (*Pool, error) {
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, fail(ErrPanic, "cannot locate the executable for the parser process")
		}
	}
	if workers <= 0 {
		workers = defaultWorker
	}
	return &Pool{exe: exe, sem: make(chan struct{}, workers)}, nil
}

var (
	poolsMu sync.Mutex
	pools   = map[string]*Pool{}
)

// defaultPool returns the package-level pool for opts.Exe.
func defaultPool(opts Options) (*Pool, error) {
	exe := opts.Exe
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return nil, fail(ErrPanic, "cannot locate the executable for the parser process")
		}
	}
	poolsMu.Lock()
	defer poolsMu.Unlock()
	if p := pools[exe]; p != nil {
		return p, nil
	}
	p, err := NewPool(exe, opts.Workers)
	if err != nil {
		return nil, err
	}
	pools[exe] = p
	return p, nil
}

// Close stops the child processes of the package-level pools used by
// Extract with Options.Isolate. A later isolated Extract starts new ones.
func Close() error {
	poolsMu.Lock()
	ps := pools
	pools = map[string]*Pool{}
	poolsMu.Unlock()
	for _, p := range ps {
		p.Close()
	}
	return nil
}

// Close stops the pool's children: idle ones now (they are asked to exit
// and waited for, so that their CPU time is accounted to this process),
// busy ones when their request ends. Extract on a closed pool fails.
func (p *Pool) Close() error {
	p.mu.Lock()
	p.shut = true
	idle := p.idle
	p.idle = nil
	p.mu.Unlock()
	var wg sync.WaitGroup
	for _, w := range idle {
		wg.Go(w.quit)
	}
	wg.Wait()
	return nil
}

// Extract is like the package-level Extract with opts.Isolate, on this
// pool. Waiting for a free child does not count against opts.Timeout.
func (p *Pool) Extract(ctx context.Context, data []byte, opts Options) (*Result, error) {
	opts = opts.withDefaults()
	select {
	case p.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, timeoutError(ctx)
	}
	defer func() { <-p.sem }()

	ctx, cancel := context.WithTimeout(ctx, opts.Timeout)
	defer cancel()
	w, err := p.get(ctx)
	if err != nil {
		return nil, err
	}
	res, healthy, err := w.do(ctx, data, opts.MaxPages)
	p.put(w, healthy)
	return res, err
}

func (p *Pool) get(ctx context.Context) (*worker, error) {
	p.mu.Lock()
	if p.shut {
		p.mu.Unlock()
		return nil, fail(ErrPanic, "parser pool is closed")
	}
	if n := len(p.idle); n > 0 {
		w := p.idle[n-1]
		p.idle = p.idle[:n-1]
		p.mu.Unlock()
		return w, nil
	}
	p.mu.Unlock()
	w, err := startWorker(ctx, p.exe)
	if err != nil {
		return nil, err
	}
	return w, nil
}

func (p *Pool) put(w *worker, healthy bool) {
	p.mu.Lock()
	keep := healthy && !p.shut
	if keep {
		p.idle = append(p.idle, w)
	}
	p.mu.Unlock()
	if !keep {
		w.stop()
	}
}

// A worker is one child process.
type worker struct {
	cmd  *exec.Cmd
	in   io.WriteCloser
	out  *bufio.Reader
	once sync.Once
}

func startWorker(ctx context.Context, exe string) (*worker, error) {
	cmd := exec.Command(exe)
	cmd.Env = append(os.Environ(), ChildEnv+"=1")
	cmd.Stderr = nil // a crash trace may quote document bytes: discard it
	in, err := cmd.StdinPipe()
	if err != nil {
		return nil, fail(ErrPanic, "cannot start the parser process")
	}
	outPipe, err := cmd.StdoutPipe()
	if err != nil {
		return nil, fail(ErrPanic, "cannot start the parser process")
	}
	if err := cmd.Start(); err != nil {
		return nil, fail(ErrPanic, "cannot start the parser process")
	}
	w := &worker{cmd: cmd, in: in, out: bufio.NewReader(outPipe)}
	got := make(chan error, 1)
	go func() {
		msg, err := readFrame(w.out, len(hello))
		if err == nil && string(msg) != hello {
			err = errors.New("bad hello")
		}
		got <- err
	}()
	timer := time.NewTimer(startupLimit)
	defer timer.Stop()
	select {
	case err = <-got:
	case <-ctx.Done():
		err = ctx.Err()
	case <-timer.C:
		err = errors.New("no hello")
	}
	if err != nil {
		w.stop()
		if ctx.Err() != nil {
			return nil, timeoutError(ctx)
		}
		return nil, fail(ErrPanic, "parser process did not start (the executable must call pdftext.ServeChild when pdftext.IsChild)")
	}
	return w, nil
}

// do sends one request and waits for its response or the deadline. healthy
// is false when the child must not be reused.
func (w *worker) do(ctx context.Context, data []byte, maxPages int) (res *Result, healthy bool, err error) {
	type reply struct {
		msg []byte
		err error
	}
	got := make(chan reply, 1)
	go func() {
		var hdr [5]byte
		hdr[0] = wireVersion
		binary.BigEndian.PutUint32(hdr[1:], uint32(min(maxPages, math.MaxInt32)))
		if err := writeFrame(w.in, hdr[:], data); err != nil {
			got <- reply{err: err}
			return
		}
		msg, err := readFrame(w.out, maxRespFrame)
		got <- reply{msg, err}
	}()
	select {
	case r := <-got:
		if r.err != nil {
			return nil, false, fail(ErrPanic, "parser process crashed")
		}
		res, err := decodeResult(r.msg)
		return res, true, err
	case <-ctx.Done():
		w.stop() // unblocks the goroutine above
		return nil, false, timeoutError(ctx)
	}
}

// quitLimit is how long quit waits for an idle child to exit.
const quitLimit = time.Second

// quit ends an idle child: it closes the request pipe, which ends
// ServeChild, and waits for the process to exit, killing it after
// quitLimit.
func (w *worker) quit() {
	w.once.Do(func() {
		w.in.Close()
		exited := make(chan struct{})
		go func() {
			w.cmd.Wait()
			close(exited)
		}()
		timer := time.NewTimer(quitLimit)
		defer timer.Stop()
		select {
		case <-exited:
		case <-timer.C:
			w.cmd.Process.Kill()
			<-exited
		}
	})
}

// stop kills the child and reaps it in the background.
func (w *worker) stop() {
	w.once.Do(func() {
		w.in.Close()
		if w.cmd.Process != nil {
			w.cmd.Process.Kill()
		}
		go w.cmd.Wait()
	})
}
