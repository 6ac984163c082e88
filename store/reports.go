package store

import (
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// Report is one field report. Text fields hold clear values: the store
// seals them on the way in and opens them on the way out.
type Report struct {
	ID         int64
	Code       string // PA-YYYY-NNNNNN
	State      string // a state of SPEC 3
	ReceivedAt time.Time
	Lang       string // "vi" or "en": the language of the citizen's mail

	Citizen       Citizen
	Location      string // where it happened, as the citizen wrote it
	IncidentTime  string // when it happened, as the citizen wrote it
	DeclaredField string // the field the citizen named, if any
	Subject       string
	Content       string

	Routing Routing // the current field, unit and agency (the lead, when several handle it)
	// CoAgencies are the agencies the report was forwarded to with its
	// lead (Art 7.1), codes of the routing table; nil when none.
	CoAgencies []string
	Proposal   Routing // what routing proposed at intake

	Urgent, Complex, Confidential bool
	// Secret is set when an approver found that the result holds state
	// secrets (Art 9.1c, /secret): it is neither published nor mailed.
	Secret        bool
	Missing       []string // codes of the form items missing (SPEC 4.5)
	DuplicateOf   string   // the code of the report this one repeats
	CallFailures  int
	Rating        string
	Undeliverable bool
	UpdatedAt     time.Time

	// Result is the text of the result the agency submitted with /resolve,
	// waiting for approval or approved; "" when none.
	Result string
	// ResultMessageID is the incoming message that carried that /resolve:
	// its attachments of role "result" are the result's documents and
	// photos (SPEC 8.3). 0 when none.
	ResultMessageID int64
	// ResolvedAt is when the result was submitted (the received time of
	// the /resolve): the "completion time" of the result notice.
	ResolvedAt time.Time
	// PublishedAt is when the Center approved the result; RatedAt when
	// the citizen rated it.
	PublishedAt, RatedAt time.Time
	// Extension is the state of a complex-case extension (Art 8.3).
	Extension Extension
	// ErasedAt is when the report's personal data was last destroyed
	// (SPEC 10.5): its texts read as "" since. Zero when never. A
	// database restored from a backup older than the erasure reads it
	// from the key store, which recorded when the key was destroyed.
	ErasedAt time.Time
	// ClosedAt is when the report last reached an end — published,
	// closed or rejected — from which its retention counts; zero while it
	// is open. The store keeps it as UpdateReport changes the state.
	ClosedAt time.Time
	// Hold is the reason of an admin's hold (an archive, a dispute),
	// which keeps the report's personal data past its retention until
	// released; HeldAt is when it was put, zero when the report is not
	// held.
	Hold   string
	HeldAt time.Time
}

// Extension is the state of a complex-case extension request (Art 8.3).
type Extension struct {
	Requested bool // an /extend waits for the Center
	Days      int  // working days asked for or granted, 0 when not known
	Confirmed bool // the Center granted it: the result is never counted late
}

// Citizen is who sent a report.
type Citizen struct {
	Email, Name, Phone, Address, Workplace string
}

// Routing is where a report goes and why.
type Routing struct {
	Field, Unit, Agency string
	Rule, Why, Ruleset  string
	// Edition is the routing table's edition ("appendix1", "2025"), "" for
	// reports routed before it was recorded (SPEC 6.4).
	Edition string
	// Former is the code of the former unit whose name the citizen wrote
	// for the unit ("xa-hoa-tien"), "" when none.
	Former string
}

// ErrNotFound is returned for a report, message or mail that does not exist.
var ErrNotFound = errors.New("not found")

// CreateReport stores a new report, giving it the next code of its year of
// receipt, and returns it with its ID and Code set.
func (t *Tx) CreateReport(r Report) (Report, error) {
	id, err := t.nextID("reports")
	if err != nil {
		return r, err
	}
	code, err := t.nextCode(r.ReceivedAt)
	if err != nil {
		return r, err
	}
	r.ID, r.Code = id, code
	if r.UpdatedAt.IsZero() {
		r.UpdatedAt = r.ReceivedAt
	}
	k, keyID, err := t.newReportKey(id)
	if err != nil {
		return r, err
	}
	ix := t
	// The columns are sealed into one pooled buffer, given back once the
	// statement has run.
	buf := getSealBuffer(len(r.Citizen.Email) + len(r.Citizen.Name) + len(r.Citizen.Phone) + len(r.Citizen.Address) +
		len(r.Citizen.Workplace) + len(r.Location) + len(r.IncidentTime) + len(r.DeclaredField) + len(r.Subject) + len(r.Content) +
		len(r.Routing.Why) + 11*sealOverhead)
	defer putSealBuffer(buf)
	s := func(col, v string) []byte { return sealRow(k, buf, "reports", col, id, v) }
	dup, err := t.reportID(r.DuplicateOf)
	if err != nil {
		return r, err
	}
	_, err = t.exec(`INSERT INTO reports (id, code, state, received_at, lang,
		citizen_email, citizen_idx, citizen_name, phone, phone_idx, address, workplace,
		location, incident_time, declared_field, subject, content, content_idx,
		field, unit, agency, rule, why, ruleset, edition, former_unit, proposed_field, proposed_unit, proposed_agency,
		urgent, complex, confidential, missing, duplicate_of, updated_at, key_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		id, code, r.State, r.ReceivedAt.Unix(), r.Lang,
		s("citizen_email", r.Citizen.Email), ix.indexOf(IndexEmail, r.Citizen.Email), s("citizen_name", r.Citizen.Name),
		s("phone", r.Citizen.Phone), ix.indexOf(IndexPhone, r.Citizen.Phone), s("address", r.Citizen.Address),
		s("workplace", r.Citizen.Workplace), s("location", r.Location), s("incident_time", r.IncidentTime),
		s("declared_field", r.DeclaredField), s("subject", r.Subject), s("content", r.Content), t.indexOf(IndexContent, r.Content),
		r.Routing.Field, r.Routing.Unit, r.Routing.Agency, r.Routing.Rule, s("why", r.Routing.Why), r.Routing.Ruleset,
		r.Routing.Edition, r.Routing.Former, r.Proposal.Field, r.Proposal.Unit, r.Proposal.Agency,
		boolInt(r.Urgent), boolInt(r.Complex), boolInt(r.Confidential), strings.Join(r.Missing, ","), dup, r.UpdatedAt.Unix(), keyID)
	if err != nil {
		return r, fmt.Errorf("store: new report: %w", err)
	}
	if t.created == nil {
		t.created = map[string]*createdReport{}
	}
	t.created[code] = &createdReport{id: id}
	return r, nil
}

// createdByID returns the report of id that this transaction made, or nil.
func (t *Tx) createdByID(id int64) *createdReport {
	for _, c := range t.created {
		if c.id == id {
			return c
		}
	}
	return nil
}

// nextCode gives out the next PA-YYYY-NNNNNN of the year of t in Vietnam.
//
// The year's last number is read once a group of the writer and counted
// on from there, as nextID counts ids; each report writes its number back
// with a plain INSERT or UPDATE. An upsert with RETURNING, one statement,
// would cost more: SQLite runs it in a statement journal of its own, and
// closing that journal walks the group's whole savepoint journal.
func (t *Tx) nextCode(received time.Time) (string, error) {
	year := received.In(calendar.Vietnam).Year()
	key := seqKey(year)
	n, ok := t.db.nextIDs[key]
	if !ok || !t.writable {
		if err := t.queryRow(`SELECT coalesce(max(last), 0) + 1 FROM report_seq WHERE year = ?`, year).Scan(&n); err != nil {
			return "", fmt.Errorf("store: report code: %w", err)
		}
	}
	if n > 999999 {
		return "", fmt.Errorf("store: report code: year %d has used all 999999 numbers", year)
	}
	query := `UPDATE report_seq SET last = ? WHERE year = ?`
	if n == 1 {
		query = `INSERT INTO report_seq (last, year) VALUES (?, ?)`
	}
	if _, err := t.exec(query, n, year); err != nil {
		return "", fmt.Errorf("store: report code: %w", err)
	}
	if t.writable && t.db.nextIDs != nil {
		t.db.nextIDs[key] = n + 1
	}
	return fmt.Sprintf("PA-%04d-%06d", year, n), nil
}

// seqKey is the key of a year's next report number among a group's
// counters (DB.nextIDs), which are otherwise keyed by table.
func seqKey(year int) string { return "report_seq " + strconv.Itoa(year) }

// reportID returns the id of the report with code, or nil for "".
func (t *Tx) reportID(code string) (any, error) {
	if code == "" {
		return nil, nil
	}
	if c, ok := t.created[code]; ok {
		return c.id, nil
	}
	var id int64
	err := t.queryRow(`SELECT id FROM reports WHERE code = ?`, code).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("store: report %s: %w", code, ErrNotFound)
	}
	return id, err
}

const reportColumns = `r.id, r.code, r.state, r.received_at, r.lang,
	r.citizen_email, r.citizen_name, r.phone, r.address, r.workplace,
	r.location, r.incident_time, r.declared_field, r.subject, r.content,
	r.field, r.unit, r.agency, r.rule, r.why, r.ruleset, r.edition, r.former_unit, r.proposed_field, r.proposed_unit, r.proposed_agency,
	r.urgent, r.complex, r.confidential, r.missing, coalesce(d.code, ''), r.call_failures, r.rating, r.undeliverable, r.updated_at,
	r.result, coalesce(r.result_message_id, 0), r.resolved_at, r.published_at, r.rated_at,
	r.extension_requested, r.extension_days, r.extension_confirmed, coalesce(r.key_id, ''), r.erased_at,
	r.closed_at, r.held_at, r.hold, r.secret, r.co_agencies`

const reportFrom = ` FROM reports r LEFT JOIN reports d ON d.id = r.duplicate_of `

// Report returns the report with code.
func (t *Tx) Report(code string) (Report, error) {
	return t.scanReport(t.queryRow(`SELECT `+reportColumns+reportFrom+`WHERE r.code = ?`, code), code)
}

// ReportByID returns the report with id.
func (t *Tx) ReportByID(id int64) (Report, error) {
	return t.scanReport(t.queryRow(`SELECT `+reportColumns+reportFrom+`WHERE r.id = ?`, id), fmt.Sprint("#", id))
}

func (t *Tx) scanReport(row *sql.Row, name string) (Report, error) {
	var r Report
	var received, updated int64
	var sealed [10][]byte
	var missing, coAgencies string
	var urgent, complex, confidential, secret, undeliverable, extRequested, extConfirmed int
	var result, why []byte
	var resolved, published, rated, erased, closed, held sql.NullInt64
	var keyID string
	var hold []byte
	err := row.Scan(&r.ID, &r.Code, &r.State, &received, &r.Lang,
		&sealed[0], &sealed[1], &sealed[2], &sealed[3], &sealed[4],
		&sealed[5], &sealed[6], &sealed[7], &sealed[8], &sealed[9],
		&r.Routing.Field, &r.Routing.Unit, &r.Routing.Agency, &r.Routing.Rule, &why, &r.Routing.Ruleset,
		&r.Routing.Edition, &r.Routing.Former, &r.Proposal.Field, &r.Proposal.Unit, &r.Proposal.Agency,
		&urgent, &complex, &confidential, &missing, &r.DuplicateOf, &r.CallFailures, &r.Rating, &undeliverable, &updated,
		&result, &r.ResultMessageID, &resolved, &published, &rated, &extRequested, &r.Extension.Days, &extConfirmed, &keyID, &erased,
		&closed, &held, &hold, &secret, &coAgencies)
	if errors.Is(err, sql.ErrNoRows) {
		return r, fmt.Errorf("report %s: %w", name, ErrNotFound)
	}
	if err != nil {
		return r, fmt.Errorf("store: report %s: %w", name, err)
	}
	r.ReceivedAt, r.UpdatedAt = time.Unix(received, 0).UTC(), time.Unix(updated, 0).UTC()
	r.Urgent, r.Complex, r.Confidential, r.Undeliverable = urgent != 0, complex != 0, confidential != 0, undeliverable != 0
	r.Secret = secret != 0
	r.ResolvedAt, r.PublishedAt, r.RatedAt = fromUnix(resolved), fromUnix(published), fromUnix(rated)
	r.Extension.Requested, r.Extension.Confirmed = extRequested != 0, extConfirmed != 0
	r.ErasedAt, r.ClosedAt, r.HeldAt = fromUnix(erased), fromUnix(closed), fromUnix(held)
	k, err := t.reportKey(r.ID, keyID, erased.Valid)
	if err != nil {
		return r, err
	}
	if r.ErasedAt.IsZero() && k.erased {
		r.ErasedAt = k.destroyedAt // a database older than the erasure: its key is gone all the same
	}
	if r.Hold, err = k.open("reports", "hold", r.ID, hold); err != nil {
		return r, err
	}
	if r.Result, err = k.open("reports", "result", r.ID, result); err != nil {
		return r, err
	}
	if r.Routing.Why, err = k.open("reports", "why", r.ID, why); err != nil {
		return r, err
	}
	if missing != "" {
		r.Missing = strings.Split(missing, ",")
	}
	r.CoAgencies = splitCodes(coAgencies)
	cols := []string{"citizen_email", "citizen_name", "phone", "address", "workplace", "location", "incident_time", "declared_field", "subject", "content"}
	dst := []*string{&r.Citizen.Email, &r.Citizen.Name, &r.Citizen.Phone, &r.Citizen.Address, &r.Citizen.Workplace,
		&r.Location, &r.IncidentTime, &r.DeclaredField, &r.Subject, &r.Content}
	for i, col := range cols {
		if *dst[i], err = k.open("reports", col, r.ID, sealed[i]); err != nil {
			return r, err
		}
	}
	return r, nil
}

// RecentReportBy returns the code of the latest report from the same citizen
// address with the same content received at or after since, or "" (the
// duplicate check of SPEC 4.7).
func (t *Tx) RecentReportBy(email, content string, since time.Time) (string, error) {
	idx := t.indexOf(IndexEmail, email)
	if idx == nil {
		return "", nil
	}
	var code string
	err := t.queryRow(`SELECT code FROM reports WHERE citizen_idx = ? AND received_at >= ? AND content_idx = ?
		AND duplicate_of IS NULL ORDER BY received_at DESC LIMIT 1`, idx, since.Unix(), t.indexOf(IndexContent, content)).Scan(&code)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	return code, err
}

// SetUndeliverable records that mail to the citizen of a report bounced
// (SPEC 4.8): the receivers must reach them by phone.
func (t *Tx) SetUndeliverable(reportID int64, at time.Time) error {
	_, err := t.exec(`UPDATE reports SET undeliverable = 1, updated_at = ? WHERE id = ?`, at.Unix(), reportID)
	if err != nil {
		return fmt.Errorf("store: undeliverable: %w", err)
	}
	return nil
}

// UpdateReport writes what the lifecycle changes of a report (SPEC 3): its
// state, routing (co-agencies included), marks (secret included), call failures, rating, result, extension and hold,
// and updated_at = at; and closed_at = at when the state reaches an end
// (published, closed, rejected) from another, none when it leaves the ends.
// What the citizen sent (text, contact, received time, the intake
// proposal) never changes. A hold put on a report whose personal data was
// erased fails with ErrErased (SPEC 10.5: nothing is left to hold).
func (t *Tx) UpdateReport(r Report, at time.Time) error {
	var resultMsg any
	if r.ResultMessageID != 0 {
		resultMsg = r.ResultMessageID
	}
	k, err := t.keyFor(r.ID)
	if err != nil {
		return fmt.Errorf("store: update report %s: %w", r.Code, err)
	}
	if r.Hold != "" && k.keepsNothing() {
		// Its reason could not be kept, and there is nothing left to hold.
		return fmt.Errorf("store: update report %s: hold: %w", r.Code, ErrErased)
	}
	res, err := t.exec(updateReport,
		r.State, r.Routing.Field, r.Routing.Unit, r.Routing.Agency, r.Routing.Rule, k.seal("reports", "why", r.ID, r.Routing.Why),
		r.Routing.Ruleset, r.Routing.Edition, r.Routing.Former, strings.Join(r.CoAgencies, ","),
		boolInt(r.Urgent), boolInt(r.Complex), boolInt(r.Confidential), boolInt(r.Secret), r.CallFailures, r.Rating,
		k.seal("reports", "result", r.ID, r.Result), resultMsg, unix(r.ResolvedAt), unix(r.PublishedAt), unix(r.RatedAt),
		boolInt(r.Extension.Requested), r.Extension.Days, boolInt(r.Extension.Confirmed), at.Unix(),
		boolInt(!ended(r.State)), r.State, at.Unix(), k.seal("reports", "hold", r.ID, r.Hold), unix(r.HeldAt), r.ID)
	if err != nil {
		return fmt.Errorf("store: update report %s: %w", r.Code, err)
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return fmt.Errorf("store: update report %s: %w", r.Code, ErrNotFound)
	}
	return nil
}

// updateReport is UpdateReport's statement. Whether the new state is an end
// is its argument, not `state NOT IN (…)`, for which SQLite would build a
// temporary b-tree of the list at every update.
const updateReport = `UPDATE reports SET state = ?, field = ?, unit = ?, agency = ?, rule = ?, why = ?, ruleset = ?,
		edition = ?, former_unit = ?, co_agencies = ?, urgent = ?, complex = ?, confidential = ?, secret = ?, call_failures = ?, rating = ?,
		result = ?, result_message_id = ?, resolved_at = ?, published_at = ?, rated_at = ?,
		extension_requested = ?, extension_days = ?, extension_confirmed = ?, updated_at = ?,
		closed_at = CASE WHEN ? THEN NULL WHEN state = ? THEN closed_at ELSE ? END,
		hold = ?, held_at = ? WHERE id = ?`

// ended reports whether a report in state has reached an end.
func ended(state string) bool {
	return state == "published" || state == "closed" || state == "rejected"
}

// splitCodes reads a comma-separated list of codes; nil for "".
func splitCodes(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
