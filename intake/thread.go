package intake

import (
	"strings"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/mailer/thread"
)

// The citizen's conversation (SPEC 8.1): every mail to the citizen about a
// report answers their latest message about it — In-Reply-To that message,
// References its chain with the report's own message first — so that
// every mail client shows one conversation per report. The Message-IDs of
// the citizen's messages are kept, sealed, in the detail of the events
// they caused: the report's "ingest", and their replies, ratings and
// follow-ups.
const (
	detailMessageID  = "message_id"
	detailReferences = "references"
)

// citizenMessage is the detail that records a message of the citizen's in
// their conversation, or nil for a message without a Message-ID.
func citizenMessage(m *parse.Message) map[string]string {
	if m == nil || m.MessageID == "" {
		return nil
	}
	d := map[string]string{detailMessageID: m.MessageID}
	if len(m.References) > 0 {
		d[detailReferences] = strings.Join(m.References, " ")
	}
	return d
}

// citizenThread returns the In-Reply-To and References of a new mail to the
// report's citizen: their latest message recorded in the events, and its
// chain. Both are empty when the report came without a Message-ID.
func (s *snapshot) citizenThread() (string, []string) {
	var root, latest string
	var refs []string
	for _, e := range s.events {
		id := e.Detail[detailMessageID]
		if id == "" {
			continue
		}
		if root == "" {
			root = id
		}
		latest, refs = id, strings.Fields(e.Detail[detailReferences])
	}
	return latest, thread.Chain(root, refs, latest)
}

// answering returns the In-Reply-To and References of a mail to the
// citizen answering the message in: that message, in the report's
// conversation.
func (s *snapshot) answering(in *incoming) (string, []string) {
	root, _ := s.citizenRoot()
	return in.msg.MessageID, thread.Chain(root, in.msg.References, in.msg.MessageID)
}

// citizenRoot returns the Message-ID of the message the report came in.
func (s *snapshot) citizenRoot() (string, bool) {
	for _, e := range s.events {
		if id := e.Detail[detailMessageID]; id != "" {
			return id, true
		}
	}
	return "", false
}

// withDetail adds the entries of more to a detail map, which may be nil.
func withDetail(d, more map[string]string) map[string]string {
	if len(more) == 0 {
		return d
	}
	if d == nil {
		d = map[string]string{}
	}
	for k, v := range more {
		d[k] = v
	}
	return d
}
