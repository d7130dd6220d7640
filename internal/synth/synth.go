// Package synth writes synthetic decision letters for scale tests and
// benchmarks: Texas IRO decisions and California IMR final determinations in
// the layouts of the seed letters, with varied phrasing of services,
// outcomes, exam findings (sides and statuses), relief, pain scores and
// guideline quotes. Every fact is invented.
//
// Generation is seeded: letter i of a Generator with seed s is always the
// same bytes (math/rand/v2 PCG seeded with s and i), so letters can be made
// in any order or in parallel.
package synth

import (
	"fmt"
	"math/rand/v2"
	"strings"
)

// A Letter is one synthetic letter.
type Letter struct {
	// Name is a file name: "synth_000042_iro.txt".
	Name string
	// Kind is "iro" or "imr".
	Kind string
	// Text is the letter, UTF-8 with "\n" line ends.
	Text string
	// Procedures are the procedure codes of the disputed services, in
	// letter order (what the letter was written to dispute).
	Procedures []string
	// Decisions are the intended decisions of the services ("upheld" or
	// "overturned"), parallel to Procedures.
	Decisions []string
}

// A Generator makes letters from a seed.
type Generator struct {
	seed uint64
}

// New returns a Generator for seed.
func New(seed uint64) *Generator { return &Generator{seed: seed} }

// Letter returns letter i. The same seed and i give the same letter.
func (g *Generator) Letter(i int) Letter {
	r := rand.New(rand.NewPCG(g.seed, uint64(i)))
	w := &writer{r: r}
	var l Letter
	if r.IntN(2) == 0 {
		l = w.iro()
	} else {
		l = w.imr()
	}
	l.Name = fmt.Sprintf("synth_%06d_%s.txt", i, l.Kind)
	return l
}

// A service is one disputable item and the phrasings of its request.
type service struct {
	code    string
	texts   []string
	quotes  []string // guideline text quoted in the rationale
	region  string   // body region of the complaints
	history []string // procedure history phrasings
}

var services = []service{
	{
		code: "si_joint_injection",
		texts: []string{
			"%s Sacroiliac Joint Injection with IV Sedation",
			"%s SI joint injection under fluoroscopy",
			"%s sacroiliac joint block",
			"%s Sacroiliac Injection",
		},
		quotes:  []string{quoteSIBlock, quoteSINotRecommended},
		region:  "low back and buttock",
		history: []string{"sacroiliac joint injection", "SI joint injection", "sacroiliac block"},
	},
	{
		code: "epidural_steroid_injection",
		texts: []string{
			"%s L5-S1 Transforaminal Epidural Steroid Injection under Fluoroscopy",
			"%s L4-L5 interlaminar epidural steroid injection",
			"Lumbar epidural steroid injection at L4-5, %s",
		},
		quotes:  []string{quoteESI},
		region:  "low back and leg",
		history: []string{"epidural steroid injection", "transforaminal ESI", "lumbar ESI"},
	},
	{
		code: "medial_branch_block",
		texts: []string{
			"%s L4-L5 and L5-S1 medial branch blocks",
			"%s lumbar medial branch block at L3-L4 and L4-L5",
		},
		quotes:  []string{quoteFacet},
		region:  "axial low back",
		history: []string{"medial branch block", "diagnostic medial branch block"},
	},
	{
		code: "facet_rfa",
		texts: []string{
			"%s L4-L5 and L5-S1 radiofrequency ablation",
			"%s L3-L4, L4-L5 facet radiofrequency neurotomy",
		},
		quotes:  []string{quoteRFA},
		region:  "axial low back",
		history: []string{"radiofrequency ablation", "medial branch block", "facet rhizotomy"},
	},
	{
		code: "mri",
		texts: []string{
			"MRI of the lumbar spine without contrast",
			"Repeat lumbar MRI",
			"MRI lumbar spine, %s sided symptoms",
		},
		quotes:  []string{quoteMRI},
		region:  "low back",
		history: []string{"lumbar MRI", "MRI of the lumbar spine"},
	},
	{
		code: "physical_therapy",
		texts: []string{
			"Physical therapy 2 times a week for 6 weeks for the lumbar spine",
			"Additional physical therapy, 12 sessions, lumbar spine",
			"Physical therapy 3x4 for the %s hip and low back",
		},
		quotes:  []string{quotePT},
		region:  "low back",
		history: []string{"physical therapy", "a course of physical therapy"},
	},
	{
		code: "medication",
		texts: []string{
			"Tramadol ER 150mg #30",
			"Cyclobenzaprine 7.5mg #60",
			"Meloxicam 15mg #30",
			"Gabapentin 300mg #90",
		},
		quotes:  []string{quoteMeds},
		region:  "low back",
		history: []string{"medication management", "NSAIDs"},
	},
}

