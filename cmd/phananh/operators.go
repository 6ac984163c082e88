package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"slices"
	"strings"
	"text/tabwriter"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/rules/fold"
	"haugiang.gov.vn/phananh/rules/lifecycle"
	"haugiang.gov.vn/phananh/rules/routing"
)

func runOperators(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("operators", "operators --config FILE\n\nLists the operators, then every agency of the routing table with its code, its names and its\nhandlers and leaders, and checks them: every handler's and leader's agency exists, and every agency\nhas at least one handler and one leader (Art 15.3). The handlers and leaders the agencies lack are\nlisted last as [[operators]] tables to copy into the configuration, each with its email left empty\nfor the person's address (until it is written, the table is not yet an operator); where the\nconfiguration already has such a table, its file and line are named instead.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "", 0, "config"); p != "" {
		return badUsage(fs, p)
	}
	cfg, err := config.Load(*configPath)
	if err != nil {
		fmt.Fprintf(stderr, "phananh operators: %v\n", err)
		return exitFailed
	}
	table, err := routing.Open(cfg.Rules.File, cfg.Rules.Table)
	if err != nil {
		fmt.Fprintf(stderr, "phananh operators: %v\n", err)
		return exitFailed
	}
	table = cfg.Center.Table(table)
	listOperators(stdout, cfg.Operators)
	fmt.Fprintln(stdout)
	pointed := listAgencies(stdout, cfg, table)
	located := slices.Concat(unknownAgencies(cfg.Path, cfg.Operators, table), unknownAgencies(cfg.Path, cfg.Unfilled, table))
	for _, p := range located {
		fmt.Fprintln(stderr, p)
	}
	problems := slices.Concat(checkOperators(cfg.Operators, table), checkLeaders(cfg.Operators, table))
	for _, p := range problems {
		fmt.Fprintf(stderr, "%s: %s\n", cfg.Path, p)
	}
	for _, w := range centerAndAgency(cfg.Operators, table) {
		fmt.Fprintf(stderr, "%s: warning: %s\n", cfg.Path, w)
	}
	if len(cfg.Unfilled) > 0 {
		fmt.Fprintf(stderr, "warning: %s\n", unfilledSummary(cfg, pointed))
	}
	if len(located)+len(problems) > 0 {
		return exitFailed
	}
	fmt.Fprintf(stdout, "%d operators; every agency of the routing table has a handler and a leader\n", len(cfg.Operators))
	return exitOK
}

// listOperators writes the operators as a table.
func listOperators(w io.Writer, ops []config.Operator) {
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tROLE\tAGENCY\tNAME")
	for _, op := range ops {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", op.Email, op.Role, op.Agency, op.Name)
	}
	tw.Flush()
}

// listAgencies writes every agency of the table with its code, its names
// in Vietnamese and in English, and the addresses of its handlers and
// leaders ("none" where it has none), then what each handler and each
// leader an agency but the Center lacks needs: where the configuration
// already has its [[operators]] table with the email left empty
// (config.Config.Unfilled), that table's file and line, to write the
// address there; else a new table ready to fill in, so that the tables
// written can be pasted as they are, run after run, without making
// duplicates. The IT team reads here the codes the configuration needs. A
// table pasted with its email left empty is not yet an operator: the
// configuration still loads, and check, operators and serve warn of it.
// It returns the lines of the tables it pointed at.
func listAgencies(w io.Writer, cfg *config.Config, table *routing.Table) (pointed map[int]bool) {
	ops := cfg.Operators
	fmt.Fprintf(w, "Agencies of the routing table %s (%d):\n", table.Title(), len(table.Agencies()))
	tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "CODE\tNAME\tNAME IN ENGLISH\tHANDLERS\tLEADERS")
	center := table.Center().Code
	for _, a := range table.Agencies() {
		handlers, leaders := servedBy(ops, a.Code, config.RoleHandler), servedBy(ops, a.Code, config.RoleLeader)
		if a.Code == center {
			handlers, leaders = "(the Center: its receivers and approvers)", "-"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", a.Code, a.Name, cmp.Or(a.English, "-"), handlers, leaders)
	}
	tw.Flush()
	noHandler, noLeader := withoutHandler(ops, table), withoutRole(ops, table, config.RoleLeader)
	if len(noHandler)+len(noLeader) == 0 {
		return nil
	}
	fmt.Fprintf(w, "\nNo handler for %s, no leader for %d (Art 15.3 asks for both).\n", agencies(len(noHandler)), len(noLeader))
	var unfilled, tables strings.Builder
	pointed = map[int]bool{}
	for _, a := range table.Agencies() {
		for _, m := range []struct {
			role config.Role
			of   []routing.Agency
		}{{config.RoleHandler, noHandler}, {config.RoleLeader, noLeader}} {
			if !slices.ContainsFunc(m.of, func(l routing.Agency) bool { return l.Code == a.Code }) {
				continue
			}
			i := slices.IndexFunc(cfg.Unfilled, func(op config.Operator) bool { return op.Role == m.role && op.Agency == a.Code })
			if i >= 0 {
				fmt.Fprintf(&unfilled, "  %s:%d  %s of %s (%s)\n", cfg.Path, cfg.Unfilled[i].Line, m.role, a.Code, a.Name)
				pointed[cfg.Unfilled[i].Line] = true
				continue
			}
			fmt.Fprintf(&tables, "\n[[operators]]\nemail = \"\"\nrole = %q\nagency = %q # %s\n", m.role, a.Code, a.Name)
		}
	}
	if unfilled.Len() > 0 {
		fmt.Fprintf(w, "\nThe configuration has these tables, their email still empty: write the person's address on the line named:\n%s", unfilled.String())
	}
	if tables.Len() > 0 {
		fmt.Fprintf(w, "\nAdd these to the configuration, each with the person's address (a table whose email is left empty "+
			"is not yet an operator: check and serve warn of it):\n%s", tables.String())
	}
	return pointed
}

