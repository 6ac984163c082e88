package main

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/emersion/go-msgauth/dkim"
	"github.com/emersion/go-smtp"
	"golang.org/x/net/publicsuffix"

	"haugiang.gov.vn/phananh/intake/imaptest/backend"
	"haugiang.gov.vn/phananh/mailer/smtptest"
)

// The end-to-end tests of mta_e2e_test.go run behind the mail servers of a
// deployment: haugiang.gov.vn's border MX (Postfix with OpenDKIM, then
// OpenDMARC, as docs/mail-server/ configures them), Dovecot behind it over
// LMTP, Postfix's submission port with OpenDKIM signing, and an outside
// world whose MX checks DKIM and hands the citizens' and staff's mail to
// the test's SMTP server. .ci/mail-servers.sh starts them in a network
// namespace of their own and names them in the environment:
//
//	PHANANH_TEST_MX             the border MX, where outside mail enters
//	PHANANH_TEST_OUTSIDE        the address outside servers connect from
//	PHANANH_TEST_SUBMISSION     the submission service the daemon sends through
//	PHANANH_TEST_MAIL_PASSWORD  the password of the tests' accounts
//	PHANANH_TEST_WORLD_SINK     where the outside world delivers: the test listens there
//	PHANANH_TEST_DKIM_KEYS      the outside domains' private keys, DOMAIN.SELECTOR.pem
//
// with the IMAP variables of package backend (Dovecot). Each test has an
// account of its own, phananh-tXXXXXXXX@haugiang.gov.vn, which is the
// daemon's address: its mail and the bounces of its mail are delivered
// there. Without these variables (go test ./...) the same tests run in the
// process, and a stand-in does what the border's filters do (standIn):
// drop our Authentication-Results headers as header_checks does, refuse
// what OpenDMARC's RequiredHeaders refuses, check DKIM and DMARC against
// the records of .ci/mail/world.zone with keys made for the test, write the
// headers as OpenDKIM and OpenDMARC write them, and put the message in the
// mailbox.
const (
	envMX           = "PHANANH_TEST_MX"
	envOutside      = "PHANANH_TEST_OUTSIDE"
	envSubmission   = "PHANANH_TEST_SUBMISSION"
	envMailPassword = "PHANANH_TEST_MAIL_PASSWORD"
	envWorldSink    = "PHANANH_TEST_WORLD_SINK"
	envDKIMKeys     = "PHANANH_TEST_DKIM_KEYS"
)

// ourAuthservID is the border's authserv-id, the configuration's default
// trusted_authserv_id.
const ourAuthservID = "mail.haugiang.gov.vn"

// border is the way into the test's mailbox from outside, and the keys the
// outside domains sign with.
type border struct {
	t    *testing.T
	e    *env
	mx   string // the real border MX; "" in the process
	from string // the address outside servers connect from
	ours string // the daemon's address: the test's mailbox
	keys map[string]crypto.Signer
	txt  map[string]string // the stand-in's DNS: TXT records by name
}

