// Package auth decides whether a command mail really comes from the
// operator it names (SPEC 7.3): whether our border mail server
// authenticated the From domain (Check), and whether the whole rule —
// operator, reply token or reference, authentication — holds (Authorize).
//
// Check trusts only the Authentication-Results header (RFC 8601) that our
// own border server wrote: the topmost one carrying the configured
// authserv-id. Headers further down were written before the message reached
// us, by anyone; the border server must also remove incoming headers that
// carry our id (RFC 8601 §5), a deployment requirement. With servers that
// write one header per method (OpenDKIM and OpenDMARC as separate milters),
// only the topmost counts: put the DMARC result on top, or have one filter
// write every result.
package auth

import (
	"fmt"
	"strings"

	"github.com/emersion/go-msgauth/authres"
	"golang.org/x/net/idna"
	"golang.org/x/net/publicsuffix"
)

// Status is the verdict of Check.
type Status string

// The verdicts.
const (
	Pass Status = "pass" // dmarc=pass, or dkim=pass aligned with the From domain
	Fail Status = "fail" // our server's header says anything else, or cannot be read
	None Status = "none" // no header from our server
)

// Result is what Check found.
type Result struct {
	Status Status
	// Method is "dmarc" or "dkim" when Status is Pass.
	Method string
	// Reason says what the header showed, for the security log: methods,
	// results and domains, never an address.
	Reason string
}

// Check reads the Authentication-Results values of a message (topmost
// first, as parse.Message.AuthResults holds them) and says whether the
// topmost one carrying trustedID authenticates the domain of fromAddr:
//
//   - dmarc=pass, whose header.from (when given) is the From domain; or
//   - dkim=pass with a signing domain (header.d, else the domain of
//     header.i) aligned with the From domain in DMARC's relaxed mode: the
//     same organisational domain.
//
// spf=pass alone is not enough: SPF checks the envelope sender, not From.
// The organisational domain is the registrable domain of the Public Suffix
// List compiled into golang.org/x/net/publicsuffix: haugiang.gov.vn for
// mail.haugiang.gov.vn (gov.vn is a public suffix), so a signature by
// another gov.vn domain is not aligned. Domains are compared in their ASCII
// (IDNA) form, without case. Comments in the header are removed before it
// is read, so that a comment cannot pass for a property.
func Check(authResults []string, fromAddr, trustedID string) Result {
	if strings.TrimSpace(trustedID) == "" {
		return Result{Status: None, Reason: "no trusted authserv-id configured"}
	}
	for _, v := range authResults {
		v = stripComments(v)
		if !strings.EqualFold(servID(v), trustedID) {
			continue
		}
		from, err := domain(fromAddr)
		if err != nil {
			return Result{Status: Fail, Reason: "From address: " + err.Error()}
		}
		_, results, err := authres.Parse(v)
		if err != nil {
			return Result{Status: Fail, Reason: "unreadable Authentication-Results: " + err.Error()}
		}
		return judge(results, from)
	}
	return Result{Status: None, Reason: fmt.Sprintf("no Authentication-Results header from %s", trustedID)}
}

// judge applies the rule to the results of our server's header: DMARC
// first, then DKIM; otherwise it says what failed.
func judge(results []authres.Result, from string) Result {
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
	var seen []string
	for _, r := range results {
		switch r := r.(type) {
		case *authres.DMARCResult:
			seen = append(seen, describe("dmarc", r.Value, "header.from", unquote(r.From), from))
		case *authres.DKIMResult:
			seen = append(seen, describe("dkim", r.Value, "header.d", signingDomain(r), from))
		case *authres.SPFResult:
			s := "spf=" + string(r.Value)
			if r.Value == authres.ResultPass {
				s += " (SPF alone is not enough)"
			}
			seen = append(seen, s)
		}
	}
	if len(seen) == 0 {
		return Result{Status: Fail, Reason: "no DMARC, DKIM or SPF result"}
	}
	return Result{Status: Fail, Reason: strings.Join(seen, "; ")}
}

// dmarcFor reports whether a DMARC result is about the From domain: its
// header.from names it, or names nothing.
func dmarcFor(r *authres.DMARCResult, from string) bool {
	hf := unquote(r.From)
	return hf == "" || sameDomain(hf, from)
}

func describe(method string, value authres.ResultValue, prop, d, from string) string {
	s := fmt.Sprintf("%s=%s", method, value)
	switch {
	case d == "":
	case value == authres.ResultPass:
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