// unfilledSummary is operators' one warning of the [[operators]] tables
// whose email is still empty (config.Config.Unfilled): their count, and
// the file and line of each that the listing did not point at (pointed, by
// line: a second table for the same agency and role, a Center role's) —
// the listing names the others, one a line, so that dozens of tables
// pasted and not yet filled in do not repeat it as dozens of warnings.
func unfilledSummary(cfg *config.Config, pointed map[int]bool) string {
	var unlisted []string
	for _, op := range cfg.Unfilled {
		if pointed[op.Line] {
			continue
		}
		who := string(op.Role)
		if op.Agency != "" {
			who += " of " + op.Agency
		}
		unlisted = append(unlisted, fmt.Sprintf("%s:%d (%s)", cfg.Path, op.Line, who))
	}
	where := "each is listed above with its line"
	switch {
	case len(unlisted) == len(cfg.Unfilled):
		where = "at " + strings.Join(unlisted, ", ")
	case len(unlisted) > 0:
		where = fmt.Sprintf("%d listed above with their lines, and %s", len(cfg.Unfilled)-len(unlisted), strings.Join(unlisted, ", "))
	}
	if len(cfg.Unfilled) == 1 {
		return cfg.UnfilledWarning(cfg.Unfilled[0])
	}
	return fmt.Sprintf("%s: %d [[operators]] tables with an empty email, not yet operators: %s; write each person's address "+
		"there, or delete the table", cfg.Path, len(cfg.Unfilled), where)
}

// servedBy lists the addresses of the operators of a role serving an
// agency, "none" when there are none.
func servedBy(ops []config.Operator, agency string, role config.Role) string {
	var emails []string
	for _, op := range ops {
		if op.Role == role && op.Agency == agency {
			emails = append(emails, op.Email)
		}
	}
	if len(emails) == 0 {
		return "none"
	}
	return strings.Join(emails, ", ")
}

// checkOperators checks the operators against the routing table: every
// agency has a handler, and the Center has a receiver and an approver
// (unknownAgencies checks the agencies they name).
func checkOperators(ops []config.Operator, table *routing.Table) []string {
	var problems []string
	if without := withoutHandler(ops, table); len(without) > 0 {
		problems = append(problems, fmt.Sprintf("no handler for %s (their notices go to their leaders and "+
			"their official mailbox, email in the routing table): %s", agencies(len(without)), agencyCodes(without)))
	}
	problems = append(problems, unreachable(ops, table)...)
	return append(problems, missingRoles(ops)...)
}

// centerAndAgency names the addresses that are the Center's staff and an
// agency's too — an operator's of the Center (lifecycle.Role.Center) that
// is also a handler's or a leader's, or an agency's official mailbox. The
// notices they get as the Center's show a confidential report's citizen
// and carry the files the mailer cannot clean as they were received: the
// agency would see both. A warning, not a failure: a small deployment may
// have one person do both on purpose.
func centerAndAgency(ops []config.Operator, table *routing.Table) []string {
	agencyRoles := func(addr string) []string {
		var as []string
		for _, op := range ops {
			if (op.Role == config.RoleHandler || op.Role == config.RoleLeader) && fold.Address(op.Email) == addr {
				as = append(as, fmt.Sprintf("the %s of %s", op.Role, op.Agency))
			}
		}
		for _, a := range table.Agencies() {
			if a.Code != table.Center().Code && a.Email != "" && fold.Address(a.Email) == addr {
				as = append(as, "the official mailbox of "+a.Code)
			}
		}
		return as
	}
	var warnings []string
	for _, op := range ops {
		if !lifecycle.Role(op.Role).Center() {
			continue
		}
		if as := agencyRoles(fold.Address(op.Email)); len(as) > 0 {
			warnings = append(warnings, fmt.Sprintf("%s is the Center's %s and %s: its notices as the Center's show "+
				"confidential reports' citizens and carry files not cleaned of their metadata", op.Email, op.Role, strings.Join(as, " and ")))
		}
	}
	return warnings
}

