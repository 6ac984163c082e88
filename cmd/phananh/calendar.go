package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
	"haugiang.gov.vn/phananh/rules/deadline"
)

const calendarSynopsis = "calendar due --calendar FILE --kind working-hours|working-days|intake --from RFC3339 --arg N|normal|complex|urgent"

// runCalendar runs "phananh calendar SUBCOMMAND"; the one subcommand is due.
func runCalendar(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "usage: phananh %s\n", calendarSynopsis)
		return exitUsage
	}
	switch args[0] {
	case "due":
		return runCalendarDue(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintf(stdout, "usage: phananh %s\n", calendarSynopsis)
		return exitOK
	default:
		fmt.Fprintf(stderr, "phananh calendar: unknown subcommand %q\nusage: phananh %s\n", args[0], calendarSynopsis)
		return exitUsage
	}
}

// runCalendarDue prints the due instant of one deadline computation, RFC 3339
// in the calendar's zone, alone on one line (SPEC 12.1).
func runCalendarDue(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("calendar due", calendarSynopsis, stderr)
	file := fs.String("calendar", "", "TOML `FILE` with a [calendar] table, used alone (no holiday file unless it names one)")
	kind := fs.String("kind", "", "`KIND` of deadline arithmetic: working-hours, working-days or intake")
	from := fs.String("from", "", "start instant, `RFC3339` (2026-11-23T08:00:00+07:00)")
	arg := fs.String("arg", "", "`N` working hours (may be fractional: 0.5) or working days, or normal|complex|urgent for intake")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return calendarUsageError(stderr, fmt.Sprintf("unexpected argument %q", fs.Arg(0)))
	}
	required := []struct{ name, value string }{{"--calendar", *file}, {"--kind", *kind}, {"--from", *from}, {"--arg", *arg}}
	for _, f := range required {
		if f.value == "" {
			return calendarUsageError(stderr, f.name+" is required")
		}
	}
	start, err := time.Parse(time.RFC3339, *from)
	if err != nil {
		return calendarUsageError(stderr, fmt.Sprintf("--from: %q is not an RFC 3339 instant like 2026-11-23T08:00:00+07:00", *from))
	}
	q, err := deadline.ParseQuery(*kind, *arg)
	if err != nil {
		return calendarUsageError(stderr, err.Error())
	}
	cal, err := calendar.Load(*file)
	if err != nil {
		fmt.Fprintf(stderr, "phananh calendar due: %v\n", err)
		return exitFailed
	}
	fmt.Fprintln(stdout, q.Due(cal, start).In(cal.Location()).Format(time.RFC3339Nano))
	return exitOK
}

func calendarUsageError(stderr io.Writer, msg string) int {
	fmt.Fprintf(stderr, "phananh calendar due: %s\nusage: phananh %s\n", msg, calendarSynopsis)
	return exitUsage
}
