package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"time"

	"haugiang.gov.vn/phananh/intake"
)

// ingestLine is the JSON line `phananh ingest` prints per file (SPEC 12.1).
type ingestLine struct {
	File   string `json:"file"`
	Code   string `json:"code"`
	Kind   string `json:"kind"`
	State  string `json:"state"`
	Field  string `json:"field"`
	Unit   string `json:"unit"`
	Agency string `json:"agency"`
	Error  string `json:"error"`
}

func runIngest(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("ingest", "ingest --config FILE [--received RFC3339] FILE.eml…", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	receivedFlag := fs.String("received", "", "when the messages were received (RFC 3339); default: now")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "FILE.eml", oneOrMore, "config"); p != "" {
		return badUsage(fs, p)
	}
	var received time.Time
	if *receivedFlag != "" {
		t, err := time.Parse(time.RFC3339, *receivedFlag)
		if err != nil {
			fmt.Fprintf(stderr, "phananh ingest: --received: %q is not an RFC 3339 time\n", *receivedFlag)
			return exitUsage
		}
		received = t
	}
	// Refused, as serve refuses it, is a configuration whose [[operators]]
	// tables are all still to fill in: the citizens would be acknowledged
	// and nobody told of their reports.
	a, err := openAppAs(ctx, *configPath, newLogger(stderr), true, noOperatorYet)
	if err != nil {
		fmt.Fprintf(stderr, "phananh ingest: %v\n", err)
		return exitFailed
	}
	defer a.Close()
	p := a.pipeline()
	enc := json.NewEncoder(stdout)
	enc.SetEscapeHTML(false)
	status := exitOK
	for _, file := range fs.Args() {
		line := ingestFile(ctx, p, file, received)
		if line.Kind == "error" {
			status = exitFailed
		}
		enc.Encode(line)
	}
	return status
}

// ingestFile runs one file through the pipeline. A quarantined message is
// reported as kind "error" with the reason: it could not be processed.
func ingestFile(ctx context.Context, p *intake.Pipeline, file string, received time.Time) ingestLine {
	line := ingestLine{File: file}
	f, err := os.Open(file)
	if err != nil {
		line.Kind, line.Error = "error", err.Error()
		return line
	}
	defer f.Close()
	at := received
	if at.IsZero() {
		at = time.Now()
	}
	out, err := p.Process(ctx, intake.Source{ReceivedAt: at, Body: f})
	if err != nil {
		line.Kind, line.Error = "error", err.Error()
		return line
	}
	line.Code, line.Kind, line.State = out.Code, out.Kind, out.State
	line.Field, line.Unit, line.Agency = out.Field, out.Unit, out.Agency
	if out.Kind == intake.KindQuarantine {
		line.Kind, line.Error = "error", out.Reason
	}
	return line
}
