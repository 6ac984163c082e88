package main

import (
	"bytes"
	"context"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"
)

func TestVersionStamped(t *testing.T) {
	defer func(v, c, d string) { version, commit, date = v, c, d }(version, commit, date)
	version, commit, date = "1.2.3", "9f9c28b1b4a1f9c8044b3d386ddce1aa3310664e", "2026-12-01T03:04:05Z"
	var out bytes.Buffer
	if code := dispatch(context.Background(), []string{"version"}, &out, &out); code != exitOK {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	want := "phananh 1.2.3 (commit 9f9c28b1b4a1f9c8044b3d386ddce1aa3310664e, built 2026-12-01T03:04:05Z, " + runtime.Version() + " " + runtime.GOOS + "/" + runtime.GOARCH + ")\n"
	if out.String() != want {
		t.Errorf("version:\n got %q\nwant %q", out.String(), want)
	}
}

// A binary built without the release's stamp still says what it is.
func TestVersionUnstamped(t *testing.T) {
	var out bytes.Buffer
	if code := dispatch(context.Background(), []string{"version"}, &out, &out); code != exitOK {
		t.Fatalf("exit %d: %s", code, out.String())
	}
	if !strings.HasPrefix(out.String(), "phananh devel (commit ") || strings.Contains(out.String(), "commit ,") {
		t.Errorf("version = %q", out.String())
	}
}

// TestBuildOf: a binary without the release's stamp takes its version,
// commit and date from the build information the go command recorded: the
// module version (a pseudo-version from the commit since Go 1.24), the VCS
// revision, marked -dirty when the tree had changes, and the commit time.
func TestBuildOf(t *testing.T) {
	const rev = "19857b811c2c3bde687bedfdb54614e29da6ece2"
	vcs := func(modified string) []debug.BuildSetting {
		return []debug.BuildSetting{{Key: "-buildmode", Value: "exe"}, {Key: "vcs", Value: "git"},
			{Key: "vcs.revision", Value: rev}, {Key: "vcs.time", Value: "2026-12-07T04:06:31Z"}, {Key: "vcs.modified", Value: modified}}
	}
	info := func(version string, settings []debug.BuildSetting) *debug.BuildInfo {
		return &debug.BuildInfo{Main: debug.Module{Path: "haugiang.gov.vn/phananh", Version: version}, Settings: settings}
	}
	tests := []struct {
		name  string
		stamp build
		info  *debug.BuildInfo
		want  build
	}{
		{"go build in a checkout", build{}, info("v0.0.0-20261207040631-19857b811c2c", vcs("false")),
			build{Version: "0.0.0-20261207040631-19857b811c2c", Commit: rev, Date: "2026-12-07T04:06:31Z"}},
		{"changes not committed", build{}, info("v0.0.0-20261207040631-19857b811c2c+dirty", vcs("true")),
			build{Version: "0.0.0-20261207040631-19857b811c2c+dirty", Commit: rev + "-dirty", Date: "2026-12-07T04:06:31Z"}},
		{"before Go 1.24", build{}, info("(devel)", vcs("false")), build{Version: "devel", Commit: rev, Date: "2026-12-07T04:06:31Z"}},
		{"no VCS stamp", build{}, info("(devel)", []debug.BuildSetting{{Key: "-buildmode", Value: "exe"}}),
			build{Version: "devel", Commit: "unknown", Date: "unknown"}},
		{"no build information", build{}, nil, build{Version: "devel", Commit: "unknown", Date: "unknown"}},
		{"the release's stamp", build{Version: "1.2.3", Commit: "abc", Date: "2026-12-01T00:00:00Z"}, info("v0.0.0-20261207040631-19857b811c2c", vcs("true")),
			build{Version: "1.2.3", Commit: "abc", Date: "2026-12-01T00:00:00Z"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := buildOf(tt.stamp, tt.info); got != tt.want {
				t.Errorf("got %+v, want %+v", got, tt.want)
			}
		})
	}
}

// TestVersionSaysWhyNoCommit: a binary the go command built without its
// VCS stamp (go test's, as -buildvcs=false's or a git worktree's) says, on
// standard error, why it names no commit and how a build gets one.
func TestVersionSaysWhyNoCommit(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := dispatch(context.Background(), []string{"version"}, &out, &errOut); code != exitOK {
		t.Fatalf("exit %d: %s", code, errOut.String())
	}
	for _, want := range []string{"-buildvcs=false", "git worktree", "packaging/build.sh"} {
		if !strings.Contains(errOut.String(), want) {
			t.Errorf("the note lacks %q: %q", want, errOut.String())
		}
	}
	if strings.Count(out.String(), "\n") != 1 {
		t.Errorf("standard output is not the one line: %q", out.String())
	}
}
