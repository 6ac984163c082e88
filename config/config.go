// Package config reads and validates phananh's TOML configuration (SPEC 12.2).
//
// Every key has a working default except those that name the servers the
// daemon talks to; relative paths resolve against the folder of the config
// file; secrets never live in the file itself but in files it names or in
// PHANANH_… environment variables. Unknown keys are refused, so that a typo
// fails at start instead of silently leaving a default in place.
package config

import (
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/BurntSushi/toml"
	"github.com/robfig/cron/v3"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
)

// Config is the whole configuration file.
type Config struct {
	IMAP      IMAP            `toml:"imap"`
	SMTP      SMTP            `toml:"smtp"`
	Store     Store           `toml:"store"`
	Calendar  calendar.Config `toml:"calendar"`
	Rules     Rules           `toml:"rules"`
	Center    Center          `toml:"center"`
	Security  Security        `toml:"security"`
	HTTP      HTTP            `toml:"http"`
	Intake    Intake          `toml:"intake"`
	Process   Process         `toml:"process"`
	Templates Templates       `toml:"templates"`
	Reports   Reports         `toml:"reports"`
	Privacy   Privacy         `toml:"privacy"`
	Operators []Operator      `toml:"operators"`
	// Unfilled are the [[operators]] tables whose email is left empty, as
	// `phananh operators` writes them for IT to fill in: not yet operators,
	// Load leaves them out of Operators, each with Line the line of its
	// email (else of its header). Their other keys are checked as an
	// operator's; `check`, `operators` and serve warn of each.
	Unfilled []Operator `toml:"-"`

	// Path is the absolute path of the file the configuration came from, and
	// Dir its folder ("" and the working directory for Default).
	Path string `toml:"-"`
	Dir  string `toml:"-"`
	// lines are the lines of Path that write each key, for errors.
	lines keyLineMap
}

// IMAP is the [imap] table: the mailbox citizens and staff write to.
type IMAP struct {
	Host              string   `toml:"host"`
	Port              int      `toml:"port"`
	TLS               TLSMode  `toml:"tls"`
	Username          string   `toml:"username"`
	PasswordFile      string   `toml:"password_file"`
	CAFile            string   `toml:"ca_file"`
	Mailbox           string   `toml:"mailbox"`
	ProcessedMailbox  string   `toml:"processed_mailbox"`
	QuarantineMailbox string   `toml:"quarantine_mailbox"`
	PollInterval      Duration `toml:"poll_interval"`
}

// SMTP is the [smtp] table: the submission server the outbox sends through.
type SMTP struct {
	Host         string   `toml:"host"`
	Port         int      `toml:"port"`
	TLS          TLSMode  `toml:"tls"`
	Username     string   `toml:"username"`
	PasswordFile string   `toml:"password_file"`
	CAFile       string   `toml:"ca_file"`
	From         string   `toml:"from"`
	FromName     string   `toml:"from_name"` // "" for the Center's name ([center], routing.Bodies)
	Timeout      Duration `toml:"timeout"`
	// RetryMax caps the backoff between attempts to send one mail.
	RetryMax Duration `toml:"retry_max"`
}

// Store is the [store] table.
type Store struct {
	Path    string `toml:"path"`
	DataDir string `toml:"data_dir"`
	// KeysPath is the key store of the reports' data keys, kept apart
	// from the database and the data folder, and out of their backups
	// (SPEC 10.5).
	KeysPath string `toml:"keys_path"`
}

// Rules is the [rules] table.
type Rules struct {
	// Table names the built-in routing table: "appendix1" (the default, the
	// regulation's Appendix I) or "2025" (the two-tier government from
	// 1 July 2025).
	Table string `toml:"table"`
	// File is a routing table file; when set, it replaces the built-in
	// table, whichever Table names.
	File string `toml:"file"`
}

func (r Rules) validate() error {
	if r.Table != "" && !slices.Contains(routing.BuiltinNames(), r.Table) {
		return fmt.Errorf("rules.table: %q is not a built-in table (there are %s)", r.Table, strings.Join(routing.BuiltinNames(), ", "))
	}
	return nil
}

