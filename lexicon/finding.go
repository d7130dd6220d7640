package lexicon

import "fmt"

// FindingRules are the parts of a finding concept beyond its terms.
//
// A finding is written either as one of its terms ("Gaenslen's test",
// "paraspinal tenderness") or as a site and a sign close together in one
// clause: "tenderness over the SI joints", "Paravertebral muscles are
// tender", "Light touch is normal". Sites are concepts of category site,
// matched with every other term (so "L5-S1" or "S1 joint injection" hide
// "S1 joint"); signs are plain words, each positive or negative.
type FindingRules struct {
	// Sites are codes of site concepts.
	Sites []string `yaml:"sites"`
	// Signs say what of a site makes the finding.
	Signs Signs `yaml:"signs"`
	// Window is how many tokens may separate a site and its sign (0: 6).
	Window int `yaml:"window"`
	// Status is the finding's status when no context cue gives one:
	// "positive" for symptoms and signs whose mention says they are there
	// ("numbness"), "" for tests, which need a cue ("FABER positive").
	Status string `yaml:"status"`
}

// Signs are the words that make a site a finding.
type Signs struct {
	// Positive signs say the finding is there ("tender", "decreased").
	Positive []string `yaml:"positive"`
	// Negative signs say it is not ("intact", "normal", "5/5").
	Negative []string `yaml:"negative"`
}

// defaultWindow is the site-sign distance when a concept sets none.
const defaultWindow = 6

// validateFindings checks the finding rules of lx's concepts.
func validateFindings(lx *Lexicon) error {
	for _, c := range lx.concepts {
		bad := func(format string, args ...any) error {
			return &LoadError{File: c.File, Line: c.Line, Reason: fmt.Sprintf(format, args...)}
		}
		f := c.FindingRules
		if c.Category != "finding" {
			if len(f.Sites)+len(f.Signs.Positive)+len(f.Signs.Negative) > 0 || f.Status != "" || f.Window != 0 {
				return bad("concept %s: sites, signs, window and status are for findings", c.Code)
			}
			continue
		}
		switch f.Status {
		case "", Positive, Negative:
		default:
			return bad("concept %s: status %q (want positive, negative or empty)", c.Code, f.Status)
		}
		if f.Window < 0 || f.Window > 20 {
			return bad("concept %s: window %d (want 0..20)", c.Code, f.Window)
		}
		hasSigns := len(f.Signs.Positive)+len(f.Signs.Negative) > 0
		if len(f.Sites) > 0 != hasSigns {
			return bad("concept %s: sites and signs go together", c.Code)
		}
		for _, s := range f.Sites {
			sc, ok := lx.Concept(s)
			if !ok || sc.Category != "site" {
				return bad("concept %s: site %q is not a site concept", c.Code, s)
			}
		}
		for _, s := range append(append([]string{}, f.Signs.Positive...), f.Signs.Negative...) {
			if normTerm(s) == "" {
				return bad("concept %s: empty sign", c.Code)
			}
		}
	}
	return nil
}
