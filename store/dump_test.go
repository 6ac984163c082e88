package store

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"testing"
)

// dump is everything a store holds, as its public methods read it, with
// each blob replaced by the SHA-256 of its plain content: two stores that
// dump alike hold the same data, whatever their keys and blob names.
type dump struct {
	Reports  []dumpReport
	Messages []dumpMessage
	Mail     []dumpMail // mail about no report
}

type dumpReport struct {
	Report      Report
	Events      []Event
	Attachments []Attachment
	Mail        []dumpMail
}

type dumpMessage struct {
	Message Message
	Raw     string
}

type dumpMail struct {
	Mail  Mail
	Sent  string
	Files []string
}

// dumpStore reads the whole store. It uses only methods that both the
// schema-3 store and today's have, so that it can describe a database of
// either.
func dumpStore(t testing.TB, db *DB) dump {
	t.Helper()
	var d dump
	err := db.Read(t.Context(), func(tx *Tx) error {
		codes, err := column(tx, `SELECT code FROM reports ORDER BY id`)
		if err != nil {
			return err
		}
		for _, code := range codes {
			r, err := tx.Report(code)
			if err != nil {
				return err
			}
			dr := dumpReport{Report: r}
			if dr.Events, err = tx.Events(r.ID); err != nil {
				return err
			}
			if dr.Attachments, err = tx.Attachments(r.ID, ""); err != nil {
				return err
			}
			for i, a := range dr.Attachments {
				dr.Attachments[i].BlobKey = blobDigest(t, db, a.BlobKey)
			}
			mails, err := tx.ReportMail(r.ID)
			if err != nil {
				return err
			}
			for _, m := range mails {
				dr.Mail = append(dr.Mail, dumpOfMail(t, db, m))
			}
			d.Reports = append(d.Reports, dr)
		}
		ids, err := column(tx, `SELECT id FROM messages ORDER BY id`)
		if err != nil {
			return err
		}
		for _, id := range ids {
			m, err := tx.scanMessage(tx.queryRow(`SELECT `+messageColumns+` FROM messages m LEFT JOIN reports r ON r.id = m.report_id WHERE m.id = ?`, id))
			if err != nil {
				return err
			}
			raw := blobDigest(t, db, m.RawKey)
			m.RawKey = ""
			d.Messages = append(d.Messages, dumpMessage{m, raw})
		}
		mails, err := tx.mails(`o.report_id IS NULL ORDER BY o.id`)
		if err != nil {
			return err
		}
		for _, m := range mails {
			d.Mail = append(d.Mail, dumpOfMail(t, db, m))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return d
}

func dumpOfMail(t testing.TB, db *DB, m Mail) dumpMail {
	dm := dumpMail{Sent: blobDigest(t, db, m.SentKey)}
	for i, f := range m.Attachments {
		dm.Files = append(dm.Files, blobDigest(t, db, f.BlobKey))
		m.Attachments[i].BlobKey = ""
	}
	m.SentKey = ""
	dm.Mail = m
	return dm
}

func column(tx *Tx, query string) ([]string, error) {
	rows, err := tx.query(query)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// blobDigest is the SHA-256 of a blob's content, "" for no blob.
func blobDigest(t testing.TB, db *DB, ref string) string {
	if ref == "" {
		return ""
	}
	r, err := db.Blobs().Open(ref)
	if err != nil {
		t.Fatalf("blob %s: %v", ref, err)
	}
	defer r.Close()
	h := sha256.New()
	if _, err := io.Copy(h, r); err != nil {
		t.Fatalf("blob %s: %v", ref, err)
	}
	return hex.EncodeToString(h.Sum(nil))
}

func (d dump) json(t testing.TB) []byte {
	b, err := json.MarshalIndent(d, "", "\t")
	if err != nil {
		t.Fatal(err)
	}
	return b
}