// Security is the [security] table.
type Security struct {
	TokenKeyFile string `toml:"token_key_file"`
	// PreviousTokenKeyFile holds the key being rolled out: tokens it signed
	// stay valid until they expire, new tokens use TokenKeyFile.
	PreviousTokenKeyFile         string   `toml:"previous_token_key_file"`
	EncryptionKeyFile            string   `toml:"encryption_key_file"`
	TrustedAuthservID            string   `toml:"trusted_authserv_id"`
	RequireAuthenticationResults bool     `toml:"require_authentication_results"`
	TokenTTL                     Duration `toml:"token_ttl"`
	// AnswersPerHour caps the answers one operator gets to their command
	// mail in an hour, authentic or not (SPEC 7.3).
	AnswersPerHour int `toml:"answers_per_hour"`
}

// HTTP is the [http] table: health, metrics, public statistics and
// results.
type HTTP struct {
	Listen string `toml:"listen"`
	// PublicURL is the address the public reads the results at (this
	// listener behind a proxy, or the provincial portal that serves
	// `phananh publish`'s files), without the final slash: the links of
	// the results' JSON and Open311 answers start with it. "" writes them
	// from the site's root ("/ket-qua/…").
	PublicURL string `toml:"public_url"`
}

// Intake is the [intake] table: what the daemon accepts from the mailbox.
type Intake struct {
	// ForwardingAddresses may forward a citizen's mail; the forwarded
	// message becomes a report of its original sender (SPEC 4.3).
	ForwardingAddresses []string `toml:"forwarding_addresses"`

	MaxMessageBytes     int64    `toml:"max_message_bytes"`
	MaxHeaderBytes      int64    `toml:"max_header_bytes"`
	MaxHeaderFields     int      `toml:"max_header_fields"`
	MaxDepth            int      `toml:"max_depth"`
	MaxParts            int      `toml:"max_parts"`
	MaxLineBytes        int      `toml:"max_line_bytes"`
	MaxAttachmentBytes  int64    `toml:"max_attachment_bytes"`
	MaxAttachmentsBytes int64    `toml:"max_attachments_bytes"`
	MaxAttachments      int      `toml:"max_attachments"`
	AllowedTypes        []string `toml:"allowed_types"`

	// SpamMarks are the "Header: value" marks our border's spam filter
	// adds to spam; a message that passed our border (its
	// Authentication-Results header with security.trusted_authserv_id)
	// and carries one is junk (SPEC 4.2).
	SpamMarks []string `toml:"spam_marks"`

	// AutoRepliesPerHour caps the automatic replies one sender gets (SPEC 4.7).
	AutoRepliesPerHour int `toml:"auto_replies_per_hour"`
	// FollowUpsPerSender and FollowUpsPerReport cap the follow-ups
	// forwarded to a report's holders in an hour, from one sender and to
	// one report (SPEC 4.2); the rest are recorded on the report and
	// counted in the daily digest.
	FollowUpsPerSender int `toml:"follow_ups_per_sender_per_hour"`
	FollowUpsPerReport int `toml:"follow_ups_per_report_per_hour"`
	// FollowUpsPerHour caps the follow-ups forwarded in an hour to every
	// report from others than its citizen: many senders to many reports.
	FollowUpsPerHour int `toml:"follow_ups_per_hour"`
	// DuplicateWindow is how long the same content from the same sender is
	// linked to the first report as a duplicate (SPEC 4.7).
	DuplicateWindow Duration `toml:"duplicate_window"`
}

// Process is the [process] table: knobs of the report lifecycle.
type Process struct {
	// CallAttempts is the failed verification call that rejects a report
	// (SPEC 3, Art 7.1): by default the fourth, since the regulation
	// rejects after "more than 3 calls".
	CallAttempts int `toml:"call_attempts"`
	// EscalationAddress receives escalated reports: the department the
	// routing table names for them (routing.Bodies).
	EscalationAddress string `toml:"escalation_address"`
}

// Templates is the [templates] table.
type Templates struct {
	// Dir, when set, holds templates that replace the embedded ones of the
	// same name.
	Dir string `toml:"dir"`
}

