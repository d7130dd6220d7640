package pipeline

import "github.com/precedent-dev/precedent/extract"

// STUB: owned by the fields helper.

type fieldRules struct{}

func newFieldRules() (*fieldRules, error) { return &fieldRules{}, nil }

// apply fills the letter-level fields of c.
func (r *fieldRules) apply(c *Case, sents []extract.Sentence) {}
