package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// clientsDir holds citizens' reports in the MIME shapes of Gmail (web and
// Android), Outlook (desktop and Outlook.com), Apple Mail, iPhone,
// Thunderbird, Yahoo and Zimbra; its index.tsv gives, for each, the phone
// number to find and a sentence of the text.
const clientsDir = "../../intake/parse/testdata/clients"

// clientReport is a row of the index: path, category, phone, attachment
// types, sentence.
type clientReport struct{ file, phone, sentence string }

func clientReports(t *testing.T) []clientReport {
	data, err := os.ReadFile(filepath.Join(clientsDir, "index.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []clientReport
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("index.tsv: %q", line)
		}
		out = append(out, clientReport{file: cols[0], phone: cols[2], sentence: cols[4]})
	}
	return out
}

// markup is what a receiver must never read in a notice: tags, entities,
// quoted-printable and soft line breaks.
var markup = regexp.MustCompile(`</?[a-zA-Z][^>]*>|&[a-zA-Z]+;|&#\d+;|=[0-9A-F]{2}|=\n`)

// TestE2EClientReports delivers the citizens' reports of every mail client
// to the mailbox and reads the triage notices that come out of the SMTP
// server: each shows the citizen's text exactly once, without markup, and
// the phone number found in the text or the signature.
func TestE2EClientReports(t *testing.T) {
	reports := clientReports(t)
	e := newEnv(t, envOptions{})
	e.startDaemon()
	for _, r := range reports {
		raw, err := os.ReadFile(filepath.Join(clientsDir, r.file))
		if err != nil {
			t.Fatal(err)
		}
		e.deliver(receivedAt, string(raw))
	}
	// The triage notices, by their kind: the receiver may get other mail;
	// the citizen's lines read without the mark before them.
	triage := func() []string {
		var out []string
		for _, m := range e.mailsOf("triage", e2eReceiver) {
			out = append(out, unmarked(strings.ReplaceAll(m.text(), "\r\n", "\n")))
		}
		return out
	}
	holding := func(notices []string, sentence string) []string {
		var found []string
		for _, n := range notices {
			if strings.Contains(strings.Join(strings.Fields(n), " "), sentence) {
				found = append(found, n)
			}
		}
		return found
	}
	eventually(t, 60*time.Second, "a triage notice for each report", func() bool {
		notices := triage()
		for _, r := range reports {
			if len(holding(notices, r.sentence)) == 0 {
				return false
			}
		}
		return true
	})
	notices := triage()
	for _, r := range reports {
		found := holding(notices, r.sentence)
		if len(found) != 1 {
			t.Errorf("%s: %d triage notices hold its text, want 1", r.file, len(found))
			continue
		}
		n := found[0]
		if c := strings.Count(strings.Join(strings.Fields(n), " "), r.sentence); c != 1 {
			t.Errorf("%s: the text appears %d times in the triage notice:\n%s", r.file, c, n)
		}
		if loc := markup.FindStringIndex(n); loc != nil {
			t.Errorf("%s: markup %q in the triage notice:\n%s", r.file, n[loc[0]:loc[1]], n)
		}
		if !strings.Contains(n, "Số điện thoại: "+r.phone+"\n") {
			t.Errorf("%s: the triage notice lacks the phone number %s:\n%s", r.file, r.phone, n)
		}
	}
}