// Reports is the [reports] table: the periodic reports and the daily
// digest (SPEC 9): who receives each kind, when it is sent, and how periods
// are cut.
type Reports struct {
	// Recipients receive every periodic report: monthly, quarterly,
	// 6-monthly and annual.
	Recipients []string `toml:"recipients"`
	// PeriodMode cuts periods as Decree 09/2019/NĐ-CP does
	// (PeriodDecree: from the 15th to the 14th) or by calendar months.
	PeriodMode string `toml:"period_mode"`

	// The schedules (five cron fields or a descriptor, in Vietnam's time;
	// "" sends no report of that kind) and the recipients of each kind
	// beside Recipients. The daily digest goes to the Center's receivers
	// and approvers and to DailyRecipients, on working days only.
	DailySchedule        string   `toml:"daily_schedule"`
	DailyRecipients      []string `toml:"daily_recipients"`
	MonthlySchedule      string   `toml:"monthly_schedule"`
	MonthlyRecipients    []string `toml:"monthly_recipients"`
	QuarterlySchedule    string   `toml:"quarterly_schedule"`
	QuarterlyRecipients  []string `toml:"quarterly_recipients"`
	SemiannualSchedule   string   `toml:"semiannual_schedule"`
	SemiannualRecipients []string `toml:"semiannual_recipients"`
	AnnualSchedule       string   `toml:"annual_schedule"`
	AnnualRecipients     []string `toml:"annual_recipients"`
}

// The period modes of [reports] period_mode.
const (
	PeriodDecree   = "decree"
	PeriodCalendar = "calendar"
)

// defaultReports sends each report on the days of SPEC 9.1, at 07:30: the
// digest every working day, the monthly report on the 15th, the quarterly
// on the 15th of a quarter's last month, the 6-monthly in June and
// December, the annual on 15 December — all before the 20th (Art 13.4).
func defaultReports() Reports {
	return Reports{
		PeriodMode:         PeriodDecree,
		DailySchedule:      "30 7 * * *",
		MonthlySchedule:    "30 7 15 * *",
		QuarterlySchedule:  "30 7 15 3,6,9,12 *",
		SemiannualSchedule: "30 7 15 6,12 *",
		AnnualSchedule:     "30 7 15 12 *",
	}
}

// Kind returns the schedule and the recipients of a kind of report:
// "daily", "monthly", "quarterly", "semiannual" or "annual". Recipients
// come first, then the kind's own, each address once; the daily digest has
// its own alone.
func (r Reports) Kind(kind string) (schedule string, recipients []string) {
	var own []string
	switch kind {
	case "daily":
		return r.DailySchedule, slices.Clone(r.DailyRecipients)
	case "monthly":
		schedule, own = r.MonthlySchedule, r.MonthlyRecipients
	case "quarterly":
		schedule, own = r.QuarterlySchedule, r.QuarterlyRecipients
	case "semiannual":
		schedule, own = r.SemiannualSchedule, r.SemiannualRecipients
	case "annual":
		schedule, own = r.AnnualSchedule, r.AnnualRecipients
	default:
		return "", nil
	}
	for _, a := range slices.Concat(r.Recipients, own) {
		if !slices.ContainsFunc(recipients, func(b string) bool { return fold.Address(a) == fold.Address(b) }) {
			recipients = append(recipients, a)
		}
	}
	return schedule, recipients
}

// Operator is one [[operators]] entry: a member of staff who acts by mail.
type Operator struct {
	Email  string `toml:"email"`
	Name   string `toml:"name"`
	Role   Role   `toml:"role"`
	Agency string `toml:"agency"`
	// Line is the line of the configuration file that writes the
	// operator's agency, else its [[operators]] header; 0 when not read
	// from a file.
	Line int `toml:"-"`
}

// Role is an operator's role (SPEC 7.2).
type Role string

// The roles of SPEC 7.2.
const (
	RoleReceiver Role = "receiver"
	RoleApprover Role = "approver"
	RoleHandler  Role = "handler"
	RoleLeader   Role = "leader"
	RoleAdmin    Role = "admin"
)

var roles = []Role{RoleReceiver, RoleApprover, RoleHandler, RoleLeader, RoleAdmin}

// TLSMode says how a connection is secured.
type TLSMode string

// The TLS modes of SPEC 12.2.
const (
	TLSNone     TLSMode = "none"
	TLSStartTLS TLSMode = "starttls"
	TLSImplicit TLSMode = "tls"
)

// Duration is a time.Duration written as a Go duration string ("30s").
type Duration struct{ time.Duration }

