package auth_test

import (
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/auth"
)

const ours = "mx.haugiang.gov.vn"

func TestCheck(t *testing.T) {
	tests := []struct {
		name    string
		headers []string
		from    string
		status  auth.Status
		method  string
		reason  string // a part of the reason
	}{
		{name: "dmarc pass",
			headers: []string{ours + "; dkim=pass header.d=haugiang.gov.vn header.s=s1; spf=pass smtp.mailfrom=a@haugiang.gov.vn; dmarc=pass (p=reject dis=none) header.from=haugiang.gov.vn"},
			from:    "a@haugiang.gov.vn", status: auth.Pass, method: "dmarc"},
		{name: "dmarc pass without header.from",
			headers: []string{ours + "; dmarc=pass"}, from: "a@haugiang.gov.vn", status: auth.Fail,
			reason: "dmarc=pass without header.from"},
		{name: "dmarc pass for a subdomain of the From domain",
			headers: []string{ours + "; dmarc=pass header.from=mail.haugiang.gov.vn"}, from: "a@haugiang.gov.vn", status: auth.Fail,
			reason: "not aligned"},
		{name: "dmarc pass for another From domain",
			headers: []string{ours + "; dmarc=pass header.from=example.com"}, from: "a@haugiang.gov.vn", status: auth.Fail,
			reason: "dmarc=pass header.from=example.com (not aligned with haugiang.gov.vn)"},
		{name: "dkim pass aligned, no dmarc",
			headers: []string{ours + "; dkim=pass header.d=haugiang.gov.vn; spf=fail"}, from: "a@haugiang.gov.vn",
			status: auth.Pass, method: "dkim"},
		{name: "dkim pass by a parent domain",
			headers: []string{ours + "; dkim=pass header.d=haugiang.gov.vn"}, from: "a@sotttt.haugiang.gov.vn",
			status: auth.Pass, method: "dkim"},
		{name: "dkim pass by a subdomain",
			headers: []string{ours + "; dkim=pass header.d=mail.haugiang.gov.vn"}, from: "a@haugiang.gov.vn",
			status: auth.Pass, method: "dkim"},
		{name: "dkim pass by a sibling under a public suffix is not aligned",
			headers: []string{ours + "; dkim=pass header.d=evil.gov.vn"}, from: "a@haugiang.gov.vn",
			status: auth.Fail, reason: "not aligned"},
		{name: "dkim pass unaligned (a mailing service)",
			headers: []string{ours + "; dkim=pass header.d=sendgrid.net; spf=pass smtp.mailfrom=bounce@sendgrid.net; dmarc=fail header.from=haugiang.gov.vn"},
			from:    "a@haugiang.gov.vn", status: auth.Fail,
			reason: "dkim=pass header.d=sendgrid.net (not aligned with haugiang.gov.vn); spf=pass (SPF alone is not enough); dmarc=fail"},
		{name: "one of two signatures aligned",
			headers: []string{ours + "; dkim=pass header.d=sendgrid.net; dkim=pass header.d=haugiang.gov.vn"}, from: "a@haugiang.gov.vn",
			status: auth.Pass, method: "dkim"},
		{name: "dkim pass named by header.i",
			headers: []string{ours + "; dkim=pass header.i=@haugiang.gov.vn header.s=20230601 header.b=AbC/12"}, from: "a@haugiang.gov.vn",
			status: auth.Pass, method: "dkim"},
		{name: "spf pass alone",
			headers: []string{ours + "; spf=pass smtp.mailfrom=a@haugiang.gov.vn"}, from: "a@haugiang.gov.vn",
			status: auth.Fail, reason: "spf=pass (SPF alone is not enough)"},
		{name: "all fail",
			headers: []string{ours + "; dkim=fail header.d=haugiang.gov.vn; spf=softfail; dmarc=fail"}, from: "a@haugiang.gov.vn",
			status: auth.Fail, reason: "dkim=fail header.d=haugiang.gov.vn; spf=softfail; dmarc=fail"},
		{name: "none",
			headers: []string{ours + "; none"}, from: "a@haugiang.gov.vn", status: auth.Fail, reason: "no DMARC, DKIM or SPF result"},
		{name: "no header at all", from: "a@haugiang.gov.vn", status: auth.None},
		{name: "only another server's header",
			headers: []string{"mx.google.com; dmarc=pass header.from=haugiang.gov.vn"}, from: "a@haugiang.gov.vn", status: auth.None},
		{name: "another authserv-id above ours is ignored",
			headers: []string{"relay.example; dmarc=pass header.from=haugiang.gov.vn", ours + "; dmarc=fail header.from=haugiang.gov.vn"},
			from:    "a@haugiang.gov.vn", status: auth.Fail, reason: "dmarc=fail"},
		{name: "every header with our id counts",
			headers: []string{ours + "; spf=pass smtp.mailfrom=x@haugiang.gov.vn", ours + "; dmarc=pass header.from=haugiang.gov.vn"},
			from:    "a@haugiang.gov.vn", status: auth.Pass, method: "dmarc"},
		{name: "a dmarc failure in any header fails",
			headers: []string{ours + "; dmarc=pass header.from=haugiang.gov.vn", ours + "; dmarc=fail header.from=haugiang.gov.vn"},
			from:    "a@haugiang.gov.vn", status: auth.Fail, reason: "dmarc=pass header.from=haugiang.gov.vn; dmarc=fail header.from=haugiang.gov.vn"},
		{name: "a dmarc failure fails an aligned dkim pass",
			headers: []string{ours + "; dmarc=fail (p=reject dis=none) header.from=haugiang.gov.vn", ours + "; dkim=pass header.d=haugiang.gov.vn"},
			from:    "a@haugiang.gov.vn", status: auth.Fail, reason: "dmarc=fail"},
		{name: "a dmarc failure for another domain fails too",
			headers: []string{ours + "; dkim=pass header.d=haugiang.gov.vn; dmarc=fail header.from=example.com"},
			from:    "a@haugiang.gov.vn", status: auth.Fail, reason: "dmarc=fail header.from=example.com"},
		{name: "OpenDMARC's dmarc=none above OpenDKIM's aligned pass",
			headers: []string{
				ours + "; dmarc=none (p=none dis=none) header.from=sotttt.haugiang.gov.vn",
				ours + "; dkim=pass (2048-bit key; unprotected) header.d=sotttt.haugiang.gov.vn header.i=@sotttt.haugiang.gov.vn header.a=rsa-sha256 header.s=mail header.b=AbCd1234",
				"mx.sotttt.haugiang.gov.vn; dmarc=fail header.from=sotttt.haugiang.gov.vn",
			},
			from: "a@sotttt.haugiang.gov.vn", status: auth.Pass, method: "dkim"},
		{name: "OpenDMARC's dmarc=none above OpenDKIM's unaligned pass",
			headers: []string{
				ours + "; dmarc=none (p=none dis=none) header.from=haugiang.gov.vn",
				ours + "; dkim=pass (2048-bit key; unprotected) header.d=evil.example header.i=@evil.example header.a=rsa-sha256 header.s=mail header.b=AbCd1234",
			},
			from: "a@haugiang.gov.vn", status: auth.Fail, reason: "dmarc=none header.from=haugiang.gov.vn; dkim=pass header.d=evil.example (not aligned"},
		{name: "one unreadable header of ours fails the whole",
			headers: []string{ours + "; dmarc=pass header.from=haugiang.gov.vn", ours + " 2; dmarc=pass"},
			from:    "a@haugiang.gov.vn", status: auth.Fail, reason: "unreadable"},
		{name: "id and values in any case, with a version",
			headers: []string{"MX.HauGiang.gov.vn 1; DKIM=PASS header.d=HAUGIANG.GOV.VN"}, from: "A@HaUGiang.gov.vn",
			status: auth.Pass, method: "dkim"},
		{name: "a comment does not pass for a property",
			headers: []string{ours + "; dkim=pass (key; header.d=haugiang.gov.vn) header.d=evil.example"}, from: "a@haugiang.gov.vn",
			status: auth.Fail, reason: "header.d=evil.example"},
		{name: "a comment before the id",
			headers: []string{"(our border) " + ours + "; dmarc=pass header.from=haugiang.gov.vn"}, from: "a@haugiang.gov.vn", status: auth.Pass, method: "dmarc"},
		{name: "an id in a comment is no id",
			headers: []string{"(" + ours + ") mx.evil.example; dmarc=pass header.from=haugiang.gov.vn"}, from: "a@haugiang.gov.vn", status: auth.None},
		{name: "quoted domain",
			headers: []string{ours + `; dkim=pass header.d="haugiang.gov.vn"`}, from: "a@haugiang.gov.vn", status: auth.Pass, method: "dkim"},
		{name: "internationalised domain",
			headers: []string{ours + "; dkim=pass header.d=xn--bcher-kva.example"}, from: "a@bücher.example", status: auth.Pass, method: "dkim"},
		{name: "unsupported version",
			headers: []string{ours + " 2; dmarc=pass"}, from: "a@haugiang.gov.vn", status: auth.Fail, reason: "unreadable"},
		{name: "From without a domain",
			headers: []string{ours + "; dmarc=pass"}, from: "postmaster", status: auth.Fail, reason: "no domain"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := auth.Check(tt.headers, tt.from, ours)
			if got.Status != tt.status || got.Method != tt.method || !strings.Contains(got.Reason, tt.reason) {
				t.Errorf("got %+v; want %s %q with reason containing %q", got, tt.status, tt.method, tt.reason)
			}
			if strings.Contains(got.Reason, "a@") || strings.Contains(got.Reason, "x@") {
				t.Errorf("reason %q carries an address", got.Reason)
			}
		})
	}
}

