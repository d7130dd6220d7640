package pdftext

import (
	"math"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/precedent-dev/precedent/internal/synth"
	"github.com/precedent-dev/precedent/internal/testenv"
)

// TestMulAffineMatchesGeneral checks that the affine fast path of
// matrix.mul gives the bits of the general 3×3 product, signed zeros
// included, and that non-finite matrices take the general path.
func TestMulAffineMatchesGeneral(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	entry := func() float64 {
		switch rng.IntN(6) {
		case 0:
			return 0
		case 1:
			return math.Copysign(0, -1)
		case 2:
			return float64(rng.IntN(5) - 2)
		case 3:
			return (rng.Float64() - 0.5) * 1e300 // products overflow
		default:
			return (rng.Float64() - 0.5) * 1000
		}
	}
	random := func() matrix {
		return matrix{{entry(), entry(), 0}, {entry(), entry(), 0}, {entry(), entry(), 1}}
	}
	same := func(a, b matrix) bool {
		for i := range 3 {
			for j := range 3 {
				if math.Float64bits(a[i][j]) != math.Float64bits(b[i][j]) && !(math.IsNaN(a[i][j]) && math.IsNaN(b[i][j])) {
					return false
				}
			}
		}
		return true
	}
	for range 100000 {
		x, y := random(), random()
		if !x.affine() || !y.affine() {
			t.Fatalf("finite matrix %v or %v not affine", x, y)
		}
		if got, want := mulAffine(&x, &y), mulGeneral(&x, &y); !same(got, want) {
			t.Fatalf("%v × %v: affine %v, general %v", x, y, got, want)
		}
	}
	inf := matrix{{math.Inf(1), 0, 0}, {0, 1, 0}, {0, 0, 1}}
	nan := matrix{{1, 0, 0}, {0, 1, 0}, {math.NaN(), 0, 1}}
	for _, m := range []matrix{inf, nan} {
		if m.affine() {
			t.Errorf("%v: non-finite matrix taken as affine", m)
		}
		if got, want := m.mul(ident), mulGeneral(&m, &ident); !same(got, want) {
			t.Errorf("%v × ident: %v, want %v", m, got, want)
		}
	}
}

// TestRefIDIsTheObjectRead: refID names, without reading it, the object
// that Key reads, on every font of every corpus letter and synthetic
// letter, and reports false for a direct value.
func TestRefIDIsTheObjectRead(t *testing.T) {
	var docs [][]byte
	for _, f := range testenv.CorpusPDFs(t) {
		data, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		docs = append(docs, data)
	}
	data, err := synth.PDF(synth.New(1).Letter(0).Text)
	if err != nil {
		t.Fatal(err)
	}
	docs = append(docs, data)
	refs := 0
	for _, data := range docs {
		r, err := openReader(data)
		if err != nil {
			t.Fatal(err)
		}
		pages, err := walkPages(r, 100)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range pages {
			fonts := p.Resources().Key("Font")
			for _, name := range fonts.Keys() {
				id, ok := refID(fonts, name)
				if !ok {
					continue
				}
				refs++
				if want, _ := objID(fonts.Key(name)); id != want {
					t.Fatalf("refID %x, object read %x", id, want)
				}
			}
			if _, ok := refID(p.V, "Type"); ok {
				t.Errorf("refID of the name /Type reports a reference")
			}
		}
	}
	if refs == 0 {
		t.Error("no font reference found")
	}
}