// UnmarshalText implements encoding.TextUnmarshaler.
func (d *Duration) UnmarshalText(b []byte) error {
	v, err := time.ParseDuration(string(b))
	if err != nil {
		return fmt.Errorf("not a duration like \"30s\" or \"2m\": %q", b)
	}
	d.Duration = v
	return nil
}

// MarshalText implements encoding.TextMarshaler.
func (d Duration) MarshalText() ([]byte, error) { return []byte(d.String()), nil }

// Load reads, completes and validates the configuration in path.
func Load(path string) (*Config, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	cfg := Default(filepath.Dir(abs))
	cfg.Path = abs
	src, err := os.ReadFile(abs)
	if err != nil {
		return nil, fmt.Errorf("config %s: %w", path, err)
	}
	lines := keyLines(src)
	cfg.lines = lines
	md, err := toml.Decode(string(src), cfg)
	if err != nil {
		return nil, decodeError(abs, lines, err)
	}
	if undecoded := md.Undecoded(); len(undecoded) > 0 {
		return nil, unknownKeys(abs, lines, undecoded)
	}
	cfg.resolvePaths()
	for i := range cfg.Operators {
		cfg.Operators[i].Line = lines.lineOf(fmt.Sprintf("operators[%d].agency", i))
	}
	if err := cfg.Validate(); err != nil {
		return nil, withLine(abs, lines, err)
	}
	cfg.setAsideUnfilled()
	return cfg, nil
}

// setAsideUnfilled moves the [[operators]] tables whose email is empty from
// Operators to Unfilled: a table pasted from `phananh operators` and not
// yet filled in makes nobody an operator, and stops nothing from starting.
func (c *Config) setAsideUnfilled() {
	var ops []Operator
	for i, op := range c.Operators {
		if op.Email != "" {
			ops = append(ops, op)
			continue
		}
		op.Line = c.lines.lineOf(fmt.Sprintf("operators[%d].email", i))
		c.Unfilled = append(c.Unfilled, op)
	}
	c.Operators = ops
}

// UnfilledWarning says where an [[operators]] table of Unfilled is and
// what it lacks.
func (c *Config) UnfilledWarning(op Operator) string {
	who := string(op.Role)
	if op.Agency != "" {
		who += " of " + op.Agency
	}
	return fmt.Sprintf("%s:%d: an [[operators]] table (%s) with an empty email: not yet an operator; "+
		"write the person's address there, or delete the table", c.Path, op.Line, who)
}

// decodeError names the file and, for syntax and type errors, the line and
// the key written there.
func decodeError(path string, lines keyLineMap, err error) error {
	var perr toml.ParseError
	if errors.As(err, &perr) {
		if perr.LastKey != "" && lines[perr.LastKey] == perr.Position.Line {
			return fmt.Errorf("%s:%d: %s: %s", path, perr.Position.Line, perr.LastKey, perr.Message)
		}
		return fmt.Errorf("%s:%d: %s", path, perr.Position.Line, perr.Message)
	}
	return withLine(path, lines, err)
}

// Default returns the configuration used for every key a file leaves out,
// with relative paths resolved against dir.
func Default(dir string) *Config {
	cfg := &Config{
		IMAP: IMAP{
			Port: 993, TLS: TLSImplicit, Mailbox: "INBOX",
			ProcessedMailbox: "Processed", QuarantineMailbox: "Quarantine",
			PollInterval: Duration{time.Minute},
		},
		SMTP: SMTP{
			Port: 587, TLS: TLSStartTLS,
			From:    "phananh@haugiang.gov.vn",
			Timeout: Duration{30 * time.Second}, RetryMax: Duration{time.Hour},
		},
		Store:    Store{Path: "phananh.db", DataDir: "data", KeysPath: "keys/data-keys.db"},
		Calendar: calendar.Default(),
		Security: Security{
			TokenKeyFile:                 "keys/token.key",
			EncryptionKeyFile:            "keys/encryption.key",
			TrustedAuthservID:            "mail.haugiang.gov.vn",
			RequireAuthenticationResults: true,
			TokenTTL:                     Duration{30 * 24 * time.Hour},
			AnswersPerHour:               30,
		},
		HTTP:    HTTP{Listen: "127.0.0.1:8080"},
		Intake:  defaultIntake(),
		Process: Process{CallAttempts: lifecycle.DefaultCallAttempts},
		Reports: defaultReports(),
		Privacy: Privacy{Retention: DefaultRetention},
		Dir:     dir,
	}
	cfg.resolvePaths()
	return cfg
}

