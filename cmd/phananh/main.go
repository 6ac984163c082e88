// Command phananh is the email channel of Hậu Giang province's field-report
// system: it reads citizens' reports from an IMAP mailbox, routes them to the
// agency that must handle them, tracks the regulation's deadlines and answers
// by mail.
//
// Run "phananh help" for the list of subcommands.
package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

// Exit statuses shared by every subcommand.
const (
	exitOK     = 0 // everything succeeded
	exitFailed = 1 // something failed (the rest was still done)
	exitUsage  = 2 // bad usage
)

// A command is one subcommand of the binary.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, stdout, stderr io.Writer) int
}

// commands lists the subcommands in the order "phananh help" shows them.
var commands = []command{
	{"serve", "run the daemon: read the mailbox, send mail, watch deadlines", runServe},
	{"ingest", "ingest .eml files through the intake pipeline (mail is only queued)", runIngest},
	{"show", "print a report and its events as JSON", runShow},
	{"demo", "run the whole pipeline on embedded defaults and write the mail it sent", runDemo},
	{"backup", "copy the database and the data folder consistently", runBackup},
	{"restore", "bring a backup back into an empty database and data folder, checked with the key", runRestore},
	{"check", "check a deployment: configuration, keys, table, operators, mailbox, SMTP server", runCheck},
	{"keygen", "write a new 32-byte key file", runKeygen},
	{"operators", "list the operators and check them against the routing table", runOperators},
	{"calendar", "working-time calendar tools (calendar due …)", runCalendar},
	{"rules", "routing table tools (rules check …, rules explain …)", runRules},
	{"report", "write a period's report: HTML, XLSX, CSV and chart", runReport},
	{"stats", "write the public statistics: stats.json and index.html", runStats},
	{"publish", "write the public results: pages, JSON and Open311 files", runPublish},
	{"version", "print the version, commit and build date", runVersion},
	{"export", "write a report's whole record, decrypted, for a lawful request", runExport},
	{"subject", "list a person's reports, by email address or phone number", runSubject},
	{"erase", "destroy a report's personal data beyond recovery", runErase},
	{"hold", "keep a report past its retention (an archive, a dispute), or release it", runHold},
	{"request", "track data-subject requests and their legal deadlines", runRequest},
	{"access-log", "print who read or handled personal data, as JSON lines", runAccessLog},
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := dispatch(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

func dispatch(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		if len(args) == 0 {
			return exitUsage
		}
		return exitOK
	}
	for _, c := range commands {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	fmt.Fprintf(stderr, "phananh: unknown command %q (run \"phananh help\")\n", args[0])
	return exitUsage
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "usage: phananh COMMAND [flags] [args]")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "commands:")
	for _, c := range commands {
		fmt.Fprintf(w, "  %-10s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Run \"phananh COMMAND --help\" for a command's flags.")
}
