package app

import (
	"fmt"
	"github.com/etcd-play/etcd-play/app/engine"
	"math"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The cluster view: members on a circle and, between each pair, two directed
// links drawn side by side (right-hand traffic), so a one-way cut shows as
// one red dashed line next to a healthy one. Each link is a keyboard- and
// mouse-operable button that cuts it, or heals it when it is cut.
//
// Keyboard: the links are one tab stop (a roving tabindex): the link in
// linkForm.rove (the first link until the user focuses another) has
// tabindex 0 and every other link -1; the arrow keys, Home and End move
// focus (and the tab stop) between links in (from, to) order, and Enter or
// Space toggles the focused link as a click does.
//
// Each member is an image with an accessible name and a tooltip (<title>):
// its name, state, term and leader. Its name is drawn inside the disc and
// its state beside it, outside the disc, so that no state's word is
// clipped by the disc.

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
func linkClass(l engine.LinkView) string {
	switch {
	case l.Cut:
		return "link cut"
	case l.Duplicate > 0 || l.Reorder > 1:
		return "link flaky"
	case l.Drop > 0 && l.Delay > 0:
		return "link lossy slow"
	case l.Drop > 0:
		return "link lossy"
	case l.Delay > 0:
		return "link slow"
	}
	return "link ok"
}

// linkFaultLabel names link l and its faults ("link etcd-1 to etcd-2:
// drops 50%, delay 3 ticks"): what the Links panel lists, which changes
// only when a fault does.
func linkFaultLabel(v liveView, l engine.LinkView) string {
	s := fmt.Sprintf("link %s to %s: ", v.name(l.From), v.name(l.To))
	switch {
	case l.Cut:
		s += "cut"
	case !linkFaulty(l):
		s += "healthy"
	default:
		s += fmt.Sprintf("drops %.0f%%, delay %d ticks", l.Drop*100, l.Delay) + linkFaultsText(l)
	}
	return s
}

// linkLabel is linkFaultLabel with the link's traffic: the link's name in
// the cluster view.
func linkLabel(v liveView, l engine.LinkView) string {
	s := linkFaultLabel(v, l)
	inFlight := strconv.Itoa(l.InFlight)
	if l.InFlight > 99 {
		inFlight += " (99+)" // the dot's text, which the name must contain
	}
	s += fmt.Sprintf("; %d sent, %d delivered, %d dropped, %s in flight", l.Sent, l.Delivered, l.Dropped, inFlight)
	if l.Duplicated > 0 {
		s += fmt.Sprintf(", %d duplicated", l.Duplicated)
	}
	return s
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
		links = append(links, p.renderLink(l, pts[i], pts[j], v.activity[linkKey{l.From, l.To}], p.roving() == linkKey{l.From, l.To}))
	}
	var nodes []app.UI
	for i, m := range v.members {
		nodes = append(nodes, p.renderNode(m, pts[i]))
	}

	// The stage holds the SVG and, over it, the messages layer (a canvas
	// and the messages' elements: messages_view.go); both span the
	// viewBox exactly.
	return app.Figure().Class("view").Body(
		app.Div().Class("view-stage").Body(svg("svg").
			Attr("viewBox", fmt.Sprintf("0 0 %d %d", viewW, viewH)).
			Attr("role", "group").
			Aria("label", "cluster network: members and the links between them; activate a link to cut or heal it, arrow keys move between links").
			Body(
				svg("defs").Body(
					svg("marker").ID("arrow").Attr("viewBox", "0 0 10 10").Attr("refX", 9).Attr("refY", 5).
						Attr("markerWidth", 6).Attr("markerHeight", 6).Attr("orient", "auto-start-reverse").
						Body(svg("path").Attr("d", "M0,0 L10,5 L0,10 z").Class("arrowhead")),
				),
				svg("g").Class("links").Body(links...),
				svg("g").Class("nodes").Body(nodes...),
			),
			p.renderMessages(idx, pts), // messages_view.go
		),
		app.FigCaption().Class("legend").Body(
			app.Span().Class("lg ok").Text("healthy"),
			app.Span().Class("lg cut").Text("cut"),
			app.Span().Class("lg lossy").Text("drops"),
			app.Span().Class("lg slow").Text("delayed"),
			app.Span().Class("lg flaky").Text("duplicates or reorders"),
			app.Span().Class("lg inflight").Text("messages in flight"),
			app.Span().Class("hint").Text("Thicker = more messages. Click a link, or Tab to the links, move with the arrow keys and press Enter, to cut or heal it."),
		),
		p.renderMessageLegend(), // messages_view.go
	)
}

