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
	var n, junk int
	for i := 0; i < len(s); {
		if c := s[i]; c < utf8.RuneSelf {
			// ASCII, one rune: junk is a control other than \t \n \v \f \r, or DEL.
			n++
			if c < 0x20 && (c < '\t' || c > '\r') || c == 0x7F {
				junk++
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		n++
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
