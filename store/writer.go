package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
)

// The writer is one goroutine that owns the writer connection and commits
// the write transactions of the whole process — intake's messages, the
// outbox's records, the deadline watch, the commands — in groups: it takes
// every transaction queued while it was committing the previous group,
// runs them in the order queued, and makes them all durable with one
// commit (group commit, as databases do with their log). To its caller
// each is a transaction of its own: it sees everything committed or run
// before it, and when it fails, only its own changes are rolled back. A
// transaction queued while the writer is idle is committed at once,
// alone: grouping adds no wait.
//
// The writer runs its groups on a connection of its own (a *sql.Conn it
// holds from its first group until Close), with BEGIN IMMEDIATE and COMMIT
// and the statements prepared on it once, rather than in a *sql.Tx of the
// pool: database/sql starts a goroutine for each query in a *sql.Tx to
// watch the transaction's context, and makes a statement the
// transaction's form of a cached one for each group. Its contexts are
// never cancelled (see Write), so its queries need no watching.
//
// A transaction of Write runs in a savepoint of its own. Those of
// WriteEach, which may be run again, run one after another in one
// savepoint (a run): a savepoint costs SQLite a copy of every page that a
// transaction changes for the first time since it began, and in a group
// of hundreds of messages nearly every page a message changes was changed
// by the one before. When one of a run fails, the run is rolled back, the
// transactions before the failed one are run again each in a savepoint of
// its own, and the failed one's error stands: it fails alone, as if each
// had had its savepoint from the start.
//
// A run that begins the group's transaction opens no savepoint: the
// transaction's start is its rollback point. When one of its transactions
// fails, the whole database transaction is rolled back and begun again
// (BEGIN IMMEDIATE), and the transactions before the failed one are run
// again each in a savepoint, as above. A savepoint's journal keeps a copy
// of every page of the database that the run changes for the first time;
// a group's first run — in a drain, intake's batch or the outbox's
// records, and those queued beside them — keeps none.

// maxGroup bounds the transactions one commit takes, so that a long queue
// is committed in steps and its first callers are not kept waiting for the
// last.
const maxGroup = 512

// errClosed is returned for a transaction queued after Close.
var errClosed = errors.New("store: closed")

// errGroupFailed is returned to a transaction that succeeded in a group
// that another's failure rolled back entirely (the database refused its
// savepoint's rollback: the disk is full, say).
var errGroupFailed = errors.New("store: rolled back with the transactions committed beside it")

// writeReq is one caller's transactions, waiting for the writer.
type writeReq struct {
	ctx  context.Context
	fns  []func(*Tx) error
	errs []error
	// again is set for transactions that may be run again (WriteEach).
	again bool
	// logs are the records of each fn's committed run (Tx.Logger), set
	// by the writer and written by the caller; dropped, the blobs each
	// run dropped (Tx.dropBlob), freed by the caller.
	logs    [][]logged
	dropped [][]blobRef
	// panicked is what a transaction that panicked panicked with: it is
	// rolled back, and the panic goes on in the caller's goroutine, where
	// a job's recovery (cron.Recover) or a crash reports it as before.
	panicked any
	done     chan struct{}
}

// startWriter starts the writer goroutine; Close stops it.
func (db *DB) startWriter() {
	db.queue = make(chan *writeReq) // unbuffered: a request is queued only when the writer takes it
	db.stop = make(chan struct{})
	db.stopped = make(chan struct{})
	db.startCheckpointer()
	go db.writeLoop()
}

// stopWriter stops the writer once the group it runs, if any, is
// committed; transactions queued later fail with errClosed.
func (db *DB) stopWriter() {
	if db.stop == nil {
		return
	}
	db.stopOnce.Do(func() { close(db.stop) })
	<-db.stopped
	<-db.checkpointed
}

// Write runs fn in one IMMEDIATE transaction and commits it when fn returns
// nil; any error rolls everything fn did back. Statements run to their end
// once fn has begun, even when ctx is cancelled: a cancelled caller must
// not interrupt, and so roll back, the transactions committed beside its
// own; a ctx already done when the writer comes to fn skips it. fn is run
// once.
func (db *DB) Write(ctx context.Context, fn func(*Tx) error) error {
	return db.write(ctx, false, fn)[0]
}

// WriteEach runs fns in order, each as a transaction of its own (as
// Write): each sees the changes of those before it, and one that fails is
// rolled back alone. They are committed together, and with whatever else
// was queued beside them, by one commit. It returns each fn's error, or
// the commit's.
//
// A fn may be run more than once: when another fn of the group fails, the
// fns run since the last transaction of Write are rolled back with it and
// run again. Each fn must leave nothing behind but its changes to the
// database, or set things afresh each time it runs; what it logs through
// tx.Logger is written once, for the run committed.
func (db *DB) WriteEach(ctx context.Context, fns ...func(*Tx) error) []error {
	return db.write(ctx, true, fns...)
}

