package index

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"
)

// Field names of the index document (the json tags of indexDoc).
const (
	fieldKind             = "kind"
	fieldOutcome          = "outcome"
	fieldCaseNumber       = "case_number"
	fieldProcedures       = "procedures"
	fieldServiceDecisions = "service_decisions"
	fieldServiceKeys      = "service_keys"
	fieldGuidelines       = "guidelines"
	fieldSpecialties      = "specialties"
	fieldFindings         = "findings"
	fieldAge              = "age"
	fieldMaxRelief        = "max_relief"
	fieldSIPositiveTests  = "si_positive_tests"
	fieldDecisionDate     = "decision_date"
	fieldDateOfInjury     = "date_of_injury"
	fieldText             = "text"
	fieldTextPairs        = "text_pairs" // pairs of adjacent words (pairs.go)
	fieldPath             = "path"
	fieldServices         = "services"
	fieldCaseNumberShown  = "case_number_shown" // as written, for display
	fieldRecord           = "record"
)

// schemaVersion is bumped when the index document changes in a way the
// mapping hash does not see (what convert.go puts in a field).
const schemaVersion = "precedent.index/v3" // v2: finding tags of definite findings only; v3: text_pairs

// versionKey is the internal key holding the mapping version.
var versionKey = []byte("precedent.mapping_version")

// newMapping builds the static index mapping: only the declared fields are
// indexed.
func newMapping() *mapping.IndexMappingImpl {
	kw := func(store bool) *mapping.FieldMapping {
		f := bleve.NewKeywordFieldMapping()
		f.Analyzer = keyword.Name
		f.Store = store
		f.IncludeInAll = false
		// Term vectors let a quoted tag match in the query string
		// (findings:"faber:positive"): bleve runs a quoted value as a
		// phrase, which finds nothing without them. Tags are short.
		f.IncludeTermVectors = true
		return f
	}
	num := func() *mapping.FieldMapping {
		f := bleve.NewNumericFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		return f
	}
	date := func() *mapping.FieldMapping {
		f := bleve.NewDateTimeFieldMapping()
		f.Store = false
		f.IncludeInAll = false
		return f
	}
	stored := func() *mapping.FieldMapping {
		f := bleve.NewTextFieldMapping()
		f.Index = false
		f.Store = true
		f.IncludeInAll = false
		f.IncludeTermVectors = false
		f.DocValues = false
		return f
	}

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldKind, kw(true))
	dm.AddFieldMappingsAt(fieldOutcome, kw(true))
	dm.AddFieldMappingsAt(fieldCaseNumber, kw(true))
	dm.AddFieldMappingsAt(fieldProcedures, kw(false))
	dm.AddFieldMappingsAt(fieldServiceDecisions, kw(false))
	dm.AddFieldMappingsAt(fieldServiceKeys, kw(false))
	dm.AddFieldMappingsAt(fieldGuidelines, kw(false))
	dm.AddFieldMappingsAt(fieldSpecialties, kw(false))
	dm.AddFieldMappingsAt(fieldFindings, kw(false))
	dm.AddFieldMappingsAt(fieldAge, num())
	dm.AddFieldMappingsAt(fieldMaxRelief, num())
	dm.AddFieldMappingsAt(fieldSIPositiveTests, num())
	dm.AddFieldMappingsAt(fieldDecisionDate, date())
	dm.AddFieldMappingsAt(fieldDateOfInjury, date())

	text := bleve.NewTextFieldMapping()
	text.Analyzer = en.AnalyzerName
	text.Store = true
	text.IncludeTermVectors = true
	text.IncludeInAll = false
	text.DocValues = false
	dm.AddFieldMappingsAt(fieldText, text)

	pairs := bleve.NewTextFieldMapping()
	pairs.Analyzer = pairsAnalyzerName
	pairs.Store = false
	pairs.IncludeTermVectors = false
	pairs.IncludeInAll = false
	pairs.DocValues = false
	dm.AddFieldMappingsAt(fieldTextPairs, pairs)

	dm.AddFieldMappingsAt(fieldPath, stored())
	dm.AddFieldMappingsAt(fieldServices, stored())
	dm.AddFieldMappingsAt(fieldCaseNumberShown, stored())
	dm.AddFieldMappingsAt(fieldRecord, stored())

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = keyword.Name
	im.DefaultField = fieldText
	im.StoreDynamic = false
	im.IndexDynamic = false
	im.DocValuesDynamic = false
	return im
}

// mappingVersion is the version stamped in an index: the schema version and
// a hash of the mapping, so any change of either refuses an old index.
func mappingVersion(m mapping.IndexMapping) (string, error) {
	b, err := json.Marshal(m)
	if err != nil {
		return "", fmt.Errorf("index mapping: %w", err)
	}
	sum := sha256.Sum256(b)
	return schemaVersion + " " + hex.EncodeToString(sum[:8]), nil
}