var sides = []string{"Right", "Left", "Bilateral"}

func (w *writer) pick(xs []string) string { return xs[w.r.IntN(len(xs))] }

// A writer builds one letter from its random source.
type writer struct {
	r *rand.Rand
	b strings.Builder
}

// para writes a paragraph wrapped at about 100 columns and a blank line.
func (w *writer) para(s string) {
	w.line(s)
	w.b.WriteString("\n")
}

// line writes s wrapped at about 100 columns.
func (w *writer) line(s string) {
	const width = 100
	col := 0
	for i, word := range strings.Fields(s) {
		if i > 0 {
			if col+1+len(word) > width {
				w.b.WriteString("\n")
				col = 0
			} else {
				w.b.WriteString(" ")
				col++
			}
		}
		w.b.WriteString(word)
		col += len(word)
	}
	w.b.WriteString("\n")
}

// serviceText returns one phrasing of s's request with side filled in.
func (w *writer) serviceText(s service) string {
	t := w.pick(s.texts)
	if strings.Contains(t, "%s") {
		side := w.pick(sides)
		if !strings.HasPrefix(t, "%s") {
			side = strings.ToLower(side)
		}
		t = fmt.Sprintf(t, side)
	}
	return t
}

// chooseServices picks n distinct services; SI and spine injections are
// favoured, as in the archive.
func (w *writer) chooseServices(n int) []service {
	weights := []int{5, 4, 2, 2, 2, 2, 2}
	var out []service
	used := map[int]bool{}
	for len(out) < n {
		total := 0
		for i, wt := range weights {
			if !used[i] {
				total += wt
			}
		}
		x := w.r.IntN(total)
		for i, wt := range weights {
			if used[i] {
				continue
			}
			if x < wt {
				used[i] = true
				out = append(out, services[i])
				break
			}
			x -= wt
		}
	}
	return out
}

func (w *writer) decision() string {
	if w.r.IntN(100) < 70 {
		return "upheld"
	}
	return "overturned"
}

var (
	sexes    = []string{"male", "female"}
	jobs     = []string{"warehouse worker", "truck driver", "nurse", "carpenter", "cashier", "welder", "custodian", "mechanic", "teacher", "electrician"}
	injuries = []string{
		"lifting a heavy box", "slipping on a wet floor", "pulling a pallet jack", "falling from a ladder",
		"moving a patient", "twisting while carrying lumber", "a motor vehicle accident at work",
	}
	meds = []string{"naproxen", "meloxicam", "tramadol", "cyclobenzaprine", "gabapentin", "ibuprofen", "Norco"}
)

// finding phrasings by kind; %s is a side when present.
var (
	siPositive = []string{
		"Positive right sided figure 4 test.",
		"Positive FABER on the %s.",
		"Positive FABER, Gaenslen's and thigh thrust on the %s.",
		"FABER (+) %s.",
		"Gaenslen's test was positive on the %s.",
		"Thigh thrust positive %s.",
		"Positive compression test.",
		"Tenderness over the %s SI joint.",
		"Positive Patrick's test on the %s.",
	}
	siNegative = []string{
		"FABER (-) bilaterally.",
		"Gaenslen neg.",
		"Negative thigh thrust bilaterally.",
		"Distraction test was negative.",
		"No tenderness over the sacroiliac joints.",
	}
	spineFindings = []string{
		"Positive straight leg raise on the %s at 40 degrees.",
		"Negative straight leg raise bilaterally.",
		"Decreased sensation in the %s L5 dermatome.",
		"Facet loading positive bilaterally at L4-5.",
		"Paraspinal tenderness on the %s.",
		"Lumbar flexion limited to 45 degrees with pain.",
		"Reflexes 2+ and symmetric.",
		"Antalgic gait favoring the %s.",
		"EHL strength 4/5 on the %s, 5/5 on the contralateral side.",
		"Muscle strength is 5/5 to bilateral lower extremities.",
	}
	reliefPhrases = []string{
		"The prior %s provided %d%% relief for %d weeks.",
		"She reported about %d %% improvement lasting %d months after the %s.",
		"Following the %s the patient noted %d%% pain relief for approximately %d weeks.",
		"The %s gave no lasting relief.",
		"Pain decreased from %d/10 to %d/10 after the %s.",
	}
	painPhrases = []string{
		"Pain is rated %d/10.",
		"Pain rated %d out of 10.",
		"VAS %d/10 today.",
		"She rates her pain at %d/10 without medication and %d/10 with medication.",
	}
)