// unknownAgencies finds operators of agencies the table lacks, and
// [[operators]] tables not filled in (config.Config.Unfilled) that name
// one: a code mistyped there is said before the address is written. Each
// is named by the file and line of the configuration at path that write
// it, as config.Config.UnfilledWarning names a table.
func unknownAgencies(path string, ops []config.Operator, table *routing.Table) []string {
	var problems []string
	for i, op := range ops {
		if op.Agency == "" {
			continue
		}
		if _, ok := table.Agency(op.Agency); !ok {
			// The index is the table's in the file only without the
			// tables set aside as not filled in: the line names it.
			who := cmp.Or(op.Email, "its email not filled in")
			at := fmt.Sprintf("%s: operators[%d] (%s)", path, i, who)
			if op.Line > 0 {
				at = fmt.Sprintf("%s:%d: the operator (%s)", path, op.Line, who)
			}
			problems = append(problems, fmt.Sprintf("%s: agency %q is not in the routing table "+
				"(`phananh operators` lists its codes)", at, op.Agency))
		}
	}
	return problems
}

// unknownOf returns the operators of an agency the table lacks.
func unknownOf(ops []config.Operator, table *routing.Table) []config.Operator {
	var unknown []config.Operator
	for _, op := range ops {
		if _, ok := table.Agency(op.Agency); op.Agency != "" && !ok {
			unknown = append(unknown, op)
		}
	}
	return unknown
}

// unreachable names the agencies with no handler, no leader and no
// official mailbox: nobody would receive their reports.
func unreachable(ops []config.Operator, table *routing.Table) []string {
	var problems []string
	for _, a := range staffOf(ops).Unreachable(table) {
		problems = append(problems, fmt.Sprintf("agency %s (%s) has no handler, no leader and no official mailbox: "+
			"forwarding to it is refused until one is configured", a.Code, a.Name))
	}
	return problems
}

// missingRoles finds a Center without a receiver or an approver.
func missingRoles(ops []config.Operator) []string {
	roles := map[config.Role]bool{}
	for _, op := range ops {
		roles[op.Role] = true
	}
	var problems []string
	for _, r := range []config.Role{config.RoleReceiver, config.RoleApprover} {
		if !roles[r] {
			problems = append(problems, fmt.Sprintf("no %s: nobody at the Center would be told", r))
		}
	}
	return problems
}

// checkLeaders checks that every agency of the routing table but the
// Center has a leader among the operators: Art 15.3 has each agency name a
// leader and a handler, and the overdue alerts of its reports go to its
// leaders (SPEC 5.5). `phananh operators` fails without one; `serve` warns.
func checkLeaders(ops []config.Operator, table *routing.Table) []string {
	if without := withoutRole(ops, table, config.RoleLeader); len(without) > 0 {
		return []string{fmt.Sprintf("no leader for %s (Art 15.3: each agency names a leader, who gets the "+
			"overdue alerts of its reports): %s", agencies(len(without)), agencyCodes(without))}
	}
	return nil
}

// withoutHandler returns the agencies of the table, but the Center, that no
// operator handles.
func withoutHandler(ops []config.Operator, table *routing.Table) []routing.Agency {
	return withoutRole(ops, table, config.RoleHandler)
}

// withoutRole returns the agencies of the table, but the Center, that no
// operator of a role (handler, leader) serves.
func withoutRole(ops []config.Operator, table *routing.Table, role config.Role) []routing.Agency {
	served := map[string]bool{}
	for _, op := range ops {
		if op.Role == role {
			served[op.Agency] = true
		}
	}
	var without []routing.Agency
	for _, a := range table.Agencies() {
		if !served[a.Code] && a.Code != table.Center().Code {
			without = append(without, a)
		}
	}
	return without
}

func agencyCodes(agencies []routing.Agency) string {
	codes := make([]string, len(agencies))
	for i, a := range agencies {
		codes[i] = a.Code
	}
	return strings.Join(codes, ", ")
}

// agencies counts n agencies in words: "1 agency", "21 agencies".
func agencies(n int) string {
	if n == 1 {
		return "1 agency"
	}
	return fmt.Sprintf("%d agencies", n)
}

// noHandlerSentence says that n agencies have no handler and where their
// notices go instead.
func noHandlerSentence(n int) string {
	if n == 1 {
		return "1 agency has no handler: its notices go to its leaders and official mailbox"
	}
	return fmt.Sprintf("%d agencies have no handler: their notices go to their leaders and official mailbox", n)
}
