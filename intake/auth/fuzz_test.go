package auth_test

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/auth"
)

// FuzzCheck reads arbitrary Authentication-Results values, one per line,
// for an arbitrary From address, and checks what must hold whatever they
// say: Check does not panic; a pass names its method; a header of another
// server above them changes nothing; and no header of ours added to them
// that shows dmarc=fail lets them pass.
func FuzzCheck(f *testing.F) {
	for _, seed := range []struct{ headers, from string }{
		{ours + "; dkim=pass header.d=haugiang.gov.vn; dmarc=pass (p=reject dis=none) header.from=haugiang.gov.vn", "a@haugiang.gov.vn"},
		{ours + "; dmarc=none (p=none dis=none) header.from=haugiang.gov.vn\n" +
			ours + "; dkim=pass (2048-bit key; unprotected) header.d=haugiang.gov.vn header.i=@haugiang.gov.vn header.b=\"AbC/1+2=\"", "a@haugiang.gov.vn"},
		{ours + "; dmarc=pass", "a@haugiang.gov.vn"},
		{"(comment; " + ours + ") MX.HAUGIANG.GOV.VN 1; DKIM=PASS header.i=@haugiang.gov.vn; spf=pass smtp.mailfrom=\"a\\\"b\"@x", "A@HaUGiang.gov.vn"},
		{ours + "; none", "postmaster"},
		{ours + " 2; dmarc=pass header.from=xn--bcher-kva.example", "a@bücher.example"},
		{"mx.google.com; dkim=pass header.i=@haugiang.gov.vn\n" + ours + "; dmarc=fail header.from=haugiang.gov.vn", "<a@haugiang.gov.vn>"},
	} {
		f.Add(seed.headers, seed.from)
	}
	f.Fuzz(func(t *testing.T, headers, from string) {
		values := strings.Split(headers, "\n")
		got := auth.Check(values, from, ours)
		switch got.Status {
		case auth.Pass:
			if got.Method != "dmarc" && got.Method != "dkim" {
				t.Fatalf("pass without a method: %+v", got)
			}
		case auth.Fail, auth.None:
			if got.Method != "" {
				t.Fatalf("%s with a method: %+v", got.Status, got)
			}
		default:
			t.Fatalf("status %q", got.Status)
		}
		if got.Reason == "" {
			t.Fatalf("no reason: %+v", got)
		}
		above := append([]string{"mx.evil.example; dmarc=pass header.from=haugiang.gov.vn"}, values...)
		if again := auth.Check(above, from, ours); again != got {
			t.Fatalf("another server's header changed %+v into %+v", got, again)
		}
		failed := append(values[:len(values):len(values)], ours+"; dmarc=fail header.from=example.com")
		if r := auth.Check(failed, from, ours); r.Status == auth.Pass {
			t.Fatalf("passed with a dmarc failure among our headers: %+v", r)
		}
	})
}
