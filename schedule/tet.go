package schedule

import (
	"context"
	"log/slog"
	"time"

	"haugiang.gov.vn/phananh/rules/calendar"
)

// MissingTet reports whether the holiday file lacks the Tết it must hold at
// now, and which year's (SPEC 5.1: in January, warn when the file has no Tết
// for the coming year). The check is made in January only, in the
// calendar's zone, and asks for the Tết of that same year: the one coming in
// a few weeks (Tết falls between 21 January and 20 February), which the
// Prime Minister has fixed months before, and without which deadlines
// running through it count its days as working days. The next year's Tết is
// not asked for: it is announced later in the year, so a January warning
// about it would fire every year and could not be acted on.
//
// Outside January it returns 0 and false. The daily digest can say the
// same from it.
func MissingTet(cal *calendar.Calendar, now time.Time) (year int, missing bool) {
	t := now.In(cal.Location())
	if t.Month() != time.January {
		return 0, false
	}
	return t.Year(), !cal.HasTet(t.Year())
}

// TetJob is the job that logs MissingTet's warning on spec (JanuaryMornings
// by default). It carries nothing personal: the year only.
func TetJob(spec string, cal *calendar.Calendar, log *slog.Logger) Job {
	return Job{Name: "tet-check", Spec: spec, Run: func(_ context.Context, now time.Time) error {
		if year, missing := MissingTet(cal, now); missing {
			log.Warn("the holiday file has no Tết for this year: deadlines count its days as working days until its days are added to calendar.holidays (they add to the holiday file's days; a holiday file of its own replaces the shipped one)",
				"year", year)
		}
		return nil
	}}
}
