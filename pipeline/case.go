package pipeline

// Schema is the record's schema name.
const Schema = "precedent.case/v1"

// A Case is the case record of shared/spec/case-v1.md. Field names are a
// contract: add fields freely, never rename or drop one.
type Case struct {
	Schema       string     `json:"schema"`
	ID           string     `json:"id"`
	Source       Source     `json:"source"`
	Text         string     `json:"text"`
	Kind         string     `json:"kind"`
	CaseNumber   string     `json:"case_number"`
	DateOfInjury *Date      `json:"date_of_injury"`
	DecisionDate *Date      `json:"decision_date"`
	URDenialDate *Date      `json:"ur_denial_date"`
	Outcome      string     `json:"outcome"`
	Services     []Service  `json:"services"`
	Reviewer     Reviewer   `json:"reviewer"`
	Patient      Patient    `json:"patient"`
	Guidelines   []string   `json:"guidelines"`
	Sections     []Section  `json:"sections"`
	Dates        []Date     `json:"dates"`
	Findings     []Finding  `json:"findings"`
	Relief       []Relief   `json:"relief"`
	PainScores   []Score    `json:"pain_scores"`
	Strength     []Strength `json:"strength"`
	Warnings     []string   `json:"warnings"`

	// Added in v1 (the contract allows new fields).

	// Encounters are the dated entries of the clinical history (IRO
	// "XX/XX/XX: Office Visit.", IMR "Per progress report dated 10/16/14"),
	// in letter order. Findings, relief, scores and strength name theirs.
	Encounters []Encounter `json:"encounters"`
	// ConservativeCare lists the conservative treatments the letter
	// mentions (physical therapy, home exercise, chiropractic, ...).
	ConservativeCare []Care `json:"conservative_care"`
}

// An Encounter is one entry of the clinical history.
type Encounter struct {
	Span
	// Index is the encounter's position in Case.Encounters.
	Index int `json:"index"`
	// Date is the entry's date (often redacted), or null.
	Date *Date `json:"date"`
	// Type is office_visit, operative_report, imaging, ur, progress_report,
	// therapy_note or other.
	Type string `json:"type"`
	// Title is the entry's heading as written ("Office Visit", "UR").
	Title string `json:"title"`
}

// A Care item is one conservative treatment the letter mentions.
type Care struct {
	Span
	// Modality is physical_therapy, home_exercise, chiropractic,
	// acupuncture, medication, tens, bracing, ...
	Modality string `json:"modality"`
	// Status says what the letter documents: "failed" (done without
	// lasting benefit), "helped" (done, with benefit), "done" (done, result
	// not stated), "ongoing", "planned", "not_documented" (the letter says
	// it is not documented or unclear), "absent" (not done).
	Status string `json:"status"`
	// Sessions is a session count ("12 sessions of PT"), or null.
	Sessions *int `json:"sessions"`
	// Duration is how long it lasted ("6 weeks of PT"), or null.
	Duration *Duration `json:"duration"`
	// InGuideline is true inside quoted guideline or criteria text.
	InGuideline bool `json:"in_guideline"`
	// Encounter is the index of the encounter the mention belongs to, or null.
	Encounter *int `json:"encounter"`
}

// Source describes the file a case came from.
type Source struct {
	Path       string `json:"path"`
	Format     string `json:"format"`
	SHA256     string `json:"sha256"`
	Bytes      int64  `json:"bytes"`
	Pages      *int   `json:"pages"`
	PageStarts []int  `json:"page_starts,omitempty"`
	Encoding   string `json:"encoding"`
}

// A Span is evidence: text with byte offsets into Case.Text and its zone.
type Span struct {
	Text    string `json:"text"`
	Start   int    `json:"start"`
	End     int    `json:"end"`
	Section string `json:"section"`
}

// A Date is one date mention.
type Date struct {
	Text     string `json:"text"`
	ISO      string `json:"iso"`
	Redacted bool   `json:"redacted"`
	Start    int    `json:"start"`
	End      int    `json:"end"`
}

// A Section is a zone of the letter.
type Section struct {
	Name  string `json:"name"`
	Title string `json:"title"`
	Start int    `json:"start"`
	End   int    `json:"end"`
}

// A Service is one disputed item.
type Service struct {
	Span
	Procedure  string   `json:"procedure"`
	Laterality string   `json:"laterality"`
	Levels     []string `json:"levels"`
	Decision   string   `json:"decision"`
	Sedation   bool     `json:"sedation"`
	Guidance   string   `json:"guidance"`
	Frequency  string   `json:"frequency"`
}

// Reviewer describes the expert reviewer.
type Reviewer struct {
	Specialties     []string `json:"specialties"`
	Licensure       []string `json:"licensure"`
	BoardCertified  *bool    `json:"board_certified"`
	YearsExperience *int     `json:"years_experience"`
}

// Patient holds demographics.
type Patient struct {
	Age *int   `json:"age"`
	Sex string `json:"sex"`
}

// A Finding is an exam finding or sign.
type Finding struct {
	Span
	Code        string `json:"code"`
	Label       string `json:"label"`
	Status      string `json:"status"`
	Laterality  string `json:"laterality"`
	SideDetail  string `json:"side_detail"`
	Certainty   string `json:"certainty"`
	Experiencer string `json:"experiencer"`
	InGuideline bool   `json:"in_guideline"`
	// Historical is true when the finding is described as past history.
	Historical bool `json:"historical"`
	// Encounter is the index of the encounter the finding belongs to, or null.
	Encounter *int `json:"encounter"`
}

// Duration is a quantity of time.
type Duration struct {
	Value float64 `json:"value"`
	Unit  string  `json:"unit"`
}

// Relief is a statement of pain relief or improvement.
type Relief struct {
	Span
	Percent     *float64  `json:"percent"`
	PercentMax  *float64  `json:"percent_max"`
	Comparator  string    `json:"comparator"`
	Qualitative string    `json:"qualitative"`
	Duration    *Duration `json:"duration"`
	Procedure   string    `json:"procedure"`
	Certainty   string    `json:"certainty"`
	InGuideline bool      `json:"in_guideline"`
	// Before and After are the pain scores relief was computed from
	// ("pre-procedure pain 8/10, post-procedure pain 1/10"), or null.
	Before *float64 `json:"before"`
	After  *float64 `json:"after"`
	// Encounter is the index of the encounter, or null.
	Encounter *int `json:"encounter"`
}

// A Score is a pain rating.
type Score struct {
	Span
	Value    float64  `json:"value"`
	ValueMax *float64 `json:"value_max"`
	Scale    int      `json:"scale"`
	Site     string   `json:"site"`
	// Qualifier is "worst", "best", "average", "current", "with_medication",
	// "without_medication", "before", "after" or "".
	Qualifier   string `json:"qualifier"`
	InGuideline bool   `json:"in_guideline"`
	Encounter   *int   `json:"encounter"`
}

// Strength is a muscle strength grade.
type Strength struct {
	Span
	Grade      string  `json:"grade"`
	Value      float64 `json:"value"`
	Muscle     string  `json:"muscle"`
	Laterality string  `json:"laterality"`
	Encounter  *int    `json:"encounter"`
}
