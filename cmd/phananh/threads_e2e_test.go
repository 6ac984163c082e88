package main

import (
	"bytes"
	"encoding/base64"
	"mime"
	"slices"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// TestE2EStaffThreads walks a report through its life — triage, notes,
// acceptance, a reminder, the result, its approval — and reads each staff
// member's mail about it as Gmail and Outlook group it: every mail to one
// person about the report is one conversation. Gmail groups mail that
// shares References and a subject (after Re:, Fwd:); Outlook groups by
// the Thread-Index's first 22 bytes and the Thread-Topic. The first notice
// starts the thread; every later notice answers it (In-Reply-To) and
// names it first in References; an answer to a command mail answers that
// mail. Every notice keeps its own reply address: the handler's result
// answers the reminder.
func TestE2EStaffThreads(t *testing.T) {
	e := newEnv(t, envOptions{extra: lifecycleExtra})
	e.startDaemon()
	at := receivedAt
	next := func() time.Time { at = at.Add(20 * time.Minute); return at }

	code := e.reported(71, 1, at)
	triage := e.mailAbout("triage", e2eReceiver, code)
	e.replyTo(triage, e2eReceiver, next(), "/ghichu Đã gọi điện xác minh với người dân.\n", "")
	e.waitAnswer(e2eReceiver, 1)
	e.replyTo(triage, e2eReceiver, next(), "/tiepnhan\n", "")
	e.waitAnswer(e2eReceiver, 2)
	assignment := e.mailAbout("assignment", e2eHandler, code)
	e.replyTo(assignment, e2eHandler, next(), "/ghichu Đang cử người kiểm tra.\n", "")
	e.waitAnswer(e2eHandler, 1)
	e.waitMail("note", e2eReceiver, 1)
	e.runWatch(time.Date(2026, 11, 26, 14, 0, 0, 0, calendar.Vietnam)) // resolve due Thursday 26/11 at 17:00
	reminder := e.mailAbout("reminder", e2eHandler, code)
	e.replyTo(reminder, e2eHandler, at.Add(80*time.Hour), "/ketqua Đã kéo lại dây, cấp điện trở lại.\n", "")
	e.waitAnswer(e2eHandler, 2)
	review := e.mailAbout("review", e2eApprover, code)
	e.replyTo(review, e2eApprover, at.Add(81*time.Hour), "/duyet\n", "")
	e.waitAnswer(e2eApprover, 1)
	e.waitMail("approved", e2eHandler, 1)

	// triage, 2 confirmations, the handler's note; assignment,
	// confirmation, reminder, confirmation, approval; review, confirmation.
	for to, n := range map[string]int{e2eReceiver: 4, e2eHandler: 5, e2eApprover: 2} {
		mails := e.mailsTo(to)
		if len(mails) < n {
			t.Errorf("%s got %d mails, want a conversation of at least %d", to, len(mails), n)
			continue
		}
		checkStaffThread(t, to, code, mails)
	}
}

// mailsTo returns every mail to an address the sink accepted, in order.
func (e *env) mailsTo(to string) []sentMail {
	var out []sentMail
	for _, r := range e.sink.Messages() {
		if slices.ContainsFunc(r.To, func(a string) bool { return strings.EqualFold(a, to) }) {
			out = append(out, sentMail{e.t, r.Data})
		}
	}
	return out
}

// said is how each kind of staff mail says what happened, in its first
// line: the subject, the same for every mail of the conversation, does not.
var said = map[string]string{"triage": "PHẢN ÁNH MỚI CẦN TIẾP NHẬN", "assignment": "PHẢN ÁNH CHUYỂN ĐẾN CƠ QUAN XỬ LÝ",
	"confirmation": "ĐÃ THỰC HIỆN LỆNH: /", "note": "GHI CHÚ VỀ PHẢN ÁNH", "reminder": "NHẮC HẠN",
	"review": "KẾT QUẢ XỬ LÝ CHỜ DUYỆT", "approved": "KẾT QUẢ XỬ LÝ ĐÃ ĐƯỢC DUYỆT"}

// checkStaffThread checks that one person's mails about a report form one
// conversation for Gmail and Outlook, the first one starting it.
func checkStaffThread(t *testing.T, to, code string, mails []sentMail) {
	t.Helper()
	dec := new(mime.WordDecoder)
	first := mails[0]
	root := first.header("Message-ID")
	subject, _ := dec.DecodeHeader(first.header("Subject"))
	index := threadIndex(t, first)
	if !strings.HasPrefix(subject, "["+code+"] ") {
		t.Errorf("%s: the first mail's subject %q lacks the report's tag", to, subject)
	}
	if irt := first.header("In-Reply-To"); irt != "" && !strings.Contains(first.header("Message-ID"), ".confirmation.") {
		t.Errorf("%s: the first notice answers %s: it should start the thread", to, irt)
	}
	if len(index) != 22 || index[0] != 1 {
		t.Errorf("%s: the first notice's Thread-Index is %d bytes, want a 22-byte header block", to, len(index))
	}
	for i, m := range mails {
		id := m.header("Message-ID")
		kind := strings.Split(id, ".")[1]
		s, _ := dec.DecodeHeader(m.header("Subject"))
		if s != subject {
			t.Errorf("%s: mail %d (%s) has subject %q, the thread's is %q: Gmail starts a new conversation", to, i, kind, s, subject)
		}
		if topic, _ := dec.DecodeHeader(m.header("Thread-Topic")); topic != subject {
			t.Errorf("%s: mail %d (%s) has Thread-Topic %q, want %q", to, i, kind, topic, subject)
		}
		if want, line := said[kind], m.firstLine(); !strings.HasPrefix(line, want) {
			t.Errorf("%s: mail %d (%s) opens with %q, not what happened (%q)", to, i, kind, line, want)
		}
		if !strings.HasPrefix(m.header("Reply-To"), "<phananh+") {
			t.Errorf("%s: mail %d (%s) has no reply address of its own: %q", to, i, kind, m.header("Reply-To"))
		}
		if i == 0 {
			continue
		}
		ix := threadIndex(t, m)
		if len(ix) < 27 || (len(ix)-22)%5 != 0 || !bytes.Equal(ix[:22], index[:22]) {
			t.Errorf("%s: mail %d (%s) has Thread-Index %x, not a reply in the conversation %x", to, i, kind, ix, index)
		}
		refs := strings.Fields(m.header("References"))
		if len(refs) == 0 || refs[0] != root {
			t.Errorf("%s: mail %d (%s) has References %v, which do not start with the thread's first notice %s", to, i, kind, refs, root)
		}
		if len(refs) > 20 {
			t.Errorf("%s: mail %d (%s) has %d References, more than 20", to, i, kind, len(refs))
		}
		irt := m.header("In-Reply-To")
		if kind == "confirmation" {
			if !strings.HasPrefix(irt, "<reply-") || refs[len(refs)-1] != irt {
				t.Errorf("%s: the confirmation answers %q (References %v), not the command mail", to, irt, refs)
			}
		} else if irt != root {
			t.Errorf("%s: mail %d (%s) answers %q, not the thread's first notice %s", to, i, kind, irt, root)
		}
	}
}

// firstLine is the first line of a mail's text: what happened, in a
// staff member's conversation about a report.
func (s sentMail) firstLine() string {
	line, _, _ := strings.Cut(strings.ReplaceAll(s.text(), "\r\n", "\n"), "\n")
	return line
}

// threadIndex is a mail's Thread-Index, decoded.
func threadIndex(t *testing.T, m sentMail) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(m.header("Thread-Index"))
	if err != nil {
		t.Errorf("Thread-Index %q: %v", m.header("Thread-Index"), err)
	}
	return b
}
