package templates

import (
	"encoding/json"
	"path/filepath"
	"testing"
)

// TestGoldenVariants renders the notices whose text depends on who reads
// them beyond the sample of their kind, and compares them with
// testdata/KIND.VARIANT.vi.golden: the assignment and the reminder as an
// agency's official mailbox gets them (SPEC 6.1: no commands), the triage
// notice of a report whose proposal is the Center, the citizen's note on a
// report the Center rejected; and the answers to a follow-up held by the
// hourly caps and to one that asks for confidentiality, in both languages.
func TestGoldenVariants(t *testing.T) {
	s, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	mailboxReminder := sampleReminder()
	mailboxReminder.Mailbox = true
	centerTriage := sampleTriage()
	centerTriage.Proposal = Proposal{Field: "khac", FieldName: "Khác", Agency: "ttgsdh",
		AgencyName: "Trung tâm Giám sát, điều hành đô thị thông minh tỉnh Hậu Giang",
		Grounds:    "không tìm thấy từ khóa của quy tắc nào: lĩnh vực khac, Trung tâm quyết định; không tìm thấy tên địa bàn nào"}
	centerTriage.Usable = []string{"assign", "reject", "call-failed", "urgent", "complex", "field", "unit", "confidential", "note",
		"status", "help", "codes"}
	rejectedNote := followUpNotice()
	rejectedNote.FollowUp, rejectedNote.OtherSender, rejectedNote.Sender = false, false, ""
	rejectedNote.Role, rejectedNote.State, rejectedNote.StateLabel = "receiver", "rejected", "đã từ chối"
	rejectedNote.Deadlines, rejectedNote.Usable = nil, []string{"confidential", "note", "status", "help", "codes"}
	// The citizen asked for confidentiality in a later mail: the Center is
	// told that what the agency received cannot be recalled; the agency
	// reads the reply masked.
	askedCenter := followUpNotice()
	askedCenter.FollowUp, askedCenter.OtherSender, askedCenter.Sender = false, false, ""
	askedCenter.Role, askedCenter.ConfidentialAsked, askedCenter.Disclosed = "receiver", true, true
	askedCenter.SentTo = append([]Code{{Code: askedCenter.Agency, Name: askedCenter.AgencyName}}, askedCenter.CoAgencies...)
	askedCenter.Usable = []string{"escalate", "field", "unit", "confidential", "note", "status", "help", "codes"}
	askedAgency := noticeTo("handler", "published", "clarify", "note", "status", "help", "codes")()
	askedAgency.Hidden, askedAgency.Citizen, askedAgency.ConfidentialAsked = true, Person{}, true
	askedAgency.Text = "Xin giữ bí mật danh tính của tôi."
	// A follow-up from the citizen's address, not verified, asks for
	// confidentiality: the Center decides, and its receivers read the
	// command that grants it; the agency holding the report reads that
	// the Center decides.
	requestedCenter := followUpNotice()
	requestedCenter.OtherSender, requestedCenter.Sender, requestedCenter.HeldFollowUps = false, "", 0
	requestedCenter.Role, requestedCenter.ConfidentialRequested, requestedCenter.Confidential = "receiver", true, false
	requestedCenter.Text = "Tôi xin giấu tên, đề nghị không công khai kết quả."
	requestedCenter.Usable = []string{"escalate", "field", "unit", "confidential", "note", "status", "help", "codes"}
	requestedAgency := noticeTo("handler", "forwarded", "return", "resolve", "extend", "note", "status", "help", "codes")()
	requestedAgency.FollowUp, requestedAgency.ConfidentialRequested, requestedAgency.Confidential = true, true, false
	requestedAgency.Text = requestedCenter.Text
	// A reply from the citizen's address without their reply token asks
	// for it: the agency, which must clarify its result, and the
	// receivers read that it waits for the Center.
	requestedReply := noticeTo("handler", "published", "clarify", "note", "status", "help", "codes")()
	requestedReply.ConfidentialRequested, requestedReply.Confidential = true, false
	requestedReply.Text = "Xin giữ bí mật danh tính của tôi."
	requestedReplyCenter := noticeTo("receiver", "published", "escalate", "field", "unit", "confidential", "note", "status", "help", "codes")()
	requestedReplyCenter.ConfidentialRequested, requestedReplyCenter.Confidential = true, false
	requestedReplyCenter.Text = requestedReply.Text
	for name, c := range map[string]struct {
		kind string
		data any
	}{
		"assignment.mailbox":                         {"assignment", hiddenNotice()},
		"reminder.mailbox":                           {"reminder", mailboxReminder},
		"triage.center":                              {"triage", centerTriage},
		"citizen-note.rejected":                      {"citizen-note", rejectedNote},
		"citizen-note.confidential-asked":            {"citizen-note", askedCenter},
		"citizen-reply.confidential-asked":           {"citizen-reply", askedAgency},
		"citizen-note.confidential-requested":        {"citizen-note", requestedCenter},
		"citizen-note.confidential-requested-agency": {"citizen-note", requestedAgency},
		"citizen-note.confidential-requested-reply":  {"citizen-note", requestedReplyCenter},
		"citizen-reply.confidential-requested":       {"citizen-reply", requestedReply},
	} {
		data, _ := json.Marshal(c.data)
		r, err := s.Render(c.kind, Vietnamese, data)
		if err != nil {
			t.Fatal(err)
		}
		compareGolden(t, filepath.Join("testdata", name+".vi.golden"), "Subject: "+r.Subject+"\n\n"+r.Text)
	}
	// A follow-up past the hourly caps: recorded on the report, not
	// passed on.
	for _, lang := range []string{Vietnamese, English} {
		data, _ := json.Marshal(FollowUpAnswer{Reply: true, Held: true})
		r, err := s.Render("follow-up", lang, data)
		if err != nil {
			t.Fatal(err)
		}
		compareGolden(t, filepath.Join("testdata", "follow-up.held."+lang+".golden"), "Subject: "+r.Subject+"\n\n"+r.Text)
	}
	// A follow-up that asks for confidentiality, whose sender is not
	// verified: from the report's address (the answer carries the
	// citizen's reply address) and, in English, from another.
	for name, a := range map[string]FollowUpAnswer{
		"follow-up.confidential.vi":       {Reply: true, Confidential: true},
		"follow-up.confidential.en":       {Reply: true, Confidential: true},
		"follow-up.confidential-other.en": {Confidential: true},
	} {
		data, _ := json.Marshal(a)
		r, err := s.Render("follow-up", filepath.Ext(name)[1:], data)
		if err != nil {
			t.Fatal(err)
		}
		compareGolden(t, filepath.Join("testdata", name+".golden"), "Subject: "+r.Subject+"\n\n"+r.Text)
	}
}
