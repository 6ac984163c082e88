package main

import (
	"cmp"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/http"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/emersion/go-imap/v2"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/intake/mailbox"
	"haugiang.gov.vn/phananh/mailer"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

func runCheck(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return check(ctx, args, stdout, stderr, time.Now())
}

// check is `phananh check` at the instant now.
func check(ctx context.Context, args []string, stdout, stderr io.Writer, now time.Time) int {
	fs := newFlagSet("check", "check --config FILE [--send-test ADDRESS]\n\n"+
		"Checks a deployment before citizens write: the configuration and its key and password files, the\n"+
		"database, the routing table and the operators, the templates, the calendar, the periodic reports'\n"+
		"recipients, the HTTP address, the IMAP mailbox and the SMTP server. One line per check: ok, warn or\n"+
		"fail, with the fix. Exit status 1 when any check fails. It changes nothing (no file, no folder on\n"+
		"the server); --send-test sends one test mail to ADDRESS.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	sendTo := fs.String("send-test", "", "send a test mail to `ADDRESS` through the SMTP server")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "", 0, "config"); p != "" {
		return badUsage(fs, p)
	}
	c := &checker{w: stdout, now: now, timeout: 30 * time.Second}
	c.run(ctx, *configPath, *sendTo)
	if c.failed {
		return exitFailed
	}
	return exitOK
}

// checker runs the checks of `phananh check` and writes one line each.
type checker struct {
	w       io.Writer
	now     time.Time
	timeout time.Duration // for each server's checks
	failed  bool
}

func (c *checker) ok(name, format string, args ...any) {
	c.line("ok", name, fmt.Sprintf(format, args...), "")
}

func (c *checker) warn(name, detail, fix string) { c.line("warn", name, detail, fix) }

func (c *checker) fail(name, detail, fix string) {
	c.failed = true
	c.line("fail", name, detail, fix)
}

func (c *checker) line(status, name, detail, fix string) {
	if fix != "" {
		detail += " — fix: " + fix
	}
	fmt.Fprintf(c.w, "%-4s  %-16s %s\n", status, name, detail)
}

func (c *checker) run(ctx context.Context, path, sendTo string) {
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		c.fail("config", path+": no such file", "give --config the configuration's path "+
			"(the package installs /etc/phananh/config.toml; config.example.toml documents every key)")
		return
	}
	cfg, err := config.Load(path)
	if err != nil {
		c.fail("config", err.Error(), "correct the file where named (config.example.toml documents every key)")
		return
	}
	c.configFile(cfg)
	key := c.secrets(cfg)
	c.store(ctx, cfg, key)
	table := c.routing(cfg)
	if table != nil {
		c.operators(cfg, table)
	} else {
		table = routing.Default() // said by "routing table"; the templates are checked with its names
	}
	bodies := cfg.Center.Bodies(table.Bodies())
	c.bodies(cfg, bodies)
	set := c.templates(cfg, bodies)
	c.calendar(cfg)
	c.reports(cfg)
	c.privacy(cfg)
	c.http(ctx, cfg)
	c.imap(ctx, cfg)
	c.smtp(ctx, cfg, set, sendTo, bodies)
}

func (c *checker) configFile(cfg *config.Config) {
	info, err := os.Stat(cfg.Path)
	if err != nil {
		c.fail("config", err.Error(), "")
		return
	}
	if perm := info.Mode().Perm(); perm&0o022 != 0 {
		c.fail("config", fmt.Sprintf("%s can be changed by others (mode %04o): whoever edits it chooses the keys and the servers", cfg.Path, perm),
			"chmod 640 "+cfg.Path)
		return
	}
	c.ok("config", "%s", cfg.Path)
}

// secrets checks the key and password files and returns the encryption
// key, or nil when it cannot be read.
func (c *checker) secrets(cfg *config.Config) []byte {
	_, err := os.Stat(cfg.Store.Path)
	fresh := errors.Is(err, os.ErrNotExist)
	s := cfg.Security
	key := c.key("encryption key", "security.encryption_key_file", s.EncryptionKeyFile, config.EnvEncryptionKey, fresh)
	c.key("token key", "security.token_key_file", s.TokenKeyFile, config.EnvTokenKey, fresh)
	if s.PreviousTokenKeyFile != "" {
		c.key("previous token", "security.previous_token_key_file", s.PreviousTokenKeyFile, "", false)
	}
	c.password("imap password", "imap.password_file", cfg.IMAP.PasswordFile, config.EnvIMAPPassword, true)
	c.password("smtp password", "smtp.password_file", cfg.SMTP.PasswordFile, config.EnvSMTPPassword, cfg.SMTP.Username != "")
	return key
}