func TestCheckWithoutTrustedID(t *testing.T) {
	got := auth.Check([]string{"; dmarc=pass", " ; dmarc=pass"}, "a@haugiang.gov.vn", "")
	if got.Status != auth.None {
		t.Fatalf("got %+v", got)
	}
}

func TestAuthorize(t *testing.T) {
	pass := auth.Result{Status: auth.Pass, Method: "dmarc", Reason: "dmarc=pass"}
	fail := auth.Result{Status: auth.Fail, Reason: "spf=pass (SPF alone is not enough)"}
	none := auth.Result{Status: auth.None, Reason: "no Authentication-Results header from " + ours}
	tests := []struct {
		name   string
		in     auth.Inputs
		ok     bool
		reason string
	}{
		{"token and authentication", auth.Inputs{Operator: true, Token: true, Auth: pass, RequireAuth: true}, true, "reply token"},
		{"token, authentication failed", auth.Inputs{Operator: true, Token: true, Auth: fail, RequireAuth: true}, false, "not passed: fail"},
		{"token, no header", auth.Inputs{Operator: true, Token: true, Auth: none, RequireAuth: true}, false, "not passed: none"},
		{"token, authentication not required", auth.Inputs{Operator: true, Token: true, Auth: none}, true, "not required"},
		{"not an operator", auth.Inputs{Token: true, Auth: pass, RequireAuth: true}, false, "not an active operator"},
		{"reference and authentication", auth.Inputs{Operator: true, Reference: true, Auth: pass, RequireAuth: true}, true, "reference"},
		{"reference, authentication failed", auth.Inputs{Operator: true, Reference: true, Auth: fail, RequireAuth: true}, false, "not passed"},
		{"reference needs authentication even when not required", auth.Inputs{Operator: true, Reference: true, Auth: none}, false,
			"needs passing authentication"},
		{"reference, not required but passed", auth.Inputs{Operator: true, Reference: true, Auth: pass}, true, "reference"},
		{"neither token nor reference", auth.Inputs{Operator: true, Auth: pass, RequireAuth: true}, false, "neither"},
		{"outside a thread", auth.Inputs{Operator: true, Standalone: true, Auth: pass, RequireAuth: true}, true, "outside a report thread"},
		{"outside a thread, authentication failed", auth.Inputs{Operator: true, Standalone: true, Auth: fail, RequireAuth: true}, false, "not passed"},
		{"outside a thread, not required", auth.Inputs{Operator: true, Standalone: true, Auth: none}, false, "need passing authentication"},
		{"outside a thread, not required but passed", auth.Inputs{Operator: true, Standalone: true, Auth: pass}, true, "outside a report thread"},
		{"outside a thread, not an operator", auth.Inputs{Standalone: true, Auth: pass, RequireAuth: true}, false, "not an active operator"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ok, reason := auth.Authorize(tt.in)
			if ok != tt.ok || !strings.Contains(reason, tt.reason) {
				t.Errorf("got %v %q; want %v with %q", ok, reason, tt.ok, tt.reason)
			}
		})
	}
}

