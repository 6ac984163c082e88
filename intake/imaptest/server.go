// Package imaptest runs an IMAP server inside the process, on loopback, for
// tests and for `phananh demo` (the way net/http/httptest runs an HTTP
// server), and gives tests an administrative client that works the same
// against it and against a real server such as Dovecot.
//
// The server is go-imap's in-memory backend (imapmemserver) behind
// imapserver, with one account and an INBOX. It can behave like the servers
// phananh meets: with or without MOVE and UIDPLUS, without IDLE, in plain
// text, with STARTTLS or with implicit TLS (a self-signed certificate made in
// memory for 127.0.0.1). Tests can cut every connection (DropConnections) and
// make the next commands of a kind fail or hang (FailNext, HangNext).
//
// Two defects of go-imap's server are mended here. imapmemserver's MOVE
// announces each expunged message twice to the moving client (it writes an
// EXPUNGE and also queues one for the session), which puts the client's
// message count wrong; here MOVE announces each once. And imapserver's IDLE
// starts listening for news only after it has answered "+ idling", and never
// sends what was queued before: mail that arrives just before a client
// enters IDLE (while it was searching its mailbox, say) would be announced
// only with the next change. Here IDLE first sends what is pending, then
// each change as it happens, as Dovecot does: new mail, whether appended by
// another connection or delivered, reaches every session in IDLE on the
// mailbox as EXISTS.
package imaptest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// Options describe an in-process server. The zero value is a server in plain
// text with MOVE, UIDPLUS and IDLE and the account phananh / secret.
type Options struct {
	// Username and Password of the one account; "phananh" and "secret"
	// when empty.
	Username string
	Password string
	// NoMove leaves MOVE out of the capabilities, as older servers do:
	// clients must fall back to COPY, STORE \Deleted and EXPUNGE.
	NoMove bool
	// NoUIDPlus leaves UIDPLUS out: no UID EXPUNGE, so a client cannot
	// expunge only its own messages. With NoMove, the server speaks plain
	// IMAP4rev1.
	NoUIDPlus bool
	// NoIdle leaves IDLE out, so that clients poll. It cannot be combined
	// with StartTLS (the capability list is rewritten on the wire, which
	// STARTTLS encrypts).
	NoIdle bool
	// TLS is how connections are secured. With StartTLS, LOGIN is refused
	// before STARTTLS.
	TLS Mode
	// Logger receives the server's errors; nil discards them.
	Logger *slog.Logger
}

// Server is an IMAP server listening on 127.0.0.1.
type Server struct {
	opt     Options
	imap    *imapserver.Server
	user    *imapmemserver.User
	ln      net.Listener
	pool    *x509.CertPool
	certPEM []byte        // the certificate, PEM-encoded
	done    chan struct{} // closed when the accept loop has ended
	caps    imap.CapSet

	mu      sync.Mutex
	conns   map[net.Conn]struct{} // the TCP connections, to drop them
	faults  map[string]fault      // by command name
	release chan struct{}         // closed to end the hanging commands
	changed chan struct{}         // closed, and replaced, at each change to mail
	closed  bool
}

