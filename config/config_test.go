package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

func write(t *testing.T, body string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "phananh.toml")
	if err := os.WriteFile(p, []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestExampleLoadsAndDocumentsEveryKey(t *testing.T) {
	cfg, err := Load("../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	if cfg.IMAP.Host != "mail.haugiang.gov.vn" || len(cfg.Unfilled) == 0 {
		t.Errorf("example not read: %+v", cfg.IMAP)
	}
	example, _ := os.ReadFile("../config.example.toml")
	for _, key := range tomlKeys(reflect.TypeOf(Config{}), "") {
		name := key[strings.LastIndex(key, ".")+1:]
		if !strings.Contains(string(example), "\n"+name+" =") && !strings.Contains(string(example), "# "+name+" =") &&
			!strings.Contains(string(example), "["+name+"]") && !strings.Contains(string(example), "[["+name+"]]") {
			t.Errorf("config.example.toml does not document %s", key)
		}
	}
}

// TestExampleNamesNoOperator: the example, which the package installs as
// /etc/phananh/config.toml, shows the [[operators]] tables to fill in and
// makes nobody an operator: an address left as the example's would get
// reports' notices and could command them.
func TestExampleNamesNoOperator(t *testing.T) {
	cfg, err := Load("../config.example.toml")
	if err != nil {
		t.Fatal(err)
	}
	if len(cfg.Operators) != 0 {
		t.Errorf("the example makes operators of %v", cfg.Operators)
	}
	roles := map[Role]bool{}
	for _, op := range cfg.Unfilled {
		roles[op.Role] = true
	}
	if !roles["receiver"] || !roles["approver"] || !roles["handler"] {
		t.Errorf("the example's tables to fill in: %v", cfg.Unfilled)
	}
}

// tomlKeys lists the dotted TOML keys of a struct type.
func tomlKeys(t reflect.Type, prefix string) []string {
	var keys []string
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("toml")
		if tag == "" || tag == "-" {
			continue
		}
		ft := f.Type
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() == reflect.Struct {
			ft = ft.Elem()
		}
		keys = append(keys, prefix+tag)
		if ft.Kind() == reflect.Struct && ft != reflect.TypeOf(Duration{}) {
			keys = append(keys, tomlKeys(ft, prefix+tag+".")...)
		}
	}
	return keys
}

func TestDefaultsAndRelativePaths(t *testing.T) {
	p := write(t, "[store]\npath = \"db/phananh.db\"\n")
	cfg, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Dir(p)
	if cfg.Store.Path != filepath.Join(dir, "db/phananh.db") || cfg.Store.DataDir != filepath.Join(dir, "data") {
		t.Errorf("paths not resolved against the config's folder: %q %q", cfg.Store.Path, cfg.Store.DataDir)
	}
	if cfg.IMAP.PollInterval.Duration != time.Minute || !cfg.Security.RequireAuthenticationResults || cfg.Process.CallAttempts != 4 {
		t.Errorf("defaults not applied: %+v", cfg)
	}
}

