package store

import (
	"context"
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
		db.r.ExecContext(context.Background(), `PRAGMA wal_checkpoint(PASSIVE)`)
		select {
		case <-time.After(checkpointEvery):
		case <-db.stop:
			return
		}
	}
}
