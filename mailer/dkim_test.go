package mailer

import (
	"bufio"
	"bytes"
	"crypto/ed25519"
	"encoding/base64"
	"io"
	"net/textproto"
	"testing"

	"github.com/emersion/go-msgauth/dkim"
)

// TestHostileMailDKIM: the hostile mail, signed as the mail server signs
// what we submit (simple and relaxed canonicalisation, the fields a
// verifier needs), still verifies after SMTP carried it — dot-stuffed by
// our DATA writer, unstuffed as a server reads DATA — which it would not
// if a line were too long for a server, not ended by CRLF, or 8-bit.
func TestHostileMailDKIM(t *testing.T) {
	raw, _ := hostileMail(t)
	pub, key, err := ed25519.GenerateKey(nil)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []dkim.Canonicalization{dkim.CanonicalizationSimple, dkim.CanonicalizationRelaxed} {
		var signed bytes.Buffer
		err := dkim.Sign(&signed, bytes.NewReader(raw), &dkim.SignOptions{Domain: "haugiang.gov.vn", Selector: "mail", Signer: key,
			HeaderCanonicalization: c, BodyCanonicalization: c,
			HeaderKeys: []string{"From", "To", "Subject", "Date", "Message-ID", "In-Reply-To", "References", "MIME-Version", "Content-Type"}})
		if err != nil {
			t.Fatal(err)
		}
		var data bytes.Buffer
		bw := bufio.NewWriter(&data)
		d := &dotWriter{w: bw}
		io.Copy(d, &signed)
		d.Close()
		received, err := io.ReadAll(textproto.NewReader(bufio.NewReader(&data)).DotReader())
		if err != nil {
			t.Fatal(err)
		}
		vs, err := dkim.VerifyWithOptions(bytes.NewReader(received), &dkim.VerifyOptions{LookupTXT: func(string) ([]string, error) {
			return []string{"v=DKIM1; k=ed25519; p=" + base64.StdEncoding.EncodeToString(pub)}, nil
		}})
		if err != nil || len(vs) != 1 || vs[0].Err != nil {
			t.Errorf("%s: %v, %+v", c, err, vs)
		}
	}
}
