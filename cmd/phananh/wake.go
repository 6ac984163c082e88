package main

import (
	"context"

	"haugiang.gov.vn/phananh/intake"
	"haugiang.gov.vn/phananh/mailer"
)

// wakeAfter wakes the mail worker after each processed message, so the
// acknowledgement leaves at once rather than at the next poll.
type wakeAfter struct {
	*intake.Pipeline
	worker *mailer.Worker
}

func (w wakeAfter) Process(ctx context.Context, src intake.Source) (intake.Outcome, error) {
	out, err := w.Pipeline.Process(ctx, src)
	if err == nil {
		w.worker.Wake()
	}
	return out, err
}
