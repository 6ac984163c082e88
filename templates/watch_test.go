package templates

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

func TestSpanOf(t *testing.T) {
	for _, c := range []struct {
		d    time.Duration
		want Span
	}{
		{0, Span{}},
		{-time.Hour, Span{}},
		{29 * time.Second, Span{}},
		{30 * time.Second, Span{0, 1}},
		{59*time.Minute + 40*time.Second, Span{1, 0}},
		{12*time.Hour + 30*time.Minute, Span{12, 30}},
		{50 * time.Hour, Span{50, 0}},
	} {
		if got := SpanOf(c.d); got != c.want {
			t.Errorf("SpanOf(%v) = %+v, want %+v", c.d, got, c.want)
		}
	}
}

// TestDeadlineNotices renders the reminder and the overdue alert of every
// step, measured both ways, to one who can take the step and to one who
// cannot, and checks the words that vary.
func TestDeadlineNotices(t *testing.T) {
	s, err := load("")
	if err != nil {
		t.Fatal(err)
	}
	steps := []struct {
		step, state, name, command string
		usable                     []string
		owner                      string
	}{
		{"intake", "received", "tiếp nhận, chuyển xử lý", "/accept", []string{"accept", "assign", "reject"}, "Người tiếp nhận của Trung tâm"},
		{"intake", "returned", "chuyển xử lý phản ánh bị trả lại", "/assign", []string{"assign"}, "Người tiếp nhận của Trung tâm"},
		{"return", "forwarded", "trả lại phản ánh không thuộc thẩm quyền", "/return", []string{"return", "resolve"}, "Điện lực"},
		{"resolve", "forwarded", "xử lý, báo cáo kết quả", "/resolve", []string{"return", "resolve"}, "Điện lực"},
		{"publish", "resolved", "duyệt, công khai kết quả", "/approve", []string{"approve", "sendback"}, "Người duyệt của Trung tâm"},
		{"clarification", "published", "giải trình ý kiến của người phản ánh", "/clarify", []string{"clarify"}, "Điện lực"},
	}
	due := time.Date(2026, 11, 23, 3, 15, 0, 0, time.UTC)
	for _, st := range steps {
		for _, working := range []bool{true, false} {
			n := DeadlineNotice{Code: "PA-2026-000007", Step: st.step, ReportState: st.state, Due: due, Working: working,
				AgencyName: "Điện lực", Reader: Reader{Usable: st.usable}}
			measure := map[bool]string{true: "tính theo giờ làm việc", false: "tính theo thời gian thực"}[working]
			r := render(t, s, "reminder", Reminder{n, Span{1, 5}})
			if !strings.Contains(r.Subject, "Sắp đến hạn "+st.name+": 10:15 ngày 23/11/2026") {
				t.Errorf("reminder %s/%s subject %q", st.step, st.state, r.Subject)
			}
			for _, want := range []string{"Thời gian còn lại: 1 giờ 5 phút (" + measure + ")", st.command} {
				if !strings.Contains(r.Text, want) || !strings.Contains(r.HTML, st.name) {
					t.Errorf("reminder %s/%s lacks %q:\n%s", st.step, st.state, want, r.Text)
				}
			}
			if st.step == "return" {
				continue // the return window closes without an alert
			}
			r = render(t, s, "overdue", Overdue{n, Span{0, 40}})
			if !strings.Contains(r.Subject, "Quá hạn "+st.name+" (hạn 10:15 ngày 23/11/2026)") {
				t.Errorf("overdue %s/%s subject %q", st.step, st.state, r.Subject)
			}
			for _, want := range []string{"Đã quá hạn: 40 phút (" + measure + ")", st.command} {
				if !strings.Contains(r.Text, want) || !strings.Contains(r.HTML, st.name) {
					t.Errorf("overdue %s/%s lacks %q:\n%s", st.step, st.state, want, r.Text)
				}
			}
		}
	}
	// One who cannot take the step is told whose it is, and of no command
	// of another role.
	for _, st := range steps {
		n := DeadlineNotice{Code: "PA-2026-000007", Step: st.step, ReportState: st.state, Due: due, AgencyName: "Điện lực",
			Reader: Reader{Usable: []string{"note", "status"}}}
		for kind, data := range map[string]any{"reminder": Reminder{n, Span{1, 5}}, "overdue": Overdue{n, Span{0, 40}}} {
			r := render(t, s, kind, data)
			if !strings.Contains(r.Text, st.owner) || strings.Contains(r.Text, st.command) || !strings.Contains(r.Text, "/note") {
				t.Errorf("%s %s/%s to an onlooker:\n%s", kind, st.step, st.state, r.Text)
			}
		}
	}
	// Right after the deadline there is nothing to say of how late it is.
	r := render(t, s, "overdue", Overdue{DeadlineNotice{Code: "PA-2026-000007", Step: "resolve", Due: due}, Span{}})
	if strings.Contains(r.Text, "Đã quá hạn:") || strings.Contains(r.HTML, "Đã quá hạn<") {
		t.Errorf("zero lateness shown:\n%s", r.Text)
	}
}

func render(t *testing.T, s *Set, kind string, data any) Rendered {
	t.Helper()
	b, err := json.Marshal(data)
	if err != nil {
		t.Fatal(err)
	}
	r, err := s.Render(kind, Vietnamese, b)
	if err != nil {
		t.Fatal(err)
	}
	return r
}
