package intake

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/intake/token"
)

// BenchmarkCommandReply processes a handler's /note reply on a forwarded
// report: parsing, authentication, the lifecycle, the event, and the notice
// and confirmation it owes, in one transaction.
func BenchmarkCommandReply(b *testing.B) {
	w := newWalker(b)
	w.ingest(outage)
	w.command(receiver, "/accept", "forwarded")
	to := token.Address(w.p.Address, w.p.Tokens.Mint(w.report().ID, token.Operator, handler, w.p.now()))
	ctx := context.Background()
	for i := 0; b.Loop(); i++ {
		raw := eml([]string{"From: " + handler, "To: " + to, "Subject: Re: [" + w.code + "]",
			fmt.Sprintf("Message-ID: <bench-%d@x>", i)}, "/note Đã cử tổ kỹ thuật đến hiện trường, lần "+fmt.Sprint(i)+".\n")
		out, err := w.p.Process(ctx, Source{ReceivedAt: w.at, Body: strings.NewReader(raw)})
		if err != nil || out.Kind != KindCommand || out.Reason != "" {
			b.Fatalf("%+v %v", out, err)
		}
	}
}
