package templates

import (
	"encoding/json"
	"errors"
	"flag"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/unicode/norm"
)

var update = flag.Bool("update", false, "rewrite the golden files")

// TestGolden renders every kind in every language with its sample data and
// compares subject and text with testdata/KIND.LANG.golden, and the HTML
// with testdata/KIND.LANG.html.golden.
func TestGolden(t *testing.T) {
	s, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	for name, k := range kinds {
		if _, ok := borrowed[name]; ok {
			continue // the lender's golden files show the same
		}
		for _, lang := range k.langs {
			data, _ := json.Marshal(sampleIn(k, lang))
			r, err := s.Render(name, lang, data)
			if err != nil {
				t.Fatal(err)
			}
			got := "Subject: " + r.Subject + "\n\n" + r.Text
			for _, part := range []string{r.Subject, r.Text, r.HTML} {
				if !norm.NFC.IsNormalString(part) {
					t.Errorf("%s.%s: output is not NFC", name, lang)
				}
			}
			if !strings.Contains(r.HTML, "<!DOCTYPE html>") {
				t.Errorf("%s.%s: HTML has no layout", name, lang)
			}
			base := filepath.Join("testdata", name+"."+lang)
			compareGolden(t, base+".golden", got)
			compareGolden(t, base+".html.golden", r.HTML)
		}
	}
}

func compareGolden(t *testing.T, golden, got string) {
	t.Helper()
	if *update {
		os.MkdirAll("testdata", 0o755)
		os.WriteFile(golden, []byte(got), 0o644)
		return
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatalf("%v (run go test -update)", err)
	}
	if got != string(want) {
		t.Errorf("output differs from %s:\n%s", golden, got)
	}
}

func TestEveryTemplateFileIsNFC(t *testing.T) {
	entries, _ := embedded.ReadDir(".")
	for _, e := range entries {
		b, _ := embedded.ReadFile(e.Name())
		if !norm.NFC.IsNormal(b) {
			t.Errorf("%s is not NFC", e.Name())
		}
	}
}

func TestOverride(t *testing.T) {
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "ack.vi.txt"), []byte(`{{define "subject"}}Khác{{end}}Mã {{.Code}}`), 0o644)
	s, err := load(dir)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Render("ack", "vi", json.RawMessage(`{"Code":"PA-2026-000001"}`))
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "Khác" || r.Text != "Mã PA-2026-000001\n" {
		t.Errorf("override not used: %q %q", r.Subject, r.Text)
	}
	// The English template was not overridden and still renders.
	if r, err := s.Render("ack", "en", json.RawMessage(`{"Code":"PA-2026-000001"}`)); err != nil || !strings.Contains(r.Text, "Reference number: PA-2026-000001") {
		t.Errorf("English: %v %q", err, r.Text)
	}
}

func TestBrokenOverrideFailsAtLoad(t *testing.T) {
	for name, body := range map[string]string{
		"ack.vi.txt":    `{{define "subject"}}x{{end}}{{.NoSuchField}}`,
		"triage.vi.txt": `no subject here`,
		"ack.en.html":   `{{define "body"}}{{.Code}`,
	} {
		dir := t.TempDir()
		os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644)
		if _, err := load(dir); err == nil {
			t.Errorf("override %s: Load succeeded", name)
		}
	}
}

// An overrides' folder that is not there, or is a file, fails the load
// naming it, rather than leaving the embedded templates in use unsaid.
func TestOverridesFolderNotThereFailsAtLoad(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "ack.vi.txt")
	os.WriteFile(file, []byte(`{{define "subject"}}Khác{{end}}Mã {{.Code}}`), 0o644)
	for _, c := range []struct{ dir, want string }{
		{filepath.Join(dir, "mau"), "templates: stat " + filepath.Join(dir, "mau") + ": no such file or directory"},
		{file, "templates: stat " + file + ": not a directory"},
	} {
		_, err := load(c.dir)
		var pathErr *fs.PathError
		if err == nil || err.Error() != c.want || !errors.As(err, &pathErr) || pathErr.Path != c.dir {
			t.Errorf("load(%s): %v, want %q", c.dir, err, c.want)
		}
	}
}

