package pipeline

import (
	"errors"
	"io/fs"
	"strings"
	"testing"
	"testing/fstest"
)

// A ruleEdit breaks an embedded rule file by replacing from with to; the
// load must then fail with a RuleError naming the file and containing want.
type ruleEdit struct{ name, from, to, want string }

// checkRuleEdits applies each edit to the embedded data/<file> and loads it
// with load.
func checkRuleEdits(t *testing.T, file string, load func(fs.FS) error, edits []ruleEdit) {
	t.Helper()
	data, err := fs.ReadFile(fieldData, "data/"+file)
	if err != nil {
		t.Fatal(err)
	}
	orig := string(data)
	for _, tt := range edits {
		t.Run(tt.name, func(t *testing.T) {
			if !strings.Contains(orig, tt.from) {
				t.Fatalf("%s lacks %q", file, tt.from)
			}
			err := load(fstest.MapFS{file: {Data: []byte(strings.Replace(orig, tt.from, tt.to, 1))}})
			var re *RuleError
			if !errors.As(err, &re) || !strings.Contains(err.Error(), tt.want) || !strings.HasPrefix(err.Error(), file) {
				t.Errorf("error %v, want a RuleError naming %s with %q", err, file, tt.want)
			}
		})
	}
}
