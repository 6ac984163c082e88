package store

import (
	"context"
	"crypto/cipher"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"sync"
	"sync/atomic"
	"time"
)

// keyStore holds the reports' data keys (SPEC 10.5): a SQLite file of its
// own, apart from the database, so that a data backup never holds a key
// and erasing a report is destroying one small row. Each data key is a
// random AES-256 key, stored sealed by the encryption key (envelope
// encryption): the key store alone opens nothing either.
//
// A destroyed key leaves a tombstone (its id and when), so that a database
// restored from a backup older than the erasure learns that the report was
// erased. The file is kept in rollback-journal mode with secure_delete on:
// a destroyed key is overwritten in the file, and no write-ahead log keeps
// an old copy of its page.
type keyStore struct {
	db   *sql.DB
	wrap cipher.AEAD
	path string

	mu     sync.Mutex
	pool   []dataKey // keys already durable in the store, not yet given to a report
	poolAt time.Time // when the pool's keys were made
	// ahead is the next pool, made in the background while the last keys
	// of this one are given; nil when none is being made.
	ahead   *aheadPool
	makings sync.WaitGroup

	// cache keeps the keys read lately, for cacheTTL, so that the reports a
	// process works on cost one read of the key store a minute. A report
	// erased meanwhile no longer names its key (reports.key_id), so a
	// cached key opens nothing of it; destroy drops it at once here.
	cacheMu  sync.Mutex
	cache    map[string]cachedKey
	cacheTTL time.Duration

	stmtMu sync.Mutex
	read1  *sql.Stmt // reads one key: readStmt
	readN  *sql.Stmt // reads a list of keys: readManyStmt

	// reads counts the queries of the file for keys: what the cache and
	// prefetch save.
	reads atomic.Int64
}

type cachedKey struct {
	aead cipher.AEAD
	at   time.Time
}

// keyCacheTTL and keyCacheSize bound the cache of keys read.
const (
	keyCacheTTL  = time.Minute
	keyCacheSize = 4096
)

// dataKey is one report's data key, unwrapped.
type dataKey struct {
	id   string
	aead cipher.AEAD
}

// keyPool is how many keys one write to the key store makes ahead: a new
// report takes one without waiting for a write of its own.
const keyPool = 256

// errKeyMissing is returned for a key the key store has never held, or
// lost: the key store is not this database's, or older than it.
var errKeyMissing = errors.New("data key missing from the key store (store.keys_path): restore the key store from its latest copy (phananh backup --keys)")

// keyDestroyed is returned for a key destroyed by an erasure.
type keyDestroyed struct{ at time.Time }

func (e keyDestroyed) Error() string { return "data key destroyed at " + e.at.Format(time.RFC3339) }

const keyStoreSchema = `
CREATE TABLE IF NOT EXISTS meta (
	key   TEXT PRIMARY KEY,
	value BLOB NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS data_keys (
	id         TEXT PRIMARY KEY,
	wrapped    BLOB    NOT NULL,
	created_at INTEGER NOT NULL
) STRICT;
CREATE TABLE IF NOT EXISTS destroyed (
	id TEXT PRIMARY KEY,
	at INTEGER NOT NULL
) STRICT;`

// ErrKeyStoreMissing is returned when a database whose reports have data
// keys is opened without its key store.
var ErrKeyStoreMissing = errors.New("missing; the database's data keys are there: restore it from its latest copy (phananh backup --keys)")

// openKeyStore opens the key store at path, creating it when create is
// set, and checks that the encryption key opens it. It returns the store's
// id, which the database records so that another installation's key store
// is refused.
func openKeyStore(ctx context.Context, path string, k *keys, create bool) (*keyStore, string, error) {
	created := false
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		if !create {
			return nil, "", fmt.Errorf("key store %s: %w", path, ErrKeyStoreMissing)
		}
		if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
			return nil, "", fmt.Errorf("key store: %w", err)
		}
		// Created here with mode 0600, so that SQLite's journal, which
		// takes the database file's mode, is private too.
		f, err := os.OpenFile(path, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, "", fmt.Errorf("key store: %w", err)
		}
		f.Close()
		created = true
	}
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "journal_mode(DELETE)")
	q.Add("_pragma", "secure_delete(1)")
	q.Add("_pragma", "synchronous(FULL)")
	q.Set("_txlock", "immediate")
	db, err := sql.Open("sqlite", "file:"+path+"?"+q.Encode())
	if err != nil {
		return nil, "", fmt.Errorf("key store %s: %w", path, err)
	}
	db.SetMaxOpenConns(2)
	ks := &keyStore{db: db, wrap: k.wrap, path: path, cache: map[string]cachedKey{}, cacheTTL: keyCacheTTL}
	id, err := ks.init(ctx, k, created)
	if err != nil {
		db.Close()
		return nil, "", fmt.Errorf("key store %s: %w", path, err)
	}
	return ks, id, nil
}

