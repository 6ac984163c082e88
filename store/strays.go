package store

import (
	"context"
	"fmt"
	"time"
)

// EraseStrays erases the personal data of up to limit messages that belong
// to no report — junk, quarantined, automatic replies, bounces, commands
// and replies about no report — processed at or before cutoff, and returns
// how many. The retention of SPEC 10.5 counts from a report's closing; a
// message that never became one has no closing, and is kept as long from
// when it was processed. So is a message recorded about a report after the
// report's erasure (a reply to its thread, a command about it): it kept no
// copy (Tx.RecordMessage), but its keyed hashes, which the checks for
// duplicates and replays search, stay until this erases them, as nothing
// else would: the report's erasure is over. What is erased: the raw message (its file or small
// blob, and its sealed reference) and every keyed hash of it (Message-ID,
// sender, content, digest, signed keys). What stays is what the periodic
// reports and the daily digest count: its kind, reason, times and mailbox
// position. The IMAP folders (Quarantine included) are not touched: the
// mailbox is the operator's to expire. The mail sent about no report —
// answers to such messages, help, refused commands, periodic reports — is
// emptied the same way, up to limit more, by when it was written
// (eraseStrayMail); the count returned is of both.
//
// The rows are emptied in one transaction; the files are deleted, and the
// ranges of packs freed, after its commit, each only when it holds its
// blob (Blobs.freeable, read outside the writer's transaction). A file a
// crash left is removed by SweepOrphans, which no row names any more; a
// range, with its pack.
func (db *DB) EraseStrays(ctx context.Context, cutoff time.Time, limit int) (int, error) {
	var blobs []blobRef
	n := 0
	err := db.Write(ctx, func(tx *Tx) error {
		blobs, n = nil, 0
		strays, err := tx.strayMessages(cutoff, limit)
		if err != nil {
			return err
		}
		n = len(strays)
		for _, m := range strays {
			k, err := tx.keyFor(m.report) // an erased report's opens nothing
			if err != nil {
				return err
			}
			ref, err := k.open("messages", "raw", m.id, m.raw)
			if err != nil {
				return err
			}
			if r, err := parseRef(ref); err == nil {
				blobs = append(blobs, r)
				if _, err := tx.exec(`DELETE FROM blob_data WHERE name = ?`, r.name); err != nil {
					return err
				}
			}
			if _, err := tx.exec(`UPDATE messages SET raw = NULL, raw_key = '', message_id_idx = NULL, sender_idx = NULL,
				sender_cap = NULL, digest_idx = NULL WHERE id = ?`, m.id); err != nil {
				return err
			}
			if _, err := tx.exec(`UPDATE signed_keys SET key_idx = NULL WHERE message_id = ?`, m.id); err != nil {
				return err
			}
		}
		k, err := tx.keyFor(0)
		if err != nil {
			return err
		}
		mails, n2, err := tx.eraseStrayMail(k, cutoff, limit)
		n += n2
		blobs = append(blobs, mails...)
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("store: erase messages: %w", err)
	}
	for _, r := range blobs {
		if !db.blobs.freeable(r) {
			continue
		}
		if _, err := db.blobs.free(r.place()); err != nil {
			return 0, fmt.Errorf("store: erase messages: %w", err)
		}
	}
	if n == 0 {
		return 0, nil
	}
	return n, db.truncateWAL(ctx)
}

// strayMessage is a message EraseStrays erases: its id, its report's id
// (0 for none) and its sealed raw reference.
type strayMessage struct {
	id, report int64
	raw        []byte
}

// strayMessages returns up to limit messages processed at or before cutoff
// that still hold something EraseStrays erases: those about no report
// first, then those recorded about a report after its erasure (found by
// the index of the reports erased, reports_erased).
func (t *Tx) strayMessages(cutoff time.Time, limit int) ([]strayMessage, error) {
	const holds = `(raw IS NOT NULL OR raw_key != '' OR sender_idx IS NOT NULL OR message_id_idx IS NOT NULL OR digest_idx IS NOT NULL)`
	var out []strayMessage
	for _, of := range []string{`report_id IS NULL`, `report_id IN (SELECT id FROM reports WHERE erased_at IS NOT NULL)`} {
		if len(out) == limit {
			break
		}
		rows, err := t.query(`SELECT id, coalesce(report_id, 0), raw FROM messages WHERE `+of+` AND processed_at <= ? AND `+holds+`
			ORDER BY processed_at, id LIMIT ?`, cutoff.Unix(), limit-len(out))
		if err != nil {
			return nil, err
		}
		for rows.Next() {
			var m strayMessage
			if err := rows.Scan(&m.id, &m.report, &m.raw); err != nil {
				rows.Close()
				return nil, err
			}
			out = append(out, m)
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// eraseStrayMail empties up to limit mails about no report — answers to
// messages that became none, help, refused commands, periodic reports —
// sent (or given up) at or before cutoff: the recipient, its keyed hashes,
// the thread, the content, the error, the files' and the bytes' references.
// It returns the blobs of the mails and how many mails it emptied, the
// blobs' small blobs deleted; the files they carried, which no row names any
// more, are left to SweepOrphans.
func (t *Tx) eraseStrayMail(k *rowKey, cutoff time.Time, limit int) ([]blobRef, int, error) {
	rows, err := t.query(`SELECT id, sent FROM outbox WHERE report_id IS NULL AND created_at <= ? AND state != 'queued'
		AND length(rcpt) > 0 ORDER BY created_at, id LIMIT ?`, cutoff.Unix(), limit)
	if err != nil {
		return nil, 0, err
	}
	var ids []int64
	var refs []string
	for rows.Next() {
		var id int64
		var sent []byte
		if err := rows.Scan(&id, &sent); err != nil {
			rows.Close()
			return nil, 0, err
		}
		ids = append(ids, id)
		ref, err := k.open("outbox", "sent", id, sent)
		if err != nil {
			rows.Close()
			return nil, 0, err
		}
		refs = append(refs, ref)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	var blobs []blobRef
	for i, id := range ids {
		if r, err := parseRef(refs[i]); err == nil {
			blobs = append(blobs, r)
			if _, err := t.exec(`DELETE FROM blob_data WHERE name = ?`, r.name); err != nil {
				return nil, 0, err
			}
		}
		if _, err := t.exec(`UPDATE outbox SET rcpt = x'', rcpt_idx = x'', rcpt_cap = NULL, thread = NULL, data = x'',
			last_error = NULL, attachments = NULL, sent = NULL, sent_key = NULL WHERE id = ?`, id); err != nil {
			return nil, 0, err
		}
	}
	return blobs, len(ids), nil
}
