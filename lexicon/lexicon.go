// Package lexicon holds the medical concepts the pipeline recognizes
// (procedures today, exam findings later) and a fast matcher that finds their
// terms in letter text.
//
// # Data
//
// Concepts live in YAML files (data/*.yaml, embedded; Load can read another
// fs.FS). Each file is
//
//	concepts:
//	  - code: si_joint_injection        # stable snake_case id
//	    label: Sacroiliac joint injection
//	    category: procedure             # procedure, finding, ...
//	    synonyms: [sacroiliac joint injection, si joint injection]
//	    abbreviations: [SIJI]           # matched case-sensitively
//	    misspellings: [sacroilliac injection]
//
// Files are decoded strictly (unknown keys are errors) and validated at load:
// every error names file:line.
//
// # Matching
//
// Synonyms and misspellings match case-insensitively (ASCII case folding),
// abbreviations only as written. Any run of white space in the text matches
// one space in a term, so terms wrapped over lines are found. A match must
// start and end on a token boundary: the characters just outside it are not
// letters or digits. Among overlapping matches the leftmost wins, and among
// those starting at the same byte the longest.
package lexicon

import (
	"embed"
	"fmt"
	"io/fs"
	"regexp"
	"slices"
	"sort"
	"strings"

	"github.com/precedent-dev/precedent/internal/rules"
	"go.yaml.in/yaml/v3"
)

//go:embed data/*.yaml
var embedded embed.FS

// Categories are the concept categories a lexicon file may use.
var Categories = []string{"procedure", "finding", "modifier", "site"}

// A Concept is one medical idea and the ways letters write it.
type Concept struct {
	// Code is the stable snake_case identifier used in case records.
	Code string `yaml:"code"`
	// Label is the human-readable name.
	Label string `yaml:"label"`
	// Category groups concepts: one of Categories.
	Category string `yaml:"category"`
	// Synonyms are full terms, matched case-insensitively.
	Synonyms []string `yaml:"synonyms"`
	// Abbreviations are matched exactly as written (case-sensitive).
	Abbreviations []string `yaml:"abbreviations"`
	// Misspellings are frequent wrong spellings, matched case-insensitively.
	Misspellings []string `yaml:"misspellings"`

	// Finding concepts only (see finding.go).
	FindingRules `yaml:",inline"`
	// Examples are texts the concept must and must not be found in
	// (required for findings and sites; the lexicon tests run them).
	Examples Examples `yaml:"examples"`

	// File and Line locate the concept's definition.
	File string `yaml:"-"`
	Line int    `yaml:"-"`

	termLines map[string][]int // key (synonyms, ...) -> line of each term
}

// termLines records the line of every term of a concept node.
func termLines(n *yaml.Node) map[string][]int {
	out := map[string][]int{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if v.Kind != yaml.SequenceNode {
			continue
		}
		for _, item := range v.Content {
			out[k.Value] = append(out[k.Value], item.Line)
		}
	}
	return out
}

// lineOf returns the line of term i under key, or the concept's line.
func (c *Concept) lineOf(key string, i int) int {
	if ls := c.termLines[key]; i < len(ls) {
		return ls[i]
	}
	return c.Line
}

// A Lexicon is a validated set of concepts with a matcher over their terms.
// It is safe for concurrent use.
type Lexicon struct {
	concepts []Concept
	byCode   map[string]int
	matcher  *Matcher
}

// A LoadError reports a bad lexicon file or entry as "file:line: reason".
type LoadError = rules.Error

// conceptsFile is the YAML shape of a lexicon file.
type conceptsFile struct {
	Concepts []Concept `yaml:"concepts"`
}

// conceptNodes is the same shape with the concepts left as nodes, which
// know the lines of the concepts and their terms.
type conceptNodes struct {
	Concepts []yaml.Node `yaml:"concepts"`
}