func TestBadConfigNamesKeyAndProblem(t *testing.T) {
	cases := map[string]string{
		"[imap]\nport = 70000\n":                                  "imap.port",
		"[imap]\ntls = \"ssl\"\n":                                 "imap.tls",
		"[imap]\nhost = \"mail.example\"\ntls = \"none\"\n":       "loopback",
		"[imap]\npoll_interval = \"soon\"\n":                      "duration",
		"[imap]\nmailbox = \"X\"\nprocessed_mailbox = \"X\"\n":    "three different mailboxes",
		"[imap]\nquarantine_mailbox = \"Inbox\"\n":                "three different mailboxes",
		"[smtp]\nfrom = \"not an address\"\n":                     "smtp.from",
		"[imap]\nhostname = \"x\"\n":                              "unknown key imap.hostname",
		"[[operators]]\nemail = \"a@b.vn\"\nrole = \"boss\"\n":    "operators[0].role",
		"[[operators]]\nemail = \"a@b.vn\"\nrole = \"handler\"\n": "operators[0].agency",
		"[security]\ntoken_ttl = \"1m\"\n":                        "security.token_ttl",
		"[security]\nanswers_per_hour = 0\n":                      "security.answers_per_hour",
		"[intake]\nmax_parts = 0\n":                               "intake.max_parts",
		"[intake]\nspam_marks = [\"X-Spam-Flag YES\"]\n":          "intake.spam_marks[0]",
		"[process]\ncall_attempts = 0\n":                          "process.call_attempts",
		"[rules]\ntable = \"2024\"\n":                             `rules.table: "2024" is not a built-in table (there are appendix1, 2025)`,
		"[imap\nport = 1\n":                                       "phananh.toml:2",
		"[privacy]\nretention = \"5 years\"\n":                    "privacy.retention",
		"[privacy]\nretention = \"-1y\"\n":                        "privacy.retention",
		"[privacy]\nretention = \"1000y\"\n":                      "privacy.retention: 1000y is longer than a century",
		"[store]\nkeys_path = \"data/keys.db\"\n":                 "store.keys_path",
		"[store]\nkeys_path = \"phananh.db\"\n":                   "store.keys_path",
	}
	for body, want := range cases {
		_, err := Load(write(t, body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("config %q: error %v, want it to mention %q", body, err, want)
		}
	}
}

func TestKeyFiles(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "k", "enc.key")
	if err := WriteKeyFile(path); err != nil {
		t.Fatal(err)
	}
	if err := WriteKeyFile(path); err == nil {
		t.Error("WriteKeyFile replaced an existing key")
	}
	info, _ := os.Stat(path)
	if info.Mode().Perm() != 0o600 {
		t.Errorf("key file mode %o, want 600", info.Mode().Perm())
	}
	k, err := ReadKeyFile(path)
	if err != nil || len(k) != KeySize {
		t.Fatalf("read: %d bytes, %v", len(k), err)
	}
	os.Chmod(path, 0o644)
	if _, err := ReadKeyFile(path); err == nil || !strings.Contains(err.Error(), "readable by others") {
		t.Errorf("a world-readable key was accepted: %v", err)
	}
	os.WriteFile(filepath.Join(dir, "short.key"), []byte("abcd\n"), 0o600)
	if _, err := ReadKeyFile(filepath.Join(dir, "short.key")); err == nil {
		t.Error("a short key was accepted")
	}
}

func TestSecretsFromEnvironment(t *testing.T) {
	cfg := Default(t.TempDir())
	t.Setenv(EnvIMAPPassword, "s3cret")
	t.Setenv(EnvEncryptionKey, strings.Repeat("ab", 32))
	if pw, err := cfg.IMAPPassword(); err != nil || pw != "s3cret" {
		t.Errorf("imap password: %q, %v", pw, err)
	}
	if k, err := cfg.EncryptionKey(); err != nil || k[0] != 0xab {
		t.Errorf("encryption key: %v", err)
	}
	t.Setenv(EnvTokenKey, "nothex")
	if _, _, err := cfg.TokenKeys(); err == nil || !strings.Contains(err.Error(), EnvTokenKey) {
		t.Errorf("bad token key from the environment: %v", err)
	}
}

// TestRetention reads [privacy] retention: years, days, or 0 for ever, five
// years by default; the cutoff is that long before now.
func TestRetention(t *testing.T) {
	now := time.Date(2031, 12, 1, 2, 0, 0, 0, time.UTC)
	for body, want := range map[string]time.Time{
		"":                                 time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC),
		"[privacy]\nretention = \"2y\"\n":  time.Date(2029, 12, 1, 2, 0, 0, 0, time.UTC),
		"[privacy]\nretention = \"90d\"\n": time.Date(2031, 9, 2, 2, 0, 0, 0, time.UTC),
		"[privacy]\nretention = \"0\"\n":   {},
	} {
		cfg, err := Load(write(t, body))
		if err != nil {
			t.Fatal(err)
		}
		if got := cfg.Privacy.Retention.Cutoff(now); !got.Equal(want) {
			t.Errorf("%q: cutoff %s, want %s", body, got, want)
		}
	}
}

