package routing

import (
	"bytes"
	"os"
	"slices"
	"testing"
)

// FuzzParse: no file makes the loader panic, and every table it accepts
// routes.
func FuzzParse(f *testing.F) {
	for _, name := range []string{"testdata/small.toml"} {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(valid))
	f.Add([]byte("center = \"c\"\n[[agency]]\ncode = [1, {a = 2}]\n[a.b]\nx.y = 1979-05-27\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		table, err := Parse("f.toml", bytes.NewReader(data))
		if err != nil {
			return
		}
		d := table.Route(Input{Subject: "mất điện ổ gà", Text: "chay nha o huyen Chau Thanh A"})
		if _, ok := table.Agency(d.Agency); !ok {
			t.Errorf("decision names an unknown agency %q", d.Agency)
		}
	})
}

// FuzzRoute: no report makes Route panic, and every decision names what the
// table holds. The 2025 table has every kind of alias.
func FuzzRoute(f *testing.F) {
	table, _ := Builtin("2025")
	for _, name := range []string{"routing-cases.tsv", "routing-cases-2025.tsv"} {
		for _, c := range readCases(f, name) {
			f.Add(c.Subject, c.Body, "", "", "", "")
		}
	}
	f.Add("Mat dien", "Linh vuc: Dien\nDia diem: Long My", "", "", "", "")
	f.Add("", "", "giao-thong", "huyện Long Mỹ", "thị xã Vị Thanh", "phuong-vi-thanh")
	f.Fuzz(func(t *testing.T, subject, text, field, location, address, unit string) {
		d := table.Route(Input{Subject: subject, Text: text, Field: field, Location: location, Address: address, Unit: unit})
		_, fieldOK := table.Field(d.Field)
		_, agencyOK := table.Agency(d.Agency)
		_, unitOK := table.Unit(d.Unit)
		former, formerOK := table.Former(d.Former)
		formerOK = d.Former == "" || formerOK && former.Became == d.Unit
		ruleOK := d.Rule == "" || slices.ContainsFunc(table.Rules(), func(r Rule) bool { return r.ID == d.Rule })
		if !fieldOK || !agencyOK || !(unitOK || d.Unit == "") || !formerOK || !ruleOK || d.Why == "" || d.Version != table.Version() {
			t.Errorf("decision %+v names what the table does not hold", d)
		}
	})
}
