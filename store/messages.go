package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
)

// Message is what the store remembers of one incoming message: where it was
// found, its fingerprints, and what became of it.
type Message struct {
	ID int64
	// Mailbox, UIDValidity and UID locate it on the IMAP server; empty for
	// a message ingested from a file.
	Mailbox     string
	UIDValidity uint32
	UID         uint32
	MessageID   string // the Message-ID header, kept only as an HMAC
	RawKey      string // the blob reference of the raw message
	// Digest is a hash of the message without the header fields that mail
	// servers add on the way (Received, Delivered-To, …), kept only as an
	// HMAC: the same message delivered again has the same digest.
	Digest  string
	RawSize int64
	Sender  string // the From address, kept only as an HMAC
	// SignedKeys are a command mail's keys over what its DKIM signatures
	// cover (intake/signed.go), kept only as HMACs: a copy with another
	// Message-ID has the same.
	SignedKeys  []string
	Kind        string // report, reply, command, bounce, autoreply, junk, duplicate, quarantine
	ReportCode  string // the report it created or belongs to, "" if none
	Reason      string // why it was quarantined or not answered; never personal data
	ReceivedAt  time.Time
	ProcessedAt time.Time
}

// RecordMessage records the outcome of one incoming message.
func (t *Tx) RecordMessage(m Message) (int64, error) {
	if err := t.packInPlace(m.RawKey); err != nil {
		return 0, err
	}
	rid, err := t.reportID(m.ReportCode)
	if err != nil {
		return 0, err
	}
	id, err := t.nextID("messages")
	if err != nil {
		return 0, err
	}
	report, _ := rid.(int64)
	k, err := t.keyFor(report)
	if err != nil {
		return 0, err
	}
	if k.keepsNothing() {
		t.dropBlob(m.RawKey) // a message about an erased report keeps no copy
	}
	ix := t
	var mailbox, uidv, uid any
	if m.Mailbox != "" {
		mailbox, uidv, uid = m.Mailbox, int64(m.UIDValidity), int64(m.UID)
	}
	_, err = t.exec(`INSERT INTO messages (id, mailbox, uidvalidity, uid, message_id_idx, raw_key, digest_idx, raw, raw_size,
		sender_idx, sender_cap, kind, report_id, reason, received_at, processed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, mailbox, uidv, uid, ix.indexOf(IndexMessageID, m.MessageID), contentHash(m.RawKey), ix.indexOf(IndexDigest, m.Digest),
		k.seal("messages", "raw", id, m.RawKey), m.RawSize, ix.indexOf(IndexEmail, m.Sender), ix.indexOf(IndexMailbox, m.Sender), m.Kind, rid, m.Reason, m.ReceivedAt.Unix(), m.ProcessedAt.Unix())
	if err != nil {
		return 0, fmt.Errorf("store: record message: %w", err)
	}
	for _, key := range m.SignedKeys {
		if _, err := t.exec(`INSERT INTO signed_keys (message_id, report_id, key_idx) VALUES (?, ?, ?)`,
			id, rid, ix.indexOf(IndexSigned, key)); err != nil {
			return 0, fmt.Errorf("store: record message: %w", err)
		}
	}
	return id, nil
}

// SeenUID returns the message recorded for a mailbox UID, or ErrNotFound.
func (t *Tx) SeenUID(mailbox string, uidValidity, uid uint32) (Message, error) {
	return t.scanMessage(t.queryRow(`SELECT `+messageColumns+` FROM messages m LEFT JOIN reports r ON r.id = m.report_id
		WHERE m.mailbox = ? AND m.uidvalidity = ? AND m.uid = ?`, mailbox, int64(uidValidity), int64(uid)))
}

// SeenUIDs returns the messages recorded for those of a mailbox's UIDs
// that have one, by UID: SeenUID for many UIDs, in one statement rather
// than one a UID (the mailbox session asks it of every batch it fetches).
func (t *Tx) SeenUIDs(mailbox string, uidValidity uint32, uids []uint32) (map[uint32]Message, error) {
	found := map[uint32]Message{}
	if len(uids) == 0 {
		return found, nil
	}
	list := make([]byte, 0, 2+len(uids)*11)
	list = append(list, '[')
	for i, uid := range uids {
		if i > 0 {
			list = append(list, ',')
		}
		list = strconv.AppendUint(list, uint64(uid), 10)
	}
	list = append(list, ']')
	rows, err := t.query(`SELECT `+messageColumns+` FROM messages m LEFT JOIN reports r ON r.id = m.report_id
		WHERE m.mailbox = ? AND m.uidvalidity = ? AND m.uid IN (SELECT value FROM json_each(?))`, mailbox, int64(uidValidity), string(list))
	if err != nil {
		return nil, fmt.Errorf("store: messages by UID: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, err := t.scanMessage(rows)
		if err != nil {
			return nil, err
		}
		found[m.UID] = m
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: messages by UID: %w", err)
	}
	return found, nil
}

// SeenContent returns the first message recorded with the same Message-ID
// (or none, as this one) and the same content — the raw message's content
// hash, or the digest without its trace fields (Message.Digest) — or
// ErrNotFound (SPEC 4.1, 7.3). A message kept with no copy (too large) is
// known by its digest alone.
func (t *Tx) SeenContent(messageID, rawKey, digest string) (Message, error) {
	idx, dig := t.indexOf(IndexMessageID, messageID), t.indexOf(IndexDigest, digest)
	return t.scanMessage(t.queryRow(`SELECT `+messageColumns+` FROM messages m LEFT JOIN reports r ON r.id = m.report_id
		WHERE m.id = (SELECT min(id) FROM (
			SELECT id, message_id_idx, kind FROM messages WHERE raw_key = ? AND raw_key != ''
			UNION ALL SELECT id, message_id_idx, kind FROM messages WHERE digest_idx = ?)
		WHERE (message_id_idx IS ? OR message_id_idx = ?) AND kind != 'duplicate')`, contentHash(rawKey), dig, idx, idx))
}

// SeenCommand returns the first command mail recorded with the Message-ID
// from the sender, or ErrNotFound. A command mail is applied at most once
// (SPEC 7.3): a copy whose digest differs because someone added a header
// field that the sender's DKIM signature does not cover (so that it still
// authenticates) is still the same mail. A message without a Message-ID is
// never found.
func (t *Tx) SeenCommand(messageID, sender string) (Message, error) {
	idx, from := t.indexOf(IndexMessageID, messageID), t.indexOf(IndexEmail, sender)
	if idx == nil || from == nil {
		return Message{}, ErrNotFound
	}
	return t.scanMessage(t.queryRow(`SELECT `+messageColumns+` FROM messages m LEFT JOIN reports r ON r.id = m.report_id
		WHERE m.message_id_idx = ? AND m.sender_idx = ? AND m.kind = 'command' ORDER BY m.id LIMIT 1`, idx, from))
}

// SeenSigned returns the first command mail recorded with one of the signed
// keys, or ErrNotFound (SPEC 7.3): a copy whose Message-ID, or a header
// field its DKIM signature does not cover, was changed is still the same
// mail (Message.SignedKeys).
func (t *Tx) SeenSigned(keys []string) (Message, error) {
	for _, key := range keys {
		m, err := t.scanMessage(t.queryRow(`SELECT `+messageColumns+` FROM messages m LEFT JOIN reports r ON r.id = m.report_id
			WHERE m.id = (SELECT min(s.message_id) FROM signed_keys s JOIN messages c ON c.id = s.message_id
				WHERE s.key_idx = ? AND c.kind = 'command')`, t.indexOf(IndexSigned, key)))
		if !errors.Is(err, ErrNotFound) {
			return m, err
		}
	}
	return Message{}, ErrNotFound
}

const messageColumns = `m.id, coalesce(m.mailbox, ''), coalesce(m.uidvalidity, 0), coalesce(m.uid, 0), m.raw_key, m.raw, m.raw_size,
	m.kind, coalesce(m.report_id, 0), coalesce(r.code, ''), m.reason, m.received_at, m.processed_at`

func (t *Tx) scanMessage(row interface{ Scan(...any) error }) (Message, error) {
	var m Message
	var uidv, uid, received, processed, report int64
	var raw []byte
	err := row.Scan(&m.ID, &m.Mailbox, &uidv, &uid, &m.RawKey, &raw, &m.RawSize, &m.Kind, &report, &m.ReportCode, &m.Reason, &received, &processed)
	if errors.Is(err, sql.ErrNoRows) {
		return m, ErrNotFound
	}
	if err != nil {
		return m, fmt.Errorf("store: message: %w", err)
	}
	m.UIDValidity, m.UID = uint32(uidv), uint32(uid)
	m.ReceivedAt, m.ProcessedAt = time.Unix(received, 0).UTC(), time.Unix(processed, 0).UTC()
	if raw != nil { // else a version 1 blob, named by the content hash
		k, err := t.keyFor(report)
		if err != nil {
			return m, err
		}
		if m.RawKey, err = k.open("messages", "raw", m.ID, raw); err != nil {
			return m, err
		}
	}
	return m, nil
}

// MessageCounts returns how many messages were recorded of each kind.
func (t *Tx) MessageCounts() (map[string]int, error) {
	return t.countBy(`SELECT kind, count(*) FROM messages GROUP BY kind`)
}

// SpamBetween counts the messages received in [start, end) that were
// recorded as junk because our border's spam filter marked them (their
// reason begins "spam: "): the daily digest's count, since spam gets no
// notice of its own (SPEC 4.2).
func (t *Tx) SpamBetween(start, end time.Time) (int, error) {
	var n int
	err := t.queryRow(`SELECT count(*) FROM messages WHERE kind = 'junk' AND reason LIKE 'spam: %'
		AND received_at >= ? AND received_at < ?`, start.Unix(), end.Unix()).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: spam: %w", err)
	}
	return n, nil
}
