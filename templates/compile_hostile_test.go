package templates

import (
	"encoding/json"
	"fmt"
	htmltemplate "html/template"
	"maps"
	"math"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/text/unicode/norm"
	"haugiang.gov.vn/phananh/rules/routing"
)

// hostileStrings are what a string of a mail's data is given by
// fillHostile: empty and blank, HTML, URL and template specials, bad
// UTF-8, line breaks of every kind, decomposed Vietnamese, and the codes
// the templates compare strings with.
var hostileStrings = []string{"", " ", "a", `<b>&amp;'"` + "`", "javascript:alert(1)", "JavaScript:x", "http://x/?a=b&c=d#f",
	"mailto:a@b", "cid:x y%zz", "%41", "\xff\xfe bad", "\x00nul", "line1\nline2\r\nline3\r", "  trailing  \n\n\n\nx",
	"/reject lý do", "{{.Code}}", "Nguyễn Văn An", norm.NFD.String("Nguyễn Văn Ấn"), "+84 293", "x\u2028y",
	"<script>alert(1)</script>", "name", "phone", "address", "inline", "attached", "kept", "withheld", FileUnsafe, FileMissing,
	FileUncleaned, "receiver", "handler", "approver", "leader", "admin", "mailbox", "escalation", "citizen", "system", "token",
	"auth", "thread", "daily", "monthly", "rat-hai-long", "hai-long", "khong-hai-long", CauseUnreadable, CauseMessageSize,
	CauseParts, "intake", "resolve", "return", "publish", "clarification", "accept", "reject", "note", "status", "help", "codes",
	"resolved", "published", "forwarded", "returned", "2026-03", "erasure", "copy", "met", "overdue", "on-time", "type", "size"}

// hostileInts are what an integer of a mail's data is given.
var hostileInts = []int64{0, 1, -1, 2, 5, 999, 1000, 999999, 1000000, 123456789, math.MaxInt32, math.MinInt64, math.MaxInt64}

// hostileZones are the zones a time of a mail's data is given in.
var hostileZones = []*time.Location{time.UTC, time.FixedZone("ICT", 7*3600), time.FixedZone("", -3*3600-1800), time.Local}

// fillHostile sets v, a value of one of the types of the mails' data,
// to hostile values drawn from r: zero and not, nil and empty slices and
// pointers, very long strings.
func fillHostile(r *rand.Rand, v reflect.Value, depth int) {
	switch v.Type() {
	case timeType:
		v.Set(reflect.ValueOf(hostileTime(r)))
		return
	case reflect.TypeFor[htmltemplate.URL]():
		v.SetString(hostileString(r))
		return
	}
	switch v.Kind() {
	case reflect.String:
		v.SetString(hostileString(r))
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Int, reflect.Int64:
		v.SetInt(hostileInts[r.IntN(len(hostileInts))])
	case reflect.Struct:
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fillHostile(r, v.Field(i), depth)
			}
		}
	case reflect.Pointer:
		v.SetZero()
		if r.IntN(3) > 0 && depth < 4 {
			v.Set(reflect.New(v.Type().Elem()))
			fillHostile(r, v.Elem(), depth+1)
		}
	case reflect.Slice:
		v.SetZero()
		if r.IntN(4) > 0 {
			n := r.IntN(4)
			if depth > 3 {
				n = 0
			}
			v.Set(reflect.MakeSlice(v.Type(), n, n))
			for i := range n {
				fillHostile(r, v.Index(i), depth+1)
			}
		}
	default:
		panic(fmt.Sprintf("fillHostile: a field of type %v", v.Type()))
	}
}

func hostileString(r *rand.Rand) string {
	s := hostileStrings[r.IntN(len(hostileStrings))]
	if r.IntN(6) == 0 {
		s += hostileStrings[r.IntN(len(hostileStrings))]
	}
	if r.IntN(40) == 0 {
		s = strings.Repeat(s+"x", 3000)
	}
	return s
}

func hostileTime(r *rand.Rand) time.Time {
	switch r.IntN(5) {
	case 0:
		return time.Time{}
	case 1:
		return time.Date(1, 1, 1, 0, 0, 0, 1, time.UTC)
	}
	return time.Unix(r.Int64N(4e9)-1e9, r.Int64N(1e9)).In(hostileZones[r.IntN(len(hostileZones))])
}

