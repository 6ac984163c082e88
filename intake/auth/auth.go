// Package auth decides whether a command mail really comes from the
// operator it names (SPEC 7.3): whether our border mail server
// authenticated the From domain (Check), and whether the whole rule —
// operator, reply token or reference, authentication — holds (Authorize).
//
// Check trusts the Authentication-Results headers (RFC 8601) that carry the
// configured authserv-id, all of them: separate filters write one header
// each (OpenDKIM its dkim result, then OpenDMARC its dmarc result above
// it), and the border server removes every incoming header that carries
// our id (RFC 8601 §5), a deployment requirement that docs/mail-server.md
// shows how to meet. Headers with other ids were written by others and
// count for nothing.
package auth

import (
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/authres"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"

	"haugiang.gov.vn/phananh/rules/fold"
)

// Status is the verdict of Check.
type Status string

// The verdicts.
const (
	Pass Status = "pass" // dmarc=pass for the From domain, or dkim=pass aligned with it
	Fail Status = "fail" // our server's headers say anything else, or cannot be read
	None Status = "none" // no header from our server
)

// Result is what Check found.
type Result struct {
	Status Status
	// Method is "dmarc" or "dkim" when Status is Pass.
	Method string
	// Reason says what the headers showed, for the security log: methods,
	// results and domains, never an address.
	Reason string
}

// Check reads the Authentication-Results values of a message (topmost
// first, as parse.Message.AuthResults holds them) and says whether those
// carrying trustedID, taken together, authenticate the domain of fromAddr:
//
//   - none of them shows dmarc=fail, whatever domain it names; and
//   - one shows dmarc=pass with a header.from equal to the From domain, or
//     dkim=pass with a signing domain (header.d, else the domain of
//     header.i) aligned with the From domain in DMARC's relaxed mode: the
//     same organisational domain. The second lets a staff domain that
//     publishes no DMARC record (dmarc=none) command with aligned DKIM.
//
// spf=pass alone is not enough: SPF checks the envelope sender, not From.
// The organisational domain is the registrable domain of the Public Suffix
// List compiled into golang.org/x/net/publicsuffix: haugiang.gov.vn for
// mail.haugiang.gov.vn (gov.vn is a public suffix), so a signature by
// another gov.vn domain is not aligned. Domains are compared in their ASCII
// (IDNA) form, without case. Comments in the headers are removed before
// they are read, so that a comment cannot pass for a property or an id. A
// header of ours that cannot be read fails the whole.
func Check(authResults []string, fromAddr, trustedID string) Result {
	if strings.TrimSpace(trustedID) == "" {
		return Result{Status: None, Reason: "no trusted authserv-id configured"}
	}
	var results []authres.Result
	found := false
	for _, v := range authResults {
		v = stripComments(v)
		if !ours(servID(v), trustedID) {
			continue
		}
		found = true
		_, rs, err := authres.Parse(v)
		if err != nil {
			return Result{Status: Fail, Reason: "unreadable Authentication-Results: " + err.Error()}
		}
		results = append(results, rs...)
	}
	if !found {
		return Result{Status: None, Reason: fmt.Sprintf("no Authentication-Results header from %s", trustedID)}
	}
	from, err := domain(fromAddr)
	if err != nil {
		return Result{Status: Fail, Reason: "From address: " + err.Error()}
	}
	return judge(results, from)
}

// FromBorder reports whether a message passed our border server: it
// carries an Authentication-Results header with trustedID, which the border
// adds to every message it accepts and strips from incoming mail. What the
// border adds beside it, such as its spam filter's mark, is then the
// border's own (SPEC 4.2).
func FromBorder(authResults []string, trustedID string) bool {
	if strings.TrimSpace(trustedID) == "" {
		return false
	}
	for _, v := range authResults {
		if ours(servID(stripComments(v)), trustedID) {
			return true
		}
	}
	return false
}

// judge applies the rule to the results of our server's headers: any
// DMARC failure fails; then DMARC, then DKIM, may pass; otherwise it says
// what the headers showed.
func judge(results []authres.Result, from string) Result {
	for _, r := range results {
		if r, ok := r.(*authres.DMARCResult); ok && r.Value == authres.ResultFail {
			return Result{Status: Fail, Reason: describeAll(results, from)}
		}
	}
	for _, r := range results {
		if r, ok := r.(*authres.DMARCResult); ok && r.Value == authres.ResultPass && dmarcFor(r, from) {
			return Result{Status: Pass, Method: "dmarc", Reason: "dmarc=pass"}
		}
	}
	for _, r := range results {
		if r, ok := r.(*authres.DKIMResult); ok && r.Value == authres.ResultPass && aligned(signingDomain(r), from) {
			return Result{Status: Pass, Method: "dkim", Reason: "dkim=pass header.d=" + signingDomain(r)}
		}
	}
	return Result{Status: Fail, Reason: describeAll(results, from)}
}

