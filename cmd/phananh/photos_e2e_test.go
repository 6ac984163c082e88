package main

import (
	"bytes"
	"image/png"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message"
)

// TestE2EConfidentialPhoneFiles: a confidential report with a PNG photo
// (Exif with its GPS position, an author, XMP and a time in its chunks),
// an iPhone's HEIC photo (an Exif item with its GPS position, camera and
// owner; XMP) and MOV video (Apple's mdta keys: location, make, model,
// software, creation date; XMP), and a file that only starts like a
// video. The Center's receiver sees the PNG inline, and the positions read
// from the PNG and the HEIC; every mail carries the photos and the video
// stripped, the same size; the receiver's carries the file that cannot be
// read as a video as it was sent, saying that it is not cleaned, and the
// agency's leaves it out, saying that it stays at the Center; the agency's
// handler gets the files renamed, and no name.
func TestE2EConfidentialPhoneFiles(t *testing.T) {
	photo, err := os.ReadFile("testdata/gps.png")
	if err != nil {
		t.Fatal(err)
	}
	heic, err := os.ReadFile("testdata/iphone.heic")
	if err != nil {
		t.Fatal(err)
	}
	video, err := os.ReadFile("testdata/iphone.mov")
	if err != nil {
		t.Fatal(err)
	}
	fake := []byte("\x00\x00\x00\x14ftypqt  \x00\x00\x00\x00qt  \x00\x00\x00\x20udta\x00\x00\x00\x18\xa9autNguyen Van An")
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, reportWithFiles("png-video@mail.example.com", "Đề nghị giữ bí mật thông tin người phản ánh.\r\n",
		sentFile{"Nguyen Van An.png", "image/png", photo}, sentFile{"IMG_0042.MOV", "video/quicktime", video},
		sentFile{"IMG_0043.HEIC", "image/heic", heic}, sentFile{"IMG_0044.MOV", "video/quicktime", fake}))

	triage := e.waitMail("triage", e2eReceiver, 1)
	text := triage.text()
	for _, position := range []string{"vị trí GPS 9.790000, 105.470000", "vị trí GPS 9.784500, 105.470100"} {
		if !strings.Contains(text, position) {
			t.Errorf("the triage notice does not show the position %s:\n%s", position, text)
		}
	}
	if l := lineWith(text, "IMG_0044.MOV"); !strings.Contains(l, "chưa xóa siêu dữ liệu") {
		t.Errorf("the triage notice lists the file not cleaned as %q", l)
	}
	files := triage.files()
	if len(files) != 3 || !bytes.Equal(files["IMG_0044.MOV"], fake) {
		t.Errorf("the triage notice attaches %v, want the videos (one as sent) and the HEIC", keys(files))
	}
	checkStrippedVideo(t, "the triage notice's video", files["IMG_0042.MOV"], video)
	checkStrippedHEIC(t, "the triage notice's HEIC", files["IMG_0043.HEIC"], heic)
	checkStripped(t, "the triage notice's PNG", partOfType(t, triage.raw, "image/png"), photo)

	e.replyTo(triage, e2eReceiver, receivedAt.Add(10*time.Minute), "/accept\n", "")
	assignment := e.waitMail("assignment", e2eHandler, 1)
	files = assignment.files()
	if len(files) != 3 {
		t.Fatalf("the assignment carries %v, want tep-1.png, tep-2.mov and tep-3.heic", keys(files))
	}
	checkStripped(t, "the assignment's PNG", files["tep-1.png"], photo)
	checkStrippedVideo(t, "the assignment's video", files["tep-2.mov"], video)
	checkStrippedHEIC(t, "the assignment's HEIC", files["tep-3.heic"], heic)
	if l := lineWith(assignment.text(), "tep-4.mov"); !strings.Contains(l, "lưu tại Trung tâm") {
		t.Errorf("the assignment lists the file left out as %q", l)
	}
	checkMasked(t, "the assignment", assignment, "Nguyen", "Nguyễn")
}

// checkStrippedVideo fails unless got is the iPhone's MOV without its
// metadata: the same size, the same media data, no mdta key, XMP or time.
func checkStrippedVideo(t *testing.T, what string, got, original []byte) {
	t.Helper()
	if len(got) != len(original) {
		t.Fatalf("%s: %d bytes, was %d", what, len(got), len(original))
	}
	for _, leak := range []string{"ISO6709", "Apple", "iPhone", "Nguyen", "XMP", "2026"} {
		if bytes.Contains(got, []byte(leak)) {
			t.Errorf("%s holds %q", what, leak)
		}
	}
	mdat := bytes.Index(original, []byte("mdat"))
	if mdat < 0 || !bytes.Equal(got[mdat:], original[mdat:]) {
		t.Errorf("%s: the media data changed", what)
	}
}

