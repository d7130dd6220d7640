package index

import (
	"math"

	"github.com/blevesearch/bleve/v2/search/scorer"
)

// termStats is what bleve's term scorer keeps of a term (TermQueryScorer,
// tf-idf): the live documents that have it, its idf and its query weight.
// The searchers that stand in for bleve's (phrase, numeric range, term
// tables) embed it so that their weights and norms are bleve's.
type termStats struct {
	count       uint64
	idf         float64
	queryWeight float64
}

func (t *termStats) stats() *termStats { return t }

// setIDF sets the idf from count, as bleve's TermQueryScorer does.
func (t *termStats) setIDF(docTotal uint64) {
	t.idf = 1.0 + math.Log(float64(docTotal)/float64(t.count+1.0))
}

// score is bleve's TermQueryScorer.Score of a document with the term,
// its tf × norm given.
func (t *termStats) score(tfNorm float64) float64 {
	score := tfNorm * t.idf
	if t.queryWeight != 1.0 {
		score = score * t.queryWeight
	}
	return score
}

// termFreq is bleve's tf of a term of frequency freq: its square root.
func termFreq(freq uint64) float64 {
	if freq < scorer.MaxSqrtCache {
		return scorer.SqrtCache[int(freq)]
	}
	return math.Sqrt(float64(freq))
}

type hasTermStats interface{ stats() *termStats }

// byCount sorts as bleve's OrderedSearcherList (the same sort of the same
// slice gives the same order).
type byCount[T hasTermStats] []T

func (t byCount[T]) Len() int           { return len(t) }
func (t byCount[T]) Less(i, j int) bool { return t[i].stats().count < t[j].stats().count }
func (t byCount[T]) Swap(i, j int)      { t[i], t[j] = t[j], t[i] }

// termsWeight is the sum of the terms' squared weights (boost times idf),
// added in the given order as bleve's searchers add them.
func termsWeight[T hasTermStats](boost float64, order []T) float64 {
	var rv float64
	for _, t := range order {
		w := boost * t.stats().idf
		rv += w * w
	}
	return rv
}

// setTermsQueryNorm sets each term's query weight for the norm qnorm.
func setTermsQueryNorm[T hasTermStats](boost, qnorm float64, terms []T) {
	for _, t := range terms {
		s := t.stats()
		s.queryWeight = boost * s.idf * qnorm
	}
}

// termsCount is the sum of the terms' counts, bleve's Count of a
// disjunction or conjunction of term searchers.
func termsCount[T hasTermStats](terms []T) uint64 {
	var n uint64
	for _, t := range terms {
		n += t.stats().count
	}
	return n
}
