package templates

import "time"

// Check is the test mail of `phananh check --send-test`: it shows the IT
// team that mail from this machine, through the configured server, reaches
// an address.
type Check struct {
	Host    string    // the machine that sent it
	Server  string    // the submission server, host:port
	Version string    // phananh's version
	At      time.Time // when it was sent
}

func sampleCheck() *Check {
	return &Check{Host: "phananh-01", Server: "mail.haugiang.gov.vn:587", Version: "1.0.0", At: sampleTime}
}
