package reports

import (
	"cmp"
	"fmt"
	"math"
	"slices"
	"unicode/utf8"

	"github.com/go-analyze/charts"
)

// chartAgencies is how many agencies the chart shows: those with the most
// results and overdue reports.
const chartAgencies = 12

// Chart draws the report's chart as a PNG: for each agency (the Center
// aside), its results on time, excused and late and its reports overdue at
// the period's end, stacked, the busiest agencies on top. A period without
// any shows the province's counts instead. Text is drawn in the library's
// embedded Roboto and Noto Sans, which hold Vietnamese's letters.
func (r *Report) Chart() ([]byte, error) {
	var opt charts.BarChartOption
	if rows := r.chartRows(); len(rows) > 0 {
		opt = agencyChart(rows)
	} else {
		opt = summaryChart(r.Totals)
	}
	opt.Title.Text = kindTitles[r.Period.Kind] + " — " + r.Period.Title() + " (" + r.Period.Dates() + ")"
	opt.Padding = charts.Box{Top: 20, Right: 30, Bottom: 10, Left: 20}
	height := 160 + 42*len(opt.CategoryAxis.Labels)
	p := charts.NewPainter(charts.PainterOptions{OutputFormat: charts.ChartOutputPNG, Width: 960, Height: max(height, 360)})
	if err := p.BarChart(opt); err != nil {
		return nil, fmt.Errorf("reports: chart: %w", err)
	}
	png, err := p.Bytes()
	if err != nil {
		return nil, fmt.Errorf("reports: chart: %w", err)
	}
	return png, nil
}

// chartRows are the agencies to draw, busiest last: the chart draws its
// first category at the bottom.
func (r *Report) chartRows() []Group {
	var rows []Group
	for _, g := range r.ByAgency {
		if g.Code != r.Center && g.Resolved+g.OpenOverdue > 0 {
			rows = append(rows, g)
		}
	}
	load := func(g Group) int { return g.Resolved + g.OpenOverdue }
	slices.SortStableFunc(rows, func(a, b Group) int { return cmp.Or(cmp.Compare(load(b), load(a)), cmp.Compare(a.Code, b.Code)) })
	rows = rows[:min(len(rows), chartAgencies)]
	slices.Reverse(rows)
	return rows
}

func agencyChart(rows []Group) charts.BarChartOption {
	series := [][]float64{make([]float64, len(rows)), make([]float64, len(rows)), make([]float64, len(rows)), make([]float64, len(rows))}
	labels := make([]string, len(rows))
	for i, g := range rows {
		series[0][i], series[1][i] = float64(g.OnTime), float64(g.Excused)
		series[2][i], series[3][i] = float64(g.Late), float64(g.OpenOverdue)
		labels[i] = shorten(g.Name, 44)
	}
	opt := charts.NewBarChartOptionWithData(series)
	opt.Horizontal = true
	opt.StackSeries = charts.Ptr(true)
	opt.Theme = opt.Theme.WithSeriesColors([]charts.Color{
		charts.ColorFromHex("2e9d57"), charts.ColorFromHex("4a90d9"), charts.ColorFromHex("f2a33a"), charts.ColorFromHex("d64541"),
	})
	opt.Legend.SeriesNames = []string{mOnTime.title, "Được gia hạn", mLate.title, "Tồn quá hạn cuối kỳ"}
	opt.Legend.Offset = charts.OffsetStr{Top: "30"}
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: labels}
	top := 0.0
	for i := range rows {
		top = max(top, series[0][i]+series[1][i]+series[2][i]+series[3][i])
	}
	opt.ValueAxis = []charts.ValueAxisOption{countAxis(top)}
	return opt
}

// countAxis is a value axis of whole numbers from 0 to at least top, in
// steps of 1, 2 or 5 times a power of ten, at most 8 of them.
func countAxis(top float64) charts.ValueAxisOption {
	step := 1.0
	for i := 0; top/step > 8; i++ {
		step *= []float64{2, 2.5, 2}[i%3] // 1, 2, 5, 10, 20, 50, …
	}
	steps := max(math.Ceil(top/step), 1)
	return charts.ValueAxisOption{Min: charts.Ptr(0.0), Max: charts.Ptr(steps * step), LabelCount: int(steps) + 1,
		PreferNiceIntervals: charts.Ptr(false), ValueFormatter: func(v float64) string { return fmt.Sprintf("%.0f", v) }}
}

func summaryChart(c Counts) charts.BarChartOption {
	ms := []metric{mReceived, mForwarded, mResolved, mOnTime, mLate, mOpen, mOpenOverdue}
	values := make([]float64, len(ms))
	labels := make([]string, len(ms))
	for i, m := range ms {
		values[i], labels[i] = float64(m.get(c)), m.title
	}
	slices.Reverse(values)
	slices.Reverse(labels)
	opt := charts.NewBarChartOptionWithData([][]float64{values})
	opt.Horizontal = true
	opt.CategoryAxis = charts.CategoryAxisOption{Labels: labels}
	opt.ValueAxis = []charts.ValueAxisOption{countAxis(slices.Max(values))}
	return opt
}

// shorten cuts a name longer than n letters, marking the cut.
func shorten(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
