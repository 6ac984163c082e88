package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"io"
	"mime"
	"net"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/intake/imaptest"
	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// deployment is what `phananh check` looks at: a configuration with its
// key and password files, an IMAP server and an SMTP server on loopback.
type deployment struct {
	t      *testing.T
	dir    string
	config string
	imap   *imaptest.Server
	smtp   *smtptest.Server
}

type deploymentOptions struct {
	imap     imaptest.Options
	smtp     smtptest.Options
	smtpTLS  string            // smtp.tls of the configuration; the server's mode when ""
	folders  bool              // create the processed and quarantine folders
	settings map[string]string // "table.key" = TOML value, replacing the defaults below
	extra    string            // more TOML after the tables
}

// newDeployment is a deployment whose every check passes, but for what opt
// changes: the IMAP server in plain text on loopback, the SMTP server with
// STARTTLS and a login, and an operator for every agency.
func newDeployment(t *testing.T, opt deploymentOptions) *deployment {
	t.Helper()
	d := &deployment{t: t, dir: t.TempDir()}
	if opt.smtp.TLS == "" {
		opt.smtp.TLS = smtptest.StartTLS
		if opt.smtp.Username == "" {
			opt.smtp.Username, opt.smtp.Password = "phananh", "smtp-secret"
		}
	}
	var err error
	if d.imap, err = imaptest.NewServer(opt.imap); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.imap.Close() })
	if d.smtp, err = smtptest.NewServer(opt.smtp); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.smtp.Close() })
	if opt.folders {
		d.createFolders("Processed", "Quarantine")
	}
	ic := d.imap.Config()
	settings := map[string]string{
		"imap.host": q(ic.Host), "imap.port": fmt.Sprint(ic.Port), "imap.tls": q(string(ic.TLS)), "imap.username": q(ic.Username),
		"imap.password_file": q(d.secret("imap.password", ic.Password)), "imap.poll_interval": q("1m"),
		"smtp.host": q("127.0.0.1"), "smtp.port": fmt.Sprint(d.smtp.Port()), "smtp.tls": q(string(opt.smtp.TLS)),
		"smtp.from": q("phananh@haugiang.gov.vn"), "http.listen": q("127.0.0.1:0"),
		"security.token_key_file": q(d.key("token.key")), "security.encryption_key_file": q(d.key("encryption.key")),
		"process.escalation_address": q("chuyencap@haugiang.gov.vn"), "reports.recipients": `["sotttt@haugiang.gov.vn"]`,
	}
	if opt.smtpTLS != "" {
		settings["smtp.tls"] = q(opt.smtpTLS)
	}
	if pem := d.imap.CertPEM(); pem != nil {
		settings["imap.ca_file"] = q(d.file("imap-ca.pem", pem, 0o644))
	}
	if pem := d.smtp.CertPEM(); pem != nil {
		settings["smtp.ca_file"] = q(d.file("smtp-ca.pem", pem, 0o644))
	}
	if opt.smtp.Username != "" {
		settings["smtp.username"] = q(opt.smtp.Username)
		settings["smtp.password_file"] = q(d.secret("smtp.password", opt.smtp.Password))
	}
	for k, v := range opt.settings {
		settings[k] = v
	}
	d.config = d.file("phananh.toml", []byte(configTOML(settings)+opt.extra+allOperators()), 0o640)
	return d
}

func q(s string) string { return fmt.Sprintf("%q", s) }

// configTOML writes settings ("table.key" = value) as TOML tables.
func configTOML(settings map[string]string) string {
	var b strings.Builder
	for _, table := range []string{"imap", "smtp", "store", "security", "http", "calendar", "rules", "templates", "process", "reports", "privacy"} {
		fmt.Fprintf(&b, "[%s]\n", table)
		for k, v := range settings {
			if t, key, _ := strings.Cut(k, "."); t == table && v != "" {
				fmt.Fprintf(&b, "%s = %s\n", key, v)
			}
		}
		b.WriteString("\n")
	}
	return b.String()
}

// allOperators is a receiver, an approver, and a handler and a leader for
// every agency of the shipped routing table.
func allOperators() string {
	var b strings.Builder
	b.WriteString("[[operators]]\nemail = \"tiepnhan@haugiang.gov.vn\"\nrole = \"receiver\"\n\n")
	b.WriteString("[[operators]]\nemail = \"pheduyet@haugiang.gov.vn\"\nrole = \"approver\"\n\n")
	center := routing.Default().Center().Code
	for _, a := range routing.Default().Agencies() {
		if a.Code != center {
			fmt.Fprintf(&b, "[[operators]]\nemail = \"xuly@%s.haugiang.gov.vn\"\nrole = \"handler\"\nagency = %q\n\n", a.Code, a.Code)
			fmt.Fprintf(&b, "[[operators]]\nemail = \"lanhdao@%s.haugiang.gov.vn\"\nrole = \"leader\"\nagency = %q\n\n", a.Code, a.Code)
		}
	}
	return b.String()
}

