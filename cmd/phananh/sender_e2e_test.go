package main

import (
	"net/mail"
	"strings"
	"testing"
)

// TestE2ESenderNameInTheCitizensLanguage: the name a mail program shows as
// the sender of a citizen's mail is the Center's in the language the mail
// is written in — English for a citizen who wrote English, as its
// signature — and the one [center] names where the configuration does.
func TestE2ESenderNameInTheCitizensLanguage(t *testing.T) {
	for _, tt := range []struct {
		name, extra, vi, en string
	}{
		{"the routing table's names", "[rules]\ntable = \"2025\"\n",
			"Trung tâm Giám sát, điều hành đô thị thông minh (khu vực Hậu Giang)",
			"Smart City Monitoring and Operations Center (Hậu Giang area, Cần Thơ City)"},
		{"the configuration's names", "[rules]\ntable = \"2025\"\n\n[center]\nname = \"Trung tâm Giám sát, điều hành đô thị thông minh thành phố Cần Thơ\"\nenglish_name = \"Cần Thơ Smart City Operations Center\"\n",
			"Trung tâm Giám sát, điều hành đô thị thông minh thành phố Cần Thơ", "Cần Thơ Smart City Operations Center"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, envOptions{extra: tt.extra})
			e.startDaemon()
			deliverLightReports(e, "sender", "Vi Tan ward", "phường Vị Tân")
			for to, want := range map[string]string{emma: tt.en, lan: tt.vi} {
				ack := e.waitMail("ack", to, 1)
				from, err := mail.ParseAddress(ack.header("From"))
				if err != nil {
					t.Fatalf("From of the acknowledgement to %s: %v", to, err)
				}
				if from.Name != want || from.Address != "phananh@haugiang.gov.vn" {
					t.Errorf("the acknowledgement to %s is from %q <%s>, want %q", to, from.Name, from.Address, want)
				}
			}
		})
	}
}

// TestE2EHTMLDeclaresItsLanguage: the HTML of every mail declares the
// language it is written in, so that a screen reader reads it with the
// right voice and a mail program offers no translation of Vietnamese to a
// Vietnamese reader: English for a citizen who wrote English, Vietnamese
// for the others and for staff.
func TestE2EHTMLDeclaresItsLanguage(t *testing.T) {
	e := newEnv(t, envOptions{})
	e.startDaemon()
	deliverLightReports(e, "lang", "Vi Thanh city", "thành phố Vị Thanh")
	for _, c := range []struct {
		kind, to, want string
	}{{"ack", emma, `<html lang="en">`}, {"ack", lan, `<html lang="vi">`}, {"triage", e2eReceiver, `<html lang="vi">`}} {
		if html := htmlPart(t, e.waitMail(c.kind, c.to, 1).raw); !strings.Contains(html, c.want) {
			t.Errorf("the %s to %s does not begin %s:\n%.300s", c.kind, c.to, c.want, html)
		}
	}
}

// The two citizens of the tests of language: Emma writes English, Lan
// Vietnamese.
const emma, lan = "emma.wilson@gmail.com", "lan.tran@gmail.com"

// deliverLightReports delivers Emma's and Lan's reports of a broken street
// light at the place named in English (placeEN) and in Vietnamese
// (placeVI); tag makes their Message-IDs.
func deliverLightReports(e *env, tag, placeEN, placeVI string) {
	e.deliver(receivedAt, citizenMail("Emma Wilson <"+emma+">", "CAF="+tag+"-en@mail.gmail.com", "Broken street light",
		"Hello,\n\nThe street light in front of my house in "+placeEN+" has been broken for a week.\n\nBest regards,\nEmma Wilson\n+84 903 123 456\n"))
	e.deliver(receivedAt, citizenMail("Trần Thị Lan <"+lan+">", "CAF="+tag+"-vi@mail.gmail.com", "Đèn đường hỏng",
		"Kính gửi Trung tâm,\n\nĐèn đường trước nhà tôi ở "+placeVI+" hỏng một tuần nay.\n\nTrần Thị Lan\n0903 123 456\n"))
}