func (w *writer) side() string { return strings.ToLower(w.pick(sides[:2])) }

// fill replaces each %s with a side.
func (w *writer) fill(s string) string {
	for strings.Contains(s, "%s") {
		s = strings.Replace(s, "%s", w.side(), 1)
	}
	return s
}

// exam returns the physical exam sentences of one visit.
func (w *writer) exam(svc service) string {
	var parts []string
	if svc.code == "si_joint_injection" || w.r.IntN(3) == 0 {
		for range 1 + w.r.IntN(3) {
			parts = append(parts, w.fill(w.pick(siPositive)))
		}
		if w.r.IntN(2) == 0 {
			parts = append(parts, w.pick(siNegative))
		}
	}
	for range 2 + w.r.IntN(3) {
		parts = append(parts, w.fill(w.pick(spineFindings)))
	}
	return strings.Join(parts, " ")
}

// relief returns one relief statement about a prior procedure.
func (w *writer) relief(svc service) string {
	proc := w.pick(svc.history)
	switch i := w.r.IntN(len(reliefPhrases)); i {
	case 0:
		return fmt.Sprintf(reliefPhrases[0], proc, 30+10*w.r.IntN(6), 2+w.r.IntN(10))
	case 1:
		return fmt.Sprintf(reliefPhrases[1], 20+10*w.r.IntN(7), 1+w.r.IntN(5), proc)
	case 2:
		return fmt.Sprintf(reliefPhrases[2], proc, 40+5*w.r.IntN(10), 1+w.r.IntN(12))
	case 3:
		return fmt.Sprintf(reliefPhrases[3], proc)
	default:
		before := 6 + w.r.IntN(4)
		return fmt.Sprintf(reliefPhrases[4], before, before-1-w.r.IntN(5), proc)
	}
}

func (w *writer) pain() string {
	p := w.pick(painPhrases)
	if strings.Count(p, "%d") == 2 {
		hi := 6 + w.r.IntN(4)
		return fmt.Sprintf(p, hi, hi-2-w.r.IntN(3))
	}
	return fmt.Sprintf(p, 3+w.r.IntN(7))
}

// visit returns one clinical visit narrative.
func (w *writer) visit(svc service, prior bool) string {
	var s strings.Builder
	fmt.Fprintf(&s, "HPI: Pt c/o %s pain, worse with %s. ", svc.region, w.pick([]string{"bending", "prolonged sitting", "lifting", "standing", "walking"}))
	s.WriteString(w.pain() + " ")
	fmt.Fprintf(&s, "He has been taking %s and %s. ", w.pick(meds), w.pick(meds))
	if prior {
		s.WriteString(w.relief(svc) + " ")
	}
	if w.r.IntN(2) == 0 {
		fmt.Fprintf(&s, "He completed %d sessions of physical therapy with minimal benefit and continues a home exercise program. ", 6+2*w.r.IntN(6))
	}
	s.WriteString("Physical Exam: " + w.exam(svc) + " ")
	fmt.Fprintf(&s, "Assessment: %s. Plan: %s.", w.pick([]string{
		"Lumbar radiculopathy", "Sacroiliac joint dysfunction", "Lumbar facet arthropathy",
		"Chronic low back pain", "Lumbar spondylosis without myelopathy",
	}), w.pick([]string{"Continue home exercise", "Request authorization for the procedure", "Follow up in 4 weeks", "Continue medications as prescribed"}))
	return s.String()
}

