// Package backend gives each test an IMAP account to run against: the real
// server the environment names (the Dovecot that .ci/dovecot.sh starts), or
// else a fresh in-process imaptest.Server. The same end-to-end test thus
// runs against both.
//
// Tests that share one account on a real server must not see each other's
// mail: each Backend works under its own mailbox prefix, t-<random>, with
// the hierarchy separator the server uses (t-1a2b3c4d/INBOX,
// t-1a2b3c4d/Processed, t-1a2b3c4d/Quarantine), inside the account's
// personal namespace (INBOX.t-1a2b3c4d.INBOX on Cyrus's standard
// namespace), and deletes everything under it when the test ends. The prefix is used on the in-process server too, so
// that code which assumes "INBOX" shows up in every run.
//
// The environment:
//
//	PHANANH_TEST_IMAP_ADDR      host:port of the server; unset or empty: in-process
//	PHANANH_TEST_IMAP_USER      the account
//	PHANANH_TEST_IMAP_PASSWORD  its password
//	PHANANH_TEST_IMAP_TLS       none, starttls (the default) or tls
//	PHANANH_TEST_IMAP_CA_FILE   PEM certificates to trust (a self-signed server's)
//	PHANANH_TEST_IMAP_INSECURE  1: do not check the server's certificate
//
// This package imports testing; imaptest itself does not, so that the
// phananh binary (whose demo runs imaptest's server) does not link it.
package backend

import (
	"context"
	"crypto/rand"
	"crypto/x509"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/imaptest"
)

// The environment variables that name a real server.
const (
	EnvAddr     = "PHANANH_TEST_IMAP_ADDR"
	EnvUser     = "PHANANH_TEST_IMAP_USER"
	EnvPassword = "PHANANH_TEST_IMAP_PASSWORD"
	EnvTLS      = "PHANANH_TEST_IMAP_TLS"
	EnvCAFile   = "PHANANH_TEST_IMAP_CA_FILE"
	EnvInsecure = "PHANANH_TEST_IMAP_INSECURE"
)

// Backend is one test's IMAP account and mailboxes.
type Backend struct {
	cfg    imaptest.Config
	server *imaptest.Server
	caFile string
	prefix string
	delim  rune
}

// setupTimeout bounds the setup and the clean-up of a Backend.
const setupTimeout = time.Minute

// New returns the test's backend: the server the environment names, or else
// a new in-process server made with opt (opt does not apply to a real
// server: it is what it is). The mailbox Config().Mailbox exists; the
// processed and quarantine folders are left for the code under test to
// create. Everything is removed when the test ends.
func New(tb testing.TB, opt imaptest.Options) *Backend {
	tb.Helper()
	cfg, external, err := FromEnv()
	if err != nil {
		tb.Fatalf("imap test backend: %v", err)
	}
	b := &Backend{}
	if !external {
		if b.server, err = imaptest.NewServer(opt); err != nil {
			tb.Fatalf("imap test backend: %v", err)
		}
		tb.Cleanup(func() { b.server.Close() })
		cfg = b.server.Config()
		if pem := b.server.CertPEM(); pem != nil {
			b.caFile = filepath.Join(tb.TempDir(), "imap-ca.pem")
			if err := os.WriteFile(b.caFile, pem, 0o600); err != nil {
				tb.Fatalf("imap test backend: %v", err)
			}
		}
	} else {
		b.caFile = os.Getenv(EnvCAFile)
	}
	b.cfg = cfg

	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	a, err := imaptest.Dial(ctx, cfg)
	if err != nil {
		tb.Fatalf("imap test backend %s: %v", cfg.Addr(), err)
	}
	defer a.Close()
	if b.delim, err = a.Delimiter(ctx); err != nil {
		tb.Fatalf("imap test backend: %v", err)
	}
	personal, err := a.PersonalPrefix(ctx)
	if err != nil {
		tb.Fatalf("imap test backend: %v", err)
	}
	b.prefix = personal + "t-" + randomHex(4)
	b.cfg.Mailbox = b.Name("INBOX")
	b.cfg.Processed = b.Name("Processed")
	b.cfg.Quarantine = b.Name("Quarantine")
	if err := a.Create(ctx, b.cfg.Mailbox); err != nil {
		tb.Fatalf("imap test backend: %v", err)
	}
	if external {
		tb.Cleanup(func() {
			if err := b.removeAll(); err != nil {
				tb.Errorf("imap test backend: clean-up: %v", err)
			}
		})
	}
	return b
}

