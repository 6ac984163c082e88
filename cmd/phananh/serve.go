package main

import (
	"context"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/intake/mailbox"
	"haugiang.gov.vn/phananh/mailer"
	"haugiang.gov.vn/phananh/reports"
	"haugiang.gov.vn/phananh/reports/publish"
	"haugiang.gov.vn/phananh/reports/stats"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/schedule"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("serve", "serve --config FILE\n\nRuns the daemon until SIGTERM or SIGINT; SIGHUP reloads the routing table, the templates and the\noperators.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "", 0, "config"); p != "" {
		return badUsage(fs, p)
	}
	log := newLogger(stderr)
	d, err := newDaemon(ctx, *configPath, log)
	if err != nil {
		fmt.Fprintf(stderr, "phananh serve: %v\n", err)
		return exitFailed
	}
	defer d.Close()
	if err := d.Run(ctx); err != nil {
		fmt.Fprintf(stderr, "phananh serve: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// daemon is a running `phananh serve`.
type daemon struct {
	*app
	// templates are those the worker composes with, the starts of their
	// lines encoded once (mailer.NewTemplates); reload replaces them.
	templates atomic.Pointer[mailer.Templates]
	watcher   *mailbox.Watcher
	worker    *mailer.Worker
	scheduler *schedule.Scheduler
	watch     *schedule.Watch
	reports   *reports.Sender
	retention *schedule.Retention
	lock      *os.File
	listener  net.Listener
	notifier  notifier    // systemd's, when it runs the daemon
	ready     atomic.Bool // READY=1 was sent
	// now is the clock of the timed jobs and the checks at start: time.Now,
	// or a test's own, set before Run.
	now func() time.Time
}

// newDaemon prepares everything and fails at start on any bad setting,
// naming it: configuration, keys, secrets, templates, routing table,
// calendar, operators, the HTTP address, and a second daemon on the same
// data. Every check that a setting, a table or a file of the operator's
// can fail is made before anything is made on disk (loadApp, preflight),
// so that a start refused for one of them leaves a new installation as
// it found it: no database, key file or lock.
//
// The templates load on a goroutine of their own while the store opens:
// loading them is most of the start's work, on one core, and a fresh
// installation's migrations wait for the disk. The embedded templates,
// which the project's tests load, are waited for only once the store is
// open; those of an override folder (templates.dir), which may be refused,
// are waited for before it. A start that fails waits for the loading to
// end, whichever failed.
func newDaemon(ctx context.Context, configPath string, log *slog.Logger) (*daemon, error) {
	a, err := loadApp(configPath, log, true)
	if err != nil {
		return nil, err
	}
	d := &daemon{app: a, notifier: newNotifier(), now: time.Now}
	loading := a.loadTemplatesBeside()
	if err := d.start(ctx, loading); err != nil {
		loading.wait()
		d.Close()
		return nil, err
	}
	tuneCollector()
	return d, nil
}

// start runs the checks of preflight, takes the data folder's lock, then
// makes what a new installation lacks and opens the store (install), then
// sets up the daemon's parts. The lock comes before the store: a second
// serve, or a newer release started beside a running one, is refused
// before it migrates or writes anything under the daemon that runs.
func (d *daemon) start(ctx context.Context, loading *templatesLoading) error {
	conn, err := d.preflight(loading)
	if err != nil {
		return err
	}
	if d.lock, err = lockDataDir(d.cfg.Store.DataDir); err != nil {
		return err
	}
	if err := d.install(ctx); err != nil {
		return err
	}
	return d.setup(loading, conn)
}

// templatesLoading is the templates' loading on a goroutine of its own.
type templatesLoading struct {
	done chan struct{}
	set  *templates.Set
	err  error
}

// loadTemplatesBeside starts loading the templates (loadTemplates) on a
// goroutine of their own.
func (a *app) loadTemplatesBeside() *templatesLoading {
	l := &templatesLoading{done: make(chan struct{})}
	go func() {
		defer close(l.done)
		l.set, l.err = a.loadTemplates()
	}()
	return l
}

// wait waits for the loading to end and returns what it loaded.
func (l *templatesLoading) wait() (*templates.Set, error) {
	<-l.done
	return l.set, l.err
}

// noServer names the host serve lacks, with the configuration's line.
func noServer(cfg *config.Config) error {
	switch {
	case cfg.IMAP.Host == "":
		return cfg.Named(errors.New("imap.host: must be set to serve (the mailbox's server)"))
	case cfg.SMTP.Host == "":
		return cfg.Named(errors.New("smtp.host: must be set to serve (the submission server)"))
	}
	return nil
}

// imapLogin returns the mailbox's password, or names the login setting
// serve lacks, with the configuration's line.
func imapLogin(cfg *config.Config) (string, error) {
	password, err := cfg.IMAPPassword()
	switch {
	case err != nil:
		return "", err
	case cfg.IMAP.Username == "":
		return "", cfg.Named(errors.New("imap.username: must be set to serve"))
	case password == "":
		return "", cfg.Named(fmt.Errorf("imap.password_file: must name the password's file (or %s be set) to serve", config.EnvIMAPPassword))
	}
	return password, nil
}

// connections are the secrets and certificates of the daemon's
// connections to the IMAP and SMTP servers.
type connections struct {
	imapPassword, smtpPassword string
	imapCAs, smtpCAs           *x509.CertPool
}

// preflight checks what serve needs beyond loadApp's checks, making
// nothing on disk: the servers and their login, the operators, the
// templates of an override folder and the HTTP address, which it takes.
func (d *daemon) preflight(loading *templatesLoading) (connections, error) {
	cfg := d.cfg
	if err := noServer(cfg); err != nil {
		return connections{}, err
	}
	if err := noOperatorYet(cfg); err != nil {
		return connections{}, err
	}
	if cfg.Templates.Dir != "" {
		if _, err := loading.wait(); err != nil {
			return connections{}, err
		}
	}
	conn, err := serverLogins(cfg)
	if err != nil {
		return conn, err
	}
	if cfg.HTTP.Listen != "" {
		if d.listener, err = net.Listen("tcp", cfg.HTTP.Listen); err != nil {
			return conn, fmt.Errorf("http.listen: %w", err)
		}
	}
	return conn, nil
}

// serverLogins reads the settings of the connections to the IMAP and
// SMTP servers: the login, the passwords and the CA files.
func serverLogins(cfg *config.Config) (connections, error) {
	var conn connections
	var err error
	if conn.imapPassword, err = imapLogin(cfg); err != nil {
		return conn, err
	}
	if conn.smtpPassword, err = cfg.SMTPPassword(); err != nil {
		return conn, err
	}
	if conn.imapCAs, err = certPool(cfg.IMAP.CAFile); err != nil {
		return conn, cfg.Named(fmt.Errorf("imap.ca_file: %w", err))
	}
	if conn.smtpCAs, err = certPool(cfg.SMTP.CAFile); err != nil {
		return conn, cfg.Named(fmt.Errorf("smtp.ca_file: %w", err))
	}
	return conn, nil
}

// setup sets up the daemon's parts on the open store: the templates, the
// mailer, the mailbox's watcher and the timed jobs.
func (d *daemon) setup(loading *templatesLoading, conn connections) error {
	cfg := d.cfg
	set, err := loading.wait()
	if err != nil {
		return err
	}
	d.templates.Store(mailer.NewTemplates(set))
	d.worker = &mailer.Worker{
		DB: d.db, Templates: d.templates.Load, From: sender(cfg, d.bodies()),
		SMTP: mailer.SMTP{Host: cfg.SMTP.Host, Port: cfg.SMTP.Port, TLS: string(cfg.SMTP.TLS), Username: cfg.SMTP.Username,
			Password: conn.smtpPassword, RootCAs: conn.smtpCAs, Timeout: cfg.SMTP.Timeout.Duration},
		Log: d.log.With("part", "mailer"), RetryMax: cfg.SMTP.RetryMax.Duration,
	}
	p := d.pipeline()
	p.Log = d.log.With("part", "intake")
	d.watcher = &mailbox.Watcher{
		Addr: config.Addr(cfg.IMAP.Host, cfg.IMAP.Port), TLS: string(cfg.IMAP.TLS), RootCAs: conn.imapCAs,
		Username: cfg.IMAP.Username, Password: conn.imapPassword, Mailbox: cfg.IMAP.Mailbox,
		Processed: cfg.IMAP.ProcessedMailbox, Quarantine: cfg.IMAP.QuarantineMailbox,
		PollInterval: cfg.IMAP.PollInterval.Duration, Processor: wakeAfter{p, d.worker}, Log: d.log.With("part", "imap"),
	}
	return d.setupSchedule()
}

// Run runs the daemon's parts until ctx is done, then lets them finish
// what they hold: the message being processed is committed or left in the
// mailbox, the mail being sent is recorded.
func (d *daemon) Run(ctx context.Context) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var wg sync.WaitGroup
	wg.Go(func() { d.watcher.Run(ctx) })
	wg.Go(func() { d.worker.Run(ctx) })
	wg.Go(func() { d.scheduler.Run(ctx) })
	wg.Go(func() { d.startupChecks(ctx) })
	if d.listener != nil {
		srv := &http.Server{Handler: d.routes(), ReadHeaderTimeout: 10 * time.Second}
		wg.Go(func() { srv.Serve(d.listener) })
		context.AfterFunc(ctx, func() { srv.Close() })
	}
	wg.Go(func() { d.reloadOnHangup(ctx) })
	wg.Go(func() { d.reportReadiness(ctx) })
	d.log.Info("phananh serving", "mailbox", d.cfg.IMAP.Mailbox, "http", d.cfg.HTTP.Listen)
	warnUnfilled(d.log, d.cfg)
	d.warnUnreachable()
	<-ctx.Done()
	d.log.Info("phananh stopping")
	d.tell("STOPPING=1", "STATUS=stopping: finishing the message and the mail in hand")
	wg.Wait()
	return nil
}

// reloadOnHangup calls reload on each SIGHUP.
func (d *daemon) reloadOnHangup(ctx context.Context) {
	hup := make(chan os.Signal, 1)
	signal.Notify(hup, syscall.SIGHUP)
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			if !d.ready.Load() {
				d.reload()
				continue
			}
			d.tell("RELOADING=1", "STATUS=reloading the routing table and the templates")
			d.reload()
			d.tell("READY=1", "STATUS=serving: reloaded")
		}
	}
}

