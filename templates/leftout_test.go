package templates

import (
	"encoding/json"
	"reflect"
	"testing"
)

// TestWithoutFilesMissing: a file gone from the data folder is listed
// where the files left out are, as unavailable (FileMissing, a result's
// or a periodic report's Unavailable), never as kept at the Center; a
// photo shown in the mail is found by its Content-ID and shown no more,
// and a periodic report's chart gone is not shown.
func TestWithoutFilesMissing(t *testing.T) {
	for _, tc := range []struct {
		name    string
		kind    string
		data    any
		left    []LeftOut
		carried int
		want    any
	}{
		{"triage", "triage",
			Triage{Attachments: []File{{Name: "anh.jpg", Mail: "inline", CID: "a@x"}, {Name: "anh.jpg", Mail: "inline", CID: "b@x"}}},
			[]LeftOut{{Name: "anh.jpg", CID: "b@x", Missing: true}}, 1,
			Triage{Attachments: []File{{Name: "anh.jpg", Mail: "inline", CID: "a@x"}, {Name: "anh.jpg", Mail: FileMissing}}}},
		{"assignment", "assignment",
			Notice{Case: Case{Files: []File{{Name: "tep-1.pdf"}}}, Attached: true},
			[]LeftOut{{Name: "tep-1.pdf", Missing: true}}, 0,
			Notice{Case: Case{Files: []File{{Name: "tep-1.pdf", Mail: FileMissing}}}}},
		{"result", "result",
			Result{Files: []string{"anh.jpg", "bien-ban.pdf", "hong.jpg"}},
			[]LeftOut{{Name: "bien-ban.pdf", Missing: true}, {Name: "hong.jpg"}}, 1,
			Result{Files: []string{"anh.jpg"}, Withheld: []string{"hong.jpg"}, Unavailable: []string{"bien-ban.pdf"}}},
		{"periodic report", "periodic-report",
			PeriodicReport{Chart: "cid:bieu-do.png", Attached: []string{"bao-cao.xlsx", "bao-cao.csv"}},
			[]LeftOut{{Name: "bao-cao.csv", Missing: true}, {Name: "bieu-do.png", Missing: true}}, 1,
			PeriodicReport{Attached: []string{"bao-cao.xlsx"}, Unavailable: []string{"bao-cao.csv", "bieu-do.png"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			data, _ := json.Marshal(tc.data)
			out, err := WithoutFiles(tc.kind, data, tc.left, tc.carried)
			if err != nil {
				t.Fatal(err)
			}
			got := reflect.New(reflect.TypeOf(tc.want))
			if err := json.Unmarshal(out, got.Interface()); err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got.Elem().Interface(), tc.want) {
				t.Errorf("got %+v\nwant %+v", got.Elem().Interface(), tc.want)
			}
		})
	}
}