// NewServer starts a server on a free port of 127.0.0.1. Close it when done.
func NewServer(opt Options) (*Server, error) {
	mode, err := ParseMode(string(opt.TLS))
	if err != nil {
		return nil, fmt.Errorf("imaptest: %w", err)
	}
	opt.TLS = mode
	if opt.NoIdle && mode == StartTLS {
		return nil, errors.New("imaptest: NoIdle cannot be combined with STARTTLS")
	}
	if opt.Username == "" {
		opt.Username = "phananh"
	}
	if opt.Password == "" {
		opt.Password = "secret"
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}

	s := &Server{
		opt:     opt,
		user:    imapmemserver.NewUser(opt.Username, opt.Password),
		done:    make(chan struct{}),
		caps:    capabilities(opt),
		faults:  map[string]fault{},
		conns:   map[net.Conn]struct{}{},
		release: make(chan struct{}),
		changed: make(chan struct{}),
	}
	if err := s.user.Create("INBOX", nil); err != nil {
		return nil, fmt.Errorf("imaptest: create INBOX: %w", err)
	}

	var tlsConfig *tls.Config
	if mode != TLSNone {
		cert, pool, err := selfSigned()
		if err != nil {
			return nil, fmt.Errorf("imaptest: %w", err)
		}
		s.pool = pool
		s.certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
		tlsConfig = &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
	}
	serverOpt := &imapserver.Options{
		NewSession: func(*imapserver.Conn) (imapserver.Session, *imapserver.GreetingData, error) {
			return &session{srv: s}, nil, nil
		},
		Caps:   s.caps,
		Logger: printfLogger{opt.Logger},
		// Implicit TLS is done by our listener, so imapserver sees plain
		// connections: tell it that authentication is safe there.
		InsecureAuth: mode != StartTLS,
	}
	if mode == StartTLS {
		serverOpt.TLSConfig = tlsConfig
	}
	s.imap = imapserver.New(serverOpt)

	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("imaptest: listen: %w", err)
	}
	s.ln = &listener{Listener: tcp, srv: s}
	if mode == ImplicitTLS {
		s.ln.(*listener).tls = tlsConfig
	}
	if opt.NoIdle {
		s.ln.(*listener).hideCap = imap.CapIdle
	}
	// Every goroutine of the server carries a CPU profile label, so that
	// a benchmark's profile tells the test's server from the code it tests
	// (go tool pprof -tagignore server=.).
	go pprof.Do(context.Background(), pprof.Labels("server", "imap"), func(context.Context) {
		defer close(s.done)
		if err := s.imap.Serve(s.ln); err != nil {
			opt.Logger.Warn("imap test server stopped", "err", err)
		}
	})
	return s, nil
}

func capabilities(opt Options) imap.CapSet {
	caps := imap.CapSet{imap.CapIMAP4rev1: {}, imap.CapNamespace: {}}
	if !opt.NoMove {
		caps[imap.CapMove] = struct{}{}
	}
	if !opt.NoUIDPlus {
		caps[imap.CapUIDPlus] = struct{}{}
	}
	return caps
}

// Addr is the server's "127.0.0.1:port".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// CertPool trusts the server's certificate; nil when the server is in plain
// text.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// CertPEM is the server's certificate in PEM, for a configuration's
// ca_file; nil when the server is in plain text.
func (s *Server) CertPEM() []byte { return s.certPEM }

// Config is how to reach the server's account, with the daemon's default
// mailbox names (only INBOX exists at first).
func (s *Server) Config() Config {
	addr := s.ln.Addr().(*net.TCPAddr)
	return Config{
		Host:       addr.IP.String(),
		Port:       addr.Port,
		TLS:        s.opt.TLS,
		Username:   s.opt.Username,
		Password:   s.opt.Password,
		RootCAs:    s.pool,
		Mailbox:    "INBOX",
		Processed:  "Processed",
		Quarantine: "Quarantine",
	}
}

// Deliver puts a message into a mailbox the way a mail server's delivery
// agent does, without an IMAP connection, and returns its UID. A zero
// internalDate means now. Clients that have the mailbox selected are told.
func (s *Server) Deliver(mailbox string, raw []byte, internalDate time.Time) (imap.UID, error) {
	data, err := s.user.Append(mailbox, bytes.NewReader(raw), &imap.AppendOptions{Time: internalDate})
	if err != nil {
		return 0, fmt.Errorf("imaptest: deliver to %s: %w", mailbox, err)
	}
	s.notify()
	return data.UID, nil
}

// changes returns a channel closed at the next change to mail.
func (s *Server) changes() <-chan struct{} {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.changed
}

// notify wakes the sessions in IDLE: mail changed, and imapmemserver has
// queued the news for each session already.
func (s *Server) notify() {
	s.mu.Lock()
	close(s.changed)
	s.changed = make(chan struct{})
	s.mu.Unlock()
}

// DropConnections closes every client connection at once, as a network
// failure or a server restart would; the mailboxes are kept and new
// connections are accepted. Commands held by HangNext end.
func (s *Server) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
	}
	if !s.closed {
		close(s.release)
		s.release = make(chan struct{})
	}
}

// Close stops the server and closes every connection.
func (s *Server) Close() error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return nil
	}
	s.closed = true
	close(s.release)
	s.mu.Unlock()
	err := s.imap.Close()
	<-s.done
	if err != nil {
		return fmt.Errorf("imaptest: close: %w", err)
	}
	return nil
}

// printfLogger hands imapserver's messages to slog.
type printfLogger struct{ l *slog.Logger }

func (p printfLogger) Printf(format string, args ...any) {
	p.l.Warn("imap test server", "detail", fmt.Sprintf(format, args...))
}
