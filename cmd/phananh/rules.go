package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/rules/routing"
)

const rulesSynopsis = `rules check FILE | --table NAME
       phananh rules explain --config FILE [--field CODE] [--unit CODE] < REPORT

check:   validates a routing table file, or a built-in table (appendix1,
         2025); prints a summary, or every problem with its line (exit 1).
explain: routes a report read from standard input (first line: subject; the
         rest: content) with the table of the configuration and prints the
         decision as one JSON object.`

// explainInput is where "rules explain" reads the report; tests replace it.
var explainInput io.Reader = os.Stdin

// maxExplainBytes bounds the report "rules explain" reads.
const maxExplainBytes = 4 << 20

func runRules(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintf(stderr, "usage: phananh %s\n", rulesSynopsis)
		return exitUsage
	}
	switch args[0] {
	case "check":
		return runRulesCheck(args[1:], stdout, stderr)
	case "explain":
		return runRulesExplain(args[1:], stdout, stderr)
	case "help", "-h", "-help", "--help":
		fmt.Fprintf(stdout, "usage: phananh %s\n", rulesSynopsis)
		return exitOK
	default:
		fmt.Fprintf(stderr, "phananh rules: unknown subcommand %q\nusage: phananh %s\n", args[0], rulesSynopsis)
		return exitUsage
	}
}

// runRulesCheck validates a table file: a one-line summary when it is good,
// every problem on stderr when it is not.
func runRulesCheck(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("rules check", "rules check FILE | --table NAME", stderr)
	builtin := fs.String("table", "", "a built-in table `NAME` to check instead of a file: "+strings.Join(routing.BuiltinNames(), ", "))
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if (fs.NArg() == 1) == (*builtin != "") || fs.NArg() > 1 {
		fmt.Fprintln(stderr, "phananh rules check: name one table file, or one built-in table with --table\nusage: phananh rules check FILE | --table NAME")
		return exitUsage
	}
	name := fs.Arg(0)
	t, err := routing.Open(name, *builtin)
	if err != nil {
		return reportTableError(stderr, "rules check", err)
	}
	if name == "" {
		name = t.Name()
	}
	units := fmt.Sprintf("%d units", len(t.Units()))
	if n := len(t.Formers()); n > 0 {
		units += fmt.Sprintf(" (and %d former units)", n)
	}
	edition := ""
	if t.Edition() != "" {
		edition = "edition " + t.Edition() + ", "
	}
	fmt.Fprintf(stdout, "%s: good: %d agencies, %s, %d fields, %d rules; %sversion %s\n",
		name, len(t.Agencies()), units, len(t.Fields()), len(t.Rules()), edition, t.Version())
	return exitOK
}

// reportTableError prints a table's problems, one per line, and their count.
func reportTableError(stderr io.Writer, cmd string, err error) int {
	var verr *routing.ValidationError
	if !errors.As(err, &verr) {
		fmt.Fprintf(stderr, "phananh %s: %v\n", cmd, err)
		return exitFailed
	}
	for _, p := range verr.Problems {
		fmt.Fprintln(stderr, p)
	}
	fmt.Fprintf(stderr, "phananh %s: %d problem(s); the table is refused\n", cmd, len(verr.Problems))
	return exitFailed
}

// explanation is the JSON that "rules explain" prints (SPEC 12.1).
type explanation struct {
	Field  string `json:"field"`
	Unit   string `json:"unit"`
	Agency string `json:"agency"`
	Urgent bool   `json:"urgent"`
	Rule   string `json:"rule"`
	Why    string `json:"why"`
}

func runRulesExplain(args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("rules explain", "rules explain --config FILE [--field CODE] [--unit CODE] < REPORT", stderr)
	configPath := fs.String("config", "", "the daemon's configuration `FILE`; its [rules] table or file names the routing table")
	field := fs.String("field", "", "a field `CODE` the citizen declared")
	unit := fs.String("unit", "", "a unit `CODE` already known")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if *configPath == "" || fs.NArg() > 0 {
		fmt.Fprintln(stderr, "phananh rules explain: --config is required and there are no arguments (the report comes on standard input)")
		return exitUsage
	}
	cfg, err := config.Load(*configPath)
	if err != nil {
		fmt.Fprintf(stderr, "phananh rules explain: %v\n", err)
		return exitFailed
	}
	table, err := routing.Open(cfg.Rules.File, cfg.Rules.Table)
	if err != nil {
		return reportTableError(stderr, "rules explain", err)
	}
	if _, ok := table.Field(*field); *field != "" && !ok {
		fmt.Fprintf(stderr, "phananh rules explain: --field: no field %q in %s\n", *field, table.Name())
		return exitUsage
	}
	if _, ok := table.Unit(*unit); *unit != "" && !ok {
		fmt.Fprintf(stderr, "phananh rules explain: --unit: no unit %q in %s\n", *unit, table.Name())
		return exitUsage
	}
	subject, text, err := readReport(explainInput)
	if err != nil {
		fmt.Fprintf(stderr, "phananh rules explain: standard input: %v\n", err)
		return exitFailed
	}
	d := table.Route(routing.Input{Subject: subject, Text: text, Field: *field, Unit: *unit})
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(explanation{Field: d.Field, Unit: d.Unit, Agency: d.Agency, Urgent: d.Urgent, Rule: d.Rule, Why: d.Why}); err != nil {
		fmt.Fprintf(stderr, "phananh rules explain: %v\n", err)
		return exitFailed
	}
	return exitOK
}

// readReport reads a report as "rules explain" takes it: the first line is
// the subject, the rest the content.
func readReport(r io.Reader) (subject, text string, err error) {
	br := bufio.NewReader(io.LimitReader(r, maxExplainBytes+1))
	first, err := br.ReadString('\n')
	if err != nil && err != io.EOF {
		return "", "", err
	}
	rest, err := io.ReadAll(br)
	if err != nil {
		return "", "", err
	}
	if len(first)+len(rest) > maxExplainBytes {
		return "", "", fmt.Errorf("a report of more than %d bytes", maxExplainBytes)
	}
	text = strings.ReplaceAll(string(rest), "\r\n", "\n")
	return strings.TrimRight(first, "\r\n"), text, nil
}
