package rules

import (
	"math/rand"
	"testing"
)

// TestASCIILower checks asciiLower against a byte-by-byte lowering on
// random bytes (all 256 values, every length and alignment).
func TestASCIILower(t *testing.T) {
	r := rand.New(rand.NewSource(5))
	for n := 0; n < 3000; n++ {
		b := make([]byte, r.Intn(70))
		for i := range b {
			b[i] = byte(r.Intn(256))
		}
		s := string(b)
		var w []byte
		for i := 0; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			w = append(w, c)
		}
		if got := asciiLower(s); got != string(w) {
			t.Fatalf("asciiLower(%q) = %q, want %q", s, got, w)
		}
	}
}

// BenchmarkASCIILower lowers a letter's worth of text (15 KB, a capital
// in every few words, as in the letters).
func BenchmarkASCIILower(b *testing.B) {
	var s string
	for len(s) < 15000 {
		s += "The Injured Worker reported 50% relief from the prior SI joint injection. "
	}
	b.SetBytes(int64(len(s)))
	for b.Loop() {
		asciiLower(s)
	}
}
