package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strings"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"github.com/precedent-dev/precedent/pipeline"
)

// Errors of the package; test them with errors.Is.
var (
	// ErrLocked: another process holds the index (bleve's lock on
	// store/root.bolt) longer than Options.Timeout.
	ErrLocked = errors.New("index is locked by another process")
	// ErrVersion: the index was built with another mapping version.
	ErrVersion = errors.New("index was built by another version (rebuild it: remove the folder and ingest again)")
	// ErrNotFound: no case with that id.
	ErrNotFound = errors.New("case not found")
	// ErrBadQuery: the query string does not parse.
	ErrBadQuery = errors.New("bad query")
	// ErrNoIndex: a read-only open of a folder that holds no index.
	ErrNoIndex = errors.New("no index (run `precedent ingest` first)")
)

// DefaultTimeout is how long Open waits for the index lock by default.
const DefaultTimeout = 2 * time.Second

// Options configure Open.
type Options struct {
	// ReadOnly opens an existing index for reading only (it never creates
	// one). bleve still locks the index: a writer cannot open it meanwhile.
	ReadOnly bool
	// Timeout bounds the wait for the index lock (bleve's bolt_timeout);
	// 0 means DefaultTimeout.
	Timeout time.Duration
}

// An Index is an open case index. Its methods are safe for concurrent use.
type Index struct {
	path string
	idx  bleve.Index
	segs segCache // what is kept of each segment (segcache.go)
}

// Open opens the index at path, creating it when missing (unless
// opts.ReadOnly). It returns an error wrapping ErrLocked when another
// process holds the index, ErrVersion when the index was built with another
// mapping, ErrNoIndex when a read-only open finds no index.
func Open(path string, opts Options) (*Index, error) {
	timeout := opts.Timeout
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	m := newMapping()
	want, err := mappingVersion(m)
	if err != nil {
		return nil, err
	}
	cfg := map[string]interface{}{
		"bolt_timeout": timeout.String(),
	}
	exists, err := indexExists(path)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", path, err)
	}
	var idx bleve.Index
	switch {
	case exists:
		cfg["read_only"] = opts.ReadOnly
		idx, err = bleve.OpenUsing(path, cfg)
		if err != nil {
			return nil, openError(path, err)
		}
	case opts.ReadOnly:
		return nil, fmt.Errorf("index %s: %w", path, ErrNoIndex)
	default:
		idx, err = bleve.NewUsing(path, m, scorch.Name, scorch.Name, cfg)
		if err != nil {
			return nil, openError(path, err)
		}
		if err := idx.SetInternal(versionKey, []byte(want)); err != nil {
			idx.Close()
			return nil, fmt.Errorf("index %s: stamp version: %w", path, err)
		}
	}
	got, err := idx.GetInternal(versionKey)
	if err != nil {
		idx.Close()
		return nil, fmt.Errorf("index %s: read version: %w", path, err)
	}
	if string(got) != want {
		idx.Close()
		return nil, fmt.Errorf("index %s: version %q, want %q: %w", path, got, want, ErrVersion)
	}
	return &Index{path: path, idx: idx}, nil
}

// indexExists reports whether path holds a bleve index (its metadata file).
func indexExists(path string) (bool, error) {
	_, err := os.Stat(path + string(os.PathSeparator) + "index_meta.json")
	if err == nil {
		return true, nil
	}
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	return false, err
}

// openError names path and maps bleve's lock timeout to ErrLocked.
func openError(path string, err error) error {
	// bbolt's flock timeout is errors.New("timeout"), returned as is
	// through scorch; match its text as well as the sentinel.
	if strings.Contains(err.Error(), "timeout") {
		return fmt.Errorf("index %s: %w (one process at a time: stop the other one, e.g. `precedent serve`, or query it instead)", path, ErrLocked)
	}
	return fmt.Errorf("index %s: %w", path, err)
}

// Path returns the folder of the index.
func (ix *Index) Path() string { return ix.path }

// Close closes the index, releasing its lock.
func (ix *Index) Close() error {
	if err := ix.idx.Close(); err != nil {
		return fmt.Errorf("index %s: close: %w", ix.path, err)
	}
	return nil
}

// Has reports whether the index holds the case id.
func (ix *Index) Has(id string) (bool, error) {
	d, err := ix.idx.Document(id)
	if err != nil {
		return false, fmt.Errorf("index %s: %w", ix.path, err)
	}
	return d != nil, nil
}

// Add indexes cases in one batch. A case already in the index (same ID) is
// replaced.
func (ix *Index) Add(cases []*pipeline.Case) error {
	if len(cases) == 0 {
		return nil
	}
	b := ix.idx.NewBatch()
	for _, c := range cases {
		if c == nil || c.ID == "" {
			return fmt.Errorf("index %s: case without id", ix.path)
		}
		d, err := toDoc(c)
		if err != nil {
			return fmt.Errorf("index %s: %w", ix.path, err)
		}
		if err := b.Index(c.ID, d); err != nil {
			return fmt.Errorf("index %s: case %s: %w", ix.path, c.ID, err)
		}
	}
	if err := ix.idx.Batch(b); err != nil {
		return fmt.Errorf("index %s: batch: %w", ix.path, err)
	}
	return nil
}

// Count returns the number of cases in the index.
func (ix *Index) Count() (uint64, error) {
	n, err := ix.idx.DocCount()
	if err != nil {
		return 0, fmt.Errorf("index %s: %w", ix.path, err)
	}
	return n, nil
}

// Get returns the stored record of case id, or an error wrapping
// ErrNotFound.
func (ix *Index) Get(id string) (*pipeline.Case, error) {
	d, err := ix.idx.Document(id)
	if err != nil {
		return nil, fmt.Errorf("index %s: %w", ix.path, err)
	}
	if d == nil {
		return nil, fmt.Errorf("index %s: case %s: %w", ix.path, id, ErrNotFound)
	}
	var rec []byte
	d.VisitFields(func(f bleveindex.Field) {
		if f.Name() == fieldRecord {
			rec = f.Value()
		}
	})
	if rec == nil {
		return nil, fmt.Errorf("index %s: case %s: no stored record", ix.path, id)
	}
	c := &pipeline.Case{}
	if err := json.Unmarshal(rec, c); err != nil {
		return nil, fmt.Errorf("index %s: case %s: stored record: %w", ix.path, id, err)
	}
	return c, nil
}
