package pipeline

import (
	"context"
	"testing"

	"github.com/precedent-dev/precedent/extract"
)

// TestGivenLoader checks that a pipeline given a loader reads letters with
// it and leaves it open on Close, while one without builds and closes its
// own.
func TestGivenLoader(t *testing.T) {
	l, err := extract.NewLoader(extract.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	p, err := New(Options{Loader: l})
	if err != nil {
		t.Fatal(err)
	}
	if p.loader != l || p.ownLoad {
		t.Fatalf("pipeline built its own loader (%p, own %v) instead of using the given one (%p)", p.loader, p.ownLoad, l)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	const letter = "INDEPENDENT MEDICAL REVIEW\nThe patient is a 45 year old male.\n"
	if _, err := l.Load(context.Background(), "a.txt", []byte(letter)); err != nil {
		t.Fatalf("the given loader no longer loads after the pipeline closed: %v", err)
	}
	own, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer own.Close()
	if own.loader == nil || own.loader == l || !own.ownLoad {
		t.Fatalf("a pipeline without a given loader must build its own")
	}
}
