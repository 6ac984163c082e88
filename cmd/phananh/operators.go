package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/rules/routing"
)

func runOperators(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("operators", "operators --config FILE\n\nLists the operators and checks them against the routing table: every handler's and leader's\nagency exists, and every agency has at least one handler and one leader (Art 15.3).", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if *configPath == "" || fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
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
	tw := tabwriter.NewWriter(stdout, 0, 0, 2, ' ', 0)
	fmt.Fprintln(tw, "EMAIL\tROLE\tAGENCY\tNAME")
	for _, op := range cfg.Operators {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", op.Email, op.Role, op.Agency, op.Name)
	}
	tw.Flush()
	problems := append(checkOperators(cfg.Operators, table), checkLeaders(cfg.Operators, table)...)
	for _, p := range problems {
		fmt.Fprintf(stderr, "%s: %s\n", cfg.Path, p)
	}
	if len(problems) > 0 {
		return exitFailed
	}
	fmt.Fprintf(stdout, "%d operators; every agency of the routing table has a handler and a leader\n", len(cfg.Operators))
	return exitOK
}

// checkOperators checks the operators against the routing table: agencies
// they name exist, every agency has a handler, and the Center has a
// receiver and an approver.
func checkOperators(ops []config.Operator, table *routing.Table) []string {
	problems := unknownAgencies(ops, table)
	if without := withoutHandler(ops, table); len(without) > 0 {
		problems = append(problems, fmt.Sprintf("no handler for %d agencies (their notices go to their leaders and "+
			"their official mailbox, email in the routing table): %s", len(without), agencyCodes(without)))
	}
	problems = append(problems, unreachable(ops, table)...)
	return append(problems, missingRoles(ops)...)
}

// unknownAgencies finds operators of agencies the table lacks.
func unknownAgencies(ops []config.Operator, table *routing.Table) []string {
	var problems []string
	for i, op := range ops {
		if op.Agency == "" {
			continue
		}
		if _, ok := table.Agency(op.Agency); !ok {
			problems = append(problems, fmt.Sprintf("operators[%d] (%s): agency %q is not in the routing table", i, op.Email, op.Agency))
		}
	}
	return problems
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
		return []string{fmt.Sprintf("no leader for %d agencies (Art 15.3: each agency names a leader, who gets the "+
			"overdue alerts of its reports): %s", len(without), agencyCodes(without))}
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
