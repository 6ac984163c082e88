package store

import (
	"bytes"
	"crypto/cipher"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// A rowKey seals and opens the personal data of the rows of one report,
// under that report's data key (SPEC 10.5), or of rows about no report,
// under the general key. Get one with Tx.keyFor or Tx.keyOfRow; its seal
// and open bind every value to its table, column and row.
type rowKey struct {
	tx      *Tx
	report  int64 // 0: rows about no report
	general *keys
	data    cipher.AEAD // nil: the report has no data key (yet, or any more)
	// erased is set when the report's data key was destroyed: values
	// sealed under it open as "", since nothing can open them.
	erased bool
	// destroyedAt is when the key the database names was destroyed, for a
	// database restored from a backup older than the erasure.
	destroyedAt time.Time
}

// seal encrypts a value of a row. A report without a data key gets one the
// first time something is sealed for it; a failure to make one fails the
// transaction. A report whose data key was destroyed (erased) gets none:
// what is written about it afterwards — a mail accepted by the SMTP server
// while another process erased it, a retry's error, an event — is not
// kept, and seal returns nil, as for an empty value.
func (k *rowKey) seal(table, column string, row int64, value string) []byte {
	return sealRow(k, nil, table, column, row, value)
}

// sealRow is k.seal of a string or of the bytes of one, sealed into *buf
// as sealInto does (into a buffer of its own when buf is nil).
func sealRow[T string | []byte](k *rowKey, buf *[]byte, table, column string, row int64, value T) []byte {
	if len(value) == 0 {
		return nil
	}
	if k.report == 0 {
		return sealInto(buf, k.general.field, sealGeneral, table, column, row, value)
	}
	if k.keepsNothing() {
		k.tx.markErased(k)
		return nil
	}
	if k.data == nil {
		if err := k.tx.newDataKey(k); err != nil {
			k.tx.fail(err)
			return nil
		}
	}
	return sealInto(buf, k.data, sealReport, table, column, row, value)
}

// notNull is a sealed value for a column that must not be NULL (outbox.rcpt
// and data, a row a batch selects until its value is sealed): an empty one
// where seal kept nothing, as an erasure leaves it.
func notNull(sealed []byte) []byte {
	if sealed == nil {
		return []byte{}
	}
	return sealed
}

// keepsNothing reports whether k is the key of an erased report that has no
// data key: nothing sealed for it is kept (seal), and a file written for it
// is freed once the transaction commits (Tx.dropBlob). A report erased once
// and given a data key again by an earlier release keeps what is sealed
// under that key, which its next erasure destroys.
func (k *rowKey) keepsNothing() bool {
	return k.report != 0 && k.erased && k.data == nil
}

// open decrypts a value sealed by seal for the same table, column and row.
// Values sealed before the database moved to data keys open with the
// general key.
func (k *rowKey) open(table, column string, row int64, sealed []byte) (string, error) {
	var value string
	err := k.openWith(table, column, row, sealed, func(plain []byte) { value = string(plain) })
	return value, err
}

// openBytes is open returning the value's bytes, copied once from the
// buffer it is decrypted into: a mail's data, which the mailer reads as
// bytes, is not made a string first. An empty value is empty, not nil,
// as the conversion of an empty string is.
func (k *rowKey) openBytes(table, column string, row int64, sealed []byte) ([]byte, error) {
	value := []byte{}
	err := k.openWith(table, column, row, sealed, func(plain []byte) { value = bytes.Clone(plain) })
	return value, err
}

// openWith opens a value as open does, and hands its bytes to use, which
// copies what it keeps; an empty value, or one that nothing opens since
// its key was destroyed, is not handed.
func (k *rowKey) openWith(table, column string, row int64, sealed []byte, use func(plain []byte)) error {
	if len(sealed) == 0 {
		return nil
	}
	switch {
	case sealed[0] == sealGeneral:
		return k.general.openWith(table, column, row, sealed, use)
	case sealed[0] != sealReport:
		return fmt.Errorf("%s.%s of row %d: %w", table, column, row, errOpen)
	case k.data != nil:
		err := openWith(k.data, table, column, row, sealed, use)
		if err != nil && k.erased {
			return nil // sealed under the key destroyed before this one
		}
		return err
	case k.erased:
		return nil
	default:
		return fmt.Errorf("%s.%s of row %d: report #%d has no data key: %w", table, column, row, k.report, errOpen)
	}
}

// keyFor returns the key of a report's rows (reportID 0: rows about no
// report). Keys are looked up once per transaction.
func (t *Tx) keyFor(reportID int64) (*rowKey, error) {
	if reportID == 0 {
		return &rowKey{tx: t, general: t.db.keys}, nil
	}
	if k, ok := t.keys[reportID]; ok {
		return k, nil
	}
	var keyID sql.NullString
	var erased sql.NullInt64
	err := t.queryRow(`SELECT key_id, erased_at FROM reports WHERE id = ?`, reportID).Scan(&keyID, &erased)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: report #%d: %w", reportID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: report #%d: %w", reportID, err)
	}
	return t.reportKey(reportID, keyID.String, erased.Valid)
}

