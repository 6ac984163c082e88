package templates

import (
	"encoding/json"
	"testing"
)

// A load step (folding constants, memoizing partials, the one-argument
// escaper) rewrites the parsed templates once they are loaded; each is
// held to rendering what the templates render without it. The helpers
// here load both and compare.

// sampleMail is a kind's data in a language.
type sampleMail struct {
	kind, lang string
	data       any
}

// withEveryKind returns mails followed by every kind's sample in each of
// its languages.
func withEveryKind(mails ...sampleMail) []sampleMail {
	for name, k := range kinds {
		for _, lang := range k.langs {
			mails = append(mails, sampleMail{name, lang, sampleIn(k, lang)})
		}
	}
	return mails
}

// loadWithAndWithout loads the templates through loadSet twice: with the
// step *on turned off, then on.
func loadWithAndWithout(t testing.TB, on *bool, loadSet func() (*Set, error)) (without, with *Set) {
	t.Helper()
	*on = false
	without, err := loadSet()
	*on = true
	if err != nil {
		t.Fatal(err)
	}
	with, err = loadSet()
	if err != nil {
		t.Fatal(err)
	}
	return without, with
}

// renderSame renders every mail with both sets and reports, under what,
// each whose text or HTML differs.
func renderSame(t *testing.T, what string, without, with *Set, mails []sampleMail) {
	t.Helper()
	for _, m := range mails {
		data := must(json.Marshal(m.data))
		want, err := without.Render(m.kind, m.lang, data)
		if err != nil {
			t.Fatal(err)
		}
		got, err := with.Render(m.kind, m.lang, data)
		if err != nil {
			t.Fatal(err)
		}
		if got != want {
			t.Errorf("%s.%s, %s: output differs:\n%s\n---\n%s\n%s\n---\n%s", m.kind, m.lang, what,
				got.Text, want.Text, got.HTML, want.HTML)
		}
	}
}
