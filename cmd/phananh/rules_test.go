package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// explain runs "phananh rules explain" in process with report on standard
// input.
func explain(t *testing.T, report string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	old := explainInput
	explainInput = strings.NewReader(report)
	defer func() { explainInput = old }()
	var out, errOut bytes.Buffer
	code = dispatch(context.Background(), append([]string{"rules", "explain"}, args...), &out, &errOut)
	return code, out.String(), errOut.String()
}

// writeConfig writes a configuration whose [rules] file is table (a path
// relative to the configuration's folder; "" for no [rules] file key) and,
// when data is not nil, the table itself.
func writeConfig(t *testing.T, table string, data []byte) string {
	t.Helper()
	dir := t.TempDir()
	cfg := "[rules]\n"
	if table != "" {
		cfg += "file = \"" + table + "\"\n"
	}
	if data != nil {
		path := filepath.Join(dir, table)
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	path := filepath.Join(dir, "phananh.toml")
	if err := os.WriteFile(path, []byte(cfg), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// builtinConfig writes a configuration that names a built-in table.
func builtinConfig(t *testing.T, name string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "phananh.toml")
	if err := os.WriteFile(path, []byte("[rules]\ntable = \""+name+"\"\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// TestRulesExplainCases runs every labelled report of the routing package's
// routing-cases.tsv and routing-cases-2025.tsv through "rules explain",
// with the table named by the configuration — a file, or a built-in table —
// and, for the first, with the default one.
func TestRulesExplainCases(t *testing.T) {
	t.Run("appendix1", func(t *testing.T) {
		explainCases(t, "routing-cases.tsv", 36, map[string]string{
			"named table":    writeConfig(t, "tables/rules.toml", routing.BuiltinFile(routing.DefaultName)),
			"built-in table": builtinConfig(t, "appendix1"),
			"default table":  writeConfig(t, "", nil),
		})
	})
	t.Run("2025", func(t *testing.T) {
		explainCases(t, "routing-cases-2025.tsv", 32, map[string]string{
			"named table":    writeConfig(t, "tables/rules.toml", routing.BuiltinFile("2025")),
			"built-in table": builtinConfig(t, "2025"),
		})
	})
}

func explainCases(t *testing.T, file string, want int, configs map[string]string) {
	f, err := os.Open("../../rules/routing/testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows := 0
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		c := strings.Split(sc.Text(), "\t")
		if strings.HasPrefix(c[0], "#") || len(c) != 7 {
			continue
		}
		rows++
		report := c[1] + "\n" + strings.ReplaceAll(c[2], `\n`, "\n") + "\n"
		want := explanation{Field: c[3], Unit: c[4], Agency: c[5], Urgent: c[6] == "true"}
		for name, cfg := range configs {
			t.Run(c[0]+"/"+name, func(t *testing.T) {
				code, stdout, stderr := explain(t, report, "--config", cfg)
				if code != exitOK {
					t.Fatalf("exit %d: %s", code, stderr)
				}
				var got explanation
				if err := json.Unmarshal([]byte(stdout), &got); err != nil {
					t.Fatalf("%v: %s", err, stdout)
				}
				if got.Why == "" || (got.Rule == "") != (got.Field == "khac") {
					t.Errorf("rule %q, why %q", got.Rule, got.Why)
				}
				got.Rule, got.Why = "", ""
				if got != want {
					t.Errorf("got %+v, want %+v", got, want)
				}
			})
		}
	}
	if rows != want {
		t.Errorf("read %d cases, want %d", rows, want)
	}
}

// TestRulesExplainOutput checks the JSON itself: every key, in order, on
// one line.
func TestRulesExplainOutput(t *testing.T) {
	cfg := writeConfig(t, "", nil)
	for _, c := range []struct {
		name, report string
		args         []string
		want         string
	}{
		{"keys always present", "Góp ý\nĐề nghị quan tâm hơn.\n", nil,
			`{"field":"khac","unit":"","agency":"ttgsdh","urgent":false,"rule":"","why":"no keyword of any rule found: field khac, the Center decides; no unit alias found"}`},
		{"--unit is a known unit", "Hẻm lầy lội\n", []string{"--unit", "vi-thanh"},
			`{"field":"giao-thong","unit":"vi-thanh","agency":"ubnd-vi-thanh","urgent":false,"rule":"giao-thong/each-unit","why":"keyword \"hẻm\" (1) gives giao-thong/each-unit the best score, 1; unit vi-thanh as given; agency ubnd-vi-thanh, the committee of vi-thanh"}`},
		{"--field is a declared field", "Phản ánh\nDây điện đứt rơi xuống ổ gà", []string{"--field", "dien"},
			`{"field":"dien","unit":"","agency":"dien-luc","urgent":true,"rule":"dien/*","why":"declared field \"dien\" is dien; keyword \"dây điện\" (2) gives dien/* the best score, 2; no unit alias found; urgent: \"dây điện đứt\""}`},
		{"subject only, CRLF", "Cháy nhà ở Ngã Bảy\r\n", nil,
			`{"field":"phong-chay","unit":"nga-bay","agency":"ca-tinh","urgent":true,"rule":"phong-chay/*","why":"keyword \"cháy\" (1) gives phong-chay/* the best score, 1; unit nga-bay from alias \"Ngã Bảy\"; urgent: \"cháy\""}`},
		{"empty input", "", nil,
			`{"field":"khac","unit":"","agency":"ttgsdh","urgent":false,"rule":"","why":"no keyword of any rule found: field khac, the Center decides; no unit alias found"}`},
		{"an old name, 2025", "Sạt lở\nBờ kênh qua ấp 3, xã Hỏa Tiến, TP Vị Thanh bị sạt lở.", []string{"2025"},
			`{"field":"nong-nghiep","unit":"xa-hoa-luu","agency":"so-nnmt","urgent":true,"rule":"nong-nghiep/*","why":"keyword \"sạt lở\" (2) gives nong-nghiep/* the best score, 2; unit xa-hoa-luu from alias \"xã Hỏa Tiến\": xã Hỏa Tiến (cũ) → xã Hỏa Lựu; agency so-nnmt absorbed Sở Tài nguyên và Môi trường, Sở Nông nghiệp và Phát triển nông thôn; urgent: \"sạt lở\""}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := cfg
			if len(c.args) == 1 && c.args[0] == "2025" {
				cfg, c.args = builtinConfig(t, "2025"), nil
			}
			code, stdout, stderr := explain(t, c.report, append([]string{"--config", cfg}, c.args...)...)
			if code != exitOK || stdout != c.want+"\n" {
				t.Errorf("exit %d, stdout:\n%s\nwant:\n%s\nstderr: %s", code, stdout, c.want, stderr)
			}
		})
	}
}

func TestRulesExplainErrors(t *testing.T) {
	good := writeConfig(t, "", nil)
	bad := writeConfig(t, "rules.toml", []byte("center = \"c\"\n"))
	missing := writeConfig(t, "nowhere.toml", nil)
	for _, c := range []struct {
		name   string
		args   []string
		code   int
		stderr string
	}{
		{"no --config", nil, exitUsage, "--config is required"},
		{"an argument", []string{"--config", good, "report.txt"}, exitUsage, "--config is required"},
		{"unknown field", []string{"--config", good, "--field", "thoi-tiet"}, exitUsage, `--field: no field "thoi-tiet" in appendix1.toml`},
		{"unknown unit", []string{"--config", good, "--unit", "can-tho"}, exitUsage, `--unit: no unit "can-tho"`},
		{"bad flag", []string{"--config", good, "--colour"}, exitUsage, "flag provided but not defined"},
		{"missing config", []string{"--config", filepath.Join(t.TempDir(), "none.toml")}, exitFailed, "none.toml"},
		{"bad table", []string{"--config", bad}, exitFailed, "rules.toml: no [[agency]] table"},
		{"missing table", []string{"--config", missing}, exitFailed, "nowhere.toml"},
	} {
		t.Run(c.name, func(t *testing.T) {
			code, stdout, stderr := explain(t, "Mất điện\n", c.args...)
			if code != c.code || stdout != "" || !strings.Contains(stderr, c.stderr) {
				t.Errorf("exit %d, stdout %q, stderr %q; want exit %d and %q", code, stdout, stderr, c.code, c.stderr)
			}
		})
	}
}

func TestRulesCheck(t *testing.T) {
	t2025, _ := routing.Builtin("2025")
	dir := t.TempDir()
	good := filepath.Join(dir, "good.toml")
	bad := filepath.Join(dir, "bad.toml")
	table := bytes.Replace(routing.BuiltinFile(routing.DefaultName), []byte(`agency = "so-gtvt"`), []byte(`agency = "so-gtvx"`), 1)
	table = bytes.Replace(table, []byte("resolve_days = 3"), []byte("resolve_days = 7"), 1)
	table = bytes.Replace(table, []byte(`email = "sxd@haugiang.gov.vn"`), []byte(`email = "sxd@haugiang"`), 1)
	for path, data := range map[string][]byte{good: routing.BuiltinFile(routing.DefaultName), bad: table} {
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	line := func(needle string) string {
		i := bytes.Index(table, []byte(needle))
		return filepath.Join(dir, "bad.toml") + ":" + strconv.Itoa(bytes.Count(table[:i], []byte("\n"))+1)
	}
	for _, c := range []struct {
		name           string
		args           []string
		code           int
		stdout, stderr string // stderr: all of it when the exit is 1 from a table's problems, else a part
	}{
		{"good", []string{good}, exitOK,
			good + ": good: 24 agencies, 8 units, 23 fields, 25 rules; edition appendix1, version " + routing.Default().Version() + "\n", ""},
		{"built-in 2025", []string{"--table", "2025"}, exitOK,
			"2025.toml: good: 41 agencies, 28 units (and 83 former units), 23 fields, 25 rules; edition 2025, version " + t2025.Version() + "\n", ""},
		{"built-in unknown", []string{"--table", "2030"}, exitFailed, "", `no built-in table "2030" (there are appendix1, 2025)`},
		{"a file and a built-in table", []string{"--table", "2025", good}, exitUsage, "", "name one table file, or one built-in table"},
		{"bad", []string{bad}, exitFailed, "",
			line(`email = "sxd@haugiang"`) + ": agency so-xd: email \"sxd@haugiang\": want one address alone, like \"sxd@cantho.gov.vn\"\n" +
				line("resolve_days = 7") + ": agency ca-tinh: resolve_days: 7 is out of range (1 to 6 working days)\n" +
				line(`agency = "so-gtvx"`) + ": rule giao-thong/*: unknown agency \"so-gtvx\"\n" +
				"phananh rules check: 3 problem(s); the table is refused\n"},
		{"no file", nil, exitUsage, "", "name one table file, or one built-in table"},
		{"missing file", []string{filepath.Join(dir, "none.toml")}, exitFailed, "", "none.toml: no such file"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var out, errOut bytes.Buffer
			code := dispatch(context.Background(), append([]string{"rules", "check"}, c.args...), &out, &errOut)
			okErr := strings.Contains(errOut.String(), c.stderr)
			if c.name == "bad" {
				okErr = errOut.String() == c.stderr
			}
			if code != c.code || out.String() != c.stdout || !okErr {
				t.Errorf("exit %d\nstdout %q\nstderr %q\nwant exit %d\nstdout %q\nstderr %q", code, out.String(), errOut.String(), c.code, c.stdout, c.stderr)
			}
		})
	}
}

func TestRulesUsage(t *testing.T) {
	for _, args := range [][]string{{"rules"}, {"rules", "lint"}} {
		var out, errOut bytes.Buffer
		if code := dispatch(context.Background(), args, &out, &errOut); code != exitUsage || !strings.Contains(errOut.String(), "usage: phananh rules check FILE") {
			t.Errorf("%q: exit %d, stderr %q", args, code, errOut.String())
		}
	}
}
