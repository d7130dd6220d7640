package pipeline

import "io/fs"

// STUB: owned by the relief helper.

// scoreRules fill Pain scores and strength grades (Case.PainScores, Case.Strength).
type scoreRules struct{}

func newScoreRules(data fs.FS) (*scoreRules, error) { return &scoreRules{}, nil }

func (r *scoreRules) apply(d *caseDoc) {}