// iro writes a Texas IRO decision.
func (w *writer) iro() Letter {
	n := 1
	if w.r.IntN(5) == 0 {
		n = 2
	}
	svcs := w.chooseServices(n)
	decs := make([]string, n)
	texts := make([]string, n)
	for i := range svcs {
		decs[i] = w.decision()
		texts[i] = w.serviceText(svcs[i])
	}
	outcome := decs[0]
	if n == 2 && decs[0] != decs[1] {
		outcome = "partially_overturned"
	}
	w.b.WriteString("IRO CASE #:\n\nNotice of Independent Review Decision\n\n")
	fmt.Fprintf(&w.b, "DATE NOTICE SENT TO ALL PARTIES: %02d/%02d/20%02d\n\n", 1+w.r.IntN(12), 1+w.r.IntN(28), 15+w.r.IntN(9))
	w.b.WriteString("DESCRIPTION OF THE SERVICE OR SERVICES IN DISPUTE:\n")
	for i, t := range texts {
		if n > 1 {
			fmt.Fprintf(&w.b, "%d. %s\n", i+1, t)
		} else {
			w.b.WriteString(t + "\n")
		}
	}
	w.b.WriteString("\nA DESCRIPTION OF THE QUALIFICATIONS FOR EACH PHYSICIAN OR OTHER HEALTH CARE PROVIDER WHO\nREVIEWED THE DECISION:\n")
	w.para(fmt.Sprintf("This case was reviewed by a Board Certified Doctor of %s with over %d years of experience.",
		w.pick([]string{"Orthopedic Surgery", "Physical Medicine and Rehabilitation", "Anesthesiology", "Neurosurgery"}), 8+w.r.IntN(20)))
	w.b.WriteString("REVIEW OUTCOME:\n\n")
	w.para("Upon independent review, the reviewer finds that the previous adverse determination/adverse determinations should be:")
	switch outcome {
	case "upheld":
		w.b.WriteString(" Upheld     (Agree)\n\n")
	case "overturned":
		w.b.WriteString(" Overturned     (Disagree)\n\n")
	default:
		w.b.WriteString("☐ Upheld     (Agree)\n\n☐ Overturned     (Disagree)\n\n☒ Partially Overturned     (Agree in part/Disagree in part)\n\n")
	}
	w.para("Provide a description of the review outcome that clearly states whether medical necessity exists for each of the health care services in dispute.")
	w.b.WriteString("PATIENT CLINICAL HISTORY [SUMMARY]:\n")
	w.para(fmt.Sprintf("The patient is a %d-year-old %s %s who was injured on XX/XX/XX when %s %s at work.",
		25+w.r.IntN(40), w.pick(sexes), w.pick(jobs), w.pick([]string{"he was", "the patient was"}), w.pick(injuries)))
	visits := 7 + w.r.IntN(9)
	for v := range visits {
		switch w.r.IntN(5) {
		case 0:
			w.para(fmt.Sprintf("XX/XX/XX: MRI Lumbar Spine. Impression: 1. L%d-%s disc protrusion measuring %d mm with %s foraminal stenosis. 2. Mild facet arthropathy at L4-L5.",
				3+w.r.IntN(2), w.pick([]string{"L5", "S1"}), 2+w.r.IntN(6), w.pick([]string{"mild", "moderate", "severe"})))
		case 1:
			w.para(fmt.Sprintf("XX/XX/XX: Operative Report. Procedure: %s. The patient tolerated the procedure well.", w.serviceText(svcs[0])))
		default:
			w.para("XX/XX/XX: Office Visit. " + w.visit(svcs[0], v > 0))
		}
	}
	for _, t := range texts {
		w.para(fmt.Sprintf("XX/XX/XX: UR. Rationale for Denial: The request for %s is not medically necessary. %s",
			strings.ToLower(t), w.pick([]string{
				"The guidelines require documentation of objective findings that were not provided.",
				"There is limited evidence of failed conservative care.",
				"The medical record provided did not document a satisfactory medical rationale supporting the need to deviate from guideline recommendations.",
			})))
	}
	w.b.WriteString("ANALYSIS AND EXPLANATION OF THE DECISION INCLUDE CLINICAL BASIS, FINDINGS, AND CONCLUSIONS USED\nTO SUPPORT THE DECISION:\n")
	for i, s := range svcs {
		verdict := "is not medically necessary and the denial is upheld"
		if decs[i] == "overturned" {
			verdict = "is medically necessary"
		}
		w.para(fmt.Sprintf("The patient has %s pain. %s %s The request for %s %s.",
			s.region, w.relief(s), w.exam(s), strings.ToLower(texts[i]), verdict))
		w.b.WriteString("Per ODG:\n")
		w.para(w.pick(s.quotes))
	}
	w.b.WriteString("A DESCRIPTION AND THE SOURCE OF THE SCREENING CRITERIA OR OTHER CLINICAL BASIS USED TO MAKE THE\nDECISION:\n\n")
	for _, c := range []string{
		"ACOEM- AMERICAN COLLEGE OF OCCUPATIONAL & ENVIRONMENTAL MEDICINE UM KNOWLEDGEBASE",
		"DWC- DIVISION OF WORKERS COMPENSATION POLICIES OR GUIDELINES",
		"MEDICAL JUDGEMENT, CLINICAL EXPERIENCE, AND EXPERTISE IN ACCORDANCE WITH ACCEPTED MEDICAL STANDARDS",
		"ODG- OFFICIAL DISABILITY GUIDELINES & TREATMENT GUIDELINES",
		"PEER REVIEWED NATIONALLY ACCEPTED MEDICAL LITERATURE (PROVIDE A DESCRIPTION)",
	} {
		w.b.WriteString(" " + c + "\n\n")
	}
	return Letter{Kind: "iro", Text: w.b.String(), Procedures: codes(svcs), Decisions: decs}
}

