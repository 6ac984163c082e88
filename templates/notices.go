package templates

import "time"

// Case is a report as a notice to staff shows it (SPEC 8.4): what the
// citizen sent, where routing and the Center put it, its marks, its open
// deadlines and its result. The citizen's identity is left out (Hidden)
// for those who may not see it: the agency and outside addresses, when the
// report is confidential (Art 6.4).
type Case struct {
	Code       string
	State      string // the state's name (SPEC 3)
	StateLabel string // the state as staff read it
	ReceivedAt time.Time

	Citizen Person
	Hidden  bool // the citizen's identity is kept from this recipient

	Subject string
	// Content is the citizen's text, behind Reproduced's mark.
	Content      Reproduced
	Location     string
	IncidentTime string
	Files        []File // what the citizen sent with the report

	Field, FieldName   string
	Unit, UnitName     string
	Agency, AgencyName string
	// CoAgencies are the agencies working with the lead (Agency) on the
	// report (Art 7.1), with their names.
	CoAgencies []Code

	Urgent, Complex, Confidential bool
	// Secret: the result holds state secrets (Art 9.1c); the notice
	// carries neither its text nor its files.
	Secret bool
	// Undeliverable: mail to the citizen bounced; they must be called.
	Undeliverable bool
	CallFailures  int
	// CallAttempts is the failed verification call that rejects the
	// report (Art 7.1, process.call_attempts).
	CallAttempts int
	// Deadlines are the open deadlines, in the order of the process.
	Deadlines []Due
	// Extension is a complex-case extension asked for or granted.
	ExtensionRequested, ExtensionConfirmed bool
	ExtensionDays                          int

	// Result is the agency's result, waiting for approval or approved,
	// with its documents and photos.
	Result      Reproduced
	ResultFiles []File
	ResolvedAt  time.Time
	Rating      string // the citizen's rating: rat-hai-long, hai-long, khong-hai-long or ""
	// RatingReason is what the citizen wrote under the rating (SPEC 7.4).
	RatingReason Reproduced
	// English: the citizen wrote in English, so their mail is in English
	// and what staff write for them (a reason, a result, an answer) reaches
	// them word for word inside it.
	English bool
}

// Due is an open deadline.
type Due struct {
	Kind string    // intake, return, resolve, publish, clarification
	Due  time.Time // zero: open-ended, an extension whose days are not known yet
}

// Notice tells staff what was done on a report and what they must do now:
// the assignment to an agency, a return, a result to review, a result sent
// back or approved, an extension asked, granted or refused, an escalation,
// a report become urgent, a note, and the citizen's replies (SPEC 3).
type Notice struct {
	Case
	// Role is the recipient's role. The escalation address has the role
	// "escalation", an agency's official mailbox "mailbox" (SPEC 6.1):
	// neither sends commands.
	Role string
	// Usable names the commands the recipient can use on the report in
	// its state (lifecycle actions: "resolve", "note"…): the cheat sheet
	// lists these only (SPEC 8.4).
	Usable []string
	// By says who acted: a role and, for staff, the name configured.
	ByRole, ByName string
	// Text is what the action carried: the cause of a return, the reason
	// of a sendback or a refused extension, the grounds of an extension,
	// the note, the citizen's words re-rendered as plain text: someone
	// else's words, behind Reproduced's mark.
	Text Reproduced
	// Days are the working days asked for or granted.
	Days int
	// Late is set for a return after its 4 working hours.
	Late bool
	// ReplyFiles are the files that came with the citizen's reply.
	ReplyFiles []File
	// FollowUp is set for a citizen's note that came as a new mail with
	// the report's tag and no reply address of ours: its sender is not
	// verified (SPEC 4.2). OtherSender says it came from another address
	// than the report's; Sender is that address, for those who may see
	// the citizen.
	FollowUp, OtherSender bool
	Sender                string
	// SenderMasked is set on the agency's notice of a follow-up from
	// another address than the report's, on a report that is not
	// confidential: the contact details its text gives — an unverified
	// third person's — are masked in Text, and only the Center reads them.
	SenderMasked bool
	// HeldFollowUps counts, on a follow-up's notice, the follow-ups to
	// the report since the last one its holders were told of that an
	// hourly cap kept from them: recorded on the report, not forwarded
	// (SPEC 4.2).
	HeldFollowUps int
	// ConfidentialAsked is set on the notices of a citizen's reply,
	// follow-up or rating that asked to keep their identity confidential:
	// the report is confidential from then on. Disclosed says, to the
	// Center, that the identity had already left it (an agency had the
	// report): what was sent cannot be recalled.
	ConfidentialAsked, Disclosed bool
	// ConfidentialRequested is set on the notice of a follow-up whose
	// sender is not verified and that asks to keep an identity
	// confidential (SPEC 4.2): the report was not made confidential; the
	// notice asks the Center to decide, and tells those who may grant it
	// the command that does (/confidential).
	ConfidentialRequested bool
	// SentTo are the agencies that were sent the report before, lead and
	// co-agencies, and SentEscalation says it was escalated: whom a
	// Disclosed notice names as holding the identity. An agency the
	// routing proposed that never had the report is not among them.
	SentTo         []Code
	SentEscalation bool
	// Attached says the files listed are attached to this mail: the
	// report's to an assignment, the result's to a review, the reply's to
	// the citizen's reply and note.
	Attached bool
}