// key checks one key: from its environment variable, or its file (mode
// 0600, 64 hexadecimal characters). A missing key file is only a warning
// on a new installation, where serve creates it.
func (c *checker) key(name, setting, path, env string, fresh bool) []byte {
	if v, ok := os.LookupEnv(env); ok && env != "" {
		k, err := config.ParseKey(v)
		if err != nil {
			c.fail(name, env+": "+err.Error(), "")
			return nil
		}
		c.ok(name, "from %s", env)
		return k
	}
	info, err := os.Stat(path)
	switch {
	case errors.Is(err, os.ErrNotExist) && fresh:
		keygen := "phananh keygen " + path
		if _, err := os.Stat(filepath.Dir(path)); err != nil {
			keygen = "install -d -m 700 " + filepath.Dir(path) + " && " + keygen
		}
		c.warn(name, path+" does not exist yet: phananh serve creates it at its first start",
			"none, or `"+keygen+"` now; either way, keep a copy apart from the backups")
		return nil
	case errors.Is(err, os.ErrNotExist):
		c.fail(name, path+" does not exist, and the database does", "restore the key file from its copy: the data cannot be read without it")
		return nil
	case err != nil:
		c.fail(name, err.Error(), "")
		return nil
	case info.Mode().Perm()&0o077 != 0:
		c.fail(name, fmt.Sprintf("%s is readable by others (mode %04o)", path, info.Mode().Perm()), "chmod 600 "+path)
		return nil
	}
	k, err := config.ReadKeyFile(path)
	if errors.Is(err, fs.ErrPermission) {
		c.fail(name, err.Error(), unreadableFix(path))
		return nil
	}
	if err != nil {
		c.fail(name, err.Error(), "set "+setting+" to the right file; restore the key from its copy")
		return nil
	}
	c.ok(name, "%s (mode %04o)", path, info.Mode().Perm())
	return k
}

func (c *checker) password(name, setting, path, env string, required bool) {
	if _, ok := os.LookupEnv(env); ok {
		c.ok(name, "from %s", env)
		return
	}
	if path == "" {
		if required {
			c.fail(name, setting+" is not set", "write the password in a file of mode 0600 and name it in "+setting+", or set "+env)
		} else {
			c.ok(name, "none: the server takes mail from this machine without a login")
		}
		return
	}
	info, err := os.Stat(path)
	dir := filepath.Dir(path)
	_, dirErr := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist) && errors.Is(dirErr, fs.ErrNotExist):
		c.fail(name, fmt.Sprintf("the folder %s does not exist, so neither does the password file", dir),
			"correct "+setting+", or make the folder and write the password in "+path+" (mode 0600), or set "+env)
	case errors.Is(err, fs.ErrNotExist):
		c.fail(name, path+" does not exist", "write the password in "+path+" (mode 0600), or set "+env)
	case err != nil:
		c.fail(name, err.Error(), "write the password in "+path+" (mode 0600), or set "+env)
	case info.Mode().Perm()&0o077 != 0:
		c.fail(name, fmt.Sprintf("%s is readable by others (mode %04o)", path, info.Mode().Perm()), "chmod 600 "+path)
	case !info.Mode().IsRegular():
		c.fail(name, path+" cannot be read: it is not a file", "write the password in "+path+" (mode 0600), or set "+env)
	case info.Size() == 0:
		c.fail(name, path+" is empty", "write the password in it")
	default:
		// Read it, as serve will: a file of mode 0600 owned by another
		// user than the one the service runs as cannot be.
		if _, err := os.ReadFile(path); err != nil {
			c.fail(name, path+" cannot be read: "+err.Error(), unreadableFix(path))
			return
		}
		c.ok(name, "%s (mode %04o)", path, info.Mode().Perm())
	}
}

// unreadableFix is the fix for a key or password file this user cannot
// read: the service's user must own it (run check as that user).
func unreadableFix(path string) string {
	name := "phananh"
	if u, err := user.Current(); err == nil && u.Uid != "0" {
		name = u.Username
	}
	return fmt.Sprintf("give it to the user the service runs as, which runs check too: chown %s %s; chmod 600 %s", name, path, path)
}

