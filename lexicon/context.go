package lexicon

// API (stable; the relief helper and the pipeline build on it):
//
//	ctx, err := lexicon.LoadContext(fsys)   // context.yaml + laterality.yaml of fsys (nil: embedded)
//	a := ctx.Assess(text, sentStart, sentEnd, termStart, termEnd)
//	a.Status      // "positive", "negative", "not_performed" or "" (no cue)
//	a.Certainty   // "definite", "possible", "hypothetical"
//	a.Experiencer // "patient", "family"
//	a.Historical  // bool
//	a.Laterality, a.SideDetail
//
//	tg, err := lexicon.NewTagger(lx, ctx)
//	ms := tg.Tag(text, sents)               // []Mention sorted by (Start, Code)

import (
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"

	"github.com/precedent-dev/precedent/internal/rules"
)

// Status values of an Assessment or a Mention.
const (
	Positive     = "positive"
	Negative     = "negative"
	NotPerformed = "not_performed"
)

// Certainty values.
const (
	Definite     = "definite"
	Possible     = "possible"
	Hypothetical = "hypothetical"
)

// Experiencer values.
const (
	Patient = "patient"
	Family  = "family"
)

// Laterality values.
const (
	Right     = "right"
	Left      = "left"
	Bilateral = "bilateral"
)

// An Assessment is what the context cues of a sentence say about one term.
type Assessment struct {
	// Status is Positive, Negative or NotPerformed as a cue says, or ""
	// when no status cue reaches the term.
	Status string
	// Certainty is Definite unless a possible or hypothetical cue reaches
	// the term.
	Certainty string
	// Experiencer is Patient unless a family cue reaches the term.
	Experiencer string
	// Historical is true when a historical cue ("history of", "s/p")
	// reaches the term.
	Historical bool
	// Laterality is Right, Left, Bilateral or "".
	Laterality string
	// SideDetail is "right>left" or "left>right" when the text says one
	// side is worse, else "".
	SideDetail string
	// Excluded is true when an excluded cue says the term is no finding
	// of the patient: a test result ("Electromyographic indicators of
	// radiculopathy"), a disease a guideline names ("focal nerve
	// entrapments, such as ... radiculopathy"). The Tagger drops it.
	Excluded bool
}

// Cue kinds of context.yaml.
const (
	kindNegated      = "negated"
	kindPositive     = "positive"
	kindNotPerformed = "not_performed"
	kindPseudo       = "pseudo"
	kindTerminator   = "terminator"
	kindPossible     = "possible"
	kindHypothetical = "hypothetical"
	kindFamily       = "family"
	kindHistorical   = "historical"
	kindExcluded     = "excluded"
)

var cueKinds = []string{kindNegated, kindPositive, kindNotPerformed, kindPseudo, kindTerminator,
	kindPossible, kindHypothetical, kindFamily, kindHistorical, kindExcluded}

// Directions of a cue's scope.
const (
	dirForward  = "forward"
	dirBackward = "backward"
	dirBoth     = "both"
)

// A cue is one compiled context rule.
type cue struct {
	kind       string
	dir        string
	scope      int  // tokens
	terminates bool // also ends the scope of other cues
	line       int
}

// side kinds of the context matcher besides cues.
const (
	sideWord   = iota + 1 // right / left / bilateral
	sideDetail            // right>left
)

// A ctxTerm is what a context matcher pattern stands for.
type ctxTerm struct {
	cue    *cue   // a context cue, or nil
	side   int    // sideWord, sideDetail, or 0
	value  string // laterality or side detail value
	noNum  bool   // a side abbreviation that is not one before a digit (L5)
	filler bool   // a word that may stand between a cue and its term
	limb   bool   // a side that is also a body part ("lower extremities")
	part   bool   // a body part a side word may belong to ("knee")
}