// describeAll says what the results showed, in their order.
func describeAll(results []authres.Result, from string) string {
	var seen []string
	for _, r := range results {
		switch r := r.(type) {
		case *authres.DMARCResult:
			s := describe("dmarc", r.Value, "header.from", unquote(r.From), from, dmarcFor(r, from))
			if r.Value == authres.ResultPass && unquote(r.From) == "" {
				s += " without header.from"
			}
			seen = append(seen, s)
		case *authres.DKIMResult:
			d := signingDomain(r)
			seen = append(seen, describe("dkim", r.Value, "header.d", d, from, aligned(d, from)))
		case *authres.SPFResult:
			s := "spf=" + string(r.Value)
			if r.Value == authres.ResultPass {
				s += " (SPF alone is not enough)"
			}
			seen = append(seen, s)
		}
	}
	if len(seen) == 0 {
		return "no DMARC, DKIM or SPF result"
	}
	return strings.Join(seen, "; ")
}

// dmarcFor reports whether a DMARC result is about the From domain: its
// header.from names exactly that domain. A result that names no domain
// may be about another message's From, or none.
func dmarcFor(r *authres.DMARCResult, from string) bool {
	hf := unquote(r.From)
	return hf != "" && sameDomain(hf, from)
}

// describe names one result: method=value, the domain it names and,
// for a pass that does not count, why.
func describe(method string, value authres.ResultValue, prop, d, from string, forFrom bool) string {
	s := fmt.Sprintf("%s=%s", method, value)
	switch {
	case d == "":
	case value == authres.ResultPass && !forFrom:
		s += fmt.Sprintf(" %s=%s (not aligned with %s)", prop, d, from)
	default:
		s += fmt.Sprintf(" %s=%s", prop, d)
	}
	return s
}

// signingDomain returns a DKIM result's domain: header.d, or the domain
// part of header.i ("@example.com", as Gmail writes it).
func signingDomain(r *authres.DKIMResult) string {
	d := unquote(r.Domain)
	if d == "" {
		if i := strings.LastIndexByte(unquote(r.Identifier), '@'); i >= 0 {
			d = unquote(r.Identifier)[i+1:]
		}
	}
	return d
}

// ours reports whether an authserv-id is the trusted one, compared with
// ASCII case folding only: the border's rule that strips incoming headers
// with our id compares ASCII text, and Unicode folding would take a
// Kelvin sign for a "k" that the rule does not see (SPEC 7.3).
func ours(id, trustedID string) bool {
	return fold.Address(id) == fold.Address(trustedID)
}

// servID returns the authserv-id of a header value: its first word.
func servID(v string) string {
	head, _, _ := strings.Cut(v, ";")
	fields := strings.Fields(head)
	if len(fields) == 0 {
		return ""
	}
	return fields[0]
}

// domain returns the ASCII form of an address's domain, in lower case.
func domain(addr string) (string, error) {
	addr = strings.TrimSpace(strings.Trim(strings.TrimSpace(addr), "<>"))
	i := strings.LastIndexByte(addr, '@')
	if i < 0 || i == len(addr)-1 {
		return "", fmt.Errorf("no domain")
	}
	return ascii(addr[i+1:])
}

func ascii(d string) (string, error) {
	d = strings.TrimSuffix(strings.ToLower(strings.TrimSpace(d)), ".")
	a, err := idna.Lookup.ToASCII(d)
	if err != nil {
		return "", fmt.Errorf("bad domain: %w", err)
	}
	return a, nil
}

func sameDomain(a, b string) bool {
	x, err := ascii(a)
	return err == nil && x == b
}

// aligned reports whether d and from have the same organisational domain
// (DMARC relaxed alignment, RFC 7489 §3.1).
func aligned(d, from string) bool {
	x, err := ascii(d)
	if d == "" || err != nil {
		return false
	}
	return x == from || organisational(x) == organisational(from)
}

// organisational returns a domain's registrable domain under the Public
// Suffix List, or the domain itself when it has none (it is a public
// suffix, or a name like "localhost").
func organisational(d string) string {
	if o, err := publicsuffix.EffectiveTLDPlusOne(d); err == nil {
		return o
	}
	return d
}

func unquote(s string) string {
	return strings.Trim(strings.TrimSpace(s), `"`)
}

// stripComments replaces the comments of a header value — "(…)", nested,
// with "\" escapes, outside quoted strings (RFC 5322 §3.2.2) — with a
// space. The authres package leaves them in.
func stripComments(v string) string {
	var b strings.Builder
	depth, quoted, escaped := 0, false, false
	for _, r := range v {
		switch {
		case escaped:
			escaped = false
			if depth > 0 {
				continue
			}
		case r == '\\' && (quoted || depth > 0):
			escaped = true
			if depth > 0 {
				continue
			}
		case depth == 0 && r == '"':
			quoted = !quoted
		case !quoted && r == '(':
			if depth == 0 {
				b.WriteByte(' ')
			}
			depth++
			continue
		case !quoted && r == ')' && depth > 0:
			depth--
			continue
		case depth > 0:
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
