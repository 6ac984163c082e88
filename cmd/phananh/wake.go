package main

import (
	"context"
	"iter"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/mailer"
)

// wakeAfter wakes the mail worker after each processed batch of messages,
// so the acknowledgements leave at once rather than at the next poll.
type wakeAfter struct {
	*intake.Pipeline
	worker *mailer.Worker
}

func (w wakeAfter) ProcessAll(ctx context.Context, srcs iter.Seq[intake.Source], turn func(context.Context) error) []intake.Result {
	rs := w.Pipeline.ProcessAll(ctx, srcs, turn)
	w.worker.Wake()
	return rs
}
