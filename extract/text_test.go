package extract

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/google/go-cmp/cmp"
	"golang.org/x/text/encoding/unicode"
)

func utf16Bytes(t *testing.T, order unicode.Endianness, s string) []byte {
	t.Helper()
	b, err := unicode.UTF16(order, unicode.UseBOM).NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func TestDecodeText(t *testing.T) {
	const letter = "Pt’s pain is 7/10.\nPlan: FU ☒ café"
	tests := []struct {
		name     string
		in       []byte
		want     string
		encoding string
	}{
		{"utf-8", []byte(letter), letter, "utf-8"},
		{"utf-8 with BOM", append([]byte{0xEF, 0xBB, 0xBF}, letter...), letter, "utf-8"},
		{"utf-16 LE with BOM", utf16Bytes(t, unicode.LittleEndian, letter), letter, "utf-16"},
		{"utf-16 BE with BOM", utf16Bytes(t, unicode.BigEndian, letter), letter, "utf-16"},
		{"windows-1252", []byte("caf\xe9 \x93quoted\x94 \x96 dash\xa0x"), "café “quoted” – dash\u00a0x", "windows-1252"},
		{"CRLF", []byte("a\r\nb\r\n"), "a\nb\n", "utf-8"},
		{"lone CR", []byte("a\rb\r\rc"), "a\nb\n\nc", "utf-8"},
		{"CRLF in windows-1252", []byte("caf\xe9\r\nb"), "café\nb", "windows-1252"},
		{"form feeds and tabs kept", []byte("a\tb\fc"), "a\tb\fc", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, enc, err := decodeText(tt.in)
			if err != nil {
				t.Fatal(err)
			}
			if enc != tt.encoding {
				t.Errorf("encoding = %q, want %q", enc, tt.encoding)
			}
			if diff := cmp.Diff(tt.want, got); diff != "" {
				t.Errorf("text (-want +got):\n%s", diff)
			}
		})
	}
}

func TestDecodeTextBinary(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	random := make([]byte, 4096)
	for i := range random {
		random[i] = byte(r.IntN(256))
	}
	// UTF-16 without a BOM is out of scope, but must not pass as text.
	noBOM := utf16Bytes(t, unicode.LittleEndian, "The request is not medically necessary.")[2:]
	tests := []struct {
		name string
		in   []byte
	}{
		{"random bytes", random},
		{"NULs", make([]byte, 100)},
		{"utf-16 without BOM", noBOM},
		{"PNG-like header", append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR"), random[:64]...)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, _, err := decodeText(tt.in)
			if !errors.Is(err, ErrBinary) {
				t.Fatalf("err = %v, want ErrBinary", err)
			}
		})
	}
}

func TestDecodeTextAcceptsFewControls(t *testing.T) {
	// One stray control character in a long letter is not binary.
	in := []byte("The request is not medically necessary. \x01Decision rationale: ODG does not support it, and the records show no improvement.")
	if _, _, err := decodeText(in); err != nil {
		t.Fatalf("err = %v, want nil", err)
	}
}

// TestTextEnd compares the eight-bytes-at-a-time scan with a byte loop
// on random strings of printable ASCII with a few other bytes.
func TestTextEnd(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	special := []byte{0, '\t', '\n', '\v', 0x0B, '\r', 0x1F, ' ', '~', 0x7F, 0x80, 0x8A, 0xC3, 0xFF}
	for k := 0; k < 20000; k++ {
		b := make([]byte, rng.IntN(40))
		for i := range b {
			if rng.IntN(12) == 0 {
				b[i] = special[rng.IntN(len(special))]
			} else {
				b[i] = byte(0x20 + rng.IntN(0x5F))
			}
		}
		s := string(b)
		for i := 0; i <= len(s); i++ {
			want := i
			for want < len(s) && (0x20 <= s[want] && s[want] < 0x7F || s[want] == '\n') {
				want++
			}
			if got := textEnd(s, i); got != want {
				t.Fatalf("textEnd(%q, %d) = %d, want %d", s, i, got, want)
			}
		}
	}
}