// TestEndToEnd runs Check into Authorize as the pipeline will.
func TestEndToEnd(t *testing.T) {
	headers := []string{
		ours + "; dkim=pass header.d=haugiang.gov.vn; dmarc=pass header.from=haugiang.gov.vn",
		"mx.evil.example; dmarc=pass header.from=haugiang.gov.vn", // written by another server: ignored
	}
	res := auth.Check(headers, "nguyen.van.a@haugiang.gov.vn", ours)
	ok, reason := auth.Authorize(auth.Inputs{Operator: true, Reference: true, Auth: res, RequireAuth: true})
	if !ok || reason != "reference to mail sent to this operator; authenticated: dmarc=pass" {
		t.Fatalf("got %v %q", ok, reason)
	}
	forged := auth.Check(headers[1:], "nguyen.van.a@haugiang.gov.vn", "other-id")
	if ok, _ := auth.Authorize(auth.Inputs{Operator: true, Token: true, Auth: forged, RequireAuth: true}); ok {
		t.Fatal("accepted without our server's header")
	}
}

func BenchmarkCheck(b *testing.B) {
	headers := []string{
		ours + "; dkim=pass (2048-bit key; unprotected) header.d=haugiang.gov.vn header.i=@haugiang.gov.vn header.b=\"AbCdEf12\"; " +
			"spf=pass (mx.haugiang.gov.vn: domain of a@haugiang.gov.vn designates 203.0.113.5 as permitted sender) smtp.mailfrom=a@haugiang.gov.vn; " +
			"dmarc=fail (p=NONE sp=NONE dis=NONE) header.from=haugiang.gov.vn",
		"mx.google.com; dkim=pass header.i=@haugiang.gov.vn",
	}
	b.ReportAllocs()
	for b.Loop() {
		if r := auth.Check(headers, "a@sotttt.haugiang.gov.vn", ours); r.Status != auth.Pass {
			b.Fatal(r)
		}
	}
}

