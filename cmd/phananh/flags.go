package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
)

// newFlagSet returns a flag set for the subcommand name whose usage text
// shows synopsis and the flags, written to stderr.
func newFlagSet(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "usage: phananh %s\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses args into fs. When it returns false the caller returns
// code: exitOK after --help, exitUsage after a bad flag.
func parseFlags(fs *flag.FlagSet, args []string) (ok bool, code int) {
	err := fs.Parse(args)
	switch {
	case err == nil:
		return true, exitOK
	case errors.Is(err, flag.ErrHelp):
		return false, exitOK
	default:
		return false, exitUsage
	}
}

// parseInterspersed is parseFlags for commands whose flags may also follow
// their arguments ("erase --config FILE CODE --reason TEXT", SPEC 12.1):
// it returns the arguments that are not flags, in order.
func parseInterspersed(fs *flag.FlagSet, args []string) (ok bool, code int, rest []string) {
	for {
		if ok, code := parseFlags(fs, args); !ok {
			return false, code, nil
		}
		if fs.NArg() == 0 {
			return true, exitOK, rest
		}
		rest = append(rest, fs.Arg(0))
		args = fs.Args()[1:]
	}
}
