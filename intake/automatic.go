package intake

import (
	"strings"

	"haugiang.gov.vn/phananh/intake/parse"
)

// automatic returns why a message must never be answered (RFC 3834, SPEC
// 4.7), or "" for mail a person wrote.
func automatic(m *parse.Message) string {
	as := strings.ToLower(strings.TrimSpace(m.AutoSubmitted))
	switch {
	case as != "" && as != "no":
		return "Auto-Submitted: " + as
	case isBulk(m.Precedence):
		return "Precedence: " + strings.ToLower(strings.TrimSpace(m.Precedence))
	case m.ListID != "":
		return "mailing-list mail (List-Id)"
	case m.ReturnPathPresent && m.ReturnPath == "":
		return "empty return path"
	case isMailSystem(m.From.Addr):
		return "sent by a mail system"
	case m.AutoReplyHeader != "":
		return m.AutoReplyHeader
	case autoReplySubject(m.Subject):
		return "automatic-reply subject"
	}
	return ""
}

// autoReplySubjects begin the subjects of automatic replies that carry no
// header saying so (Outlook's out-of-office replies, in the languages the
// mailbox meets). Lower case; a citizen's report never begins so.
var autoReplySubjects = []string{
	"auto reply", "autoreply", "auto-reply", "auto response", "automatic reply", "out of office", "out of the office",
	"trả lời tự động", "tra loi tu dong", "thư trả lời tự động", "vắng mặt", "automatyczna odpowied",
	"réponse automatique", "abwesenheitsnotiz", "automatische antwort", "自動返信", "自动回复",
}

func autoReplySubject(subject string) bool {
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, p := range autoReplySubjects {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return false
}

func isBulk(precedence string) bool {
	switch strings.ToLower(strings.TrimSpace(precedence)) {
	case "bulk", "list", "junk":
		return true
	}
	return false
}

// isMailSystem reports whether an address is a mail system's own
// (MAILER-DAEMON, postmaster), which only ever sends robots' mail.
func isMailSystem(addr string) bool {
	local, _, _ := strings.Cut(strings.ToLower(addr), "@")
	return local == "mailer-daemon" || local == "postmaster"
}