// A Context holds the context cues (negation, certainty, experiencer,
// history, laterality) and assesses terms with them. It is safe for
// concurrent use.
type Context struct {
	matcher *Matcher
	terms   []ctxTerm // by matcher code (its index, as a decimal string)
	cues    []*cue
	groups  []cueGroup
	sides   []sideGroup
	fillers map[string]bool
	joiners map[string]bool
	// fillersComma is fillers and the comma.
	fillersComma map[string]bool
	parts        partGroup
	// partBefore and partAfter are the words that may stand between a
	// finding and its sided part after it, and between a sided part and
	// its finding after it (laterality.yaml parts.before, parts.after).
	partBefore, partAfter map[string]bool
	// partHeads are the words after a part that heads its sentence.
	partHeads map[string]bool
	// clauseVerbs are the verbs that make a term after ", and" the subject
	// of a new clause (context.yaml clause_verbs).
	clauseVerbs map[string]bool
	// letters are one-letter side abbreviations ("R", "L"), found by
	// token rather than by the matcher (where they would fire on every
	// letter r and l): byte -> terms index + 1.
	letters [256]int
	// letterBytes are the bytes of letters.
	letterBytes []byte
}

// contextFile is the YAML shape of context.yaml.
type contextFile struct {
	Cues []cueGroup `yaml:"cues"`
	// Fillers are words that may stand between a cue and its term without
	// breaking the bond ("positive FABER test", "SLR was negative").
	Fillers []rules.String `yaml:"fillers"`
	// Joiners are what separates the items of a clinical list
	// ("FABER, Gaenslen's and thigh thrust").
	Joiners []rules.String `yaml:"joiners"`
	// ClauseVerbs follow the subject of a clause: a forward negation does
	// not reach over ", and" into a new clause ("no objective improvement,
	// and radiculopathy was already clinically obvious").
	ClauseVerbs []rules.String `yaml:"clause_verbs"`
}

// A cueGroup is one rule of context.yaml: terms of one kind with one
// direction and scope.
type cueGroup struct {
	Kind       rules.String   `yaml:"kind"`
	Direction  rules.String   `yaml:"direction"`
	Scope      int            `yaml:"scope"`
	Terminates bool           `yaml:"terminates"`
	Terms      []rules.String `yaml:"terms"`
	// Abbreviations are matched as written.
	Abbreviations []rules.String `yaml:"abbreviations"`
	Examples      Examples       `yaml:"examples"`
	Note          string         `yaml:"note"`
}

// Examples are texts a rule or concept must apply to (Match) and must not
// (NoMatch). The lexicon tests run them.
type Examples struct {
	Match   []string `yaml:"match"`
	NoMatch []string `yaml:"no_match"`
}

// lateralityFile is the YAML shape of laterality.yaml.
type lateralityFile struct {
	Sides   []sideGroup `yaml:"sides"`
	Details []sideGroup `yaml:"details"`
	Parts   partGroup   `yaml:"parts"`
}

// A partGroup is the body parts a side word may belong to, and the words
// that may link a sided part and its finding.
type partGroup struct {
	Terms    []rules.String `yaml:"terms"`
	Before   []rules.String `yaml:"before"`
	After    []rules.String `yaml:"after"`
	Heads    []rules.String `yaml:"heads"`
	Examples Examples       `yaml:"examples"`
}

// A sideGroup is one laterality value and its words.
type sideGroup struct {
	Value         rules.String   `yaml:"value"`
	Terms         []rules.String `yaml:"terms"`
	Abbreviations []rules.String `yaml:"abbreviations"`
	// Limbs are plural limbs: a weak bilateral side that is also a body
	// part (bilateral only).
	Limbs    []rules.String `yaml:"limbs"`
	Examples Examples       `yaml:"examples"`
	detail   bool
}

// ContextFiles are the names of the context rule files of a lexicon
// directory; Load reads every other *.yaml file as concepts.
var ContextFiles = []string{"context.yaml", "laterality.yaml"}

// LoadContext reads context.yaml and laterality.yaml from fsys (nil: the
// embedded defaults) and validates them. Errors name file:line.
func LoadContext(fsys fs.FS) (*Context, error) {
	if fsys == nil {
		sub, err := fs.Sub(embedded, "data")
		if err != nil {
			return nil, err
		}
		fsys = sub
	}
	var cf contextFile
	if err := rules.Decode(fsys, "context.yaml", &cf); err != nil {
		return nil, err
	}
	var lf lateralityFile
	if err := rules.Decode(fsys, "laterality.yaml", &lf); err != nil {
		return nil, err
	}
	return newContext(cf, lf)
}

