package intake

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
)

// The tests of what staff read in their mail (SPEC 8.4): everything in
// Vietnamese, the codes they answer with, and only the commands they can
// use.

// TestTriageGroundsInVietnamese: the triage notice says in Vietnamese why
// routing proposed what it did, and lists the rules that came next with
// their codes and scores; the English sentence stays in the report's
// record (rules explain, the logs).
func TestTriageGroundsInVietnamese(t *testing.T) {
	w := newWalker(t)
	w.code = w.send(report("Nguyễn Văn An <"+citizen+">", "g1@mail.gmail.com", "Ổ gà và mất điện",
		"Đường ở huyện Vị Thủy có ổ gà, cột điện nghiêng, mất điện từ sáng.\nSố điện thoại: 0912 345 678\n")).Code
	text := w.renderAll()["triage"][0].Text
	for _, want := range []string{
		"Căn cứ: từ khóa «mất điện» (2 từ), «cột điện» (2 từ): quy tắc lĩnh vực Điện (mọi địa bàn) có điểm cao nhất, 4; địa bàn theo tên «huyện Vị Thủy»\n",
		"Các quy tắc khác cũng có điểm:\n- Giao thông, hạ tầng đường bộ (giao-thong), mọi địa bàn: Sở Giao thông vận tải (so-gtvt), 2 điểm\n",
	} {
		if !strings.Contains(text, want) {
			t.Errorf("the triage notice lacks %q:\n%s", want, text)
		}
	}
	for _, english := range []string{"keyword", "score", "alias", "unit vi-thuy", "dien/", "each-unit"} {
		if strings.Contains(text, english) {
			t.Errorf("the triage notice holds the English %q:\n%s", english, text)
		}
	}
	if r := w.report(); !strings.HasPrefix(r.Routing.Why, `keywords "mất điện" (2)`) {
		t.Errorf("the report's record lost the English reasons: %q", r.Routing.Why)
	}
}

// TestQuarantineReasonInVietnamese: the receivers read why a message was
// quarantined in Vietnamese, never the parser's English error, which stays
// in the message's record and the log.
func TestQuarantineReasonInVietnamese(t *testing.T) {
	w := newWalker(t)
	w.p.Limits.MaxDepth = 5
	out := w.send(eml([]string{"From: an@gmail.com", "Message-ID: <n@x>", "MIME-Version: 1.0",
		"Content-Type: multipart/mixed; boundary=a"}, nest(10)))
	if !strings.Contains(out.Reason, "MIME depth over 5") {
		t.Errorf("the recorded reason %q lost the parser's words", out.Reason)
	}
	w.p.Limits = parse.DefaultLimits()
	w.p.Limits.MaxMessageBytes = 1000
	w.send(report("an@gmail.com", "big@x", "Video", strings.Repeat("x", 5000)))
	w.p.Limits = parse.DefaultLimits()
	w.send("From: an@gmail.com\nMessage-ID: <h@x>\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=x\n" +
		"Content-Transfer-Encoding: base64\n\n--x\nContent-Type: text/plain\n\n" + strings.Repeat("a", 2<<20) + "\n--x--\n")
	notices := w.renderAll()["quarantine"]
	if len(notices) != 3 {
		t.Fatalf("%d quarantine notices, want 3", len(notices))
	}
	for i, want := range []string{"Lý do: thư có các phần MIME lồng nhau quá 5 lớp", "Lý do: thư lớn hơn giới hạn 1 KB", "Lý do: thư có dòng dài hơn giới hạn"} {
		text := notices[i].Text
		if !strings.Contains(text, want) {
			t.Errorf("quarantine notice %d lacks %q:\n%s", i+1, want, text)
		}
		for _, english := range []string{"MIME depth", "larger than", "line length", "exceeds", "parse:"} {
			if strings.Contains(text, english) {
				t.Errorf("quarantine notice %d holds the English %q:\n%s", i+1, english, text)
			}
		}
	}
}

