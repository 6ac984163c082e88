// Package store keeps phananh's state: one SQLite file (reports, the event
// log, the messages seen, attachments' metadata, deadlines and the outbox)
// and the encrypted blob files of the data folder. It is the only package
// that knows SQL.
//
// Personal data is encrypted before it reaches SQLite (SPEC 10.2), so the
// database file alone reveals no name, phone number, address, email address
// or report text; see seal.go and blobs.go. Each report's personal data is
// sealed under a data key of its own, kept in the key store apart from the
// database (SPEC 10.5; datakeys.go, keystore.go), so that destroying one
// small key erases a report from the database and every copy of it.
//
// One process writes through one connection, the writer's (writer.go),
// with every transaction begun IMMEDIATE, so that `phananh ingest` or
// `phananh show` can run beside `phananh serve`: the busy timeout makes the
// second writer wait its turn.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, no cgo
)

//go:embed migrations/*.sql
var migrations embed.FS

// Options says where the store lives and how to unlock it.
type Options struct {
	Path    string // the SQLite file
	DataDir string // the folder of blobs
	// KeysPath is the key store of the reports' data keys, a file apart
	// from the database and the data folder (SPEC 10.5); "" is Path with
	// "-keys" added before its extension.
	KeysPath   string
	Key        []byte // the 32-byte encryption key
	MailDomain string // the domain of the Message-IDs we mint
}

// DefaultKeysPath is the key store of a database at path when Options
// names none: "phananh.db" keeps its keys in "phananh-keys.db".
func DefaultKeysPath(path string) string {
	ext := filepath.Ext(path)
	return strings.TrimSuffix(path, ext) + "-keys" + ext
}

// DB is an open store.
type DB struct {
	w        *sql.DB // the writer's connection, and one for what runs beside it
	r        *sql.DB // readers
	keys     *keys
	keystore *keyStore
	blobs    *Blobs
	domain   string
	path     string
	dir      string

	// The readers' prepared statements (stmts.go).
	readStmts stmtCache

	// The writer goroutine (writer.go): its connection and the statements
	// prepared on it, the next ids of its group and the lookup HMACs it
	// computed (Tx.indexOf).
	wconn        *sql.Conn
	writeStmts   map[string]*sql.Stmt
	nextIDs      map[string]int64
	groupIndexes map[indexed][]byte
	// groupPlaced are the packs found in their place in the group's
	// transaction (Tx.packInPlace): one look a pack a transaction.
	groupPlaced map[string]bool
	// groupMaps are the three maps above, emptied, between two groups:
	// made again for each group, they grew entry by entry to some five a
	// report (groupMaps.take).
	groupMaps groupMaps
	queue     chan *writeReq
	stop      chan struct{}
	stopOnce  sync.Once
	stopped   chan struct{}
	// The checkpointer (checkpoint.go).
	committed, checkpointed chan struct{}
	checkpointing           sync.Mutex   // one checkpoint at a time in the process
	walFrames               atomic.Int64 // the frames in the WAL at the last checkpoint
	// sweeping is held by the orphan sweep that removes (SweepOrphans).
	sweeping sync.Mutex
}

// ErrWrongKey is returned by Open when the key is not the one the database
// was created with.
var ErrWrongKey = errors.New("the encryption key does not open this database (is security.encryption_key_file the right file?)")

