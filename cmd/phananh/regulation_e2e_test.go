package main

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/store"
)

// TestE2ESecret: an approver marks a resolved report's result as holding
// state secrets (/bimatnhanuoc, Art 9.1c) and approves it, in one reply.
// The citizen gets no result notice but one that tells them to contact the
// agency, without the result; the agency hears its result was approved,
// without its text being mailed again; the store says the report is
// secret, and the public results do not show it.
func TestE2ESecret(t *testing.T) {
	e := newEnv(t, envOptions{http: true})
	e.startDaemon()
	base := "http://" + e.daemon.listener.Addr().String()
	at := receivedAt
	e.deliver(at, citizenReport(7, e2eCitizen))
	code := e.waitMail("ack", e2eCitizen, 1).code()
	const result = "Đã xử lý theo phương án của Bộ Chỉ huy quân sự tỉnh."
	e.walk(code, e2eCitizen, &at, result, "hien-truong.jpg", false)
	e.replyTo(e.mailAbout("review", e2eApprover, code), e2eApprover, at.Add(20*time.Minute), "/bimatnhanuoc\n/duyet\n", "")

	notice := e.mailAbout("secret-result", e2eCitizen, code)
	body := notice.text()
	for _, want := range []string{"bí mật nhà nước", "liên hệ trực tiếp Công ty Điện lực Hậu Giang", "nêu mã phản ánh " + code} {
		if !strings.Contains(body, want) {
			t.Errorf("the citizen's notice lacks %q:\n%s", want, body)
		}
	}
	if strings.Contains(body, "Đã xử lý theo phương án") || len(notice.files()) != 0 {
		t.Errorf("the citizen's notice carries the secret result:\n%s", body)
	}
	approved := e.mailAbout("approved", e2eHandler, code)
	if a := approved.text(); strings.Contains(a, "Đã xử lý theo phương án") || !strings.Contains(a, "bí mật nhà nước") || len(approved.files()) != 0 {
		t.Errorf("the agency's notice of approval:\n%s", a)
	}
	if n := len(e.mailsOf("result", e2eCitizen)); n != 0 {
		t.Errorf("%d result notices mailed", n)
	}

	var secret bool
	e.openStore().Read(context.Background(), func(tx *store.Tx) error {
		r, err := tx.Report(code)
		if err != nil {
			return err
		}
		secret, err = tx.Secret(r.ID)
		return err
	})
	if !secret {
		t.Error("the store does not say the report is secret")
	}
	if b, status := getStatus(t, base+"/ket-qua/"+code+".html"); status != http.StatusNotFound {
		t.Errorf("the secret result is published: %d\n%.300s", status, b)
	}
}
