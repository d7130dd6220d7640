package pdftext

import (
	"errors"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// TestWireResultRoundTrip encodes results and errors as a child does and
// decodes them as the parent does.
func TestWireResultRoundTrip(t *testing.T) {
	for _, r := range []*Result{
		{Pages: []string{"first page\nline two", "", "päge 3 ﬁ"}, Warnings: []string{"pdf page 2 is blank"}},
		{Pages: []string{"one"}},
	} {
		got, err := decodeResult(appendResult(nil, wireResult{Pages: r.Pages, Warnings: r.Warnings}))
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(r, got); diff != "" {
			t.Errorf("round trip (-want +got):\n%s", diff)
		}
	}
	want := &Error{Err: ErrEncrypted, Also: ErrUnsupported, Reason: "AES-256 encryption is not supported"}
	_, err := decodeResult(appendResult(nil, encodeError(want)))
	var e *Error
	if !errors.As(err, &e) || e.Err != want.Err || e.Also != want.Also || e.Reason != want.Reason {
		t.Errorf("error round trip: got %v, want %v", err, want)
	}
}

// TestWireResultMalformed: a truncated or padded response, or one whose
// counts exceed its size, is ErrPanic, never a partial result.
func TestWireResultMalformed(t *testing.T) {
	good := appendResult(nil, wireResult{Pages: []string{"alpha", "beta"}, Warnings: []string{"w"}})
	cases := map[string][]byte{
		"empty":     {},
		"padded":    append(append([]byte(nil), good...), 0),
		"huge list": {0xff, 0xff, 0xff, 0xff, 0x0f},
		"long page": {1, 100, 'x'},
	}
	for i := 1; i < len(good); i++ {
		cases["truncated at "+string(rune('0'+i%10))+string(rune('a'+i/10))] = good[:i]
	}
	for name, msg := range cases {
		res, err := decodeResult(msg)
		if !errors.Is(err, ErrPanic) || res != nil {
			t.Errorf("%s: got %v, %v; want ErrPanic", name, res, err)
		}
	}
}
