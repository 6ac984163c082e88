package lifecycle_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"haugiang.gov.vn/phananh/rules/lifecycle"
)

func commands(as []lifecycle.Action) string {
	var out []string
	for _, a := range as {
		out = append(out, a.Command())
	}
	return strings.Join(out, " ")
}

// TestUsable lists what each reader of a notice can do in the report's
// state: after approval the agency's handler can no longer /return,
// /resolve or /extend; a bare /accept is not offered while the proposal
// is the Center; the confirmation of an extension only while one waits.
func TestUsable(t *testing.T) {
	const center = "ttgsdh"
	for _, c := range []struct {
		name   string
		role   lifecycle.Role
		agency string
		facts  lifecycle.Facts
		want   string
	}{
		{"receiver, new report", lifecycle.Receiver, "", lifecycle.Facts{State: lifecycle.Received, Agency: "dien-luc"},
			"/accept /assign /reject /call-failed /escalate /urgent /complex /field /unit /confidential /note /status /help /codes"},
		{"receiver, proposal the Center", lifecycle.Receiver, "", lifecycle.Facts{State: lifecycle.Received, Agency: center},
			"/assign /reject /call-failed /escalate /urgent /complex /field /unit /confidential /note /status /help /codes"},
		{"handler, forwarded", lifecycle.Handler, "dien-luc", lifecycle.Facts{State: lifecycle.Forwarded, Agency: "dien-luc"},
			"/return /resolve /extend /note /status /help /codes"},
		{"handler, extension waiting", lifecycle.Handler, "dien-luc",
			lifecycle.Facts{State: lifecycle.Forwarded, Agency: "dien-luc", Extension: lifecycle.Extension{Requested: true}},
			"/return /resolve /note /status /help /codes"},
		{"handler, published", lifecycle.Handler, "dien-luc", lifecycle.Facts{State: lifecycle.Published, Agency: "dien-luc"},
			"/clarify /note /status /help /codes"},
		{"handler of another agency", lifecycle.Handler, "so-gtvt", lifecycle.Facts{State: lifecycle.Forwarded, Agency: "dien-luc"},
			"/help /codes"},
		{"handler, escalated", lifecycle.Handler, "dien-luc", lifecycle.Facts{State: lifecycle.Escalated, Agency: "dien-luc"},
			"/help /codes"},
		{"leader, forwarded", lifecycle.Leader, "dien-luc", lifecycle.Facts{State: lifecycle.Forwarded, Agency: "dien-luc"},
			"/return /resolve /extend /note /status /help /report /codes"},
		{"approver, result with text", lifecycle.Approver, "", lifecycle.Facts{State: lifecycle.Resolved, Agency: "dien-luc", Result: "Đã xử lý."},
			"/approve /sendback /escalate /field /unit /confidential /secret /note /status /help /report /codes"},
		{"approver, result without text", lifecycle.Approver, "", lifecycle.Facts{State: lifecycle.Resolved, Agency: "dien-luc"},
			"/sendback /escalate /field /unit /confidential /secret /note /status /help /report /codes"},
		{"approver, extension waiting", lifecycle.Approver, "",
			lifecycle.Facts{State: lifecycle.Forwarded, Agency: "dien-luc", Extension: lifecycle.Extension{Requested: true}},
			"/confirm-extension /deny-extension /escalate /urgent /complex /field /unit /confidential /secret /note /status /help /report /codes"},
		{"approver, escalated", lifecycle.Approver, "", lifecycle.Facts{State: lifecycle.Escalated, Agency: "dien-luc"},
			"/assign /urgent /complex /field /unit /confidential /secret /note /status /help /report /codes"},
		{"admin", lifecycle.Admin, "", lifecycle.Facts{State: lifecycle.Forwarded, Agency: "dien-luc"}, "/note /hold /status /help /codes"},
		{"admin, held", lifecycle.Admin, "", lifecycle.Facts{State: lifecycle.Closed, Agency: "dien-luc", Held: true},
			"/note /release /status /help /codes"},
		{"admin, erased", lifecycle.Admin, "", lifecycle.Facts{State: lifecycle.Closed, Agency: "dien-luc", ErasedAt: time.Now()},
			"/status /help /codes"},
		{"handler, published, erased", lifecycle.Handler, "dien-luc",
			lifecycle.Facts{State: lifecycle.Published, Agency: "dien-luc", ErasedAt: time.Now()}, "/status /help /codes"},
		{"handler, no report: every command of the role", lifecycle.Handler, "dien-luc", lifecycle.Facts{},
			"/return /resolve /extend /clarify /note /status /help /codes"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := commands(lifecycle.Usable(c.role, c.agency, c.facts, center)); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
	// Every operator's command is in the cheat sheet's order once.
	for _, a := range lifecycle.Actions() {
		in := slices.Contains(lifecycle.Commands(), a)
		if operator := strings.HasPrefix(a.Command(), "/"); in != operator {
			t.Errorf("%s: in Commands %v", a, in)
		}
	}
}