// FollowUpAnswer is the short answer to a follow-up (SPEC 4.2): the mail
// was passed on, or, past the hourly caps, recorded on the report. It
// names nothing of the report: its sender is not verified.
type FollowUpAnswer struct {
	// Reply is set when the follow-up came from the report's own address:
	// this answer then carries the citizen's reply address, and a reply
	// to it reaches the report as theirs.
	Reply bool
	// Held is set when the follow-up was past the hourly caps: recorded
	// on the report, where its holders see it, but not sent on to them.
	Held bool
	// Confidential is set when the follow-up asked to keep an identity
	// confidential and its sender could not be verified: the answer says
	// that the request waits for the Center, and how the citizen makes it
	// take effect at once (a reply to our mail, which carries their
	// token).
	Confidential bool
}

// CitizenNotice tells the citizen where their report stands: forwarded to
// an agency, rejected (with the reason, or after the failed calls), taking
// longer (Art 8.3), the agency's answer to their reply, and the answers to
// a rating. It names agencies, fields and units from our table, and
// carries the text staff wrote, never text someone else can inject.
type CitizenNotice struct {
	Code       string
	ReceivedAt time.Time
	FieldName  string
	UnitName   string
	AgencyName string
	// AgencyEmail is the agency's official mailbox, where the citizen may
	// ask for a result that cannot be mailed (Art 9.1c); "" when the
	// table gives none.
	AgencyEmail string
	// Text is the reason of a rejection or the agency's answer.
	Text string
	// Days are the working days of an extension, 0 when not known yet;
	// ResolveDue is the new deadline, zero when not known yet.
	Days       int
	ResolveDue time.Time
	// Attempts is how many verification calls failed; Calls are when
	// they were logged (/call-failed), the first first: the rejection
	// cites them (Art 7.1).
	Attempts int
	Calls    []time.Time
	// Rating is the citizen's rating (rat-hai-long, hai-long,
	// khong-hai-long).
	Rating string
}

// Result is the result notice of Appendix II (SPEC 8.3), in its order:
// the report, the citizen addressed, the agency's result with its files,
// and how to rate it.
type Result struct {
	Code       string
	ReceivedAt time.Time
	// Name is the citizen's name, "" when unknown; a confidential report
	// shows "Được giữ bí mật" and addresses nobody by name.
	Name         string
	Confidential bool
	Summary      string // the report's content, shortened
	Location     string // where it happened, else the unit's name
	FieldName    string
	ResolveDue   time.Time // the deadline the result answered; zero when open-ended
	AgencyName   string
	// CoAgencyNames name the agencies that worked with it (Art 7.1).
	CoAgencyNames []string
	Result        string
	CompletedAt   time.Time // when the agency submitted the result
	// Files name the documents and photos attached to the mail; Withheld
	// those kept at the Center: photos whose location data the mailer
	// cannot remove, and files beyond what one mail can carry; Unavailable
	// those gone from the data folder, which the mail could not carry.
	Files       []string
	Withheld    []string
	Unavailable []string
}

