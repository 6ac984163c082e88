package calendar

import "time"

// ZoneName is the province's time zone, the default of calendar.timezone.
const ZoneName = "Asia/Ho_Chi_Minh"

// Vietnam is the province's time zone (ZoneName): the zone of every time
// people read — notices, pages, reports and the commands' JSON (SPEC 12.1)
// — of the year in a report's code, and of the daemon's schedules. It
// always resolves: this package links time/tzdata in.
var Vietnam = func() *time.Location {
	loc, err := time.LoadLocation(ZoneName)
	if err != nil {
		panic(err) // time/tzdata is linked in: the zone always exists
	}
	return loc
}()
