package mailbox

import (
	"context"
	"errors"
	"fmt"

	"github.com/emersion/go-imap/v2"
)

// Probe is what a look at the mailbox found: whether each folder the
// watcher uses exists, how many messages wait, and which of the
// capabilities the watcher relies on the server has.
type Probe struct {
	Messages uint32          // in the mailbox
	Folders  map[string]bool // the processed and quarantine folders: whether each exists
	Idle     bool            // without it the watcher polls every PollInterval
	Move     bool            // without it, COPY, \Deleted and UID EXPUNGE
	UIDPlus  bool            // without it (and MOVE) moved messages stay in the mailbox flagged \Deleted
}

// ProbeError is a failed step of Probe: "connect", "login" or "mailbox".
type ProbeError struct {
	Step string
	Err  error
}

func (e *ProbeError) Error() string { return fmt.Sprintf("imap %s: %v", e.Step, e.Err) }
func (e *ProbeError) Unwrap() error { return e.Err }

// Probe connects and logs in as Run would, lists the folders and examines
// the mailbox read-only. It changes nothing on the server: it creates no
// folder, and moves and flags no message.
func (w *Watcher) Probe(ctx context.Context) (Probe, error) {
	var p Probe
	c, err := w.dial(make(chan struct{}, 1))
	if err != nil {
		return p, &ProbeError{"connect", err}
	}
	defer c.Close()
	stop := context.AfterFunc(ctx, func() { c.Close() })
	defer stop()
	if err := c.Login(w.Username, w.Password).Wait(); err != nil {
		return p, &ProbeError{"login", err}
	}
	boxes, err := c.List("", "*", nil).Collect()
	if err != nil {
		return p, &ProbeError{"mailbox", fmt.Errorf("list: %w", err)}
	}
	p.Folders = map[string]bool{w.Processed: false, w.Quarantine: false}
	for _, b := range boxes {
		if _, ok := p.Folders[b.Mailbox]; ok {
			p.Folders[b.Mailbox] = true
		}
	}
	sel, err := c.Select(w.Mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	if err != nil {
		var ierr *imap.Error
		if errors.As(err, &ierr) && ierr.Code == imap.ResponseCodeNonExistent {
			err = fmt.Errorf("%q does not exist", w.Mailbox)
		}
		return p, &ProbeError{"mailbox", err}
	}
	p.Messages = sel.NumMessages
	caps := c.Caps()
	p.Idle, p.Move, p.UIDPlus = caps.Has(imap.CapIdle), caps.Has(imap.CapMove), caps.Has(imap.CapUIDPlus)
	c.Logout().Wait()
	return p, nil
}
