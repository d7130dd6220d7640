package index

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/registry"
)

// The letter text is indexed twice: as words (fieldText, with their
// locations, for queries, phrases and snippets) and as pairs of adjacent
// words (fieldTextPairs, no locations): "sacroiliac joint" is the term
// "sacroiliac joint" at every place where the analyzed word "sacroiliac"
// is right before "joint" (no stop word removed between them). A quoted
// phrase of two words then matches the cases of one term's postings
// instead of checking the locations of both words in every case holding
// them (phrase.go): the same matches, since a phrase of two slots matches
// where its words are at consecutive positions.

// pairsAnalyzerName is the analyzer of fieldTextPairs.
const pairsAnalyzerName = "precedent_pairs"

// pairSep joins the words of a pair; the English analyzer's words never
// hold a space.
const pairSep = " "

func init() {
	err := registry.RegisterAnalyzer(pairsAnalyzerName, func(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
		words, err := cache.AnalyzerNamed(en.AnalyzerName)
		if err != nil {
			return nil, err
		}
		return pairsAnalyzer{words: words}, nil
	})
	if err != nil {
		panic(err)
	}
}

// pairsAnalyzer gives the pairs of adjacent words of the text field's
// analysis.
type pairsAnalyzer struct {
	words analysis.Analyzer
}

func (a pairsAnalyzer) Analyze(text []byte) analysis.TokenStream {
	return wordPairs(a.words.Analyze(text))
}

// wordPairs returns a token for each pair of tokens of ts at consecutive
// positions, at the position of the first.
func wordPairs(ts analysis.TokenStream) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(ts))
	for i, t := range ts {
		for _, u := range ts[i+1:] {
			if u.Position > t.Position+1 {
				break
			}
			if u.Position != t.Position+1 {
				continue
			}
			term := make([]byte, 0, len(t.Term)+len(pairSep)+len(u.Term))
			term = append(append(append(term, t.Term...), pairSep...), u.Term...)
			out = append(out, &analysis.Token{
				Start:    t.Start,
				End:      u.End,
				Term:     term,
				Position: t.Position,
				Type:     analysis.Shingle,
			})
		}
	}
	return out
}

// pairTerm is the term of fieldTextPairs of two analyzed words.
func pairTerm(a, b string) string { return a + pairSep + b }
