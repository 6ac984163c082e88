package mailer

import (
	"context"
	"errors"
	"io"
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
	srv := serve(t, script{stall: -1})
	s := srv.open(t, 10*time.Second, false)
	body := io.MultiReader(strings.NewReader("Subject: =?UTF-8?Q?Th=C3=B4ng_b=C3=A1o?=\r\n\r\nPhần đầu của thư.\r\n"),
		iotest.ErrReader(errors.New("the spilled mail cannot be read back")))
	err := s.send(context.Background(), &smtpEnvelope{from: "phananh@haugiang.gov.vn", rcpts: []string{"dan@example.com"}}, body, nil)
	s.close()
	var serr *sendError
	if !errors.As(err, &serr) || serr.stage != "data" || !s.broken {
		t.Errorf("send: %v, session broken %v; want a failure at data, the session given up", err, s.broken)
	}
	if got := srv.wait(t); got != "cut" {
		t.Errorf("the server saw the mail's data end %s; want cut, the connection closed without the ending dot", got)
	}
}
