package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"syscall"
	"time"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// app is what every command that works on reports needs: the configuration,
// the store, and the pipeline's parts.
type app struct {
	cfg      *config.Config
	db       *store.DB
	log      *slog.Logger
	calendar *calendar.Calendar
	routing  *routing.Holder
	tokens   *token.Keys
	// key is the encryption key, held from loadApp to openStore only.
	key []byte
	// operators are the configured operators in use (see reloadOperators).
	operators *operators
}

// openApp loads the configuration, its keys, the calendar and the routing
// table, and opens the store. On a fresh installation (no database yet) it
// creates the key files the configuration names; it never replaces a key.
func openApp(ctx context.Context, configPath string, log *slog.Logger) (*app, error) {
	return openAppAs(ctx, configPath, log, true, nil)
}

// openAppAs is openApp; writer is set for serve and ingest, which write
// files and may start an installation: as root, they refuse the folder of
// a service that runs as another user (storeOwner). check, when not nil,
// is a command's own check of the configuration, run once loadApp's have
// passed and before install: a start it refuses makes nothing on disk.
func openAppAs(ctx context.Context, configPath string, log *slog.Logger, writer bool, check func(*config.Config) error) (*app, error) {
	a, err := loadApp(configPath, log, writer)
	if err != nil {
		return nil, err
	}
	if check != nil {
		if err := check(a.cfg); err != nil {
			return nil, err
		}
	}
	if err := a.install(ctx); err != nil {
		return nil, err
	}
	return a, nil
}

// loadApp is openAppAs up to the store, which it leaves unopened: the
// configuration, the calendar, the routing table and the keys checked.
// It makes nothing on disk, so that a start it refuses leaves a new
// installation as it found it: install makes the key files and the store.
func loadApp(configPath string, log *slog.Logger, writer bool) (*app, error) {
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, err
	}
	if writer {
		if err := storeOwner(cfg); err != nil {
			return nil, err
		}
	}
	cal, err := calendar.New(cfg.Calendar, cfg.Dir)
	if err != nil {
		return nil, cfg.Named(err)
	}
	holder, err := routing.NewHolder(cfg.Rules.File, cfg.Rules.Table)
	if err != nil {
		return nil, pathNamed(cfg, "rules.file", cfg.Rules.File, err)
	}
	cfg.Center.NameIn(holder)
	if err := checkKeys(cfg); err != nil {
		return nil, err
	}
	return &app{cfg: cfg, log: log, calendar: cal, routing: holder, operators: newOperators(cfg.Operators)}, nil
}

// install is what a start does once every check has passed: it makes the
// key files a new installation lacks (createKeys), reads the keys and
// opens the store (on a new installation, creating it).
func (a *app) install(ctx context.Context) error {
	if err := createKeys(a.cfg, a.log); err != nil {
		return err
	}
	if err := a.readKeys(); err != nil {
		return err
	}
	return a.openStore(ctx)
}

// readKeys reads the encryption key and the token keys.
func (a *app) readKeys() error {
	key, err := a.cfg.EncryptionKey()
	if err != nil {
		return err
	}
	current, previous, err := a.cfg.TokenKeys()
	if err != nil {
		return err
	}
	tokens, err := token.NewKeys(current, previous, a.cfg.Security.TokenTTL.Duration)
	if err != nil {
		return fmt.Errorf("token keys: %w", err)
	}
	a.key, a.tokens = key, tokens
	return nil
}

// checkKeys reads the keys as readKeys will, so that a key file that is
// unreadable, of the wrong length or readable by others refuses the start
// before anything is made; a key file that a new installation lacks is
// left to createKeys.
func checkKeys(cfg *config.Config) error {
	toMake := newKeyFiles(cfg)
	if !slices.Contains(toMake, cfg.Security.EncryptionKeyFile) {
		if _, err := cfg.EncryptionKey(); err != nil {
			return err
		}
	}
	if !slices.Contains(toMake, cfg.Security.TokenKeyFile) {
		if _, _, err := cfg.TokenKeys(); err != nil {
			return err
		}
	}
	return nil
}

// openStore opens the store (on a fresh installation, creating it).
func (a *app) openStore(ctx context.Context) error {
	db, err := store.Open(ctx, store.Options{Path: a.cfg.Store.Path, DataDir: a.cfg.Store.DataDir, KeysPath: a.cfg.Store.KeysPath,
		Key: a.key, MailDomain: a.cfg.MailDomain()})
	if errors.Is(err, store.ErrWrongKey) {
		return fmt.Errorf("%s: key of %s: %w", a.cfg.Store.Path, encryptionKeySource(a.cfg), err)
	}
	if err != nil {
		return err
	}
	a.db, a.key = db, nil
	return nil
}

