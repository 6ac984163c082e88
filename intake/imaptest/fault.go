package imaptest

import (
	"fmt"
	"slices"

	"github.com/emersion/go-imap/v2"
)

// faultCommands are the commands FailNext and HangNext act on.
var faultCommands = []string{"LOGIN", "SELECT", "CREATE", "STATUS", "APPEND", "SEARCH", "FETCH", "STORE", "COPY", "MOVE", "EXPUNGE"}

// fault is what happens to the next commands of one kind.
type fault struct {
	n    int
	hang bool
}

// FailNext makes the next n commands named command fail with "NO [UNAVAILABLE]", as a server in trouble answers; the command
// has no effect. It replaces what an earlier FailNext or HangNext set for
// that command; n = 0 clears it. The commands are LOGIN, SELECT, CREATE,
// STATUS, APPEND, SEARCH, FETCH, STORE, COPY, MOVE and EXPUNGE; the UID forms
// count as the plain ones (UID FETCH is FETCH).
func (s *Server) FailNext(command string, n int) { s.setFault(command, fault{n: n}) }

// HangNext makes the next n commands named command (as for FailNext) hang without an answer until DropConnections or Close, as a stuck server
// does; the command then fails without effect.
func (s *Server) HangNext(command string, n int) { s.setFault(command, fault{n: n, hang: true}) }

func (s *Server) setFault(command string, f fault) {
	if !slices.Contains(faultCommands, command) {
		panic(fmt.Sprintf("imaptest: no fault injection for command %q", command))
	}
	s.mu.Lock()
	s.faults[command] = f
	s.mu.Unlock()
}

// inject is called as each command of faultCommands begins: it returns the
// error to answer with, after hanging if told to, or nil to go on.
func (s *Server) inject(command string) error {
	s.mu.Lock()
	f := s.faults[command]
	if f.n == 0 {
		s.mu.Unlock()
		return nil
	}
	f.n--
	s.faults[command] = f
	release := s.release
	s.mu.Unlock()
	if f.hang {
		<-release
	}
	return &imap.Error{
		Type: imap.StatusResponseTypeNo,
		Code: imap.ResponseCodeUnavailable,
		Text: command + " failed (injected fault)",
	}
}