// imr writes a California IMR final determination.
func (w *writer) imr() Letter {
	n := 1 + w.r.IntN(3)
	svcs := w.chooseServices(n)
	decs := make([]string, n)
	for i := range decs {
		decs[i] = w.decision()
	}
	yr := 14 + w.r.IntN(8)
	fmt.Fprintf(&w.b, "Case Number: CM%02d-%07d Date Assigned: %02d/%02d/20%02d\n", yr, w.r.IntN(10000000), 1+w.r.IntN(12), 1+w.r.IntN(28), yr)
	fmt.Fprintf(&w.b, "Date of Injury: %02d/%02d/20%02d Decision Date: %02d/%02d/20%02d\n", 1+w.r.IntN(12), 1+w.r.IntN(28), yr-1-w.r.IntN(5), 1+w.r.IntN(12), 1+w.r.IntN(28), yr)
	fmt.Fprintf(&w.b, "UR Denial Date: %02d/%02d/20%02d Priority: Standard\n\n", 1+w.r.IntN(12), 1+w.r.IntN(28), yr)
	w.b.WriteString("HOW THE IMR FINAL DETERMINATION WAS MADE\n")
	spec := w.pick([]string{"Anesthesiology", "Physical Medicine & Rehabilitation", "Orthopedic Surgery", "Family Practice"})
	w.para(fmt.Sprintf("MAXIMUS Federal Services sent the complete case file to an expert reviewer. He/she has no affiliation with the employer, employee, providers or the claims administrator. The expert reviewer is Board Certified in %s and is licensed to practice in California. He/she has been in active clinical practice for more than five years and is currently working at least 24 hours a week in active practice. The expert reviewer was selected based on his/her clinical experience, education, background, and expertise in the same or similar specialties that evaluate and/or treat the medical condition and disputed items/services. He/she is familiar with governing laws and regulations, including the strength of evidence hierarchy that applies to Independent Medical Review determinations.", spec))
	w.b.WriteString("CLINICAL CASE SUMMARY\n")
	w.para("The expert reviewer developed the following clinical case summary based on a review of the case file, including all medical records:")
	var s strings.Builder
	fmt.Fprintf(&s, "%d year old %s injured worker with date of injury %d/%d/%02d with related %s pain after %s. ",
		25+w.r.IntN(40), w.pick(sexes), 1+w.r.IntN(12), 1+w.r.IntN(28), yr-1-w.r.IntN(5), svcs[0].region, w.pick(injuries))
	for v := range 8 + w.r.IntN(9) {
		fmt.Fprintf(&s, "Per progress report dated %d/%d/%02d, the injured worker complained of %s pain. %s ",
			1+w.r.IntN(12), 1+w.r.IntN(28), yr, svcs[v%n].region, w.pain())
		if v > 0 {
			s.WriteString(w.relief(svcs[v%n]) + " ")
		}
		s.WriteString("Per physical exam: " + w.exam(svcs[v%n]) + " ")
	}
	fmt.Fprintf(&s, "Treatment to date has included %s, %s and medication management. The date of UR decision was %d/%d/%02d.",
		w.pick(svcs[0].history), w.pick([]string{"physical therapy", "chiropractic care", "acupuncture", "home exercise"}), 1+w.r.IntN(12), 1+w.r.IntN(28), yr)
	w.para(s.String())
	w.b.WriteString("IMR ISSUES, DECISIONS AND RATIONALES\n")
	w.para("The Final Determination was based on decisions for the disputed items/services set forth below:")
	texts := make([]string, n)
	for i, sv := range svcs {
		texts[i] = w.serviceText(sv)
		dec := "Upheld"
		if decs[i] == "overturned" {
			dec = "Overturned"
		}
		fmt.Fprintf(&w.b, "%s: %s\n\n", texts[i], dec)
		w.para("Claims Administrator guideline: Decision based on " + w.pick([]string{"MTUS Chronic Pain Medical Treatment Guidelines.", "Non-MTUS Official Disability Guidelines (ODG).", "MTUS ACOEM Low Back Complaints."}))
		w.para("MAXIMUS guideline: Decision based on " + w.pick([]string{"MTUS Chronic Pain Treatment Guidelines.", "Non-MTUS Official Disability Guidelines (ODG), Low Back.", "Non-MTUS ODG Hip & Pelvis."}))
		verdict := "The request is not medically necessary."
		if decs[i] == "overturned" {
			verdict = "The request is medically necessary."
		}
		w.para(fmt.Sprintf("Decision rationale: Per ODG with regard to this request: \"%s\" %s %s",
			w.pick(sv.quotes), w.pick([]string{
				"The documentation submitted for review did not contain information regarding the duration of relief from the previous procedure.",
				"The documentation submitted for review supports the request.",
				"There is no documentation of failed conservative care.",
				"The records document at least three positive exam findings.",
			}), verdict))
	}
	return Letter{Kind: "imr", Text: w.b.String(), Procedures: codes(svcs), Decisions: decs}
}

