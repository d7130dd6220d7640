package criteria

import (
	"fmt"
	"strings"

	"go.yaml.in/yaml/v3"
)

func init() {
	register("guidance", newGuidance)
	register("not_recommended", newNotRecommended)
}

// guidance: the request names one of the allowed kinds of image guidance.
type guidance struct {
	Allowed []string `yaml:"allowed"`
}

func newGuidance(n *yaml.Node) (Rule, error) {
	var g guidance
	if err := decodeParams(n, &g); err != nil {
		return nil, err
	}
	if len(g.Allowed) == 0 {
		return nil, fmt.Errorf("guidance: allowed is empty")
	}
	return &g, nil
}

func (g *guidance) Eval(in *Input) Outcome {
	sv := in.Service
	ev := []Evidence{evidence(in.Case, sv.Start, sv.End)}
	switch {
	case sv.Guidance == "":
		return Outcome{Status: NotDocumented, Reason: "the request does not state image guidance", Evidence: ev}
	case contains(g.Allowed, sv.Guidance):
		return Outcome{Status: Met, Reason: "requested under " + sv.Guidance, Evidence: ev}
	default:
		return Outcome{Status: NotMet, Reason: fmt.Sprintf("requested under %s; the guideline requires %s", sv.Guidance, strings.Join(g.Allowed, " or ")), Evidence: ev}
	}
}

// not_recommended: the guideline does not recommend the procedure at all.
type notRecommended struct {
	Reason string `yaml:"reason"`
}

func newNotRecommended(n *yaml.Node) (Rule, error) {
	var r notRecommended
	if err := decodeParams(n, &r); err != nil {
		return nil, err
	}
	if r.Reason == "" {
		return nil, fmt.Errorf("not_recommended: reason is empty")
	}
	return &r, nil
}

func (r *notRecommended) Eval(in *Input) Outcome {
	sv := in.Service
	return Outcome{Status: NotMet, Reason: r.Reason, Evidence: []Evidence{evidence(in.Case, sv.Start, sv.End)}}
}