func (c *checker) store(ctx context.Context, cfg *config.Config, key []byte) {
	path := cfg.Store.Path
	info, err := store.Inspect(ctx, path, cfg.Store.KeysPath, key)
	switch {
	case errors.Is(err, store.ErrKeyStore):
		c.fail("store", err.Error(), "store.keys_path must name this database's key store; put back its latest copy (phananh backup --keys)")
		return
	case errors.Is(err, store.ErrWrongKey):
		c.fail("store", "the encryption key does not open "+path,
			"security.encryption_key_file must be the key this database was made with: restore it from its copy")
		return
	case err != nil:
		c.fail("store", err.Error(), "")
		return
	case !info.Exists:
		c.ok("store", "no database yet: phananh serve creates %s and %s", path, cfg.Store.DataDir)
		return
	case info.Version > info.Known:
		c.fail("store", fmt.Sprintf("%s was written by a newer phananh (schema %d; this one knows %d)", path, info.Version, info.Known),
			"install that release again, or restore a backup made with this one")
		return
	}
	if _, err := os.Stat(filepath.Join(cfg.Store.DataDir, "blobs")); err != nil {
		c.fail("store", "the data folder of "+path+": "+err.Error(), "restore "+cfg.Store.DataDir+" from the backup taken with the database")
		return
	}
	detail := fmt.Sprintf("%s: %d reports", path, info.Reports)
	if info.KeyStore {
		detail += ", data keys in " + cfg.Store.KeysPath
	}
	if info.Version < info.Known {
		detail += fmt.Sprintf("; schema %d, migrated to %d at the next start (take a backup first)", info.Version, info.Known)
	}
	if serveRunning(cfg.Store.DataDir) {
		detail += "; a phananh serve is running on it"
	}
	c.ok("store", "%s", detail)
	if info.KeyStore {
		c.keyStore(cfg.Store.KeysPath)
	}
	if key == nil || info.Version != info.Known || !info.KeyStore {
		return
	}
	o, err := store.CountOrphans(ctx, store.Options{Path: path, DataDir: cfg.Store.DataDir, KeysPath: cfg.Store.KeysPath, Key: key}, c.now)
	switch {
	case err != nil:
		c.warn("orphans", "counting the files and data keys that nothing references: "+err.Error(), "")
	case o != (store.Orphans{}):
		c.warn("orphans", fmt.Sprintf("%d files of %s and %d data keys that nothing references, left by a process that stopped", o.Files, cfg.Store.DataDir, o.Keys),
			"nothing to do: phananh serve removes them at start and every night")
	}
}

// keyStore checks the mode of the key store, which holds every report's
// data key: only the daemon's user may read it (Inspect has checked that
// it is there and is the database's when the key is known).
func (c *checker) keyStore(path string) {
	info, err := os.Stat(path)
	switch {
	case err != nil:
		c.fail("key store", err.Error(), "the reports' data keys are there: restore it from its latest copy (phananh restore --keys)")
	case info.Mode().Perm()&0o077 != 0:
		c.fail("key store", fmt.Sprintf("%s is readable by others (mode %04o): it holds every report's data key", path, info.Mode().Perm()),
			"chmod 600 "+path)
	default:
		c.ok("key store", "%s (mode %04o)", path, info.Mode().Perm())
	}
}

// serveRunning reports whether a serve holds the data folder's lock.
func serveRunning(dir string) bool {
	f, err := os.Open(filepath.Join(dir, "serve.lock"))
	if err != nil {
		return false
	}
	defer f.Close()
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_SH|syscall.LOCK_NB); err != nil {
		return true
	}
	syscall.Flock(int(f.Fd()), syscall.LOCK_UN)
	return false
}

func (c *checker) routing(cfg *config.Config) *routing.Table {
	table, err := routing.Open(cfg.Rules.File, cfg.Rules.Table)
	if named := pathNamed(cfg, "rules.file", cfg.Rules.File, err); named != err {
		c.fail("routing table", named.Error(), "correct rules.file, or put the table file where it points")
		return nil
	}
	if err != nil {
		c.fail("routing table", err.Error(), "correct the table where named (phananh rules check FILE)")
		return nil
	}
	c.ok("routing table", "%s (edition %s, version %s): %d agencies, %d units, %d rules",
		table.Name(), table.Edition(), table.Version(), len(table.Agencies()), len(table.Units()), len(table.Rules()))
	return table
}

