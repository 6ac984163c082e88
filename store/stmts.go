package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the prepared statements of one connection pool, by
// their text: SQLite spends more time compiling a short statement than
// running it. database/sql prepares a cached statement on each connection
// the first time it is used there and reuses it after.
//
// A statement is prepared between transactions, never in one: the
// writer's single connection is busy with its transaction, and preparing
// would wait for it. A transaction that meets a statement not cached yet
// asks for it, and runs it unprepared — or, in the writer, prepared on the
// group's transaction for the rest of the group (groupStmt); prepareWanted
// prepares the asked statements once the transaction has ended.
type stmtCache struct {
	mu   sync.Mutex
	m    map[string]*sql.Stmt
	want map[string]bool
}

// groupStmt returns the statement for query on the writer's group
// transaction, made the first time the group runs it: the cached
// statement's form for the transaction, or, when the cache lacks it,
// prepared on the transaction — a group of hundreds of messages would
// otherwise compile each of its statements for each message, before the
// cache has it. Either is made once a group, not once a run of the
// statement (database/sql's Tx.StmtContext allocates a statement and
// registers it with the pool each time). The transaction closes them when
// it ends. It returns nil when query does not prepare: running it reports
// the error.
func (db *DB) groupStmt(t *Tx, query string) *sql.Stmt {
	if st, ok := db.groupStmts[query]; ok {
		return st
	}
	var st *sql.Stmt
	if cached := db.writeStmts.lookup(query); cached != nil {
		st = t.tx.StmtContext(t.ctx, cached)
	} else {
		var err error
		if st, err = t.tx.PrepareContext(t.ctx, query); err != nil {
			return nil
		}
	}
	db.groupStmts[query] = st
	return st
}

// maxStmts bounds a cache: the store's statements are a fixed set, and a
// statement past the bound is simply compiled each time.
const maxStmts = 512

// lookup returns the statement cached for query, or nil, asking for it.
func (c *stmtCache) lookup(query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.m[query]; ok {
		return st
	}
	if len(c.m)+len(c.want) < maxStmts {
		if c.want == nil {
			c.want = map[string]bool{}
		}
		c.want[query] = true
	}
	return nil
}

// prepareWanted prepares the statements asked for. A statement that does
// not prepare is not cached: its next use reports the error.
func (c *stmtCache) prepareWanted(conn *sql.DB) {
	c.mu.Lock()
	want := c.want
	c.want = nil
	c.mu.Unlock()
	for query := range want {
		st, err := conn.PrepareContext(context.Background(), query)
		if err != nil {
			continue
		}
		c.mu.Lock()
		if c.m == nil {
			c.m = map[string]*sql.Stmt{}
		}
		if _, dup := c.m[query]; dup {
			st.Close()
		} else {
			c.m[query] = st
		}
		c.mu.Unlock()
	}
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.m {
		st.Close()
	}
	c.m, c.want = nil, nil
}