// keyStoreProbe is the value sealed in the key store's meta.key_check.
const keyStoreProbe = "phananh key store check"

// init creates the tables, and the store's id and key check when new. A
// store whose file was just created is made in one transaction: one
// commit and its syncs, not one a statement; an existing one is only
// read (its tables' creation changes nothing), as a read-only copy can be.
func (ks *keyStore) init(ctx context.Context, k *keys, created bool) (string, error) {
	var q interface {
		ExecContext(context.Context, string, ...any) (sql.Result, error)
		QueryRowContext(context.Context, string, ...any) *sql.Row
	} = ks.db
	var tx *sql.Tx
	if created {
		var err error
		if tx, err = ks.db.BeginTx(ctx, nil); err != nil {
			return "", err
		}
		defer tx.Rollback()
		q = tx
	}
	if _, err := q.ExecContext(ctx, keyStoreSchema); err != nil {
		return "", err
	}
	var id, check []byte
	made := false
	err := q.QueryRowContext(ctx, `SELECT (SELECT value FROM meta WHERE key = 'id'), (SELECT value FROM meta WHERE key = 'key_check')`).Scan(&id, &check)
	if err != nil {
		return "", err
	}
	if id == nil {
		id, made = []byte(newKeyID()), true
		if _, err := q.ExecContext(ctx, `INSERT INTO meta (key, value) VALUES ('id', ?), ('key_check', ?)`,
			id, k.seal("meta", "value", 1, keyStoreProbe)); err != nil {
			return "", err
		}
	}
	if tx != nil {
		if err := tx.Commit(); err != nil {
			return "", err
		}
	}
	if made {
		return string(id), nil
	}
	if v, err := k.open("meta", "value", 1, check); err != nil || v != keyStoreProbe {
		return "", ErrWrongKey
	}
	return string(id), nil
}

func (ks *keyStore) close() error {
	ks.makings.Wait()
	if ks.read1 != nil {
		ks.read1.Close()
	}
	if ks.readN != nil {
		ks.readN.Close()
	}
	return ks.db.Close()
}

// newKeyID returns a random id: 16 bytes, hexadecimal.
func newKeyID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// take returns a new data key, already durable in the store, made less
// than keyPoolAge ago: a key older than that and named by no report is an
// orphan to SweepOrphans, in any process.
//
// When half the pool is given, the next is made in the background, so
// that the writer, which takes a key for each new report, does not wait
// for the key store's commit (its fsyncs) every keyPool reports.
func (ks *keyStore) take(ctx context.Context) (dataKey, error) {
	ks.mu.Lock()
	defer ks.mu.Unlock()
	if len(ks.pool) == 0 || tooOld(ks.poolAt) {
		if !ks.takeAhead() {
			if err := ks.fill(ctx); err != nil {
				return dataKey{}, err
			}
		}
	}
	k := ks.pool[len(ks.pool)-1]
	ks.pool = ks.pool[:len(ks.pool)-1]
	if len(ks.pool) == keyPool/2 && ks.ahead == nil {
		ks.makeAhead()
	}
	// The report's notices are rendered a moment later: they find its key
	// here rather than in the file.
	ks.remember(k.id, k.aead)
	return k, nil
}

// aheadPool is a pool being made in the background.
type aheadPool struct {
	done chan struct{} // closed when keys, at and err are set
	keys []dataKey
	at   time.Time
	err  error
}

// makeAhead starts making the next pool. ks.mu is held.
func (ks *keyStore) makeAhead() {
	a := &aheadPool{done: make(chan struct{})}
	ks.ahead = a
	ks.makings.Go(func() {
		defer close(a.done)
		a.keys, a.at, a.err = ks.make(context.Background(), nil)
	})
}

