package main

import (
	"net"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// listenNotify is the service manager's end of NOTIFY_SOCKET.
func listenNotify(t *testing.T) *net.UnixConn {
	t.Helper()
	path := filepath.Join(t.TempDir(), "notify")
	conn, err := net.ListenUnixgram("unixgram", &net.UnixAddr{Name: path, Net: "unixgram"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	t.Setenv("NOTIFY_SOCKET", path)
	return conn
}

// nextNotice waits for the next datagram that holds want, and returns the
// datagrams received before it.
func nextNotice(t *testing.T, conn *net.UnixConn, want string) (before []string) {
	t.Helper()
	buf := make([]byte, 4096)
	conn.SetReadDeadline(time.Now().Add(time.Minute))
	for {
		n, err := conn.Read(buf)
		if err != nil {
			t.Fatalf("no %q from the daemon (received %q): %v", want, before, err)
		}
		msg := string(buf[:n])
		if strings.Contains("\n"+msg+"\n", "\n"+want+"\n") {
			return before
		}
		before = append(before, msg)
	}
}

// TestNotifyReadyStopping: READY=1 only once the mailbox session is open
// (not while the IMAP server refuses the login), STOPPING=1 when the
// daemon is told to stop.
func TestNotifyReadyStopping(t *testing.T) {
	conn := listenNotify(t)
	e := newEnv(t, envOptions{})
	server := e.imap.Server()
	if server == nil {
		t.Skip("needs the in-process IMAP server to refuse logins")
	}
	server.FailNext("LOGIN", 1)
	stop := e.startDaemon()
	before := nextNotice(t, conn, "READY=1")
	if !e.daemon.watcher.Connected() {
		t.Error("READY=1 before the mailbox session was open")
	}
	if len(before) == 0 || !strings.Contains(before[0], "STATUS=connecting") {
		t.Errorf("before READY=1: %q", before)
	}
	stop()
	nextNotice(t, conn, "STOPPING=1")
}

// Without NOTIFY_SOCKET nothing is sent and nothing fails.
func TestNotifyOutsideSystemd(t *testing.T) {
	t.Setenv("NOTIFY_SOCKET", "")
	if err := newNotifier().send("READY=1"); err != nil {
		t.Fatal(err)
	}
}
