package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"
)

// notifier tells the service manager how the daemon is doing, by the
// protocol of sd_notify(3): one datagram of "KEY=value" lines to the unix
// socket that NOTIFY_SOCKET names (a name starting with "@" is in the
// abstract namespace, which Go's net package understands as written).
// Outside systemd NOTIFY_SOCKET is unset and nothing is sent.
type notifier struct {
	addr *net.UnixAddr
}

func newNotifier() notifier {
	name := os.Getenv("NOTIFY_SOCKET")
	if name == "" {
		return notifier{}
	}
	return notifier{&net.UnixAddr{Name: name, Net: "unixgram"}}
}

// send sends one notification; lines are joined with newlines.
func (n notifier) send(lines ...string) error {
	if n.addr == nil {
		return nil
	}
	conn, err := net.DialUnix("unixgram", nil, n.addr)
	if err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	defer conn.Close()
	msg := ""
	for i, l := range lines {
		if i > 0 {
			msg += "\n"
		}
		msg += l
	}
	if _, err := conn.Write([]byte(msg)); err != nil {
		return fmt.Errorf("sd_notify: %w", err)
	}
	return nil
}

// tell sends a notification and logs a failure: the daemon goes on without
// its service manager's news.
func (d *daemon) tell(lines ...string) {
	if err := d.notifier.send(lines...); err != nil {
		d.log.Warn("service manager not told", "err", err)
	}
}

// reportReadiness sends READY=1 once the mailbox session is open (the
// outbox worker, the schedule and the HTTP listener have started before
// it), then keeps STATUS= up to date with the IMAP connection, until ctx
// is done.
func (d *daemon) reportReadiness(ctx context.Context) {
	tick := time.NewTicker(200 * time.Millisecond)
	defer tick.Stop()
	connected := false
	d.tell("STATUS=connecting to the IMAP server " + d.watcher.Addr)
	for {
		if now := d.watcher.Connected(); now != connected {
			connected = now
			switch {
			case now && !d.ready.Load():
				d.ready.Store(true)
				d.tell("READY=1", "STATUS=serving: mailbox "+d.cfg.IMAP.Mailbox+" open, outbox sending")
			case now:
				d.tell("STATUS=serving: mailbox " + d.cfg.IMAP.Mailbox + " open, outbox sending")
			default:
				d.tell("STATUS=IMAP session lost; reconnecting (the outbox goes on sending)")
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
	}
}
