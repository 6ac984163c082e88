// Package thread places our mail about a report in its reader's
// conversation, so that every mail program shows one conversation per
// report and reader (SPEC 8.1).
//
// Mail programs group mail in three ways, and a staff member's mail about
// a report satisfies all three:
//
//   - by References and In-Reply-To (RFC 5322 §3.6.4; Thunderbird, Apple
//     Mail, mutt): the first mail a staff member gets about a report
//     starts the thread; every later notice answers it (In-Reply-To) and
//     lists it first in References, followed by the latest mails of the
//     conversation, at most MaxReferences in all. An answer to a command
//     mail answers that mail, in the same conversation.
//   - by References and the subject (Gmail): Gmail starts a new
//     conversation when the subject changes other than by a Re: or Fwd:,
//     so every staff mail about a report has the same subject, "[PA-…]"
//     and a fixed title, and says what happened in its first line.
//   - by Thread-Index and Thread-Topic (Outlook, Exchange): the first
//     mail's Thread-Index is a 22-byte header block (MS-OXOMSG 2.2.1.3);
//     every later mail's is that block and a 5-byte response level, and
//     all carry the subject as Thread-Topic.
//
// The citizen's conversation starts with the citizen's own message and
// is kept in intake; Chain is the References both build.
package thread

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"slices"
	"time"

	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/store"
)

// MaxReferences bounds the References of our mail: the conversation's
// first message and the latest of a long conversation.
const MaxReferences = 20

// A Thread is where a new mail goes in its reader's conversation.
type Thread struct {
	InReplyTo  string
	References []string
	Index      string // the Thread-Index, base64
}

// Set writes the thread into a mail about to be enqueued.
func (th Thread) Set(m *store.Mail) {
	m.InReplyTo, m.References, m.ThreadIndex = th.InReplyTo, th.References, th.Index
}

// Notice returns the thread of a new notice to the staff address to about
// a report whose mail so far (oldest first) is prior, written at at: the
// start of a conversation when to had no mail about the report, else an
// answer to its first mail.
func Notice(prior []store.Mail, to string, at time.Time) Thread {
	conv := conversation(prior, to)
	if len(conv) == 0 {
		return Thread{Index: start(at)}
	}
	root := conv[0]
	return Thread{InReplyTo: root.MessageID, References: Chain(root.MessageID, latest(conv), ""), Index: respond(indexOf(root), at)}
}

// Answer returns the thread of our answer to a staff member's message id,
// whose References are refs: that message answered, in the conversation
// the staff member has about the report.
func Answer(prior []store.Mail, to, id string, refs []string, at time.Time) Thread {
	conv := conversation(prior, to)
	if len(conv) == 0 {
		return Thread{InReplyTo: id, References: Chain("", refs, id), Index: start(at)}
	}
	root := conv[0]
	return Thread{InReplyTo: id, References: Chain(root.MessageID, refs, id), Index: respond(indexOf(root), at)}
}

// conversation is the mail to a staff address about the report that it
// was sent or will be: the citizen's mail, and mail never sent, are no
// part of it.
func conversation(prior []store.Mail, to string) []store.Mail {
	var out []store.Mail
	for _, m := range prior {
		if m.Role != "citizen" && m.State != store.MailSuppressed && m.State != store.MailFailed && sameAddress(m.To, to) {
			out = append(out, m)
		}
	}
	return out
}

// latest returns the conversation's References after the first: those
// of its latest mail, then that mail.
func latest(conv []store.Mail) []string {
	last := conv[len(conv)-1]
	refs := slices.Clone(last.References)
	if last.InReplyTo != "" && !slices.Contains(refs, last.InReplyTo) {
		refs = append(refs, last.InReplyTo)
	}
	return append(refs, last.MessageID)
}

// Chain is the References of a mail answering the message id, whose own
// References are refs, in the conversation that began with root: root
// first, then refs, then id, each once, at most MaxReferences of them
// (the first and the latest kept). Empty ids are left out.
func Chain(root string, refs []string, id string) []string {
	var out []string
	for _, r := range append(append([]string{root}, refs...), id) {
		if r != "" && !slices.Contains(out, r) {
			out = append(out, r)
		}
	}
	if len(out) > MaxReferences {
		out = append(out[:1], out[len(out)-MaxReferences+1:]...)
	}
	return out
}

// sameAddress compares addresses in ASCII case only (SPEC 7.3).
func sameAddress(a, b string) bool {
	a = fold.Address(a)
	return a != "" && a == fold.Address(b)
}

// The Thread-Index (MS-OXOMSG 2.2.1.3, PidTagConversationIndex): a header
// block of 22 bytes — 0x01, the 40 high bits of the FILETIME the
// conversation began, a GUID — then 5 bytes for each level of answer.
const (
	headerLen = 22
	// filetimeEpoch is 1601-01-01 in Unix seconds; a FILETIME counts
	// 100-nanosecond intervals from it.
	filetimeEpoch = -11644473600
)

func filetime(t time.Time) uint64 {
	return uint64(t.Unix()-filetimeEpoch)*1e7 + uint64(t.Nanosecond()/100)
}

// start is the Thread-Index of a conversation's first mail.
func start(at time.Time) string {
	guid := make([]byte, 16)
	rand.Read(guid)
	return base64.StdEncoding.EncodeToString(header(at, guid))
}

// header is the header block of a conversation begun at at.
func header(at time.Time, guid []byte) []byte {
	t := binary.BigEndian.AppendUint64(nil, filetime(at))
	return append(append([]byte{1}, t[:5]...), guid[:16]...)
}

// indexOf returns the header block of a conversation's first mail: the
// one it was sent with, or for a mail written before our mail carried a
// Thread-Index, one drawn from its Message-ID and time, the same for
// every later mail.
func indexOf(root store.Mail) []byte {
	if b, err := base64.StdEncoding.DecodeString(root.ThreadIndex); err == nil && len(b) >= headerLen {
		return b[:headerLen]
	}
	guid := sha256.Sum256([]byte(root.MessageID))
	return header(root.CreatedAt, guid[:])
}

// respond is the Thread-Index of an answer, written at at, to the
// conversation's first mail, whose header block is h: h and one response
// level, which holds the time since the conversation began.
func respond(h []byte, at time.Time) string {
	began := binary.BigEndian.Uint64(append(append([]byte{}, h[1:6]...), 0, 0, 0))
	var delta uint64
	if now := filetime(at); now > began {
		delta = now - began
	}
	// The level's first bit says how the 31 bits of the difference that
	// follow were taken: bits 18 to 48 when it fits there, else 23 to 53.
	var level uint32
	if delta < 1<<49 {
		level = uint32(delta>>18) & 0x7fffffff
	} else {
		level = 1<<31 | uint32(delta>>23)&0x7fffffff
	}
	b := binary.BigEndian.AppendUint32(slices.Clone(h), level)
	return base64.StdEncoding.EncodeToString(append(b, 0))
}