// reload reloads the routing table, the templates and the operators. A
// table, a template or a configuration file that fails its checks is
// refused and the one in use stays; the error is logged, and returned for
// tests.
func (d *daemon) reload() error {
	var errs []error
	if err := d.routing.Reload(d.cfg.Rules.File, d.cfg.Rules.Table); err != nil {
		err = pathNamed(d.cfg, "rules.file", d.cfg.Rules.File, err)
		d.log.Error("routing table refused; the previous one stays", "err", err)
		errs = append(errs, err)
	} else {
		d.log.Info("routing table reloaded", "version", d.routing.Load().Version())
	}
	if err := d.reloadOperators(); err != nil {
		errs = append(errs, err)
	}
	d.warnUnreachable()
	if set, err := d.loadTemplates(); err != nil {
		d.log.Error("templates refused; the previous ones stay", "err", err)
		errs = append(errs, err)
	} else {
		d.templates.Store(mailer.NewTemplates(set))
		d.log.Info("templates reloaded")
	}
	return errors.Join(errs...)
}

// reloadOperators reads the configuration file again and puts its
// [[operators]] in use: when an agency changes its staff (Art 15.3), the
// new handler gets the next notice and may command at once, and the one who
// left may not, without a restart. A file that does not load is refused and
// the operators in use stay. The other settings are read at start only.
func (d *daemon) reloadOperators() error {
	cfg, err := config.Load(d.cfg.Path)
	if err == nil {
		err = noOperatorYet(cfg)
	}
	if err != nil {
		d.log.Error("configuration refused; the operators in use stay", "err", err)
		return err
	}
	d.operators.Store(cfg.Operators)
	d.log.Info("operators reloaded", "operators", len(cfg.Operators), "note", "other settings take effect at restart")
	warnUnfilled(d.log, cfg)
	return nil
}

