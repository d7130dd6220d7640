package pipeline

import "io/fs"

// STUB: owned by the timeline helper.

// careRules fill Conservative care (Case.ConservativeCare).
type careRules struct{}

func newCareRules(data fs.FS) (*careRules, error) { return &careRules{}, nil }

func (r *careRules) apply(d *caseDoc) {}
