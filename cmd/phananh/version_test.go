package main

import (
	"bytes"
	"context"
	"runtime"
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
