package mailer

import (
	"context"
	"io"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/mailer/smtptest"
	"haugiang.gov.vn/phananh/store"
)

// TestNextBatchRenderedAhead: the next batch is read and rendered while a
// batch is sent: when the server takes the first batch's last mail, the
// second batch's first mail is being rendered or ready, not waiting for
// the first batch's end.
func TestNextBatchRenderedAhead(t *testing.T) {
	db := openStore(t)
	w, _ := newWorker(t, db, io.Discard)
	defer w.hangUp()
	set := w.Templates()
	var rendered atomic.Int32 // the mails whose rendering began
	w.Templates = func() *Templates { rendered.Add(1); return set }
	ahead := atomic.Bool{}
	var accepted atomic.Int32 // on the sessions' goroutines
	sendTo(t, w, smtptest.Options{OnAccepted: func(smtptest.Received) {
		if accepted.Add(1) != batch {
			return
		}
		for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(time.Millisecond) {
			if rendered.Load() > batch {
				ahead.Store(true)
				return
			}
		}
	}})
	acks(t, w, batch+batch/2)
	if n, err := w.sendDue(context.Background()); err != nil || n != batch+batch/2 {
		t.Fatalf("sent %d, %v", n, err)
	}
	if !ahead.Load() {
		t.Error("the second batch was not rendered while the first one's last mail was sent")
	}
	wantAllStates(t, db, "", "sent/1")
}

// TestResendWindowTwoBatches: a batch is sent only once the batch before
// the last one is recorded, the next batch read ahead or not: a process
// stopped mid-send sends again at most two batches' accepted mails.
func TestResendWindowTwoBatches(t *testing.T) {
	db := openStore(t)
	w, _ := newWorker(t, db, io.Discard)
	defer w.hangUp()
	var accepted atomic.Int32 // on the sessions' goroutines
	var mu sync.Mutex
	var unrecorded []int64
	sendTo(t, w, smtptest.Options{OnAccepted: func(smtptest.Received) {
		if accepted.Add(1) != 2*batch+1 {
			return
		}
		mu.Lock()
		defer mu.Unlock()
		// The third batch's first mail: the first batch is recorded.
		db.Read(context.Background(), func(tx *store.Tx) error {
			for id := int64(1); id <= batch; id++ {
				if m, err := tx.MailByID(id); err != nil || m.State != store.MailSent {
					unrecorded = append(unrecorded, id)
				}
			}
			return nil
		})
	}})
	acks(t, w, 3*batch)
	if n, err := w.sendDue(context.Background()); err != nil || n != 3*batch {
		t.Fatalf("sent %d, %v", n, err)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(unrecorded) > 0 {
		t.Errorf("the third batch sent with mails %v of the first not recorded", unrecorded)
	}
	wantAllStates(t, db, "", "sent/1")
}
