package store

import (
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Attachment is a file that came with a message (or a refused one).
type Attachment struct {
	ID           int64
	MessageID    int64  // the incoming message it came in
	Role         string // "report", "reply" or "result"
	Name         string // sanitised file name
	Type         string // sniffed media type
	DeclaredType string
	Size         int64
	BlobKey      string // the blob reference, "" when refused
	Refused      string // why it was not kept
	Inline       bool
	Photo        *Photo
}

// Photo is what a photo's EXIF data says.
type Photo struct {
	Taken    time.Time
	HasGPS   bool
	Lat, Lon float64
}

// AddAttachment records an attachment of a report.
func (t *Tx) AddAttachment(reportID int64, a Attachment) (int64, error) {
	if err := t.packInPlace(a.BlobKey); err != nil {
		return 0, err
	}
	id, err := t.nextID("attachments")
	if err != nil {
		return 0, err
	}
	k, err := t.keyFor(reportID)
	if err != nil {
		return 0, err
	}
	if k.keepsNothing() {
		t.dropBlob(a.BlobKey) // a file about an erased report is not kept
	}
	var taken any
	var gps []byte
	if a.Photo != nil {
		taken = unix(a.Photo.Taken)
		if a.Photo.HasGPS {
			gps = k.seal("attachments", "gps", id, strconv.FormatFloat(a.Photo.Lat, 'f', 6, 64)+","+strconv.FormatFloat(a.Photo.Lon, 'f', 6, 64))
		}
	}
	var msg any
	if a.MessageID != 0 {
		msg = a.MessageID
	}
	// Its name and reference sealed into one pooled buffer, given back
	// once the statement has run.
	buf := getSealBuffer(len(a.Name) + len(a.BlobKey) + 2*sealOverhead)
	defer putSealBuffer(buf)
	_, err = t.exec(`INSERT INTO attachments (id, report_id, message_id, role, name, type, declared_type, size,
		blob, refused, inline, taken_at, gps) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, reportID, msg, a.Role, sealRow(k, buf, "attachments", "name", id, a.Name), a.Type, a.DeclaredType, a.Size,
		sealRow(k, buf, "attachments", "blob", id, a.BlobKey), a.Refused, boolInt(a.Inline), taken, gps)
	if err != nil {
		return 0, fmt.Errorf("store: add attachment: %w", err)
	}
	return id, nil
}

// Attachments returns a report's attachments of a role ("" for all).
func (t *Tx) Attachments(reportID int64, role string) ([]Attachment, error) {
	k, err := t.keyFor(reportID)
	if err != nil {
		return nil, err
	}
	rows, err := t.query(`SELECT id, coalesce(message_id, 0), role, name, type, declared_type, size, blob_key, blob, refused,
		inline, taken_at, gps FROM attachments WHERE report_id = ? AND (? = '' OR role = ?) ORDER BY id`, reportID, role, role)
	if err != nil {
		return nil, fmt.Errorf("store: attachments: %w", err)
	}
	defer rows.Close()
	var out []Attachment
	for rows.Next() {
		var a Attachment
		var name, blob, gps []byte
		var inline int
		var taken sql.NullInt64
		if err := rows.Scan(&a.ID, &a.MessageID, &a.Role, &name, &a.Type, &a.DeclaredType, &a.Size, &a.BlobKey, &blob,
			&a.Refused, &inline, &taken, &gps); err != nil {
			return nil, fmt.Errorf("store: attachments: %w", err)
		}
		a.Inline = inline != 0
		if a.Name, err = k.open("attachments", "name", a.ID, name); err != nil {
			return nil, err
		}
		if blob != nil { // else a version 1 blob, named in blob_key
			if a.BlobKey, err = k.open("attachments", "blob", a.ID, blob); err != nil {
				return nil, err
			}
		}
		if a.Photo, err = openPhoto(k, a.ID, taken, gps); err != nil {
			return nil, err
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

func openPhoto(k *rowKey, id int64, taken sql.NullInt64, gps []byte) (*Photo, error) {
	if !taken.Valid && gps == nil {
		return nil, nil
	}
	p := &Photo{Taken: fromUnix(taken)}
	s, err := k.open("attachments", "gps", id, gps)
	if err != nil || s == "" {
		return p, err
	}
	lat, lon, _ := strings.Cut(s, ",")
	p.Lat, _ = strconv.ParseFloat(lat, 64)
	p.Lon, _ = strconv.ParseFloat(lon, 64)
	p.HasGPS = true
	return p, nil
}
