package config

import (
	"slices"
	"strings"
	"testing"
)

func TestReportsDefaultsAndRecipients(t *testing.T) {
	cfg, err := Load(write(t, `[reports]
recipients = ["lanhdao@haugiang.gov.vn", "stttt@haugiang.gov.vn"]
semiannual_recipients = ["sonoivu@haugiang.gov.vn", "STTTT@haugiang.gov.vn"]
daily_recipients = ["truc@haugiang.gov.vn"]
annual_schedule = ""
`))
	if err != nil {
		t.Fatal(err)
	}
	r := cfg.Reports
	if r.PeriodMode != PeriodDecree {
		t.Errorf("period_mode %q, want %q", r.PeriodMode, PeriodDecree)
	}
	for kind, want := range map[string]struct {
		schedule   string
		recipients []string
	}{
		"daily":      {"30 7 * * *", []string{"truc@haugiang.gov.vn"}},
		"monthly":    {"30 7 15 * *", []string{"lanhdao@haugiang.gov.vn", "stttt@haugiang.gov.vn"}},
		"quarterly":  {"30 7 15 3,6,9,12 *", []string{"lanhdao@haugiang.gov.vn", "stttt@haugiang.gov.vn"}},
		"semiannual": {"30 7 15 6,12 *", []string{"lanhdao@haugiang.gov.vn", "stttt@haugiang.gov.vn", "sonoivu@haugiang.gov.vn"}},
		"annual":     {"", []string{"lanhdao@haugiang.gov.vn", "stttt@haugiang.gov.vn"}},
	} {
		schedule, recipients := r.Kind(kind)
		if schedule != want.schedule || !slices.Equal(recipients, want.recipients) {
			t.Errorf("%s: %q %q, want %q %q", kind, schedule, recipients, want.schedule, want.recipients)
		}
	}
}

func TestReportsRefused(t *testing.T) {
	for body, want := range map[string]string{
		`period_mode = "weekly"`:             "reports.period_mode",
		`monthly_schedule = "15th at 07:30"`: "reports.monthly_schedule",
		`daily_schedule = "30 7 * *"`:        "reports.daily_schedule",
		`annual_recipients = ["Sở Nội vụ"]`:  "reports.annual_recipients[0]",
	} {
		_, err := Load(write(t, "[reports]\n"+body+"\n"))
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%s: %v, want an error naming %s", body, err, want)
		}
	}
}