func (d *deployment) file(name string, body []byte, mode os.FileMode) string {
	d.t.Helper()
	path := filepath.Join(d.dir, name)
	if err := os.WriteFile(path, body, mode); err != nil {
		d.t.Fatal(err)
	}
	if err := os.Chmod(path, mode); err != nil {
		d.t.Fatal(err)
	}
	return path
}

func (d *deployment) secret(name, value string) string {
	return d.file(name, []byte(value+"\n"), 0o600)
}

func (d *deployment) key(name string) string {
	d.t.Helper()
	path := filepath.Join(d.dir, "keys", name)
	if err := config.WriteKeyFile(path); err != nil {
		d.t.Fatal(err)
	}
	return path
}

func (d *deployment) createFolders(names ...string) {
	d.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	a, err := imaptest.Dial(ctx, d.imap.Config())
	if err != nil {
		d.t.Fatal(err)
	}
	defer a.Close()
	for _, n := range names {
		if err := a.Create(ctx, n); err != nil {
			d.t.Fatal(err)
		}
	}
}

// checkTime is when the tests run `phananh check`: a day whose year's Tết
// is in the shipped holiday file, and not in December.
var checkTime = time.Date(2026, 6, 1, 9, 0, 0, 0, calendar.Vietnam)

// check runs `phananh check` on the deployment.
func (d *deployment) check(args ...string) (string, int) {
	d.t.Helper()
	var out, errOut bytes.Buffer
	code := check(context.Background(), append([]string{"--config", d.config}, args...), &out, &errOut, checkTime)
	if errOut.Len() > 0 {
		d.t.Errorf("check wrote to stderr: %s", errOut.String())
	}
	return out.String(), code
}

// statusOf returns the status of the check named name in out, "" when
// that check printed no line.
func statusOf(out, name string) string {
	re := regexp.MustCompile(`(?m)^(ok|warn|fail) +` + regexp.QuoteMeta(name) + `  `)
	if m := re.FindStringSubmatch(out); m != nil {
		return m[1]
	}
	return ""
}

