package imaptest

import (
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"net"
	"strconv"
)

// Mode says how a connection is secured, with the values of the [imap] tls
// key of the configuration.
type Mode string

// The TLS modes. The zero Mode is TLSNone.
const (
	TLSNone     Mode = "none"     // plain text
	StartTLS    Mode = "starttls" // plain text upgraded with STARTTLS before login
	ImplicitTLS Mode = "tls"      // TLS from the first byte
)

// ParseMode reads a mode as written in configuration and environment
// variables; the empty string is TLSNone.
func ParseMode(s string) (Mode, error) {
	switch m := Mode(s); m {
	case "", TLSNone:
		return TLSNone, nil
	case StartTLS, ImplicitTLS:
		return m, nil
	}
	return "", fmt.Errorf("tls mode %q: want none, starttls or tls", s)
}

// Config says how to reach an IMAP account and which mailboxes the daemon
// under test uses there: what a test hands to the code it exercises.
type Config struct {
	Host     string
	Port     int
	TLS      Mode
	Username string
	Password string
	// RootCAs are the certificate authorities to trust; nil means the
	// system's.
	RootCAs *x509.CertPool
	// InsecureSkipVerify turns certificate checks off, for a server whose
	// certificate the test cannot get hold of.
	InsecureSkipVerify bool

	// Mailbox is the mailbox citizens write to, Processed and Quarantine
	// the folders messages are moved to.
	Mailbox    string
	Processed  string
	Quarantine string
}

// Addr is "host:port".
func (c Config) Addr() string { return net.JoinHostPort(c.Host, strconv.Itoa(c.Port)) }

// TLSConfig is the client side of TLS for this account.
func (c Config) TLSConfig() *tls.Config {
	return &tls.Config{
		ServerName:         c.Host,
		RootCAs:            c.RootCAs,
		InsecureSkipVerify: c.InsecureSkipVerify,
		MinVersion:         tls.VersionTLS12,
	}
}
