package thread

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestReferencesBounded: a long conversation keeps its first message and
// its latest ones in References.
func TestReferencesBounded(t *testing.T) {
	var refs []string
	for i := range 40 {
		refs = append(refs, strings.Repeat("x", i+1)+"@example.net")
	}
	got := Chain("root@x", refs, "last@x")
	if len(got) != MaxReferences || got[0] != "root@x" || got[len(got)-1] != "last@x" || got[len(got)-2] != refs[39] {
		t.Errorf("chain of %d: %d kept, %q … %q", len(refs)+2, len(got), got[0], got[len(got)-1])
	}
}

var began = time.Date(2026, 11, 23, 1, 15, 0, 0, time.UTC)

// enqueued is how the outbox keeps a mail with its thread.
func enqueued(id, to, role string, at time.Time, th Thread) store.Mail {
	m := store.Mail{MessageID: id, To: to, Role: role, State: store.MailQueued, CreatedAt: at}
	th.Set(&m)
	return m
}

// TestNoticeConversation: one reader's notices about a report are one
// conversation — the first starts it, each later one answers it and
// lists the latest ones — apart from the mail of other readers, the
// citizen's, and mail never sent; addresses compare in ASCII case.
func TestNoticeConversation(t *testing.T) {
	const to = "tiepnhan@example.gov.vn"
	first := Notice(nil, to, began)
	if first.InReplyTo != "" || len(first.References) != 0 {
		t.Fatalf("the first notice answers %q %v", first.InReplyTo, first.References)
	}
	mails := []store.Mail{
		enqueued("citizen@x", "an@example.com", "citizen", began, Thread{}),
		enqueued("other@x", "xuly@example.gov.vn", "handler", began, Notice(nil, "xuly@example.gov.vn", began)),
		enqueued("root@x", to, "receiver", began, first),
	}
	suppressed := enqueued("capped@x", to, "receiver", began, Notice(mails, to, began))
	suppressed.State = store.MailSuppressed
	mails = append(mails, suppressed)
	for i := range 30 {
		at := began.Add(time.Duration(i+1) * time.Hour)
		th := Notice(mails, "TiepNhan@Example.gov.vn", at)
		if th.InReplyTo != "root@x" || th.References[0] != "root@x" || len(th.References) > MaxReferences {
			t.Fatalf("notice %d: In-Reply-To %q, References %v", i, th.InReplyTo, th.References)
		}
		if i > 0 && th.References[len(th.References)-1] != mails[len(mails)-1].MessageID {
			t.Errorf("notice %d: References %v do not end with the latest notice", i, th.References)
		}
		for _, r := range th.References {
			if r == "capped@x" || r == "other@x" || r == "citizen@x" {
				t.Errorf("notice %d: References name %s, no part of the conversation", i, r)
			}
		}
		mails = append(mails, enqueued(strings.Repeat("n", i+1)+"@x", to, "receiver", at, th))
	}
}

// TestAnswerConversation: an answer to a command mail answers that mail,
// in the conversation its sender has about the report, or starts one.
func TestAnswerConversation(t *testing.T) {
	const to = "xuly@example.gov.vn"
	root := enqueued("assignment@x", to, "handler", began, Notice(nil, to, began))
	th := Answer([]store.Mail{root}, to, "reply-1@example.net", []string{"reminder@x"}, began.Add(time.Hour))
	want := []string{"assignment@x", "reminder@x", "reply-1@example.net"}
	if th.InReplyTo != "reply-1@example.net" || strings.Join(th.References, " ") != strings.Join(want, " ") {
		t.Errorf("answer: In-Reply-To %q, References %v, want %v", th.InReplyTo, th.References, want)
	}
	if ix := decode(t, th.Index); len(ix) != 27 || !bytes.Equal(ix[:22], decode(t, root.ThreadIndex)) {
		t.Errorf("answer's Thread-Index %x is not a response to %x", ix, decode(t, root.ThreadIndex))
	}
	alone := Answer(nil, to, "reply-2@example.net", nil, began)
	if alone.InReplyTo != "reply-2@example.net" || len(decode(t, alone.Index)) != 22 {
		t.Errorf("answer outside any conversation: %+v", alone)
	}
}

// TestThreadIndex: the header block (MS-OXOMSG 2.2.1.3) holds 0x01 and
// the conversation's start as the 40 high bits of a FILETIME; a response
// holds that block and the time since, in units of 2^18 × 100 ns. A
// conversation that began before our mail had a Thread-Index gets the
// same block for each of its later mails.
func TestThreadIndex(t *testing.T) {
	h := decode(t, start(began))
	if len(h) != 22 || h[0] != 1 {
		t.Fatalf("header block % x", h)
	}
	// 2026-11-23T01:15:00Z is 134398701000000000 in FILETIME.
	const ft = uint64(134398701000000000)
	if got := binary.BigEndian.Uint64(append(append([]byte{}, h[1:6]...), 0, 0, 0)); got != ft>>24<<24 {
		t.Errorf("header time %d, want %d", got, ft>>24<<24)
	}
	r := decode(t, respond(h, began.Add(time.Hour)))
	level := binary.BigEndian.Uint32(r[22:26])
	delta := uint64(time.Hour/100) + ft - ft>>24<<24
	if len(r) != 27 || level>>31 != 0 || uint64(level) != delta>>18 {
		t.Errorf("response level %d (%x), want %d", level, r[22:], delta>>18)
	}
	old := store.Mail{MessageID: "old@x", CreatedAt: began}
	if a, b := respond(indexOf(old), began.Add(time.Hour)), respond(indexOf(old), began.Add(time.Hour)); a != b {
		t.Errorf("a conversation without a Thread-Index gets %s, then %s", a, b)
	}
}

func decode(t *testing.T, s string) []byte {
	t.Helper()
	b, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