// Open opens (creating if needed) the store and brings its schema up to date.
func Open(ctx context.Context, opt Options) (*DB, error) {
	k, err := deriveKeys(opt.Key)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(filepath.Dir(opt.Path), 0o700); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	if err := createPrivate(opt.Path); err != nil {
		return nil, fmt.Errorf("store: %w", err)
	}
	w, err := sql.Open("sqlite", dsn(opt.Path, true))
	if err != nil {
		return nil, fmt.Errorf("store %s: %w", opt.Path, err)
	}
	// The writer holds one connection for its transactions (writer.go);
	// the other serves what runs outside them — the migrations at start,
	// the backup's snapshot, the compaction after an upgrade — and waits
	// for the writer's transaction, through the busy timeout, as another
	// process's would. That one is closed once idle for a minute: a
	// backup's snapshot reads the whole database through it, and its page
	// cache (cache_size, below) would stay filled with it.
	w.SetMaxOpenConns(2)
	w.SetConnMaxIdleTime(time.Minute)
	r, err := sql.Open("sqlite", dsn(opt.Path, false))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store %s: %w", opt.Path, err)
	}
	r.SetMaxOpenConns(4)
	db := &DB{w: w, r: r, keys: k, domain: opt.MailDomain, path: opt.Path, dir: opt.DataDir}
	db.startWriter()
	if err := db.init(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if db.blobs, err = newBlobs(opt.DataDir, k); err != nil {
		db.Close()
		return nil, err
	}
	db.blobs.db = db
	keysPath := opt.KeysPath
	if keysPath == "" {
		keysPath = DefaultKeysPath(opt.Path)
	}
	if err := db.openKeyStore(ctx, keysPath); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.migrateKeys(ctx); err != nil {
		db.Close()
		return nil, err
	}
	if err := db.sealClearTexts(ctx); err != nil {
		db.Close()
		return nil, err
	}
	return db, nil
}

// openKeyStore opens the key store of the reports' data keys: created with
// a new database (or one from before data keys), and from then on required
// to be the one the database recorded.
func (db *DB) openKeyStore(ctx context.Context, path string) error {
	var want []byte
	err := db.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'keystore_id'`).Scan(&want)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("store: %w", err)
	}
	ks, id, err := openKeyStore(ctx, path, db.keys, want == nil)
	if err != nil {
		return err
	}
	db.keystore = ks
	if want == nil {
		_, err := db.w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('keystore_id', ?)`, []byte(id))
		return err
	}
	if string(want) != id {
		return fmt.Errorf("key store %s: not this database's key store (another installation's?)", path)
	}
	return nil
}

// dsn is the modernc.org/sqlite data source name: WAL, a busy timeout,
// foreign keys, and for the writer secure deletion and IMMEDIATE
// transactions (LIBRARY-NOTES: without them concurrent read-then-write
// transactions fail with SQLITE_BUSY).
func dsn(path string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(WAL)")
	q.Add("_pragma", "foreign_keys(1)")
	q.Add("_pragma", "synchronous(FULL)")
	if writer {
		// Deleted and overwritten values are zeroed, not left in the
		// file's free space.
		q.Add("_pragma", "secure_delete(1)")
		// The journal of a savepoint (writer.go) stays in memory rather
		// than going to a temporary file past 64 KiB.
		q.Add("_pragma", "temp_store(MEMORY)")
		// The checkpointer copies the WAL into the database, not the
		// writer's commits (checkpoint.go).
		q.Add("_pragma", "wal_autocheckpoint(0)")
		// The page cache holds a whole group's changes (writer.go): a
		// group of hundreds of messages would otherwise overflow the
		// default 2 MiB and be spilled to the WAL in the middle of its
		// transaction, page by page, some pages twice. Pages are
		// allocated as they are used.
		q.Add("_pragma", "cache_size(-65536)")
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	return "file:" + path + "?" + q.Encode()
}

// createPrivate creates the database file readable by its owner only
// before SQLite opens it (SPEC 10.2): SQLite gives the WAL and shared-memory
// files the mode of the database file, so they are born 0600 too, whatever
// the umask. The files of an existing database are set to 0600.
func createPrivate(path string) error {
	f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	for _, p := range []string{path, path + "-wal", path + "-shm"} {
		if err := os.Chmod(p, 0o600); err != nil && !errors.Is(err, os.ErrNotExist) {
			return err
		}
	}
	return nil
}

// init checks the key and brings the schema up to date. An existing
// database's key is checked before its migrations run, so that a start
// refused for the key leaves the schema as it found it (the release that
// made it still opens it); a new database records its key check once its
// tables are made.
func (db *DB) init(ctx context.Context) error {
	var made int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema WHERE type = 'table' AND name = 'meta'`).Scan(&made); err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if made > 0 {
		if err := db.checkKey(ctx); err != nil {
			return err
		}
	}
	if err := db.migrate(ctx); err != nil {
		return err
	}
	if made > 0 {
		return nil
	}
	return db.checkKey(ctx)
}

// migrate applies the embedded migrations not yet applied, each in its own
// transaction, in the order of their numbers.
func (db *DB) migrate(ctx context.Context) error {
	if _, err := db.w.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL) STRICT`); err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	names, err := fs.Glob(migrations, "migrations/*.sql")
	if err != nil {
		return err
	}
	slices.Sort(names)
	versions := make([]int, len(names))
	for i, name := range names {
		base := filepath.Base(name)
		if versions[i], err = strconv.Atoi(strings.SplitN(base, "_", 2)[0]); err != nil {
			return fmt.Errorf("store: migration %s: no version number", base)
		}
	}
	if err := db.refuseNewer(ctx, slices.Max(versions)); err != nil {
		return err
	}
	fresh, err := db.noneApplied(ctx)
	if err != nil {
		return err
	}
	if fresh && oneTransactionFresh {
		return db.applyAll(ctx, versions, names)
	}
	for i, name := range names {
		if err := db.apply(ctx, versions[i], name); err != nil {
			return fmt.Errorf("store: migration %s: %w", filepath.Base(name), err)
		}
	}
	return nil
}

