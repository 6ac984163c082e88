package imaptest

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"slices"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapclient"
)

// Account is an administrative connection to an IMAP account: tests put
// mail in with it and look at what the daemon did with the mail. It works
// the same against the in-process Server and against a real server such as
// Dovecot, and only reads mailboxes read-only (EXAMINE, BODY.PEEK), so that
// it changes no flag behind the daemon's back.
//
// An Account is one connection and is not safe for concurrent use. When the
// context of a call ends first, the connection is closed and the Account is
// of no further use. Test messages are small: they are passed whole.
type Account struct {
	c *imapclient.Client
}

// Dial connects to the account and logs in.
func Dial(ctx context.Context, cfg Config) (*Account, error) {
	mode, err := ParseMode(string(cfg.TLS))
	if err != nil {
		return nil, fmt.Errorf("imaptest: dial: %w", err)
	}
	d := net.Dialer{Timeout: 30 * time.Second}
	tcp, err := d.DialContext(ctx, "tcp", cfg.Addr())
	if err != nil {
		return nil, fmt.Errorf("imaptest: dial: %w", err)
	}
	stop := context.AfterFunc(ctx, func() { tcp.Close() })
	defer stop()

	opts := &imapclient.Options{TLSConfig: cfg.TLSConfig()}
	var c *imapclient.Client
	switch mode {
	case ImplicitTLS:
		tc := tls.Client(tcp, cfg.TLSConfig())
		if err := tc.HandshakeContext(ctx); err != nil {
			tcp.Close()
			return nil, fmt.Errorf("imaptest: tls: %w", err)
		}
		c = imapclient.New(tc, opts)
	case StartTLS:
		if c, err = imapclient.NewStartTLS(tcp, opts); err != nil {
			return nil, fmt.Errorf("imaptest: starttls: %w", err)
		}
	default:
		c = imapclient.New(tcp, opts)
	}
	if err := c.Login(cfg.Username, cfg.Password).Wait(); err != nil {
		c.Close()
		if ctx.Err() != nil {
			err = ctx.Err()
		}
		return nil, fmt.Errorf("imaptest: login: %w", err)
	}
	return &Account{c: c}, nil
}

// do runs one exchange with the server, closing the connection if ctx ends
// first.
func (a *Account) do(ctx context.Context, what string, f func() error) error {
	stop := context.AfterFunc(ctx, func() { a.c.Close() })
	err := f()
	if !stop() {
		return fmt.Errorf("imaptest: %s: %w", what, ctx.Err())
	}
	if err != nil {
		return fmt.Errorf("imaptest: %s: %w", what, err)
	}
	return nil
}

// Create makes a mailbox; one that exists already is no error, whether
// the server says so with ALREADYEXISTS (RFC 5530) or in words (Cyrus).
func (a *Account) Create(ctx context.Context, mailbox string) error {
	return a.do(ctx, "create "+mailbox, func() error {
		err := a.c.Create(mailbox, nil).Wait()
		var ierr *imap.Error
		if errors.As(err, &ierr) && ierr.Code == imap.ResponseCodeAlreadyExists {
			return nil
		}
		if errors.As(err, &ierr) {
			if boxes, lerr := a.c.List("", mailbox, nil).Collect(); lerr == nil && len(boxes) == 1 {
				return nil
			}
		}
		return err
	})
}

// Delete removes a mailbox and its messages.
func (a *Account) Delete(ctx context.Context, mailbox string) error {
	return a.do(ctx, "delete "+mailbox, func() error {
		if sel := a.c.Mailbox(); sel != nil && sel.Name == mailbox {
			if err := a.c.Unselect().Wait(); err != nil {
				return err
			}
		}
		return a.c.Delete(mailbox).Wait()
	})
}

// Append adds a message to a mailbox, with the given INTERNALDATE (the time
// the mail server accepted it; now when zero), and returns its UID.
func (a *Account) Append(ctx context.Context, mailbox string, raw []byte, internalDate time.Time) (imap.UID, error) {
	var uid imap.UID
	err := a.do(ctx, "append to "+mailbox, func() error {
		cmd := a.c.Append(mailbox, int64(len(raw)), &imap.AppendOptions{Time: internalDate})
		if _, err := cmd.Write(raw); err != nil {
			return err
		}
		if err := cmd.Close(); err != nil {
			return err
		}
		data, err := cmd.Wait()
		if err != nil {
			return err
		}
		if data.UID == 0 {
			return errors.New("the server did not say the message's UID (no UIDPLUS)")
		}
		uid = data.UID
		return nil
	})
	return uid, err
}

// Count is the number of messages in a mailbox not flagged \Deleted: a
// client without MOVE copies a message, flags the original \Deleted and,
// without UIDPLUS, cannot expunge it, so the original stays behind.
func (a *Account) Count(ctx context.Context, mailbox string) (int, error) {
	uids, err := a.UIDs(ctx, mailbox)
	return len(uids), err
}

// UIDs lists the UIDs of a mailbox's messages not flagged \Deleted, in
// ascending order.
func (a *Account) UIDs(ctx context.Context, mailbox string) ([]imap.UID, error) {
	var uids []imap.UID
	err := a.do(ctx, "search "+mailbox, func() error {
		if err := a.examine(mailbox); err != nil {
			return err
		}
		data, err := a.c.UIDSearch(&imap.SearchCriteria{NotFlag: []imap.Flag{imap.FlagDeleted}}, nil).Wait()
		if err != nil {
			return err
		}
		uids = data.AllUIDs()
		slices.Sort(uids)
		return nil
	})
	return uids, err
}

