package main

import (
	"context"
	"fmt"
	"io"
	"time"

	"haugiang.gov.vn/phananh/reports/stats"
	"haugiang.gov.vn/phananh/store"
)

func runStats(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("stats", "stats --config FILE --out DIR\n\n"+
		"Writes the public statistics (Art 11.2) into DIR: stats.json and index.html, counts by field, state and\n"+
		"administrative unit without personal data or confidential reports, for a web server to publish.\n"+
		"The daemon serves the same at /stats and /stats.json. Safe to run while the daemon runs.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	out := fs.String("out", "", "the `folder` to write the files into, made if missing in a folder that exists")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "", 0, "config", "out"); p != "" {
		return badUsage(fs, p)
	}
	return withApp(ctx, "stats", *configPath, stderr, func(a *app) error {
		var s *stats.Stats
		err := a.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			s, err = stats.Compute(tx, a.routing.Load(), time.Now())
			return err
		})
		if err != nil {
			return err
		}
		s.Center = a.bodies().Center
		paths, err := s.WriteFiles(*out)
		for _, path := range paths {
			fmt.Fprintln(stdout, path)
		}
		return err
	})
}
