package imaptest

import (
	"bytes"
	"crypto/tls"
	"net"
	"sync"

	"github.com/emersion/go-imap/v2"
)

// listener accepts the server's connections: it keeps the TCP connections
// so that DropConnections can cut them, does implicit TLS, and hides a
// capability when told to.
type listener struct {
	net.Listener
	srv     *Server
	tls     *tls.Config // implicit TLS when set
	hideCap imap.Cap    // left out of CAPABILITY lists when set
}

func (l *listener) Accept() (net.Conn, error) {
	tcp, err := l.Listener.Accept()
	if err != nil {
		return nil, err
	}
	l.srv.mu.Lock()
	l.srv.conns[tcp] = struct{}{}
	l.srv.mu.Unlock()
	c := &conn{Conn: tcp, tcp: tcp, srv: l.srv, hideCap: l.hideCap}
	if l.tls != nil {
		c.Conn = tls.Server(tcp, l.tls)
	}
	return c, nil
}

// conn is one client connection.
type conn struct {
	net.Conn          // tcp, or TLS over it
	tcp      net.Conn // the connection DropConnections closes
	srv      *Server
	hideCap  imap.Cap
	once     sync.Once
}

func (c *conn) Close() error {
	c.once.Do(func() {
		c.srv.mu.Lock()
		delete(c.srv.conns, c.tcp)
		c.srv.mu.Unlock()
	})
	return c.Conn.Close()
}

// Write leaves c.hideCap out of the capability lists the server writes:
// imapserver flushes each response line as one write, so a write that starts
// with a capability response holds the whole list.
func (c *conn) Write(p []byte) (int, error) {
	if c.hideCap == "" {
		return c.Conn.Write(p)
	}
	q := withoutCap(p, c.hideCap)
	if _, err := c.Conn.Write(q); err != nil {
		return 0, err
	}
	return len(p), nil
}

// withoutCap removes the capability name from the first line of p when that
// line is a CAPABILITY response ("* CAPABILITY …") or a status response with
// a CAPABILITY code ("* OK [CAPABILITY …] …", "A1 OK [CAPABILITY …] …").
func withoutCap(p []byte, name imap.Cap) []byte {
	end := bytes.Index(p, []byte("\r\n"))
	if end < 0 {
		return p
	}
	line := p[:end]
	var start, stop int // the list, spaces included, is p[start:stop]
	if bytes.HasPrefix(line, []byte("* CAPABILITY ")) {
		start, stop = len("* CAPABILITY"), end
	} else if i := bytes.Index(line, []byte(" [CAPABILITY ")); i >= 0 {
		start = i + len(" [CAPABILITY")
		j := bytes.IndexByte(line[start:], ']')
		if j < 0 {
			return p
		}
		stop = start + j
	} else {
		return p
	}
	out := append([]byte(nil), p[:start]...)
	for _, c := range bytes.Fields(p[start:stop]) {
		if string(c) != string(name) {
			out = append(append(out, ' '), c...)
		}
	}
	return append(out, p[stop:]...)
}