// Answer is the answer to an operator's commands, at the address
// configured for them (SPEC 7.1): the confirmation of what was applied with
// the report's new state and deadlines, the status, and the help.
type Answer struct {
	Role string
	// Commands name the commands applied, in order, as the operator wrote
	// them ("/tiepnhan", "/accept"); Applied are their lines as written.
	Commands []string
	Applied  []string
	// Case is the report after the commands; its Code is "" for an answer
	// outside a report thread (/help).
	Case Case
	// Help asks for the commands of the role.
	Help bool
	// Usable names the commands the operator can use: on the report in
	// its state, or every command of the role outside a report's thread.
	Usable []string
	// Codes answers a /codes: the routing table's codes; nil when not
	// asked.
	Codes *Directory
	// Ignored are the reply's command lines that repeat what others wrote
	// on the report, or our cheat sheet, as a notice reproduced them: no
	// commands (command.Theirs), and the operator is told.
	Ignored []RefusedLine
	// Unread are the reply's command lines below the part read for
	// commands — under its quoted history, or under a copy of one of our
	// notices (command.UnreadLines): not applied, and the operator is told
	// which, so that a command written there is not believed done.
	Unread []RefusedLine
}

// Directory is the answer to /codes (SPEC 7.1): the fields, administrative
// units and agencies of the routing table with their codes, as the
// commands take them.
type Directory struct {
	// Filter is the text the operator wrote after /codes, "" for the
	// whole table.
	Filter                  string
	Fields, Units, Agencies []Code
}

// Code is one entry of the directory.
type Code struct {
	Code, Name string
	Aliases    []string // a unit's other names, as the table writes them
	Absorbed   []string // an agency's: the agencies a reorganisation merged into it
}

// ReportAnswer answers a /report (SPEC 9.5) whose report could not be
// made; a report that could is answered with the periodic report's own
// mail (PeriodicReport).
type ReportAnswer struct {
	Period, Month string
}

// Refusal answers a reply whose commands were refused, all of them (SPEC
// 7.1): each refused line and why. It says nothing of the report beyond
// its code.
type Refusal struct {
	Code       string
	ReceivedAt time.Time
	Lines      []RefusedLine
	// NoCommand is set when the reply held no command line at all.
	NoCommand bool
}

// RefusedLine is one refused command line.
type RefusedLine struct {
	Line   int
	Raw    string
	Reason string
}

// Unauthenticated tells an operator that a mail in their name was not
// applied because it could not be authenticated (SPEC 7.3). It names no
// report: whoever forged it learns nothing, and the operator learns what to
// check.
type Unauthenticated struct {
	ReceivedAt time.Time
	// Reason is "token" (not sent to the reply address of a notice, or
	// the address expired), "auth" (our mail server did not authenticate
	// the sender's domain) or "thread" (a command that needs a report,
	// outside one).
	Reason string
}

func sampleCase() Case {
	return Case{Code: "PA-2026-000042", State: "forwarded", StateLabel: "đã chuyển cơ quan xử lý", ReceivedAt: sampleTime,
		Citizen: Person{Name: "Nguyễn Văn An", Phone: "0912345678", Email: "an@example.com", Address: "ấp 3, xã Vị Đông"},
		Subject: "Mất điện", Content: "Khu vực ấp 3 bị cúp điện từ sáng.", Location: "ấp 3, xã Vị Đông", IncidentTime: "sáng nay",
		Files: []File{{Name: "anh.jpg", Type: "image/jpeg", Size: 123456, Taken: sampleTime, GPS: "9.780000, 105.470000"}},
		Field: "dien", FieldName: "Điện", Unit: "vi-thuy", UnitName: "huyện Vị Thủy",
		Agency: "dien-luc", AgencyName: "Công ty Điện lực Hậu Giang",
		CoAgencies: []Code{{Code: "ubnd-vi-thuy", Name: "Ủy ban nhân dân huyện Vị Thủy"}, {Code: "so-ct", Name: "Sở Công Thương"}},
		Urgent:     true, Complex: true, Confidential: true, Undeliverable: true, CallFailures: 1, CallAttempts: 4,
		Deadlines:          []Due{{Kind: "return", Due: sampleTime.Add(4 * time.Hour)}, {Kind: "resolve"}},
		ExtensionRequested: true, ExtensionDays: 5,
		Result: "Đã thay dây dẫn, cấp điện lại lúc 15:00.", ResolvedAt: sampleTime.Add(6 * time.Hour),
		ResultFiles: []File{{Name: "bien-ban.pdf", Type: "application/pdf", Size: 45000}}, Rating: "hai-long"}
}