// operators checks the operators against the routing table. An agency
// without a handler is a failure when it has no leader and no official
// mailbox either (forwarding to it is refused), and a warning otherwise:
// its notices go to its leaders and its mailbox, where nobody may act on
// them as its handler. An address that is the Center's staff and an
// agency's too is a warning (centerAndAgency), and so is an [[operators]]
// table whose email is left empty (config.Config.Unfilled).
func (c *checker) operators(cfg *config.Config, table *routing.Table) {
	if len(cfg.Operators) == 0 && len(cfg.Unfilled) > 0 {
		c.fail("operators", "none yet: nobody would be told of a report; "+unfilledTables(cfg),
			"write each person's address in the tables named, the Center's receivers and approvers and each agency's handler and leader")
		return
	}
	if len(cfg.Operators) == 0 {
		c.fail("operators", "none configured: nobody would be told of a report",
			"add [[operators]] tables: the Center's receivers and approvers, and a handler for each agency")
		return
	}
	problems := slices.Concat(unknownTables(cfg, table), unreachable(cfg.Operators, table))
	problems = append(problems, missingRoles(cfg.Operators)...)
	var notes []string
	if without := withoutHandler(cfg.Operators, table); len(without) > 0 {
		notes = append(notes, fmt.Sprintf("%s: %s", noHandlerSentence(len(without)), fewCodes(without)))
	}
	if without := withoutRole(cfg.Operators, table, config.RoleLeader); len(without) > 0 {
		notes = append(notes, fmt.Sprintf("no leader for %s (Art 15.3: each agency names a leader, who gets the "+
			"overdue alerts of its reports): %s", agencies(len(without)), fewCodes(without)))
	}
	notes = append(notes, centerAndAgency(cfg.Operators, table)...)
	if len(cfg.Unfilled) > 0 {
		notes = append(notes, unfilledTables(cfg))
	}
	note := strings.Join(notes, "; ")
	tables := "; `phananh operators --config " + cfg.Path + "` lists the agencies' codes and writes the [[operators]] tables to fill in"
	switch {
	case len(problems) > 0:
		if note != "" {
			problems = append(problems, note)
		}
		c.fail("operators", strings.Join(problems, "; "), "add the missing [[operators]] in "+cfg.Path+", or the agencies' email in the routing table"+tables)
	case note != "":
		c.warn("operators", note, "add a handler and a leader of each in "+cfg.Path+", and give an agency's staff only its roles"+tables)
	default:
		c.ok("operators", "%d; every agency has a handler and a leader, the Center a receiver and an approver", len(cfg.Operators))
	}
}

// fewCodes lists the codes of the first few agencies and counts the
// others, for check's one line; `phananh operators` lists them all.
func fewCodes(agencies []routing.Agency) string {
	const shown = 5
	if len(agencies) <= shown {
		return agencyCodes(agencies)
	}
	return fmt.Sprintf("%s and %d more", agencyCodes(agencies[:shown]), len(agencies)-shown)
}

// tablesShown is how many [[operators]] tables the operators check names
// by their line, of those with an empty email and of those of an unknown
// agency; `phananh operators` names them all.
const tablesShown = 3

// unknownTables names the [[operators]] tables, filled in or not, of an
// agency the routing table lacks: a few each in a sentence
// (unknownAgencies), more by their count and the first few's file, line
// and agency — operators written for another table, as when rules.table
// changes to the 2025 one, name dozens.
func unknownTables(cfg *config.Config, table *routing.Table) []string {
	ops := slices.Concat(unknownOf(cfg.Operators, table), unknownOf(cfg.Unfilled, table))
	if len(ops) <= tablesShown {
		return slices.Concat(unknownAgencies(cfg.Path, cfg.Operators, table), unknownAgencies(cfg.Path, cfg.Unfilled, table))
	}
	var at []string
	for _, op := range ops[:tablesShown] {
		at = append(at, fmt.Sprintf("%s:%d (%s)", cfg.Path, op.Line, op.Agency))
	}
	return []string{fmt.Sprintf("%d [[operators]] tables name an agency the routing table lacks: %s and %d more "+
		"(written for another table? `phananh operators` names each, and lists this table's codes)", len(ops), strings.Join(at, ", "), len(ops)-len(at))}
}

// unfilledTables says which [[operators]] tables of the configuration have
// their email still empty (config.Config.Unfilled): one is named with its
// warning, more by their count and the file and line of the first few, so
// that check's one line stays readable with the dozens of tables that
// `phananh operators` writes to fill in.
func unfilledTables(cfg *config.Config) string {
	if len(cfg.Unfilled) == 1 {
		return cfg.UnfilledWarning(cfg.Unfilled[0])
	}
	var at []string
	for _, op := range cfg.Unfilled[:min(len(cfg.Unfilled), tablesShown)] {
		at = append(at, fmt.Sprintf("%s:%d", cfg.Path, op.Line))
	}
	list := strings.Join(at, ", ")
	if more := len(cfg.Unfilled) - len(at); more > 0 {
		list += fmt.Sprintf(" and %d more", more)
	}
	return fmt.Sprintf("%d [[operators]] tables with an empty email, not yet operators: %s (write each person's address there, "+
		"or delete the table; `phananh operators` names each)", len(cfg.Unfilled), list)
}