// checkStrippedHEIC fails unless got is the HEIC without its metadata: the
// same size, no Exif or XMP left.
func checkStrippedHEIC(t *testing.T, what string, got, original []byte) {
	t.Helper()
	if len(got) != len(original) {
		t.Fatalf("%s: %d bytes, was %d", what, len(got), len(original))
	}
	for _, leak := range []string{"Apple", "iPhone", "Nguyen", "rdf:RDF", "2026:03:14"} {
		if !bytes.Contains(original, []byte(leak)) {
			t.Fatalf("the sample HEIC holds no %q", leak)
		}
		if bytes.Contains(got, []byte(leak)) {
			t.Errorf("%s holds %q", what, leak)
		}
	}
}

// partOfType returns the body of a mail's first part of type typ.
func partOfType(t *testing.T, raw []byte, typ string) []byte {
	t.Helper()
	var data []byte
	walk(t, raw, func(path []string, h gomessage.Header, body io.Reader) {
		if ct, _, _ := h.ContentType(); ct == typ && data == nil {
			data, _ = io.ReadAll(body)
		}
	})
	if data == nil {
		t.Fatalf("no %s part", typ)
	}
	return data
}

// checkStripped fails unless got is the PNG original without its
// metadata: the same picture, none of its eXIf, text and time chunks.
func checkStripped(t *testing.T, what string, got, original []byte) {
	t.Helper()
	for _, leak := range []string{"eXIf", "tEXt", "iTXt", "tIME", "Nguyen", "GPS"} {
		if bytes.Contains(got, []byte(leak)) {
			t.Errorf("%s holds %q", what, leak)
		}
	}
	before, _ := png.Decode(bytes.NewReader(original))
	after, err := png.Decode(bytes.NewReader(got))
	if err != nil || after.Bounds() != before.Bounds() || after.At(30, 20) != before.At(30, 20) {
		t.Errorf("%s is not the picture sent: %v", what, err)
	}
}

// TestE2EUnreadablePhotoKeptAtTheCenter: a report with a photo that only
// starts like a JPEG, beside a real one. The mailer leaves it out of the
// agency's mail rather than send what it may hide, and no one is left to
// think it was sent: the assignment lists it as kept at the Center because
// it could not be attached safely. The receiver's triage notice attaches
// it as sent, not shown, and says it is not cleaned.
func TestE2EUnreadablePhotoKeptAtTheCenter(t *testing.T) {
	photo, err := os.ReadFile("testdata/gps.jpg")
	if err != nil {
		t.Fatal(err)
	}
	broken := []byte("\xff\xd8\xff\xe1\x00\x10Exif\x00\x00not a JPEG")
	e := newEnv(t, envOptions{})
	e.startDaemon()
	e.deliver(receivedAt, reportWithFiles("broken-jpeg@mail.example.com", "",
		sentFile{"cot-dien.jpg", "image/jpeg", photo}, sentFile{"day-dien.jpg", "image/jpeg", broken}))

	triage := e.waitMail("triage", e2eReceiver, 1)
	text := triage.text()
	if l := lineWith(text, "day-dien.jpg"); !strings.Contains(l, "chưa xóa siêu dữ liệu") {
		t.Errorf("the triage notice lists the photo not cleaned as %q", l)
	}
	if l := lineWith(text, "cot-dien.jpg"); !strings.Contains(l, "ảnh hiển thị trong thư") {
		t.Errorf("the triage notice lists the photo sent as %q", l)
	}
	if files := triage.files(); len(files) != 1 || !bytes.Equal(files["day-dien.jpg"], broken) {
		t.Errorf("the triage notice attaches %v, want day-dien.jpg as sent", keys(files))
	}
	e.replyTo(triage, e2eReceiver, receivedAt.Add(10*time.Minute), "/accept\n", "")
	assignment := e.waitMail("assignment", e2eHandler, 1)
	if files := assignment.files(); len(files) != 1 || files["cot-dien.jpg"] == nil {
		t.Errorf("the assignment carries %v, want cot-dien.jpg alone", keys(files))
	}
	if l := lineWith(assignment.text(), "day-dien.jpg"); !strings.Contains(l, "lưu tại Trung tâm") || !strings.Contains(l, "không thể gửi kèm an toàn") {
		t.Errorf("the assignment lists the photo left out as %q", l)
	}
}

// lineWith returns the first line of text that holds s.
func lineWith(text, s string) string {
	for l := range strings.Lines(text) {
		if strings.Contains(l, s) {
			return l
		}
	}
	return ""
}
