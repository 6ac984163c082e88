package intake

import (
	"strings"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/rules/fold"
)

// automatic returns why a message must never be answered (RFC 3834, SPEC
// 4.7) by its header, or "" for mail a person wrote. The subject alone
// decides nothing here: see classifier.autoReply.
func automatic(m *parse.Message) string {
	as := strings.ToLower(strings.TrimSpace(m.AutoSubmitted))
	switch {
	case as != "" && as != "no":
		return "Auto-Submitted: " + headerToken(as)
	case isBulk(m.Precedence):
		return "Precedence: " + strings.ToLower(strings.TrimSpace(m.Precedence))
	case m.ListID != "":
		return "mailing-list mail (List-Id)"
	case m.ReturnPathPresent && m.ReturnPath == "":
		return "empty return path"
	case isMailSystem(m.From.Addr):
		return "sent by a mail system"
	case m.AutoReplyHeader != "":
		name, value, _ := strings.Cut(m.AutoReplyHeader, ":")
		return name + ": " + headerToken(value)
	}
	return ""
}

// autoReplyPrefixes are the exact subject prefixes that mail clients write
// on automatic replies, some without any header saying so: Outlook and
// Exchange in English ("Automatic reply:", older "Out of Office:") and
// Vietnamese ("Trả lời tự động:"), "Auto:", Apple's and webmail's "Auto
// reply:", and Outlook's in the other languages the mailbox meets. Lower
// case; the colon is part of the prefix, so that a complaint that begins
// with the same words ("Vắng mặt cán bộ…", "Out of office hours…") is not
// one.
var autoReplyPrefixes = []string{
	"automatic reply:", "out of office:", "trả lời tự động:", "thư trả lời tự động:", "auto:", "auto reply:",
	"auto-reply:", "autoreply:", "réponse automatique :", "réponse automatique:", "automatische antwort:",
	"abwesenheitsnotiz:", "automatyczna odpowiedź:", "自動返信:", "自动回复:",
}

// autoReplySubject reports whether a subject begins with a client's
// automatic-reply prefix.
func autoReplySubject(subject string) bool {
	s := strings.ToLower(strings.TrimSpace(subject))
	for _, p := range autoReplyPrefixes {
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
	local, _, _ := strings.Cut(fold.Address(addr), "@")
	return local == "mailer-daemon" || local == "postmaster"
}
