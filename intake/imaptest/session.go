package imaptest

import (
	"github.com/emersion/go-imap/v2"
	"github.com/emersion/go-imap/v2/imapserver"
	"github.com/emersion/go-imap/v2/imapserver/imapmemserver"
)

// session is one connection: imapmemserver's session of the account once
// logged in, with faults injected, MOVE and IDLE mended. Each command that
// may change mail wakes the sessions in IDLE when it ends.
type session struct {
	*imapmemserver.UserSession // nil until LOGIN
	srv                        *Server
}

var _ imapserver.SessionIMAP4rev2 = (*session)(nil)

func (s *session) Login(username, password string) error {
	if err := s.srv.inject("LOGIN"); err != nil {
		return err
	}
	if err := s.srv.user.Login(username, password); err != nil {
		return err
	}
	s.UserSession = imapmemserver.NewUserSession(s.srv.user)
	return nil
}

func (s *session) Select(mailbox string, options *imap.SelectOptions) (*imap.SelectData, error) {
	if err := s.srv.inject("SELECT"); err != nil {
		return nil, err
	}
	return s.UserSession.Select(mailbox, options)
}

func (s *session) Create(mailbox string, options *imap.CreateOptions) error {
	if err := s.srv.inject("CREATE"); err != nil {
		return err
	}
	return s.UserSession.Create(mailbox, options)
}

func (s *session) Status(mailbox string, options *imap.StatusOptions) (*imap.StatusData, error) {
	if err := s.srv.inject("STATUS"); err != nil {
		return nil, err
	}
	return s.UserSession.Status(mailbox, options)
}

func (s *session) Append(mailbox string, r imap.LiteralReader, options *imap.AppendOptions) (*imap.AppendData, error) {
	if err := s.srv.inject("APPEND"); err != nil {
		return nil, err
	}
	defer s.srv.notify()
	return s.UserSession.Append(mailbox, r, options)
}

func (s *session) Search(kind imapserver.NumKind, criteria *imap.SearchCriteria, options *imap.SearchOptions) (*imap.SearchData, error) {
	if err := s.srv.inject("SEARCH"); err != nil {
		return nil, err
	}
	return s.UserSession.Search(kind, criteria, options)
}

func (s *session) Fetch(w *imapserver.FetchWriter, numSet imap.NumSet, options *imap.FetchOptions) error {
	if err := s.srv.inject("FETCH"); err != nil {
		return err
	}
	defer s.srv.notify()
	return s.UserSession.Fetch(w, numSet, options)
}

func (s *session) Store(w *imapserver.FetchWriter, numSet imap.NumSet, flags *imap.StoreFlags, options *imap.StoreOptions) error {
	if err := s.srv.inject("STORE"); err != nil {
		return err
	}
	defer s.srv.notify()
	return s.UserSession.Store(w, numSet, flags, options)
}

func (s *session) Copy(numSet imap.NumSet, dest string) (*imap.CopyData, error) {
	if err := s.srv.inject("COPY"); err != nil {
		return nil, err
	}
	defer s.srv.notify()
	return s.UserSession.Copy(numSet, dest)
}

func (s *session) Expunge(w *imapserver.ExpungeWriter, uids *imap.UIDSet) error {
	if err := s.srv.inject("EXPUNGE"); err != nil {
		return err
	}
	defer s.srv.notify()
	return s.UserSession.Expunge(w, uids)
}

// Move copies the messages, then flags and expunges exactly those. The
// EXPUNGE responses reach this client, as every other that has the mailbox
// selected, once, after the COPYUID: imapmemserver's own MOVE also writes
// them itself, so the client hears of each expunge twice.
func (s *session) Move(w *imapserver.MoveWriter, numSet imap.NumSet, dest string) error {
	if err := s.srv.inject("MOVE"); err != nil {
		return err
	}
	defer s.srv.notify()
	data, err := s.UserSession.Copy(numSet, dest)
	if err != nil {
		return err
	}
	if len(data.SourceUIDs) == 0 {
		return nil
	}
	deleted := &imap.StoreFlags{Op: imap.StoreFlagsAdd, Silent: true, Flags: []imap.Flag{imap.FlagDeleted}}
	if err := s.UserSession.Store(nil, data.SourceUIDs, deleted, nil); err != nil {
		return err
	}
	if err := s.UserSession.Expunge(nil, &data.SourceUIDs); err != nil {
		return err
	}
	return w.WriteCopyData(data)
}

// Idle sends the news queued for the session, then each change as it
// happens, until stop is closed. imapserver's own loop (SessionTracker.Idle)
// does not send what was queued before it started to listen.
func (s *session) Idle(w *imapserver.UpdateWriter, stop <-chan struct{}) error {
	for {
		changed := s.srv.changes() // before Poll: no change can fall between
		if err := s.UserSession.Poll(w, true); err != nil {
			return err
		}
		select {
		case <-stop:
			return nil
		case <-changed:
		}
	}
}