// Fetch returns a message whole, without marking it \Seen.
func (a *Account) Fetch(ctx context.Context, mailbox string, uid imap.UID) ([]byte, error) {
	section := &imap.FetchItemBodySection{Peek: true}
	msg, err := a.fetchOne(ctx, mailbox, uid, &imap.FetchOptions{BodySection: []*imap.FetchItemBodySection{section}})
	if err != nil {
		return nil, err
	}
	return msg.FindBodySection(section), nil
}

// Flags returns a message's flags.
func (a *Account) Flags(ctx context.Context, mailbox string, uid imap.UID) ([]imap.Flag, error) {
	msg, err := a.fetchOne(ctx, mailbox, uid, &imap.FetchOptions{Flags: true})
	if err != nil {
		return nil, err
	}
	return msg.Flags, nil
}

// InternalDate returns when the server says it received a message: the
// start of a report's deadlines.
func (a *Account) InternalDate(ctx context.Context, mailbox string, uid imap.UID) (time.Time, error) {
	msg, err := a.fetchOne(ctx, mailbox, uid, &imap.FetchOptions{InternalDate: true})
	if err != nil {
		return time.Time{}, err
	}
	return msg.InternalDate, nil
}

// ReadAll streams the body of every message of a mailbox in one UID FETCH
// and discards it, as a client reading its mail as fast as it can: the
// yardstick of the throughput benchmarks. It returns how many messages and
// bytes it read.
func (a *Account) ReadAll(ctx context.Context, mailbox string) (n int, size int64, err error) {
	err = a.do(ctx, "read "+mailbox, func() error {
		if err := a.examine(mailbox); err != nil {
			return err
		}
		all := imap.UIDSet{imap.UIDRange{Start: 1, Stop: 0}}
		cmd := a.c.Fetch(all, &imap.FetchOptions{UID: true, BodySection: []*imap.FetchItemBodySection{{Peek: true}}})
		for msg := cmd.Next(); msg != nil; msg = cmd.Next() {
			for item := msg.Next(); item != nil; item = msg.Next() {
				if body, ok := item.(imapclient.FetchItemDataBodySection); ok && body.Literal != nil {
					m, err := io.Copy(io.Discard, body.Literal)
					if err != nil {
						cmd.Close()
						return err
					}
					n, size = n+1, size+m
				}
			}
		}
		return cmd.Close()
	})
	return n, size, err
}

func (a *Account) fetchOne(ctx context.Context, mailbox string, uid imap.UID, opts *imap.FetchOptions) (*imapclient.FetchMessageBuffer, error) {
	var msg *imapclient.FetchMessageBuffer
	err := a.do(ctx, fmt.Sprintf("fetch %d in %s", uid, mailbox), func() error {
		if err := a.examine(mailbox); err != nil {
			return err
		}
		msgs, err := a.c.Fetch(imap.UIDSetNum(uid), opts).Collect()
		if err != nil {
			return err
		}
		if len(msgs) == 0 {
			return errors.New("no such message")
		}
		msg = msgs[0]
		return nil
	})
	return msg, err
}

// examine selects a mailbox read-only, afresh each time so that what
// follows sees the mailbox as it is now.
func (a *Account) examine(mailbox string) error {
	_, err := a.c.Select(mailbox, &imap.SelectOptions{ReadOnly: true}).Wait()
	return err
}

// Delimiter is the account's hierarchy separator ('/' on the in-process
// server and on the Dovecot of .ci/dovecot.sh), or 0 when the server has a
// flat namespace.
func (a *Account) Delimiter(ctx context.Context) (rune, error) {
	var delim rune
	err := a.do(ctx, "list", func() error {
		boxes, err := a.c.List("", "", nil).Collect()
		if err != nil {
			return err
		}
		if len(boxes) > 0 {
			delim = boxes[0].Delim
		}
		return nil
	})
	return delim, err
}

// PersonalPrefix is the prefix of the account's personal namespace
// (RFC 2342): "" on the in-process server and on Dovecot, "INBOX." on
// servers such as Cyrus in its standard namespace or Courier, where every
// folder of the account is under the INBOX. It is "" when the server does
// not support NAMESPACE.
func (a *Account) PersonalPrefix(ctx context.Context) (string, error) {
	if !a.c.Caps().Has(imap.CapNamespace) {
		return "", nil
	}
	var prefix string
	err := a.do(ctx, "namespace", func() error {
		ns, err := a.c.Namespace().Wait()
		if err != nil {
			return err
		}
		if len(ns.Personal) > 0 {
			prefix = ns.Personal[0].Prefix
		}
		return nil
	})
	return prefix, err
}

// List returns the names of the mailboxes that match an IMAP LIST pattern
// ("*" matches anything, "%" anything but the separator), in order.
func (a *Account) List(ctx context.Context, pattern string) ([]string, error) {
	var names []string
	err := a.do(ctx, "list "+pattern, func() error {
		boxes, err := a.c.List("", pattern, nil).Collect()
		if err != nil {
			return err
		}
		for _, b := range boxes {
			names = append(names, b.Mailbox)
		}
		slices.Sort(names)
		return nil
	})
	return names, err
}

// Close logs out and closes the connection.
func (a *Account) Close() error {
	logout := a.c.Logout().Wait()
	if err := a.c.Close(); err != nil && logout == nil {
		return fmt.Errorf("imaptest: close: %w", err)
	}
	return nil
}