// TestNoticesListOnlyUsableCommands: each notice lists only the commands
// its reader can use in the report's state (SPEC 8.4) — after approval the
// handler is offered /clarify, no longer /return, /resolve or /extend —
// and the plain-text cheat sheet's columns line up.
func TestNoticesListOnlyUsableCommands(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	triage := w.renderAll()["triage"][0].Text
	checkCheatSheet(t, "triage", triage, []string{"/accept", "/assign", "/reject", "/call-failed", "/escalate", "/urgent"}, nil)
	w.command(receiver, "/accept", "forwarded")
	w.command(handler, "/resolve Đã thay dây dẫn.", "resolved")
	w.command(approver, "/approve", "published")
	all := w.renderAll()
	approved := all["approved"][0].Text
	checkCheatSheet(t, "approved", approved, []string{"/clarify", "/note", "/status", "/help"}, []string{"/return", "/resolve", "/extend"})
	confirmation := all["confirmation"]
	if got := confirmation[len(confirmation)-1].Text; strings.Contains(got, "/approve ") {
		t.Errorf("the approver's confirmation after /approve offers /approve again:\n%s", got)
	}
}

// cheatLine is a line of a plain-text cheat sheet: the command as used,
// its alias and what it does, the last two columns marked.
var cheatLine = regexp.MustCompile(`^/\S.*?\s{2,}(/\S+)\s{2,}(\S.*)$`)

// checkCheatSheet checks that a notice's cheat sheet lists want and none
// of unwanted, and that its three columns line up.
func checkCheatSheet(t *testing.T, kind, text string, want, unwanted []string) {
	t.Helper()
	_, sheet, ok := strings.Cut(text, "Trả lời thư này, mỗi lệnh một dòng ở đầu thư")
	if !ok {
		t.Fatalf("%s: no cheat sheet:\n%s", kind, text)
	}
	var aliasAt, whatAt []int
	listed := map[string]bool{}
	for _, l := range strings.Split(sheet, "\n")[1:] {
		m := cheatLine.FindStringSubmatchIndex(l)
		if m == nil {
			break
		}
		listed[strings.Fields(l)[0]] = true
		aliasAt = append(aliasAt, utf8.RuneCountInString(l[:m[2]]))
		whatAt = append(whatAt, utf8.RuneCountInString(l[:m[4]]))
	}
	if len(aliasAt) == 0 {
		t.Fatalf("%s: the cheat sheet has no line:\n%s", kind, sheet)
	}
	for i := range aliasAt {
		if aliasAt[i] != aliasAt[0] || whatAt[i] != whatAt[0] {
			t.Errorf("%s: the cheat sheet's columns do not line up:\n%s", kind, sheet)
			break
		}
	}
	for _, c := range want {
		if !listed[c] {
			t.Errorf("%s: the cheat sheet lacks %s:\n%s", kind, c, sheet)
		}
	}
	for _, c := range unwanted {
		if listed[c] {
			t.Errorf("%s: the cheat sheet offers %s, which the reader cannot use now:\n%s", kind, c, sheet)
		}
	}
}

// TestRefusalReplyTellsTheTruth: an authentic operator's refused reply is
// answered every time, so the answer does not say that at most one such
// mail an hour is sent.
func TestRefusalReplyTellsTheTruth(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.reply(receiver, "/foo\n")
	w.reply(receiver, "/foo\n")
	refused := w.renderAll()["refused"]
	if len(refused) != 2 {
		t.Fatalf("%d refusals, want one for each reply", len(refused))
	}
	if text := refused[1].Text; strings.Contains(text, "tối đa một thư") || !strings.Contains(text, "dòng 1: \"/foo\"") {
		t.Errorf("the refusal:\n%s", text)
	}
}