// oneTransactionFresh says whether a fresh database's migrations run in
// one transaction (applyAll); tests turn it off to compare.
var oneTransactionFresh = true

// noneApplied reports whether no migration has been applied: a fresh
// database.
func (db *DB) noneApplied(ctx context.Context) (bool, error) {
	var n int
	if err := db.w.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&n); err != nil {
		return false, fmt.Errorf("store: migrations: %w", err)
	}
	return n == 0, nil
}

// applyAll applies the migrations to a fresh database in one transaction,
// in the order of their numbers, as apply does each in its own: one commit
// and its syncs, not one a migration.
func (db *DB) applyAll(ctx context.Context, versions []int, names []string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	for i, name := range names {
		if err := applyIn(ctx, tx, versions[i], name); err != nil {
			return fmt.Errorf("store: migration %s: %w", filepath.Base(name), err)
		}
	}
	return tx.Commit()
}

// ErrNewerSchema is returned by Open for a database that a newer release
// of phananh has migrated: this one does not know its tables, and writing
// to them could damage it.
var ErrNewerSchema = errors.New("the database was written by a newer phananh")

// refuseNewer fails when the database holds a migration newer than known,
// the newest this binary carries.
func (db *DB) refuseNewer(ctx context.Context, known int) error {
	var newest int
	if err := db.w.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&newest); err != nil {
		return fmt.Errorf("store: migrations: %w", err)
	}
	if newest > known {
		return fmt.Errorf("store %s: %w (schema version %d; this one knows up to %d): run that release again, or restore a backup made with this one",
			db.path, ErrNewerSchema, newest, known)
	}
	return nil
}

// schemaRewrites are the migrations that rewrite tables' definitions in
// place (PRAGMA writable_schema): after one, apply raises the schema
// version, which SQLite leaves as it was.
var schemaRewrites = map[int]bool{17: true}

func (db *DB) apply(ctx context.Context, version int, name string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := applyIn(ctx, tx, version, name); err != nil {
		return err
	}
	return tx.Commit()
}

