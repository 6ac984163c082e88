package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
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

// oneOrMore is usageFault's want for a command that takes one argument or
// more (ingest's files).
const oneOrMore = -1

// usageFault says what is wrong with a command's flags and arguments, as
// calendar due says it: the first of the required flags left empty
// ("--reason is required"), else an argument missing or one too many; ""
// when nothing is. name is the arguments' name in the synopsis ("CODE"),
// want how many the command takes, or oneOrMore.
func usageFault(fs *flag.FlagSet, args []string, name string, want int, required ...string) string {
	for _, f := range required {
		if strings.TrimSpace(fs.Lookup(f).Value.String()) == "" {
			return "--" + f + " is required"
		}
	}
	switch {
	case want == oneOrMore && len(args) == 0:
		return "at least one " + name + " is required"
	case len(args) < want:
		return name + " is required"
	case want != oneOrMore && len(args) > want:
		return fmt.Sprintf("unexpected argument %q", args[want])
	}
	return ""
}

// badUsage writes "phananh COMMAND: problem" and the command's usage to the
// flag set's output, and returns exitUsage: the usage alone does not say
// which flag or argument was wrong.
func badUsage(fs *flag.FlagSet, problem string) int {
	fmt.Fprintf(fs.Output(), "phananh %s: %s\n", fs.Name(), problem)
	fs.Usage()
	return exitUsage
}
