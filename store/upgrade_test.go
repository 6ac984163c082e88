package store

import (
	"bytes"
	"context"
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"database/sql"
	"encoding/binary"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// release1 is the first released migration set; testdata/release1 holds
// its files as they were released. A released migration never changes: a
// database made by it must still migrate forward.
const release1 = "testdata/release1"

func TestReleasedMigrationsUnchanged(t *testing.T) {
	frozen, err := filepath.Glob(filepath.Join(release1, "*.sql"))
	if err != nil || len(frozen) == 0 {
		t.Fatalf("no frozen migrations in %s: %v", release1, err)
	}
	for _, f := range frozen {
		want, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := migrations.ReadFile("migrations/" + filepath.Base(f))
		if err != nil {
			t.Fatalf("released migration %s is gone from store/migrations: %v", filepath.Base(f), err)
		}
		if !bytes.Equal(got, want) {
			t.Errorf("released migration %s was edited; add a new migration instead", filepath.Base(f))
		}
	}
}

// release1Writer writes a database and a data folder as release 1 wrote
// them: its schema (the frozen migrations), its sealed columns, lookup
// indexes and blob files. It reimplements release 1's formats here rather
// than calling today's code, so that a change of format that leaves old data
// unreadable fails the upgrade test.
type release1Writer struct {
	t      *testing.T
	db     *sql.DB
	master []byte
	data   string
}

// openRelease1 makes a data folder as release 1 wrote it, filled with a
// record of every kind, and opens it with today's store, which migrates
// it; the store is closed when the test ends.
func openRelease1(t *testing.T) *DB {
	t.Helper()
	dir := t.TempDir()
	path, data := filepath.Join(dir, "phananh.db"), filepath.Join(dir, "data")
	master := bytes.Repeat([]byte{7}, 32)
	w := newRelease1(t, path, data, master)
	w.fill()
	w.db.Close()
	db, err := Open(context.Background(), Options{Path: path, DataDir: data, Key: master, MailDomain: "haugiang.gov.vn"})
	if err != nil {
		t.Fatalf("open a release 1 database: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

func newRelease1(t *testing.T, path, data string, master []byte) *release1Writer {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	w := &release1Writer{t: t, db: db, master: master, data: data}
	w.exec(`CREATE TABLE schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`)
	files, _ := filepath.Glob(filepath.Join(release1, "*.sql"))
	slices.Sort(files)
	for i, f := range files {
		body, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		w.exec(string(body))
		w.exec(`INSERT INTO schema_migrations VALUES (?, ?)`, i+1, time.Now().Unix())
	}
	w.exec(`INSERT INTO meta (key, value) VALUES ('key_check', ?)`, w.seal("meta", "value", 0, "phananh key check"))
	return w
}

func (w *release1Writer) exec(query string, args ...any) {
	w.t.Helper()
	if _, err := w.db.Exec(query, args...); err != nil {
		w.t.Fatalf("release 1 fixture: %v\n%.200s", err, query)
	}
}

func (w *release1Writer) key(label string) []byte {
	m := hmac.New(sha256.New, w.master)
	m.Write([]byte(label))
	return m.Sum(nil)
}

func release1AEAD(key []byte) cipher.AEAD {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic(err)
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		panic(err)
	}
	return aead
}

// seal: version byte 1, a random 12-byte nonce, AES-256-GCM under the field
// key, bound to "table.column#row".
func (w *release1Writer) seal(table, column string, row int64, value string) []byte {
	if value == "" {
		return nil
	}
	aead := release1AEAD(w.key("phananh field encryption v1"))
	nonce := make([]byte, 12)
	rand.Read(nonce)
	return aead.Seal(append([]byte{1}, nonce...), nonce, []byte(value), fmt.Appendf(nil, "%s.%s#%d", table, column, row))
}

// index: HMAC-SHA-256 under the index key of kind, a zero byte and the
// normalised value (email addresses lower-cased).
func (w *release1Writer) index(kind, value string) []byte {
	if kind == "email" {
		value = strings.ToLower(strings.TrimSpace(value))
	}
	m := hmac.New(sha256.New, w.key("phananh lookup index v1"))
	m.Write([]byte(kind + "\x00" + value))
	return m.Sum(nil)
}

// blob: "PAB1", a 16-byte salt, then 64 KiB chunks sealed under a key
// derived from the salt, each nonce holding the chunk's number and whether
// it is the last; named by an HMAC of the content.
func (w *release1Writer) blob(content []byte) string {
	w.t.Helper()
	name := hmac.New(sha256.New, w.key("phananh blob names v1"))
	name.Write(content)
	salt := make([]byte, 16)
	rand.Read(salt)
	m := hmac.New(sha256.New, w.key("phananh blob encryption v1"))
	m.Write(salt)
	aead := release1AEAD(m.Sum(nil))
	out := append([]byte("PAB1"), salt...)
	for n := uint64(0); ; n++ {
		chunk := content[:min(len(content), 64<<10)]
		content = content[len(chunk):]
		nonce := make([]byte, 12)
		binary.BigEndian.PutUint64(nonce[3:11], n)
		if len(content) == 0 {
			nonce[11] = 1
		}
		out = aead.Seal(out, nonce, chunk, nil)
		if len(content) == 0 {
			break
		}
	}
	key := hex.EncodeToString(name.Sum(nil))
	dir := filepath.Join(w.data, "blobs", key[:2])
	if err := os.MkdirAll(dir, 0o700); err != nil {
		w.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, key), out, 0o600); err != nil {
		w.t.Fatal(err)
	}
	return key
}

// The fixture's facts, as release 1 wrote them and as today's code must
// read them.
var (
	r1Received = time.Date(2026, 11, 23, 8, 10, 0, 0, calendar.Vietnam)
	r1Raw      = bytes.Repeat([]byte("Khu vực ấp 3 bị cúp điện từ sáng.\r\n"), 3000) // three chunks
	r1Photo    = []byte("\xff\xd8\xff\xe0 a small JPEG")
	r1Sent     = []byte("Message-ID: <PA-2026-000001.ack.x@haugiang.gov.vn>\r\n\r\nĐã tiếp nhận.\r\n")
)

// fill writes two reports with everything release 1 kept of them: the
// message, an attachment, events, deadlines, mail sent and mail queued, and
// a periodic report.
func (w *release1Writer) fill() {
	at := r1Received.Unix()
	raw, photo, sent := w.blob(r1Raw), w.blob(r1Photo), w.blob(r1Sent)
	w.exec(`INSERT INTO report_seq VALUES (2026, 2)`)
	for id, r := range []struct{ code, state, email, content, result string }{
		{"PA-2026-000001", "forwarded", "nguoidan@example.com", "Khu vực ấp 3 bị cúp điện từ sáng.", ""},
		{"PA-2026-000002", "published", "Citizen@Example.org", "Ổ gà lớn trên đường 3 Tháng 2.", "Đã vá ổ gà."},
	} {
		id := int64(id + 1)
		s := func(col, v string) []byte { return w.seal("reports", col, id, v) }
		w.exec(`INSERT INTO reports (id, code, state, received_at, lang, citizen_email, citizen_idx, citizen_name, phone,
			phone_idx, address, subject, content, content_idx, field, unit, agency, rule, why, ruleset, updated_at,
			result, resolved_at, published_at) VALUES (?, ?, ?, ?, 'vi', ?, ?, ?, ?, ?, ?, ?, ?, ?, 'dien', 'vi-thuy',
			'dien-luc', 'dien/*', 'cúp điện', 'appendix1', ?, ?, ?, ?)`,
			id, r.code, r.state, at, s("citizen_email", r.email), w.index("email", r.email), s("citizen_name", "Nguyễn Văn A"),
			s("phone", "0912 345 678"), w.index("phone", "0912345678"), s("address", "12 Trần Hưng Đạo"),
			s("subject", "Mất điện"), s("content", r.content), w.index("content", r.content), at,
			s("result", r.result), nullIf(r.result == "", at+3600), nullIf(r.result == "", at+7200))
	}
	w.exec(`INSERT INTO messages (id, mailbox, uidvalidity, uid, message_id_idx, raw_key, raw_size, sender_idx, kind,
		report_id, received_at, processed_at) VALUES (1, 'INBOX', 7, 1, ?, ?, ?, ?, 'report', 1, ?, ?)`,
		w.index("message-id", "report-1@mail.example.com"), raw, len(r1Raw), w.index("email", "nguoidan@example.com"), at, at)
	w.exec(`INSERT INTO attachments (id, report_id, message_id, role, name, type, size, blob_key, taken_at, gps)
		VALUES (1, 1, 1, 'report', ?, 'image/jpeg', ?, ?, ?, ?)`,
		w.seal("attachments", "name", 1, "hien-truong.jpg"), len(r1Photo), photo, at-600, w.seal("attachments", "gps", 1, "9.784000,105.470000"))
	w.exec(`INSERT INTO events (id, report_id, at, actor, command, message_id, from_state, to_state, detail, agency)
		VALUES (1, 1, ?, 'system', ?, 1, '', 'received', ?, ''), (2, 1, ?, 'tiepnhan@example.gov.vn', ?, NULL, 'received', 'forwarded', NULL, 'dien-luc')`,
		at, w.seal("events", "command", 1, "ingest"), w.seal("events", "detail", 1, `{"rule":"dien/*"}`),
		at+600, w.seal("events", "command", 2, "/accept"))
	w.exec(`INSERT INTO deadlines (report_id, kind, start_at, due_at, soon_at, state, done_at, opened_at)
		VALUES (1, 'intake', ?, ?, ?, 'met', ?, ?), (1, 'resolve', ?, ?, ?, 'open', NULL, ?)`,
		at, at+7200, at+5400, at+600, at, at+600, at+10*86400, at+8*86400, at+600)
	for id, m := range []struct {
		state, to string
		sentKey   any
	}{{"sent", "nguoidan@example.com", sent}, {"queued", "xuly@dienluc.example.gov.vn", nil}} {
		id := int64(id + 1)
		s := func(col, v string) []byte { return w.seal("outbox", col, id, v) }
		w.exec(`INSERT INTO outbox (id, report_id, kind, rcpt, rcpt_idx, rcpt_role, message_id, thread, lang, data, state,
			next_at, created_at, sent_at, sent_key) VALUES (?, 1, 'ack', ?, ?, 'citizen', ?, ?, 'vi', ?, ?, ?, ?, ?, ?)`,
			id, s("rcpt", m.to), w.index("email", m.to), fmt.Sprintf("PA-2026-000001.ack.%d@haugiang.gov.vn", id),
			s("thread", `{"in_reply_to":"report-1@mail.example.com"}`), s("data", `{"code":"PA-2026-000001"}`), m.state,
			at, at, nullIf(m.sentKey == nil, at+5), m.sentKey)
	}
	w.exec(`INSERT INTO periodic_reports VALUES ('monthly', '2026-11', ?, ?, ?, 1)`, at-30*86400, at, at)
}

func nullIf(null bool, v int64) any {
	if null {
		return nil
	}
	return v
}

// TestUpgradeFromRelease1 opens a database made by the first released
// migration set, with data, and checks that today's store migrates it and
// reads every kind of record it held, and goes on writing.
func TestUpgradeFromRelease1(t *testing.T) {
	db := openRelease1(t)
	ctx := context.Background()
	// Migrations that rewrite the schema's text in place (writable_schema)
	// must leave a database SQLite finds whole, rows and indexes included.
	var check string
	if err := db.r.QueryRowContext(ctx, `PRAGMA integrity_check`).Scan(&check); err != nil || check != "ok" {
		t.Fatalf("integrity check after the upgrade: %q, %v", check, err)
	}
	err := db.Read(ctx, func(tx *Tx) error {
		r, err := tx.Report("PA-2026-000001")
		if err != nil {
			return err
		}
		if r.Citizen.Email != "nguoidan@example.com" || r.Citizen.Phone != "0912 345 678" || r.Content != "Khu vực ấp 3 bị cúp điện từ sáng." ||
			r.State != "forwarded" || r.Routing.Agency != "dien-luc" || !r.ReceivedAt.Equal(r1Received) {
			t.Errorf("report 1 = %+v", r)
		}
		if r2, err := tx.Report("PA-2026-000002"); err != nil || r2.Result != "Đã vá ổ gà." || r2.PublishedAt.IsZero() {
			t.Errorf("report 2 = %+v, %v", r2, err)
		}
		if code, err := tx.RecentReportBy("NguoiDan@example.com", r.Content, r1Received.Add(-time.Hour)); err != nil || code != r.Code {
			t.Errorf("duplicate lookup by the release 1 index = %q, %v", code, err)
		}
		if m, err := tx.SeenUID("INBOX", 7, 1); err != nil || m.ReportCode != r.Code {
			t.Errorf("message by UID = %+v, %v", m, err)
		}
		events, err := tx.Events(r.ID)
		if err != nil || len(events) != 2 || events[1].Command != "/accept" || events[0].Detail["rule"] != "dien/*" {
			t.Errorf("events = %+v, %v", events, err)
		}
		deadlines, err := tx.Deadlines(r.ID)
		if err != nil || len(deadlines) != 2 || deadlines[1].Kind != "resolve" || deadlines[1].State != "open" {
			t.Errorf("deadlines = %+v, %v", deadlines, err)
		}
		atts, err := tx.Attachments(r.ID, "report")
		if err != nil || len(atts) != 1 || atts[0].Name != "hien-truong.jpg" || atts[0].Photo == nil || !atts[0].Photo.HasGPS {
			t.Fatalf("attachments = %+v, %v", atts, err)
		}
		mails, err := tx.ReportMail(r.ID)
		if err != nil || len(mails) != 2 || mails[0].To != "nguoidan@example.com" || mails[0].InReplyTo != "report-1@mail.example.com" {
			t.Fatalf("mail = %+v, %v", mails, err)
		}
		if due, err := tx.DueMail(r1Received.Add(time.Hour), 10); err != nil || len(due) != 1 || due[0].To != "xuly@dienluc.example.gov.vn" {
			t.Errorf("due mail = %+v, %v", due, err)
		}
		if sent, err := tx.PeriodicReportSent("monthly", "2026-11"); err != nil || !sent {
			t.Errorf("periodic report sent = %v, %v", sent, err)
		}
		m, _ := tx.SeenUID("INBOX", 7, 1)
		for _, b := range []struct {
			key  string
			want []byte
		}{{m.RawKey, r1Raw}, {atts[0].BlobKey, r1Photo}, {mails[0].SentKey, r1Sent}} {
			if got := readBlob(t, db, b.key); !bytes.Equal(got, b.want) {
				t.Errorf("blob %s: %d bytes, want %d", b.key, len(got), len(b.want))
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	err = db.Write(ctx, func(tx *Tx) error {
		r, err := tx.CreateReport(Report{State: "received", ReceivedAt: r1Received.Add(time.Hour), Content: "Mới."})
		if err == nil && r.Code != "PA-2026-000003" {
			t.Errorf("the next report after release 1's is %s", r.Code)
		}
		return err
	})
	if err != nil {
		t.Fatalf("write after the upgrade: %v", err)
	}
}

func readBlob(t *testing.T, db *DB, key string) []byte {
	t.Helper()
	r, err := db.Blobs().Open(key)
	if err != nil {
		t.Errorf("blob %s: %v", key, err)
		return nil
	}
	defer r.Close()
	b, err := io.ReadAll(r)
	if err != nil {
		t.Errorf("blob %s: %v", key, err)
	}
	return b
}

// TestOpenRefusesNewerSchema: a database a newer release migrated is
// refused with a message that says so, and left as it was.
func TestOpenRefusesNewerSchema(t *testing.T) {
	dir := t.TempDir()
	opt := Options{Path: filepath.Join(dir, "phananh.db"), DataDir: filepath.Join(dir, "data"), Key: bytes.Repeat([]byte{7}, 32)}
	ctx := context.Background()
	db, err := Open(ctx, opt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.w.Exec(`INSERT INTO schema_migrations VALUES (9999, 0)`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	_, err = Open(ctx, opt)
	if !errors.Is(err, ErrNewerSchema) || !strings.Contains(err.Error(), "9999") {
		t.Fatalf("Open of a newer database: %v", err)
	}
}

// TestUpgradeKeepsNothingOfAReportErasedBefore: a report erased by a
// release that had data keys (schema 4) but still kept the routing's
// explanation in clear. The upgrade that seals those explanations must
// neither seal it under a key minted for the erased report (its data is
// gone) nor select it again batch after batch: it ends, and the report
// keeps no explanation and no key.
func TestUpgradeKeepsNothingOfAReportErasedBefore(t *testing.T) {
	dir := t.TempDir()
	path, data := filepath.Join(dir, "phananh.db"), filepath.Join(dir, "data")
	master := bytes.Repeat([]byte{7}, 32)
	w := newRelease1(t, path, data, master)
	w.fill()
	schema4, err := migrations.ReadFile("migrations/0004_data_keys.sql")
	if err != nil {
		t.Fatal(err)
	}
	w.exec(string(schema4))
	w.exec(`INSERT INTO schema_migrations VALUES (4, ?)`, time.Now().Unix())
	w.exec(`UPDATE reports SET erased_at = ? WHERE id = 2`, r1Received.Add(24*time.Hour).Unix())
	w.db.Close()

	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	db, err := Open(ctx, Options{Path: path, DataDir: data, Key: master, MailDomain: "haugiang.gov.vn"})
	if err != nil {
		t.Fatalf("open a schema 4 database with an erased report: %v", err)
	}
	defer db.Close()
	var why []byte
	var keyID sql.NullString
	if err := db.r.QueryRowContext(ctx, `SELECT why, key_id FROM reports WHERE id = 2`).Scan(&why, &keyID); err != nil {
		t.Fatal(err)
	}
	if len(why) != 0 || keyID.Valid {
		t.Errorf("the erased report after the upgrade: why %d bytes, key %q; want neither", len(why), keyID.String)
	}
	err = db.Read(ctx, func(tx *Tx) error {
		r, err := tx.Report("PA-2026-000001")
		if err == nil && r.Routing.Why != "cúp điện" {
			t.Errorf("the other report's explanation = %q", r.Routing.Why)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestWrongKeyLeavesTheSchema: a start refused because the key is not the
// database's leaves the database as it found it: the migrations of a newer
// release are not applied, so the release that made it still opens it.
func TestWrongKeyLeavesTheSchema(t *testing.T) {
	dir := t.TempDir()
	path, data := filepath.Join(dir, "phananh.db"), filepath.Join(dir, "data")
	w := newRelease1(t, path, data, bytes.Repeat([]byte{7}, 32))
	w.fill()
	w.db.Close()
	_, err := Open(context.Background(), Options{Path: path, DataDir: data, Key: bytes.Repeat([]byte{8}, 32)})
	if !errors.Is(err, ErrWrongKey) {
		t.Fatalf("Open with another key: %v, want ErrWrongKey", err)
	}
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var version int
	if err := db.QueryRow(`SELECT max(version) FROM schema_migrations`).Scan(&version); err != nil || version != 3 {
		t.Errorf("schema version after the refused start = %d, %v; want release 1's 3", version, err)
	}
}
