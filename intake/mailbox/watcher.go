// Package mailbox watches the IMAP mailbox citizens and staff write to
// (SPEC 4.1): it waits for mail with IDLE (or polls where the server has
// none), hands each message to the intake pipeline as a stream, and moves it
// to the processed or quarantine folder only after the pipeline has
// committed what it became. A dropped connection is reopened with backoff.
package mailbox

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"iter"
	"log/slog"
	"math/rand/v2"
	"net"
	"sync/atomic"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"

	"haugiang.gov.vn/phananh/intake"
)

// Processor is what the watcher hands messages to: *intake.Pipeline.
type Processor interface {
	// Recorded returns the outcomes recorded of those of uids processed
	// before (a crash came between the commit and the move).
	Recorded(ctx context.Context, mailbox string, uidValidity uint32, uids []uint32) (map[uint32]intake.Outcome, error)
	// ProcessAll reads each message srcs yields to its end and commits
	// what they became together, once turn returns nil (see
	// intake.Pipeline.ProcessAll): the session passes a turn that waits
	// for the batch before to be committed.
	ProcessAll(ctx context.Context, srcs iter.Seq[intake.Source], turn func(context.Context) error) []intake.Result
}

// Watcher reads one mailbox.
type Watcher struct {
	Addr       string // host:port
	TLS        string // "none", "starttls" or "tls"
	ServerName string // for certificate checks; the host of Addr when empty
	RootCAs    *x509.CertPool
	Username   string
	Password   string
	Mailbox    string
	Processed  string
	Quarantine string
	// PollInterval is how often to look for mail without IDLE.
	PollInterval time.Duration
	// BatchSize is the most messages fetched, committed together and moved
	// with one command (DefaultBatchSize when 0).
	BatchSize int
	Processor Processor
	Log       *slog.Logger

	connected atomic.Bool
	// expungeWarned is set once the watcher has warned that it leaves
	// processed messages flagged \Deleted (see session.expunge).
	expungeWarned atomic.Bool
}

// Connected reports whether the watcher holds an open session (for
// /metrics and /healthz).
func (w *Watcher) Connected() bool { return w.connected.Load() }

// Run watches the mailbox until ctx is done, reconnecting after any
// failure with exponential backoff (1 s doubling to 5 min, with jitter).
func (w *Watcher) Run(ctx context.Context) error {
	backoff := time.Second
	for {
		start := time.Now()
		err := w.session(ctx)
		w.connected.Store(false)
		if ctx.Err() != nil {
			return nil
		}
		if time.Since(start) > time.Minute {
			backoff = time.Second // the session worked for a while
		}
		w.Log.Warn("imap session ended; reconnecting", "err", err, "in", backoff)
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff + time.Duration(rand.Int64N(int64(backoff/4)+1))):
		}
		backoff = min(backoff*2, 5*time.Minute)
	}
}

// session is one connection: log in, make sure the folders exist, select
// the mailbox, then process and wait for mail until something fails.
func (w *Watcher) session(ctx context.Context) error {
	news := make(chan struct{}, 1)
	c, err := w.dial(news)
	if err != nil {
		return err
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.Login(w.Username, w.Password).Wait(); err != nil {
		return fmt.Errorf("imap login: %w", err)
	}
	if err := w.ensureFolders(c); err != nil {
		return err
	}
	sel, err := c.Select(w.Mailbox, nil).Wait()
	if err != nil {
		return fmt.Errorf("imap select %s: %w", w.Mailbox, err)
	}
	w.connected.Store(true)
	w.Log.Info("imap session open", "mailbox", w.Mailbox, "messages", sel.NumMessages, "idle", c.Caps().Has(imap.CapIdle), "move", c.Caps().Has(imap.CapMove))
	s := &session{w: w, c: c, uidValidity: sel.UIDValidity, news: news, moved: map[imap.UID]bool{}, tidy: true}
	for {
		if err := s.processAll(ctx); err != nil {
			return err
		}
		if err := s.wait(ctx); err != nil {
			return err
		}
	}
}

func (w *Watcher) dial(news chan struct{}) (*imapclient.Client, error) {
	opts := &imapclient.Options{
		Dialer: &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second},
		UnilateralDataHandler: &imapclient.UnilateralDataHandler{
			// Called on the client's reader goroutine: only signal.
			Mailbox: func(data *imapclient.UnilateralDataMailbox) {
				if data.NumMessages != nil {
					select {
					case news <- struct{}{}:
					default:
					}
				}
			},
		},
	}
	host, _, err := net.SplitHostPort(w.Addr)
	if err != nil {
		return nil, fmt.Errorf("imap address %q: %w", w.Addr, err)
	}
	serverName := w.ServerName
	if serverName == "" {
		serverName = host
	}
	opts.TLSConfig = &tls.Config{ServerName: serverName, RootCAs: w.RootCAs, MinVersion: tls.VersionTLS12}
	var c *imapclient.Client
	switch w.TLS {
	case "tls":
		c, err = imapclient.DialTLS(w.Addr, opts)
	case "starttls":
		c, err = imapclient.DialStartTLS(w.Addr, opts)
	case "none":
		c, err = imapclient.DialInsecure(w.Addr, opts)
	default:
		return nil, fmt.Errorf("imap: unknown tls mode %q", w.TLS)
	}
	if err != nil {
		return nil, fmt.Errorf("imap connect %s: %w", w.Addr, err)
	}
	return c, nil
}

// ensureFolders creates the processed and quarantine folders when missing,
// so that no COPY ever fails for want of its target (LIBRARY-NOTES).
func (w *Watcher) ensureFolders(c *imapclient.Client) error {
	existing := map[string]bool{}
	boxes, err := c.List("", "*", nil).Collect()
	if err != nil {
		return fmt.Errorf("imap list: %w", err)
	}
	for _, b := range boxes {
		existing[b.Mailbox] = true
	}
	for _, name := range []string{w.Processed, w.Quarantine} {
		if existing[name] {
			continue
		}
		if err := c.Create(name, nil).Wait(); err != nil {
			var ierr *imap.Error
			if errors.As(err, &ierr) && ierr.Code == imap.ResponseCodeAlreadyExists {
				continue
			}
			return fmt.Errorf("imap create %s: %w", name, err)
		}
		w.Log.Info("imap folder created", "folder", name)
	}
	return nil
}
