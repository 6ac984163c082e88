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

// currentBuild returns this binary's version, commit and date (buildOf).
func currentBuild() build {
	info, _ := debug.ReadBuildInfo()
	return buildOf(build{Version: version, Commit: commit, Date: date}, info)
}

// buildOf returns a binary's version, commit and date: the release's stamp
// where set, else the module version, VCS revision and commit time the go
// command recorded in info (nil: none), else "devel" and "unknown".
//
// The go command records the VCS stamp only when it builds the main
// module in a folder holding the checkout's .git directory, without
// -buildvcs=false (which GOFLAGS may set, `go env GOFLAGS`), and not
// under go run or go test. A git worktree, whose .git is a file, is
// not stamped, and neither -buildvcs=true nor anything else makes it so:
// a binary built there names no commit (noCommit says why), while the
// release build stamps one from git itself.
func buildOf(b build, info *debug.BuildInfo) build {
	if info != nil {
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

// noCommit says why a binary names no commit, and how a build gets one.
const noCommit = "phananh version: no commit: the go command stamps one only when it builds in the folder that " +
	"holds a git checkout's .git directory (not in a git worktree, not under go run or go test) without " +
	"-buildvcs=false (see `go env GOFLAGS`); bash packaging/build.sh stamps the version, commit and date in any case"

func (b build) String() string {
	return fmt.Sprintf("phananh %s (commit %s, built %s, %s %s/%s)", b.Version, b.Commit, b.Date, runtime.Version(), runtime.GOOS, runtime.GOARCH)
}

func runVersion(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("version", "version\n\nPrints the version, the commit and the build date of this binary.", stderr)
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "", 0); p != "" {
		return badUsage(fs, p)
	}
	b := currentBuild()
	fmt.Fprintln(stdout, b)
	if b.Commit == "unknown" {
		fmt.Fprintln(stderr, noCommit)
	}
	return exitOK
}