// newBorderEnv makes a test's world behind the mail servers, or their
// stand-in, with require_authentication_results on.
func newBorderEnv(t *testing.T, extra string) (*env, *border) {
	t.Helper()
	mx := os.Getenv(envMX)
	if mx == "" {
		e := newEnv(t, envOptions{extra: extra})
		e.requireAuthentication()
		b := &border{t: t, e: e, ours: "phananh@haugiang.gov.vn"}
		b.standInKeys()
		return e, b
	}
	user := "phananh-t" + randomHex(4) + "@haugiang.gov.vn"
	password := os.Getenv(envMailPassword)
	e := &env{t: t, dir: t.TempDir(), now: receivedAt}
	e.imap = backend.NewAccount(t, user, password)
	e.account = e.imap.Account(t)
	sink, err := smtptest.NewServer(smtptest.Options{Addr: os.Getenv(envWorldSink),
		Keep: func(r smtptest.Received) bool { return strings.EqualFold(r.From, user) }})
	if err != nil {
		t.Fatalf("the world's mailboxes: %v", err)
	}
	t.Cleanup(func() { sink.Close() })
	e.sink = sink
	pw := filepath.Join(e.dir, "smtp.password")
	if err := os.WriteFile(pw, []byte(password), 0o600); err != nil {
		t.Fatal(err)
	}
	host, port := splitAddr(t, os.Getenv(envSubmission))
	e.smtpSection = fmt.Sprintf("[smtp]\nhost = %q\nport = %d\ntls = \"starttls\"\nusername = %q\npassword_file = %q\nca_file = %q\nfrom = %q\nretry_max = \"2s\"\n",
		host, port, user, pw, os.Getenv(backend.EnvCAFile), user)
	e.config = e.writeConfig(extra, "")
	e.requireAuthentication()
	b := &border{t: t, e: e, mx: mx, from: os.Getenv(envOutside), ours: user}
	b.loadKeys(os.Getenv(envDKIMKeys))
	return e, b
}

// real reports whether the test runs behind the real servers.
func (b *border) real() bool { return b.mx != "" }

func randomHex(n int) string {
	p := make([]byte, n)
	rand.Read(p)
	return hex.EncodeToString(p)
}

// send delivers a message from outside, as the server of envFrom's domain
// would, to rcpt in our domain; the error is the border's refusal.
func (b *border) send(envFrom, rcpt, raw string) error {
	b.t.Helper()
	if !b.real() {
		return b.standIn(envFrom, raw)
	}
	d := net.Dialer{Timeout: 30 * time.Second}
	if b.from != "" {
		d.LocalAddr = &net.TCPAddr{IP: net.ParseIP(b.from)}
	}
	conn, err := d.Dial("tcp", b.mx)
	if err != nil {
		b.t.Fatalf("the border MX: %v", err)
	}
	c := smtp.NewClient(conn)
	defer c.Close()
	if err := c.Hello("mail.example.net"); err != nil {
		return err
	}
	utf8 := needsUTF8(envFrom + rcpt + raw)
	if err := c.Mail(envFrom, &smtp.MailOptions{UTF8: utf8}); err != nil {
		return err
	}
	if err := c.Rcpt(rcpt, nil); err != nil {
		return err
	}
	w, err := c.Data()
	if err != nil {
		return err
	}
	if _, err := w.Write([]byte(raw)); err != nil {
		return err
	}
	if err := w.Close(); err != nil {
		return err
	}
	return c.Quit()
}

func needsUTF8(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return true
		}
	}
	return false
}

// sign returns raw with a DKIM signature of domain (selector "mail") made
// with the key named: a domain's own, or "unpublished", which no DNS
// record holds.
func (b *border) sign(raw, domain, key string) string {
	b.t.Helper()
	k := b.keys[key]
	if k == nil {
		b.t.Fatalf("no DKIM key %q", key)
	}
	var out bytes.Buffer
	err := dkim.Sign(&out, strings.NewReader(raw), &dkim.SignOptions{Domain: domain, Selector: "mail", Signer: k,
		HeaderCanonicalization: dkim.CanonicalizationRelaxed, BodyCanonicalization: dkim.CanonicalizationRelaxed,
		HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "MIME-Version", "Content-Type"}})
	if err != nil {
		b.t.Fatalf("dkim: %v", err)
	}
	return out.String()
}