func TestFromBorder(t *testing.T) {
	for _, c := range []struct {
		headers []string
		id      string
		want    bool
	}{
		{[]string{"mail.haugiang.gov.vn; spf=pass smtp.mailfrom=example.net"}, "mail.haugiang.gov.vn", true},
		{[]string{"mx.example.net; spf=pass", "MAIL.haugiang.gov.vn 1; dkim=none"}, "mail.haugiang.gov.vn", true},
		{[]string{"mx.example.net; spf=pass"}, "mail.haugiang.gov.vn", false},
		{[]string{"(mail.haugiang.gov.vn) mx.example.net; spf=pass"}, "mail.haugiang.gov.vn", false},
		{nil, "mail.haugiang.gov.vn", false},
		{[]string{"mail.haugiang.gov.vn; spf=pass"}, "", false},
	} {
		if got := auth.FromBorder(c.headers, c.id); got != c.want {
			t.Errorf("FromBorder(%q, %q) = %v, want %v", c.headers, c.id, got, c.want)
		}
	}
}

// TestCheckReadsOurIDInASCII: the border's rule that strips forged
// headers compares our id as ASCII text (Postfix's regular expression), so
// only ASCII case folding may make a header ours: with an id holding an
// "s" or a "k", a forged header written with the long s "ſ" or the Kelvin
// sign "K", which Unicode folds to them, passes the border and must count
// for nothing.
func TestCheckReadsOurIDInASCII(t *testing.T) {
	for _, c := range []struct{ id, written, domain string }{
		{"mail.soctrang.gov.vn", "mail.\u017Foctrang.gov.vn", "soctrang.gov.vn"},
		{"mx.kontum.gov.vn", "mx.\u212Aontum.gov.vn", "kontum.gov.vn"},
	} {
		forged := []string{c.written + "; dmarc=pass header.from=" + c.domain}
		if r := auth.Check(forged, "a@"+c.domain, c.id); r.Status != auth.None {
			t.Errorf("%q read as %q: %+v", c.written, c.id, r)
		}
		if auth.FromBorder(forged, c.id) {
			t.Errorf("%q read as our border's %q", c.written, c.id)
		}
		upper := []string{strings.ToUpper(c.id) + "; dmarc=pass header.from=" + c.domain}
		if r := auth.Check(upper, "a@"+c.domain, c.id); r.Status != auth.Pass {
			t.Errorf("%q in upper case not read as ours: %+v", c.id, r)
		}
	}
}
