package lexicon

import (
	"os"
	"testing"
)

// BenchmarkMatch matches the whole lexicon over the IRO seed (15 KB), as
// the tagger does once per letter.
func BenchmarkMatch(b *testing.B) {
	data, err := os.ReadFile("../fixtures/letters/iro_si_injection_upheld.txt")
	if err != nil {
		b.Skip("seed letter absent:", err)
	}
	text := string(data)
	lx, err := Load(nil)
	if err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(text)))
	b.ReportAllocs()
	for b.Loop() {
		lx.Match(text)
	}
}