var codeRE = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// Load reads every *.yaml file at the root of fsys (nil: the embedded
// default lexicon), in name order, and validates the concepts.
func Load(fsys fs.FS) (*Lexicon, error) {
	name := "lexicon"
	if fsys == nil {
		sub, err := fs.Sub(embedded, "data")
		if err != nil {
			return nil, err
		}
		fsys, name = sub, "lexicon/data"
	}
	files, err := fs.Glob(fsys, "*.yaml")
	if err != nil {
		return nil, err
	}
	files = slices.DeleteFunc(files, func(f string) bool { return slices.Contains(ContextFiles, f) })
	if len(files) == 0 {
		return nil, &LoadError{File: name, Reason: "no *.yaml files"}
	}
	sort.Strings(files)
	var concepts []Concept
	for _, f := range files {
		cs, err := decodeFile(fsys, f)
		if err != nil {
			return nil, err
		}
		concepts = append(concepts, cs...)
	}
	return New(concepts)
}

// decodeFile decodes the concepts of the file name of fsys strictly and
// records where each concept and term is written.
func decodeFile(fsys fs.FS, name string) ([]Concept, error) {
	var doc conceptsFile
	if err := rules.Decode(fsys, name, &doc); err != nil {
		return nil, err
	}
	var nodes conceptNodes
	if err := rules.Decode(fsys, name, &nodes); err != nil {
		return nil, err
	}
	for i := range doc.Concepts {
		n := &nodes.Concepts[i]
		doc.Concepts[i].File, doc.Concepts[i].Line = name, n.Line
		doc.Concepts[i].termLines = termLines(n)
	}
	return doc.Concepts, nil
}

// New validates concepts and builds a Lexicon. Concepts keep their order.
func New(concepts []Concept) (*Lexicon, error) {
	lx := &Lexicon{byCode: make(map[string]int, len(concepts))}
	b := newMatcherBuilder()
	for _, c := range concepts {
		bad := func(format string, args ...any) error {
			return &LoadError{File: c.File, Line: c.Line, Reason: fmt.Sprintf(format, args...)}
		}
		if !codeRE.MatchString(c.Code) {
			return nil, bad("concept code %q is not snake_case", c.Code)
		}
		if _, dup := lx.byCode[c.Code]; dup {
			return nil, bad("duplicate concept code %q", c.Code)
		}
		if strings.TrimSpace(c.Label) == "" {
			return nil, bad("concept %s has no label", c.Code)
		}
		if !contains(Categories, c.Category) {
			return nil, bad("concept %s: unknown category %q (want one of %s)", c.Code, c.Category, strings.Join(Categories, ", "))
		}
		if len(c.Synonyms)+len(c.Abbreviations)+len(c.Misspellings) == 0 {
			return nil, bad("concept %s has no terms", c.Code)
		}
		for _, group := range []struct {
			key   string
			kind  TermKind
			terms []string
		}{{"synonyms", Synonym, c.Synonyms}, {"abbreviations", Abbreviation, c.Abbreviations}, {"misspellings", Misspelling, c.Misspellings}} {
			for i, t := range group.terms {
				if err := b.add(c.Code, t, group.kind); err != nil {
					return nil, &LoadError{File: c.File, Line: c.lineOf(group.key, i), Reason: fmt.Sprintf("concept %s: %v", c.Code, err)}
				}
			}
		}
		lx.byCode[c.Code] = len(lx.concepts)
		lx.concepts = append(lx.concepts, c)
	}
	lx.matcher = b.build()
	if err := validateFindings(lx); err != nil {
		return nil, err
	}
	return lx, nil
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Concepts returns the concepts in file order. The slice must not be changed.
func (lx *Lexicon) Concepts() []Concept { return lx.concepts }

// Concept returns the concept with the given code.
func (lx *Lexicon) Concept(code string) (Concept, bool) {
	i, ok := lx.byCode[code]
	if !ok {
		return Concept{}, false
	}
	return lx.concepts[i], true
}

// Match returns the non-overlapping concept mentions in text, leftmost-longest,
// in text order.
func (lx *Lexicon) Match(text string) []Match { return lx.matcher.Match(text) }

// MatchCategory is Match restricted to the concepts of one category: a term
// of another category does not hide a shorter term of this one.
func (lx *Lexicon) MatchCategory(text, category string) []Match {
	return lx.matcher.match(text, func(code string) bool {
		i, ok := lx.byCode[code]
		return ok && lx.concepts[i].Category == category
	})
}
