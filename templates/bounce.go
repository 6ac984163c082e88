package templates

import "time"

// Bounce tells the receivers that mail to a report's citizen failed for
// good (SPEC 4.8): they must reach the citizen by phone.
type Bounce struct {
	Code   string
	Kind   string    // the kind of mail that failed ("ack", …)
	Status string    // the DSN status code, "5.1.1"
	SentAt time.Time // when that mail was written
	Phone  bool      // the report has a phone number to call
}

func sampleBounce() *Bounce {
	return &Bounce{Code: "PA-2026-000042", Kind: "ack", Status: "5.1.1", SentAt: sampleTime, Phone: true}
}
