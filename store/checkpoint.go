package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"
)

// The writer's connection does not checkpoint (wal_autocheckpoint is 0):
// copying the WAL's pages into the database file, which SQLite otherwise
// does inside a commit every thousand pages, would take that time from the
// one goroutine that every transaction of the process waits for. The
// checkpointer does it on a reader connection, beside the writer — a
// PASSIVE checkpoint waits for neither the writer nor the readers —
// after commits, at most every checkpointEvery, so that each pass copies
// the newest version of many pages once. Durability does not depend on it:
// a commit is durable in the WAL (synchronous=FULL); the checkpoint only
// keeps the WAL short. A reader that holds an old snapshot delays it, as it
// delayed SQLite's own.
const checkpointEvery = 250 * time.Millisecond

// startCheckpointer starts the checkpointer; stopWriter stops it.
func (db *DB) startCheckpointer() {
	db.committed = make(chan struct{}, 1)
	db.checkpointed = make(chan struct{})
	go db.checkpointLoop()
}

// noteCommit tells the checkpointer that the WAL has grown.
func (db *DB) noteCommit() {
	select {
	case db.committed <- struct{}{}:
	default: // already told
	}
}

func (db *DB) checkpointLoop() {
	defer close(db.checkpointed)
	for {
		select {
		case <-db.committed:
		case <-db.stop:
			return
		}
		// A failure is left to the next pass; SQLite checkpoints when the
		// last connection closes too.
		db.checkpointing.Lock()
		db.checkpoint(db.r)
		db.checkpointing.Unlock()
		select {
		case <-time.After(checkpointEvery):
		case <-db.stop:
			return
		}
	}
}

// checkpoint runs a PASSIVE checkpoint on a connection, a reader's or the
// writer's, and notes how many frames the WAL holds.
func (db *DB) checkpoint(conn interface {
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}) error {
	var busy, frames, done int
	err := conn.QueryRowContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`).Scan(&busy, &frames, &done)
	if err == nil {
		db.walFrames.Store(int64(frames))
	}
	return err
}

// SQLite starts writing the WAL from its beginning again — over the same
// blocks of the file, which costs the file system less than blocks added
// at its end — only when a write transaction begins with every frame of
// the WAL already copied into the database. The checkpointer alone never
// sees that while the writer commits group after group: each pass copies
// what was committed before it, and by then the writer has committed
// more, so that in a long drain the WAL only grows (to 140 MB over 5 000
// reports of BenchmarkWriterReport). Once it holds restartFrames, the writer itself checkpoints
// between two groups, copying only what the checkpointer has not copied
// yet, and its next transaction starts the WAL over.
var restartFrames int64 = 8 << 10 // 32 MiB of 4 KiB pages (a variable for the tests)

// restartWAL checkpoints on the writer's connection, between two groups,
// when the WAL has grown past restartFrames. It does nothing while another
// checkpoint runs (the next group tries again), and the WAL is not
// restarted while a reader still reads an older snapshot from it.
func (db *DB) restartWAL() {
	if db.wconn == nil || db.walFrames.Load() < restartFrames || !db.checkpointing.TryLock() {
		return
	}
	defer db.checkpointing.Unlock()
	if db.checkpoint(db.wconn) == nil {
		db.walFrames.Store(0)
	}
}

// truncateTries is how many times truncateWAL tries a busy checkpoint.
const truncateTries = 5

// truncateWAL copies the whole WAL into the database and truncates it to
// nothing: after an erasure, the WAL would otherwise keep the pages the
// erasure rewrote, as they were, until new commits overwrite them. The
// database file itself keeps no copy: the writer's secure_delete zeroes
// what it frees. It waits, up to the busy timeout, for the writer and for
// readers of older snapshots; the writer waits for it in turn, for the time
// of one copy of the (short: see above) WAL.
//
// Another process's checkpoint (phananh ingest beside serve) makes it
// busy at once, without waiting: it tries again, a few times.
func (db *DB) truncateWAL(ctx context.Context) error {
	db.checkpointing.Lock()
	defer db.checkpointing.Unlock()
	var busy, logPages, done int
	for try := range truncateTries {
		if err := db.r.QueryRowContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`).Scan(&busy, &logPages, &done); err != nil {
			return fmt.Errorf("store: checkpoint: %w", err)
		}
		if busy == 0 {
			return nil
		}
		select {
		case <-time.After(time.Duration(try+1) * 50 * time.Millisecond):
		case <-ctx.Done():
			return ctx.Err()
		}
	}
	return fmt.Errorf("store: checkpoint: the WAL could not be truncated (a long read?): the erased values' old pages stay in %s-wal until the next erasure's or the daily job's checkpoint", db.path)
}