// renderLink draws from -> to in its lane with an arrowhead; delivered is
// the traffic since the previous refresh.
//
// tabStop says whether this link holds the view's one tab stop.
func (p *playground) renderLink(l engine.LinkView, a, b point, delivered uint64, tabStop bool) app.UI {
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
			p.act(ctx, fmt.Sprintf("heal %d→%d", from, to), func(e engine.Engine) error { e.HealLink(from, to); return nil })
		} else {
			p.act(ctx, fmt.Sprintf("cut %d→%d", from, to), func(e engine.Engine) error { e.Cut(from, to); return nil })
		}
	}
	coords := func(e app.HTMLElem) app.HTMLElem {
		return e.Attr("x1", f1(x1)).Attr("y1", f1(y1)).Attr("x2", f1(x2)).Attr("y2", f1(y2))
	}
	tabIndex := -1
	if tabStop {
		tabIndex = 0
	}
	return svg("g").
		Class(linkClass(l)).
		Attr("role", "button").
		TabIndex(tabIndex).
		Aria("label", label).
		Aria("pressed", l.Cut).
		DataSet("action", "toggle-link").
		DataSet("from", from).
		DataSet("to", to).
		DataSet("cut", l.Cut).
		DataSet("duplicate", fmt.Sprintf("%.0f", l.Duplicate*100)).
		DataSet("reorder", l.Reorder).
		OnClick(func(ctx app.Context, e app.Event) { toggle(ctx) }).
		OnFocus(func(ctx app.Context, e app.Event) { p.link.rove = linkKey{from, to} }).
		OnKeyDown(func(ctx app.Context, e app.Event) {
			switch k := e.Get("key").String(); k {
			case "Enter", " ":
				e.PreventDefault()
				toggle(ctx)
			case "ArrowRight", "ArrowDown", "ArrowLeft", "ArrowUp", "Home", "End":
				e.PreventDefault()
				p.moveLinkFocus(linkKey{from, to}, k)
			}
		}).
		Body(
			svg("title").Text(label),
			coords(svg("line")).Class("ring"),
			coords(svg("line")).Class("hit"),
			coords(svg("line")).Class("wire").Attr("stroke-width", f1(width)).Attr("marker-end", "url(#arrow)"),
			app.If(l.InFlight > 0, func() app.UI {
				// Messages on their way (delayed or not yet delivered),
				// drawn where they are: past the middle of the lane.
				cx, cy := x1+(x2-x1)*0.6, y1+(y2-y1)*0.6
				return svg("g").Class("inflight").Body(
					svg("title").Text(p.dotsLabel(l)),
					svg("circle").Attr("cx", f1(cx)).Attr("cy", f1(cy)).Attr("r", 7),
					svg("text").Attr("x", f1(cx)).Attr("y", f1(cy+3.5)).Text(inFlightText(l.InFlight)),
				)
			}),
		)
}

// renderNode draws member m at at: a disc with its name, its state beside
// the disc (above it for a member in the top half of the circle, below it
// otherwise, where the links to the others do not run), and its
// accessible name and tooltip.
func (p *playground) renderNode(m engine.MemberView, at point) app.UI {
	label := p.nodeLabel(m)
	stateY := at.y + nodeR + 14
	if at.y < viewH/2-viewR/2 {
		stateY = at.y - nodeR - 6
	}
	return svg("g").Class("node state-"+m.State).DataSet("node", m.ID).
		Attr("role", "img").Aria("label", label).
		Body(
			svg("title").Text(label),
			svg("circle").Attr("cx", f1(at.x)).Attr("cy", f1(at.y)).Attr("r", nodeR),
			svg("text").Attr("x", f1(at.x)).Attr("y", f1(at.y+4)).Class("name").Text(m.Name),
			svg("text").Attr("x", f1(at.x)).Attr("y", f1(stateY)).Class("role").Text(m.State),
		)
}

// nodeLabel is a member's accessible name and tooltip in the view; it
// contains the words drawn (name and state).
func (p *playground) nodeLabel(m engine.MemberView) string {
	s := m.Name + ", " + m.State
	if !m.Up() {
		return s + fmt.Sprintf(", last term %d", m.Term)
	}
	leader := "no leader known"
	switch m.Leader {
	case 0:
	case m.ID:
		leader = "it is the leader"
	default:
		leader = "leader " + p.view.name(m.Leader)
	}
	return s + fmt.Sprintf(", term %d, %s", m.Term, leader)
}

// inFlightText is what a link's in-flight dot shows: the count, capped.
func inFlightText(n int) string {
	if n > 99 {
		return "99+"
	}
	return strconv.Itoa(n)
}

// dotsLabel is the tooltip of a link's in-flight dot: the messages on
// their way in each direction between the two members, and l's totals.
func (p *playground) dotsLabel(l engine.LinkView) string {
	back := 0
	for _, r := range p.view.links {
		if r.From == l.To && r.To == l.From {
			back = r.InFlight
		}
	}
	a, b := p.view.name(l.From), p.view.name(l.To)
	return fmt.Sprintf("messages in flight: %d from %s to %s, %d from %s to %s; %s to %s: %d sent, %d delivered, %d dropped",
		l.InFlight, a, b, back, b, a, a, b, l.Sent, l.Delivered, l.Dropped)
}

// roving returns the link that holds the view's one tab stop: the one the
// user last focused, else the first link.
func (p *playground) roving() linkKey {
	for _, l := range p.view.links {
		if (linkKey{l.From, l.To}) == p.link.rove {
			return p.link.rove
		}
	}
	if len(p.view.links) > 0 {
		return linkKey{p.view.links[0].From, p.view.links[0].To}
	}
	return linkKey{}
}

// moveLinkFocus moves the view's tab stop and focus from link cur as key
// (an arrow key, Home or End) says, wrapping around. UI goroutine.
func (p *playground) moveLinkFocus(cur linkKey, key string) {
	ls := p.view.links
	if len(ls) == 0 {
		return
	}
	i := 0
	for j, l := range ls {
		if (linkKey{l.From, l.To}) == cur {
			i = j
		}
	}
	switch key {
	case "ArrowRight", "ArrowDown":
		i = (i + 1) % len(ls)
	case "ArrowLeft", "ArrowUp":
		i = (i + len(ls) - 1) % len(ls)
	case "Home":
		i = 0
	case "End":
		i = len(ls) - 1
	}
	next := ls[i]
	p.link.rove = linkKey{next.From, next.To}
	// The element exists already (every link is drawn); it gets tabindex 0
	// when the view re-renders after this handler.
	el := app.Window().Get("document").Call("querySelector",
		fmt.Sprintf(`.view .link[data-from="%d"][data-to="%d"]`, next.From, next.To))
	if el.Truthy() {
		el.Call("focus")
	}
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
