package pipeline

import (
	"context"
	"io"
	"io/fs"

	"github.com/precedent-dev/precedent/extract"
	"github.com/precedent-dev/precedent/lexicon"
)

// Options configure a Pipeline.
type Options struct {
	Extract extract.Options
	// Lexicon is a folder of lexicon files replacing the embedded ones
	// (nil: the embedded lexicon/data).
	Lexicon fs.FS
	// Loader, when set, is the loader the pipeline reads letters with
	// instead of building its own from Extract; the caller keeps it and
	// closes it (Close leaves it open).
	Loader *extract.Loader
}

// A Pipeline turns letters into case records. It is safe for concurrent use.
type Pipeline struct {
	loader   *extract.Loader
	ownLoad  bool // loader was built by New and is closed by Close
	splitter *extract.Splitter
	lex      *lexicon.Lexicon
	fields   *fieldRules
	ruleText *ruleTextRules
	timeline *timelineRules
	findings *findingRules
	relief   *reliefRules
	scores   *scoreRules
	care     *careRules
}

// New builds a Pipeline from the embedded rules.
func New(opts Options) (*Pipeline, error) {
	s, err := extract.NewSplitter()
	if err != nil {
		return nil, err
	}
	p := &Pipeline{splitter: s}
	if p.lex, err = lexicon.Load(opts.Lexicon); err != nil {
		return nil, err
	}
	if p.fields, err = loadFieldRules(nil, p.lex); err != nil {
		return nil, err
	}
	data, err := fs.Sub(fieldData, "data")
	if err != nil {
		return nil, err
	}
	if p.ruleText, err = loadRuleTextRules(data); err != nil {
		return nil, err
	}
	p.ruleText.shareLiterals(&p.fields.letter.lits)
	if p.timeline, err = newTimelineRules(data); err != nil {
		return nil, err
	}
	cues, err := lexicon.LoadContext(opts.Lexicon)
	if err != nil {
		return nil, err
	}
	if p.findings, err = newFindingRulesWith(p.lex, cues); err != nil {
		return nil, err
	}
	if p.relief, err = newReliefRulesWith(data, p.lex, cues); err != nil {
		return nil, err
	}
	if p.scores, err = newScoreRules(data); err != nil {
		return nil, err
	}
	if p.care, err = newCareRules(data); err != nil {
		return nil, err
	}
	if opts.Loader != nil {
		p.loader = opts.Loader
		return p, nil
	}
	// The loader last: it owns the PDF child processes, which must not be
	// left behind when a rule file fails to load.
	if p.loader, err = extract.NewLoader(opts.Extract); err != nil {
		return nil, err
	}
	p.ownLoad = true
	return p, nil
}

// ExtractFile loads the file at path and builds its case record.
func (p *Pipeline) ExtractFile(ctx context.Context, path string) (*Case, error) {
	doc, err := p.loader.LoadFile(ctx, path)
	if err != nil {
		return nil, err
	}
	return p.FromDocument(doc), nil
}

// ExtractReader reads r (named path in errors and in the record) and builds
// its case record.
func (p *Pipeline) ExtractReader(ctx context.Context, path string, r io.Reader) (*Case, error) {
	doc, err := p.loader.LoadReader(ctx, path, r)
	if err != nil {
		return nil, err
	}
	return p.FromDocument(doc), nil
}

// ExtractBytes builds the case record of data, named path.
func (p *Pipeline) ExtractBytes(ctx context.Context, path string, data []byte) (*Case, error) {
	doc, err := p.loader.Load(ctx, path, data)
	if err != nil {
		return nil, err
	}
	return p.FromDocument(doc), nil
}

// FromDocument builds the case record of a loaded document.
func (p *Pipeline) FromDocument(doc *extract.Document) *Case {
	c := p.newCase(doc)
	sents := p.splitter.Split(doc.Text)
	d := &caseDoc{c: c, sents: sents}
	p.fields.apply(d)
	d.guide = p.ruleText.ranges(d)
	p.timeline.apply(d) // encounters first: the later stages name theirs
	p.findings.apply(d)
	p.relief.apply(d)
	p.scores.apply(d)
	p.care.apply(d)
	return c
}

// newCase returns the record of doc before the stages run: source, text,
// zones and empty lists.
func (p *Pipeline) newCase(doc *extract.Document) *Case {
	c := &Case{
		Schema: Schema,
		ID:     doc.SHA256[:16],
		Source: Source{
			Path:     doc.Path,
			Format:   doc.Format,
			SHA256:   doc.SHA256,
			Bytes:    doc.Bytes,
			Encoding: doc.Encoding,
		},
		Text:             doc.Text,
		Kind:             doc.Kind,
		Outcome:          "unknown",
		Services:         []Service{},
		Guidelines:       []string{},
		Sections:         make([]Section, 0, len(doc.Sections)),
		Dates:            []Date{},
		Findings:         []Finding{},
		Relief:           []Relief{},
		PainScores:       []Score{},
		Strength:         []Strength{},
		Encounters:       []Encounter{},
		ConservativeCare: []Care{},
		Warnings:         append([]string{}, doc.Warnings...),
		Reviewer:         Reviewer{Specialties: []string{}, Licensure: []string{}},
	}
	if doc.Format == "pdf" {
		n := doc.Pages
		c.Source.Pages = &n
		c.Source.PageStarts = doc.PageStarts
	}
	for _, s := range doc.Sections {
		c.Sections = append(c.Sections, Section(s))
	}
	return c
}

// Close releases the resources of the pipeline (PDF child processes).
func (p *Pipeline) Close() error {
	if !p.ownLoad {
		return nil
	}
	return p.loader.Close()
}
