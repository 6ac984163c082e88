package parse

import (
	"bufio"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// sharedCorpus is the full real-world corpus, present on development
// machines; the repository carries a copy without its GPL folder.
const sharedCorpus = "/work/shared/corpus/real"

// corpusFile is one row of index.tsv.
type corpusFile struct {
	path, category, note string
}

// corpus returns the corpus folder to read and its index: the shared one
// when present, else testdata/corpus.
func corpus(t testing.TB) (string, []corpusFile) {
	dir := filepath.Join("testdata", "corpus")
	if _, err := os.Stat(filepath.Join(sharedCorpus, "index.tsv")); err == nil {
		dir = sharedCorpus
	}
	f, err := os.Open(filepath.Join(dir, "index.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var files []corpusFile
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.SplitN(sc.Text(), "\t", 3)
		if len(cols) < 2 || cols[0] == "path" {
			continue
		}
		cf := corpusFile{path: cols[0], category: cols[1]}
		if len(cols) == 3 {
			cf.note = cols[2]
		}
		files = append(files, cf)
	}
	return dir, files
}

// textless are corpus files with a text-like label and no readable text,
// checked by hand.
var textless = map[string]string{
	"enmime/mail/header-only.raw":                                             "a multipart header and no body",
	"nodemailer-mailparser/htmllargecallstack.eml":                            "an unclosed <title> swallows the whole HTML",
	"flanker/signed.eml":                                                      "the signed content is declared application/plain",
	"james-mime4j/mimetools-testmsgs/russian.msg":                             "the only part is a text file attachment",
	"php-mime-mail-parser/issue149":                                           "both alternatives are empty",
	"mikel-mail/attachment_emails/attachment_message_rfc822_inline_image.eml": "HTML with an image only; the enclosed message is cut before its parts",
	"rt/gnupg/emails/20-signed-encrypted-MIME-plain.txt":                      "PGP-encrypted body",
	"rt/gnupg/emails/7-encrypted-MIME-plain.txt":                              "PGP-encrypted body",
}

// readsAsText reports the categories whose files have a readable text part.
func readsAsText(category string) bool {
	switch {
	case strings.HasPrefix(category, "charset:"):
		return true
	}
	switch category {
	case "plain", "multipart", "reply-with-quote", "forwarded", "autoreply", "signed":
		return true
	}
	return false
}

// TestCorpus reads every message of the real-world corpus: none may panic,
// hang or fail other than on a limit; messages with a text part have text;
// bounces are recognisable. Labels of index.tsv that look wrong are logged.
func TestCorpus(t *testing.T) {
	dir, files := corpus(t)
	var read, limited, failed, withText, dsns, stored, refused int
	for _, cf := range files {
		data, err := os.ReadFile(filepath.Join(dir, cf.path))
		if err != nil {
			t.Errorf("%s: %v", cf.path, err)
			continue
		}
		m, err := readWithTimeout(t, data, 10*time.Second)
		read++
		switch {
		case errors.Is(err, errTimeout):
			t.Errorf("%s: no result after 10 s", cf.path)
			continue
		case errors.Is(err, ErrLimit):
			limited++
			t.Logf("%s: %v", cf.path, err)
			continue
		case err != nil:
			failed++
			t.Errorf("%s: %v", cf.path, err)
			continue
		}
		text := m.Text
		for fw := m.Forwarded; text == "" && fw != nil; fw = fw.Forwarded {
			text = fw.Text
		}
		if text != "" {
			withText++
		}
		if readsAsText(cf.category) && strings.TrimSpace(text) == "" && textless[cf.path] == "" {
			t.Errorf("%s (%s): no text; notes %q", cf.path, cf.category, m.Notes)
		}
		if m.DSN != nil {
			dsns++
		}
		for _, a := range m.Attachments {
			if a.Refused == "" {
				stored++
			} else {
				refused++
			}
		}
		if cf.category == "bounce" && !recognisableBounce(m) {
			t.Errorf("%s: labelled bounce, not recognisable as one (subject %q)", cf.path, m.Subject)
		}
		logLabel(t, cf, m)
	}
	t.Logf("corpus %s: read %d files: %d with text, %d delivery reports, %d over a limit, %d failed; attachments %d stored, %d refused",
		dir, read, withText, dsns, limited, failed, stored, refused)
	if read < 300 {
		t.Errorf("read only %d files", read)
	}
}

// recognisableBounce reports a delivery report or an automatic message
// from a mail system.
func recognisableBounce(m *Message) bool {
	local, _, _ := strings.Cut(strings.ToLower(m.From.Addr), "@")
	return m.DSN != nil || local == "mailer-daemon" || local == "postmaster" ||
		m.AutoSubmitted != "" && !strings.EqualFold(m.AutoSubmitted, "no") || m.ReturnPathPresent && m.ReturnPath == ""
}

// logLabel logs where index.tsv's category disagrees with what was read.
func logLabel(t *testing.T, cf corpusFile, m *Message) {
	switch {
	case cf.category == "bounce" && m.DSN == nil:
		t.Logf("label? %s: labelled bounce, no delivery report found", cf.path)
	case cf.category != "bounce" && m.DSN != nil && m.DSN.ReportingMTA != "":
		t.Logf("label? %s: labelled %s, holds a delivery status report", cf.path, cf.category)
	case cf.category == "attachment" && len(m.Attachments) == 0:
		t.Logf("label? %s: labelled attachment, none found", cf.path)
	case cf.category == "forwarded" && m.Forwarded == nil:
		t.Logf("label? %s: labelled forwarded, no enclosed or inline forwarded message found", cf.path)
	case cf.category == "plain" && len(m.Attachments) > 0:
		t.Logf("label? %s: labelled plain, has %d attachments", cf.path, len(m.Attachments))
	}
}

var errTimeout = errors.New("timeout")

// readWithTimeout parses data with a temporary folder as the sink.
func readWithTimeout(t *testing.T, data []byte, d time.Duration) (*Message, error) {
	type result struct {
		m   *Message
		err error
	}
	done := make(chan result, 1)
	sink := dirSink{dir: t.TempDir()}
	go func() {
		m, err := Read(strings.NewReader(string(data)), sink, Limits{})
		done <- result{m, err}
	}()
	select {
	case r := <-done:
		return r.m, r.err
	case <-time.After(d):
		return nil, errTimeout
	}
}

// TestCorpusCopy checks the repository's copy of the corpus: every row of
// its index has its file, byte for byte as git keeps it (.gitattributes).
func TestCorpusCopy(t *testing.T) {
	dir := filepath.Join("testdata", "corpus")
	attrs, err := os.ReadFile(filepath.Join(dir, ".gitattributes"))
	if err != nil || !strings.Contains(string(attrs), "-text") {
		t.Fatalf(".gitattributes: %q, %v", attrs, err)
	}
	data, err := os.ReadFile(filepath.Join(dir, "index.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		path, _, _ := strings.Cut(line, "\t")
		if strings.HasPrefix(path, "rt/") {
			t.Errorf("%s: the GPL folder is not to be copied", path)
		}
		if _, err := os.Stat(filepath.Join(dir, path)); err != nil {
			t.Error(err)
		}
		rows++
	}
	t.Logf("testdata/corpus: %d files", rows)
}
