package pipeline

import "io/fs"

// STUB: owned by the relief helper.

// reliefRules fill Relief statements (Case.Relief).
type reliefRules struct{}

func newReliefRules(data fs.FS) (*reliefRules, error) { return &reliefRules{}, nil }

func (r *reliefRules) apply(d *caseDoc) {}
