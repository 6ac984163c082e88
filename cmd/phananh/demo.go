package main

import (
	"bytes"
	"context"
	"embed"
	"encoding/base64"
	"fmt"
	"io"
	"io/fs"
	"iter"
	"log/slog"
	"mime"
	"net/mail"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"syscall"
	"text/tabwriter"
	"time"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/intake/imaptest"
	"haugiang.gov.vn/phananh/intake/mailbox"
	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/store"
)

// The demo's sample mail: realistic reports (UTF-8, windows-1258, English,
// a photo with its GPS position), an out-of-office reply, and a MIME bomb.
//
//go:embed demo/*.eml
var demoMail embed.FS

// The photo the power company sends with its result in the demo's walk: a
// JPEG with a GPS position, which the result notice sends without it.
//
//go:embed demo/walk/hien-truong.jpg
var demoPhoto []byte

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("demo", "demo [--out DIR] [--table appendix1|2025] [--keep]\n\nRuns the whole pipeline on this machine: an IMAP server and an SMTP sink in the process, on\nloopback, a database in a temporary folder, and sample reports; prints what became of each\nmessage and writes every mail the daemon sent into DIR as .eml files.", stderr)
	out := fs.String("out", "demo-mail", "the `folder` the mail sent is written to, in place of an earlier run's")
	keep := fs.Bool("keep", false, "keep the temporary folder (configuration, database, data)")
	table := fs.String("table", "appendix1", "the built-in routing `table`: appendix1 (before 2025) or 2025 (Cần Thơ city's communes and departments)")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "", 0); p != "" {
		return badUsage(fs, p)
	}
	if *table != "appendix1" && *table != "2025" {
		fmt.Fprintf(stderr, "phananh demo: --table %q: want appendix1 or 2025\n", *table)
		return exitUsage
	}
	// A closed standard output (`phananh demo | head`) fails a write rather
	// than killing the process with SIGPIPE: the demo then stops, and
	// removes its temporary folder, as at its end.
	sigpipe := make(chan os.Signal, 1)
	signal.Notify(sigpipe, syscall.SIGPIPE)
	defer signal.Stop(sigpipe)
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w := &stopWriter{w: stdout, stop: cancel}
	err := demo(ctx, *out, *table, *keep, w, stderr)
	switch {
	case w.err != nil:
		fmt.Fprintf(stderr, "phananh demo: stopped, its output closed: %v\n", w.err)
		return exitFailed
	case err != nil:
		fmt.Fprintf(stderr, "phananh demo: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// stopWriter writes to w until a write fails — the reader is gone — then
// stops (the demo's context) and fails every later write with that error.
// The demo writes its output from one goroutine.
type stopWriter struct {
	w    io.Writer
	stop context.CancelFunc
	err  error
}

func (s *stopWriter) Write(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.w.Write(p)
	if err != nil {
		s.err = err
		s.stop()
	}
	return n, err
}

func demo(ctx context.Context, out, table string, keep bool, stdout, stderr io.Writer) error {
	dir, err := os.MkdirTemp("", "phananh-demo-")
	if err != nil {
		return err
	}
	if keep {
		fmt.Fprintf(stdout, "Temporary folder (kept): %s\n", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	removed, err := clearEarlierRun(out)
	if err != nil {
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
	config, err := writeDemoConfig(dir, table, imapSrv, sink)
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

	kept := "(removed at the end: --keep keeps it)"
	if keep {
		kept = "(kept)"
	}
	fmt.Fprintf(stdout, "IMAP server on %s, SMTP sink on %s, database in %s %s\n", imapSrv.Addr(), sink.Addr(), dir, kept)
	fmt.Fprintf(stdout, "Routing table: %s (--table appendix1 or 2025)\n", table)
	if removed > 0 {
		noun := "mails"
		if removed == 1 {
			noun = "mail"
		}
		fmt.Fprintf(stdout, "%d %s of an earlier run removed from %s\n", removed, noun, out)
	}
	fmt.Fprintln(stdout)
	names, err := deliverSamples(imapSrv)
	if err != nil {
		return err
	}
	if err := waitForDemo(ctx, d, rec, len(names)); err != nil {
		return err
	}
	w := &demoWalk{d: d, imap: imapSrv, sink: sink, rec: rec, processed: len(names)}
	code := rec.codeOf(names, demoWalkSample)
	if err := w.run(ctx, code); err != nil {
		return fmt.Errorf("the lifecycle walk: %w", err)
	}
	if err := printDemo(ctx, stdout, d, rec, names, sink, out); err != nil {
		return err
	}
	if err := printWalk(ctx, stdout, d, code); err != nil {
		return err
	}
	if keep {
		printKept(stdout, config, code)
	}
	return nil
}

// printKept says how the commands that read reports run on the folder
// --keep kept, once the demo's servers are gone.
func printKept(w io.Writer, config, code string) {
	fmt.Fprintf(w, "\nKept: %s. Its phananh.toml serves the commands that read the reports (show, report,\n"+
		"stats, export; the servers are gone). From the source, put go run ./cmd/phananh for phananh:\n"+
		"  phananh show --config %s %s\n", filepath.Dir(config), config, code)
}

// clearEarlierRun creates out, or removes from it the mail an earlier run
// wrote (the sink's "NNNN-….eml" files), so that it holds this run's mail
// alone; it returns how many files it removed.
func clearEarlierRun(out string) (int, error) {
	if err := os.MkdirAll(out, 0o755); err != nil {
		return 0, err
	}
	earlier, err := filepath.Glob(filepath.Join(out, "[0-9][0-9][0-9][0-9]-*.eml"))
	if err != nil {
		return 0, err
	}
	for _, f := range earlier {
		if err := os.Remove(f); err != nil {
			return 0, err
		}
	}
	return len(earlier), nil
}

func writeDemoConfig(dir, table string, imapSrv *imaptest.Server, sink *smtptest.Server) (string, error) {
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

[rules]
table = %q

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
`, host, port, smtpHost, smtpPort, table)
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

func (r *recorder) ProcessAll(ctx context.Context, srcs iter.Seq[intake.Source], turn func(context.Context) error) []intake.Result {
	rs := r.Processor.ProcessAll(ctx, srcs, turn)
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, res := range rs {
		if res.Err == nil {
			r.outcomes[res.UID] = res.Outcome
		}
	}
	return rs
}

// codeOf returns the report code of the sample file name.
func (r *recorder) codeOf(names map[uint32]string, name string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for uid, n := range names {
		if n == name {
			return r.outcomes[uid].Code
		}
	}
	return ""
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
		fmt.Fprintf(w, "  to %-34s %s\n", strings.Join(m.To, ", "), headlineOf(m.Data))
	}
	return nil
}

// demoWalkSample is the sample report the demo walks through its whole
// life (SPEC 11): triage, forwarding, result with a photo, approval, rating.
const demoWalkSample = "01-mat-dien.eml"

// The demo's operators and the sample's citizen, as writeDemoConfig and
// the sample have them.
const (
	demoReceiver = "tiepnhan@ttgsdh.example.gov.vn"
	demoApprover = "lanhdao@ttgsdh.example.gov.vn"
	demoHandler  = "xuly@dienluc.example.gov.vn"
	demoCitizen  = "an.nguyen@example.com"
)

// demoWalk answers the daemon's mail the way staff and the citizen would:
// each reply goes to the Reply-To address of the mail it answers, in its
// thread, and is delivered to the mailbox like any mail.
type demoWalk struct {
	d         *daemon
	imap      *imaptest.Server
	sink      *smtptest.Server
	rec       *recorder
	processed int
}

func (w *demoWalk) run(ctx context.Context, code string) error {
	if code == "" {
		return fmt.Errorf("%s made no report", demoWalkSample)
	}
	steps := []struct {
		kind, to, from string
		text           string
		photo          bool
	}{
		{"triage", demoReceiver, demoReceiver, "/tiepnhan\n", false},
		{"assignment", demoHandler, demoHandler, "Kính gửi Trung tâm,\n/ketqua Đã thay dây dẫn bị đứt tại ấp 3, cấp điện trở lại lúc 11:20.\n", true},
		{"review", demoApprover, demoApprover, "/duyet\n", false},
		{"result", demoCitizen, demoCitizen, "Rất hài lòng\n\nCảm ơn ngành điện đã xử lý nhanh.\n", false},
	}
	for i, st := range steps {
		m, err := w.find(code, st.kind, st.to)
		if err != nil {
			return err
		}
		raw := demoReply(st.from, m, st.text, st.photo, i)
		if _, err := w.imap.Deliver("INBOX", raw, time.Time{}); err != nil {
			return err
		}
		w.processed++
		if err := waitForDemo(ctx, w.d, w.rec, w.processed); err != nil {
			return err
		}
	}
	return nil
}

// find returns the mail of a kind about the report that the sink took for
// an address; our Message-IDs name the report and the kind.
func (w *demoWalk) find(code, kind, to string) (*mail.Message, error) {
	for _, r := range w.sink.Messages() {
		if strings.HasPrefix(r.MessageID, code+"."+kind+".") && len(r.To) == 1 && fold.Address(r.To[0]) == fold.Address(to) {
			return mail.ReadMessage(bytes.NewReader(r.Data))
		}
	}
	return nil, fmt.Errorf("no %s mail to %s about %s", kind, to, code)
}

// demoReply is a reply to m from an address, with the demo's photo
// attached when photo is set.
func demoReply(from string, m *mail.Message, text string, photo bool, n int) []byte {
	var b bytes.Buffer
	subject, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
	id := m.Header.Get("Message-ID")
	fmt.Fprintf(&b, "From: %s\r\nTo: %s\r\nSubject: %s\r\nMessage-ID: <demo-walk-%d@example.gov.vn>\r\nIn-Reply-To: %s\r\nReferences: %s\r\nMIME-Version: 1.0\r\n",
		from, m.Header.Get("Reply-To"), mime.QEncoding.Encode("utf-8", "Re: "+subject), n, id, id)
	plain := "Content-Type: text/plain; charset=UTF-8\r\nContent-Transfer-Encoding: 8bit\r\n\r\n" + strings.ReplaceAll(text, "\n", "\r\n")
	if !photo {
		b.WriteString(plain)
		return b.Bytes()
	}
	fmt.Fprintf(&b, "Content-Type: multipart/mixed; boundary=\"walk\"\r\n\r\n--walk\r\n%s\r\n--walk\r\n", plain)
	b.WriteString("Content-Type: image/jpeg; name=\"hien-truong.jpg\"\r\nContent-Disposition: attachment; filename=\"hien-truong.jpg\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n\r\n" + base64.StdEncoding.EncodeToString(demoPhoto) + "\r\n--walk--\r\n")
	return b.Bytes()
}