// NewAccount returns the backend of another account of the real server the
// environment names, one whose mail a mail server delivers (over LMTP, to
// its INBOX) rather than the test: Config().Mailbox is "INBOX", and the
// processed and quarantine folders are "Processed" and "Quarantine". The
// account is the test's alone (the server makes it at the first login), so
// nothing is removed at the end. It fails the test when the environment
// names no server.
func NewAccount(tb testing.TB, username, password string) *Backend {
	tb.Helper()
	cfg, external, err := FromEnv()
	if err != nil || !external {
		tb.Fatalf("imap test backend: account %s needs a real server: %v", username, err)
	}
	cfg.Username, cfg.Password = username, password
	cfg.Mailbox, cfg.Processed, cfg.Quarantine = "INBOX", "Processed", "Quarantine"
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	a, err := imaptest.Dial(ctx, cfg)
	if err != nil {
		tb.Fatalf("imap test backend %s: %v", cfg.Addr(), err)
	}
	defer a.Close()
	b := &Backend{cfg: cfg, caFile: os.Getenv(EnvCAFile)}
	if b.delim, err = a.Delimiter(ctx); err != nil {
		tb.Fatalf("imap test backend: %v", err)
	}
	return b
}

// FromEnv reads the environment: external is false when no server is named.
// The mailbox names are left empty.
func FromEnv() (cfg imaptest.Config, external bool, err error) {
	addr := os.Getenv(EnvAddr)
	if addr == "" {
		return cfg, false, nil
	}
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return cfg, false, fmt.Errorf("%s=%q: %w", EnvAddr, addr, err)
	}
	if cfg.Port, err = strconv.Atoi(port); err != nil {
		return cfg, false, fmt.Errorf("%s=%q: bad port", EnvAddr, addr)
	}
	cfg.Host = host
	cfg.Username, cfg.Password = os.Getenv(EnvUser), os.Getenv(EnvPassword)
	if cfg.Username == "" || cfg.Password == "" {
		return cfg, false, fmt.Errorf("%s is set: %s and %s are needed too", EnvAddr, EnvUser, EnvPassword)
	}
	cfg.TLS = imaptest.StartTLS
	if s := os.Getenv(EnvTLS); s != "" {
		if cfg.TLS, err = imaptest.ParseMode(s); err != nil {
			return cfg, false, fmt.Errorf("%s: %w", EnvTLS, err)
		}
	}
	if file := os.Getenv(EnvCAFile); file != "" {
		pem, err := os.ReadFile(file)
		if err != nil {
			return cfg, false, fmt.Errorf("%s: %w", EnvCAFile, err)
		}
		cfg.RootCAs = x509.NewCertPool()
		if !cfg.RootCAs.AppendCertsFromPEM(pem) {
			return cfg, false, fmt.Errorf("%s: no certificate in %s", EnvCAFile, file)
		}
	}
	cfg.InsecureSkipVerify = os.Getenv(EnvInsecure) == "1"
	return cfg, true, nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Config is how to reach the account, with this test's mailbox names.
func (b *Backend) Config() imaptest.Config { return b.cfg }

// CAFile is a PEM file of the certificates to trust for the server, for a
// configuration's ca_file; "" when the server is in plain text or has a
// certificate the system trusts.
func (b *Backend) CAFile() string { return b.caFile }

// Server is the in-process server, for what only it can do (drop
// connections, inject faults); nil on a real server, where such a test
// skips.
func (b *Backend) Server() *imaptest.Server { return b.server }

// Name is the full name of one of this test's mailboxes: Name("Archive") is
// "t-1a2b3c4d/Archive".
func (b *Backend) Name(mailbox string) string {
	if b.prefix == "" {
		return mailbox
	}
	if b.delim == 0 {
		return b.prefix + "-" + mailbox
	}
	return b.prefix + string(b.delim) + mailbox
}

// Account opens an administrative connection to the account, closed when
// the test ends.
func (b *Backend) Account(tb testing.TB) *imaptest.Account {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	a, err := imaptest.Dial(ctx, b.cfg)
	if err != nil {
		tb.Fatalf("imap test backend: %v", err)
	}
	tb.Cleanup(func() { a.Close() })
	return a
}

// removeAll deletes the test's mailboxes, children before parents.
func (b *Backend) removeAll() error {
	ctx, cancel := context.WithTimeout(context.Background(), setupTimeout)
	defer cancel()
	a, err := imaptest.Dial(ctx, b.cfg)
	if err != nil {
		return err
	}
	defer a.Close()
	names, err := a.List(ctx, b.prefix+"*")
	if err != nil {
		return err
	}
	slices.Reverse(names) // sorted: "t-x/INBOX" comes after "t-x"
	var errs []error
	for _, name := range names {
		if err := a.Delete(ctx, name); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