// loadKeys reads the outside domains' keys that .ci/mail-servers.sh made.
func (b *border) loadKeys(dir string) {
	b.keys = map[string]crypto.Signer{}
	files, err := filepath.Glob(filepath.Join(dir, "*.pem"))
	if err != nil || len(files) == 0 {
		b.t.Fatalf("%s=%q: no keys (%v)", envDKIMKeys, dir, err)
	}
	for _, f := range files {
		data, err := os.ReadFile(f)
		if err != nil {
			b.t.Fatal(err)
		}
		block, _ := pem.Decode(data)
		if block == nil {
			b.t.Fatalf("%s: no PEM", f)
		}
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			k, err = x509.ParsePKCS1PrivateKey(block.Bytes)
		}
		if err != nil {
			b.t.Fatalf("%s: %v", f, err)
		}
		name := strings.TrimSuffix(filepath.Base(f), ".pem")
		b.keys[strings.TrimSuffix(name, ".mail")] = k.(crypto.Signer)
	}
}

// worldZone is the outside world's DNS, shared with the real servers.
const worldZone = "../../.ci/mail/world.zone"

var dkimPlaceholder = regexp.MustCompile(`@@DKIM ([^ ]+) mail@@`)

// standInKeys makes an Ed25519 key for every domain whose DKIM record the
// world's zone holds, and the stand-in's TXT records with them.
func (b *border) standInKeys() {
	data, err := os.ReadFile(worldZone)
	if err != nil {
		b.t.Fatal(err)
	}
	b.keys, b.txt = map[string]crypto.Signer{}, map[string]string{}
	newKey := func() (ed25519.PublicKey, crypto.Signer) {
		pub, priv, err := ed25519.GenerateKey(rand.Reader)
		if err != nil {
			b.t.Fatal(err)
		}
		return pub, priv
	}
	_, b.keys["unpublished"] = newKey()
	for _, line := range strings.Split(string(data), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 3 || strings.HasPrefix(fields[0], ";") || fields[1] != "TXT" {
			continue
		}
		name := strings.TrimSuffix(fields[0], ".")
		value := strings.Trim(strings.Join(fields[2:], " "), `"`)
		if m := dkimPlaceholder.FindStringSubmatch(value); m != nil {
			pub, priv := newKey()
			b.keys[m[1]] = priv
			value = "v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)
		}
		b.txt[name] = value
	}
}

// headerChecks are the border's header_checks rules, shared with Postfix.
const headerChecks = "../../docs/mail-server/postfix/header_checks"

// standIn does in the test's process what the border's Postfix and its
// milters do (docs/mail-server/), then appends the message to the mailbox.
func (b *border) standIn(envFrom, raw string) error {
	rule, err := os.ReadFile(headerChecks)
	if err != nil {
		b.t.Fatal(err)
	}
	var strip []*regexp.Regexp
	for _, line := range strings.Split(string(rule), "\n") {
		if strings.HasPrefix(line, "/") {
			strip = append(strip, regexp.MustCompile("(?is)"+line[1:strings.LastIndex(line, "/")]))
		}
	}
	head, body, _ := strings.Cut(raw, "\r\n\r\n")
	var kept []string
	froms := 0
	for _, f := range headerFields(head) {
		f = postfixName(f)
		if slices.ContainsFunc(strip, func(re *regexp.Regexp) bool { return re.MatchString(f) }) {
			continue
		}
		if strings.HasPrefix(strings.ToLower(f), "from:") {
			froms++
		}
		kept = append(kept, f)
	}
	if froms != 1 { // OpenDMARC's RequiredHeaders
		return &smtp.SMTPError{Code: 550, EnhancedCode: smtp.EnhancedCode{5, 7, 1}, Message: "RFC5322 requirement error"}
	}
	msg := strings.Join(kept, "\r\n") + "\r\n\r\n" + body
	results := b.verify(envFrom, msg)
	b.e.deliver(time.Now(), results+msg)
	return nil
}

