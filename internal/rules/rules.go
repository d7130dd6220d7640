// Package rules decodes the YAML rule files of the pipeline stages: strictly
// (unknown keys are errors), with line-aware scalars, and with errors that
// point at the offending line as file:line: reason.
package rules

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"regexp"
	"strconv"
	"strings"
	"sync"

	"go.yaml.in/yaml/v3"
)

// An Error reports a bad rule file or entry. Its message is
// "file:line: reason", or "file: reason" when the line is unknown.
type Error struct {
	// File is the rule file name as the loader was given it.
	File string
	// Line is the 1-based line of the offending entry (0 when unknown).
	Line int
	// Reason says what is wrong, in one line.
	Reason string
	// Err is the underlying error, if any (a YAML, regexp or read error).
	Err error
}

func (e *Error) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("%s:%d: %s", e.File, e.Line, e.Reason)
	}
	return fmt.Sprintf("%s: %s", e.File, e.Reason)
}

// Unwrap returns the underlying error.
func (e *Error) Unwrap() error { return e.Err }

// A String is a YAML string scalar that remembers its line.
type String struct {
	S    string
	Line int
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (s *String) UnmarshalYAML(n *yaml.Node) error {
	if n.Kind != yaml.ScalarNode {
		return &Error{Line: n.Line, Reason: "want a string"}
	}
	s.S, s.Line = n.Value, n.Line
	return nil
}

// A Regexp is a regular expression read from a YAML string scalar,
// compiled when decoded; it remembers its line.
type Regexp struct {
	*regexp.Regexp
	Line int

	lazy *lazyMatcher // shared by copies
}

type lazyMatcher struct {
	once sync.Once
	m    *Matcher
}

// Matcher returns the Matcher of r, made on first use (safe for concurrent
// use). A Regexp that was not decoded makes a new one at each call.
func (r *Regexp) Matcher() *Matcher {
	if r.lazy == nil {
		return NewMatcher(r.Regexp)
	}
	r.lazy.once.Do(func() { r.lazy.m = NewMatcher(r.Regexp) })
	return r.lazy.m
}

// UnmarshalYAML implements yaml.Unmarshaler.
func (r *Regexp) UnmarshalYAML(n *yaml.Node) error {
	var s String
	if err := s.UnmarshalYAML(n); err != nil {
		return err
	}
	re, err := regexp.Compile(s.S)
	if err != nil {
		return &Error{Line: n.Line, Reason: "bad regexp: " + err.Error(), Err: err}
	}
	r.Regexp, r.Line, r.lazy = re, n.Line, &lazyMatcher{}
	return nil
}

// Decode reads the file name of fsys and decodes it with Unmarshal.
func Decode(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		reason := err
		var pe *fs.PathError
		if errors.As(err, &pe) {
			reason = pe.Err // the file is named already
		}
		return &Error{File: name, Reason: "cannot read: " + reason.Error(), Err: err}
	}
	return Unmarshal(name, data, v)
}

// Unmarshal decodes data, the content of the rule file named file, into v:
// strictly (a key v has no field for is an error), and exactly one YAML
// document. Every error is an *Error naming file and, when YAML gives one,
// the line.
func Unmarshal(file string, data []byte, v any) error {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	if err := dec.Decode(v); err != nil {
		if errors.Is(err, io.EOF) {
			return &Error{File: file, Reason: "empty file", Err: err}
		}
		return yamlError(file, err)
	}
	var more yaml.Node
	if err := dec.Decode(&more); !errors.Is(err, io.EOF) {
		if err != nil {
			return yamlError(file, err)
		}
		return &Error{File: file, Line: more.Line, Reason: "more than one YAML document"}
	}
	return nil
}

var (
	yamlLineRE    = regexp.MustCompile(`^(?:yaml: )?line (\d+): (.*)`)
	yamlUnknownRE = regexp.MustCompile(`^field (\S+) not found in type \S+$`)
)

// yamlError turns an error of the yaml decoder into an *Error with the
// line of its first problem, in one line.
func yamlError(file string, err error) error {
	var e *Error
	if errors.As(err, &e) { // from an UnmarshalYAML of this package
		if e.File == "" {
			e.File = file
		}
		return e
	}
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	if m := yamlLineRE.FindStringSubmatch(msg); m != nil {
		line, _ := strconv.Atoi(m[1])
		reason := m[2]
		if f := yamlUnknownRE.FindStringSubmatch(reason); f != nil {
			reason = "unknown field " + f[1]
		}
		return &Error{File: file, Line: line, Reason: reason, Err: err}
	}
	msg = strings.TrimPrefix(msg, "yaml: ")
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	return &Error{File: file, Reason: "bad YAML: " + msg, Err: err}
}
