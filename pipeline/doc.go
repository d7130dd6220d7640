// Package pipeline composes the stages (extract → fields → findings) into the
// normalized case record of shared/spec/case-v1.md.
//
// # Place in the flow
//
//	bytes ─extract.Loader─► extract.Document ─Pipeline─► Case ─► index, criteria, CLI
package pipeline
