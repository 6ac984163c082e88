package intake

import (
	"errors"
	"regexp"
	"strings"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/store"
)

// isBounce reports whether a message is a delivery failure report.
func isBounce(m *parse.Message) bool {
	return m.DSN != nil
}

// sameMailbox reports whether addr is our mailbox, with or without a
// +token.
func sameMailbox(ours, addr string) bool {
	ol, od, _ := strings.Cut(strings.ToLower(ours), "@")
	al, ad, ok := strings.Cut(strings.ToLower(strings.TrimSpace(addr)), "@")
	if !ok || ad != od {
		return false
	}
	base, _, _ := strings.Cut(al, "+")
	return base == ol
}

var tagPattern = regexp.MustCompile(`\[(PA-\d{4}-\d{6})\]`)

// thread finds the report a message answers: by a valid reply token in its
// recipients, by our Message-IDs in In-Reply-To and References, or by the
// tag in its subject. It returns "" when the message starts no thread of
// ours.
func (p *Pipeline) thread(tx *store.Tx, in *incoming) (string, error) {
	m := in.msg
	if code, err := p.threadByToken(tx, in); code != "" || err != nil {
		return code, err
	}
	ids := append(append([]string{}, m.InReplyTo...), m.References...)
	for _, id := range ids {
		mail, err := tx.MailByMessageID(id)
		if errors.Is(err, store.ErrNotFound) {
			continue
		}
		if err != nil {
			return "", err
		}
		if mail.ReportCode != "" {
			return mail.ReportCode, nil
		}
	}
	if match := tagPattern.FindStringSubmatch(m.Subject); match != nil {
		if _, err := tx.Report(match[1]); err == nil {
			return match[1], nil
		} else if !errors.Is(err, store.ErrNotFound) {
			return "", err
		}
	}
	return "", nil
}

func (p *Pipeline) threadByToken(tx *store.Tx, in *incoming) (string, error) {
	m := in.msg
	var rcpts []string
	for _, a := range append(append([]parse.Address{}, m.To...), m.Cc...) {
		rcpts = append(rcpts, a.Addr)
	}
	rcpts = append(rcpts, m.DeliveredTo...)
	for _, addr := range rcpts {
		tok := token.FromAddress(p.Address, addr)
		if tok == "" {
			continue
		}
		for _, aud := range []token.Audience{token.Citizen, token.Operator} {
			id, err := p.Tokens.Check(tok, aud, m.From.Addr, in.now)
			if err != nil {
				continue
			}
			r, err := tx.ReportByID(id)
			if errors.Is(err, store.ErrNotFound) {
				continue
			}
			return r.Code, err
		}
	}
	return "", nil
}
