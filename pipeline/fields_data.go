package pipeline

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"strings"

	"go.yaml.in/yaml/v3"
)

//go:embed data/*.yaml
var fieldData embed.FS

// A RuleError reports a bad entry of a field-rule data file.
type RuleError struct {
	File   string
	Line   int
	Reason string
}

func (e *RuleError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// rx is a regular expression read from YAML; it remembers its line.
type rx struct {
	*regexp.Regexp
	Line int
}

func (r *rx) UnmarshalYAML(n *yaml.Node) error {
	var s string
	if err := n.Decode(&s); err != nil {
		return err
	}
	re, err := regexp.Compile(s)
	if err != nil {
		return &RuleError{Line: n.Line, Reason: "bad regexp: " + err.Error()}
	}
	r.Regexp, r.Line = re, n.Line
	return nil
}

// lstr is a string read from YAML with its line.
type lstr struct {
	S    string
	Line int
}

func (s *lstr) UnmarshalYAML(n *yaml.Node) error {
	if err := n.Decode(&s.S); err != nil {
		return err
	}
	s.Line = n.Line
	return nil
}

var yamlLineRE = regexp.MustCompile(`line (\d+): (.*)`)

// decodeRules decodes one embedded (or given) data file strictly into v.
func decodeRules(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return &RuleError{File: name, Reason: "cannot read: " + err.Error()}
	}
	dec := yaml.NewDecoder(strings.NewReader(string(data)))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		return ruleError(name, err)
	}
	return nil
}

func ruleError(name string, err error) error {
	if re, ok := err.(*RuleError); ok {
		re.File = name
		return re
	}
	if te, ok := err.(*yaml.TypeError); ok {
		for _, e := range te.Errors {
			if m := yamlLineRE.FindStringSubmatch(e); m != nil {
				var line int
				fmt.Sscanf(m[1], "%d", &line)
				return &RuleError{File: name, Line: line, Reason: m[2]}
			}
		}
	}
	msg := strings.TrimPrefix(err.Error(), "yaml: ")
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		var line int
		fmt.Sscanf(m[1], "%d", &line)
		return &RuleError{File: name, Line: line, Reason: m[2]}
	}
	// Errors from UnmarshalYAML come back wrapped in a TypeError-less form.
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return &RuleError{File: name, Reason: msg}
}

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
