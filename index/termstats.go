package index

import "math"

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

type hasTermStats interface{ stats() *termStats }

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
