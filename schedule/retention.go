package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// Nightly is when the retention job runs by default: 02:00 each day.
const Nightly = "0 2 * * *"

// retentionBatch is how many reports one query of the retention job takes.
const retentionBatch = 100

// Retention is the daily job of the personal data law (SPEC 10.5): it
// erases the personal data of the reports past [privacy] retention —
// ended, not held, no deadline open — keeping what the statistics read,
// and records each erasure. An erasure is one transaction that takes the
// report out of the job's next selection, so each report is erased once
// whatever the restarts; an erasure a crash left half-done (its files and
// key not yet destroyed) is finished first, and a data key a restored key
// store brought back is destroyed again.
type Retention struct {
	DB RetentionStore
	// Cutoff is the latest closing time past retention at now; the zero
	// time keeps everything (retention = "0").
	Cutoff func(now time.Time) time.Time
	// Check decides whether a report may be erased (rules/privacy).
	Check store.ErasureCheck
	// Actor is who the erasures are recorded as done by: the daemon's OS
	// user.
	Actor string
	Log   *slog.Logger
}

// RetentionStore is what the retention job asks of the store; a
// *store.DB is one.
type RetentionStore interface {
	FinishErasures(ctx context.Context, now time.Time) (int, error)
	ReconcileKeys(ctx context.Context) (int, error)
	SweepOrphans(ctx context.Context, now time.Time, dryRun bool) (store.Orphans, error)
	EraseStrays(ctx context.Context, cutoff time.Time, limit int) (int, error)
	Erase(ctx context.Context, code string, e store.Erasure, check store.ErasureCheck) (store.Erasure, error)
	Read(ctx context.Context, fn func(*store.Tx) error) error
}

// Run erases what is past retention at now and returns how many.
// A step that fails — finishing the erasures a crash left, destroying the
// keys a restored key store brought back, sweeping the orphans, erasing
// the strays — is logged and the others still run, so that one bad pack
// does not keep a night's reports past retention; the errors are returned
// joined. Once ctx is done (the daemon stops) no further step runs, and a
// step it ended is not logged as failed.
func (r *Retention) Run(ctx context.Context, now time.Time) (int, error) {
	erased := 0
	steps := []step{
		{"finish erasures", func() error {
			n, err := r.DB.FinishErasures(ctx, now)
			if n > 0 {
				r.Log.Info("erasures finished", "count", n)
			}
			return err
		}},
		{"reconcile keys", func() error {
			n, err := r.DB.ReconcileKeys(ctx)
			if n > 0 {
				r.Log.Warn("data keys of erased reports found in the key store (restored from an older copy?) and destroyed again", "count", n)
			}
			return err
		}},
		{"sweep orphans", func() error {
			o, err := r.DB.SweepOrphans(ctx, now, false)
			if err == nil && o != (store.Orphans{}) {
				r.Log.Info("files and data keys a stopped process left unused removed", "files", o.Files, "keys", o.Keys)
			}
			return err
		}},
	}
	if cutoff := r.Cutoff(now); !cutoff.IsZero() {
		steps = append(steps,
			step{"erase strays", func() error { return r.eraseStrays(ctx, cutoff) }},
			step{"erase reports", func() (err error) { erased, err = r.eraseReports(ctx, now, cutoff); return err }})
	}
	var errs []error
	for _, st := range steps {
		err := st.run()
		if err == nil {
			continue
		}
		if ctx.Err() != nil {
			// The daemon stops: no step after, and no failure to log.
			return erased, errors.Join(append(errs, ctx.Err())...)
		}
		r.Log.Error("retention: step failed", "step", st.name, "err", err)
		errs = append(errs, fmt.Errorf("retention: %s: %w", st.name, err))
	}
	return erased, errors.Join(errs...)
}

// step is a step of the retention job: its name, as logged, and its run.
type step struct {
	name string
	run  func() error
}

// eraseReports erases the reports past retention at cutoff, a report a
// transaction, and returns how many.
func (r *Retention) eraseReports(ctx context.Context, now, cutoff time.Time) (int, error) {
	erased, skip := 0, map[string]bool{}
	for {
		var codes []string
		err := r.DB.Read(ctx, func(tx *store.Tx) error {
			var err error
			codes, err = tx.RetentionDue(cutoff, retentionBatch+len(skip))
			return err
		})
		if err != nil {
			return erased, err
		}
		progress := false
		for _, code := range codes {
			if skip[code] {
				continue
			}
			if err := ctx.Err(); err != nil {
				return erased, err
			}
			_, err := r.DB.Erase(ctx, code, store.Erasure{At: now, Cause: store.ErasureRetention, Actor: r.Actor}, r.Check)
			switch {
			case errors.Is(err, store.ErrErased):
			case err != nil:
				// Refused (a check this selection does not make) or failed:
				// logged, and left for the next run.
				r.Log.Warn("retention: report not erased", "report", code, "err", err)
				skip[code] = true
			default:
				erased++
				progress = true
				r.Log.Info("retention: personal data erased", "report", code)
			}
		}
		if !progress || len(codes) < retentionBatch+len(skip) {
			return erased, nil
		}
	}
}

// eraseStrays erases the messages that became no report, processed
// before cutoff (store.EraseStrays), a batch a transaction.
func (r *Retention) eraseStrays(ctx context.Context, cutoff time.Time) error {
	total := 0
	for {
		n, err := r.DB.EraseStrays(ctx, cutoff, retentionBatch)
		total += n
		if err != nil || n < retentionBatch {
			if total > 0 {
				r.Log.Info("retention: messages that became no report erased", "count", total)
			}
			return err
		}
	}
}

// Job returns the job that runs the retention on spec (Nightly by default).
func (r *Retention) Job(spec string) Job {
	return Job{Name: "retention", Spec: spec, Run: func(ctx context.Context, now time.Time) error {
		n, err := r.Run(ctx, now)
		r.Log.Log(ctx, levelOf(n), "retention pass", "erased", n)
		return err
	}}
}

func levelOf(n int) slog.Level {
	if n > 0 {
		return slog.LevelInfo
	}
	return slog.LevelDebug
}
