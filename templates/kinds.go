package templates

import (
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// kind describes one kind of mail: the languages it is written in (the
// first is the default) and its data.
type kind struct {
	langs  []string
	new    func() any // a pointer to zero data, for decoding
	sample func() any // data that exercises every branch, for Load's check
}

var kinds = map[string]kind{
	"ack":        {[]string{Vietnamese, English}, func() any { return new(Ack) }, func() any { return sampleAck() }},
	"triage":     {[]string{Vietnamese}, func() any { return new(Triage) }, func() any { return sampleTriage() }},
	"quarantine": {[]string{Vietnamese}, func() any { return new(Quarantine) }, func() any { return sampleQuarantine() }},
	"reminder":   {[]string{Vietnamese}, func() any { return new(Reminder) }, func() any { return sampleReminder() }},
	"overdue":    {[]string{Vietnamese}, func() any { return new(Overdue) }, func() any { return sampleOverdue() }},
	"bounce":     {[]string{Vietnamese}, func() any { return new(Bounce) }, func() any { return sampleBounce() }},
	// The test mail of `phananh check --send-test`.
	"check": {[]string{Vietnamese}, func() any { return new(Check) }, func() any { return sampleCheck() }},

	// To the citizen, in their language (SPEC 7.4, 8.3, 8.4).
	"forwarded":             citizenKind(),
	"rejection":             citizenKind(),
	"rejection-unreachable": citizenKind(),
	"extended":              citizenKind(),
	"clarification":         citizenKind(),
	"thanks":                citizenKind(),
	"already-rated":         citizenKind(),
	"follow-up":             {[]string{Vietnamese, English}, func() any { return new(FollowUpAnswer) }, func() any { return &FollowUpAnswer{Reply: true} }},
	"result":                {[]string{Vietnamese, English}, func() any { return new(Result) }, func() any { return sampleResult() }},
	"secret-result":         citizenKind(),

	// To staff, about what was done on a report (SPEC 3).
	"assignment":          noticeKind(sampleNotice),
	"coordination":        noticeKind(coordinationNotice),
	"returned":            noticeKind(noticeTo("receiver", "returned", receiverReturned...)),
	"review":              noticeKind(noticeTo("approver", "resolved", approverResolved...)),
	"sent-back":           noticeKind(sampleNotice),
	"approved":            noticeKind(noticeTo("handler", "published", "clarify", "note", "status", "help", "codes")),
	"extension-request":   noticeKind(noticeTo("approver", "forwarded", approverExtension...)),
	"extension-confirmed": noticeKind(sampleNotice),
	"extension-denied":    noticeKind(sampleNotice),
	"escalation":          noticeKind(escalationNotice),
	"escalated":           noticeKind(noticeTo("handler", "escalated", "help", "codes")),
	"urgent":              noticeKind(sampleNotice),
	"note":                noticeKind(hiddenNotice),
	"citizen-reply":       noticeKind(noticeTo("handler", "published", "clarify", "note", "status", "help", "codes")),
	"citizen-note":        noticeKind(followUpNotice),
	"rated":               noticeKind(ratedNotice),

	// To the operator who sent commands, at their configured address (SPEC 7).
	"confirmation":    answerKind(),
	"status":          answerKind(),
	"help":            answerKind(),
	"codes":           answerKind(),
	"report":          {[]string{Vietnamese}, func() any { return new(ReportAnswer) }, func() any { return sampleReportAnswer() }},
	"refused":         {[]string{Vietnamese}, func() any { return new(Refusal) }, func() any { return sampleRefusal() }},
	"unauthenticated": {[]string{Vietnamese}, func() any { return new(Unauthenticated) }, func() any { return sampleUnauthenticated() }},

	// The periodic reports and the daily digest (SPEC 9), and a periodic
	// report an operator asked for by mail (/report, SPEC 9.5), written
	// with the same templates.
	"periodic-report": {[]string{Vietnamese}, func() any { return new(PeriodicReport) }, func() any { return samplePeriodicReport() }},
	"asked-report":    {[]string{Vietnamese}, func() any { return new(PeriodicReport) }, func() any { return samplePeriodicReport() }},
}

// borrowed names the kinds written with another kind's template files.
var borrowed = map[string]string{"asked-report": "periodic-report"}

// files returns the name a kind's template files start with.
func files(kind string) string {
	if f, ok := borrowed[kind]; ok {
		return f
	}
	return kind
}

// replies are the kinds of mail that answer a message their recipient sent:
// the acknowledgement of a report, the answers to a citizen's follow-up and
// rating, and the answers to an operator's commands.
var replies = map[string]bool{
	"ack": true, "follow-up": true, "thanks": true, "already-rated": true,
	"confirmation": true, "status": true, "help": true, "codes": true, "report": true, "asked-report": true,
	"refused": true, "unauthenticated": true,
}

// AutoSubmitted returns the Auto-Submitted header of a kind of mail (RFC
// 3834 section 5): "auto-replied" for the kinds that answer a message their
// recipient sent (replies), "auto-generated" for the rest — the notices
// that staff's actions, deadlines and schedules cause, the citizen's among
// them, though they continue the thread of the citizen's report.
func AutoSubmitted(kind string) string {
	if replies[kind] {
		return "auto-replied"
	}
	return "auto-generated"
}

func citizenKind() kind {
	return kind{[]string{Vietnamese, English}, func() any { return new(CitizenNotice) }, func() any { return sampleCitizenNotice() }}
}

func noticeKind(sample func() *Notice) kind {
	return kind{[]string{Vietnamese}, func() any { return new(Notice) }, func() any { return sample() }}
}

func answerKind() kind {
	return kind{[]string{Vietnamese}, func() any { return new(Answer) }, func() any { return sampleAnswer() }}
}

// Kinds returns the names of every kind of mail.
func Kinds() []string {
	out := make([]string, 0, len(kinds))
	for k := range kinds {
		out = append(out, k)
	}
	return out
}

// Ack is the citizen's acknowledgement (SPEC 8.4). It names only what we
// understood, from our own tables, and never repeats the citizen's text or
// links: the address must not relay what someone else wrote.
type Ack struct {
	Code         string
	ReceivedAt   time.Time
	Field        string    // the field's name in our table, "" if none was understood
	Unit         string    // the administrative unit's name in our table, "" if none
	Urgent       bool      // handled as urgent
	IntakeDue    time.Time // when the Center will have forwarded or answered it
	Missing      []string  // codes of the form items missing
	Refused      []Refused // attachments not kept
	Confidential bool      // the citizen asked to stay anonymous
	DuplicateOf  string    // the code of the earlier report this one repeats
	Privacy      Privacy   // the processing notice (SPEC 10.5)
}

// Privacy is what the processing notice of an acknowledgement says that
// depends on the configuration (SPEC 10.5, [privacy]): how long personal
// data is kept after the report is closed — RetentionYears or
// RetentionDays, both 0 for ever — and the data protection unit's contact,
// "" to have the citizen reply to the acknowledgement. English mail names
// EnglishContact, else Contact as written in Vietnamese: its phone number
// and address serve a reader of English too.
type Privacy struct {
	Contact        string
	EnglishContact string
	RetentionYears int
	RetentionDays  int
}

// Refused is an attachment that was not kept, named by its position and
// type only, so that no citizen-chosen file name is echoed.
type Refused struct {
	Index  int
	Type   string
	Reason string
}

// Triage is the notice to the Center's receivers for a new report: all of
// it, the routing proposal, and the commands to answer with.
type Triage struct {
	Code       string
	ReceivedAt time.Time
	IntakeDue  time.Time
	Citizen    Person
	Subject    string
	// Content is the citizen's text, behind Reproduced's mark.
	Content      Reproduced
	Location     string
	IncidentTime string
	Declared     string // the field the citizen declared, as written
	Proposal     Proposal
	Urgent       bool
	Confidential bool
	Missing      []string
	Attachments  []File
	DuplicateOf  string
	English      bool // the citizen wrote English: mail to them is in English
	// UnreadableFrom is the From header as written when it is not exactly
	// one address that parses (SPEC 7.3): the sender is unknown, is no
	// operator and got no acknowledgement. "" when the From was read.
	UnreadableFrom string
	// Usable names the commands a receiver can use on the new report.
	Usable []string
}

// Person is the citizen as the receivers see them.
type Person struct {
	Name, Phone, Email, Address, Workplace string
}

// Proposal is routing's proposal with names from the table.
type Proposal struct {
	Field, FieldName   string
	Unit, UnitName     string
	Agency, AgencyName string
	Rule               string
	// Grounds say, in Vietnamese, what decided it: keywords and score,
	// the unit's alias, ties (the "Căn cứ" line).
	Grounds     string
	AutoForward bool
	// Runners are the other rules that scored, best first: what the
	// receiver may choose instead, with the codes to answer with.
	Runners []Runner
}

// Runner is a rule that scored but did not win, and where it would send
// the report.
type Runner struct {
	Rule               string
	Field, FieldName   string
	Unit, UnitName     string // "" for a rule of the whole province
	Agency, AgencyName string
	Score              int
}

// File is an attachment as listed to staff.
type File struct {
	Name    string
	Type    string
	Size    int64
	Refused string
	Taken   time.Time
	GPS     string // "lat, lon" when the photo has a position
	// Mail says what the notice did with the file: "inline" (shown in
	// the mail), "attached", "kept" (at the Center only: a mail carries
	// 15 MB of files at most), "withheld" (at the Center only: a
	// confidential report's document, whose properties may name its
	// author, listed to an agency), "stranger" (at the Center only: such
	// a document of a follow-up from another address than the report's,
	// listed to an agency), FileUnsafe (at the Center only: it
	// cannot be read as its type), FileUncleaned (attached as received,
	// its metadata not removed: mail to the Center's staff only),
	// FileMissing (gone from the data folder: named as unavailable); ""
	// when it only lists it.
	Mail string
	// CID is the Content-ID of a file shown in the mail's HTML.
	CID string
}

// Quarantine tells the Center that a message could not be processed and
// where it was put (SPEC 10.3). The template words the cause in
// Vietnamese; the parser's English reason stays in the record and the log.
type Quarantine struct {
	ReceivedAt time.Time
	Cause      string // one of the Cause… constants
	Limit      int64  // the limit passed: bytes, header fields, parts or levels
	Folder     string
	Size       int64
	// From, Subject, Sent and MessageID are what the message's header
	// says of it, as written — the From decoded for display, Sent the
	// sender's Date — so that the receivers find it in the folder and can
	// call its sender; "" (zero) when the header does not say.
	From, Subject string
	Sent          time.Time
	MessageID     string
}

// Why a message was quarantined: a limit it passed (SPEC 4.3, 10.3), or
// it could not be read at all.
const (
	CauseMessageSize  = "message-size"
	CauseHeaderSize   = "header-size"
	CauseHeaderFields = "header-fields"
	CauseLineLength   = "line-length"
	CauseParts        = "mime-parts"
	CauseDepth        = "mime-depth"
	CauseUnreadable   = "unreadable"
)

var sampleTime = time.Date(2026, 11, 23, 8, 30, 0, 0, calendar.Vietnam)

func sampleAck() *Ack {
	return &Ack{Code: "PA-2026-000042", ReceivedAt: sampleTime, Field: "Điện", Unit: "huyện Vị Thủy", Urgent: true,
		IntakeDue: sampleTime.Add(2 * time.Hour), Missing: []string{"name", "phone"},
		Refused: []Refused{{1, "application/x-msdownload", "type"}}, Confidential: true, DuplicateOf: "PA-2026-000041",
		Privacy: Privacy{Contact: "Phòng Hành chính - Tổng hợp, ĐT 0293 3123 456, dulieucanhan@haugiang.gov.vn",
			EnglishContact: "Administration Office, tel. +84 293 3123 456, dulieucanhan@haugiang.gov.vn", RetentionYears: 5}}
}

func sampleTriage() *Triage {
	return &Triage{Code: "PA-2026-000042", ReceivedAt: sampleTime, IntakeDue: sampleTime.Add(2 * time.Hour),
		Citizen: Person{Name: "Nguyễn Văn An", Phone: "0912345678", Email: "an@example.com", Address: "Vị Thủy", Workplace: "x"},
		Subject: "Mất điện", Content: "Khu vực ấp 3 bị cúp điện.", Location: "ấp 3", IncidentTime: "sáng nay", Declared: "Điện",
		Proposal: Proposal{Field: "dien", FieldName: "Điện", Unit: "vi-thuy", UnitName: "huyện Vị Thủy", Agency: "dien-luc",
			AgencyName: "Công ty Điện lực Hậu Giang", Rule: "dien/*", AutoForward: true,
			Grounds: "từ khóa «mất điện» (2 từ), «cúp điện» (2 từ): quy tắc lĩnh vực Điện (mọi địa bàn) có điểm cao nhất, 4; địa bàn huyện Vị Thủy theo tên «Vị Thủy»",
			Runners: []Runner{{Rule: "giao-thong/*", Field: "giao-thong", FieldName: "Giao thông", Agency: "so-gtvt",
				AgencyName: "Sở Giao thông vận tải", Score: 2}, {Rule: "trat-tu-do-thi/each-unit", Field: "trat-tu-do-thi",
				FieldName: "Trật tự đô thị", Unit: "vi-thuy", UnitName: "huyện Vị Thủy", Agency: "ubnd-vi-thuy",
				AgencyName: "Ủy ban nhân dân huyện Vị Thủy", Score: 1}}},
		Urgent: true, Confidential: true, Missing: []string{"address"}, DuplicateOf: "PA-2026-000041", English: true,
		UnreadableFrom: `"tiepnhan@haugiang.gov.vn" <nguoi.gui@example.com`,
		Usable: []string{"accept", "assign", "reject", "call-failed", "escalate", "urgent", "complex", "field", "unit", "confidential",
			"note", "status", "help", "codes"},
		Attachments: []File{{Name: "anh.jpg", Type: "image/jpeg", Size: 123456, Taken: sampleTime, GPS: "9.78, 105.47",
			Mail: "inline", CID: "anh-1.PA-2026-000042@haugiang.gov.vn"},
			{Name: "bien-ban.pdf", Type: "application/pdf", Size: 45000, Mail: "attached"},
			{Name: "video.mp4", Type: "video/mp4", Size: 48000000, Mail: "kept"},
			{Name: "anh-loi.jpg", Type: "image/jpeg", Size: 2048, Mail: FileUnsafe},
			{Name: "camera-hanh-trinh.mov", Type: "video/quicktime", Size: 3000000, Mail: FileUncleaned},
			{Name: "anh-3.jpg", Type: "image/jpeg", Size: 204800, Mail: FileMissing},
			{Name: "x.exe", Type: "application/x-msdownload", Size: 10, Refused: "type"}}}
}

func sampleQuarantine() *Quarantine {
	return &Quarantine{ReceivedAt: sampleTime, Cause: CauseMessageSize, Limit: 200 << 20, Folder: "Quarantine", Size: 230 << 20,
		From: "Lê Thị Hoa <hoa.le@icloud.com>", Subject: "Video ngập nước đường Trần Hưng Đạo", Sent: sampleTime.Add(-10 * time.Minute),
		MessageID: "9C5B2D4E-1F3A-4B7C-8E6D-2A1F0B3C4D5E@icloud.com"}
}