func TestCheckPasses(t *testing.T) {
	d := newDeployment(t, deploymentOptions{folders: true})
	out, code := d.check()
	if code != exitOK || strings.Contains(out, "\nwarn") || strings.Contains(out, "\nfail") {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	for _, name := range []string{"config", "encryption key", "token key", "imap password", "smtp password", "store",
		"routing table", "operators", "names", "templates", "clock", "holidays", "reports", "http", "imap connect", "imap login", "imap mailbox",
		"imap folders", "imap IDLE", "imap MOVE", "imap UIDPLUS", "smtp connect", "smtp STARTTLS", "smtp AUTH"} {
		if statusOf(out, name) != "ok" {
			t.Errorf("no ok line for %q:\n%s", name, out)
		}
	}
	if strings.Contains(out, "smtp test mail") || len(d.smtp.Messages()) != 0 {
		t.Errorf("a mail was sent without --send-test:\n%s", out)
	}
}

// TestCheckFaults: each fault an operator can have is named on its line,
// with its fix, and fails the check (or warns, where phananh copes).
func TestCheckFaults(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	closed, _ := net.Listen("tcp", "127.0.0.1:0")
	closedPort := closed.Addr().(*net.TCPAddr).Port
	closed.Close()
	smtpPort := notIMAP(t, "220 mail.haugiang.gov.vn ESMTP Postfix\r\n")

	tests := []struct {
		name   string
		opt    deploymentOptions
		change func(d *deployment)
		extra  string // more operators
		check  string // the line that shows the fault
		status string
		want   string // in that line
	}{
		{name: "wrong IMAP password", change: func(d *deployment) { d.secret("imap.password", "wrong") },
			check: "imap login", status: "fail", want: "check imap.username and the password in"},
		{name: "missing mailbox folder", opt: deploymentOptions{folders: true, settings: map[string]string{"imap.mailbox": q("Reports")}},
			check: "imap mailbox", status: "fail", want: `"Reports" does not exist`},
		{name: "processed folder missing", check: "imap folders", status: "warn", want: "Processed and Quarantine do not exist yet"},
		{name: "no IDLE", opt: deploymentOptions{folders: true, imap: imaptest.Options{NoIdle: true}},
			check: "imap IDLE", status: "warn", want: "every 1m0s"},
		{name: "no MOVE", opt: deploymentOptions{folders: true, imap: imaptest.Options{NoMove: true}},
			check: "imap MOVE", status: "warn", want: "copies each message"},
		{name: "no MOVE nor UIDPLUS", opt: deploymentOptions{folders: true, imap: imaptest.Options{NoMove: true, NoUIDPlus: true}},
			check: "imap UIDPLUS", status: "warn", want: "phananh expunges the mailbox only while"},
		{name: "IMAP certificate of an unknown CA", opt: deploymentOptions{folders: true, imap: imaptest.Options{TLS: imaptest.ImplicitTLS},
			settings: map[string]string{"imap.ca_file": q("")}},
			check: "imap connect", status: "fail", want: "imap.ca_file must name the CA"},
		{name: "IMAP port of an SMTP server", opt: deploymentOptions{folders: true, settings: map[string]string{"imap.port": fmt.Sprint(smtpPort)}},
			check: "imap connect", status: "fail", want: "no IMAP server answers there"},
		{name: "IMAP TLS on a plain port", opt: deploymentOptions{folders: true, settings: map[string]string{"imap.tls": q("tls")}},
			check: "imap connect", status: "fail", want: `imap.tls does not match the port`},
		{name: "no STARTTLS", opt: deploymentOptions{folders: true, smtp: smtptest.Options{TLS: smtptest.TLSNone, Username: "phananh", Password: "p"},
			smtpTLS: "starttls"}, check: "smtp STARTTLS", status: "fail", want: "does not offer STARTTLS"},
		{name: "wrong SMTP password", opt: deploymentOptions{folders: true}, change: func(d *deployment) { d.secret("smtp.password", "wrong") },
			check: "smtp AUTH", status: "fail", want: "check smtp.username and the password in"},
		{name: "SMTP server down", opt: deploymentOptions{folders: true, settings: map[string]string{"smtp.port": fmt.Sprint(closedPort)}},
			check: "smtp connect", status: "fail", want: "nothing listens there"},
		{name: "no recipient of the periodic reports", opt: deploymentOptions{folders: true, settings: map[string]string{
			"reports.recipients": `[]`, "reports.semiannual_recipients": `["sonoivu@haugiang.gov.vn"]`, "reports.annual_schedule": q("")}},
			check: "reports", status: "warn", want: "the monthly and quarterly reports (Art 13.4) have no recipient: the daemon would send none of them"},
		{name: "a holiday that is no date", opt: deploymentOptions{folders: true, settings: map[string]string{"calendar.holidays": `["2026-13-01"]`}},
			check: "calendar", status: "fail", want: `phananh.toml:`},
		{name: "password file in a mistyped folder", opt: deploymentOptions{folders: true, settings: map[string]string{"imap.password_file": q("secret/imap.password")}},
			check: "imap password", status: "fail", want: "/secret does not exist, so neither does the password file — fix: correct imap.password_file"},
		{name: "password file missing", opt: deploymentOptions{folders: true, settings: map[string]string{"imap.password_file": q("imap.pasword")}},
			check: "imap password", status: "fail", want: "/imap.pasword does not exist — fix: write the password in "},
		{name: "password file a folder", opt: deploymentOptions{folders: true},
			change: func(d *deployment) {
				path := filepath.Join(d.dir, "imap.password")
				os.Remove(path)
				os.Mkdir(path, 0o700)
			},
			check: "imap password", status: "fail", want: "cannot be read"},
		{name: "key file 0644", opt: deploymentOptions{folders: true},
			change: func(d *deployment) { os.Chmod(filepath.Join(d.dir, "keys", "encryption.key"), 0o644) },
			check:  "encryption key", status: "fail", want: "chmod 600"},
		{name: "password file 0644", opt: deploymentOptions{folders: true},
			change: func(d *deployment) { os.Chmod(filepath.Join(d.dir, "imap.password"), 0o644) },
			check:  "imap password", status: "fail", want: "chmod 600"},
		{name: "config writable by others", opt: deploymentOptions{folders: true},
			change: func(d *deployment) { os.Chmod(d.config, 0o666) }, check: "config", status: "fail", want: "chmod 640"},
		{name: "key missing on a new installation", opt: deploymentOptions{folders: true},
			change: func(d *deployment) { os.Remove(filepath.Join(d.dir, "keys", "token.key")) },
			check:  "token key", status: "warn", want: "phananh serve creates it"},
		{name: "routing table with a fault", opt: deploymentOptions{folders: true, settings: map[string]string{"rules.file": q("table.toml")}},
			change: func(d *deployment) { d.file("table.toml", []byte("[[agencies]]\ncode = \"x\"\nnmae = \"X\"\n"), 0o644) },
			check:  "routing table", status: "fail", want: "table.toml:"},
		{name: "routing table file mistyped", opt: deploymentOptions{folders: true, settings: map[string]string{"rules.file": q("bang-2025.toml")}},
			check: "routing table", status: "fail", want: "rules.file: routing table: open "},
		{name: "templates folder mistyped", opt: deploymentOptions{folders: true, settings: map[string]string{"templates.dir": q("mau-thu")}},
			check: "templates", status: "fail", want: "templates.dir: templates: stat "},
		{name: "operators against the built-in 2025 table", opt: deploymentOptions{folders: true, settings: map[string]string{"rules.table": q("2025")}},
			check: "operators", status: "fail", want: "official mailbox: so-nnmt, so-khcn, ca-tp, ubnd-phuong-vi-thanh, ubnd-phuong-vi-tan and 26 more"},
		{name: "an agency without a handler, with a mailbox", opt: deploymentOptions{folders: true},
			change: func(d *deployment) { dropHandler(d, "so-xd") },
			check:  "operators", status: "warn", want: "1 agency has no handler: its notices go to its leaders and official mailbox: so-xd"},
		{name: "an agency without a leader", opt: deploymentOptions{folders: true},
			change: func(d *deployment) { dropLeader(d, "so-xd") },
			check:  "operators", status: "warn", want: "no leader for 1 agency (Art 15.3: each agency names a leader, who gets the overdue alerts of its reports): so-xd"},
		{name: "an agency with neither a handler nor a mailbox", opt: deploymentOptions{folders: true, settings: map[string]string{"rules.file": q("table.toml")}},
			change: func(d *deployment) {
				table := bytes.Replace(routing.BuiltinFile(routing.DefaultName), []byte(`email = "sxd@haugiang.gov.vn"`+"\n"), nil, 1)
				d.file("table.toml", table, 0o644)
				dropHandler(d, "so-xd")
				dropLeader(d, "so-xd")
			},
			check: "operators", status: "fail", want: "agency so-xd (Sở Xây dựng) has no handler, no leader and no official mailbox"},
		{name: "a handler of an agency not in the table", opt: deploymentOptions{folders: true},
			extra: "[[operators]]\nemail = \"x@haugiang.gov.vn\"\nrole = \"handler\"\nagency = \"so-khong-co\"\n\n",
			check: "operators", status: "fail", want: `agency "so-khong-co" is not in the routing table`},
		{name: "a receiver who is an agency's handler too", opt: deploymentOptions{folders: true},
			extra: "[[operators]]\nemail = \"xuly@so-xd.haugiang.gov.vn\"\nrole = \"receiver\"\n\n",
			check: "operators", status: "warn", want: "xuly@so-xd.haugiang.gov.vn is the Center's receiver and the handler of so-xd"},
		{name: "no escalation address", opt: deploymentOptions{folders: true, settings: map[string]string{"process.escalation_address": ""}},
			check: "names", status: "warn", want: "but process.escalation_address is empty: /escalate is refused — fix: set process.escalation_address in "},
		{name: "HTTP address in use", opt: deploymentOptions{folders: true, settings: map[string]string{"http.listen": q(busy.Addr().String())}},
			check: "http", status: "fail", want: "change http.listen"},
		{name: "clock in another zone", opt: deploymentOptions{folders: true, settings: map[string]string{"calendar.timezone": q("UTC")}},
			check: "clock", status: "warn", want: `calendar.timezone = "Asia/Ho_Chi_Minh"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			tt.opt.extra += tt.extra
			d := newDeployment(t, tt.opt)
			if tt.change != nil {
				tt.change(d)
			}
			out, code := d.check()
			line := lineOf(out, tt.check)
			if statusOf(out, tt.check) != tt.status || !strings.Contains(line, tt.want) {
				t.Errorf("want %s %q with %q; got:\n%s", tt.status, tt.check, tt.want, out)
			}
			if tt.status == "fail" && !strings.Contains(line, " — fix: ") {
				t.Errorf("the failed check gives no fix: %s", line)
			}
			if wantCode := map[string]int{"fail": exitFailed, "warn": exitOK}[tt.status]; code != wantCode {
				t.Errorf("exit %d, want %d:\n%s", code, wantCode, out)
			}
		})
	}
}

// TestCheckOperatorsUnfilled: a configuration whose [[operators]] tables
// are all still to fill in, as the example's are, fails the operators check
// naming the line of each, not as one without tables.
func TestCheckOperatorsUnfilled(t *testing.T) {
	d := newDeployment(t, deploymentOptions{folders: true})
	body, _ := os.ReadFile(d.config)
	body = body[:bytes.Index(body, []byte("[[operators]]"))]
	body = append(body, "[[operators]]\nemail = \"\"\nrole = \"receiver\"\n"...)
	d.file("phananh.toml", body, 0o640)
	out, code := d.check()
	line := lineOf(out, "operators")
	want := fmt.Sprintf("%s:%d: an [[operators]] table (receiver) with an empty email", d.config, bytes.Count(body, []byte("\n"))-1) // its email line
	if code != exitFailed || statusOf(out, "operators") != "fail" || !strings.Contains(line, want) {
		t.Errorf("exit %d, want fail with %q:\n%s", code, want, out)
	}
	if strings.Contains(line, "add [[operators]] tables") {
		t.Errorf("the fix asks for tables the file has: %s", line)
	}
}

// TestCheckServerWithoutPassword: without the IMAP or the SMTP password
// the server is not tried, and a line says so, rather than no line of that
// server at all.
func TestCheckServerWithoutPassword(t *testing.T) {
	for _, server := range []string{"imap", "smtp"} {
		t.Run(server, func(t *testing.T) {
			d := newDeployment(t, deploymentOptions{folders: true})
			os.Remove(filepath.Join(d.dir, server+".password"))
			out, code := d.check()
			if code != exitFailed || statusOf(out, server+" password") != "fail" || statusOf(out, server+" connect") != "warn" ||
				!strings.Contains(lineOf(out, server+" connect"), "not tried") {
				t.Errorf("exit %d:\n%s", code, out)
			}
		})
	}
}

// notIMAP listens on loopback for a server of another protocol, which
// greets each connection with greeting and then reads until it is closed,
// and returns its port.
func notIMAP(t *testing.T, greeting string) int {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go func() {
				defer c.Close()
				c.Write([]byte(greeting))
				io.Copy(io.Discard, c)
			}()
		}
	}()
	return l.Addr().(*net.TCPAddr).Port
}

// dropHandler removes the handler of an agency from the configuration.
func dropHandler(d *deployment, agency string) {
	d.t.Helper()
	body, _ := os.ReadFile(d.config)
	handler := fmt.Sprintf("[[operators]]\nemail = \"xuly@%s.haugiang.gov.vn\"\nrole = \"handler\"\nagency = %q\n", agency, agency)
	if !bytes.Contains(body, []byte(handler)) {
		d.t.Fatalf("no handler of %s in the configuration", agency)
	}
	d.file("phananh.toml", bytes.Replace(body, []byte(handler), nil, 1), 0o640)
}

// dropLeader removes the leader of an agency from the configuration.
func dropLeader(d *deployment, agency string) {
	d.t.Helper()
	body, _ := os.ReadFile(d.config)
	leader := fmt.Sprintf("[[operators]]\nemail = \"lanhdao@%s.haugiang.gov.vn\"\nrole = \"leader\"\nagency = %q\n", agency, agency)
	d.file("phananh.toml", bytes.Replace(body, []byte(leader), nil, 1), 0o640)
}

func lineOf(out, name string) string {
	for _, l := range strings.Split(out, "\n") {
		if f := strings.Fields(l); len(f) > 1 && strings.HasPrefix(strings.TrimSpace(l[len(f[0]):]), name+"  ") {
			return l
		}
	}
	return ""
}

func TestCheckBadConfig(t *testing.T) {
	d := newDeployment(t, deploymentOptions{folders: true, extra: "[imap]\nbogus = 1\n"})
	out, code := d.check()
	if code != exitFailed || statusOf(out, "config") != "fail" || !strings.Contains(out, "phananh.toml") {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestCheckNoConfig: a mistyped --config is named as a path that holds
// no file, with where the configuration usually is, not as a file to correct.
func TestCheckNoConfig(t *testing.T) {
	var out, errOut bytes.Buffer
	path := filepath.Join(t.TempDir(), "confg.toml")
	code := check(context.Background(), []string{"--config", path}, &out, &errOut, checkTime)
	line := lineOf(out.String(), "config")
	if code != exitFailed || statusOf(out.String(), "config") != "fail" {
		t.Fatalf("exit %d:\n%s%s", code, out.String(), errOut.String())
	}
	for _, want := range []string{path + ": no such file", "fix: give --config the configuration's path", "/etc/phananh/config.toml"} {
		if !strings.Contains(line, want) {
			t.Errorf("no %q in %s", want, line)
		}
	}
	if strings.Contains(line, "correct the file") {
		t.Errorf("a file that does not exist is to be corrected: %s", line)
	}
}

// The store is checked without being changed: the key against a database
// made with another, and a database of a newer release.
func TestCheckStore(t *testing.T) {
	d := newDeployment(t, deploymentOptions{folders: true})
	ctx := context.Background()
	a, err := openApp(ctx, d.config, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	out, _ := d.check()
	if statusOf(out, "store") != "ok" || !strings.Contains(lineOf(out, "store"), "0 reports") {
		t.Errorf("store of a new database:\n%s", out)
	}
	keyStore := filepath.Join(d.dir, "keys", "data-keys.db")
	if statusOf(out, "key store") != "ok" || !strings.Contains(lineOf(out, "key store"), keyStore+" (mode 0600)") {
		t.Errorf("the key store of a new database:\n%s", out)
	}
	os.Chmod(keyStore, 0o640)
	out, code := d.check()
	if statusOf(out, "key store") != "fail" || !strings.Contains(lineOf(out, "key store"), "chmod 600 "+keyStore) || code != exitFailed {
		t.Errorf("a key store others can read:\n%s", out)
	}
	os.Chmod(keyStore, 0o600)
	os.Rename(keyStore, keyStore+".aside")
	out, code = d.check()
	if statusOf(out, "store") != "fail" || !strings.Contains(lineOf(out, "store"), "backup --keys") || code != exitFailed {
		t.Errorf("store without its key store:\n%s", out)
	}
	os.Rename(keyStore+".aside", keyStore)
	os.Remove(filepath.Join(d.dir, "keys", "encryption.key"))
	d.key("encryption.key")
	out, code = d.check()
	if statusOf(out, "store") != "fail" || !strings.Contains(lineOf(out, "store"), "does not open") || code != exitFailed {
		t.Errorf("store with another key:\n%s", out)
	}
	os.Remove(filepath.Join(d.dir, "keys", "encryption.key"))
	out, _ = d.check()
	if statusOf(out, "encryption key") != "fail" || !strings.Contains(lineOf(out, "encryption key"), "restore the key file") {
		t.Errorf("key missing beside a database:\n%s", out)
	}
}

func TestCheckNewerDatabase(t *testing.T) {
	d := newDeployment(t, deploymentOptions{folders: true})
	a, err := openApp(context.Background(), d.config, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	a.Close()
	markNewer(t, filepath.Join(d.dir, "phananh.db"))
	out, code := d.check()
	if statusOf(out, "store") != "fail" || !strings.Contains(lineOf(out, "store"), "newer phananh") || code != exitFailed {
		t.Errorf("exit %d:\n%s", code, out)
	}
	if info, _ := store.Inspect(context.Background(), filepath.Join(d.dir, "phananh.db"), "", nil); info.Version != 9999 {
		t.Errorf("check changed the database: schema %d", info.Version)
	}
	var stderr bytes.Buffer
	code = dispatch(context.Background(), []string{"serve", "--config", d.config}, &stderr, &stderr)
	if code != exitFailed || !strings.Contains(stderr.String(), "was written by a newer phananh (schema version 9999") {
		t.Errorf("serve on a newer database: exit %d: %s", code, stderr.String())
	}
}

// markNewer records in a database a migration newer than any this binary
// knows, as a later release would.
func markNewer(t *testing.T, path string) {
	t.Helper()
	db, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, applied_at) VALUES (9999, 0)`); err != nil {
		t.Fatal(err)
	}
}

// TestCheckTet: the holiday file must hold this year's Tết.
func TestCheckTet(t *testing.T) {
	d := newDeployment(t, deploymentOptions{folders: true})
	for _, tt := range []struct {
		now    time.Time
		status string
	}{
		{time.Date(2026, 6, 1, 9, 0, 0, 0, calendar.Vietnam), "ok"},
		{time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Vietnam), "warn"}, // Tết 2027 not in the shipped file yet
		{time.Date(2027, 1, 10, 9, 0, 0, 0, calendar.Vietnam), "fail"},
	} {
		var out bytes.Buffer
		c := &checker{w: &out, now: tt.now, timeout: time.Minute}
		c.run(context.Background(), d.config, "")
		if statusOf(out.String(), "holidays") != tt.status {
			t.Errorf("at %s:\n%s", tt.now, out.String())
		}
		// The fix names the key to set in this file, whose days add to the
		// shipped file's (a holiday file of one's own replaces it).
		if fix := "calendar.holidays in " + d.config; tt.status != "ok" && !strings.Contains(out.String(), fix) {
			t.Errorf("at %s: the fix does not name %s:\n%s", tt.now, fix, out.String())
		}
	}
	// Doing what it says: Tết 2027 (5–11 February) in calendar.holidays.
	body, err := os.ReadFile(d.config)
	if err != nil || !bytes.Contains(body, []byte("\n[calendar]\n")) {
		t.Fatalf("no [calendar] in %s (%v)", d.config, err)
	}
	tet := `holidays = ["2027-02-05", "2027-02-06", "2027-02-07", "2027-02-08", "2027-02-09", "2027-02-10", "2027-02-11"]`
	os.WriteFile(d.config, bytes.Replace(body, []byte("\n[calendar]\n"), []byte("\n[calendar]\n"+tet+"\n"), 1), 0o600)
	var out bytes.Buffer
	c := &checker{w: &out, now: time.Date(2026, 12, 1, 9, 0, 0, 0, calendar.Vietnam), timeout: time.Minute}
	c.run(context.Background(), d.config, "")
	if statusOf(out.String(), "holidays") != "ok" {
		t.Errorf("with Tết 2027 in calendar.holidays:\n%s", out.String())
	}
}

func TestCheckSendTest(t *testing.T) {
	d := newDeployment(t, deploymentOptions{folders: true})
	out, code := d.check("--send-test", "it@haugiang.gov.vn")
	if code != exitOK || statusOf(out, "smtp test mail") != "ok" {
		t.Fatalf("exit %d:\n%s", code, out)
	}
	msgs := d.smtp.Messages()
	if len(msgs) != 1 || msgs[0].To[0] != "it@haugiang.gov.vn" || msgs[0].From != "phananh@haugiang.gov.vn" {
		t.Fatalf("sent: %+v", msgs)
	}
	m, err := mail.ReadMessage(bytes.NewReader(msgs[0].Data))
	if err != nil {
		t.Fatal(err)
	}
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	if subject != "Thư kiểm tra của hệ thống tiếp nhận phản ánh" || m.Header.Get("Auto-Submitted") == "" ||
		!strings.Contains(out, "<"+msgs[0].MessageID+">") {
		t.Errorf("test mail: subject %q, headers %v\n%s", subject, m.Header, out)
	}
	body := decodedBody(t, m)
	if !strings.Contains(body, "phananh check") || !strings.Contains(body, fmt.Sprint(d.smtp.Port())) {
		t.Errorf("test mail body:\n%s", body)
	}
}

func TestCheckSendTestRefused(t *testing.T) {
	d := newDeployment(t, deploymentOptions{folders: true})
	d.smtp.FailNext(1, 550)
	out, code := d.check("--send-test", "it@haugiang.gov.vn")
	if code != exitFailed || statusOf(out, "smtp test mail") != "fail" {
		t.Errorf("exit %d:\n%s", code, out)
	}
}

// TestCheckNames: the check says which Center signs the mail and where
// escalated reports go, under the table in use: the 2025 table's
// department of Science and Technology, and the Center the configuration
// names.
func TestCheckNames(t *testing.T) {
	const center = "Trung tâm Giám sát, điều hành đô thị thông minh thành phố Cần Thơ"
	d := newDeployment(t, deploymentOptions{folders: true, settings: map[string]string{"rules.table": q("2025")},
		extra: "[center]\nname = " + q(center) + "\n\n"})
	out, _ := d.check()
	line := lineOf(out, "names")
	if statusOf(out, "names") != "ok" || !strings.Contains(line, center) || !strings.Contains(line, "(the configuration's)") ||
		!strings.Contains(line, "Sở Khoa học và Công nghệ thành phố Cần Thơ (so-khcn) at chuyencap@haugiang.gov.vn, advising Ủy ban nhân dân thành phố Cần Thơ") {
		t.Errorf("names:\n%s", out)
	}
}

// TestCheckOrphans: a file of the data folder that no row references, left
// longer ago than the sweep's safe age, is counted, and nothing removed;
// so is a batch's pack of photos synced for a transaction that never
// committed.
func TestCheckOrphans(t *testing.T) {
	d := newDeployment(t, deploymentOptions{folders: true})
	a, err := openApp(context.Background(), d.config, testLogger(t))
	if err != nil {
		t.Fatal(err)
	}
	g := a.db.Blobs().Batch()
	var pack string
	for _, photo := range []string{"ảnh 1", "ảnh 2"} {
		w, err := g.Create()
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(photo))
		if pack, err = w.Commit(); err != nil {
			t.Fatal(err)
		}
	}
	if err := g.Sync(); err != nil {
		t.Fatal(err)
	}
	a.Close()
	pack = filepath.Join(d.dir, "data", "blobs", pack[:2], pack[:32])
	if err := os.Chtimes(pack, checkTime.Add(-2*time.Hour), checkTime.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	orphan := filepath.Join(d.dir, "data", "blobs", "ab", "ab"+strings.Repeat("0", 30))
	if err := os.MkdirAll(filepath.Dir(orphan), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(orphan, []byte("PAB2 of a transaction never committed"), 0o600); err != nil {
		t.Fatal(err)
	}
	if err := os.Chtimes(orphan, checkTime.Add(-2*time.Hour), checkTime.Add(-2*time.Hour)); err != nil {
		t.Fatal(err)
	}
	out, _ := d.check()
	if statusOf(out, "orphans") != "warn" || !strings.Contains(lineOf(out, "orphans"), "2 files") {
		t.Errorf("an orphan file and an orphan pack:\n%s", out)
	}
	for _, f := range []string{orphan, pack} {
		if _, err := os.Stat(f); err != nil {
			t.Errorf("check changed the data folder: %v", err)
		}
	}
}

// TestCheckEnglishContact: with [privacy] contact set and english_contact
// not, the acknowledgements of reports written in English name the data
// protection unit as written in Vietnamese: check warns, naming the key
// and the line of the contact; with both set, it says so.
func TestCheckEnglishContact(t *testing.T) {
	const contact = "Phòng Hành chính - Tổng hợp, ĐT 0293 3123 456, dulieucanhan@haugiang.gov.vn"
	d := newDeployment(t, deploymentOptions{folders: true, settings: map[string]string{"privacy.contact": q(contact)}})
	body, _ := os.ReadFile(d.config)
	at := 0
	for n, l := range strings.Split(string(body), "\n") {
		if strings.HasPrefix(l, "contact = ") {
			at = n + 1
		}
	}
	out, code := d.check()
	line := lineOf(out, "privacy")
	if code != exitOK || statusOf(out, "privacy") != "warn" || !strings.Contains(line, fmt.Sprintf("%s:%d: ", d.config, at)) ||
		!strings.Contains(line, "privacy.english_contact") || !strings.Contains(line, contact) {
		t.Errorf("exit %d, want a warning naming privacy.english_contact at %s:%d:\n%s", code, d.config, at, out)
	}

	d = newDeployment(t, deploymentOptions{folders: true, settings: map[string]string{"privacy.contact": q(contact),
		"privacy.english_contact": q("Administration Office, tel. +84 293 3123 456, dulieucanhan@haugiang.gov.vn")}})
	if out, _ := d.check(); statusOf(out, "privacy") != "ok" {
		t.Errorf("both contacts set:\n%s", out)
	}
}

// TestCheckOperatorsOfAnotherTable: operators written for one routing
// table, checked against another (rules.table switched to the 2025 one),
// name dozens of agencies it lacks: check's operators line gives their
// count and the first three, by file and line, not every one.
func TestCheckOperatorsOfAnotherTable(t *testing.T) {
	d := newDeployment(t, deploymentOptions{folders: true, settings: map[string]string{"rules.table": q("2025")}})
	out, code := d.check()
	line := lineOf(out, "operators")
	at := regexp.QuoteMeta(d.config) + `:\d+ \([a-z-]+\)`
	re := regexp.MustCompile(`\d+ \[\[operators\]\] tables name an agency the routing table lacks: ` + at + `, ` + at + `, ` + at + ` and \d+ more`)
	if code != exitFailed || !re.MatchString(line) || strings.Count(line, "is not in the routing table") > 0 || len(line) > 1500 {
		t.Errorf("exit %d; want the count and the first three of the operators of unknown agencies (%s):\n%s", code, re, line)
	}
}
