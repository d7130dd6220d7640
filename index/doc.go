// Package index keeps case records in a bleve (scorch) index and answers
// precedent questions over them: full-text and filtered search with facets
// and highlighted snippets, and the precedents most similar to a case.
//
// One document per case, keyed by Case.ID (re-adding a case replaces it).
// The document is the flat indexDoc of convert.go: lower-cased keyword
// fields (kind, outcome, procedures, service decisions, guidelines, reviewer
// specialties, finding tags that keep a finding's attributes together such as
// "faber:positive" and "faber:positive:right"), numeric fields (age, the
// largest patient relief percent, the count of distinct positive SI
// provocative tests), dates, the letter text with the English analyzer
// (and again as pairs of adjacent words, without locations, which answer
// two-word phrases: pairs.go), and stored-only fields for display plus the
// whole record as JSON, so Get returns exactly what was added.
//
// Hit order: a query with a query string ranks by bleve's tf-idf score,
// ties by case id; a query of filters only (no query string) has no ranking:
// every hit scores 1 and the hits are in case id order (filter.go answers it
// from bitmaps). Facets count every match, whatever the page.
//
// Snippets are plain text: a match is marked by "[[" before and "]]" after
// it, nothing is escaped (a web page must escape the snippet, then turn the
// markers into tags).
//
// The index has one writer at a time: bleve holds a file lock on
// store/root.bolt for as long as an Index is open, read-only or not, and Open
// returns ErrLocked after Options.Timeout when another process holds it.
package index
