package intake

import (
	"strings"
	"testing"
)

// TestUIDValidityChangeReprocessesNothing: the mailbox's UIDVALIDITY
// changes (the server rebuilt its index, the mailbox was restored) while
// messages already committed are still in the inbox — the process stopped
// before moving them. Under their new UIDs no outcome is recorded; each
// is recognised by its Message-ID and content (SPEC 4.1) as the message
// processed before, becomes no second report, applies no command again,
// and owes no mail: the report, the command, and the message too large to
// read, quarantined.
func TestUIDValidityChangeReprocessesNothing(t *testing.T) {
	w := newWalker(t)
	w.ingest(outage)
	w.p.Limits.MaxMessageBytes = 4000
	raws := []string{
		report("dan@example.com", "new@x", "Mất điện", "Ấp 2 xã Vị Đông, huyện Vị Thủy mất điện.\n"),
		w.commandMail(receiver, w.report().ID, w.code, "accept@example.gov.vn", "/accept\n"),
		report("dan@example.com", "big@x", "Ảnh hiện trường", strings.Repeat("Đường ngập nước sâu.\n", 300)),
	}
	mark := 0
	run := func(uidValidity uint32) []Result {
		return w.p.ProcessAll(t.Context(), func(yield func(Source) bool) {
			for i, raw := range raws {
				if !yield(Source{Mailbox: "INBOX", UIDValidity: uidValidity, UID: uint32(i + 1), ReceivedAt: w.at, Body: strings.NewReader(raw)}) {
					return
				}
			}
		}, nil)
	}
	for i, r := range run(7) {
		if want := []string{KindReport, KindCommand, KindQuarantine}[i]; r.Err != nil || r.Outcome.Kind != want {
			t.Fatalf("message %d: %+v, want %s", i+1, r, want)
		}
	}
	w.sentSince(&mark)
	before := w.state()
	counts := w.counts(t)
	for i, r := range run(8) {
		if r.Err != nil || r.Outcome.Kind != KindDuplicate {
			t.Errorf("message %d under the new UIDVALIDITY: %+v, want a duplicate", i+1, r)
		}
	}
	if after := w.state(); after != before {
		t.Errorf("the report changed:\n%s\nwas\n%s", after, before)
	}
	if owed := w.sentSince(&mark); len(owed) != 0 {
		var kinds []string
		for _, m := range owed {
			kinds = append(kinds, m.Kind+" to "+m.To)
		}
		t.Errorf("the messages seen again owe %d mails: %s", len(owed), strings.Join(kinds, ", "))
	}
	again := w.counts(t)
	for _, kind := range []string{KindReport, KindCommand, KindQuarantine} {
		if again[kind] != counts[kind] {
			t.Errorf("%s recorded %d times, was %d", kind, again[kind], counts[kind])
		}
	}
}

// TestDistinctTooLargeMessagesBothQuarantined: two different messages too
// large to keep, neither with a Message-ID, are two messages: each is
// quarantined and its receivers told, though neither has a stored copy.
func TestDistinctTooLargeMessagesBothQuarantined(t *testing.T) {
	f := newFixture(t)
	f.p.Limits.MaxMessageBytes = 2000
	big := func(what string) string {
		return eml([]string{"From: dan@example.com", "To: phananh@haugiang.gov.vn", "Subject: " + what}, strings.Repeat(what+"\n", 300))
	}
	for i, r := range f.processAll([]string{big("Đường ngập"), big("Cây đổ")}) {
		if r.Err != nil || r.Outcome.Kind != KindQuarantine {
			t.Errorf("message %d: %+v, want it quarantined", i+1, r)
		}
	}
}