// hostileMails returns rounds mails of every kind in each of its
// languages, their data filled by fillHostile from a fixed seed.
func hostileMails(rounds int) []sampleMail {
	r := rand.New(rand.NewPCG(1, 2))
	var mails []sampleMail
	for range rounds {
		for _, name := range slices.Sorted(maps.Keys(kinds)) {
			for _, lang := range kinds[name].langs {
				v := kinds[name].new()
				fillHostile(r, reflect.ValueOf(v).Elem(), 0)
				mails = append(mails, sampleMail{name, lang, v})
			}
		}
	}
	return mails
}

// TestCompiledHostileData: with the templates compiled, every kind writes
// in every language what text/template writes, error included, for data
// made of hostile values (hostileMails), given as the Go value and as the
// JSON the outbox keeps.
func TestCompiledHostileData(t *testing.T) {
	plain, set := loadWithAndWithout(t, &compiled, func() (*Set, error) { return LoadFor("", routing.Default().Bodies()) })
	for i, m := range hostileMails(12) {
		want, wantErr := plain.render(m.kind, m.lang, m.data)
		got, err := set.render(m.kind, m.lang, m.data)
		if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("mail %d, %s.%s: %v, text/template %v\n%q\n---\n%q\n%q\n---\n%q", i, m.kind, m.lang, err, wantErr,
				got.Text, want.Text, got.HTML, want.HTML)
		}
		data := must(json.Marshal(m.data))
		want, wantErr = plain.Render(m.kind, m.lang, data)
		got, err = set.Render(m.kind, m.lang, data)
		if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
			t.Errorf("mail %d, %s.%s, from JSON: %v, text/template %v", i, m.kind, m.lang, err, wantErr)
		}
	}
}

// TestCompiledConcurrently: goroutines rendering the same compiled
// templates at once each write what text/template writes (go test -race
// watches what they share).
func TestCompiledConcurrently(t *testing.T) {
	plain, set := loadWithAndWithout(t, &compiled, func() (*Set, error) { return LoadFor("", routing.Default().Bodies()) })
	mails := hostileMails(2)
	want := make([]string, len(mails))
	for i, m := range mails {
		r, err := plain.render(m.kind, m.lang, m.data)
		want[i] = fmt.Sprint(r, err)
	}
	var wg sync.WaitGroup
	for g := range 4 {
		wg.Go(func() {
			for i := range mails {
				j := (i*7 + g*13) % len(mails)
				if r, err := set.render(mails[j].kind, mails[j].lang, mails[j].data); fmt.Sprint(r, err) != want[j] {
					t.Errorf("%s.%s, goroutine %d: output differs", mails[j].kind, mails[j].lang, g)
				}
			}
		})
	}
	wg.Wait()
}

// setStrings sets every string under v, a value of one of the types of
// the mails' data, to s.
func setStrings(v reflect.Value, s string) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(s)
	case reflect.Struct:
		if v.Type() == timeType {
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				setStrings(v.Field(i), s)
			}
		}
	case reflect.Pointer:
		if !v.IsNil() {
			setStrings(v.Elem(), s)
		}
	case reflect.Slice:
		for i := range v.Len() {
			setStrings(v.Index(i), s)
		}
	}
}

// FuzzCompiledData: every kind's compiled templates write what
// text/template writes, error included, with every string of its data
// the text fuzzed, the rest of the data drawn from the seed.
func FuzzCompiledData(f *testing.F) {
	for i, s := range []string{"", "javascript:alert(1)", `<a href="x">&amp;'` + "`", "cid:a b%zz", "\xff\x00\r\n/reject",
		norm.NFD.String("Phản ánh"), "mailto:x@y?a=b&c=%41", "accept"} {
		f.Add(s, uint64(i))
	}
	plain, set := loadWithAndWithout(f, &compiled, func() (*Set, error) { return LoadFor("", routing.Default().Bodies()) })
	names := slices.Sorted(maps.Keys(kinds))
	f.Fuzz(func(t *testing.T, s string, seed uint64) {
		if len(s) > 4000 {
			return
		}
		r := rand.New(rand.NewPCG(seed, 0))
		for _, name := range names {
			for _, lang := range kinds[name].langs {
				v := kinds[name].new()
				fillHostile(r, reflect.ValueOf(v).Elem(), 0)
				setStrings(reflect.ValueOf(v).Elem(), s)
				want, wantErr := plain.render(name, lang, v)
				got, err := set.render(name, lang, v)
				if got != want || fmt.Sprint(err) != fmt.Sprint(wantErr) {
					t.Errorf("%s.%s, %q: %v, text/template %v\n%q\n---\n%q", name, lang, s, err, wantErr,
						got.Text+got.HTML, want.Text+want.HTML)
				}
			}
		}
	})
}
