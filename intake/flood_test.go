package intake

import (
	"fmt"
	"strings"
	"testing"
)

// TestAutomaticReplyLimitCountsTheMailbox: the variants of one address —
// its +details, and at Gmail its dots and googlemail.com — share the
// sender's hourly automatic replies (SPEC 4.7).
func TestAutomaticReplyLimitCountsTheMailbox(t *testing.T) {
	f := newFixture(t)
	from := []string{"an.nguyen+1@gmail.com", "an.nguyen+2@gmail.com", "AnNguyen@gmail.com", "a.n.nguyen@googlemail.com",
		"an.nguyen+pa@GoogleMail.com", "annguyen+6@gmail.com", "an.nguyen+7@gmail.com"}
	var states []string
	for i, addr := range from {
		body := fmt.Sprintf("Đèn đường số %d hư, huyện Vị Thủy.\n", i)
		out := f.process(t, report(addr, fmt.Sprintf("r%d@x", i), "Đèn đường hư", body))
		states = append(states, f.mails(t, out.Code)[0].State)
	}
	want := "queued queued queued queued queued suppressed suppressed"
	if got := strings.Join(states, " "); got != want {
		t.Errorf("acknowledgement states %s, want %s", got, want)
	}
}
