package index

import (
	"context"
	"errors"
	"strings"
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

func TestSearchGuidelineAndSpecialty(t *testing.T) {
	cases := fixtureCases(t)
	ix := newIndex(t, cases)
	contains := func(v string) func([]string) bool {
		return func(s []string) bool {
			for _, x := range s {
				if strings.EqualFold(x, v) {
					return true
				}
			}
			return false
		}
	}
	for _, q := range []Query{
		{Guideline: "ODG"}, {Guideline: "mtus"}, {Specialty: "orthopedic surgery"},
		{Q: "injection", Guideline: "odg"}, {Q: "injection", Specialty: "pain medicine"},
	} {
		res, err := ix.Search(q)
		if err != nil {
			t.Fatal(err)
		}
		var want int
		for _, c := range cases {
			ok := (q.Guideline == "" || contains(q.Guideline)(c.Guidelines)) &&
				(q.Specialty == "" || contains(q.Specialty)(c.Reviewer.Specialties))
			if ok && q.Q != "" {
				ok = strings.Contains(strings.ToLower(c.Text), q.Q)
			}
			if ok {
				want++
			}
		}
		if want == 0 || res.Total != uint64(want) {
			t.Errorf("%+v: total %d, want %d (and more than 0)", q, res.Total, want)
		}
	}
}
