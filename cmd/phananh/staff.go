package main

import (
	"sync/atomic"

	"haugiang.gov.vn/phananh/config"
	"haugiang.gov.vn/phananh/intake"
)

// operators keeps the configured operators in use and swaps them whole when
// SIGHUP reloads the configuration's [[operators]] (SPEC 11, Art 15.3: a
// change of an agency's staff needs no restart), so that each message, each
// deadline batch and each report sees one set of them, old or new.
type operators struct {
	in atomic.Pointer[staffSet]
}

// staffSet is one set of operators, as the configuration writes them and as
// the pipeline knows them.
type staffSet struct {
	config []config.Operator
	staff  intake.Staff
}

func newOperators(ops []config.Operator) *operators {
	o := &operators{}
	o.Store(ops)
	return o
}

// Store puts a set of operators in use.
func (o *operators) Store(ops []config.Operator) {
	o.in.Store(&staffSet{config: ops, staff: staffOf(ops)})
}

// Config returns the operators in use as the configuration writes them.
func (o *operators) Config() []config.Operator { return o.in.Load().config }

// Staff returns the operators in use as the pipeline knows them.
func (o *operators) Staff() intake.Staff { return o.in.Load().staff }

// staffOf is the operators of a configuration as the pipeline knows them.
func staffOf(ops []config.Operator) intake.Staff {
	staff := make(intake.Staff, len(ops))
	for i, op := range ops {
		staff[i] = intake.Operator{Email: op.Email, Name: op.Name, Role: string(op.Role), Agency: op.Agency}
	}
	return staff
}