// bodies says which bodies the mail and the reports name (routing.Bodies),
// so that the operator sees them before the first mail: the Center that
// signs, and the department escalated reports go to, which needs its
// address (process.escalation_address) for /escalate to be applied.
func (c *checker) bodies(cfg *config.Config, b routing.Bodies) {
	if b.EscalationAgency == "" {
		c.warn("names", fmt.Sprintf("the routing table names no agency for escalated reports: the mail says they go to %q", b.Escalation),
			"add escalation = \"CODE\" (the department that advises the "+b.Committee()+", Art 4.7) to the routing table")
		return
	}
	from := "the configuration's"
	if cfg.Center.Name == "" {
		from = "the routing table's; [center] name in " + cfg.Path + " replaces it"
	}
	if cfg.Process.EscalationAddress == "" {
		c.warn("names", fmt.Sprintf("mail is signed %q (%s); escalated reports go to %s (%s), advising %s, but process.escalation_address is empty: /escalate is refused",
			b.Center, from, b.Escalation, b.EscalationAgency, b.Committee()),
			"set process.escalation_address in "+cfg.Path+" to the address of "+b.Escalation)
		return
	}
	c.ok("names", "mail is signed %q (%s); escalated reports go to %s (%s) at %s, advising %s",
		b.Center, from, b.Escalation, b.EscalationAgency, cfg.Process.EscalationAddress, b.Committee())
}

func (c *checker) templates(cfg *config.Config, bodies routing.Bodies) *templates.Set {
	set, err := templates.LoadFor(cfg.Templates.Dir, bodies)
	if named := pathNamed(cfg, "templates.dir", cfg.Templates.Dir, err); named != err {
		c.fail("templates", named.Error(), "correct templates.dir, or leave it empty for the embedded templates")
		return nil
	}
	if err != nil {
		c.fail("templates", err.Error(), "correct or remove the file named in "+cfg.Templates.Dir)
		return nil
	}
	if cfg.Templates.Dir == "" {
		c.ok("templates", "the embedded ones")
	} else {
		c.ok("templates", "embedded, with the overrides of %s", cfg.Templates.Dir)
	}
	return set
}

// calendar checks the clock's zone and that the holiday file holds this
// year's Tết (SPEC 5.1).
// reports checks that each periodic report with a schedule has someone to
// go to: without, the daemon sends it to no one and only logs it.
func (c *checker) reports(cfg *config.Config) {
	var nobody []string
	var articles []string
	for _, kind := range []string{"monthly", "quarterly", "semiannual", "annual"} {
		if schedule, recipients := cfg.Reports.Kind(kind); schedule != "" && len(recipients) == 0 {
			nobody = append(nobody, kind)
			article := "Art 13.4"
			if kind == "semiannual" {
				article = "Art 13.5"
			}
			if !slices.Contains(articles, article) {
				articles = append(articles, article)
			}
		}
	}
	if len(nobody) == 0 {
		c.ok("reports", "every scheduled periodic report has its recipients")
		return
	}
	list := strings.Join(nobody[:len(nobody)-1], ", ")
	if list != "" {
		list += " and "
	}
	list += nobody[len(nobody)-1]
	c.warn("reports", fmt.Sprintf("the %s reports (%s) have no recipient: the daemon would send none of them", list, strings.Join(articles, ", ")),
		"set [reports] recipients in "+cfg.Path+" (the department and the People's Committee's office the Center reports to), "+
			"or each kind's own, such as semiannual_recipients (the Dept. of Home Affairs)")
}

