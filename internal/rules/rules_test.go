package rules

import (
	"errors"
	"io/fs"
	"regexp/syntax"
	"strings"
	"testing"
	"testing/fstest"
)

type testFile struct {
	Name     String   `yaml:"name"`
	Pattern  Regexp   `yaml:"pattern"`
	Words    []String `yaml:"words"`
	Optional *Regexp  `yaml:"optional"`
}

func TestDecode(t *testing.T) {
	fsys := fstest.MapFS{"ok.yaml": {Data: []byte("name: a\npattern: '^b+$'\nwords:\n  - c\n  - 4\n")}}
	var f testFile
	if err := Decode(fsys, "ok.yaml", &f); err != nil {
		t.Fatal(err)
	}
	if f.Name != (String{"a", 1}) || f.Pattern.Line != 2 || !f.Pattern.MatchString("bb") ||
		len(f.Words) != 2 || f.Words[1] != (String{"4", 5}) || f.Optional != nil {
		t.Errorf("decoded %+v", f)
	}
}

func TestDecodeErrors(t *testing.T) {
	tests := []struct{ name, data, want string }{
		{"unknown key", "name: a\ncolour: red\n", "x.yaml:2: unknown field colour"},
		{"bad regexp", "name: a\npattern: '(b'\n", "x.yaml:2: bad regexp: error parsing regexp"},
		{"not a string", "name: [a]\n", "x.yaml:1: want a string"},
		{"regexp not a string", "pattern: {a: b}\n", "x.yaml:1: want a string"},
		{"wrong type", "words: c\n", "x.yaml:1: cannot unmarshal"},
		{"syntax", "name: a\n  words: [\n", "x.yaml:2: "},
		{"two documents", "name: a\n---\nname: b\n", "x.yaml:2: more than one YAML document"},
		{"empty", "", "x.yaml: empty file"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var f testFile
			err := Decode(fstest.MapFS{"x.yaml": {Data: []byte(tt.data)}}, "x.yaml", &f)
			var e *Error
			if !errors.As(err, &e) {
				t.Fatalf("error %v is not an *Error", err)
			}
			if !strings.HasPrefix(err.Error(), tt.want) || strings.Contains(err.Error(), "\n") {
				t.Errorf("error %q, want one line starting with %q", err, tt.want)
			}
		})
	}
}

func TestDecodeUnwrap(t *testing.T) {
	var f testFile
	err := Decode(fstest.MapFS{}, "missing.yaml", &f)
	if !errors.Is(err, fs.ErrNotExist) || err.Error() != "missing.yaml: cannot read: file does not exist" {
		t.Errorf("missing file: %v", err)
	}
	err = Unmarshal("x.yaml", []byte("pattern: '(b'\n"), &f)
	var se *syntax.Error
	if !errors.As(err, &se) {
		t.Errorf("bad regexp: %v does not wrap the *regexp.Error", err)
	}
}

// TestRegexpMatcher checks that a decoded Regexp makes its Matcher once,
// shared by copies, and that it matches as the regexp does.
func TestRegexpMatcher(t *testing.T) {
	fsys := fstest.MapFS{"ok.yaml": {Data: []byte("name: a\npattern: '(?i)\\bb+\\b'\n")}}
	var f testFile
	if err := Decode(fsys, "ok.yaml", &f); err != nil {
		t.Fatal(err)
	}
	cp := f.Pattern
	m := f.Pattern.Matcher()
	if m == nil || cp.Matcher() != m || f.Pattern.Matcher() != m {
		t.Fatal("the Matcher is not made once and shared")
	}
	for _, s := range []string{"a bB c", "abb", "b", ""} {
		if got, want := m.MatchString(s), f.Pattern.MatchString(s); got != want {
			t.Errorf("MatchString(%q) = %v, want %v", s, got, want)
		}
	}
	var zero Regexp
	zero.Regexp = f.Pattern.Regexp
	if !zero.Matcher().MatchString("x bbb") {
		t.Error("a Regexp not decoded: no Matcher")
	}
}