// TestCommandsTakeNames: /assign, /field and /unit take a name or alias
// of the routing table, with or without diacritics, when it names exactly
// one entry (SPEC 7.1); otherwise the refusal lists the entries it names
// or the closest, with their codes.
func TestCommandsTakeNames(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.command(receiver, "/linhvuc giao thong\n/diaban TP Vị Thanh\n", "received")
	if r := w.report(); r.Routing.Field != "giao-thong" || r.Routing.Unit != "vi-thanh" {
		t.Errorf("field %s, unit %s; want giao-thong, vi-thanh", r.Routing.Field, r.Routing.Unit)
	}
	for _, c := range []struct{ line, want string }{
		{"/assign so xay dng", "không có cơ quan xử lý nào có mã hoặc tên «so xay dng»; có phải: Sở Xây dựng (so-xd)?"},
		{"/chuyen long my", "«long my» ứng với nhiều cơ quan xử lý: Ủy ban nhân dân thị xã Long Mỹ (ubnd-tx-long-my); " +
			"Ủy ban nhân dân huyện Long Mỹ (ubnd-h-long-my); hãy ghi mã"},
		{"/assign so-gtvx", "có phải: Sở Giao thông vận tải (so-gtvt)?"},
		{"/unit Vi Dong xa", "không có đơn vị hành chính nào có mã hoặc tên «Vi Dong xa»"},
	} {
		out := w.reply(receiver, c.line+"\n")
		if out.State != "received" || !strings.HasPrefix(out.Reason, "command refused") {
			t.Errorf("%s: %+v, want refused", c.line, out)
		}
		refused := w.renderAll()["refused"]
		if text := refused[len(refused)-1].Text; !strings.Contains(text, c.want) {
			t.Errorf("%s: the refusal lacks %q:\n%s", c.line, c.want, text)
		}
	}
	w.command(receiver, "/assign So Xay Dung", "forwarded")
	if r := w.report(); r.Routing.Agency != "so-xd" {
		t.Errorf("forwarded to %s, want so-xd", r.Routing.Agency)
	}
}

// TestCodesCommand: /codes (/danhmuc) answers the routing table's fields,
// units and agencies with their codes, in a report's thread and outside
// any, all of them or those a filter names.
func TestCodesCommand(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.command(receiver, "/danhmuc\n", "received")
	codes := w.renderAll()["codes"]
	if len(codes) != 1 {
		t.Fatalf("%d answers of kind codes, want 1", len(codes))
	}
	for _, want := range []string{"LĨNH VỰC (/field)\n", "giao-thong ", "ĐỊA BÀN (/unit)\n", "vi-thuy ", "huyện Vị Thủy — còn gọi: ",
		"CƠ QUAN XỬ LÝ (/assign)\n", "so-xd ", "Sở Xây dựng\n", "ubnd-vi-thuy "} {
		if !strings.Contains(codes[0].Text, want) {
			t.Errorf("the codes lack %q:\n%s", want, codes[0].Text)
		}
	}
	out := w.send(eml([]string{"From: " + receiver, "To: phananh@haugiang.gov.vn", "Subject: mã", "Message-ID: <codes@x>",
		"Authentication-Results: mail.haugiang.gov.vn; dmarc=pass header.from=example.gov.vn"}, "/codes xây dựng\n"))
	if out.Kind != KindCommand || out.Reason != "" {
		t.Fatalf("/codes outside a thread: %+v", out)
	}
	codes = w.renderAll()["codes"]
	text := codes[len(codes)-1].Text
	if !strings.Contains(text, "so-xd ") || strings.Contains(text, "dien-luc ") {
		t.Errorf("/codes xây dựng answered:\n%s", text)
	}
}

// withoutMailbox makes the walker's routing table the default one with
// the health department's official mailbox taken out: an agency that
// nobody would hear from, the walker's staff having no handler for it.
func withoutMailbox(t *testing.T, w *walker) {
	table, err := routing.Parse("rules.toml", bytes.NewReader(bytes.Replace(routing.BuiltinFile(routing.DefaultName),
		[]byte("email = \"syt@haugiang.gov.vn\"\n"), nil, 1)))
	if err != nil {
		t.Fatal(err)
	}
	w.p.Routing = func() *routing.Table { return table }
}

// TestAutoForwardNeedsSomeoneToTell: a rule with auto_forward does not
// forward to an agency nobody would hear from; the report waits for a
// receiver, whose triage notice does not claim it was forwarded.
func TestAutoForwardNeedsSomeoneToTell(t *testing.T) {
	w := newWalker(t)
	file := bytes.Replace(routing.BuiltinFile(routing.DefaultName), []byte("agency = \"dien-luc\"\n"), []byte("agency = \"dien-luc\"\nauto_forward = true\n"), 1)
	file = bytes.Replace(file, []byte("email = \"dienluc@haugiang.gov.vn\"\n"), nil, 1)
	table, err := routing.Parse("auto.toml", bytes.NewReader(file))
	if err != nil {
		t.Fatal(err)
	}
	w.p.Routing = func() *routing.Table { return table }
	w.p.Staff = fixedStaff(slices.DeleteFunc(slices.Clone(w.p.Staff()), func(op Operator) bool { return op.Agency == "dien-luc" }))
	if out := w.ingest(outage); out.State != "received" || out.Agency != "dien-luc" {
		t.Fatalf("%+v, want the report received, proposed for dien-luc", out)
	}
	text := w.renderAll()["triage"][0].Text
	if strings.Contains(text, "chuyển tự động") || strings.Contains(text, "/accept ") {
		t.Errorf("the triage notice claims an automatic forwarding, or offers /accept to nobody:\n%s", text)
	}
}

