package extract

import (
	"bytes"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// Byte-order marks recognized by decodeText.
var (
	bomUTF8    = []byte{0xEF, 0xBB, 0xBF}
	bomUTF16LE = []byte{0xFF, 0xFE}
	bomUTF16BE = []byte{0xFE, 0xFF}
)

// maxJunkShare is the largest share of junk runes (C0/C1 control characters
// other than tab, line feed and form feed, NUL, and U+FFFD replacement
// characters) a decoded text may have. Letters have next to none; random
// bytes decoded as Windows-1252 have about 12%, UTF-16 without a BOM about
// 50% (its NULs).
const maxJunkShare = 0.02

// decodeText decodes a text file: UTF-8 with or without a byte-order mark
// (the mark is dropped), UTF-16 LE or BE with a byte-order mark, and
// Windows-1252 when the bytes are not valid UTF-8. Line endings CRLF and CR
// become LF. encoding is "utf-8", "utf-16" or "windows-1252". Input whose
// decoded text is mostly control characters gives an error wrapping ErrBinary;
// the error never quotes the input.
func decodeText(data []byte) (text, encoding string, err error) {
	switch {
	case bytes.HasPrefix(data, bomUTF8):
		text, encoding = strings.ToValidUTF8(string(data[len(bomUTF8):]), "\uFFFD"), "utf-8"
	case bytes.HasPrefix(data, bomUTF16LE):
		text, err = decodeWith(unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), data)
		encoding = "utf-16"
	case bytes.HasPrefix(data, bomUTF16BE):
		text, err = decodeWith(unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), data)
		encoding = "utf-16"
	case utf8.Valid(data):
		text, encoding = string(data), "utf-8"
	default:
		text, err = decodeWith(charmap.Windows1252, data)
		encoding = "windows-1252"
	}
	if err != nil {
		return "", "", fmt.Errorf("decode %s: %w", encoding, err)
	}
	if share := junkShare(text); share > maxJunkShare {
		return "", "", fmt.Errorf("%w (%.0f%% control characters as %s)", ErrBinary, 100*share, encoding)
	}
	return normalizeNewlines(text), encoding, nil
}

// decodeWith decodes data with enc. A UTF-16 decoder consumes the mark.
func decodeWith(enc encoding.Encoding, data []byte) (string, error) {
	b, err := enc.NewDecoder().Bytes(data)
	if err != nil {
		return "", err
	}
	return strings.ToValidUTF8(string(b), "\uFFFD"), nil
}

// junkShare returns the share of junk runes in s (see maxJunkShare).
func junkShare(s string) float64 {
	n, junk := 0, 0 // runes as range counts them (an invalid byte is one), junk runes
	for i := 0; i < len(s); {
		j := textEnd(s, i) // a line feed is not junk
		n += j - i
		if i = j; i == len(s) {
			break
		}
		n++
		if c := s[i]; c < utf8.RuneSelf {
			if isJunkRune(rune(c)) {
				junk++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if isJunkRune(r) {
			junk++
		}
		i += size
	}
	if n == 0 {
		return 0
	}
	return float64(junk) / float64(n)
}

// textEnd returns the offset of the first byte at or after i in s that is
// neither printable ASCII (0x20 to 0x7E) nor a line feed, or len(s): the
// bytes every caller passes over unchanged. It tests eight bytes at a time
// (letters are ASCII lines: stopping at every line feed cost a third of
// the scan).
func textEnd(s string, i int) int {
	const lo, hi = 0x0101010101010101, 0x8080808080808080
	for ; i+8 <= len(s); i += 8 {
		// One slice, then constant indexes: no bounds check per byte,
		// and the compiler turns the eight loads into one.
		b := s[i : i+8]
		x := uint64(b[0]) | uint64(b[1])<<8 | uint64(b[2])<<16 | uint64(b[3])<<24 |
			uint64(b[4])<<32 | uint64(b[5])<<40 | uint64(b[6])<<48 | uint64(b[7])<<56
		if x&hi != 0 {
			break // a byte >= 0x80
		}
		// With every byte below 0x80, adding n to each byte carries into
		// its high bit exactly when the byte is >= 0x80-n, and never into
		// the next byte.
		ge20 := (x + 0x60*lo) & hi            // bytes >= 0x20
		del := (x + lo) & hi                  // bytes == 0x7F
		nl := ^((x ^ 0x0A*lo) + 0x7F*lo) & hi // bytes == '\n' (x^'\n' is zero)
		if (ge20&^del)|nl != hi {
			break
		}
	}
	for ; i < len(s); i++ {
		if c := s[i]; (c < 0x20 || c >= 0x7F) && c != '\n' {
			return i
		}
	}
	return i
}

// isJunkRune reports whether r is a control character that does not occur
// in text files (everything below U+0020 except tab, LF, VT, FF and CR; DEL;
// the C1 controls) or the replacement character.
func isJunkRune(r rune) bool {
	switch {
	case r == '\t', r == '\n', r == '\v', r == '\f', r == '\r':
		return false
	case r < 0x20, r == 0x7F, r >= 0x80 && r < 0xA0, r == utf8.RuneError:
		return true
	}
	return false
}

// normalizeNewlines turns CRLF and lone CR into LF.
func normalizeNewlines(s string) string {
	if !strings.Contains(s, "\r") {
		return s
	}
	return strings.ReplaceAll(strings.ReplaceAll(s, "\r\n", "\n"), "\r", "\n")
}
