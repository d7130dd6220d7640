package index

import (
	"testing"

	"github.com/google/go-cmp/cmp"
)

func TestWordPairs(t *testing.T) {
	a := newMapping().AnalyzerNamed(pairsAnalyzerName)
	if a == nil {
		t.Fatal("no pairs analyzer")
	}
	for _, tt := range []struct {
		text string
		want []string
	}{
		{"Sacroiliac joint injections", []string{"sacroiliac joint", "joint inject"}},
		// A removed stop word breaks the pair: "range of motion" is no
		// pair "range motion".
		{"range of motion, the patient's knee", []string{"patient knee"}},
		{"joint", nil},
		{"", nil},
	} {
		var got []string
		for _, tok := range a.Analyze([]byte(tt.text)) {
			got = append(got, string(tok.Term))
			if tt.text[tok.Start:tok.End] == "" {
				t.Errorf("%q: pair %q has no text", tt.text, tok.Term)
			}
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("%q: pairs (-want +got):\n%s", tt.text, diff)
		}
	}
}
