package pipeline

import "io/fs"

// STUB: owned by the timeline helper.

// timelineRules fill Encounters of the clinical history (Case.Encounters).
type timelineRules struct{}

func newTimelineRules(data fs.FS) (*timelineRules, error) { return &timelineRules{}, nil }

func (r *timelineRules) apply(d *caseDoc) {}