// privacy checks the data protection unit's contact that the
// acknowledgements' processing notice names (SPEC 10.5): set in one
// language only, the acknowledgements in the other name it as written in
// that one (english_contact empty: Contact, in Vietnamese), or none.
func (c *checker) privacy(cfg *config.Config) {
	p := cfg.Privacy
	switch {
	case p.Contact != "" && p.EnglishContact == "":
		c.warn("privacy", fmt.Sprintf("%s: privacy.contact is set and privacy.english_contact is not: the acknowledgements of "+
			"reports written in English name the data protection unit as written in Vietnamese (%q)", cfg.At("privacy.contact"), p.Contact),
			"add english_contact = \"…\" under [privacy] in "+cfg.Path+": the unit's name in English, with its phone and email")
	case p.Contact == "" && p.EnglishContact != "":
		c.warn("privacy", fmt.Sprintf("%s: privacy.english_contact is set and privacy.contact is not: the acknowledgements in "+
			"Vietnamese name no data protection unit (they ask the citizen to reply)", cfg.At("privacy.english_contact")),
			"add contact = \"…\" under [privacy] in "+cfg.Path+": the unit's name, phone and email")
	case p.Contact == "":
		c.ok("privacy", "privacy.contact is empty: the acknowledgements' processing notice asks the citizen to reply to them")
	default:
		c.ok("privacy", "the acknowledgements name the data protection unit %q, in English %q", p.Contact, p.EnglishContact)
	}
}

func (c *checker) calendar(cfg *config.Config) {
	cal, err := calendar.New(cfg.Calendar, cfg.Dir)
	if err != nil {
		c.fail("calendar", cfg.Named(err).Error(), "correct [calendar] or the holiday file")
		return
	}
	loc := cal.Location()
	now := c.now.In(loc)
	clock := fmt.Sprintf("%s in %s; deadlines are counted in this zone, whatever the machine's", now.Format("2006-01-02 15:04 -07:00"), loc)
	if loc.String() != calendar.ZoneName {
		c.warn("clock", clock, `calendar.timezone = "`+calendar.ZoneName+`", unless the province means another`)
	} else {
		c.ok("clock", "%s", clock)
	}
	year := now.Year()
	// The fix names the keys whose days add to the holiday file's: a
	// holiday file of one's own replaces the shipped one, every day of it.
	addTet := func(y int) string {
		return fmt.Sprintf("write Tết %d's days off in calendar.holidays in %s, and the Saturdays worked in exchange in "+
			"calendar.extra_working_days (they add to the holiday file's days)", y, cfg.Path)
	}
	switch {
	case !cal.HasTet(year):
		c.fail("holidays", fmt.Sprintf("the holiday file has no Tết %d: deadlines would count its days as working days", year), addTet(year))
	case now.Month() == time.December && !cal.HasTet(year+1):
		c.warn("holidays", fmt.Sprintf("Tết %d is there; Tết %d not yet", year, year+1), addTet(year+1)+" as soon as they are announced")
	default:
		c.ok("holidays", "Tết %d is in the holiday file", year)
	}
}

func (c *checker) http(ctx context.Context, cfg *config.Config) {
	addr := cfg.HTTP.Listen
	if addr == "" {
		c.ok("http", "off (http.listen is empty): no /healthz, /metrics, /stats or public results")
		return
	}
	ln, err := net.Listen("tcp", addr)
	if err == nil {
		ln.Close()
		c.ok("http", "%s is free for /healthz, /metrics, /stats and the public results (/ket-qua/, /open311/v2/)", addr)
		return
	}
	if phananhAnswers(ctx, addr) {
		c.ok("http", "%s is served by a running phananh", addr)
		return
	}
	c.fail("http", "http.listen "+addr+": "+err.Error(), "another program holds it, or the address is not this machine's: change http.listen")
}

// phananhAnswers reports whether a phananh serve answers /healthz at addr.
func phananhAnswers(ctx context.Context, addr string) bool {
	ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+addr+"/healthz", nil)
	if err != nil {
		return false
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(io.LimitReader(resp.Body, 256))
	return strings.HasPrefix(string(b), "ok") || strings.HasPrefix(string(b), "imap: not connected")
}