// TestAgencyOfficialMailbox: an agency with no handler has its notices
// sent to its official mailbox from the routing table (SPEC 6.1), without
// a reply address, the citizen's identity when confidential, or commands
// it cannot send; an agency with neither is refused as a target, and so is
// /escalate without an escalation address, each with the reason.
func TestAgencyOfficialMailbox(t *testing.T) {
	w := newWalker(t)
	withoutMailbox(t, w)
	w.p.EscalationAddress = ""
	w.ingest(outage)
	if text := w.renderAll()["triage"][0].Text; strings.Contains(text, "/escalate") {
		t.Errorf("the triage notice offers /escalate with no escalation address:\n%s", text)
	}
	for _, c := range []struct{ line, want string }{
		{"/assign so-yt", "lệnh /assign: Sở Y tế (so-yt) chưa có người xử lý nào được cấu hình và bảng định tuyến không có " +
			"hộp thư công vụ của cơ quan, nên thư chuyển xử lý không đến được ai"},
		{"/escalate Vượt thẩm quyền", "lệnh /escalate: chưa cấu hình địa chỉ thư của Sở Thông tin và Truyền thông " +
			"(process.escalation_address), nên thư chuyển cấp không đến được ai"},
	} {
		if out := w.reply(receiver, c.line+"\n"); out.State != "received" {
			t.Errorf("%s: %+v, want refused", c.line, out)
		}
		refused := w.renderAll()["refused"]
		if text := refused[len(refused)-1].Text; !strings.Contains(text, c.want) {
			t.Errorf("%s: the refusal lacks %q:\n%s", c.line, c.want, text)
		}
	}
	w.command(receiver, "/confidential\n/assign so-xd\n", "forwarded")
	mark := 0
	var box []store.Mail
	for _, m := range w.sentSince(&mark) {
		if m.Kind == "assignment" {
			box = append(box, m)
		}
	}
	if len(box) != 1 || box[0].To != "sxd@haugiang.gov.vn" || box[0].Role != "mailbox" || box[0].ReplyTo != "" {
		t.Fatalf("the assignment went to %+v, want the mailbox sxd@haugiang.gov.vn without a reply address", box)
	}
	text := w.renderAll()["assignment"][0].Text
	for _, want := range []string{"hộp thư công vụ của cơ quan", "Được giữ bí mật"} {
		if !strings.Contains(text, want) {
			t.Errorf("the mailbox's assignment lacks %q:\n%s", want, text)
		}
	}
	for _, unwanted := range []string{"Nguyễn Văn An", "0912", "/resolve", "/return", "Trả lời thư này, mỗi lệnh"} {
		if strings.Contains(text, unwanted) {
			t.Errorf("the mailbox's assignment holds %q:\n%s", unwanted, text)
		}
	}
}

