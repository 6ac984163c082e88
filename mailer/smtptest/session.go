package smtptest

import (
	"crypto/subtle"
	"fmt"
	"io"
	"slices"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"
)

// session is one SMTP connection's state.
type session struct {
	srv    *Server
	authed bool
	from   string
	to     []string
	utf8   bool // SMTPUTF8 in MAIL FROM
}

var _ smtp.AuthSession = (*session)(nil)

func (s *session) AuthMechanisms() []string {
	if s.srv.opt.Username == "" {
		return nil
	}
	return []string{sasl.Plain}
}

func (s *session) Auth(mech string) (sasl.Server, error) {
	if s.srv.opt.Username == "" || mech != sasl.Plain {
		return nil, smtp.ErrAuthUnknownMechanism
	}
	return sasl.NewPlainServer(func(identity, username, password string) error {
		opt := s.srv.opt
		if identity != "" && identity != username ||
			subtle.ConstantTimeCompare([]byte(username), []byte(opt.Username)) != 1 ||
			subtle.ConstantTimeCompare([]byte(password), []byte(opt.Password)) != 1 {
			return smtp.ErrAuthFailed
		}
		s.authed = true
		return nil
	}), nil
}

func (s *session) Mail(from string, opts *smtp.MailOptions) error {
	if s.srv.opt.Username != "" && !s.authed {
		return smtp.ErrAuthRequired
	}
	if f := s.srv.opt.RefuseMail; f != nil {
		if code := f(from); code != 0 {
			return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 7, 1}, Message: "Sender refused (injected)"}
		}
	}
	s.from = from
	s.utf8 = opts != nil && opts.UTF8
	return nil
}

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	if f := s.srv.opt.RefuseRcpt; f != nil {
		if code := f(to); code != 0 {
			return &smtp.SMTPError{Code: code, EnhancedCode: smtp.EnhancedCode{code / 100, 1, 1}, Message: "Recipient refused (injected)"}
		}
	}
	s.to = append(s.to, to)
	return nil
}

// Data reads the message whole, then refuses it (FailNext) or keeps it
// and calls OnAccepted; go-smtp writes the reply when Data returns.
func (s *session) Data(r io.Reader) error {
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	if code := s.srv.failure(); code != 0 {
		return &smtp.SMTPError{
			Code:         code,
			EnhancedCode: smtp.EnhancedCode{code / 100, 0, 0},
			Message:      fmt.Sprintf("Refused (injected failure %d)", code),
		}
	}
	msg := Received{From: s.from, To: slices.Clone(s.to), Data: data, MessageID: messageID(data), UTF8: s.utf8}
	if err := s.srv.keep(msg); err != nil {
		s.srv.opt.Logger.Error("smtp test server could not keep a message", "err", err)
		return &smtp.SMTPError{Code: 451, EnhancedCode: smtp.EnhancedCode{4, 3, 0}, Message: "Local error in processing"}
	}
	if s.srv.opt.OnAccepted != nil {
		s.srv.opt.OnAccepted(msg)
	}
	return nil
}

func (s *session) Reset() {
	s.from, s.to, s.utf8 = "", nil, false
}

func (s *session) Logout() error { return nil }
