// Package criteria checks a case record against guideline criteria: each
// criterion of a set (ODG sacroiliac joint blocks, lumbar epidural steroid
// injections, ...) is met, not met, not documented or not applicable, with
// a one-line reason and the evidence spans it rests on.
//
// # Data and mechanisms
//
// Criteria sets are data (data/*.yaml, embedded; Load can read another
// fs.FS): a set has a stable id, a title, its source (guideline, edition,
// chapter), the procedure codes it applies to and numbered criteria with
// stable ids that follow the guideline's own numbering
// ("odg-si-block/1"). Each criterion names a rule kind and its parameters.
// Rule kinds are Go code (kinds*.go), registered by name; a new criterion is
// a YAML entry, a new kind of test is Go.
//
// # Place in the flow
//
//	pipeline.Case ─Checker.Check─► Report{Sets[{Results, Verdict}]} ─► CLI (text, JSON), web
package criteria
