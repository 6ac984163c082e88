package auth

// Inputs are the facts SPEC 7.3 decides on, for one command mail.
type Inputs struct {
	// Operator is (a): the From address is an active operator's.
	Operator bool
	// Token is (b): the mail is addressed to the reply address we gave
	// that operator for that report (phananh+TOKEN@…, token.Keys.Check
	// with the operator audience and the From address).
	Token bool
	// Reference is (b)'s fallback: In-Reply-To or References names a
	// Message-ID we sent to that operator.
	Reference bool
	// Standalone is set for commands outside a report thread — /status
	// CODE, /help, /report — which need (a) and a passing (c), whatever
	// RequireAuth says: outside a thread nothing else proves the sender.
	Standalone bool
	// Auth is Check's result: (c).
	Auth Result
	// RequireAuth is require_authentication_results: production keeps it
	// on; tests and mail servers that write no Authentication-Results turn
	// it off.
	RequireAuth bool
}

// Authorize applies SPEC 7.3 and says whether the commands may be applied,
// with the reason for the security log (no address, no report detail):
//
//   - (a) always;
//   - (c) where RequireAuth is on: Auth passed;
//   - outside a report thread, (c) even where RequireAuth is off: no
//     token or thread can stand in for it there, and a forged From with
//     hundreds of /status and /report lines would otherwise be obeyed;
//   - in a report thread, (b): the reply token, or else the reference to a
//     Message-ID we sent that operator. The reference is accepted only when
//     Auth passed, even with RequireAuth off: Message-IDs travel in
//     forwarded and quoted mail, and a From is easy to forge, so without
//     authentication only the token — bound to the operator's address —
//     proves the thread. (Were RequireAuth off to waive this too, the
//     spec's sentence on the fallback would say nothing.)
func Authorize(in Inputs) (ok bool, reason string) {
	if !in.Operator {
		return false, "the From address is not an active operator's"
	}
	switch {
	case in.RequireAuth && in.Auth.Status != Pass:
		return false, "authentication results required and not passed: " + authReason(in.Auth)
	case in.Standalone && in.Auth.Status == Pass:
		return true, "operator outside a report thread; authenticated: " + in.Auth.Reason
	case in.Standalone:
		return false, "outside a report thread, commands need passing authentication results: " + authReason(in.Auth)
	case in.Token:
		return true, "reply token; " + holdsBecause(in)
	case in.Reference && in.Auth.Status == Pass:
		return true, "reference to mail sent to this operator; authenticated: " + in.Auth.Reason
	case in.Reference:
		return false, "a reference without a reply token needs passing authentication results: " + authReason(in.Auth)
	}
	return false, "neither a valid reply token nor a reference to mail sent to this operator"
}

func holdsBecause(in Inputs) string {
	if in.Auth.Status == Pass {
		return "authenticated: " + in.Auth.Reason
	}
	return "authentication results not required"
}

func authReason(r Result) string {
	if r.Reason == "" {
		return string(r.Status)
	}
	return string(r.Status) + " (" + r.Reason + ")"
}
