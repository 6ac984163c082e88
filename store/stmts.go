package store

import (
	"context"
	"database/sql"
	"sync"
)

// stmtCache keeps the prepared statements of the readers' connection
// pool, by their text: SQLite spends more time compiling a short statement
// than running it. database/sql prepares a cached statement on each
// connection the first time it is used there and reuses it after.
//
// A statement is prepared between transactions, never in one: a
// transaction that meets a statement not cached yet asks for it, and runs
// it unprepared; prepareWanted prepares the asked statements once the
// transaction has ended.
//
// The writer, which has a connection of its own, prepares its statements
// on it the first time it runs them, in its transaction (writerStmt).
type stmtCache struct {
	mu   sync.Mutex
	m    map[string]*sql.Stmt
	want map[string]bool
}

// writerStmt returns the statement for query prepared on the writer's
// connection, preparing it the first time: a group of hundreds of messages
// would otherwise compile each of its statements for each message. It
// returns nil when query does not prepare (running it reports the error),
// and once maxStmts are prepared: the store's statements are a fixed set,
// and one past the bound is simply compiled each time. Only the writer's
// goroutine calls it.
func (db *DB) writerStmt(query string) *sql.Stmt {
	if st, ok := db.writeStmts[query]; ok {
		return st
	}
	if len(db.writeStmts) >= maxStmts {
		return nil
	}
	st, err := db.wconn.PrepareContext(context.Background(), query)
	if err != nil {
		return nil
	}
	db.writeStmts[query] = st
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
