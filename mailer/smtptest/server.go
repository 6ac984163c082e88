// Package smtptest runs an SMTP server inside the process, on loopback, that
// keeps every message it accepts: the mail sink of tests and of `phananh
// demo` (the way net/http/httptest runs an HTTP server).
//
// It takes mail from anyone to anyone, with AUTH PLAIN when given an
// account, in plain text, with STARTTLS or with implicit TLS (a self-signed
// certificate made in memory). Accepted messages are kept in memory (test
// mail is small) and, when asked, written to a folder as .eml files. Tests
// can make it fail the way real servers do: an outage (SetDown), refused
// messages (FailNext), and a connection cut after the message was accepted
// but before the sender heard so (OnAccepted with DropConnections).
package smtptest

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"fmt"
	"log/slog"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Mode says how connections are secured, with the values of the [smtp] tls
// key of the configuration.
type Mode string

// The TLS modes. The zero Mode is TLSNone.
const (
	TLSNone     Mode = "none"
	StartTLS    Mode = "starttls"
	ImplicitTLS Mode = "tls"
)

// Options describe a server. The zero value takes mail in plain text
// without authentication and keeps it in memory only.
type Options struct {
	// Dir, when set, is a folder (created if needed) where every accepted
	// message is also written, as NNNN-<Message-ID>.eml: NNNN counts from
	// 0001 in the order of acceptance, and the Message-ID is made safe for
	// a file name.
	Dir string
	// Username and Password, when set, are the one account of AUTH PLAIN,
	// required before MAIL FROM. Authentication is allowed without TLS:
	// the server is on loopback.
	Username string
	Password string
	// TLS is how connections are secured.
	TLS Mode
	// OnAccepted, when set, is called with each accepted message after it
	// is kept and before the 250 reply is written. A test blocks there, or
	// calls DropConnections, to leave the sender not knowing that its mail
	// was accepted.
	OnAccepted func(Received)
	// Logger receives the server's errors; nil discards them.
	Logger *slog.Logger
	// Addr is the address to listen on; "" is a free port of 127.0.0.1.
	// A fixed address is for a server that another mail server delivers
	// to.
	Addr string
	// Keep, when set, says which accepted messages are kept: the others
	// are answered 250 and dropped, as a mail server drops mail into
	// mailboxes that are not the test's.
	Keep func(Received) bool
	// RefuseRcpt, when set, returns the code (4xx or 5xx) to refuse a
	// recipient with, or 0 to take it.
	RefuseRcpt func(to string) int
	// RefuseMail, when set, returns the code (4xx or 5xx) to refuse the
	// sender of MAIL FROM with, or 0 to take it.
	RefuseMail func(from string) int
}

// Received is one accepted message.
type Received struct {
	From string   // the envelope sender (MAIL FROM)
	To   []string // the envelope recipients (RCPT TO)
	Data []byte   // the message as received
	// MessageID is the Message-ID header without its angle brackets, or
	// "" when there is none.
	MessageID string
	// UTF8 is set when the sender asked for SMTPUTF8 (RFC 6531) in MAIL
	// FROM.
	UTF8 bool
}

// Server is an SMTP server listening on loopback.
type Server struct {
	opt     Options
	smtp    *smtp.Server
	ln      net.Listener
	pool    *x509.CertPool
	certPEM []byte        // the certificate, PEM-encoded
	done    chan struct{} // closed when the accept loop has ended

	mu       sync.Mutex
	msgs     []Received
	changed  chan struct{} // closed, and replaced, when a message is kept
	down     bool
	failN    int
	failCode int
	conns    map[net.Conn]struct{}
	accepted int // connections accepted, outages aside
	closed   bool
}

// NewServer starts a server on opt.Addr, by default a free port of
// 127.0.0.1. Close it when done.
func NewServer(opt Options) (*Server, error) {
	switch opt.TLS {
	case "":
		opt.TLS = TLSNone
	case TLSNone, StartTLS, ImplicitTLS:
	default:
		return nil, fmt.Errorf("smtptest: tls mode %q: want none, starttls or tls", opt.TLS)
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Dir != "" {
		if err := os.MkdirAll(opt.Dir, 0o755); err != nil {
			return nil, fmt.Errorf("smtptest: %w", err)
		}
	}
	s := &Server{
		opt:     opt,
		done:    make(chan struct{}),
		changed: make(chan struct{}),
		conns:   map[net.Conn]struct{}{},
	}

	s.smtp = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &session{srv: s}, nil
	}))
	s.smtp.Domain = "localhost"
	s.smtp.AllowInsecureAuth = true
	s.smtp.EnableSMTPUTF8 = true
	s.smtp.ReadTimeout = time.Minute
	s.smtp.WriteTimeout = time.Minute
	s.smtp.ErrorLog = logger{opt.Logger}

	ln := &listener{srv: s}
	if opt.TLS != TLSNone {
		cert, pool, err := selfSigned()
		if err != nil {
			return nil, fmt.Errorf("smtptest: %w", err)
		}
		s.pool = pool
		s.certPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Certificate[0]})
		config := &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12}
		if opt.TLS == StartTLS {
			s.smtp.TLSConfig = config
		} else {
			ln.tls = config
		}
	}
	addr := opt.Addr
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	tcp, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("smtptest: listen: %w", err)
	}
	ln.Listener = tcp
	s.ln = ln
	// Every goroutine of the server carries a CPU profile label, so that
	// a benchmark's profile tells the test's server from the code it tests
	// (go tool pprof -tagignore server=.).
	go pprof.Do(context.Background(), pprof.Labels("server", "smtp"), func(context.Context) {
		defer close(s.done)
		if err := s.smtp.Serve(ln); err != nil {
			opt.Logger.Warn("smtp test server stopped", "err", err)
		}
	})
	return s, nil
}

