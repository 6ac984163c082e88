package main

import (
	"context"
	"fmt"
	"io"
	"runtime"
	"runtime/debug"
	"strings"
)

// Set by the release build (packaging/build.sh) with -ldflags "-X main.…";
// a plain `go build` leaves them empty and the binary's build information
// (the module version and the VCS stamp) is used instead.
var (
	version string
	commit  string
	date    string
)

// build is what `phananh version` prints.
type build struct {
	Version, Commit, Date string
}

// currentBuild returns this binary's version, commit and date: the
// release's stamp where set, else the module version, VCS revision and
// commit time the go command recorded, else "devel" and "unknown".
func currentBuild() build {
	b := build{Version: version, Commit: commit, Date: date}
	if info, ok := debug.ReadBuildInfo(); ok {
		if b.Version == "" && info.Main.Version != "" && info.Main.Version != "(devel)" {
			b.Version = strings.TrimPrefix(info.Main.Version, "v")
		}
		vcs := map[string]string{}
		for _, s := range info.Settings {
			vcs[s.Key] = s.Value
		}
		if b.Commit == "" && vcs["vcs.revision"] != "" {
			b.Commit = vcs["vcs.revision"]
			if vcs["vcs.modified"] == "true" {
				b.Commit += "-dirty"
			}
		}
		if b.Date == "" {
			b.Date = vcs["vcs.time"]
		}
	}
	for _, f := range []*string{&b.Version, &b.Commit, &b.Date} {
		if *f == "" {
			*f = "unknown"
		}
	}
	if b.Version == "unknown" {
		b.Version = "devel"
	}
	return b
}

func (b build) String() string {
	return fmt.Sprintf("phananh %s (commit %s, built %s, %s %s/%s)", b.Version, b.Commit, b.Date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "version\n\nPrints the version, the commit and the build date of this binary.", stderr)
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return exitUsage
	}
	fmt.Fprintln(stdout, currentBuild())
	return exitOK
}