// reportKey is keyFor for a report whose key id and erasure the caller has
// read already.
func (t *Tx) reportKey(reportID int64, keyID string, erased bool) (*rowKey, error) {
	if k, ok := t.keys[reportID]; ok {
		return k, nil
	}
	k := &rowKey{tx: t, report: reportID, general: t.db.keys, erased: erased}
	if keyID != "" {
		aead, err := t.db.keystore.get(t.ctx, keyID)
		var gone keyDestroyed
		switch {
		case err == nil:
			k.data = aead
		case errors.As(err, &gone):
			// The database is older than the erasure (restored from a
			// backup): the report's data is gone all the same.
			k.erased, k.destroyedAt = true, gone.at
		default:
			return nil, fmt.Errorf("store: report #%d: %w", reportID, err)
		}
	}
	if t.keys == nil {
		t.keys = map[int64]*rowKey{}
	}
	t.keys[reportID] = k
	return k, nil
}

// newReportKey gives a new report, not written yet, its data key.
func (t *Tx) newReportKey(reportID int64) (*rowKey, string, error) {
	dk, err := t.db.keystore.take(t.ctx)
	if err != nil {
		return nil, "", err
	}
	k := &rowKey{tx: t, report: reportID, general: t.db.keys, data: dk.aead}
	if t.keys == nil {
		t.keys = map[int64]*rowKey{}
	}
	t.keys[reportID] = k
	return k, dk.id, nil
}

// keyOfRow returns the key of the report a row of table belongs to: the
// row itself for reports, its report_id for the other tables.
func (t *Tx) keyOfRow(table string, row int64) (*rowKey, error) {
	if table == "reports" {
		return t.keyFor(row)
	}
	var report sql.NullInt64
	err := t.queryRow(`SELECT report_id FROM `+table+` WHERE id = ?`, row).Scan(&report)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: %s #%d: %w", table, row, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("store: %s #%d: %w", table, row, err)
	}
	return t.keyFor(report.Int64)
}

// newDataKey gives a report without a data key, and not erased, a new
// one, recorded in the report's row.
func (t *Tx) newDataKey(k *rowKey) error {
	if !t.writable {
		return fmt.Errorf("store: report #%d: sealing in a read-only transaction", k.report)
	}
	dk, err := t.db.keystore.take(t.ctx)
	if err != nil {
		return err
	}
	if _, err := t.exec(`UPDATE reports SET key_id = ? WHERE id = ?`, dk.id, k.report); err != nil {
		return fmt.Errorf("store: report #%d: data key: %w", k.report, err)
	}
	k.data = dk.aead
	return nil
}

// markErased marks erased, as of when its key was destroyed, a report
// whose row still names a key the key store destroyed — a database older
// than the erasure (restored from a backup) — the first time something is
// written for it; a failure fails the transaction.
func (t *Tx) markErased(k *rowKey) {
	if k.destroyedAt.IsZero() || !t.writable {
		return
	}
	if _, err := t.exec(`UPDATE reports SET erased_at = coalesce(erased_at, ?) WHERE id = ?`, k.destroyedAt.Unix(), k.report); err != nil {
		t.fail(fmt.Errorf("store: report #%d: erased: %w", k.report, err))
		return
	}
	k.destroyedAt = time.Time{}
}

// fail records the first error of a transaction that cannot be returned
// where it happened: the transaction is then rolled back.
func (t *Tx) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}
