package main

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"time"
)

// TestE2ECenterGetsUncleanableFiles: a report with a dashcam's video (a
// subtitle track, where dashcams write their GPS log, which the mailer
// cannot remove) and a photo that only starts like a JPEG. The receiver's
// triage notice carries both as the citizen sent them, byte for byte,
// attached rather than shown, each listed as not cleaned of its metadata
// and not to be forwarded to the agency; the agency's assignment carries
// neither and lists both as kept at the Center.
func TestE2ECenterGetsUncleanableFiles(t *testing.T) {
	video, err := os.ReadFile("testdata/iphone.mov")
	if err != nil {
		t.Fatal(err)
	}
	dashcam := bytes.Replace(video, []byte("mhlrsoun"), []byte("mhlrsbtl"), 1)
	if bytes.Equal(dashcam, video) {
		t.Fatal("the sample video has no sound track to make a subtitle track of")
	}
	broken := []byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00not a JPEG")
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, reportWithFiles("dashcam@mail.example.com", "",
		sentFile{"DASHCAM_0001.MOV", "video/quicktime", dashcam}, sentFile{"day-dien.jpg", "image/jpeg", broken}))

	triage := e.waitMail("triage", e2eReceiver, 1)
	files := triage.files()
	if !bytes.Equal(files["DASHCAM_0001.MOV"], dashcam) {
		t.Errorf("the triage notice does not carry the video as sent (%d bytes of %d)", len(files["DASHCAM_0001.MOV"]), len(dashcam))
	}
	if !bytes.Equal(files["day-dien.jpg"], broken) {
		t.Errorf("the triage notice does not carry the photo as sent, attached: %v", keys(files))
	}
	text := triage.text()
	for _, name := range []string{"DASHCAM_0001.MOV", "day-dien.jpg"} {
		l := lineWith(text, name)
		if !strings.Contains(l, "chưa xóa siêu dữ liệu") || !strings.Contains(l, "không chuyển tiếp cho cơ quan xử lý") || strings.Contains(l, "lưu tại Trung tâm") {
			t.Errorf("the triage notice lists %s as %q", name, l)
		}
	}
	if html := htmlPart(t, triage.raw); !strings.Contains(html, "chưa xóa siêu dữ liệu") || strings.Contains(html, "cid:anh-") {
		t.Errorf("the triage notice's HTML does not say the files are not cleaned, or shows the photo:\n%s", html)
	}

	e.replyTo(triage, e2eReceiver, receivedAt.Add(10*time.Minute), "/accept\n", "")
	assignment := e.waitMail("assignment", e2eHandler, 1)
	if files := assignment.files(); len(files) != 0 {
		t.Errorf("the assignment carries %v, want no file", keys(files))
	}
	for _, name := range []string{"DASHCAM_0001.MOV", "day-dien.jpg"} {
		// A video is no photo: the line says "tệp", not "tệp ảnh".
		if l := lineWith(assignment.text(), name); !strings.Contains(l, "lưu tại Trung tâm") || strings.Contains(l, "siêu dữ liệu") || strings.Contains(l, "tệp ảnh") {
			t.Errorf("the assignment lists %s as %q", name, l)
		}
	}
}