// Close closes the store, when it was opened.
func (a *app) Close() error {
	if a.db == nil {
		return nil
	}
	return a.db.Close()
}

// encryptionKeySource says where the encryption key was read from, for an
// error: the environment variable, or the file and the configuration's
// line that names it.
func encryptionKeySource(cfg *config.Config) string {
	if _, ok := os.LookupEnv(config.EnvEncryptionKey); ok {
		return config.EnvEncryptionKey
	}
	return fmt.Sprintf("%s (security.encryption_key_file, %s)", cfg.Security.EncryptionKeyFile, cfg.At("security.encryption_key_file"))
}

// bodies are the bodies mail and reports name: the routing table's, with
// the Center named as the configuration says.
func (a *app) bodies() routing.Bodies { return a.cfg.Center.Bodies(a.routing.Load().Bodies()) }

// loadTemplates loads the templates, with their overrides, to name the
// bodies of the routing table in use; a templates folder that is not there
// is named by the configuration's line.
func (a *app) loadTemplates() (*templates.Set, error) {
	set, err := templates.LoadFor(a.cfg.Templates.Dir, a.bodies())
	return set, pathNamed(a.cfg, "templates.dir", a.cfg.Templates.Dir, err)
}

// pathNamed writes err as the configuration's file, line and key when it
// is the failure to open path, the file or folder the key names: a
// mistyped path is the configuration's fault, not the missing file's.
// Other errors (a table's or a template's own problems, which name their
// file and line) are returned as they are.
func pathNamed(cfg *config.Config, key, path string, err error) error {
	var pathErr *fs.PathError
	if err == nil || path == "" || !errors.As(err, &pathErr) || pathErr.Path != path {
		return err
	}
	return cfg.Named(fmt.Errorf("%s: %w", key, err))
}

// withApp opens the app of the configuration for the subcommand name, runs
// fn, and turns a failure of either into "phananh NAME: error" and exit 1.
//
// It works on a deployment's reports, so it refuses a configuration whose
// database does not exist, rather than making an empty one and keys (a
// mistyped store.path would otherwise back up, show and count nothing, and
// succeed): only serve and ingest start a new installation.
func withApp(ctx context.Context, name, configPath string, stderr io.Writer, fn func(*app) error) int {
	a, err := openExistingApp(ctx, configPath, newLogger(stderr))
	if err == nil {
		err = fn(a)
		a.Close()
	}
	if err != nil {
		fmt.Fprintf(stderr, "phananh %s: %v\n", name, err)
		return exitFailed
	}
	return exitOK
}

// openExistingApp is openApp for a deployment whose database exists.
func openExistingApp(ctx context.Context, configPath string, log *slog.Logger) (*app, error) {
	cfg, err := config.Load(configPath)
	if err != nil {
		return nil, err
	}
	if _, err := os.Stat(cfg.Store.Path); errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("no database at %s (store.path, %s): correct store.path, or start phananh serve, "+
			"which creates it, first", cfg.Store.Path, cfg.At("store.path"))
	}
	return openAppAs(ctx, configPath, log, false, nil)
}

// storeOwner refuses root (serve, ingest, restore) the database's folder
// when another user owns it, as the package's /var/lib/phananh is the
// service's: the database, key store and files root made there would be
// root's, mode 0600, and the service could no longer open them.
func storeOwner(cfg *config.Config) error {
	if os.Geteuid() != 0 {
		return nil
	}
	dir := filepath.Dir(cfg.Store.Path)
	info, err := os.Stat(dir)
	if err != nil {
		return nil // made by the store, as this user's
	}
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || st.Uid == 0 {
		return nil
	}
	uid := strconv.FormatUint(uint64(st.Uid), 10)
	name := uid
	if u, err := user.LookupId(uid); err == nil {
		name = u.Username
	}
	return fmt.Errorf("%s belongs to %s (uid %s), and this runs as root: what it made there would be root's, which "+
		"phananh running as %s cannot open; run it as that user: runuser -u %s -- phananh …", dir, name, uid, name, name)
}

