package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

func TestOperators(t *testing.T) {
	var all strings.Builder
	all.WriteString("[[operators]]\nemail = \"r@example.gov.vn\"\nrole = \"receiver\"\n[[operators]]\nemail = \"a@example.gov.vn\"\nrole = \"approver\"\n")
	for _, a := range routing.Default().Agencies() {
		fmt.Fprintf(&all, "[[operators]]\nemail = \"h@%s.example.gov.vn\"\nrole = \"handler\"\nagency = %q\n", a.Code, a.Code)
	}
	cases := []struct {
		name, body string
		code       int
		stderr     string
	}{
		{"complete", all.String(), exitOK, ""},
		{"missing handlers", testOperators, exitFailed, "no handler for 22 agencies: so-tttt, so-gtvt"},
		{"unknown agency", all.String() + "[[operators]]\nemail = \"x@example.gov.vn\"\nrole = \"leader\"\nagency = \"so-khong-co\"\n",
			exitFailed, `agency "so-khong-co" is not in the routing table`},
		{"no approver", strings.Replace(all.String(), `role = "approver"`, `role = "admin"`, 1), exitFailed, "no approver"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), "phananh.toml")
			os.WriteFile(path, []byte(c.body), 0o600)
			var stdout, stderr bytes.Buffer
			if code := dispatch(context.Background(), []string{"operators", "--config", path}, &stdout, &stderr); code != c.code {
				t.Errorf("exit %d, want %d; stderr: %s", code, c.code, stderr.String())
			}
			if !strings.Contains(stderr.String(), c.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), c.stderr)
			}
		})
	}
}