func newContext(cf contextFile, lf lateralityFile) (*Context, error) {
	c := &Context{fillers: map[string]bool{}, joiners: map[string]bool{}, partBefore: map[string]bool{}, partAfter: map[string]bool{}, partHeads: map[string]bool{}}
	b := newMatcherBuilder()
	add := func(file string, s rules.String, kind TermKind, t ctxTerm) error {
		if err := b.add(strconv.Itoa(len(c.terms)), s.S, kind); err != nil {
			return &LoadError{File: file, Line: s.Line, Reason: fmt.Sprintf("term %q: %v", s.S, err)}
		}
		c.terms = append(c.terms, t)
		return nil
	}
	if len(cf.Cues) == 0 {
		return nil, &LoadError{File: "context.yaml", Reason: "no cues"}
	}
	for _, g := range cf.Cues {
		bad := func(line int, format string, args ...any) error {
			return &LoadError{File: "context.yaml", Line: line, Reason: fmt.Sprintf(format, args...)}
		}
		if !contains(cueKinds, g.Kind.S) {
			return nil, bad(g.Kind.Line, "unknown cue kind %q (want one of %s)", g.Kind.S, strings.Join(cueKinds, ", "))
		}
		dir := g.Direction.S
		switch g.Kind.S {
		case kindPseudo, kindTerminator:
			if dir != "" || g.Scope != 0 {
				return nil, bad(g.Kind.Line, "a %s cue has no direction or scope", g.Kind.S)
			}
		default:
			if dir != dirForward && dir != dirBackward && dir != dirBoth {
				return nil, bad(g.Kind.Line, "cue direction %q (want forward, backward or both)", dir)
			}
			if g.Scope < 1 || g.Scope > 40 {
				return nil, bad(g.Kind.Line, "cue scope %d (want 1..40 tokens)", g.Scope)
			}
		}
		if len(g.Terms)+len(g.Abbreviations) == 0 {
			return nil, bad(g.Kind.Line, "cue group has no terms")
		}
		cu := &cue{kind: g.Kind.S, dir: dir, scope: g.Scope, terminates: g.Terminates || g.Kind.S == kindTerminator, line: g.Kind.Line}
		c.cues = append(c.cues, cu)
		for _, t := range g.Terms {
			if err := add("context.yaml", t, Synonym, ctxTerm{cue: cu}); err != nil {
				return nil, err
			}
		}
		for _, t := range g.Abbreviations {
			if err := add("context.yaml", t, Abbreviation, ctxTerm{cue: cu}); err != nil {
				return nil, err
			}
		}
		c.groups = append(c.groups, g)
	}
	for _, f := range cf.Fillers {
		c.fillers[strings.ToLower(f.S)] = true
	}
	for _, j := range cf.Joiners {
		c.joiners[strings.ToLower(j.S)] = true
	}
	c.clauseVerbs = map[string]bool{}
	for _, v := range cf.ClauseVerbs {
		c.clauseVerbs[strings.ToLower(v.S)] = true
	}
	c.fillersComma = map[string]bool{",": true}
	for k := range c.fillers {
		c.fillersComma[k] = true
	}
	if len(lf.Sides) == 0 {
		return nil, &LoadError{File: "laterality.yaml", Reason: "no sides"}
	}
	for i := range lf.Details {
		lf.Details[i].detail = true
	}
	for _, g := range append(append([]sideGroup{}, lf.Sides...), lf.Details...) {
		kind := sideWord
		if g.detail {
			kind = sideDetail
			if g.Value.S != "right>left" && g.Value.S != "left>right" {
				return nil, &LoadError{File: "laterality.yaml", Line: g.Value.Line, Reason: fmt.Sprintf("side detail %q (want right>left or left>right)", g.Value.S)}
			}
		} else if g.Value.S != Right && g.Value.S != Left && g.Value.S != Bilateral {
			return nil, &LoadError{File: "laterality.yaml", Line: g.Value.Line, Reason: fmt.Sprintf("side %q (want right, left or bilateral)", g.Value.S)}
		}
		if len(g.Terms)+len(g.Abbreviations) == 0 {
			return nil, &LoadError{File: "laterality.yaml", Line: g.Value.Line, Reason: "side has no terms"}
		}
		if len(g.Limbs) > 0 && (g.detail || g.Value.S != Bilateral) {
			return nil, &LoadError{File: "laterality.yaml", Line: g.Value.Line, Reason: fmt.Sprintf("side %q: only bilateral has limbs", g.Value.S)}
		}
		for _, t := range g.Limbs {
			if err := add("laterality.yaml", t, Synonym, ctxTerm{side: kind, value: g.Value.S, limb: true}); err != nil {
				return nil, err
			}
		}
		for _, t := range g.Terms {
			for _, v := range spacings(t.S) {
				if err := add("laterality.yaml", rules.String{S: v, Line: t.Line}, Synonym, ctxTerm{side: kind, value: g.Value.S}); err != nil {
					return nil, err
				}
			}
		}
		for _, t := range g.Abbreviations {
			if len(t.S) == 1 && isWordByte(t.S[0]) && t.S[0] < 0x80 {
				if c.letters[t.S[0]] != 0 {
					return nil, &LoadError{File: "laterality.yaml", Line: t.Line, Reason: fmt.Sprintf("abbreviation %q given twice", t.S)}
				}
				c.terms = append(c.terms, ctxTerm{side: kind, value: g.Value.S, noNum: true})
				c.letters[t.S[0]] = len(c.terms)
				c.letterBytes = append(c.letterBytes, t.S[0])
				continue
			}
			for _, v := range spacings(t.S) {
				if err := add("laterality.yaml", rules.String{S: v, Line: t.Line}, Abbreviation, ctxTerm{side: kind, value: g.Value.S, noNum: true}); err != nil {
					return nil, err
				}
			}
		}
		c.sides = append(c.sides, g)
	}
	c.parts = lf.Parts
	for _, t := range lf.Parts.Terms {
		if err := add("laterality.yaml", t, Synonym, ctxTerm{part: true}); err != nil {
			return nil, err
		}
	}
	for _, w := range lf.Parts.Before {
		c.partBefore[strings.ToLower(w.S)] = true
	}
	for _, w := range lf.Parts.After {
		c.partAfter[strings.ToLower(w.S)] = true
	}
	for _, w := range lf.Parts.Heads {
		c.partHeads[strings.ToLower(w.S)] = true
	}
	c.matcher = b.build()
	return c, nil
}

