package main

import "net/http"

// safeHeaders are the header fields of every response of the daemon's HTTP
// listener — the health check, the metrics, the public statistics, the
// public results and Open311, errors and redirects alike — set in this one
// place: no content sniffing (a JSON answer or a photo is never read as a
// page), a Content-Security-Policy that allows no script, no plugin, no
// framing and nothing from elsewhere (the pages use inline styles and
// their own images only), and no referrer sent when a reader follows a
// link out.
var safeHeaders = map[string]string{
	"X-Content-Type-Options": "nosniff",
	"Content-Security-Policy": "default-src 'none'; img-src 'self' data:; style-src 'unsafe-inline'; " +
		"form-action 'self'; base-uri 'none'; frame-ancestors 'none'",
	"Referrer-Policy": "no-referrer",
}

// withSafeHeaders sets safeHeaders on every response of h before h writes
// it.
func withSafeHeaders(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		for name, value := range safeHeaders {
			w.Header().Set(name, value)
		}
		h.ServeHTTP(w, r)
	})
}