// newKeyFiles returns the key files a new installation — one whose
// database does not exist yet — lacks: those the configuration names that
// are not there and that no environment variable stands in for. No key
// is made for an existing database, so that no data can be locked out by
// a key made up later.
func newKeyFiles(cfg *config.Config) []string {
	if _, err := os.Stat(cfg.Store.Path); !errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	var paths []string
	for _, k := range []struct{ path, env string }{
		{cfg.Security.EncryptionKeyFile, config.EnvEncryptionKey},
		{cfg.Security.TokenKeyFile, config.EnvTokenKey},
	} {
		if _, ok := os.LookupEnv(k.env); ok || slices.Contains(paths, k.path) {
			continue
		}
		if _, err := os.Stat(k.path); errors.Is(err, fs.ErrNotExist) {
			paths = append(paths, k.path)
		}
	}
	return paths
}

// createKeys writes the key files a new installation lacks (newKeyFiles).
func createKeys(cfg *config.Config, log *slog.Logger) error {
	for _, path := range newKeyFiles(cfg) {
		if err := config.WriteKeyFile(path); err != nil {
			return err
		}
		log.Warn("new installation: key file created; back it up apart from the data", "file", path)
	}
	return nil
}

// staff is the operators in use.
func (a *app) staff() intake.Staff { return a.operators.Staff() }

// pipeline builds the intake pipeline of the configuration.
func (a *app) pipeline() *intake.Pipeline {
	cfg := a.cfg
	return &intake.Pipeline{
		DB: a.db, Routing: a.routing.Load, Calendar: a.calendar, Limits: limits(cfg.Intake), Tokens: a.tokens,
		Address: cfg.SMTP.From, Staff: a.operators.Staff, QuarantineFolder: cfg.IMAP.QuarantineMailbox, Forwarders: cfg.Intake.ForwardingAddresses,
		RepliesPerHour: cfg.Intake.AutoRepliesPerHour, FollowUpsPerSender: cfg.Intake.FollowUpsPerSender,
		FollowUpsPerReport: cfg.Intake.FollowUpsPerReport, FollowUpsPerHour: cfg.Intake.FollowUpsPerHour, DuplicateWindow: cfg.Intake.DuplicateWindow.Duration, Log: a.log,
		CallAttempts: cfg.Process.CallAttempts, EscalationAddress: cfg.Process.EscalationAddress,
		RequireAuth: cfg.Security.RequireAuthenticationResults, TrustedAuthservID: cfg.Security.TrustedAuthservID,
		AnswersPerHour: cfg.Security.AnswersPerHour, ReportMode: cfg.Reports.PeriodMode, SpamMarks: spamMarks(cfg.Intake.SpamMarks),
		Privacy: templates.Privacy{Contact: cfg.Privacy.Contact, EnglishContact: cfg.Privacy.EnglishContact,
			RetentionYears: cfg.Privacy.Retention.Years, RetentionDays: cfg.Privacy.Retention.Days},
	}
}

// spamMarks reads intake.spam_marks, checked when the configuration was
// loaded.
func spamMarks(marks []string) []intake.SpamMark {
	var out []intake.SpamMark
	for _, m := range marks {
		if h, v, err := config.SpamMark(m); err == nil {
			out = append(out, intake.SpamMark{Header: h, Value: v})
		}
	}
	return out
}

// limits maps the [intake] table onto the parser's limits; allowed_types
// left out keeps the parser's default allow-list.
func limits(in config.Intake) parse.Limits {
	l := parse.DefaultLimits()
	l.MaxMessageBytes, l.MaxHeaderBytes, l.MaxHeaderFields = in.MaxMessageBytes, in.MaxHeaderBytes, in.MaxHeaderFields
	l.MaxDepth, l.MaxParts, l.MaxLineBytes = in.MaxDepth, in.MaxParts, in.MaxLineBytes
	l.MaxAttachmentBytes, l.MaxAttachmentsBytes, l.MaxAttachments = in.MaxAttachmentBytes, in.MaxAttachmentsBytes, in.MaxAttachments
	if len(in.AllowedTypes) > 0 {
		l.AllowedTypes = in.AllowedTypes
	}
	return l
}

// newLogger logs text lines to w (JSON when PHANANH_LOG_FORMAT=json).
func newLogger(w io.Writer) *slog.Logger {
	if os.Getenv("PHANANH_LOG_FORMAT") == "json" {
		return slog.New(slog.NewJSONHandler(w, nil))
	}
	return slog.New(slog.NewTextHandler(w, nil))
}

// rfc3339 writes a time in Vietnam's zone, "" for the zero time (SPEC 12.1).
func rfc3339(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(calendar.Vietnam).Format(time.RFC3339)
}