// Addr is the server's "127.0.0.1:port".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Port is the server's port on 127.0.0.1.
func (s *Server) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

// CertPool trusts the server's certificate; nil when the server is in plain
// text.
func (s *Server) CertPool() *x509.CertPool { return s.pool }

// CertPEM is the server's certificate in PEM, for a configuration's
// ca_file; nil when the server is in plain text.
func (s *Server) CertPEM() []byte { return s.certPEM }

// Messages returns the messages accepted so far, oldest first. The caller
// must not change them.
func (s *Server) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// WaitFor waits until at least n messages have been accepted and returns
// them all, or returns those so far with ctx's error.
func (s *Server) WaitFor(ctx context.Context, n int) ([]Received, error) {
	for {
		s.mu.Lock()
		count, changed := len(s.msgs), s.changed
		s.mu.Unlock()
		if count >= n {
			return s.Messages(), nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return s.Messages(), fmt.Errorf("smtptest: %d of %d messages: %w", count, n, ctx.Err())
		}
	}
}

// Connections is the number of connections the server has taken, those
// turned away during an outage left out.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.accepted
}

// SetDown starts or ends an outage: while down, the server cuts its open
// connections and answers every new one with "421 Service not available"
// before hanging up.
func (s *Server) SetDown(down bool) {
	s.mu.Lock()
	s.down = down
	s.mu.Unlock()
	if down {
		s.DropConnections()
	}
}

// FailNext makes the server refuse the next n messages at the end of DATA
// with code: 4xx for a temporary failure (451: try again later), 5xx for a
// permanent one (550, 554). n = 0 clears it. Refused messages are not kept.
func (s *Server) FailNext(n, code int) {
	if code < 400 || code > 599 {
		panic(fmt.Sprintf("smtptest: FailNext code %d is not a 4xx or 5xx reply", code))
	}
	s.mu.Lock()
	s.failN, s.failCode = n, code
	s.mu.Unlock()
}

// DropConnections closes every client connection at once, as a network
// failure or a crash of the server would. It may be called from OnAccepted.
func (s *Server) DropConnections() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for c := range s.conns {
		c.Close()
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
	s.mu.Unlock()
	err := s.smtp.Close()
	// go-smtp closes only the listeners Serve has registered: a Close that
	// comes before Serve has started would leave it accepting forever.
	s.ln.Close()
	<-s.done
	if err != nil {
		return fmt.Errorf("smtptest: close: %w", err)
	}
	return nil
}

// failure returns the code to refuse the current message with, or 0.
func (s *Server) failure() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.failN == 0 {
		return 0
	}
	s.failN--
	return s.failCode
}

// keep records an accepted message, writing it to Dir first.
func (s *Server) keep(r Received) error {
	if s.opt.Keep != nil && !s.opt.Keep(r) {
		return nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.opt.Dir != "" {
		name := fmt.Sprintf("%04d-%s.eml", len(s.msgs)+1, fileName(r.MessageID))
		if err := os.WriteFile(filepath.Join(s.opt.Dir, name), r.Data, 0o644); err != nil {
			return err
		}
	}
	s.msgs = append(s.msgs, r)
	close(s.changed)
	s.changed = make(chan struct{})
	return nil
}

// messageID reads the Message-ID header of a message.
func messageID(data []byte) string {
	m, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return ""
	}
	id := strings.TrimSpace(m.Header.Get("Message-Id"))
	return strings.TrimSuffix(strings.TrimPrefix(id, "<"), ">")
}

// fileName makes a Message-ID safe as part of a file name: letters, digits
// and . _ + - @ are kept, anything else becomes _, and it is cut to 100
// bytes.
func fileName(id string) string {
	if id == "" {
		return "no-message-id"
	}
	b := []byte(id)
	for i, c := range b {
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("._+-@", c) >= 0
		if !ok {
			b[i] = '_'
		}
	}
	if len(b) > 100 {
		b = b[:100]
	}
	if b[0] == '.' {
		b[0] = '_'
	}
	return string(b)
}

// logger hands go-smtp's messages to slog.
type logger struct{ l *slog.Logger }

func (l logger) Printf(format string, args ...any) {
	l.l.Warn("smtp test server", "detail", fmt.Sprintf(format, args...))
}

func (l logger) Println(args ...any) {
	l.l.Warn("smtp test server", "detail", strings.TrimSuffix(fmt.Sprintln(args...), "\n"))
}
