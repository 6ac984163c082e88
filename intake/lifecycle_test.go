package intake

import (
	"context"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/intake/token"
	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/store"
)

// TestLifecycleWalk walks a report through the whole lifecycle by mail:
// accepted, returned by the power company, assigned to the district,
// resolved with a photo, sent back, resolved again, approved, rated. Each
// step is checked for its state, deadlines, events and the mail it owes.
func TestLifecycleWalk(t *testing.T) {
	w := newWalker(t)
	mark := 0
	w.ingest(outage)
	if got := owed(w.sentSince(&mark)); got != "ack→"+citizen+" triage→"+receiver {
		t.Fatalf("intake owes %s", got)
	}

	w.command(receiver, "/tiepnhan\n", "forwarded")
	if got := owed(w.sentSince(&mark)); got != "assignment→"+handler+" forwarded→"+citizen+" confirmation→"+receiver {
		t.Errorf("/accept owes %s", got)
	}
	ds := w.deadlines()
	if ds["intake"].State != "met" || ds["return"].State != "open" || ds["resolve"].State != "open" {
		t.Errorf("after /accept: %+v", ds)
	}
	// Forwarded at 08:25 on Monday: the power company's 3 working days end Thursday 17:00.
	if want := time.Date(2026, 11, 26, 17, 0, 0, 0, calendar.Vietnam); !ds["resolve"].Due.Equal(want) || ds["resolve"].SoonAt.IsZero() {
		t.Errorf("resolve due %v (soon %v), want %v", ds["resolve"].Due, ds["resolve"].SoonAt, want)
	}

	w.command(handler, "/tralai Nguyên nhân: không thuộc thẩm quyền, đường dây hạ thế do xã quản lý.\nCăn cứ: phân cấp quản lý lưới điện nông thôn.\nĐề xuất: UBND huyện Vị Thủy.\n", "returned")
	if got := owed(w.sentSince(&mark)); got != "returned→"+receiver+" confirmation→"+handler {
		t.Errorf("/return owes %s", got)
	}
	w.command(receiver, "/assign ubnd-vi-thuy", "forwarded")
	if got := owed(w.sentSince(&mark)); got != "assignment→"+districtH+" forwarded→"+citizen+" confirmation→"+receiver {
		t.Errorf("/assign owes %s", got)
	}
	firstResolve := w.deadlines()["resolve"]

	body := "--P\nContent-Type: text/plain; charset=UTF-8\n\n/ketqua Đã kéo lại dây, cấp điện lúc 10:30.\n" + photoPart(t, "P", "sau-xu-ly.jpg") + "--P--\n"
	out := w.reply(districtH, body, "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="P"`)
	if out.State != "resolved" {
		t.Fatalf("/resolve with a photo: %+v", out)
	}
	if got := owed(w.sentSince(&mark)); got != "review→"+approver+" confirmation→"+districtH {
		t.Errorf("/resolve owes %s", got)
	}
	if r := w.report(); r.Result != "Đã kéo lại dây, cấp điện lúc 10:30." || r.ResultMessageID == 0 {
		t.Errorf("result %q from message %d", r.Result, r.ResultMessageID)
	}
	// The resolve deadline was met; the watch reminds it no more.
	if d := w.deadlines()["resolve"]; d.State != "met" {
		t.Errorf("resolve deadline after /resolve: %s", d.State)
	}

	w.command(approver, "/yeucausua Cần nêu rõ thời gian hoàn thành và ảnh hiện trường.", "forwarded")
	if got := owed(w.sentSince(&mark)); got != "sent-back→"+districtH+" confirmation→"+approver {
		t.Errorf("/sendback owes %s", got)
	}
	if d := w.deadlines()["resolve"]; d.State != "open" || !d.Due.Equal(firstResolve.Due) || d.ID == firstResolve.ID {
		t.Errorf("resolve deadline after /sendback: %+v, want reopened with due %v", d, firstResolve.Due)
	}

	// A greeting above the command is no part of the result (SPEC 7.1).
	body = "--P\nContent-Type: text/plain; charset=UTF-8\n\nKính gửi Trung tâm,\n/resolve\nĐã kéo lại dây dẫn, cấp điện trở lại lúc 10:30 ngày 23/11/2026.\n" + photoPart(t, "P", "hien-truong.jpg") + "--P--\n"
	if out := w.reply(districtH, body, "MIME-Version: 1.0", `Content-Type: multipart/mixed; boundary="P"`); out.State != "resolved" {
		t.Fatalf("second /resolve: %+v", out)
	}
	if r := w.report(); r.Result != "Đã kéo lại dây dẫn, cấp điện trở lại lúc 10:30 ngày 23/11/2026." {
		t.Errorf("result after a greeting: %q", r.Result)
	}
	w.sentSince(&mark)
	w.command(approver, "/duyet", "published")
	sent := w.sentSince(&mark)
	if got := owed(sent); got != "result→"+citizen+" approved→"+districtH+" confirmation→"+approver {
		t.Errorf("/approve owes %s", got)
	}
	result := sent[0]
	if len(result.Attachments) != 1 || result.Attachments[0].Name != "hien-truong.jpg" || result.Lang != "vi" {
		t.Errorf("the result notice carries %+v, want the second result's photo", result.Attachments)
	}
	if tok := token.FromAddress(w.p.Address, result.ReplyTo); tok == "" {
		t.Errorf("the result notice has no citizen reply address: %q", result.ReplyTo)
	}

	if out := w.reply(citizen, "Hài lòng\n\nCảm ơn các anh."); out.Kind != KindReply || out.State != "closed" {
		t.Fatalf("rating: %+v", out)
	}
	if r := w.report(); r.Rating != "hai-long" || r.RatedAt.IsZero() {
		t.Errorf("rating %q at %v", r.Rating, r.RatedAt)
	}
	if got := owed(w.sentSince(&mark)); got != "thanks→"+citizen+" rated→"+districtH {
		t.Errorf("the rating owes %s", got)
	}

	var log []string
	for _, e := range w.events() {
		log = append(log, e.Command+":"+e.From+">"+e.To+":"+e.Actor)
	}
	want := []string{"ingest:>received:system", "/accept:received>forwarded:" + receiver, "/return:forwarded>returned:" + handler,
		"/assign:returned>forwarded:" + receiver, "/resolve:forwarded>resolved:" + districtH, "/sendback:resolved>forwarded:" + approver,
		"/resolve:forwarded>resolved:" + districtH, "/approve:resolved>published:" + approver, "rate:published>closed:citizen"}
	if strings.Join(log, " ") != strings.Join(want, " ") {
		t.Errorf("event log:\n%s\nwant\n%s", strings.Join(log, "\n"), strings.Join(want, "\n"))
	}
	if e := w.events()[1]; e.Detail["line"] != "/tiepnhan" || !strings.Contains(e.Detail["closed"], "intake=met") ||
		!strings.Contains(e.Detail["opened"], "resolve=2026-11-26T17:00:00+07:00") || e.MessageID == 0 {
		t.Errorf("the /accept event: %+v", e)
	}
	rendered := w.renderAll()
	notice := rendered["result"][0].Text
	for _, h := range []string{"Mã phản ánh: " + w.code, "Thời gian gửi phản ánh:", "Người phản ánh: Nguyễn Văn An", "Nội dung phản ánh:",
		"Địa điểm:", "Lĩnh vực: Điện", "Hạn xử lý:", "Kính gửi: Quý Ông/Bà", "Ủy ban nhân dân huyện Vị Thủy báo cáo kết quả xử lý như sau",
		"Kết quả xử lý:\nĐã kéo lại dây dẫn", "Cơ quan xử lý:", "Thời gian hoàn thành xử lý:", "Văn bản, hình ảnh kèm theo: 1 tệp",
		"Trân trọng./.", "Đánh giá:"} {
		if !strings.Contains(notice, h) {
			t.Errorf("the result notice lacks %q:\n%s", h, notice)
		}
	}
}

// TestSendBackKeepsDeadlineMarks: the resolve deadline /sendback opens
// again is the one /resolve closed: it keeps its reminder and alert, so the
// deadline watch sends neither twice.
func TestSendBackKeepsDeadlineMarks(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.command(receiver, "/accept", "forwarded")
	resolve := w.deadlines()["resolve"]
	ctx := context.Background()
	err := w.db.Write(ctx, func(tx *store.Tx) error {
		if err := tx.MarkReminded(resolve.ID, resolve.SoonAt); err != nil {
			return err
		}
		return tx.MarkAlerted(resolve.ID, resolve.Due)
	})
	if err != nil {
		t.Fatal(err)
	}
	w.command(handler, "/resolve Đã xử lý.", "resolved")
	w.command(approver, "/sendback Chưa có ảnh.", "forwarded")
	again := w.deadlines()["resolve"]
	if again.State != "open" || !again.RemindedAt.Equal(resolve.SoonAt) || !again.AlertedAt.Equal(resolve.Due) {
		t.Errorf("reopened deadline %+v, want the marks of %+v", again, resolve)
	}
	w.db.Read(ctx, func(tx *store.Tx) error {
		late := resolve.Due.Add(time.Hour)
		rs, _ := tx.DueReminders(resolve.SoonAt.Add(time.Minute), 100)
		as, _ := tx.DueAlerts(late, 100)
		for _, d := range append(rs, as...) {
			if d.Kind == "resolve" {
				t.Errorf("the watch owes the reopened deadline a notice again: %+v", d)
			}
		}
		return nil
	})
}

// TestResultNoticeFiles: the result notice carries the result's files,
// JPEG, PNG and HEIC photos included (the mailer strips their position),
// keeps at the Center the photos whose position it cannot strip (TIFF) and
// what does not fit in one mail, and says so.
func TestResultNoticeFiles(t *testing.T) {
	gps := &store.Photo{HasGPS: true, Lat: 9.78, Lon: 105.47}
	s := &snapshot{table: newFixture(t).p.Routing(), result: []store.Attachment{
		{Name: "a.jpg", Type: "image/jpeg", Size: 1 << 20, BlobKey: "k1", Photo: gps},
		{Name: "b.heic", Type: "image/heic", Size: 1 << 20, BlobKey: "k2", Photo: gps},
		{Name: "c.mp4", Type: "video/mp4", Size: 12 << 20, BlobKey: "k3"},
		{Name: "t.tiff", Type: "image/tiff", Size: 1 << 20, BlobKey: "k6", Photo: gps},
		{Name: "d.pdf", Type: "application/pdf", Size: 2 << 20, BlobKey: "k4"},
		{Name: "e.png", Type: "image/png", Size: 1000, BlobKey: "k5", Photo: gps},
		{Name: "x.exe", Type: "application/x-msdownload", Size: 10, Refused: "type"},
	}}
	res, files := s.resultNotice()
	var sent []string
	for _, f := range files {
		sent = append(sent, f.Name)
	}
	if strings.Join(sent, " ") != "a.jpg b.heic c.mp4 e.png" || strings.Join(res.Files, " ") != "a.jpg b.heic c.mp4 e.png" {
		t.Errorf("attached %v, listed %v", sent, res.Files)
	}
	if strings.Join(res.Withheld, " ") != "t.tiff d.pdf" {
		t.Errorf("kept at the Center: %v", res.Withheld)
	}
}
