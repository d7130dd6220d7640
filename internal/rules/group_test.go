package rules

import (
	"math/rand"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// naiveWalker is a Walker by strings.Index, for the tests.
type naiveWalker []string

func (w naiveWalker) Walk(input []byte, fn func(end, n, i int)) {
	s := string(input)
	type occ struct{ end, n, i int }
	var all []occ
	for i, l := range w {
		for off := 0; ; {
			k := strings.Index(s[off:], l)
			if k < 0 {
				break
			}
			all = append(all, occ{off + k + len(l) - 1, len(l), i})
			off += k + 1
		}
	}
	sort.SliceStable(all, func(a, b int) bool { return all[a].end < all[b].end })
	for _, o := range all {
		fn(o.end, o.n, o.i)
	}
}

// TestGroupHits checks that a Group finds the same Hits as each Matcher
// alone, and that MatchRange with them agrees with the regexp.
func TestGroupHits(t *testing.T) {
	var ms []*Matcher
	for _, p := range matcherPatterns {
		ms = append(ms, NewMatcher(regexp.MustCompile(p)))
	}
	g := NewGroup(ms, func(lits []string) Walker { return naiveWalker(lits) })
	r := rand.New(rand.NewSource(3))
	some := 0
	for n := 0; n < 60; n++ {
		tx := NewText(randomText(r, r.Intn(1500)))
		hs := g.Hits(tx)
		for k, m := range ms {
			want := m.Hits(tx)
			if diff := cmp.Diff(want, hs[k], cmp.AllowUnexported(Hits{})); diff != "" {
				t.Fatalf("%s on %q: Group.Hits differs (-Matcher.Hits +Group):\n%s", matcherPatterns[k], tx.S, diff)
			}
			if !want.all {
				some++
			}
			for a := 0; a < len(tx.S); a += 1 + r.Intn(200) {
				b := min(len(tx.S), a+r.Intn(300))
				if got, want := m.MatchRange(tx, hs[k], a, b), m.re.MatchString(tx.S[a:b]); got != want {
					t.Fatalf("%s: MatchRange(%q) = %v, want %v", matcherPatterns[k], tx.S[a:b], got, want)
				}
			}
		}
	}
	if some == 0 {
		t.Error("no Hits with literals: the test checks nothing")
	}
}
