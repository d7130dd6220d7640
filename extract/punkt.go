package extract

import (
	"sort"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"github.com/jdkato/prose/v3/segment"
	"gopkg.in/neurosnap/sentences.v1"
	"gopkg.in/neurosnap/sentences.v1/data"
)

// punktModel is prose's Punkt segmenter with its English model, and what
// lets us skip the model where its answer is known without it.
//
// Punkt looks only at whitespace-separated words holding . ? or !, each
// with the word after it. A word such as "pain." or "Injection." (ASCII
// letters and a final period) ends a sentence unless the model lists it
// (lowercased, without the period) as an abbreviation or as the first word
// of a collocation, or the next word is a lone "." (an ellipsis): then
// the sentence starts at the next word. The decision of one word depends
// only on the punctuated words right after it, never on those before, so
// a run of punctuated words and the word that follows it (a "group") is
// decided alone. starts decides the groups whose words are all of that
// plain kind itself and gives the others, concatenated, to the model:
// the result is what segment.Segmenter.Segment gives on the whole text
// (TestPunktStartsAgreeWithModel), at a fifth of the cost on letters.
type punktModel struct {
	seg *segment.Segmenter
	// risky holds the words whose period the model may read otherwise:
	// its abbreviations and the first words of its collocations.
	risky map[string]bool
}

// proseAbbrevs are the abbreviations prose adds to the English model
// (prose/v3/segment supervisedAbbrevs); the model we build is the one
// segment.New builds.
var proseAbbrevs = []string{"sgt", "gov", "no", "mt"}

var loadPunktModel = sync.OnceValues(func() (*punktModel, error) {
	b, err := data.Asset("data/english.json")
	if err != nil {
		return nil, err
	}
	st, err := sentences.LoadTraining(b)
	if err != nil {
		return nil, err
	}
	for _, a := range proseAbbrevs {
		st.AbbrevTypes.Add(a)
	}
	m := &punktModel{seg: segment.WithTraining(st), risky: map[string]bool{}}
	for w := range st.AbbrevTypes {
		m.risky[w] = true
	}
	for c := range st.Collocations {
		m.risky[c[:max(0, strings.IndexByte(c, ','))]] = true
	}
	return m, nil
})

// A punktWord is a whitespace-separated word of a chunk, as Punkt's word
// tokenizer cuts them.
type punktWord struct {
	start, end int
	punct      bool // holds . ? or !
}

// punktWords returns the words of chunk: runs of runes that are not
// unicode.IsSpace.
func punktWords(chunk string, out []punktWord) []punktWord {
	start := -1
	for i := 0; i < len(chunk); {
		c := chunk[i]
		size := 1
		space := false
		if c < utf8.RuneSelf {
			space = c == ' ' || '\t' <= c && c <= '\r'
		} else {
			var r rune
			r, size = utf8.DecodeRuneInString(chunk[i:])
			space = unicode.IsSpace(r)
		}
		switch {
		case space && start >= 0:
			out = append(out, punktWord{start, i, strings.ContainsAny(chunk[start:i], ".?!")})
			start = -1
		case !space && start < 0:
			start = i
		}
		i += size
	}
	if start >= 0 {
		out = append(out, punktWord{start, len(chunk), strings.ContainsAny(chunk[start:], ".?!")})
	}
	return out
}

// plain reports whether w always ends a sentence when a word other than
// "." follows it: ASCII letters (two or more) and a period, and not a
// risky word.
func (m *punktModel) plain(w string) bool {
	n := len(w) - 1
	if n < 2 || w[n] != '.' || n > 32 {
		return false
	}
	var buf [32]byte
	for i := 0; i < n; i++ {
		c := w[i]
		switch {
		case 'a' <= c && c <= 'z':
		case 'A' <= c && c <= 'Z':
			c += 'a' - 'A'
		default:
			return false
		}
		buf[i] = c
	}
	return !m.risky[string(buf[:n])]
}

var punktWordsPool = sync.Pool{New: func() any { return new([]punktWord) }}

// starts returns the offsets in chunk where the sentences of
// seg.Segment(chunk) start.
func (m *punktModel) starts(chunk string) []int {
	wp := punktWordsPool.Get().(*[]punktWord)
	defer punktWordsPool.Put(wp)
	words := punktWords(chunk, (*wp)[:0])
	*wp = words
	out := []int{0}
	if len(words) > 0 {
		out[0] = words[0].start
	}
	// The groups for the model, concatenated with a space after each (the
	// group that ends the chunk is copied to its end, trailing space and
	// all, as the model would see it).
	var batch strings.Builder
	var batchAt, chunkAt []int // group starts in batch and in chunk
	for i := 0; i < len(words); {
		if !words[i].punct {
			i++
			continue
		}
		j := i
		plain := true
		for ; j < len(words) && words[j].punct; j++ {
			plain = plain && m.plain(chunk[words[j].start:words[j].end])
		}
		// words[i:j] are punctuated; words[j], if any, ends the group.
		if plain {
			for k := i; k < j && k+1 < len(words); k++ {
				out = append(out, words[k+1].start)
			}
		} else {
			batchAt, chunkAt = append(batchAt, batch.Len()), append(chunkAt, words[i].start)
			if j+1 < len(words) {
				batch.WriteString(chunk[words[i].start:words[j].end])
				batch.WriteByte(' ')
			} else {
				// The group ends the chunk: copied as is, since the
				// model's tokenizer drops a last word ending in a
				// multi-byte rune.
				batch.WriteString(chunk[words[i].start:])
			}
		}
		i = j + 1
	}
	if batch.Len() == 0 {
		return out
	}
	sents := m.seg.Segment(batch.String())
	for _, st := range sents[1:] {
		k := sort.SearchInts(batchAt, st.Start+1) - 1
		out = append(out, st.Start-batchAt[k]+chunkAt[k])
	}
	sort.Ints(out[1:])
	return out
}
