package pipeline

import (
	"embed"
	"fmt"
	"io/fs"

	"github.com/precedent-dev/precedent/internal/rules"
)

//go:embed data/*.yaml
var fieldData embed.FS

// A RuleError reports a bad field-rule data file or entry as
// "file:line: reason".
type RuleError = rules.Error

// rx is a regular expression read from YAML, compiled when decoded; it
// remembers its line.
type rx = rules.Regexp

// lstr is a string read from YAML with its line.
type lstr = rules.String

// decodeRules decodes the data file name of fsys strictly into v.
func decodeRules(fsys fs.FS, name string, v any) error { return rules.Decode(fsys, name, v) }

// needGroups checks that r has the named groups.
func needGroups(file string, r rx, groups ...string) error {
	names := r.SubexpNames()
	for _, g := range groups {
		found := false
		for _, n := range names {
			if n == g {
				found = true
			}
		}
		if !found {
			return &RuleError{File: file, Line: r.Line, Reason: fmt.Sprintf("regexp lacks group (?P<%s>...)", g)}
		}
	}
	return nil
}

func required(file string, r *rx, key string) error {
	if r == nil || r.Regexp == nil {
		return &RuleError{File: file, Reason: key + " is required"}
	}
	return nil
}
