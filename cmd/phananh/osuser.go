package main

import (
	"fmt"
	"os"
	"os/user"
)

// osUser names who runs a command, for the access log (SPEC 10.5): the
// operating-system user, and the one who ran sudo when it was used.
func osUser() string {
	name := os.Getenv("USER")
	if u, err := user.Current(); err == nil {
		name = u.Username
	}
	if name == "" {
		name = fmt.Sprintf("uid %d", os.Getuid())
	}
	if s := os.Getenv("SUDO_USER"); s != "" && s != name {
		name += " (sudo by " + s + ")"
	}
	return name
}