// noOperatorYet refuses a configuration whose [[operators]] tables are all
// still to fill in (the example as shipped, or `phananh operators` pasted
// and not yet filled in), naming each by file and line: serving it, the
// citizens would be acknowledged and nobody at the Center told of a report,
// nor able to command. A configuration without any table is left to
// `phananh check`, which fails it.
func noOperatorYet(cfg *config.Config) error {
	if len(cfg.Operators) > 0 || len(cfg.Unfilled) == 0 {
		return nil
	}
	var tables []string
	for _, op := range cfg.Unfilled {
		tables = append(tables, cfg.UnfilledWarning(op))
	}
	return fmt.Errorf("no operator filled in: nobody would be told of a report; %s", strings.Join(tables, "; "))
}

// warnUnfilled warns of each [[operators]] table whose email is left
// empty: pasted from `phananh operators` and not yet filled in, it makes
// nobody an operator, and the agency it names still lacks one.
func warnUnfilled(log *slog.Logger, cfg *config.Config) {
	for _, op := range cfg.Unfilled {
		log.Warn(cfg.UnfilledWarning(op))
	}
}

func (d *daemon) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := d.db.Read(r.Context(), func(*store.Tx) error { return nil }); err != nil {
			http.Error(w, "store: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		if !d.watcher.Connected() {
			http.Error(w, "imap: not connected", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /metrics", d.metrics)
	st := &stats.Handler{DB: d.db, Routing: d.routing.Load, Center: func() string { return d.bodies().Center },
		Log: d.log.With("part", "stats")}
	mux.Handle("GET /stats", st)
	mux.Handle("GET /stats.json", st)
	pub := &publish.Handler{DB: d.db, Routing: d.routing.Load, BaseURL: d.cfg.HTTP.PublicURL, Log: d.log.With("part", "publish"),
		Center: func() string { return d.bodies().Center }}
	pub.Routes(mux)
	return withSafeHeaders(mux)
}

func (d *daemon) Close() error {
	if d.listener != nil {
		d.listener.Close()
	}
	if d.lock != nil {
		d.lock.Close()
	}
	return d.app.Close()
}

// lockDataDir holds an exclusive lock on the data folder for the daemon's
// life, so that two daemons never send the same outbox twice.
func lockDataDir(dir string) (*os.File, error) {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, err
	}
	f, err := os.OpenFile(filepath.Join(dir, "serve.lock"), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, fmt.Errorf("another phananh serve is running on %s", dir)
	}
	return f, nil
}

func certPool(file string) (*x509.CertPool, error) {
	if file == "" {
		return nil, nil
	}
	pem, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("%s holds no PEM certificate", file)
	}
	return pool, nil
}