// takeAhead makes the pool made ahead, waiting for it if need be, the
// pool; it reports whether it did. A pool made ahead that failed, or that
// is no longer young enough, or that would leave the keys left in the pool
// undeleted, is not taken: its keys join the pool, for fill to delete.
// ks.mu is held.
func (ks *keyStore) takeAhead() bool {
	a := ks.ahead
	if a == nil {
		return false
	}
	<-a.done
	ks.ahead = nil
	if a.err != nil {
		return false
	}
	if len(ks.pool) > 0 || tooOld(a.at) {
		ks.pool = append(ks.pool, a.keys...)
		return false
	}
	ks.pool, ks.poolAt = a.keys, a.at
	return true
}

// fill makes keyPool new keys in one transaction, and deletes the keys
// left in the pool, too old to be given. ks.mu is held.
func (ks *keyStore) fill(ctx context.Context) error {
	made, at, err := ks.make(ctx, ks.pool)
	if err != nil {
		return err
	}
	ks.pool, ks.poolAt = made, at
	return nil
}

// make makes keyPool new keys in one transaction, which deletes the keys
// of old, and returns them with when they were made. The insert is
// prepared once for the pool: SQLite took about as long to compile it as
// to run it, for each key.
func (ks *keyStore) make(ctx context.Context, old []dataKey) ([]dataKey, time.Time, error) {
	tx, err := ks.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("key store: %w", err)
	}
	defer tx.Rollback()
	for _, k := range old {
		if _, err := tx.ExecContext(ctx, `DELETE FROM data_keys WHERE id = ?`, k.id); err != nil {
			return nil, time.Time{}, fmt.Errorf("key store: %w", err)
		}
	}
	insert, err := tx.PrepareContext(ctx, `INSERT INTO data_keys (id, wrapped, created_at) VALUES (?, ?, ?)`)
	if err != nil {
		return nil, time.Time{}, fmt.Errorf("key store: %w", err)
	}
	defer insert.Close()
	at := wallNow()
	now := at.Unix()
	made := make([]dataKey, 0, keyPool)
	for range keyPool {
		raw := make([]byte, 32)
		rand.Read(raw)
		aead, err := newAEAD(raw)
		if err != nil {
			return nil, time.Time{}, err
		}
		id := newKeyID()
		if _, err := insert.ExecContext(ctx, id, ks.wrapKey(id, raw), now); err != nil {
			return nil, time.Time{}, fmt.Errorf("key store: %w", err)
		}
		made = append(made, dataKey{id, aead})
	}
	if err := tx.Commit(); err != nil {
		return nil, time.Time{}, fmt.Errorf("key store: %w", err)
	}
	return made, at, nil
}

// unusedBefore returns, in the order of their ids, the ids of the keys
// made before cutoff that are not in this process's pool.
func (ks *keyStore) unusedBefore(ctx context.Context, cutoff time.Time) ([]string, error) {
	ks.mu.Lock()
	pooled := map[string]bool{}
	for _, k := range ks.pool {
		pooled[k.id] = true
	}
	if a := ks.ahead; a != nil {
		// Keys being made are younger than any cutoff.
		select {
		case <-a.done:
			for _, k := range a.keys {
				pooled[k.id] = true
			}
		default:
		}
	}
	ks.mu.Unlock()
	rows, err := ks.db.QueryContext(ctx, `SELECT id FROM data_keys WHERE created_at < ? ORDER BY id`, cutoff.Unix())
	if err != nil {
		return nil, fmt.Errorf("key store: %w", err)
	}
	defer rows.Close()
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, fmt.Errorf("key store: %w", err)
		}
		if !pooled[id] {
			ids = append(ids, id)
		}
	}
	return ids, rows.Err()
}