// verify writes the Authentication-Results headers OpenDMARC (dmarc, then
// spf) and OpenDKIM would put on top of msg.
func (b *border) verify(envFrom, msg string) string {
	m, err := mail.ReadMessage(strings.NewReader(msg))
	if err != nil {
		b.t.Fatal(err)
	}
	fromDomain := ""
	if a, err := mail.ParseAddress(m.Header.Get("From")); err == nil {
		fromDomain = strings.ToLower(a.Address[strings.LastIndex(a.Address, "@")+1:])
	}
	verifs, _ := dkim.VerifyWithOptions(strings.NewReader(msg), &dkim.VerifyOptions{LookupTXT: func(name string) ([]string, error) {
		if v, ok := b.txt[name]; ok {
			return []string{v}, nil
		}
		return nil, &net.DNSError{Err: "no such host", Name: name, IsNotFound: true}
	}})
	var dkims []string
	aligned := false
	for _, v := range verifs {
		if v.Err != nil {
			dkims = append(dkims, fmt.Sprintf("dkim=fail reason=\"signature verification failed\" header.d=%s", v.Domain))
			continue
		}
		dkims = append(dkims, fmt.Sprintf("dkim=pass header.d=%s header.i=@%s header.s=mail", v.Domain, v.Domain))
		aligned = aligned || organisational(v.Domain) == organisational(fromDomain)
	}
	if len(dkims) == 0 {
		dkims = []string{"dkim=none"}
	}
	envDomain := strings.ToLower(envFrom[strings.LastIndex(envFrom, "@")+1:])
	spf := "none"
	switch rec := b.txt[envDomain]; {
	case strings.HasSuffix(rec, "+all"):
		spf = "pass"
		aligned = aligned || organisational(envDomain) == organisational(fromDomain)
	case strings.HasSuffix(rec, "-all"):
		spf = "fail"
	}
	dmarc := "none (p=none dis=none)"
	if policy, ok := b.dmarcPolicy(fromDomain); ok {
		dmarc = fmt.Sprintf("fail (p=%s dis=%s)", policy, policy)
		if aligned {
			dmarc = fmt.Sprintf("pass (p=%s dis=none)", policy)
		}
	}
	return fmt.Sprintf("Authentication-Results: %s; dmarc=%s header.from=%s\r\n", ourAuthservID, dmarc, fromDomain) +
		fmt.Sprintf("Authentication-Results: %s; spf=%s smtp.mailfrom=%s\r\n", ourAuthservID, spf, envDomain) +
		fmt.Sprintf("Authentication-Results: %s; %s\r\n", ourAuthservID, strings.Join(dkims, ";\r\n\t"))
}

// dmarcPolicy finds a domain's DMARC policy, falling back to its
// organisational domain's (RFC 7489 section 6.6.3).
func (b *border) dmarcPolicy(domain string) (string, bool) {
	for _, d := range []string{domain, organisational(domain)} {
		if rec, ok := b.txt["_dmarc."+d]; ok {
			for _, tag := range strings.Split(rec, ";") {
				if k, v, _ := strings.Cut(strings.TrimSpace(tag), "="); k == "p" {
					return v, true
				}
			}
		}
	}
	return "", false
}

func organisational(d string) string {
	if o, err := publicsuffix.EffectiveTLDPlusOne(d); err == nil {
		return o
	}
	return d
}

// headerFields splits a header block into its fields, each with its
// folded lines.
func headerFields(head string) []string {
	var out []string
	for _, line := range strings.Split(head, "\r\n") {
		if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && len(out) > 0 {
			out[len(out)-1] += "\r\n" + line
			continue
		}
		out = append(out, line)
	}
	return out
}

// postfixName writes a field's name as Postfix passes it on to its
// header_checks and milters: without the white space that the obsolete
// syntax allows before the colon ("Authentication-Results : …").
func postfixName(f string) string {
	name, rest, ok := strings.Cut(f, ":")
	if trimmed := strings.TrimRight(name, " \t"); ok && trimmed != name && !strings.ContainsAny(trimmed, " \t\r\n") {
		return trimmed + ":" + rest
	}
	return f
}

// refused reports whether err is the border's permanent refusal.
func refused(err error) bool {
	var serr *smtp.SMTPError
	return errors.As(err, &serr) && serr.Code >= 500
}
