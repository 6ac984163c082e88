package main

import (
	"context"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"text/tabwriter"
	"time"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/imaptest"
	"haugiang.gov.vn/phananh/intake/mailbox"
	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/store"
)

// The demo's sample mail: realistic reports (UTF-8, windows-1258, English,
// a photo with its GPS position), an out-of-office reply, and a MIME bomb.
//
//go:embed demo/*.eml
var demoMail embed.FS

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("demo", "demo [--out DIR]\n\nRuns the whole pipeline on this machine: an IMAP server and an SMTP sink in the process, on\nloopback, a database in a temporary folder, and sample reports; prints what became of each\nmessage and writes every mail the daemon sent into DIR as .eml files.", stderr)
	out := fs.String("out", "demo-mail", "the `folder` the mail sent is written to")
	keep := fs.Bool("keep", false, "keep the temporary folder (configuration, database, data)")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	if err := demo(ctx, *out, *keep, stdout, stderr); err != nil {
		fmt.Fprintf(stderr, "phananh demo: %v\n", err)
		return exitFailed
	}
	return exitOK
}

func demo(ctx context.Context, out string, keep bool, stdout, stderr io.Writer) error {
	dir, err := os.MkdirTemp("", "phananh-demo-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintf(stdout, "Temporary folder (kept): %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	if err := os.MkdirAll(out, 0o755); err != nil {
		return err
	}
	imapSrv, err := imaptest.NewServer(imaptest.Options{Username: "phananh", Password: "demo"})
	if err != nil {
		return err
	}
	defer imapSrv.Close()
	sink, err := smtptest.NewServer(smtptest.Options{Dir: out})
	if err != nil {
		return err
	}
	defer sink.Close()
	config, err := writeDemoConfig(dir, imapSrv, sink)
	if err != nil {
		return err
	}
	log := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: slog.LevelError}))
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	d, err := newDaemon(ctx, config, log)
	if err != nil {
		return err
	}
	defer d.Close()
	rec := &recorder{Processor: d.watcher.Processor, outcomes: map[uint32]intake.Outcome{}}
	d.watcher.Processor = rec
	var wg sync.WaitGroup
	wg.Go(func() { d.Run(ctx) })
	defer wg.Wait()
	defer cancel()

	fmt.Fprintf(stdout, "IMAP server on %s, SMTP sink on %s, database in %s\n\n", imapSrv.Addr(), sink.Addr(), dir)
	names, err := deliverSamples(imapSrv)
	if err != nil {
		return err
	}
	if err := waitForDemo(ctx, d, rec, len(names)); err != nil {
		return err
	}
	return printDemo(ctx, stdout, d, rec, names, sink, out)
}

func writeDemoConfig(dir string, imapSrv *imaptest.Server, sink *smtptest.Server) (string, error) {
	if err := os.WriteFile(filepath.Join(dir, "imap.password"), []byte("demo"), 0o600); err != nil {
		return "", err
	}
	host, port := splitHostPort(imapSrv.Addr())
	smtpHost, smtpPort := splitHostPort(sink.Addr())
	body := fmt.Sprintf(`# The demo's configuration: servers on loopback, everything else default.
[imap]
host = %q
port = %s
tls = "none"
username = "phananh"
password_file = "imap.password"
poll_interval = "1s"

[smtp]
host = %q
port = %s
tls = "none"

[security]
# The demo's mail does not pass through a border server that checks DKIM.
require_authentication_results = false

[http]
listen = ""

[[operators]]
email = "tiepnhan@ttgsdh.example.gov.vn"
name = "Tổ tiếp nhận, Trung tâm Giám sát, điều hành"
role = "receiver"

[[operators]]
email = "lanhdao@ttgsdh.example.gov.vn"
name = "Lãnh đạo Trung tâm"
role = "approver"

[[operators]]
email = "xuly@dienluc.example.gov.vn"
name = "Điện lực Hậu Giang"
role = "handler"
agency = "dien-luc"
`, host, port, smtpHost, smtpPort)
	path := filepath.Join(dir, "phananh.toml")
	return path, os.WriteFile(path, []byte(body), 0o600)
}

func splitHostPort(addr string) (string, string) {
	i := strings.LastIndex(addr, ":")
	return addr[:i], addr[i+1:]
}

// deliverSamples puts the sample mail in the INBOX, as the mail server
// would, and returns the file name of each UID.
func deliverSamples(srv *imaptest.Server) (map[uint32]string, error) {
	files, err := fs.Glob(demoMail, "demo/*.eml")
	if err != nil {
		return nil, err
	}
	names := map[uint32]string{}
	for _, f := range files {
		raw, err := demoMail.ReadFile(f)
		if err != nil {
			return nil, err
		}
		uid, err := srv.Deliver("INBOX", raw, time.Time{})
		if err != nil {
			return nil, err
		}
		names[uint32(uid)] = filepath.Base(f)
	}
	return names, nil
}

// recorder keeps what each message became, for the demo's summary.
type recorder struct {
	mailbox.Processor
	mu       sync.Mutex
	outcomes map[uint32]intake.Outcome
}

func (r *recorder) Process(ctx context.Context, src intake.Source) (intake.Outcome, error) {
	out, err := r.Processor.Process(ctx, src)
	if err == nil {
		r.mu.Lock()
		r.outcomes[src.UID] = out
		r.mu.Unlock()
	}
	return out, err
}

func (r *recorder) count() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.outcomes)
}

// waitForDemo waits until every sample was processed and the outbox is
// empty.
func waitForDemo(ctx context.Context, d *daemon, rec *recorder, n int) error {
	deadline := time.Now().Add(time.Minute)
	for time.Now().Before(deadline) {
		if rec.count() == n {
			var next time.Time
			err := d.db.Read(ctx, func(tx *store.Tx) error {
				var err error
				next, err = tx.NextMailAt()
				return err
			})
			if err != nil {
				return err
			}
			if next.IsZero() {
				return nil
			}
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	return fmt.Errorf("the daemon did not finish in a minute (%d of %d messages processed)", rec.count(), n)
}

func printDemo(ctx context.Context, w io.Writer, d *daemon, rec *recorder, names map[uint32]string, sink *smtptest.Server, out string) error {
	uids := make([]uint32, 0, len(names))
	for uid := range names {
		uids = append(uids, uid)
	}
	sort.Slice(uids, func(i, j int) bool { return uids[i] < uids[j] })
	fmt.Fprintln(w, "What became of each message:")
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	table := d.routing.Load()
	for _, uid := range uids {
		o := rec.outcomes[uid]
		fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", names[uid], o.Kind, o.Code, describe(ctx, d, table, o))
	}
	tw.Flush()
	msgs := sink.Messages()
	fmt.Fprintf(w, "\nMail sent (%d), written to %s:\n", len(msgs), out)
	for _, m := range msgs {
		fmt.Fprintf(w, "  to %-34s %s\n", strings.Join(m.To, ", "), subjectOf(m.Data))
	}
	return nil
}
