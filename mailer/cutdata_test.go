package mailer

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
	"time"
)

// TestBodyFailingMidData: a mail whose bytes cannot all be read as it is
// sent (its spilled copy fails as it is read back: a disk's error) is not
// ended: the server never sees its ending dot, so it takes nothing of it,
// and the session is given up. Ending it would have the server deliver
// the mail cut short, and the mail, sent again later, arrive twice.
func TestBodyFailingMidData(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	ended := make(chan string, 1) // how the server saw the mail's data end
	go func() {
		c, err := ln.Accept()
		if err != nil {
			ended <- err.Error()
			return
		}
		defer c.Close()
		ended <- serveOneMail(c)
	}()
	host, port, _ := strings.Cut(ln.Addr().String(), ":")
	p, _ := strconv.Atoi(port)
	s, err := SMTP{Host: host, Port: p, TLS: "none", Timeout: 10 * time.Second}.open(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	body := io.MultiReader(strings.NewReader("Subject: =?UTF-8?Q?Th=C3=B4ng_b=C3=A1o?=\r\n\r\nPhần đầu của thư.\r\n"),
		iotest.ErrReader(errors.New("the spilled mail cannot be read back")))
	err = s.send(context.Background(), &smtpEnvelope{from: "phananh@haugiang.gov.vn", rcpts: []string{"dan@example.com"}}, body, nil)
	s.close()
	var serr *sendError
	if !errors.As(err, &serr) || serr.stage != "data" || !s.broken {
		t.Errorf("send: %v, session broken %v; want a failure at data, the session given up", err, s.broken)
	}
	if got := <-ended; got != "cut" {
		t.Errorf("the server saw the mail's data end %s; want cut, the connection closed without the ending dot", got)
	}
}

// serveOneMail speaks SMTP on c for one mail and says how its data ended:
// "taken" at the ending dot, "cut" when the connection closed before it.
func serveOneMail(c net.Conn) string {
	r := bufio.NewReader(c)
	fmt.Fprint(c, "220 localhost ESMTP\r\n")
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return "before DATA"
		}
		switch cmd := strings.ToUpper(strings.TrimSpace(line)); {
		case strings.HasPrefix(cmd, "EHLO"):
			fmt.Fprint(c, "250-localhost\r\n250-PIPELINING\r\n250 8BITMIME\r\n")
		case cmd == "DATA":
			fmt.Fprint(c, "354 go on\r\n")
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					return "cut"
				}
				if l == ".\r\n" {
					fmt.Fprint(c, "250 taken\r\n")
					return "taken"
				}
			}
		default:
			fmt.Fprint(c, "250 OK\r\n")
		}
	}
}
