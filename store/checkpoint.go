package store

import (
	"context"
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
		db.r.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		db.checkpointing.Unlock()
		select {
		case <-time.After(checkpointEvery):
		case <-db.stop:
			return
		}
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