func (c *checker) imap(ctx context.Context, cfg *config.Config) {
	in := cfg.IMAP
	if in.Host == "" {
		c.fail("imap", "imap.host is not set", "set [imap] host, port and tls to the mailbox's server")
		return
	}
	password, err := cfg.IMAPPassword()
	if err != nil || password == "" {
		c.warn("imap connect", fmt.Sprintf("%s not tried: the login needs the password (imap password above)", config.Addr(in.Host, in.Port)),
			"run check again once the password is there")
		return
	}
	pool, err := certPool(in.CAFile)
	if err != nil {
		c.fail("imap connect", cfg.Named(fmt.Errorf("imap.ca_file: %w", err)).Error(), "name a PEM file of the CA that signed the server's certificate")
		return
	}
	addr := config.Addr(in.Host, in.Port)
	w := &mailbox.Watcher{Addr: addr, TLS: string(in.TLS), RootCAs: pool, Username: in.Username, Password: password,
		Mailbox: in.Mailbox, Processed: in.ProcessedMailbox, Quarantine: in.QuarantineMailbox}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	p, err := w.Probe(ctx)
	var perr *mailbox.ProbeError
	if errors.As(err, &perr) {
		switch perr.Step {
		case "connect":
			c.fail("imap connect", fmt.Sprintf("tls = %q: %v", in.TLS, perr.Err), connectFix("imap", perr.Err))
		case "login":
			var refused *imap.Error
			if !errors.As(perr.Err, &refused) {
				// No tagged NO or BAD: what answered is not an IMAP server.
				c.fail("imap connect", fmt.Sprintf("%s (tls = %q): no IMAP server answers there: %v", addr, in.TLS, perr.Err),
					"check imap.host and imap.port (993 for tls, 143 for starttls)")
				return
			}
			c.fail("imap login", fmt.Sprintf("the server refused %q: %v", in.Username, perr.Err),
				"check imap.username and the password in "+passwordSource(in.PasswordFile, config.EnvIMAPPassword))
		default:
			c.fail("imap mailbox", perr.Err.Error(), "set imap.mailbox to the folder the mail arrives in (INBOX on most servers)")
		}
		return
	}
	if err != nil {
		c.fail("imap", err.Error(), "")
		return
	}
	c.ok("imap connect", "%s, %s", addr, security(string(in.TLS)))
	c.ok("imap login", "as %s", in.Username)
	c.ok("imap mailbox", "%s: %d messages waiting", in.Mailbox, p.Messages)
	c.folders(in, p)
	if p.Idle {
		c.ok("imap IDLE", "new mail is seen as it arrives")
	} else {
		c.warn("imap IDLE", fmt.Sprintf("the server has no IDLE: phananh looks for mail every %s", in.PollInterval),
			"lower imap.poll_interval to see mail sooner, or enable IDLE on the server")
	}
	if p.Move {
		c.ok("imap MOVE", "messages are moved to their folder in one step")
	} else {
		c.warn("imap MOVE", "the server has no MOVE: phananh copies each message, then flags it \\Deleted and expunges it by UID",
			"none needed; MOVE, where the server has it, is one step instead of three")
	}
	switch {
	case p.UIDPlus:
		c.ok("imap UIDPLUS", "present")
	case p.Move:
		c.ok("imap UIDPLUS", "absent, and not needed with MOVE")
	default:
		c.warn("imap UIDPLUS", "no MOVE and no UIDPLUS: processed messages are copied to their folder and flagged \\Deleted; "+
			"phananh expunges the mailbox only while every \\Deleted message in it is one it moved",
			"let no other mail client leave messages flagged \\Deleted in the mailbox (phananh then warns and leaves them all), or enable UIDPLUS on the server")
	}
}

func (c *checker) folders(in config.IMAP, p mailbox.Probe) {
	var missing []string
	for _, f := range []string{in.ProcessedMailbox, in.QuarantineMailbox} {
		if !p.Folders[f] {
			missing = append(missing, f)
		}
	}
	if len(missing) > 0 {
		c.warn("imap folders", strings.Join(missing, " and ")+" do not exist yet: phananh serve creates them at start",
			"none, if the account may create folders; otherwise create them on the server")
		return
	}
	c.ok("imap folders", "%s and %s exist", in.ProcessedMailbox, in.QuarantineMailbox)
}

