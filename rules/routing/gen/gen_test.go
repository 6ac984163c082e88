package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"haugiang.gov.vn/phananh/rules/routing"
)

// TestShipped2025: the committed 2025.toml is what its sources make; after a
// change to them, run go generate ./rules/routing.
func TestShipped2025(t *testing.T) {
	made, err := Generate("../sources/2025")
	if err != nil {
		t.Fatal(err)
	}
	shipped, err := os.ReadFile("../2025.toml")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(made, shipped) {
		t.Error("rules/routing/2025.toml is not what its sources make: run go generate ./rules/routing")
	}
}

// TestNextReorganisation makes the table of a reorganisation after one
// that already had former units: those are carried over to the unit their
// unit went into, an older unit of the same name as one just abolished
// keeps its own code, and a split one stays split.
func TestNextReorganisation(t *testing.T) {
	data, err := Generate("testdata/next")
	if err != nil {
		t.Fatal(err)
	}
	table, err := routing.Parse("next.toml", bytes.NewReader(data))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ text, unit, former string }{
		{"ổ gà ở xã Phú An", "phuong-an-tan", "xa-phu-an"},
		{"ổ gà ở xã An Bình", "phuong-an-tan", "xa-an-binh"},
		{"ổ gà ở X. Tân An", "phuong-an-tan", "xa-tan-an"},
		{"ổ gà ở P. An Tân", "phuong-an-tan", ""},
		{"ổ gà ở huyện Cũ", "", ""},
	} {
		d := table.Route(routing.Input{Text: c.text})
		if d.Unit != c.unit || d.Former != c.former || d.Agency != "so-xd" {
			t.Errorf("%q: unit %q, former %q, agency %q; want %q, %q, so-xd\nwhy: %s", c.text, d.Unit, d.Former, d.Agency, c.unit, c.former, d.Why)
		}
	}
	if a, _ := table.Agency("so-xd"); strings.Join(a.Absorbed, ",") != "Sở Giao thông" || table.FindAgency("Sở Giao thông").Code != "so-xd" {
		t.Errorf("the agency that took over the base's roads: absorbed %q", a.Absorbed)
	}
	if a, _ := table.Agency("center"); len(a.Absorbed) > 0 {
		t.Errorf("an agency that keeps its code absorbed %q", a.Absorbed)
	}
	if f, ok := table.Former("xa-an-binh-90001"); !ok || f.Became != "phuong-an-tan" {
		t.Errorf("the older xã An Bình: %+v", f)
	}
	if table.Edition() != "next" || !strings.Contains(string(data), `email = "ubndphuongantan@example.gov.vn"`) {
		t.Errorf("edition %q, or the committee's email is not the pattern's", table.Edition())
	}
}

// TestAmbiguousNamesListed: every name the table leaves out because
// several units could mean it is listed as [[ambiguous]], with those
// units, so that routing can name them for the receiver.
func TestAmbiguousNamesListed(t *testing.T) {
	data, err := Generate("../sources/2025")
	if err != nil {
		t.Fatal(err)
	}
	left := regexp.MustCompile(`(?m)^# "([^"]+)" alone is no alias`).FindAllStringSubmatch(string(data), -1)
	if len(left) == 0 {
		t.Fatal("no name left out: the test's premise is gone")
	}
	for _, m := range left {
		if !strings.Contains(string(data), fmt.Sprintf("[[ambiguous]]\nname = %q\nunits = [", m[1])) {
			t.Errorf("%q is left out but not listed as [[ambiguous]]", m[1])
		}
	}
	if !strings.Contains(string(data), "[[ambiguous]]\nname = \"Ngã Bảy\"\nunits = [\"phuong-nga-bay\", ") {
		t.Error("Ngã Bảy's units do not start with phường Ngã Bảy")
	}
}