// TestTriageCarriesTheFiles: the triage notice shows the citizen's photos
// inline and attaches the other files, up to 15 MB in all; a file beyond
// stays at the Center and the notice says so (SPEC 8.4).
func TestTriageCarriesTheFiles(t *testing.T) {
	w := newWalker(t)
	video := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 16<<20)...)
	body := "--P\nContent-Type: text/plain; charset=UTF-8\n\n" + outage + photoPart(t, "P", "hiện trường.jpg") +
		"--P\nContent-Type: application/pdf; name=\"don.pdf\"\nContent-Disposition: attachment; filename=\"don.pdf\"\n" +
		"Content-Transfer-Encoding: base64\n\n" + base64.StdEncoding.EncodeToString([]byte("%PDF-1.4 đơn phản ánh")) + "\n" +
		"--P\nContent-Type: video/mp4; name=\"clip.mp4\"\nContent-Disposition: attachment; filename=\"clip.mp4\"\n" +
		"Content-Transfer-Encoding: base64\n\n" + wrap76(base64.StdEncoding.EncodeToString(video)) + "\n--P--\n"
	w.code = w.send(eml([]string{"From: Nguyễn Văn An <" + citizen + ">", "To: phananh@haugiang.gov.vn", "Subject: Mất điện",
		"Message-ID: <files@mail.gmail.com>", "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="P"`}, body)).Code
	mark := 0
	var triage store.Mail
	for _, m := range w.sentSince(&mark) {
		if m.Kind == "triage" {
			triage = m
		}
	}
	var got []string
	for _, f := range triage.Attachments {
		got = append(got, fmt.Sprintf("%s %s inline=%v cid=%s", f.Name, f.Type, f.Inline, f.CID))
	}
	want := []string{"hiện trường.jpg image/jpeg inline=true cid=anh-1." + w.code + "@haugiang.gov.vn", "don.pdf application/pdf inline=false cid="}
	if !slices.Equal(got, want) {
		t.Errorf("the triage notice carries %q, want %q", got, want)
	}
	r := w.renderAll()["triage"][0]
	for _, want := range []string{"1. hiện trường.jpg (image/jpeg, ", "– ảnh hiển thị trong thư\n", "2. don.pdf (application/pdf, ",
		"– đính kèm thư này\n", "3. clip.mp4 (video/mp4, 16,8 MB) – lưu tại Trung tâm"} {
		if !strings.Contains(r.Text, want) {
			t.Errorf("the triage notice lacks %q:\n%s", want, r.Text)
		}
	}
	if !strings.Contains(r.HTML, `<img src="cid:anh-1.`+w.code+`@haugiang.gov.vn"`) {
		t.Errorf("the triage notice's HTML does not show the photo:\n%s", r.HTML)
	}
}

// TestStaffNoticesNameTheFilesKept: the files beyond the 15 MB a mail
// carries are listed as kept at the Center, as the triage notice lists
// them, in the text and the HTML of the assignment (the citizen's files)
// and of the review (the result's).
func TestStaffNoticesNameTheFilesKept(t *testing.T) {
	w := newWalker(t)
	video := append([]byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), make([]byte, 16<<20)...)
	parts := func(text string) string {
		return "--P\nContent-Type: text/plain; charset=UTF-8\n\n" + text + photoPart(t, "P", "hiện trường.jpg") +
			"--P\nContent-Type: video/mp4; name=\"clip.mp4\"\nContent-Disposition: attachment; filename=\"clip.mp4\"\n" +
			"Content-Transfer-Encoding: base64\n\n" + wrap76(base64.StdEncoding.EncodeToString(video)) + "\n--P--\n"
	}
	multipart := []string{"MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="P"`}
	w.code = w.send(eml(append([]string{"From: Nguyễn Văn An <" + citizen + ">", "To: phananh@haugiang.gov.vn", "Subject: Mất điện",
		"Message-ID: <kept@mail.gmail.com>"}, multipart...), parts(outage))).Code
	w.command(receiver, "/accept", "forwarded")
	if out := w.reply(handler, parts("/resolve Đã khắc phục, điện có lại lúc 15 giờ.\n"), multipart...); out.State != "resolved" {
		t.Fatalf("the result was not taken: %+v", out)
	}
	const kept = "clip.mp4 (video/mp4, 16,8 MB) – lưu tại Trung tâm, không gửi kèm vì mỗi thư chỉ mang tối đa 15 MB tệp"
	all := w.renderAll()
	for _, kind := range []string{"assignment", "review"} {
		if len(all[kind]) == 0 {
			t.Fatalf("no %s notice", kind)
		}
		r := all[kind][0]
		if !strings.Contains(r.Text, "2. "+kept) || !strings.Contains(r.HTML, "<li>"+kept) {
			t.Errorf("the %s does not list the video as kept at the Center:\n%s\n%s", kind, r.Text, r.HTML)
		}
		for line := range strings.Lines(r.Text) {
			if strings.HasPrefix(line, "1. hiện trường.jpg") && strings.Contains(line, "lưu tại Trung tâm") {
				t.Errorf("the photo the %s carries is listed as kept: %s", kind, line)
			}
		}
	}
}

// wrap76 breaks base64 text into lines of 76 characters, as mail programs
// write it.
func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\n")
		s = s[76:]
	}
	return b.String() + s
}