func (c *checker) smtp(ctx context.Context, cfg *config.Config, set *templates.Set, sendTo string, bodies routing.Bodies) {
	out := cfg.SMTP
	if out.Host == "" {
		c.fail("smtp", "smtp.host is not set", "set [smtp] host, port and tls to the submission server")
		return
	}
	password, err := cfg.SMTPPassword()
	if err != nil || (out.Username != "" && password == "") {
		c.warn("smtp connect", fmt.Sprintf("%s not tried: the login needs the password (smtp password above)", config.Addr(out.Host, out.Port)),
			"run check again once the password is there")
		return
	}
	pool, err := certPool(out.CAFile)
	if err != nil {
		c.fail("smtp connect", cfg.Named(fmt.Errorf("smtp.ca_file: %w", err)).Error(), "name a PEM file of the CA that signed the server's certificate")
		return
	}
	addr := config.Addr(out.Host, out.Port)
	s := mailer.SMTP{Host: out.Host, Port: out.Port, TLS: string(out.TLS), Username: out.Username, Password: password,
		RootCAs: pool, Timeout: out.Timeout.Duration}
	ctx, cancel := context.WithTimeout(ctx, c.timeout)
	defer cancel()
	p, err := s.Probe(ctx)
	var perr *mailer.ProbeError
	if errors.As(err, &perr) {
		switch perr.Step {
		case "connect":
			c.fail("smtp connect", fmt.Sprintf("%s (tls = %q): %v", addr, out.TLS, perr.Err), connectFix("smtp", perr.Err))
		case "starttls":
			fix := connectFix("smtp", perr.Err)
			if errors.Is(perr.Err, mailer.ErrNoStartTLS) {
				fix = fmt.Sprintf("the server must offer STARTTLS on port %d (usually 587), or set smtp.tls = \"tls\" and its implicit-TLS port (465)", out.Port)
			}
			c.fail("smtp STARTTLS", perr.Err.Error(), fix)
		default:
			detail := fmt.Sprintf("the server refused %q: %v", out.Username, perr.Err)
			fix := "check smtp.username and the password in " + passwordSource(out.PasswordFile, config.EnvSMTPPassword)
			if errors.Is(perr.Err, mailer.ErrNoAuth) {
				detail = fmt.Sprintf("%v (it offers %q)", perr.Err, strings.Join(p.Auth, " "))
				fix = "enable PLAIN or LOGIN over TLS on the server, or leave smtp.username empty for a relay that trusts this machine"
			}
			c.fail("smtp AUTH", detail, fix)
		}
		return
	}
	if err != nil {
		c.fail("smtp", err.Error(), "")
		return
	}
	c.ok("smtp connect", "%s", addr)
	if out.TLS == config.TLSNone && p.StartTLS {
		c.warn("smtp STARTTLS", "the server offers STARTTLS but smtp.tls is \"none\"", `smtp.tls = "starttls"`)
	} else {
		c.ok("smtp STARTTLS", "%s", security(string(out.TLS)))
	}
	if out.Username == "" {
		c.ok("smtp AUTH", "no login: the server must relay mail from this machine (--send-test shows whether it does)")
	} else {
		c.ok("smtp AUTH", "logged in as %s (%s)", out.Username, p.Mech)
	}
	if sendTo != "" {
		c.sendTest(ctx, cfg, s, set, sendTo, bodies)
	}
}

func (c *checker) sendTest(ctx context.Context, cfg *config.Config, s mailer.SMTP, set *templates.Set, to string, bodies routing.Bodies) {
	if set == nil {
		return // said by "templates"
	}
	host, _ := os.Hostname()
	data := templates.Check{Host: host, Server: config.Addr(s.Host, s.Port), Version: currentBuild().Version, At: c.now}
	from := mailer.Sender{Address: cfg.SMTP.From, Name: cmp.Or(cfg.SMTP.FromName, bodies.Center)}
	id, err := mailer.SendTest(ctx, s, set, from, to, data)
	if err != nil {
		c.fail("smtp test mail", fmt.Sprintf("to %s: %v", to, err),
			"the server must accept mail from "+cfg.SMTP.From+" (smtp.from) for any address: see its log for this Message-ID")
		return
	}
	c.ok("smtp test mail", "accepted for %s (Message-ID <%s>): check that it arrived, and not as spam", to, id)
}

// security says how a connection of tls mode is secured.
func security(mode string) string {
	switch mode {
	case "tls":
		return "implicit TLS, certificate valid"
	case "starttls":
		return "STARTTLS, certificate valid"
	default:
		return "plain text, on loopback"
	}
}

func passwordSource(file, env string) string {
	if _, ok := os.LookupEnv(env); ok {
		return env
	}
	return file
}

// connectFix is the fix for a failed connection to the server of kind
// ("imap" or "smtp").
func connectFix(kind string, err error) string {
	var verr *tls.CertificateVerificationError
	var uerr x509.UnknownAuthorityError
	var herr x509.HostnameError
	var rerr tls.RecordHeaderError
	var dnsErr *net.DNSError
	switch {
	case errors.As(err, &verr) || errors.As(err, &uerr) || errors.As(err, &herr):
		return kind + ".ca_file must name the CA that signed the server's certificate, and " + kind + ".host the name it was issued for"
	case errors.As(err, &rerr):
		return kind + `.tls does not match the port: "tls" for implicit TLS (993, 465), "starttls" for 143 and 587`
	case errors.As(err, &dnsErr):
		return kind + ".host does not resolve: check the name and this machine's DNS"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "nothing listens there: check " + kind + ".host and " + kind + ".port"
	default:
		return "check " + kind + ".host, " + kind + ".port and " + kind + ".tls, and that the network lets this machine through"
	}
}