func defaultIntake() Intake {
	return Intake{
		MaxMessageBytes:     200 << 20,
		MaxHeaderBytes:      1 << 20,
		MaxHeaderFields:     2000,
		MaxDepth:            20,
		MaxParts:            1000,
		MaxLineBytes:        1 << 20,
		MaxAttachmentBytes:  100 << 20,
		MaxAttachmentsBytes: 150 << 20,
		MaxAttachments:      50,
		SpamMarks:           []string{"X-Spam-Flag: YES", "X-Spam: Yes"},
		AutoRepliesPerHour:  5,
		FollowUpsPerSender:  5,
		FollowUpsPerReport:  10,
		FollowUpsPerHour:    60,
		DuplicateWindow:     Duration{24 * time.Hour},
	}
}

// resolvePaths makes every relative path absolute against c.Dir.
func (c *Config) resolvePaths() {
	for _, p := range []*string{
		&c.IMAP.PasswordFile, &c.IMAP.CAFile, &c.SMTP.PasswordFile, &c.SMTP.CAFile,
		&c.Store.Path, &c.Store.DataDir, &c.Store.KeysPath, &c.Rules.File,
		&c.Security.TokenKeyFile, &c.Security.PreviousTokenKeyFile, &c.Security.EncryptionKeyFile,
		&c.Templates.Dir,
	} {
		if *p != "" && !filepath.IsAbs(*p) {
			*p = filepath.Join(c.Dir, *p)
		}
	}
}

// Validate checks every key and names the first one that is wrong.
func (c *Config) Validate() error {
	checks := []func() error{
		c.IMAP.validate, c.SMTP.validate, c.Store.validate, c.Security.validate,
		c.HTTP.validate, c.Intake.validate, c.Process.validate, c.Reports.validate, c.Rules.validate, c.Center.validate, c.Privacy.validate,
		c.validateOperators,
	}
	for _, check := range checks {
		if err := check(); err != nil {
			return err
		}
	}
	return nil
}

// inbox returns a mailbox's name, INBOX in capitals in whatever case it
// was written.
func inbox(name string) string {
	if strings.EqualFold(name, "INBOX") {
		return "INBOX"
	}
	return name
}

func (m IMAP) validate() error {
	if err := validateEndpoint("imap", m.Host, m.Port, m.TLS); err != nil {
		return err
	}
	for key, v := range map[string]string{"mailbox": m.Mailbox, "processed_mailbox": m.ProcessedMailbox, "quarantine_mailbox": m.QuarantineMailbox} {
		if strings.TrimSpace(v) == "" {
			return fmt.Errorf("imap.%s: must not be empty", key)
		}
	}
	// INBOX is INBOX in any case (RFC 3501 5.1): a message moved to
	// "Inbox" would come back to be processed again, and again.
	mailbox, processed, quarantine := inbox(m.Mailbox), inbox(m.ProcessedMailbox), inbox(m.QuarantineMailbox)
	if processed == mailbox || quarantine == mailbox || processed == quarantine {
		return errors.New("imap.mailbox, imap.processed_mailbox and imap.quarantine_mailbox must be three different mailboxes")
	}
	if m.PollInterval.Duration < time.Second {
		return fmt.Errorf("imap.poll_interval: %s is too short (at least 1s)", m.PollInterval)
	}
	return nil
}

func (s SMTP) validate() error {
	if err := validateEndpoint("smtp", s.Host, s.Port, s.TLS); err != nil {
		return err
	}
	if err := validateAddress("smtp.from", s.From); err != nil {
		return err
	}
	if strings.Contains(s.From, "+") {
		return fmt.Errorf("smtp.from: %q must not hold a '+': reply addresses add one", s.From)
	}
	if s.Timeout.Duration <= 0 {
		return errors.New("smtp.timeout: must be positive")
	}
	if s.RetryMax.Duration < time.Second {
		return errors.New("smtp.retry_max: must be at least 1s")
	}
	return nil
}