// warnUnreachable warns, at start and after each reload, of every agency
// whose mail nobody would receive — no handler or leader configured, no
// official mailbox in the table: forwarding to it is refused — of every
// agency without a leader (Art 15.3), whose overdue alerts reach no leader,
// and of a missing escalation address, which makes /escalate refused.
func (d *daemon) warnUnreachable() {
	table := d.routing.Load()
	for _, a := range d.staff().Unreachable(table) {
		d.log.Warn("agency without a handler, a leader or an official mailbox: forwarding to it is refused",
			"agency", a.Code, "fix", "add a handler in [[operators]], or the agency's email in the routing table")
	}
	if without := withoutRole(d.operators.Config(), table, config.RoleLeader); len(without) > 0 {
		d.log.Warn("agencies without a leader (Art 15.3): their overdue alerts reach no leader", "agencies", agencyCodes(without),
			"fix", "add a leader for each in [[operators]]")
	}
	if d.cfg.Process.EscalationAddress == "" {
		d.log.Warn("no escalation address: /escalate is refused", "fix", "set process.escalation_address")
	}
}

// sender is who the mail is from: smtp.from_name when set, else the Center
// as [center] or the routing table names it, in English in English mail.
func sender(cfg *config.Config, b routing.Bodies) mailer.Sender {
	if cfg.SMTP.FromName != "" {
		return mailer.Sender{Address: cfg.SMTP.From, Name: cfg.SMTP.FromName}
	}
	return mailer.Sender{Address: cfg.SMTP.From, Name: b.Center, EnglishName: b.CenterEnglish}
}
