// Package extract turns a decision letter, PDF or text, into a normalized
// Document: clean text, page offsets, zones (sections) and sentences.
//
// # Place in the flow
//
//	bytes ─Load─► Document{Text, PageStarts, Sections} ─Splitter.Split─► []Sentence
//
// Every offset in this package is a byte offset into Document.Text, which is
// never changed once Load returns.
//
// # Input
//
// Files are sniffed by content: bytes starting with "%PDF-" go to the PDF
// loader (package pdftext, which builds lines from glyph positions and can
// run in a child process under a real time limit); anything else is decoded as
// text (UTF-8 with or without BOM, UTF-16 with BOM, Windows-1252 when the bytes
// are not valid UTF-8).
package extract
