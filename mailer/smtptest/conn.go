package smtptest

import (
	"crypto/tls"
	"io"
	"net"
	"sync"
	"time"
)

// listener accepts the server's connections: it keeps the TCP connections
// so that DropConnections can cut them, does implicit TLS, and turns
// connections away during an outage.
type listener struct {
	net.Listener
	srv *Server
	tls *tls.Config // implicit TLS when set
}

func (l *listener) Accept() (net.Conn, error) {
	for {
		tcp, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		var c net.Conn = tcp
		if l.tls != nil {
			c = tls.Server(tcp, l.tls)
		}
		l.srv.mu.Lock()
		down := l.srv.down
		if !down {
			l.srv.conns[tcp] = struct{}{}
			l.srv.accepted++
		}
		l.srv.mu.Unlock()
		if down {
			go refuse(c)
			continue
		}
		return &conn{Conn: c, tcp: tcp, srv: l.srv}, nil
	}
}

// refuse answers as a server that cannot take mail now, and hangs up.
func refuse(c net.Conn) {
	defer c.Close()
	c.SetDeadline(time.Now().Add(10 * time.Second))
	io.WriteString(c, "421 4.3.2 Service not available, closing transmission channel\r\n")
}

// conn is one client connection.
type conn struct {
	net.Conn          // tcp, or TLS over it
	tcp      net.Conn // the connection DropConnections closes
	srv      *Server
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
