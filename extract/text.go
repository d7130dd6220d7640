package extract

// STUB: owned by the text helper (decoding).

func decodeText(data []byte) (text, encoding string, err error) {
	return string(data), "utf-8", nil
}
