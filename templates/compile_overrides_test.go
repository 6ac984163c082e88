package templates

import (
	"fmt"
	"path/filepath"
	"testing"
)

// TestCompiledOverrides: an override folder's templates (testdata/
// compile-overrides) are compiled when the compiler knows all they hold
// and executed by text/template when it does not, kind by kind, and
// either way every kind writes what text/template writes for hostile
// data (the edited folder changes the triage notice, a plain-text
// partial every kind calls and the layout); a folder that fails to load
// leaves a set loaded before it rendering as it did (a reload on SIGHUP
// keeps the set in use).
func TestCompiledOverrides(t *testing.T) {
	before, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	mails := hostileMails(3)
	wantBefore := make([]string, len(mails))
	for i, m := range mails {
		r, err := before.render(m.kind, m.lang, m.data)
		wantBefore[i] = fmt.Sprint(r, err)
	}
	cases := []struct {
		dir      string
		compiled map[string]bool // kinds by whether they are compiled
		fails    bool
	}{
		{dir: "edited", compiled: map[string]bool{"triage.vi": true, "ack.vi": true, "note.vi": true, "reminder.vi": true}},
		{dir: "refused", compiled: map[string]bool{"triage.vi": false, "ack.vi": true, "note.vi": true}},
		{dir: "broken", fails: true},
	}
	for _, c := range cases {
		dir := filepath.Join("testdata", "compile-overrides", c.dir)
		plain, set := loadWithAndWithout(t, &compiled, func() (*Set, error) {
			s, err := load(dir)
			if c.fails && err != nil {
				return &Set{}, nil
			}
			return s, err
		})
		if c.fails {
			if set.text != nil {
				t.Errorf("%s: loaded", c.dir)
			}
			continue
		}
		for name, want := range c.compiled {
			if got := set.programs[name] != nil; got != want {
				t.Errorf("%s: %s compiled %v, want %v", c.dir, name, got, want)
			}
		}
		for i, m := range mails {
			want, wantErr := plain.render(m.kind, m.lang, m.data)
			got, err := set.render(m.kind, m.lang, m.data)
			if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
				t.Errorf("%s, mail %d, %s.%s: %v, text/template %v\n%q\n---\n%q", c.dir, i, m.kind, m.lang, err, wantErr,
					got.Text+got.HTML, want.Text+want.HTML)
			}
		}
	}
	for i, m := range mails {
		if r, err := before.render(m.kind, m.lang, m.data); fmt.Sprint(r, err) != wantBefore[i] {
			t.Errorf("mail %d, %s.%s: the set loaded before renders otherwise", i, m.kind, m.lang)
		}
	}
}