// spacings returns t and, when t has a comparison sign (">"), its forms
// with and without spaces around it ("right > left", "right>left",
// "right> left", "right >left").
func spacings(t string) []string {
	i := strings.IndexByte(t, '>')
	if i < 0 {
		return []string{t}
	}
	a, b := strings.TrimSpace(t[:i]), strings.TrimSpace(t[i+1:])
	return []string{a + ">" + b, a + " > " + b, a + "> " + b, a + " >" + b}
}

// A ctxHit is one context term found in the text.
type ctxHit struct {
	start, end int
	t          *ctxTerm
}

// hits returns the context terms of text[start:end] (offsets into text),
// in the buffers of scr: the result is valid until the next call with scr.
func (c *Context) hits(text string, start, end int, scr *tagScratch) []ctxHit {
	ms := c.matcher.matchWith(&scr.msc, scr.ctxMatches[:0], nil, text[start:end], nil)
	out := c.sentenceHits(scr.hits[:0], text, start, end, ms)
	clear(ms)
	scr.ctxMatches, scr.hits = ms[:0], out[:0]
	return out
}

// hitsBatch is hits of each of ranges, their matches found together
// (Matcher.matchBatch): the hits of ranges[r] are
// scr.bhits[scr.bhitBounds[r]:scr.bhitBounds[r+1]], valid until the next
// call with scr.
func (c *Context) hitsBatch(text string, ranges []span, scr *tagScratch) {
	ms, mb := c.matcher.matchBatch(&scr.msc, scr.bctx[:0], scr.bctxBounds[:0], text, ranges)
	out, hb := scr.bhits[:0], append(scr.bhitBounds[:0], 0)
	for r, rg := range ranges {
		out = c.sentenceHits(out, text, rg.start, rg.end, ms[mb[r]:mb[r+1]])
		hb = append(hb, len(out))
	}
	clear(ms)
	scr.bctx, scr.bctxBounds = ms[:0], mb[:0]
	scr.bhits, scr.bhitBounds = out, hb
}