func codes(svcs []service) []string {
	out := make([]string, len(svcs))
	for i, s := range svcs {
		out[i] = s.code
	}
	return out
}

// Guideline passages quoted by the letters (paraphrased from the seeds and
// the public guideline summaries letters quote).
const (
	quoteSIBlock          = "Criteria for the use of sacroiliac blocks: 1. The history and physical should suggest the diagnosis (with documentation of at least 3 positive exam findings). 2. Diagnostic evaluation must first address any other possible pain generators. 3. The patient has had and failed at least 4-6 weeks of aggressive conservative therapy including PT, home exercise and medication management. 4. Blocks are performed under fluoroscopy. 5. A positive diagnostic response is recorded as 80% for the duration of the local anesthetic. 6. If steroids are injected during the initial injection, the duration of pain relief should be at least 6 weeks with at least > 70% pain relief recorded for this period."
	quoteSINotRecommended = "Not recommended (neither therapeutic sacroiliac intra-articular nor periarticular injections) for non-inflammatory sacroiliac pathology, based on insufficient evidence. Recommended on a case-by-case basis injections for inflammatory spondyloarthropathy (sacroiliitis). Instead of injections for non-inflammatory sacroiliac pathology, conservative treatment is recommended."
	quoteESI              = "Criteria for the use of Epidural steroid injections: 1) Radiculopathy must be documented by physical examination and corroborated by imaging studies and/or electrodiagnostic testing. 2) Initially unresponsive to conservative treatment (exercises, physical methods, NSAIDs and muscle relaxants). 3) Injections should be performed using fluoroscopy for guidance. 7) In the therapeutic phase, repeat blocks should be based on continued objective documented pain and functional improvement, including at least 50% pain relief with associated reduction of medication use for six to eight weeks."
	quoteFacet            = "Criteria for the use of diagnostic blocks for facet mediated pain: 1. One set of diagnostic medial branch blocks is required with a response of >= 70%. The pain response should last at least 2 hours for Lidocaine. 2. Limited to patients with low-back pain that is non-radicular and at no more than two levels bilaterally. 3. There is documentation of failure of conservative treatment (including home exercise, PT and NSAIDs) prior to the procedure for at least 4-6 weeks."
	quoteRFA              = "Criteria for use of facet joint radiofrequency neurotomy: 1. Treatment requires a diagnosis of facet joint pain using a medial branch block. 2. While repeat neurotomies may be required, they should not occur at an interval of less than 6 months from the first procedure. A neurotomy should not be repeated unless duration of relief from the first procedure is documented for at least 12 weeks at >= 50% relief."
	quoteMRI              = "Repeat MRI is not routinely recommended, and should be reserved for a significant change in symptoms and/or findings suggestive of significant pathology (eg, tumor, infection, fracture, neurocompression, recurrent disc herniation)."
	quotePT               = "Allow for fading of treatment frequency (from up to 3 visits per week to 1 or less), plus active self-directed home Physical Medicine. Myalgia and myositis, unspecified: 9-10 visits over 8 weeks. Neuralgia, neuritis, and radiculitis, unspecified: 8-10 visits over 4 weeks."
	quoteMeds             = "Opioids for chronic pain: ongoing review and documentation of pain relief, functional status, appropriate medication use, and side effects is required. Muscle relaxants are recommended with caution as a second-line option for short-term treatment of acute exacerbations in patients with chronic low back pain."
)
