package intake

import (
	"strings"
	"time"

	"haugiang.gov.vn/phananh/intake/form"
	"haugiang.gov.vn/phananh/intake/parse"
	"haugiang.gov.vn/phananh/rules/routing"
	"haugiang.gov.vn/phananh/store"
	"haugiang.gov.vn/phananh/templates"
)

// draft is the report a message makes, before it is stored: what the form
// read in what the sender wrote (see bodyText), and what the routing table
// proposes for it. A report written in its subject alone — an empty body,
// or only a signature — has the subject for its content (SPEC 4.2); its
// signature still gives the form a name and a phone number.
func draft(m *parse.Message, received time.Time, table *routing.Table) (store.Report, routing.Decision) {
	text := bodyText(m)
	f := form.Read(text).WithSignature(m.Signature)
	content := text
	if f.Labelled && f.Content != "" {
		content = f.Content
	}
	decision := table.Route(routing.Input{Subject: m.Subject, Text: content, Field: f.Field, Location: f.Location, Address: f.Address})
	if strings.TrimSpace(text) == "" {
		content, f.Content = m.Subject, m.Subject
	}
	r := store.Report{
		State: "received", ReceivedAt: received, Lang: lang(m),
		Citizen: store.Citizen{Email: m.From.Addr, Name: first(f.Name, form.PersonName(m.From.Name)), Phone: f.Phone,
			Address: f.Address, Workplace: f.Workplace},
		Location: f.Location, IncidentTime: f.Time, DeclaredField: f.Field, Subject: m.Subject, Content: content,
		Routing:  routingOf(decision),
		Proposal: routingOf(decision),
		Urgent:   decision.Urgent, Confidential: f.Confidential,
		Missing: missing(f, m, decision),
	}
	return r, decision
}

func routingOf(d routing.Decision) store.Routing {
	return store.Routing{Field: d.Field, Unit: d.Unit, Agency: d.Agency, Rule: d.Rule, Why: d.Why, Ruleset: d.Version,
		Edition: d.Edition, Former: d.Former}
}

func lang(m *parse.Message) string {
	if m.English {
		return templates.English
	}
	return templates.Vietnamese
}

// missing lists what the report lacks (SPEC 4.5). A person's name in the
// From header counts as the citizen's name, a text that names an administrative
// unit gives the location (also a former district now split, or a name two
// units share, which the receiver decides), and a subject with a date or an hour, or a
// photo's capture time, gives the time of the event (Art 6.2).
func missing(f form.Form, m *parse.Message, d routing.Decision) []string {
	var out []string
	for _, item := range f.Missing() {
		switch {
		case item == "name" && form.PersonName(m.From.Name) != "":
		case item == "location" && (d.Unit != "" || d.Placed):
		case item == "time" && (form.MentionsTime(m.Subject) || photoTaken(m)):
		default:
			out = append(out, item)
		}
	}
	return out
}

// photoTaken reports whether a kept photo of the message records when it
// was taken (EXIF).
func photoTaken(m *parse.Message) bool {
	for _, a := range keptAttachments(m) {
		if a.Photo != nil && !a.Photo.Taken.IsZero() {
			return true
		}
	}
	return false
}

func first(values ...string) string {
	for _, v := range values {
		if strings.TrimSpace(v) != "" {
			return v
		}
	}
	return ""
}