// validateEndpoint checks a server's port and TLS mode. The host may be
// empty (commands that do not talk to the server need none); tls = "none"
// is accepted only for loopback hosts (SPEC 10.2).
func validateEndpoint(table, host string, port int, mode TLSMode) error {
	if port < 1 || port > 65535 {
		return fmt.Errorf("%s.port: %d is not a port (1-65535)", table, port)
	}
	switch mode {
	case TLSNone:
		if host != "" && !isLoopback(host) {
			return fmt.Errorf("%s.tls: \"none\" is accepted only for a loopback host, not %q", table, host)
		}
	case TLSStartTLS, TLSImplicit:
	default:
		return fmt.Errorf("%s.tls: %q is not one of \"none\", \"starttls\", \"tls\"", table, mode)
	}
	return nil
}

func (s Store) validate() error {
	if s.Path == "" {
		return errors.New("store.path: must not be empty")
	}
	if s.DataDir == "" {
		return errors.New("store.data_dir: must not be empty")
	}
	if s.KeysPath == "" {
		return errors.New("store.keys_path: must not be empty")
	}
	if s.KeysPath == s.Path || isWithin(s.DataDir, s.KeysPath) {
		return fmt.Errorf("store.keys_path: %s must be apart from the database and the data folder, which backups copy", s.KeysPath)
	}
	return nil
}

func (s Security) validate() error {
	if s.TokenKeyFile == "" {
		return errors.New("security.token_key_file: must not be empty")
	}
	if s.EncryptionKeyFile == "" {
		return errors.New("security.encryption_key_file: must not be empty")
	}
	if s.RequireAuthenticationResults && strings.TrimSpace(s.TrustedAuthservID) == "" {
		return errors.New("security.trusted_authserv_id: must be set when require_authentication_results is on")
	}
	if s.TokenTTL.Duration < time.Hour {
		return fmt.Errorf("security.token_ttl: %s is too short (at least 1h)", s.TokenTTL)
	}
	if s.AnswersPerHour <= 0 {
		return fmt.Errorf("security.answers_per_hour: must be positive, not %d", s.AnswersPerHour)
	}
	return nil
}

func (h HTTP) validate() error {
	if h.PublicURL != "" {
		u, err := url.Parse(h.PublicURL)
		if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" {
			return fmt.Errorf("http.public_url: %q is no http or https address without query (https://phananh.haugiang.gov.vn)", h.PublicURL)
		}
	}
	if h.Listen == "" {
		return nil
	}
	if _, _, err := splitHostPort(h.Listen); err != nil {
		return fmt.Errorf("http.listen: %w", err)
	}
	return nil
}

func (in Intake) validate() error {
	for key, v := range map[string]int64{
		"max_message_bytes": in.MaxMessageBytes, "max_header_bytes": in.MaxHeaderBytes,
		"max_header_fields": int64(in.MaxHeaderFields), "max_depth": int64(in.MaxDepth),
		"max_parts": int64(in.MaxParts), "max_line_bytes": int64(in.MaxLineBytes),
		"max_attachment_bytes": in.MaxAttachmentBytes, "max_attachments_bytes": in.MaxAttachmentsBytes,
		"max_attachments": int64(in.MaxAttachments), "auto_replies_per_hour": int64(in.AutoRepliesPerHour),
		"follow_ups_per_sender_per_hour": int64(in.FollowUpsPerSender), "follow_ups_per_report_per_hour": int64(in.FollowUpsPerReport),
		"follow_ups_per_hour": int64(in.FollowUpsPerHour),
	} {
		if v <= 0 {
			return fmt.Errorf("intake.%s: must be positive, not %d", key, v)
		}
	}
	for i, a := range in.ForwardingAddresses {
		if err := validateAddress(fmt.Sprintf("intake.forwarding_addresses[%d]", i), a); err != nil {
			return err
		}
	}
	for i, t := range in.AllowedTypes {
		if !strings.Contains(t, "/") {
			return fmt.Errorf("intake.allowed_types[%d]: %q is not a media type like \"image/*\" or \"application/pdf\"", i, t)
		}
	}
	if in.DuplicateWindow.Duration < 0 {
		return errors.New("intake.duplicate_window: must not be negative")
	}
	for i, m := range in.SpamMarks {
		if _, _, err := SpamMark(m); err != nil {
			return fmt.Errorf("intake.spam_marks[%d]: %w", i, err)
		}
	}
	return nil
}

