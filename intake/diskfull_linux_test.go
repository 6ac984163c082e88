package intake

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
	"testing"

	"haugiang.gov.vn/phananh/intake/intaketest"
	"haugiang.gov.vn/phananh/store"
)

// photoReport is a citizen's report with a photo of size bytes attached.
func photoReport(n, size int) (string, []byte) {
	jpeg, err := os.ReadFile("../cmd/phananh/testdata/gps.jpg")
	if err != nil {
		panic(err)
	}
	photo := append(jpeg, bytes.Repeat([]byte{byte(n)}, size-len(jpeg))...)
	raw := eml([]string{fmt.Sprintf("From: dan%d@example.com", n), "To: phananh@haugiang.gov.vn", "Subject: Mất điện ấp " + fmt.Sprint(n),
		fmt.Sprintf("Message-ID: <photo%d@example.com>", n), "Date: Mon, 23 Nov 2026 08:10:00 +0700", "MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="b1"`},
		"--b1\nContent-Type: text/plain; charset=UTF-8\n\n"+outage+"--b1\nContent-Type: image/jpeg; name=\"anh.jpg\"\n"+
			"Content-Disposition: attachment; filename=\"anh.jpg\"\nContent-Transfer-Encoding: base64\n\n")
	return raw + intaketest.Base64Lines(photo) + "--b1--\r\n", photo
}

// TestBatchDiskFull: the disk fills up while a batch's messages and
// photos are written into its packs (a file size limit stands for the
// full disk: a pack's write fails part way). A message whose photo could
// not be streamed into its pack is left to be tried again, recording
// nothing; the others are recorded, each photo whole — unless a write of
// the batch's pending blobs of one chunk (its raw messages) failed too,
// which fails the batch's Sync and leaves every message of the batch to be
// tried again; tried again once there is room, every message is recorded
// once, with its photo.
func TestBatchDiskFull(t *testing.T) {
	f := newFixture(t)
	signal.Ignore(syscall.SIGXFSZ)
	defer signal.Reset(syscall.SIGXFSZ)
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_FSIZE, &lim); err != nil {
		t.Skip(err)
	}
	var raws []string
	photos := map[string][]byte{}
	for i, size := range []int{900_000, 2_500_000, 700_000, 1_200_000} {
		raw, photo := photoReport(i+1, size)
		raws = append(raws, raw)
		photos[fmt.Sprintf("Mất điện ấp %d", i+1)] = photo
	}
	full := lim
	full.Cur = 3 << 20
	if err := syscall.Setrlimit(syscall.RLIMIT_FSIZE, &full); err != nil {
		t.Skip(err)
	}
	rs := f.processAll(raws)
	syscall.Setrlimit(syscall.RLIMIT_FSIZE, &lim)
	var again []string
	var uids []uint32
	for i, r := range rs {
		if r.Err != nil {
			again, uids = append(again, raws[i]), append(uids, r.UID)
		} else if r.Outcome.Kind != KindReport {
			t.Errorf("message %d: %+v", i+1, r.Outcome)
		}
	}
	if len(again) == 0 {
		t.Fatal("every message written past the limit: the test fills no disk")
	}
	t.Logf("%d of %d messages to be tried again", len(again), len(raws))
	if reports := f.counts(t)[KindReport]; reports != len(raws)-len(again) {
		t.Errorf("%d reports recorded, want %d", reports, len(raws)-len(again))
	}
	for i, r := range f.processAll(again, uids...) {
		if r.Err != nil || r.Outcome.Kind != KindReport {
			t.Errorf("message tried again %d: %+v", i+1, r)
		}
	}
	err := f.db.Read(context.Background(), func(tx *store.Tx) error {
		for i := range raws {
			r, err := tx.Report(fmt.Sprintf("PA-2026-%06d", i+1))
			if err != nil {
				return err
			}
			as, err := tx.Attachments(r.ID, "")
			if err != nil || len(as) != 1 {
				t.Errorf("%s: %d attachments, %v", r.Code, len(as), err)
				continue
			}
			b, err := f.db.Blobs().Open(as[0].BlobKey)
			if err != nil {
				t.Errorf("%s: %v", r.Code, err)
				continue
			}
			got, err := io.ReadAll(b)
			b.Close()
			if want := photos[r.Subject]; err != nil || !bytes.Equal(got, want) {
				t.Errorf("%s (%s): photo of %d bytes, want %d: %v", r.Code, r.Subject, len(got), len(want), err)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if reports := f.counts(t)[KindReport]; reports != len(raws) {
		t.Errorf("%d reports recorded, want %d", reports, len(raws))
	}
}