func (db *DB) write(ctx context.Context, again bool, fns ...func(*Tx) error) []error {
	req := &writeReq{ctx: ctx, fns: fns, errs: make([]error, len(fns)), again: again, done: make(chan struct{})}
	select {
	case db.queue <- req:
	case <-db.stop:
		fill(req.errs, errClosed)
		return req.errs
	case <-ctx.Done():
		fill(req.errs, ctx.Err())
		return req.errs
	}
	<-req.done
	req.writeLogs()
	db.freeDropped(req)
	if req.panicked != nil {
		panic(req.panicked)
	}
	return req.errs
}

func fill(errs []error, err error) {
	for i := range errs {
		if errs[i] == nil {
			errs[i] = err
		}
	}
}

func (db *DB) writeLoop() {
	defer close(db.stopped)
	defer db.releaseConn()
	for {
		var first *writeReq
		select {
		case first = <-db.queue:
		case <-db.stop:
			return
		}
		group, n := []*writeReq{first}, len(first.fns)
	more:
		for n < maxGroup {
			select {
			case r := <-db.queue:
				group, n = append(group, r), n+len(r.fns)
			default:
				break more
			}
		}
		db.commitGroup(group)
		db.noteCommit()
		for _, r := range group {
			close(r.done)
		}
		db.restartWAL()
	}
}

// commitGroup runs a group's transactions in one database transaction and
// commits it. The statements run under a context of their own: see Write.
func (db *DB) commitGroup(group []*writeReq) {
	failAll := func(err error) {
		for _, r := range group {
			fill(r.errs, err)
		}
	}
	if err := db.begin(); err != nil {
		failAll(fmt.Errorf("store: begin: %w", err))
		return
	}
	committed := false
	defer func() {
		if !committed {
			db.execGroup(`ROLLBACK`) // an error: the transaction was rolled back already
		}
	}()
	db.nextIDs, db.groupIndexes, db.groupPlaced = db.groupMaps.take()
	defer func() {
		db.groupMaps.give(db.nextIDs, db.groupIndexes, db.groupPlaced)
		db.nextIDs, db.groupIndexes, db.groupPlaced = nil, nil, nil
	}()
	run := &run{db: db, first: true}
	for _, r := range group {
		for i := range r.fns {
			if err := r.ctx.Err(); err != nil {
				r.errs[i] = err
				continue
			}
			var broken error
			if r.again {
				broken = run.add(r, i)
			} else if broken = run.end(); broken == nil {
				run.first = false
				broken = db.runSavepoint(r, i)
			}
			if broken != nil {
				failAll(fmt.Errorf("%w: %w", errGroupFailed, broken))
				return
			}
		}
	}
	if err := run.end(); err != nil {
		failAll(fmt.Errorf("%w: %w", errGroupFailed, err))
		return
	}
	if _, err := db.execGroup(`COMMIT`); err != nil {
		failAll(fmt.Errorf("store: commit: %w", err))
		return
	}
	committed = true
}

// begin begins the group's transaction on the writer's connection, taking
// it from the pool the first time. A connection that fails to begin is
// given back, and the next group takes one afresh.
func (db *DB) begin() error {
	if db.wconn == nil {
		conn, err := db.w.Conn(context.Background())
		if err != nil {
			return err
		}
		db.wconn, db.writeStmts = conn, map[string]*sql.Stmt{}
	}
	if _, err := db.execGroup(`BEGIN IMMEDIATE`); err != nil {
		db.releaseConn()
		return err
	}
	return nil
}

// releaseConn closes the statements prepared on the writer's connection
// and gives it back to the pool.
func (db *DB) releaseConn() {
	if db.wconn == nil {
		return
	}
	for _, st := range db.writeStmts {
		st.Close()
	}
	db.wconn.Close()
	db.wconn, db.writeStmts = nil, nil
}

// A run is the transactions of WriteEach that run one after another in
// one savepoint (see the top of this file).
type run struct {
	db   *DB
	open bool // the run is open: its savepoint, unless bare
	// first is set while the group's transaction has run nothing: a run
	// opened then is bare, with no savepoint of its own.
	first, bare bool
	done        []runFn // the transactions run in it so far, all succeeded
}

// runFn is fn i of a request.
type runFn struct {
	r *writeReq
	i int
}

// add runs a request's fn i in the run, opening it when none is. When fn
// fails, the run is rolled back, the transactions before it are run again
// each in a savepoint of its own, and the run is ended. broken is set when
// the database transaction itself is lost.
func (u *run) add(r *writeReq, i int) (broken error) {
	if !u.open {
		if err := u.start(); err != nil {
			return err
		}
	}
	t := &Tx{ctx: context.WithoutCancel(r.ctx), db: u.db, writable: true}
	err := call(t, r.fns[i], &r.panicked)
	r.keepLogs(i, t)
	if err == nil {
		u.done = append(u.done, runFn{r, i})
		return nil
	}
	r.errs[i] = err
	if err := u.rollback(); err != nil {
		return err
	}
	for _, f := range u.done {
		u.first = false
		if broken := u.db.runSavepoint(f.r, f.i); broken != nil {
			return broken
		}
	}
	return u.end()
}