// deleteUnused deletes keys that no report was ever given: no tombstone.
func (ks *keyStore) deleteUnused(ctx context.Context, ids []string) error {
	tx, err := ks.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	defer tx.Rollback()
	for _, id := range ids {
		if _, err := tx.ExecContext(ctx, `DELETE FROM data_keys WHERE id = ?`, id); err != nil {
			return fmt.Errorf("key store: %w", err)
		}
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	return nil
}

func (ks *keyStore) wrapKey(id string, raw []byte) []byte {
	return seal(ks.wrap, sealReport, "data_keys", id, 0, raw)
}

// get returns the key with id: errKeyMissing when the store never held it,
// a keyDestroyed when an erasure destroyed it.
func (ks *keyStore) get(ctx context.Context, id string) (cipher.AEAD, error) {
	if aead := ks.cached(id); aead != nil {
		return aead, nil
	}
	aead, err := ks.read(ctx, id)
	if err == nil {
		ks.remember(id, aead)
	}
	return aead, err
}

func (ks *keyStore) cached(id string) cipher.AEAD {
	ks.cacheMu.Lock()
	defer ks.cacheMu.Unlock()
	c, ok := ks.cache[id]
	if !ok || time.Since(c.at) >= ks.cacheTTL {
		return nil
	}
	return c.aead
}

func (ks *keyStore) remember(id string, aead cipher.AEAD) {
	ks.cacheMu.Lock()
	defer ks.cacheMu.Unlock()
	if len(ks.cache) >= keyCacheSize {
		ks.evict(time.Now())
	}
	ks.cache[id] = cachedKey{aead, time.Now()}
}

// evict makes room in the full cache: it drops the keys past cacheTTL and,
// while more than half the bound are left, the ones remembered first. The
// keys remembered last are those of the reports whose notices are still
// to be rendered: a backlog of more reports than the cache holds keeps
// finding its keys here. It runs once for every keyCacheSize/2 keys
// remembered at most. ks.cacheMu is held.
func (ks *keyStore) evict(now time.Time) {
	ats := make([]time.Time, 0, len(ks.cache))
	for id, c := range ks.cache {
		if now.Sub(c.at) >= ks.cacheTTL {
			delete(ks.cache, id)
			continue
		}
		ats = append(ats, c.at)
	}
	if len(ats) <= keyCacheSize/2 {
		return
	}
	slices.SortFunc(ats, time.Time.Compare)
	keep := ats[len(ats)-keyCacheSize/2]
	for id, c := range ks.cache {
		if c.at.Before(keep) {
			delete(ks.cache, id)
		}
	}
	if len(ks.cache) >= keyCacheSize {
		// Remembered all at the same instant, on a clock that coarse.
		clear(ks.cache)
	}
}

func (ks *keyStore) forget(id string) {
	ks.cacheMu.Lock()
	defer ks.cacheMu.Unlock()
	delete(ks.cache, id)
}

// prefetchChunk is how many keys one query of prefetch reads at most.
const prefetchChunk = 256

// prefetch reads the keys of ids that the cache lacks from the file, in one
// query for up to prefetchChunk of them, and caches them: a batch of
// reports' keys costs one read of the key store rather than one each. A
// key it does not find or cannot read is left out, for get to report.
func (ks *keyStore) prefetch(ctx context.Context, ids []string) {
	var want []string
	seen := make(map[string]bool, len(ids))
	for _, id := range ids {
		if !seen[id] && ks.cached(id) == nil {
			want = append(want, id)
		}
		seen[id] = true
	}
	for len(want) > 0 {
		n := min(len(want), prefetchChunk)
		ks.readMany(ctx, want[:n])
		want = want[n:]
	}
}

// readMany reads and unwraps the keys of ids from the file, and caches
// them; it leaves out those it cannot. The ids are bound as one JSON list,
// so that the statement's text is the same for any number of them and is
// prepared once (readManyStmt).
func (ks *keyStore) readMany(ctx context.Context, ids []string) {
	ks.reads.Add(1)
	list, err := json.Marshal(ids)
	if err != nil {
		return
	}
	st, err := ks.readManyStmt()
	if err != nil {
		return
	}
	rows, err := st.QueryContext(ctx, string(list))
	if err != nil {
		return
	}
	defer rows.Close()
	for rows.Next() {
		var id string
		var wrapped []byte
		if rows.Scan(&id, &wrapped) != nil {
			return
		}
		if aead, err := ks.unwrap(id, wrapped); err == nil {
			ks.remember(id, aead)
		}
	}
}

// read reads and unwraps a key from the file.
func (ks *keyStore) read(ctx context.Context, id string) (cipher.AEAD, error) {
	ks.reads.Add(1)
	var wrapped []byte
	st, err := ks.readStmt()
	if err != nil {
		return nil, fmt.Errorf("key store: %w", err)
	}
	err = st.QueryRowContext(ctx, id).Scan(&wrapped)
	if errors.Is(err, sql.ErrNoRows) {
		var at int64
		err := ks.db.QueryRowContext(ctx, `SELECT at FROM destroyed WHERE id = ?`, id).Scan(&at)
		if errors.Is(err, sql.ErrNoRows) {
			return nil, errKeyMissing
		}
		if err != nil {
			return nil, fmt.Errorf("key store: %w", err)
		}
		return nil, keyDestroyed{time.Unix(at, 0).UTC()}
	}
	if err != nil {
		return nil, fmt.Errorf("key store: %w", err)
	}
	return ks.unwrap(id, wrapped)
}

// unwrap opens the key with id as the file holds it, wrapped.
func (ks *keyStore) unwrap(id string, wrapped []byte) (cipher.AEAD, error) {
	raw, err := open(ks.wrap, "data_keys", id, 0, wrapped)
	if err != nil {
		return nil, fmt.Errorf("key store: key %s: %w", id, err)
	}
	return newAEAD([]byte(raw))
}

// readStmt returns the statement that reads a key, prepared the first
// time: SQLite takes longer to compile it than to run it, and a backlog's
// notices read keys by the thousand.
func (ks *keyStore) readStmt() (*sql.Stmt, error) {
	ks.stmtMu.Lock()
	defer ks.stmtMu.Unlock()
	if ks.read1 == nil {
		st, err := ks.db.PrepareContext(context.Background(), `SELECT wrapped FROM data_keys WHERE id = ?`)
		if err != nil {
			return nil, err
		}
		ks.read1 = st
	}
	return ks.read1, nil
}

// readManyStmt returns the statement that reads the keys of a JSON list
// of ids, prepared the first time.
func (ks *keyStore) readManyStmt() (*sql.Stmt, error) {
	ks.stmtMu.Lock()
	defer ks.stmtMu.Unlock()
	if ks.readN == nil {
		st, err := ks.db.PrepareContext(context.Background(), `SELECT id, wrapped FROM data_keys WHERE id IN (SELECT value FROM json_each(?))`)
		if err != nil {
			return nil, err
		}
		ks.readN = st
	}
	return ks.readN, nil
}

// has reports whether the store holds the key with id.
func (ks *keyStore) has(ctx context.Context, id string) (bool, error) {
	var n int
	err := ks.db.QueryRowContext(ctx, `SELECT count(*) FROM data_keys WHERE id = ?`, id).Scan(&n)
	return n > 0, err
}

// destroy deletes a key and leaves its tombstone; destroying a key again
// (or one never held) only writes the tombstone.
func (ks *keyStore) destroy(ctx context.Context, id string, at time.Time) error {
	ks.forget(id)
	tx, err := ks.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM data_keys WHERE id = ?`, id); err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO destroyed (id, at) VALUES (?, ?) ON CONFLICT (id) DO NOTHING`, id, at.Unix()); err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("key store: %w", err)
	}
	return nil
}

// backup writes a consistent copy of the key store to dest (VACUUM INTO:
// a fresh file, without the free pages of destroyed keys).
func (ks *keyStore) backup(ctx context.Context, dest string) error {
	f, err := os.OpenFile(dest, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o600) // VACUUM INTO takes an empty file
	if err != nil {
		return fmt.Errorf("key store backup: %w", err)
	}
	f.Close()
	if _, err := ks.db.ExecContext(ctx, `VACUUM INTO ?`, dest); err != nil {
		return fmt.Errorf("key store backup: %w", err)
	}
	return nil
}

// wallNow is the wall clock the key store's making and giving of keys
// read (a variable: tests step it).
var wallNow = time.Now

// tooOld reports whether keys made at at are too old to be given: by
// the time elapsed since, or by the wall clock, which the sweep reads
// their making by (SweepOrphans) and which may have stepped forward
// since.
func tooOld(at time.Time) bool {
	return time.Since(at) >= keyPoolAge || wallNow().Sub(at.Round(0)) >= keyPoolAge
}