// sentenceHits appends to out the context terms of text[start:end]
// (offsets into text), from ms, the context matcher's matches of it.
func (c *Context) sentenceHits(out []ctxHit, text string, start, end int, ms []Match) []ctxHit {
	base := len(out)
	for _, m := range ms {
		h := ctxHit{start: m.Start + start, end: m.End + start, t: &c.terms[atoi(m.Code)]}
		if h.t.noNum && beforeDigit(text, h.end) {
			continue // "L 5": a lumbar level, not a side
		}
		out = append(out, h)
	}
	// One-letter sides: a lone letter token, not in another hit. Each
	// letter is looked for with strings.IndexByte rather than by a look
	// at every byte of the sentence; the order they are found in does not
	// matter, hits are sorted by start after (and none shares a start).
	added := false
	for _, b := range c.letterBytes {
		for i := start; i < end; i++ {
			j := strings.IndexByte(text[i:end], b)
			if j < 0 {
				break
			}
			i += j
			if i > 0 && isWordByte(text[i-1]) || i+1 < len(text) && isWordByte(text[i+1]) {
				continue
			}
			if beforeDigit(text, i+1) {
				continue
			}
			inside := false
			for _, h := range out[base:] {
				if h.start <= i && i < h.end {
					inside = true
					break
				}
			}
			if !inside {
				out = append(out, ctxHit{start: i, end: i + 1, t: &c.terms[c.letters[b]-1]})
				added = true
			}
		}
	}
	if added {
		sortHits(out[base:])
	}
	return out
}

func atoi(s string) int {
	n := 0
	for i := 0; i < len(s); i++ {
		n = n*10 + int(s[i]-'0')
	}
	return n
}

// beforeDigit reports whether the first non-space byte at or after i is a
// digit.
func beforeDigit(text string, i int) bool {
	for ; i < len(text); i++ {
		switch c := text[i]; {
		case c == ' ' || c == '\t':
			continue
		case '0' <= c && c <= '9':
			return true
		default:
			return false
		}
	}
	return false
}

// Assess returns what the cues of the sentence text[sentStart:sentEnd] say
// about the term text[termStart:termEnd]. Offsets are byte offsets into
// text; the term must lie in the sentence (it is clipped to it otherwise).
func (c *Context) Assess(text string, sentStart, sentEnd, termStart, termEnd int) Assessment {
	sentStart = max(0, min(sentStart, len(text)))
	sentEnd = max(sentStart, min(sentEnd, len(text)))
	termStart = max(sentStart, min(termStart, sentEnd))
	termEnd = max(termStart, min(termEnd, sentEnd))
	// The tagger's buffers: the relief stage assesses a few statements
	// per letter, and each cost five allocations with buffers of its own.
	scr := tagScratchPool.Get().(*tagScratch)
	defer tagScratchPool.Put(scr)
	s := &scr.sc
	s.reset(c, text, sentStart, sentEnd, c.hits(text, sentStart, sentEnd, scr))
	var sides []*ctxHit // the buffer of an earlier target
	if cap(scr.ts) > 0 {
		sides = scr.ts[:1][0].sides[:0]
	}
	ts := append(scr.ts[:0], target{start: termStart, end: termEnd, anchorStart: termStart, anchorEnd: termEnd, sides: sides})
	s.assess(ts)
	a := ts[0].a
	scr.ts = ts[:0]
	s.text, s.hits = "", nil // no text kept in the pool
	return a
}

// sortHits orders hits by start.
func sortHits(hs []ctxHit) {
	sort.Slice(hs, func(i, j int) bool { return hs[i].start < hs[j].start })
}
