package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// corpusDirs are the real-world corpus: the copy in the repository (without
// the folders whose licence forbids it), citizens' reports in the shapes of
// their mail clients, and, when present, the whole shared corpus beside the
// checkout.
var corpusDirs = []string{"../../intake/parse/testdata/corpus", "../../intake/parse/testdata/clients", "../../../shared/corpus/real"}

// TestCorpusThroughIngest feeds every real-world message through `phananh
// ingest`: each gets exactly one outcome, none is lost to an error that is
// not a refusal with a reason, and bounces and auto-replies are recognised.
// index.tsv's labels are a guide: a disagreement is logged, not failed,
// except for bounces and auto-replies taken for citizens' reports, which
// would answer a robot.
func TestCorpusThroughIngest(t *testing.T) {
	for _, dir := range corpusDirs {
		labels := readIndex(t, filepath.Join(dir, "index.tsv"))
		if labels == nil {
			t.Logf("%s: not present", dir)
			continue
		}
		t.Run(filepath.Base(filepath.Dir(dir))+"/"+filepath.Base(dir), func(t *testing.T) {
			ingestCorpus(t, dir, labels)
		})
	}
}

func ingestCorpus(t *testing.T, dir string, labels map[string]string) {
	cfg := filepath.Join(t.TempDir(), "phananh.toml")
	os.WriteFile(cfg, []byte("[security]\nrequire_authentication_results = false\n"+testOperators), 0o600)
	args := []string{"ingest", "--config", cfg, "--received", "2026-11-23T08:15:00+07:00"}
	for path := range labels {
		args = append(args, filepath.Join(dir, path))
	}
	var stdout, stderr bytes.Buffer
	dispatch(context.Background(), args, &stdout, &stderr)
	kinds := map[string]int{}
	seen := map[string]bool{}
	sc := bufio.NewScanner(&stdout)
	for sc.Scan() {
		var line ingestLine
		if err := json.Unmarshal(sc.Bytes(), &line); err != nil {
			t.Fatalf("not a JSON line: %s", sc.Text())
		}
		rel, _ := filepath.Rel(dir, line.File)
		if seen[rel] {
			t.Errorf("%s: two outcomes", rel)
		}
		seen[rel] = true
		kinds[line.Kind]++
		checkCorpusOutcome(t, rel, labels[rel], line)
	}
	if len(seen) != len(labels) {
		t.Errorf("%d outcomes for %d messages", len(seen), len(labels))
	}
	t.Logf("%s: %d messages ingested: %v", dir, len(seen), kinds)
}

func checkCorpusOutcome(t *testing.T, path, label string, line ingestLine) {
	t.Helper()
	switch {
	case line.Kind == "error" && !strings.Contains(line.Error, "limit") && !strings.Contains(line.Error, "unreadable"):
		t.Errorf("%s: failed without a reason to quarantine: %s", path, line.Error)
	case label == "report" && line.Kind != "report":
		t.Errorf("%s: a citizen's report, recorded as %s %s", path, line.Kind, line.Error)
	case label == "bounce" && line.Kind == "report", label == "autoreply" && line.Kind == "report":
		t.Errorf("%s: labelled %s, taken for a citizen's report (it would be answered)", path, label)
	case label == "bounce" && line.Kind != "bounce", label == "autoreply" && line.Kind != "autoreply":
		t.Logf("%s: labelled %s, recorded as %s", path, label, line.Kind)
	case label != "bounce" && line.Kind == "bounce":
		t.Logf("%s: labelled %s, recorded as a bounce", path, label)
	}
}

// readIndex reads index.tsv: path → category; nil when absent.
func readIndex(t *testing.T, path string) map[string]string {
	f, err := os.Open(path)
	if err != nil {
		return nil
	}
	defer f.Close()
	labels := map[string]string{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		cols := strings.Split(sc.Text(), "\t")
		if len(cols) < 2 || cols[0] == "path" {
			continue
		}
		if _, err := os.Stat(filepath.Join(filepath.Dir(path), cols[0])); err == nil {
			labels[cols[0]] = cols[1]
		}
	}
	return labels
}