func sampleNotice() *Notice {
	return &Notice{Case: sampleCase(), Role: "handler", Usable: []string{"return", "resolve", "extend", "note", "status", "help", "codes"},
		ByRole: "receiver", ByName: "Tổ tiếp nhận",
		Text: "Không thuộc thẩm quyền.\nCăn cứ: Quyết định 12/2025.\nĐề xuất chuyển UBND huyện.", Days: 5, Late: true,
		ReplyFiles: []File{{Name: "bo-sung.jpg", Type: "image/jpeg", Size: 2048}}, Attached: true}
}

// The commands of the Center's samples: a receiver on a returned report,
// an approver on a result to review and on an extension asked for.
var (
	receiverReturned  = []string{"assign", "escalate", "urgent", "complex", "field", "unit", "confidential", "note", "status", "help", "codes"}
	approverResolved  = []string{"approve", "sendback", "escalate", "field", "unit", "confidential", "note", "status", "help", "report", "codes"}
	approverExtension = []string{"confirm-extension", "deny-extension", "escalate", "urgent", "complex", "field", "unit", "confidential",
		"note", "status", "help", "report", "codes"}
)

// noticeTo is the sample as a reader of role sees it in state, with the
// commands they can use there.
func noticeTo(role, state string, usable ...string) func() *Notice {
	return func() *Notice {
		n := sampleNotice()
		n.Role, n.State, n.Usable = role, state, usable
		n.StateLabel = map[string]string{"forwarded": "đã chuyển cơ quan xử lý", "returned": "bị cơ quan xử lý trả lại", "resolved": "đã có kết quả, chờ Trung tâm duyệt",
			"published": "đã thông báo kết quả", "escalated": "đã chuyển Sở Thông tin và Truyền thông"}[state]
		return n
	}
}

// coordinationNotice is the sample of a report sent to a co-agency (Art
// 7.1), which sees a confidential report without the citizen's identity
// and may add notes.
func coordinationNotice() *Notice {
	n := noticeTo("handler", "forwarded", "note", "status", "help", "codes")()
	n.Hidden, n.Citizen = true, Person{}
	return n
}

// hiddenNotice is the sample as an agency's official mailbox sees a
// confidential report: without the citizen's identity, and without
// commands.
func hiddenNotice() *Notice {
	n := sampleNotice()
	n.Hidden, n.Role, n.Usable = true, "mailbox", nil
	return n
}

// escalationNotice is the sample as the Dept. of Information and
// Communications sees it.
func escalationNotice() *Notice {
	n := hiddenNotice()
	n.Role = "escalation"
	return n
}

// followUpNotice is the sample of a citizen's note that came as a follow-up
// from another address, as the Center sees it.
func followUpNotice() *Notice {
	n := hiddenNotice()
	n.Hidden, n.FollowUp, n.OtherSender, n.Sender, n.HeldFollowUps = false, true, true, "hang.xom@example.com", 3
	n.Role, n.Usable = "approver", []string{"escalate", "urgent", "complex", "field", "unit", "confidential", "note", "status", "help", "report", "codes"}
	return n
}

// ratedNotice is the sample of a dissatisfied rating, to an approver.
func ratedNotice() *Notice {
	n := sampleNotice()
	n.State, n.StateLabel, n.Role, n.Rating = "closed", "đã đóng", "approver", "khong-hai-long"
	n.Text = "Điện đã có lại nhưng vẫn chập chờn mỗi tối."
	n.Deadlines, n.ExtensionRequested = nil, false // the reason is the news (Text), not repeated in the details
	n.Usable = []string{"escalate", "confidential", "note", "status", "help", "report", "codes"}
	return n
}

