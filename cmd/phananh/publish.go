package main

import (
	"context"
	"fmt"
	"io"

	"haugiang.gov.vn/phananh/reports/publish"
	"haugiang.gov.vn/phananh/store"
)

func runPublish(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	fs := newFlagSet("publish", "publish --config FILE --out DIR\n\n"+
		"Writes the public results (SPEC 9.6) into DIR for the provincial portal: ket-qua/ (the pages, a page\n"+
		"per report, the photos without their metadata, ket-qua.json) and open311/v2/ (Open311 GeoReport v2,\n"+
		"JSON and XML). Only approved results that are neither confidential nor secret, without personal data.\n"+
		"Files of an earlier run that are no longer public are removed. The daemon serves the same at /ket-qua/\n"+
		"and /open311/v2/. Safe to run while the daemon runs; run it every few minutes to publish within the\n"+
		"deadline.", stderr)
	configPath := fs.String("config", "", "the configuration `file`")
	out := fs.String("out", "", "the `folder` to write the files into, made if missing in a folder that exists")
	if ok, code := parseFlags(fs, args); !ok {
		return code
	}
	if p := usageFault(fs, fs.Args(), "", 0, "config", "out"); p != "" {
		return badUsage(fs, p)
	}
	return withApp(ctx, "publish", *configPath, stderr, func(a *app) error {
		var p *publish.Publication
		err := a.db.Read(ctx, func(tx *store.Tx) error {
			var err error
			p, err = publish.Build(tx, a.routing.Load(), a.cfg.HTTP.PublicURL, nil)
			return err
		})
		if err != nil {
			return err
		}
		p.Center = a.bodies().Center
		paths, err := p.WriteFiles(*out, a.db.Blobs())
		for _, path := range paths {
			fmt.Fprintln(stdout, path)
		}
		return err
	})
}