func TestRenderUnknownKindAndFallbackLanguage(t *testing.T) {
	s, _ := load("")
	if _, err := s.Render("nope", "vi", json.RawMessage(`{}`)); err == nil {
		t.Error("unknown kind rendered")
	}
	// Staff mail exists only in Vietnamese: asking for English gives Vietnamese.
	data, _ := json.Marshal(sampleQuarantine())
	r, err := s.Render("quarantine", "en", data)
	if err != nil || !strings.Contains(r.Text, "Lý do") {
		t.Errorf("fallback: %v %q", err, r.Text)
	}
}

// TestEnglishAsANativeWrites: English mail greets the citizen by name or as
// "Sir or Madam", lists what a report lacks as a sentence, and writes
// dates and counts as English does.
func TestEnglishAsANativeWrites(t *testing.T) {
	s, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	render := func(kind string, data any) string {
		b, _ := json.Marshal(data)
		r, err := s.Render(kind, English, b)
		if err != nil {
			t.Fatal(err)
		}
		return r.Text
	}
	res := sampleResult()
	if text := render("result", res); !strings.Contains(text, "Dear Nguyễn Văn An,\n") || strings.Contains(text, "(Nguyễn Văn An)") {
		t.Errorf("the result notice's greeting:\n%s", text)
	}
	res.Confidential = true
	if text := render("result", res); !strings.Contains(text, "Dear Sir or Madam,\n") || strings.Contains(text, "Nguyễn Văn An") {
		t.Errorf("a confidential report's greeting:\n%s", text)
	}
	ack := sampleAck()
	ack.Missing = []string{"phone", "address", "location"}
	text := render("ack", ack)
	for _, want := range []string{"does not include your phone number, your address or where the problem is.",
		"Received: 08:30 on 23 November 2026"} {
		if !strings.Contains(text, want) {
			t.Errorf("the acknowledgement lacks %q:\n%s", want, text)
		}
	}
	ext := sampleCitizenNotice()
	ext.Days = 1
	if text := render("extended", ext); !strings.Contains(text, "an extension of 1 working day.") {
		t.Errorf("one working day:\n%s", text)
	}
}

// TestKindTables: the kinds that answer their recipient's mail, and those
// written with another kind's files, are kinds of mail.
func TestKindTables(t *testing.T) {
	for name := range replies {
		if _, ok := kinds[name]; !ok {
			t.Errorf("replies names %q, no kind of mail", name)
		}
	}
	for name, lender := range borrowed {
		if _, ok := kinds[name]; !ok {
			t.Errorf("borrowed names %q, no kind of mail", name)
		}
		if _, ok := kinds[lender]; !ok {
			t.Errorf("%s borrows the files of %q, no kind of mail", name, lender)
		}
	}
	if AutoSubmitted("ack") != "auto-replied" || AutoSubmitted("result") != "auto-generated" {
		t.Errorf("ack %s, result %s", AutoSubmitted("ack"), AutoSubmitted("result"))
	}
}

// TestVietnameseMailSaysWhatItMeans: staff read the day counts they are
// asked for as working days, the unit the regulation's extensions are
// counted in (Art 8.3), and no placeholder in English ("YYYY-MM").
func TestVietnameseMailSaysWhatItMeans(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("testdata", "*.vi*.golden"))
	for _, f := range files {
		b, _ := os.ReadFile(f)
		text := string(b)
		if n, m := strings.Count(text, "[số ngày"), strings.Count(text, "[số ngày làm việc]"); n != m {
			t.Errorf("%s: %d of %d day counts staff are asked for do not say working days", f, n-m, n)
		}
		if strings.Contains(text, "YYYY") {
			t.Errorf("%s: a placeholder in English", f)
		}
	}
}

