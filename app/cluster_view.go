package app

import (
	"fmt"
	"math"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The cluster view: members on a circle and, between each pair, two directed
// links drawn side by side (right-hand traffic), so a one-way cut shows as
// one red dashed line next to a healthy one. Each link is a keyboard- and
// mouse-operable button that cuts it, or heals it when it is cut.

const (
	svgNS      = "http://www.w3.org/2000/svg"
	viewW      = 440
	viewH      = 380
	viewR      = 140 // radius of the member circle
	nodeR      = 30  // member disc radius
	laneOffset = 5   // distance between a link's two directions
)

func svg(tag string) app.HTMLElem { return app.Elem(tag).XMLNS(svgNS) }

type point struct{ x, y float64 }

// positions places n members on a circle, the first at the top.
func positions(n int) []point {
	pts := make([]point, n)
	for i := range pts {
		a := -math.Pi/2 + 2*math.Pi*float64(i)/float64(n)
		pts[i] = point{viewW/2 + viewR*math.Cos(a), viewH/2 + viewR*math.Sin(a)}
	}
	return pts
}

// linkClass describes a link's faults for its style; linkLabel in words.
func linkClass(l LinkView) string {
	switch {
	case l.Cut:
		return "link cut"
	case l.Drop > 0 && l.Delay > 0:
		return "link lossy slow"
	case l.Drop > 0:
		return "link lossy"
	case l.Delay > 0:
		return "link slow"
	}
	return "link ok"
}

func linkLabel(v liveView, l LinkView) string {
	s := fmt.Sprintf("link %s to %s: ", v.name(l.From), v.name(l.To))
	switch {
	case l.Cut:
		s += "cut"
	case l.Drop == 0 && l.Delay == 0:
		s += "healthy"
	default:
		s += fmt.Sprintf("drops %.0f%%, delay %d ticks", l.Drop*100, l.Delay)
	}
	return s + fmt.Sprintf("; %d sent, %d delivered, %d dropped, %d in flight", l.Sent, l.Delivered, l.Dropped, l.InFlight)
}

func (p *playground) renderClusterView() app.UI {
	v := p.view
	idx := map[uint64]int{}
	for i, m := range v.members {
		idx[m.ID] = i
	}
	pts := positions(len(v.members))

	var links []app.UI
	for _, l := range v.links {
		i, ok1 := idx[l.From]
		j, ok2 := idx[l.To]
		if !ok1 || !ok2 {
			continue
		}
		links = append(links, p.renderLink(l, pts[i], pts[j], v.activity[linkKey{l.From, l.To}]))
	}
	var nodes []app.UI
	for i, m := range v.members {
		nodes = append(nodes, renderNode(m, pts[i]))
	}

	return app.Figure().Class("view").Body(
		svg("svg").
			Attr("viewBox", fmt.Sprintf("0 0 %d %d", viewW, viewH)).
			Attr("role", "group").
			Aria("label", "cluster network: members and the links between them; activate a link to cut or heal it").
			Body(
				svg("defs").Body(
					svg("marker").ID("arrow").Attr("viewBox", "0 0 10 10").Attr("refX", 9).Attr("refY", 5).
						Attr("markerWidth", 6).Attr("markerHeight", 6).Attr("orient", "auto-start-reverse").
						Body(svg("path").Attr("d", "M0,0 L10,5 L0,10 z").Class("arrowhead")),
				),
				svg("g").Class("links").Body(links...),
				svg("g").Class("nodes").Body(nodes...),
			),
		app.FigCaption().Class("legend").Body(
			app.Span().Class("lg ok").Text("healthy"),
			app.Span().Class("lg cut").Text("cut"),
			app.Span().Class("lg lossy").Text("drops"),
			app.Span().Class("lg slow").Text("delayed"),
			app.Span().Class("lg inflight").Text("messages in flight"),
			app.Span().Class("hint").Text("Thicker = more messages. Click or press Enter on a link to cut or heal it."),
		),
	)
}

// renderLink draws from -> to in its lane with an arrowhead; delivered is
// the traffic since the previous refresh.
func (p *playground) renderLink(l LinkView, a, b point, delivered uint64) app.UI {
	dx, dy := b.x-a.x, b.y-a.y
	d := math.Hypot(dx, dy)
	if d == 0 {
		return nil
	}
	ux, uy := dx/d, dy/d
	ox, oy := -uy*laneOffset, ux*laneOffset // right-hand lane
	x1, y1 := a.x+ux*nodeR+ox, a.y+uy*nodeR+oy
	x2, y2 := b.x-ux*(nodeR+2)+ox, b.y-uy*(nodeR+2)+oy
	width := 1.5
	if lvl := activityLevel(delivered); lvl > 0 && !l.Cut {
		width = 1.5 + float64(lvl)
	}
	from, to := l.From, l.To
	label := linkLabel(p.view, l)
	// toggle reads the link's state when it runs: go-app keeps a handler's
	// first closure across renders, so a captured l.Cut would go stale.
	toggle := func(ctx app.Context) {
		cut := false
		for _, cur := range p.view.links {
			if cur.From == from && cur.To == to {
				cut = cur.Cut
			}
		}
		if cut {
			p.act(ctx, fmt.Sprintf("heal %d→%d", from, to), func(e Engine) error { e.HealLink(from, to); return nil })
		} else {
			p.act(ctx, fmt.Sprintf("cut %d→%d", from, to), func(e Engine) error { e.Cut(from, to); return nil })
		}
	}
	coords := func(e app.HTMLElem) app.HTMLElem {
		return e.Attr("x1", f1(x1)).Attr("y1", f1(y1)).Attr("x2", f1(x2)).Attr("y2", f1(y2))
	}
	return svg("g").
		Class(linkClass(l)).
		Attr("role", "button").
		TabIndex(0).
		Aria("label", label).
		Aria("pressed", l.Cut).
		DataSet("action", "toggle-link").
		DataSet("from", from).
		DataSet("to", to).
		DataSet("cut", l.Cut).
		OnClick(func(ctx app.Context, e app.Event) { toggle(ctx) }).
		OnKeyDown(func(ctx app.Context, e app.Event) {
			if k := e.Get("key").String(); k == "Enter" || k == " " {
				e.PreventDefault()
				toggle(ctx)
			}
		}).
		Body(
			svg("title").Text(label),
			coords(svg("line")).Class("hit"),
			coords(svg("line")).Class("wire").Attr("stroke-width", f1(width)).Attr("marker-end", "url(#arrow)"),
			app.If(l.InFlight > 0, func() app.UI {
				// Messages on their way (delayed or not yet delivered),
				// drawn where they are: past the middle of the lane.
				cx, cy := x1+(x2-x1)*0.6, y1+(y2-y1)*0.6
				return svg("g").Class("inflight").Body(
					svg("circle").Attr("cx", f1(cx)).Attr("cy", f1(cy)).Attr("r", 7),
					svg("text").Attr("x", f1(cx)).Attr("y", f1(cy+3.5)).Text(min(l.InFlight, 99)),
				)
			}),
		)
}

func renderNode(m MemberView, at point) app.UI {
	return svg("g").Class("node state-"+m.State).DataSet("node", m.ID).Body(
		svg("circle").Attr("cx", f1(at.x)).Attr("cy", f1(at.y)).Attr("r", nodeR),
		svg("text").Attr("x", f1(at.x)).Attr("y", f1(at.y-4)).Class("name").Text(m.Name),
		svg("text").Attr("x", f1(at.x)).Attr("y", f1(at.y+12)).Class("role").Text(m.State),
	)
}

// activityLevel buckets a link's traffic per refresh, 0 (none) to 4, on a
// log scale: the line width shows it.
func activityLevel(delivered uint64) int {
	switch {
	case delivered == 0:
		return 0
	case delivered < 4:
		return 1
	case delivered < 16:
		return 2
	case delivered < 64:
		return 3
	}
	return 4
}

func f1(f float64) string { return fmt.Sprintf("%.1f", f) }
