package templates

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
)

// TestDecodeDataAsEncodingJSON: every kind's data, as json.Marshal writes
// it, decodes to what encoding/json decodes — its sample in each
// language, its empty data, and a triage notice and an acknowledgement
// with what json.Marshal escapes in every string a citizen writes —; and
// the acknowledgement's and the triage notice's are decoded without
// encoding/json.
func TestDecodeDataAsEncodingJSON(t *testing.T) {
	odd := "<b>&\"'\\/\n\r\t\x00\x1f\u2028\u2029 😀 ả \xff"
	hostile := sampleTriage()
	hostile.Subject, hostile.Content, hostile.Citizen.Name, hostile.Attachments[0].Name = odd, Reproduced(odd), odd, odd
	hostile.Missing, hostile.Usable = []string{}, []string{odd}
	ack := sampleAck()
	ack.Field, ack.Refused[0].Type, ack.Privacy.Contact = odd, odd, odd
	mails := withEveryKind(sampleMail{"triage", Vietnamese, hostile}, sampleMail{"ack", Vietnamese, ack})
	for name, k := range kinds {
		mails = append(mails, sampleMail{name, Vietnamese, k.new()})
	}
	for _, m := range mails {
		data := must(json.Marshal(m.data))
		sameDecoding(t, m.kind, data)
	}
	for _, m := range []sampleMail{{"ack", Vietnamese, ack}, {"triage", Vietnamese, hostile}, {"ack", English, sampleIn(kinds["ack"], English)}} {
		data := must(json.Marshal(m.data))
		v := kinds[m.kind].new()
		d := decoder{data: data}
		if plan := planFor(reflect.TypeOf(v).Elem()); plan == nil || !d.object(plan, reflect.ValueOf(v).Elem()) || d.i != len(data) {
			t.Errorf("%s not decoded without encoding/json", m.kind)
		}
	}
}

// TestDecodeDataNotAsMarshalled: data that json.Marshal would not have
// written decodes to what encoding/json decodes, with its error.
func TestDecodeDataNotAsMarshalled(t *testing.T) {
	for _, data := range []string{
		`{}`, `{"Code":"PA-1"}`, ` {"Code":"PA-1"}`, `{"Code":"PA-1"} `, `{"Code" : "PA-1"}`, `{"code":"PA-1"}`,
		`{"Code":"PA-1","Code":"PA-2"}`, `{"Refused":[{"Index":1},{"Index":2}],"Refused":[{"Type":"x"}]}`,
		`{"Nothing":1}`, `{"Code":null,"Urgent":null,"Missing":null,"Refused":null,"ReceivedAt":null,"Privacy":null}`,
		`{"Missing":[]}`, `{"Missing":["a","b"]}`, `{"Missing":"a"}`, `{"Urgent":true}`, `{"Urgent":"true"}`, `{"Urgent":tru}`,
		`{"Privacy":{"RetentionYears":5}}`, `{"Privacy":{"RetentionYears":05}}`, `{"Privacy":{"RetentionYears":-0}}`,
		`{"Privacy":{"RetentionYears":5.0}}`, `{"Privacy":{"RetentionYears":1e3}}`, `{"Privacy":{"RetentionYears":99999999999999999999}}`,
		`{"Privacy":{"RetentionYears":-}}`, `{"Code":"\u003cb\u003e \/ \" \\ \n \ud83d\ude00 \ud83d"}`, `{"Code":"\x"}`,
		"{\"Code\":\"\xff\"}", "{\"Code\":\"a\nb\"}", `{"Code":"PA-1"`, `{"Code":"PA-1"}x`, `{"Code":"PA-1",}`, `[]`, `null`, ``,
		`{"ReceivedAt":"2026-12-06T22:06:27.070594108Z"}`, `{"ReceivedAt":"2026-12-06"}`, `{"ReceivedAt":"2026-12-06T22:06:27+07:00"}`,
		`{"Refused":[]}`, `{"Refused":[{"Index":1,"Type":"image/x","Reason":"type"}]}`, `{"Refused":[{"Index":"1"}]}`,
	} {
		sameDecoding(t, "ack", []byte(data))
	}
}

// sameDecoding reports data of kind decoded otherwise than by
// encoding/json, or failing otherwise.
func sameDecoding(t *testing.T, kind string, data []byte) {
	t.Helper()
	got, err := decodeData(kinds[kind], data)
	want := kinds[kind].new()
	wantErr := json.Unmarshal(data, want)
	if !reflect.DeepEqual(got, want) || fmt.Sprint(err) != fmt.Sprint(wantErr) {
		t.Errorf("%s %q:\n got %#v, %v\nwant %#v, %v", kind, data, got, err, want, wantErr)
	}
}

// BenchmarkDecodeData decodes the data of the two mails a report owes,
// the acknowledgement's and the triage notice's samples, as RenderTo
// does: by decodeData, and by encoding/json alone. One op is a report.
func BenchmarkDecodeData(b *testing.B) {
	ack, triage := must(json.Marshal(sampleAck())), must(json.Marshal(sampleTriage()))
	for _, fast := range []bool{true, false} {
		b.Run(fmt.Sprintf("fast=%v", fast), func(b *testing.B) {
			fastDecoding = fast
			defer func() { fastDecoding = true }()
			b.ReportAllocs()
			for b.Loop() {
				if _, err := decodeData(kinds["ack"], ack); err != nil {
					b.Fatal(err)
				}
				if _, err := decodeData(kinds["triage"], triage); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
