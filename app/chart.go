package app

import (
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"strconv"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The live chart: committed writes per second (from the growth of the
// highest revision, one revision per write) and each member's applied index,
// sampled every chartEvery over the last chartSamples samples.

const (
	chartEvery   = 500 * time.Millisecond
	chartSamples = 60
	chartW       = 300
	chartH       = 90
)

type chartSample struct {
	writesPerSec float64
	applied      map[uint64]uint64
}

type chartState struct {
	last    time.Time
	lastRev int64
	samples []chartSample
	ids     []uint64
}

// sample records one point when chartEvery has passed since the last.
func (c *chartState) sample(ms []engine.MemberView, at time.Time) {
	var rev int64
	for _, m := range ms {
		rev = max(rev, m.Revision)
	}
	if c.last.IsZero() {
		c.last, c.lastRev = at, rev
		return
	}
	dt := at.Sub(c.last)
	if dt < chartEvery {
		return
	}
	s := chartSample{applied: make(map[uint64]uint64, len(ms))}
	if rev >= c.lastRev {
		s.writesPerSec = float64(rev-c.lastRev) / dt.Seconds()
	}
	c.ids = c.ids[:0]
	for _, m := range ms {
		s.applied[m.ID] = m.Applied
		c.ids = append(c.ids, m.ID)
	}
	c.last, c.lastRev = at, rev
	c.samples = append(c.samples, s)
	if over := len(c.samples) - chartSamples; over > 0 {
		c.samples = append(c.samples[:0], c.samples[over:]...)
	}
}

// polyline maps values (oldest first) onto the chart box, scaled to top.
// (strconv, not fmt: six lines of 60 points each, every chartEvery.)
func polyline(values []float64, top float64) string {
	b := make([]byte, 0, len(values)*12)
	for i, v := range values {
		x := float64(chartW) * float64(i) / float64(chartSamples-1)
		y := chartH - 4 - (chartH-8)*v/top
		b = strconv.AppendFloat(b, x, 'f', 1, 64)
		b = append(b, ',')
		b = strconv.AppendFloat(b, y, 'f', 1, 64)
		b = append(b, ' ')
	}
	return string(b)
}

func (p *playground) renderChart() app.UI {
	c := p.chart
	var wps []float64
	var peak float64
	for _, s := range c.samples {
		wps = append(wps, s.writesPerSec)
		peak = max(peak, s.writesPerSec)
	}
	top := max(peak, 1) // the scale: a flat line at 0 when nothing was written
	current := 0.0
	if n := len(wps); n > 0 {
		current = wps[n-1]
	}

	var lo, hi uint64
	first := true
	for _, s := range c.samples {
		for _, a := range s.applied {
			if first || a < lo {
				lo = a
			}
			hi = max(hi, a)
			first = false
		}
	}
	span := float64(max(hi-lo, 1))
	var lines []app.UI
	for i, id := range c.ids {
		var vals []float64
		for _, s := range c.samples {
			vals = append(vals, float64(s.applied[id]-min(s.applied[id], lo)))
		}
		lines = append(lines, svg("polyline").Class(fmt.Sprintf("series s%d", i%7)).
			Attr("points", polyline(vals, span)).DataSet("member", id))
	}
	legend := make([]app.UI, len(c.ids))
	for i, id := range c.ids {
		legend[i] = app.Span().Class(fmt.Sprintf("lg s%d", i%7)).Text(p.view.name(id))
	}

	return app.Section().Class("panel chart").Aria("labelledby", "chart-h").DataSet("samples", len(c.samples)).Body(
		app.H2().ID("chart-h").Text("Throughput"),
		app.Figure().Body(
			svg("svg").Attr("viewBox", fmt.Sprintf("0 0 %d %d", chartW, chartH)).Attr("role", "img").
				Aria("label", fmt.Sprintf("committed writes per second over the last %d seconds; now %.0f", chartSamples/2, current)).
				Body(svg("polyline").Class("series wps").Attr("points", polyline(wps, top))),
			app.FigCaption().DataSet("writes-per-sec", fmt.Sprintf("%.0f", current)).DataSet("peak", fmt.Sprintf("%.0f", peak)).
				Text(fmt.Sprintf("committed writes/s: %.0f now, %.0f peak (last %d s)", current, peak, chartSamples/2)),
		),
		app.Figure().Body(
			svg("svg").Attr("viewBox", fmt.Sprintf("0 0 %d %d", chartW, chartH)).Attr("role", "img").
				Aria("label", fmt.Sprintf("applied index per member, from %d to %d", lo, hi)).
				Body(lines...),
			app.FigCaption().Body(
				app.Text(fmt.Sprintf("applied index per member (%d … %d) ", lo, hi)),
				app.Span().Class("legend").Body(legend...),
			),
		),
	)
}