// applyIn applies a migration in tx unless it was applied.
func applyIn(ctx context.Context, tx *sql.Tx, version int, name string) error {
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM schema_migrations WHERE version = ?`, version).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return nil
	}
	body, err := migrations.ReadFile(name)
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, string(body)); err != nil {
		return err
	}
	if schemaRewrites[version] {
		// The migration rewrote table definitions in place: a new schema
		// version has every connection, this one too, read them again.
		var v int64
		if err := tx.QueryRowContext(ctx, `PRAGMA schema_version`).Scan(&v); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(`PRAGMA schema_version = %d`, v+1)); err != nil {
			return err
		}
	}
	_, err = tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)`, version, time.Now().Unix())
	return err
}

// keyProbe is the value sealed in meta.key_check.
const keyProbe = "phananh key check"

// checkKey seals a known value in a new database and, in an existing one,
// checks that it opens: a wrong key fails at start, not at the first report.
func (db *DB) checkKey(ctx context.Context) error {
	const probe = keyProbe
	var sealed []byte
	err := db.w.QueryRowContext(ctx, `SELECT value FROM meta WHERE key = 'key_check'`).Scan(&sealed)
	if errors.Is(err, sql.ErrNoRows) {
		_, err = db.w.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('key_check', ?)`, db.keys.seal("meta", "value", 0, probe))
		return err
	}
	if err != nil {
		return fmt.Errorf("store: %w", err)
	}
	if v, err := db.keys.open("meta", "value", 0, sealed); err != nil || v != probe {
		return ErrWrongKey
	}
	return nil
}

// Close closes the database.
func (db *DB) Close() error {
	db.stopWriter()
	db.readStmts.close()
	err := errors.Join(db.w.Close(), db.r.Close())
	if db.blobs != nil {
		db.blobs.packs.close()
	}
	if db.keystore != nil {
		err = errors.Join(err, db.keystore.close())
	}
	return err
}

// Blobs is the encrypted blob store of the data folder.
func (db *DB) Blobs() *Blobs { return db.blobs }

// Tx is a transaction; its methods are the store's whole vocabulary.
type Tx struct {
	ctx context.Context
	// rtx is a reader's transaction; a writable one's statements run on
	// the writer's connection (DB.wconn), in the writer's transaction.
	rtx      *sql.Tx
	db       *DB
	writable bool
	keys     map[int64]*rowKey // the reports' keys looked up so far
	err      error             // a failure that rolls the transaction back
	// created are the reports this transaction made, by code, with the
	// kinds of deadline set on each since (reports.go): what the database
	// would answer of them is known without asking it.
	created map[string]*createdReport
	// logs are the records of its logger (Tx.Logger), written once it
	// is committed.
	logs []logged
	// dropped are the blobs written for an erased report that its rows do
	// not name (Tx.dropBlob), freed once it is committed.
	dropped []blobRef
	// reading are the queries whose prepared statements have rows open
	// (Tx.query), each once: run again, their statements would reset them.
	reading []string
}

// createdReport is a report a transaction made.
type createdReport struct {
	id        int64
	deadlines []string // the kinds set on it
}

// Read runs fn in a read-only transaction that sees one consistent snapshot.
func (db *DB) Read(ctx context.Context, fn func(*Tx) error) error {
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	defer tx.Rollback()
	t := &Tx{ctx: ctx, rtx: tx, db: db}
	if err := fn(t); err != nil {
		return err
	}
	if t.err != nil {
		return t.err
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	db.readStmts.prepareWanted(db.r)
	return nil
}

func (t *Tx) exec(query string, args ...any) (sql.Result, error) {
	if st := t.stmt(query); st != nil {
		return st.ExecContext(t.ctx, args...)
	}
	if t.writable {
		return t.db.wconn.ExecContext(t.ctx, query, args...)
	}
	return t.rtx.ExecContext(t.ctx, query, args...)
}

// query runs a query whose rows the caller iterates, through the
// statement prepared for it (Tx.stmt): SQLite can take as long to compile
// a query as to step through its rows (the outbox's join of 22 columns,
// read twice a mailer's batch). A caller may run the same query again
// while iterating: that run, which the statement would serve by resetting
// the rows still open (modernc.org/sqlite steps one statement for each of
// its runs), compiles the query anew.
func (t *Tx) query(query string, args ...any) (*txRows, error) {
	if st := t.stmt(query); st != nil {
		rows, err := st.QueryContext(t.ctx, args...)
		if err != nil {
			return nil, err
		}
		t.reading = append(t.reading, query)
		return &txRows{Rows: rows, tx: t, query: query}, nil
	}
	var rows *sql.Rows
	var err error
	if t.writable {
		rows, err = t.db.wconn.QueryContext(t.ctx, query, args...)
	} else {
		rows, err = t.rtx.QueryContext(t.ctx, query, args...)
	}
	if err != nil {
		return nil, err
	}
	return &txRows{Rows: rows}, nil
}

// txRows are the rows of a query of a transaction (Tx.query). Those read
// through its prepared statement hold the statement until they are
// closed or read to their end: until then, the transaction runs the query
// without it.
type txRows struct {
	*sql.Rows
	tx    *Tx // nil when the query was compiled for these rows alone
	query string
}

// Next is sql.Rows.Next, which closes the rows when none is left: the
// statement is released then.
func (r *txRows) Next() bool {
	if r.Rows.Next() {
		return true
	}
	r.release()
	return false
}

// Close closes the rows and releases their statement.
func (r *txRows) Close() error {
	r.release()
	return r.Rows.Close()
}

// release lets the transaction run the rows' statement again.
func (r *txRows) release() {
	if r.tx == nil {
		return
	}
	if i := slices.Index(r.tx.reading, r.query); i >= 0 {
		r.tx.reading = slices.Delete(r.tx.reading, i, i+1)
	}
	r.tx = nil
}

func (t *Tx) queryRow(query string, args ...any) *sql.Row {
	if st := t.stmt(query); st != nil {
		return st.QueryRowContext(t.ctx, args...)
	}
	if t.writable {
		return t.db.wconn.QueryRowContext(t.ctx, query, args...)
	}
	return t.rtx.QueryRowContext(t.ctx, query, args...)
}

// stmt returns the statement prepared for query (Tx.prepared), or nil
// when rows of it are open in t (Tx.query): the query is compiled anew.
func (t *Tx) stmt(query string) *sql.Stmt {
	if slices.Contains(t.reading, query) {
		return nil
	}
	return t.prepared(query)
}

// prepared returns the statement for query: in the writer, prepared on its
// connection; in a reader's transaction, the transaction's form of the
// statement cached for query. It returns nil when query is not prepared
// (yet: see stmtCache), or does not prepare.
func (t *Tx) prepared(query string) *sql.Stmt {
	if t.writable {
		return t.db.writerStmt(query)
	}
	if st := t.db.readStmts.lookup(query); st != nil {
		return t.rtx.StmtContext(t.ctx, st)
	}
	return nil
}

// nextID returns the id the next row of table will get. Sealed columns are
// bound to their row, so the id must be known before the row is written;
// the single writer makes max+1 safe. Within a group of the writer
// (writer.go), which holds the database's write lock throughout, the ids
// are counted from the first max+1 on, until a savepoint rolls back.
func (t *Tx) nextID(table string) (int64, error) {
	if t.writable {
		if id, ok := t.db.nextIDs[table]; ok {
			t.db.nextIDs[table] = id + 1
			return id, nil
		}
	}
	var id int64
	err := t.queryRow(`SELECT coalesce(max(id), 0) + 1 FROM ` + table).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("store: %s: %w", table, err)
	}
	if t.writable && t.db.nextIDs != nil {
		t.db.nextIDs[table] = id + 1
	}
	return id, nil
}

// unix converts a time to the stored form; the zero time is NULL.
func unix(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// fromUnix converts a stored time back; NULL is the zero time.
func fromUnix(v sql.NullInt64) time.Time {
	if !v.Valid {
		return time.Time{}
	}
	return time.Unix(v.Int64, 0).UTC()
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}
