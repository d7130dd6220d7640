package index

import (
	"context"
	"errors"
	"testing"
)

func TestSearchContextCancelled(t *testing.T) {
	ix := newIndex(t, fixtureCases(t))
	res, err := ix.SearchContext(context.Background(), Query{})
	if err != nil || res.Total == 0 {
		t.Fatalf("live context: total %v, err %v", res, err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err = ix.SearchContext(ctx, Query{Q: "injection"})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled context: err %v, want one wrapping context.Canceled", err)
	}
}
