package store

import (
	"encoding/json"
	"reflect"
	"testing"
)

// mailJSONCases are threads and lists of files as json.Marshal writes
// them, and as it does not: each must decode as json.Unmarshal decodes it.
var mailJSONCases = []string{
	`{}`,
	`{"reply_to":"phananh+PA-2026-000001.a1b2@haugiang.gov.vn","in_reply_to":"CAF=x@mail.gmail.com","references":["a@b","c@d"],"thread_index":"AdtFyU2P0nZr3Yq5RGm8bWk0k2f6Ag=="}`,
	`{"in_reply_to":"\u003cx@y\u003e"}`,
	`{"reply_to":"a","reply_to":"b"}`,
	`{"references":["a"],"references":["b","c"]}`,
	`{"references":[]}`,
	`{"references":null}`,
	`{"Reply_To":"a"}`,
	`{"other":"a"}`,
	`{ "reply_to":"a"}`,
	`{"reply_to":"Nguyễn Văn An"}`,
	"{\"reply_to\":\"\xff\"}",
	"{\"reply_to\":\"a\tb\"}",
	`{"reply_to":"a"`,
	`{"reply_to":"a"}x`,
	`{"reply_to":1}`,
	`null`,
	``,
	`[{"blob":"2:pack:abc:0:3072:k","name":"ảnh.jpg","type":"image/jpeg","inline":true,"cid":"anh1"}]`,
	`[{"blob":"a","name":"b.pdf","type":"application/pdf"},{"blob":"c","name":"d","type":"e","inline":false}]`,
	`[{"blob":"a","name":"b\"c"}]`,
	`[{"blob":"a","extra":{}}]`,
	`[]`,
	`[{}]`,
	`[{"inline":tru}]`,
	`[{"name":"a"},]`,
	`{"blob":"a"}`,
}

// TestMailJSONAsUnmarshal: decodeThread and decodeFiles decode every case
// as json.Unmarshal does, and fail where it fails.
func TestMailJSONAsUnmarshal(t *testing.T) {
	for _, c := range mailJSONCases {
		checkMailJSON(t, []byte(c))
	}
}

// FuzzMailJSON holds decodeThread and decodeFiles to json.Unmarshal.
func FuzzMailJSON(f *testing.F) {
	for _, c := range mailJSONCases {
		f.Add([]byte(c))
	}
	f.Fuzz(checkMailJSON)
}

func checkMailJSON(t *testing.T, b []byte) {
	var got, want thread
	err, wantErr := decodeThread(b, &got), json.Unmarshal(b, &want)
	if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(got, want) {
		t.Errorf("thread %q: decoded %+v (error %v), json.Unmarshal %+v (error %v)", b, got, err, want, wantErr)
	}
	var gotFiles, wantFiles []MailFile
	err, wantErr = decodeFiles(b, &gotFiles), json.Unmarshal(b, &wantFiles)
	if (err != nil) != (wantErr != nil) || !reflect.DeepEqual(gotFiles, wantFiles) {
		t.Errorf("files %q: decoded %+v (error %v), json.Unmarshal %+v (error %v)", b, gotFiles, err, wantFiles, wantErr)
	}
}

// TestThreadAsMarshal holds appendThread to json.Marshal's bytes for the
// threads Enqueue writes, and for every kind of character Marshal escapes.
func TestThreadAsMarshal(t *testing.T) {
	for _, th := range []thread{
		{},
		{ReplyTo: "phananh+PA-2026-000001.a1b2@haugiang.gov.vn", InReplyTo: "CAF=x@mail.gmail.com",
			References: []string{"a@b", "c@d"}, Index: "AdtFyU2P0nZr3Yq5RGm8bWk0k2f6Ag=="},
		{InReplyTo: "<x@y>"},
		{References: []string{}},
		{References: []string{""}},
		{Index: "AdtF+/=="},
		{ReplyTo: "quote \" backslash \\ tab \t newline \n <b>a & b</b> \x00\x1f\x7f"},
		{InReplyTo: "a\xffb\xc3", References: []string{"x\u2028y\u2029z", "😀 Nguyễn"}},
	} {
		want, err := json.Marshal(th)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendThread(nil, th); string(got) != string(want) {
			t.Errorf("%+v:\n got %s\nwant %s", th, got, want)
		}
	}
}

// FuzzThreadJSON holds appendThread to json.Marshal for any thread.
func FuzzThreadJSON(f *testing.F) {
	f.Add("phananh+a@haugiang.gov.vn", "<x@y>", "a@b", "", "AdtF")
	f.Add("", "\xff\u2028", "", "&<>", "")
	f.Fuzz(func(t *testing.T, replyTo, inReplyTo, ref1, ref2, index string) {
		for _, refs := range [][]string{nil, {ref1}, {ref1, ref2}} {
			th := thread{replyTo, inReplyTo, refs, index}
			want, err := json.Marshal(th)
			if err != nil {
				t.Fatal(err)
			}
			if got := appendThread(nil, th); string(got) != string(want) {
				t.Errorf("%+v:\n got %s\nwant %s", th, got, want)
			}
		}
	})
}

// BenchmarkMailJSON decodes the thread and the files of a triage notice,
// as the mailer's reading opens them for each mail: by decodeThread and
// decodeFiles, and by json.Unmarshal, which they spare.
func BenchmarkMailJSON(b *testing.B) {
	th := []byte(mailJSONCases[1])
	files := []byte(mailJSONCases[18])
	for _, c := range []struct {
		name   string
		thread func([]byte, *thread) error
		files  func([]byte, *[]MailFile) error
	}{
		{"decode", decodeThread, decodeFiles},
		{"unmarshal", func(b []byte, t *thread) error { return json.Unmarshal(b, t) },
			func(b []byte, fs *[]MailFile) error { return json.Unmarshal(b, fs) }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				var t thread
				var fs []MailFile
				if c.thread(th, &t) != nil || c.files(files, &fs) != nil || len(fs) != 1 || len(t.References) != 2 {
					b.Fatal("not decoded")
				}
			}
		})
	}
}