// TestSizeByLanguage: Vietnamese writes a decimal comma ("241,2 MB"; a
// dot groups thousands, as the periodic report's "1.234" does), English a
// decimal point.
func TestSizeByLanguage(t *testing.T) {
	for _, c := range []struct {
		lang string
		n    int64
		want string
	}{
		{Vietnamese, 241_200_000, "241,2 MB"}, {English, 241_200_000, "241.2 MB"},
		{Vietnamese, 850_000, "850 KB"}, {Vietnamese, 12, "12 B"},
	} {
		if got := Size(c.lang, c.n); got != c.want {
			t.Errorf("Size(%s, %d) = %q, want %q", c.lang, c.n, got, c.want)
		}
	}
}

// TestReportAnswerMonth: the answer to a /report that failed names its
// month as Vietnamese writes it.
func TestReportAnswerMonth(t *testing.T) {
	s, _ := load("")
	data, _ := json.Marshal(ReportAnswer{Period: "quarterly", Month: "2026-12"})
	r, err := s.Render("report", Vietnamese, data)
	if err != nil || !strings.Contains(r.Text, "báo cáo quý (kỳ kết thúc tháng 12/2026)") {
		t.Errorf("%v\n%s", err, r.Text)
	}
}

// TestBounceNamesTheMailInVietnamese: the notice of a bounced mail names
// the mail that bounced in Vietnamese, whichever mail to the citizen it
// was, never by its kind's code ("result").
func TestBounceNamesTheMailInVietnamese(t *testing.T) {
	s, _ := load("")
	for name, k := range kinds {
		if !slices.Contains(k.langs, English) { // the kinds of mail citizens get
			continue
		}
		data, _ := json.Marshal(Bounce{Code: "PA-2026-000042", Kind: name, Status: "5.1.1", SentAt: sampleTime})
		r, err := s.Render("bounce", Vietnamese, data)
		if err != nil || strings.Contains(r.Text, "("+name+",") || strings.Contains(r.HTML, "("+name+",") {
			t.Errorf("%s: %v\n%s", name, err, r.Text)
		}
	}
}

// TestPrivacyContactByLanguage: English mail names the data protection
// unit's contact in English when one is configured, else as the
// Vietnamese one writes it (its phone and address serve anyone), and asks
// for a reply when there is none; Vietnamese mail names the Vietnamese one.
func TestPrivacyContactByLanguage(t *testing.T) {
	s, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	const vi, en = "Phòng Hành chính - Tổng hợp, ĐT 0293 3123 456", "Administration Office, tel. 0293 3123 456"
	cases := []struct {
		lang    string
		privacy Privacy
		want    string
	}{
		{English, Privacy{Contact: vi, EnglishContact: en}, "To use these rights, contact: " + en + "."},
		{English, Privacy{Contact: vi}, "To use these rights, contact: " + vi + "."},
		{English, Privacy{}, "To use these rights, reply to this message."},
		{Vietnamese, Privacy{Contact: vi, EnglishContact: en}, "xin liên hệ: " + vi + "."},
	}
	for _, c := range cases {
		ack := sampleAck()
		ack.Privacy = c.privacy
		b, _ := json.Marshal(ack)
		r, err := s.Render("ack", c.lang, b)
		if err != nil {
			t.Fatal(err)
		}
		for part, text := range map[string]string{"text": r.Text, "HTML": r.HTML} {
			if !strings.Contains(text, c.want) {
				t.Errorf("%s %s with %+v lacks %q:\n%s", c.lang, part, c.privacy, c.want, text)
			}
		}
	}
}

// TestOneSpaced: a subject's words joined by one space, as
// strings.Fields and strings.Join make them, for subjects already so and
// not: spaces doubled, leading, trailing, tabs, line ends and Unicode's
// spaces.
func TestOneSpaced(t *testing.T) {
	for _, s := range []string{"", " ", "  ", "a", "a b", "[PA-1] Phản ánh mới: Điện – huyện Vị Thủy", "a  b", " a", "a ",
		"a\tb", "a\nb", "a\u00a0b", "\u3000a", "a\u0085b", "a \u2003b", "ĐÃ TIẾP NHẬN", "\xffa b", "a \xff"} {
		if got, want := oneSpaced(s), strings.Join(strings.Fields(s), " "); got != want {
			t.Errorf("%q: %q, want %q", s, got, want)
		}
	}
}