// end releases the run's savepoint, keeping its changes in the group's
// transaction.
func (u *run) end() error {
	if !u.open {
		return nil
	}
	u.open, u.done = false, u.done[:0]
	if u.bare {
		u.bare = false
		return nil // the transaction's commit keeps its changes
	}
	_, err := u.db.execGroup(`RELEASE run`)
	return err
}

// start opens the run: bare when it begins the group's transaction, else
// in a savepoint.
func (u *run) start() error {
	if u.first {
		u.first, u.open, u.bare = false, true, true
		return nil
	}
	if _, err := u.db.execGroup(`SAVEPOINT run`); err != nil {
		return err
	}
	u.open = true
	return nil
}

// rollback undoes every transaction of the run: back to its savepoint, or,
// for a bare run, the whole database transaction, begun again. The group's
// packs found in their place are looked at again in the new transaction
// (Tx.packInPlace). Between the two, another process (ingest, erase, a
// hold beside serve) may take the write lock: when it keeps it past the
// busy timeout, the new transaction cannot begin and the whole group
// fails (errGroupFailed), where a savepoint's rollback would have kept the
// rest of it. Its callers retry it, as after a failed commit; a run's
// first transaction failing, and another process writing at that moment,
// is rare enough for the savepoint each first run saves.
func (u *run) rollback() error {
	clear(u.db.nextIDs) // the ids taken since are free again
	if !u.bare {
		_, err := u.db.execGroup(`ROLLBACK TO run`)
		return err
	}
	if _, err := u.db.execGroup(`ROLLBACK`); err != nil {
		return err
	}
	clear(u.db.groupPlaced)
	if _, err := u.db.execGroup(`BEGIN IMMEDIATE`); err != nil {
		return fmt.Errorf("store: begin again: %w", err)
	}
	u.first = true // until a transaction runs again
	return nil
}

// runSavepoint runs a request's fn i, one transaction of a group, in a
// savepoint, and rolls the savepoint back when it fails or panics (its
// error is left in r.errs[i], its panic in r.panicked, the records it
// logged in r.logs[i]). broken is set when the database transaction itself
// is lost.
func (db *DB) runSavepoint(r *writeReq, i int) (broken error) {
	if _, err := db.execGroup(`SAVEPOINT tx`); err != nil {
		r.errs[i] = err
		return err
	}
	t := &Tx{ctx: context.WithoutCancel(r.ctx), db: db, writable: true}
	err := call(t, r.fns[i], &r.panicked)
	r.errs[i] = err
	r.keepLogs(i, t)
	if err != nil {
		clear(db.nextIDs) // the ids taken since are free again
		if _, rerr := db.execGroup(`ROLLBACK TO tx`); rerr != nil {
			return rerr
		}
	}
	if _, rerr := db.execGroup(`RELEASE tx`); rerr != nil {
		return rerr
	}
	return nil
}

// execGroup runs one of the statements that begin, end and divide the
// group's transaction (BEGIN, COMMIT, the savepoints) on the writer's
// connection, prepared once.
func (db *DB) execGroup(query string) (sql.Result, error) {
	bg := context.Background()
	if st := db.writerStmt(query); st != nil {
		return st.ExecContext(bg)
	}
	return db.wconn.ExecContext(bg, query)
}

// call calls fn, turning a panic into an error, and returns its error or
// the failure it left in t.
func call(t *Tx, fn func(*Tx) error, panicked *any) (err error) {
	defer func() {
		if v := recover(); v != nil {
			*panicked = v
			err = fmt.Errorf("store: transaction panicked: %v", v)
		}
	}()
	if err := fn(t); err != nil {
		return err
	}
	return t.err
}

// groupMaps keep a group's maps (DB.nextIDs, groupIndexes, groupPlaced)
// for the next group, emptied: a map cleared keeps the room it grew to.
// Only the writer's goroutine uses them.
type groupMaps struct {
	nextIDs map[string]int64
	indexes map[indexed][]byte
	placed  map[string]bool
}

// take returns the maps for a group, empty: those of the group before,
// or new ones.
func (g *groupMaps) take() (map[string]int64, map[indexed][]byte, map[string]bool) {
	if g.nextIDs == nil {
		return map[string]int64{}, map[indexed][]byte{}, map[string]bool{}
	}
	ids, idx, placed := g.nextIDs, g.indexes, g.placed
	*g = groupMaps{}
	return ids, idx, placed
}

// give keeps a group's maps for the next, emptied of what the group put
// in them: its lookup HMACs' values (an address, a report's text) are
// not held past the group.
func (g *groupMaps) give(ids map[string]int64, idx map[indexed][]byte, placed map[string]bool) {
	clear(ids)
	clear(idx)
	clear(placed)
	*g = groupMaps{nextIDs: ids, indexes: idx, placed: placed}
}
