package parse

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/form"
)

// clientReport is a row of testdata/clients/index.tsv: a citizen's report
// in the MIME shape of one mail client (SOURCES.md there says where each
// shape comes from), with a sentence of its text, the phone number the
// form must find, and the sniffed types of its attachments.
type clientReport struct {
	file, phone, sentence string
	attachments           []string
}

// clientReports reads testdata/clients/index.tsv.
func clientReports(t *testing.T) []clientReport {
	data, err := os.ReadFile(filepath.Join("testdata", "clients", "index.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	var out []clientReport
	for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n")[1:] {
		cols := strings.Split(line, "\t")
		if len(cols) != 5 {
			t.Fatalf("index.tsv: %q has %d columns, want 5", line, len(cols))
		}
		out = append(out, clientReport{file: cols[0], phone: cols[2], attachments: strings.Fields(cols[3]), sentence: cols[4]})
	}
	return out
}

// markup finds what must never reach a reader: tags, entities, and
// quoted-printable or flowed leftovers.
var markup = regexp.MustCompile(`</?[a-zA-Z][^>]*>|&[a-zA-Z]+;|&#\d+;|=[0-9A-F]{2}|=\r?$`)

// TestClientReports reads each client's report as the pipeline does: its
// text holds the citizen's words exactly once and no markup, the form
// finds the phone number (in the text or the signature), and the photos
// are stored with their type.
func TestClientReports(t *testing.T) {
	for _, c := range clientReports(t) {
		t.Run(c.file, func(t *testing.T) {
			data, err := os.ReadFile(filepath.Join("testdata", "clients", c.file))
			if err != nil {
				t.Fatal(err)
			}
			m := readString(t, string(data))
			text := strings.Join(strings.Fields(m.Text), " ")
			if n := strings.Count(text, c.sentence); n != 1 {
				t.Errorf("the sentence appears %d times in %q", n, m.Text)
			}
			for _, s := range []string{m.Text, m.NewText, m.Signature, m.Subject, m.From.Name} {
				if loc := markup.FindStringIndex(s); loc != nil {
					t.Errorf("markup %q in %q", s[loc[0]:loc[1]], s)
				}
			}
			if m.From.Addr == "" || m.FromProblem != "" || m.BlankBody {
				t.Errorf("from %+v (%s), blank %v", m.From, m.FromProblem, m.BlankBody)
			}
			body := m.NewText
			if strings.TrimSpace(body) == "" {
				body = m.Text
			}
			if got := form.Read(body).WithSignature(m.Signature).Phone; got != c.phone {
				t.Errorf("phone %q, want %s (new text %q, signature %q)", got, c.phone, m.NewText, m.Signature)
			}
			var types []string
			for _, a := range m.Attachments {
				if a.Key == "" {
					t.Errorf("attachment %q refused: %s", a.Name, a.Refused)
				}
				types = append(types, a.Type)
			}
			if strings.Join(types, " ") != strings.Join(c.attachments, " ") {
				t.Errorf("attachments %v, want %v", types, c.attachments)
			}
			t.Logf("new text %q, signature %q", m.NewText, m.Signature)
		})
	}
}