// SpamMark splits a mark of intake.spam_marks, "X-Spam-Flag: YES", into
// its header name and value.
func SpamMark(mark string) (header, value string, err error) {
	header, value, ok := strings.Cut(mark, ":")
	header, value = strings.TrimSpace(header), strings.TrimSpace(value)
	if !ok || header == "" || value == "" || strings.IndexFunc(header, func(r rune) bool { return r <= ' ' || r > '~' }) >= 0 {
		return "", "", fmt.Errorf("%q is not a header and its value, like \"X-Spam-Flag: YES\"", mark)
	}
	return header, value, nil
}

func (p Process) validate() error {
	if p.CallAttempts < 1 || p.CallAttempts > 10 {
		return fmt.Errorf("process.call_attempts: %d is out of range (1-10)", p.CallAttempts)
	}
	if p.EscalationAddress != "" {
		return validateAddress("process.escalation_address", p.EscalationAddress)
	}
	return nil
}

func (r Reports) validate() error {
	if r.PeriodMode != PeriodDecree && r.PeriodMode != PeriodCalendar {
		return fmt.Errorf("reports.period_mode: %q is not %q or %q", r.PeriodMode, PeriodDecree, PeriodCalendar)
	}
	lists := []struct {
		key  string
		list []string
	}{
		{"recipients", r.Recipients}, {"daily_recipients", r.DailyRecipients}, {"monthly_recipients", r.MonthlyRecipients},
		{"quarterly_recipients", r.QuarterlyRecipients}, {"semiannual_recipients", r.SemiannualRecipients},
		{"annual_recipients", r.AnnualRecipients},
	}
	for _, l := range lists {
		for i, a := range l.list {
			if err := validateAddress(fmt.Sprintf("reports.%s[%d]", l.key, i), a); err != nil {
				return err
			}
		}
	}
	schedules := [][2]string{
		{"daily_schedule", r.DailySchedule}, {"monthly_schedule", r.MonthlySchedule}, {"quarterly_schedule", r.QuarterlySchedule},
		{"semiannual_schedule", r.SemiannualSchedule}, {"annual_schedule", r.AnnualSchedule},
	}
	for _, s := range schedules {
		if _, err := cron.ParseStandard(s[1]); s[1] != "" && err != nil {
			return fmt.Errorf("reports.%s: %q is not a schedule like \"30 7 15 * *\" (minute hour day month weekday): %w", s[0], s[1], err)
		}
	}
	return nil
}

func (c *Config) validateOperators() error {
	seen := map[string]bool{}
	for i, op := range c.Operators {
		key := fmt.Sprintf("operators[%d]", i)
		if op.Email != "" { // empty: a table not yet filled in (Unfilled)
			if err := validateAddress(key+".email", op.Email); err != nil {
				return err
			}
			addr := fold.Address(op.Email)
			if seen[addr+"/"+string(op.Role)] {
				return fmt.Errorf("%s.email: %s is listed twice with role %s", key, op.Email, op.Role)
			}
			seen[addr+"/"+string(op.Role)] = true
		}
		if !slices.Contains(roles, op.Role) {
			return fmt.Errorf("%s.role: %q is not one of receiver, approver, handler, leader, admin", key, op.Role)
		}
		needsAgency := op.Role == RoleHandler || op.Role == RoleLeader
		if needsAgency && op.Agency == "" {
			return fmt.Errorf("%s.agency: a %s must name the agency (a code of the routing table)", key, op.Role)
		}
		if !needsAgency && op.Agency != "" {
			return fmt.Errorf("%s.agency: only handlers and leaders belong to an agency, not a %s", key, op.Role)
		}
	}
	return nil
}

func validateAddress(key, addr string) error {
	a, err := mail.ParseAddress(addr)
	if err != nil || a.Address != addr || a.Name != "" {
		return fmt.Errorf("%s: %q is not a plain email address", key, addr)
	}
	return nil
}

// isWithin reports whether path is inside dir.
func isWithin(dir, path string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// MailDomain is the domain of smtp.from, where reply addresses live.
func (c *Config) MailDomain() string {
	_, domain, _ := strings.Cut(c.SMTP.From, "@")
	return domain
}