func sampleCitizenNotice() *CitizenNotice {
	return &CitizenNotice{Code: "PA-2026-000042", ReceivedAt: sampleTime, FieldName: "Điện", UnitName: "huyện Vị Thủy",
		AgencyName: "Công ty Điện lực Hậu Giang", AgencyEmail: "pakn@dienluc.example.gov.vn",
		Text: "Nội dung không thuộc phạm vi phản ánh hiện trường.",
		Days: 5, ResolveDue: sampleTime.Add(10 * 24 * time.Hour), Attempts: 4, Rating: "khong-hai-long",
		Calls: []time.Time{sampleTime.Add(10 * time.Minute), sampleTime.Add(40 * time.Minute), sampleTime.Add(95 * time.Minute),
			sampleTime.Add(5*time.Hour + 30*time.Minute)}}
}

func sampleResult() *Result {
	return &Result{Code: "PA-2026-000042", ReceivedAt: sampleTime, Name: "Nguyễn Văn An",
		Summary: "Khu vực ấp 3 bị cúp điện từ sáng.", Location: "ấp 3, xã Vị Đông", FieldName: "Điện",
		ResolveDue: sampleTime.Add(6 * 24 * time.Hour), AgencyName: "Công ty Điện lực Hậu Giang",
		CoAgencyNames: []string{"Ủy ban nhân dân huyện Vị Thủy", "Sở Công Thương"},
		Result:        "Đã thay dây dẫn bị đứt.\nĐã cấp điện lại lúc 15:00.", CompletedAt: sampleTime.Add(30 * time.Hour),
		Files: []string{"anh-sau-xu-ly.jpg", "bien-ban.pdf"}, Withheld: []string{"hien-truong.heic"}, Unavailable: []string{"bao-cao-nghiem-thu.docx"}}
}

func sampleAnswer() *Answer {
	return &Answer{Role: "receiver", Commands: []string{"/accept", "/urgent"}, Applied: []string{"/tiepnhan", "/khancap"},
		Ignored: []RefusedLine{{Line: 9, Raw: "/reject Nội dung sai sự thật"}},
		Unread:  []RefusedLine{{Line: 71, Raw: "/ghichu Đã liên hệ người phản ánh."}},
		Case:    sampleCase(), Help: true, Usable: []string{"accept", "assign", "reject", "call-failed", "escalate", "urgent", "complex",
			"field", "unit", "confidential", "note", "status", "help", "codes"}, Codes: sampleDirectory()}
}

func sampleDirectory() *Directory {
	return &Directory{
		Fields: []Code{{Code: "dien", Name: "Điện"}, {Code: "giao-thong", Name: "Giao thông, hạ tầng đường bộ"}},
		Units:  []Code{{Code: "vi-thuy", Name: "huyện Vị Thủy", Aliases: []string{"H. Vị Thủy", "Vị Thủy", "Nàng Mau"}}},
		Agencies: []Code{{Code: "dien-luc", Name: "Công ty Điện lực Hậu Giang"},
			{Code: "so-xd", Name: "Sở Xây dựng thành phố Cần Thơ", Absorbed: []string{"Sở Giao thông vận tải"}},
			{Code: "ubnd-vi-thuy", Name: "Ủy ban nhân dân huyện Vị Thủy"}}}
}

func sampleReportAnswer() *ReportAnswer {
	return &ReportAnswer{Period: "monthly", Month: "2026-11"}
}

func sampleRefusal() *Refusal {
	return &Refusal{Code: "PA-2026-000042", ReceivedAt: sampleTime, Lines: []RefusedLine{
		{Line: 1, Raw: "/aprove", Reason: "không có lệnh /aprove; gửi /help để xem các lệnh"},
		{Line: 3, Raw: "/assign", Reason: "lệnh /assign cần mã cơ quan xử lý, ví dụ: /assign so-gtvt"}}}
}

func sampleUnauthenticated() *Unauthenticated {
	return &Unauthenticated{ReceivedAt: sampleTime, Reason: "token"}
}