// An operator finds a wrong key by its line: every error naming a key that
// the file writes says the file and the line, as the errors of TOML syntax do.
func TestBadConfigNamesLine(t *testing.T) {
	cases := []struct{ body, want string }{
		{"[imap]\nhost = \"mail.example\"\n\ntls = \"ssl\"\n", "phananh.toml:4: imap.tls:"},
		{"[imap]\nhost = \"x\"\nhostname = \"x\"\n", "phananh.toml:3: unknown key imap.hostname"},
		{"[smtp]\n# the sender\nfrom = \"not an address\"\n", "phananh.toml:3: smtp.from:"},
		{"[security]\n\ntoken_ttl = \"1m\"\n", "phananh.toml:3: security.token_ttl:"},
		{"[security]\ntoken_ttl = \"30d\"\n", "phananh.toml:2: security.token_ttl: not a duration"},
		{"[intake]\nspam_marks = [\n  \"X-Spam-Flag: YES\",\n  \"X-Spam YES\",\n]\n", "phananh.toml:2: intake.spam_marks[1]:"},
		{"[[operators]]\nemail = \"a@b.vn\"\nrole = \"receiver\"\n\n[[operators]]\nemail = \"c@b.vn\"\nrole = \"boss\"\n",
			"phananh.toml:7: operators[1].role:"},
		// A table whose email is left empty is not yet an operator, but
		// its other keys are checked all the same.
		{"[[operators]]\nemail = \"a@b.vn\"\nrole = \"receiver\"\n\n[[operators]]\nemail = \"\"\nrole = \"handlr\"\nagency = \"so-xd\"\n",
			"phananh.toml:7: operators[1].role:"},
		{"[[operators]]\nemail = \"\"\nrole = \"leader\"\n", "phananh.toml:1: operators[0].agency:"},
		{"[[operators]]\nemail = \" \"\nrole = \"leader\"\nagency = \"so-xd\"\n", "phananh.toml:2: operators[0].email:"},
		{"[[operators]]\nemail = \"a@b.vn\"\nrole = \"handler\"\n", "phananh.toml:1: operators[0].agency:"},
		{"[imap]\nport = \"993\"\n", "phananh.toml:2: imap.port:"},
		{"[rules]\n# 2025 since the reorganisation\ntable = \"2024\"\n", "phananh.toml:3: rules.table:"},
	}
	for _, c := range cases {
		_, err := Load(write(t, c.body))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("config %q: error %v, want it to hold %q", c.body, err, c.want)
		}
	}
}

// A key or password file that cannot be read is named with the line of the
// configuration that names it, and what to do.
func TestSecretErrorsNameLine(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "open.key"), []byte(strings.Repeat("ab", 32)+"\n"), 0o644)
	p := write(t, "[security]\nencryption_key_file = \""+filepath.Join(dir, "lost.key")+"\"\n"+
		"token_key_file = \""+filepath.Join(dir, "open.key")+"\"\n\n[imap]\npassword_file = \""+filepath.Join(dir, "none")+"\"\n")
	cfg, err := Load(p)
	if err != nil {
		t.Fatal(err)
	}
	_, err = cfg.EncryptionKey()
	if want := "phananh.toml:2: security.encryption_key_file: "; err == nil || !strings.Contains(err.Error(), want) ||
		!strings.Contains(err.Error(), "from its copy") {
		t.Errorf("missing encryption key: %v, want %q and what to do", err, want)
	}
	_, _, err = cfg.TokenKeys()
	if want := "phananh.toml:3: security.token_key_file: "; err == nil || !strings.Contains(err.Error(), want) ||
		!strings.Contains(err.Error(), "chmod 600") {
		t.Errorf("token key readable by others: %v, want %q", err, want)
	}
	_, err = cfg.IMAPPassword()
	if want := "phananh.toml:6: imap.password_file: "; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("missing password file: %v, want %q", err, want)
	}
}

// TestConfigValueOfWrongType: a value of the wrong type, as a newcomer
// writes it (a port in quotes, one address where a list goes, "yes" for
// true), is named with its line and what the key takes, in words; and a
// bad retention names its key once.
func TestConfigValueOfWrongType(t *testing.T) {
	for body, want := range map[string]string{
		"[imap]\nport = \"993\"\n":                               ":2: imap.port: wants a whole number, without quotes, not text in quotes",
		"[reports]\nrecipients = \"so@haugiang.gov.vn\"\n":       `:2: reports.recipients: wants a list in brackets, such as ["a", "b"], not text in quotes`,
		"[security]\nrequire_authentication_results = \"yes\"\n": ":2: security.require_authentication_results: wants true or false, without quotes, not text in quotes",
		"[imap]\nhost = 12\n":                                    `:2: imap.host: wants text in quotes, such as "…", not a number`,
		"[privacy]\nretention = \"5 years\"\n":                   `:2: privacy.retention: not a period like "5y"`,
	} {
		_, err := Load(write(t, body))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: %v, want %q", body, err, want)
		}
	}
}
