package store

import (
	"context"
	"log/slog"
)

// Logger returns a logger whose records l's handler writes once the
// transaction is committed, and never when it is rolled back: a
// transaction of WriteEach may be run again (its first run's records are
// dropped with its changes), and one whose group fails to commit changed
// nothing to log of. In a read-only transaction it is l.
func (t *Tx) Logger(l *slog.Logger) *slog.Logger {
	if !t.writable {
		return l
	}
	return slog.New(txHandler{t: t, h: l.Handler()})
}

// logged is a record held by a transaction, and the handler to write it.
type logged struct {
	h slog.Handler
	r slog.Record
}

// txHandler holds the records of a transaction's logger (Tx.Logger).
type txHandler struct {
	t *Tx
	h slog.Handler
}

func (h txHandler) Enabled(ctx context.Context, level slog.Level) bool {
	return h.h.Enabled(ctx, level)
}

func (h txHandler) Handle(_ context.Context, r slog.Record) error {
	h.t.logs = append(h.t.logs, logged{h: h.h, r: r.Clone()})
	return nil
}

func (h txHandler) WithAttrs(attrs []slog.Attr) slog.Handler {
	return txHandler{t: h.t, h: h.h.WithAttrs(attrs)}
}

func (h txHandler) WithGroup(name string) slog.Handler {
	return txHandler{t: h.t, h: h.h.WithGroup(name)}
}

// writeLogs writes the records of the transactions of r that were
// committed, in the caller's goroutine.
func (r *writeReq) writeLogs() {
	ctx := context.WithoutCancel(r.ctx)
	for i, logs := range r.logs {
		if r.errs[i] != nil {
			continue
		}
		for _, l := range logs {
			l.h.Handle(ctx, l.r)
		}
	}
}

// keepLogs sets the records of fn i, and the blobs it dropped, to those of
// its last run, t. The list of dropped blobs is made only when a run
// dropped one: hardly ever.
func (r *writeReq) keepLogs(i int, t *Tx) {
	if r.logs == nil {
		r.logs = make([][]logged, len(r.fns))
	}
	r.logs[i] = t.logs
	if t.dropped != nil && r.dropped == nil {
		r.dropped = make([][]blobRef, len(r.fns))
	}
	if r.dropped != nil {
		r.dropped[i] = t.dropped
	}
}
