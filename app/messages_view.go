package app

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Raft messages in flight, drawn moving along their links while the clock is
// slow (at most msgMaxSpeed ticks a second) or paused; faster, the links'
// tooltips count what they carried by type instead.
//
// The messages layer (.msgs) lies over the cluster view's SVG. It holds a
// canvas (msgCanvas) and one element per message, which carries the hooks,
// the accessible name and the handlers. While the clock runs, the elements
// are hidden and web/messages-canvas.js draws the messages on the canvas,
// each frame, from what the elements say: its lane's ends in view units and
// its motion (data-motion: how long it flies at the chosen speed and when
// it starts, relative to the moment the element got that motion). Moving
// hundreds of elements would cost the page's thread a style recalculation
// of each on every frame; the canvas costs a draw call each. The page
// renders the messages only when a refresh brings a new set (at most once
// per tick at these speeds); a message's motion is fixed for its flight, so
// a later render leaves it alone. Pausing, playing or changing the speed
// starts a new motion epoch: every message gets its motion anew from the
// current tick. Paused, the elements are the glyphs, still (half a tick on),
// and buttons: clicking one (or Enter or Space on it) drops it, an action
// the engine replays (Engine.DropMessage). Hover or focus shows a message's
// fields below the view (running, the canvas script forwards the pointer
// to the element under it). With reduced motion asked for, the script
// draws each message where it is when the layer changes (about once a
// tick): messages step instead of gliding.
//
// Each message keeps its place among the layer's children (msgState.slots)
// for its whole flight: go-app matches children by position, so a tick that
// delivers the oldest messages and sends new ones rewrites only the places
// that changed, not every message after the first delivered one.
//
// Hooks: data-msg-type (raft's name), data-from, data-to, data-msg-id.

// msgMaxSpeed is the fastest speed, ticks per second, at which messages are
// drawn moving.
const msgMaxSpeed = 5

// msgGlyphs is each drawn type's letter (a response's is its request's in
// lower case, drawn with a dashed ring); the legend lists them.
var msgGlyphs = []struct{ typ, letter, text string }{
	{"MsgApp", "A", "append"},
	{"MsgAppResp", "a", "append response"},
	{"MsgHeartbeat", "H", "heartbeat"},
	{"MsgHeartbeatResp", "h", "heartbeat response"},
	{"MsgPreVote", "P", "pre-vote"},
	{"MsgPreVoteResp", "p", "pre-vote response"},
	{"MsgVote", "V", "vote"},
	{"MsgVoteResp", "v", "vote response"},
	{"MsgSnap", "S", "snapshot"},
	{"MsgReadIndex", "R", "read index"},
	{"MsgReadIndexResp", "r", "read index response"},
	{"MsgTimeoutNow", "T", "timeout now"},
	{"MsgTransferLeader", "L", "transfer leader"},
	{"MsgProp", "W", "write forwarded to the leader"},
}

func msgGlyph(typ string) (letter string, response bool) {
	for _, g := range msgGlyphs {
		if g.typ == typ {
			return g.letter, strings.HasSuffix(typ, "Resp")
		}
	}
	return "?", strings.HasSuffix(typ, "Resp")
}

// msgClock is the clock the drawn messages were rendered for: the current
// tick, when the page saw it arrive, and the motion epoch. Set by
// noteMessages; UI goroutine.
type msgClock struct {
	now   uint64
	at    time.Time
	epoch msgEpoch
	wall  func() time.Time // the time now (nil: time.Now; tests set it)
}

// msgEpoch is what every drawn message's motion depends on besides its own
// ticks: a change restyles them all (see the top of this file).
type msgEpoch struct {
	paused bool
	speed  float64
	back   uint64 // times the clock went back (a rewind): the same IDs fly anew
}

// msgState is the playground's share of the messages view.
type msgState struct {
	want  atomic.Int32 // messages the refresh asks the engine for (0: none)
	clock msgClock
	focus uint64 // the message hovered or focused (its fields are shown)
	// counts is the links' sent counts by type as last shown (faster
	// than msgMaxSpeed), taken at most every countsEvery; countsRev
	// counts the snapshots (the view panel's key). UI goroutine.
	counts    []engine.LinkView
	countsAt  time.Time
	countsRev uint64
	// slots is the message ID drawn at each place of the layer (0: an
	// empty place; IDs start at 1). UI goroutine (renderMessages).
	slots []uint64
	// motions is each drawn message's motion (msgMotion), fixed when it
	// was first drawn in the current epoch (drawn).
	motions map[uint64]string
	drawn   msgEpoch
}

// slowEnough reports whether messages are drawn at speed (or paused).
func slowEnough(paused bool, speed float64) bool { return paused || speed <= msgMaxSpeed }

// noteMessages records a refresh's clock for the messages' motion and what
// the next refresh asks the engine for. UI goroutine (apply).
func (p *playground) noteMessages(v liveView, at time.Time) {
	show := slowEnough(v.paused, p.speed)
	if show {
		p.msgs.want.Store(engine.MaxUpdateMessages)
	} else {
		p.msgs.want.Store(0)
	}
	if !show && at.Sub(p.msgs.countsAt) >= countsEvery {
		p.msgs.counts, p.msgs.countsAt = v.links, at
		p.msgs.countsRev++
	}
	c := &p.msgs.clock
	back := c.epoch.back
	if v.now < c.now {
		back++
	}
	if v.now != c.now || c.at.IsZero() {
		c.now, c.at = v.now, at
	}
	c.epoch = msgEpoch{paused: v.paused || p.speed <= 0, speed: p.speed, back: back}
}

// position returns the current tick plus how far into it the clock is at
// now, in [0, 1] (1/2 when paused).
func (c *msgClock) position(now time.Time) float64 {
	if c.epoch.paused {
		return float64(c.now) + 0.5
	}
	return float64(c.now) + min(1, max(0, now.Sub(c.at).Seconds()*c.epoch.speed))
}

// msgLane is the drawn segment of link from -> to (its right-hand lane
// between the discs, as renderLink draws it) and its unit direction.
func msgLane(a, b point) (x1, y1, x2, y2, ux, uy float64, ok bool) {
	dx, dy := b.x-a.x, b.y-a.y
	d := math.Hypot(dx, dy)
	if d == 0 {
		return 0, 0, 0, 0, 0, 0, false
	}
	ux, uy = dx/d, dy/d
	ox, oy := -uy*laneOffset, ux*laneOffset
	// Start and end a glyph's radius inside the discs' edges.
	x1, y1 = a.x+ux*(nodeR+msgR)+ox, a.y+uy*(nodeR+msgR)+oy
	x2, y2 = b.x-ux*(nodeR+msgR+2)+ox, b.y-uy*(nodeR+msgR+2)+oy
	return x1, y1, x2, y2, ux, uy, true
}

// msgR is a message glyph's radius (view units; the canvas script and
// the stylesheet draw it so).
const msgR = 7

// renderMessages draws the messages in flight on the layer over the view
// (only its canvas when they are not shown). idx maps a member ID to its
// index in pts.
func (p *playground) renderMessages(idx map[uint64]int, pts []point) app.UI {
	v := p.view
	ms := &p.msgs
	canvas := &msgCanvas{}
	if !slowEnough(v.paused, p.speed) || len(v.messages) == 0 {
		ms.slots, ms.motions = ms.slots[:0], nil
		return app.Div().Class("msgs").Body(canvas)
	}
	// Messages that share a lane and timing are spread along it.
	type slot struct {
		from, to, sent, due uint64
	}
	count := map[slot]int{}
	for _, m := range v.messages {
		count[slot{m.From, m.To, m.Sent, m.Due}]++
	}
	seen := map[slot]int{}
	epoch := ms.clock.epoch
	at := p.placeMessages(v.messages)
	motions := make(map[uint64]string, len(v.messages))
	if epoch == ms.drawn {
		for _, m := range v.messages {
			if mo, ok := ms.motions[m.ID]; ok {
				motions[m.ID] = mo
			}
		}
	}
	ms.motions, ms.drawn = motions, epoch
	wall := time.Now
	if ms.clock.wall != nil {
		wall = ms.clock.wall
	}
	pos := ms.clock.position(wall())
	class := "msgs"
	if epoch.paused {
		class += " paused"
	}
	return app.Div().Class(class).Aria("label", "messages in flight").Attr("role", "group").Body(
		canvas,
		app.Range(ms.slots).Slice(func(i int) app.UI {
			empty := &messageGlyph{P: p} // a free place: a hidden element
			j := at[i]
			if j < 0 {
				return empty
			}
			m := v.messages[j]
			a, ok1 := idx[m.From]
			b, ok2 := idx[m.To]
			if !ok1 || !ok2 {
				return empty
			}
			x1, y1, x2, y2, ux, uy, ok := msgLane(pts[a], pts[b])
			if !ok {
				return empty
			}
			k := slot{m.From, m.To, m.Sent, m.Due}
			off := (float64(seen[k]) - float64(count[k]-1)/2) * (2*msgR + 1)
			seen[k]++
			x0, y0, x1, y1 := x1+ux*off, y1+uy*off, x2+ux*off, y2+uy*off
			g := &messageGlyph{P: p, M: m, Paused: epoch.paused}
			if epoch.paused {
				pr := msgProgress(m, pos)
				g.Still = fmt.Sprintf("--x:%.1f;--y:%.1f", x0+(x1-x0)*pr, y0+(y1-y0)*pr)
				return g
			}
			mo, ok := motions[m.ID]
			if !ok {
				mo = msgMotion(m, x0, y0, x1, y1, pos, epoch.speed)
				motions[m.ID] = mo
			}
			g.Motion = mo
			return g
		}),
	)
}

// placeMessages gives each message in msgs a place in msgs.slots: the one
// it had, or the first free one, or a new one at the end; places of
// messages no longer in flight are freed and trailing free places dropped.
// It returns, for each place, the index in msgs of the message drawn there
// (-1: none). UI goroutine.
func (p *playground) placeMessages(msgs []engine.MessageView) []int {
	live := make(map[uint64]int, len(msgs))
	for i, m := range msgs {
		live[m.ID] = i
	}
	slots := p.msgs.slots
	placed := make(map[uint64]bool, len(slots))
	var free []int
	for i, id := range slots {
		if _, ok := live[id]; ok {
			placed[id] = true
			continue
		}
		slots[i] = 0
		free = append(free, i)
	}
	for _, m := range msgs {
		switch {
		case placed[m.ID]:
		case len(free) > 0:
			slots[free[0]] = m.ID
			free = free[1:]
		default:
			slots = append(slots, m.ID)
		}
	}
	for len(slots) > 0 && slots[len(slots)-1] == 0 {
		slots = slots[:len(slots)-1]
	}
	p.msgs.slots = slots
	at := make([]int, len(slots))
	for i, id := range slots {
		at[i] = -1
		if j, ok := live[id]; ok {
			at[i] = j
		}
	}
	return at
}

// msgProgress is how far along its lane m is when the clock stands at pos
// (msgClock.position), in [0, 1]: it moves from tick Sent+1 to tick Due.
func msgProgress(m engine.MessageView, pos float64) float64 {
	return min(1, max(0, (pos-float64(m.Sent+1))/msgTicks(m)))
}

// msgTicks is how many ticks m flies: from tick Sent+1 to tick Due, at
// least one.
func msgTicks(m engine.MessageView) float64 { return float64(max(1, int64(m.Due)-int64(m.Sent))) }

// msgMotion is a message's motion for the canvas script, "x0 y0 x1 y1 dur
// delay": from (x0, y0) to (x1, y1) in view units, flying dur seconds from
// tick Sent+1 to tick Due at speed ticks a second, starting delay seconds
// after the clock stood at pos (msgClock.position; negative: it started
// before).
func msgMotion(m engine.MessageView, x0, y0, x1, y1, pos, speed float64) string {
	ticks := msgTicks(m)
	perTick := 1 / max(speed, 1e-3) // seconds
	f := func(v float64, prec int) string { return strconv.FormatFloat(v, 'f', prec, 64) }
	return f(x0, 1) + " " + f(y0, 1) + " " + f(x1, 1) + " " + f(y1, 1) + " " +
		f(ticks*perTick, 3) + " " + f((float64(m.Sent+1)-pos)*perTick, 3)
}

// msgCanvas is the messages layer's canvas, drawn by the canvas script
// (web/messages-canvas.js), which it attaches on mount and detaches on
// dismount. It has no fields: go-app never renders it again.
type msgCanvas struct{ app.Compo }

func (c *msgCanvas) Render() app.UI {
	return app.Canvas().Class("msg-canvas").Aria("hidden", true)
}

func (c *msgCanvas) OnMount(ctx app.Context) { c.call(ctx, "attach") }

func (c *msgCanvas) OnDismount() {
	if c.JSValue() != nil {
		c.callOn(c.JSValue(), "detach")
	}
}

func (c *msgCanvas) call(ctx app.Context, fn string) { c.callOn(ctx.JSSrc(), fn) }

func (c *msgCanvas) callOn(el app.Value, fn string) {
	if api := app.Window().Get("etcdplayMessages"); api.Truthy() && el != nil && el.Truthy() {
		api.Call(fn, el)
	}
}

// messageGlyph is one place of the messages layer, a component of its own
// so that a refresh renders and diffs only the places whose message,
// motion or clock state changed (go-app compares a component's fields and
// skips its Render when none did): between two ticks most messages in
// flight stay as they were. M.ID 0: a free place, a hidden element.
type messageGlyph struct {
	app.Compo
	P      *playground // never changes
	M      engine.MessageView
	Motion string // running: msgMotion
	Still  string // paused: where it stands (--x, --y in view units)
	Paused bool
}

func (g *messageGlyph) Render() app.UI {
	if g.M.ID == 0 {
		return app.Div().Hidden(true)
	}
	return g.P.renderMessage(g.M, g.Motion, g.Still, g.Paused)
}

// renderMessage is m's element: running, a hidden hook with its motion for
// the canvas; paused, its glyph where it stands (still), a button.
func (p *playground) renderMessage(m engine.MessageView, motion, still string, paused bool) app.UI {
	letter, response := msgGlyph(m.Type)
	label := p.msgLabel(m)
	if paused {
		label += "; press to drop it"
	}
	class := "msg t-" + m.Type
	if response {
		class += " resp"
	}
	if m.Reject {
		class += " reject"
	}
	g := app.Div().Class(class).
		DataSet("msg-type", m.Type).DataSet("from", m.From).DataSet("to", m.To).DataSet("msg-id", m.ID).
		Aria("label", label).Title(label).
		OnMouseEnter(p.focusMessage).
		OnFocus(p.focusMessage).
		OnClick(func(ctx app.Context, e app.Event) { p.dropMessage(ctx) }).
		OnKeyDown(func(ctx app.Context, e app.Event) {
			if k := e.Get("key").String(); k == "Enter" || k == " " {
				e.PreventDefault()
				p.dropMessage(ctx)
			}
		})
	if paused {
		g = g.Attr("role", "button").TabIndex(0).Attr("style", still)
	} else {
		g = g.Attr("role", "img").DataSet("motion", motion)
	}
	return g.Text(letter)
}

// The handlers of a message's element find the message by the element's
// data-msg-id, never by a value captured when it was rendered: go-app keeps
// an element's first handler while a new one is the same function, so a
// place that shows another message (placeMessages) keeps the closure of the
// first message it showed.

// eventMessage is the message whose element the event is on (false: no
// longer in flight as last refreshed).
func (p *playground) eventMessage(ctx app.Context) (engine.MessageView, bool) {
	id, err := strconv.ParseUint(ctx.JSSrc().Get("dataset").Get("msgId").String(), 10, 64)
	if err != nil {
		return engine.MessageView{}, false
	}
	for _, m := range p.view.messages {
		if m.ID == id {
			return m, true
		}
	}
	return engine.MessageView{}, false
}

// focusMessage shows the hovered or focused message's fields.
func (p *playground) focusMessage(ctx app.Context, e app.Event) {
	if m, ok := p.eventMessage(ctx); ok {
		p.msgs.focus = m.ID
	}
}

// dropMessage drops the clicked message (Engine.DropMessage: an action the
// history replays); only while paused.
func (p *playground) dropMessage(ctx app.Context) {
	if !p.view.paused {
		p.notice = "pause the clock to drop a message"
		return
	}
	m, ok := p.eventMessage(ctx)
	if !ok {
		p.notice = "that message was delivered: nothing dropped"
		return
	}
	id := m.ID
	p.act(ctx, fmt.Sprintf("drop %s %d→%d", m.Type, m.From, m.To), func(e engine.Engine) error { e.DropMessage(id); return nil })
}

// msgLabel describes a message: its type, ends and raft's fields.
func (p *playground) msgLabel(m engine.MessageView) string {
	s := fmt.Sprintf("%s from %s to %s: term %d, index %d, log term %d, %d entries",
		m.Type, p.view.name(m.From), p.view.name(m.To), m.Term, m.Index, m.LogTerm, m.Entries)
	if m.Reject {
		s += fmt.Sprintf(", rejected (hint %d)", m.RejectHint)
	}
	return s + fmt.Sprintf("; sent at tick %d, due at tick %d", m.Sent, m.Due)
}

// renderMessageLegend is the glyphs' legend and the hovered or focused
// message's fields, under the view while messages are drawn; faster, a
// note on where the counts by type are.
func (p *playground) renderMessageLegend() app.UI {
	v := p.view
	if !slowEnough(v.paused, p.speed) {
		return p.renderTypeCounts()
	}
	detail := fmt.Sprintf("%d messages in flight", v.msgTotal)
	if v.msgTotal > len(v.messages) {
		detail += fmt.Sprintf(" (the oldest %d drawn)", len(v.messages))
	}
	if v.paused {
		detail += ". Click a message (or Tab to it and press Enter) to drop it."
	} else {
		detail += ". Pause to drop one."
	}
	for _, m := range v.messages {
		if m.ID == p.msgs.focus {
			detail = p.msgLabel(m)
		}
	}
	return app.Div().Class("msg-legend").Body(
		app.Ul().Aria("label", "message types").Body(
			app.Range(msgGlyphs).Slice(func(i int) app.UI {
				g := msgGlyphs[i]
				class := "glyph t-" + g.typ
				if strings.HasSuffix(g.typ, "Resp") {
					class += " resp"
				}
				return app.Li().Title(g.typ).Body(
					app.Span().Class(class).Aria("hidden", true).Text(g.letter),
					app.Text(" "+g.text),
				)
			}),
		),
		app.P().Class("msg-detail").Aria("live", "polite").Text(detail),
	)
}

// countsEvery is the shortest interval between two refreshes of the
// counts by type.
const countsEvery = time.Second

// countColumns are the types the counts table has a column for, in
// msgGlyphs' order; the rest are summed as "other".
var countColumns = []string{"MsgApp", "MsgAppResp", "MsgHeartbeat", "MsgHeartbeatResp",
	"MsgPreVote", "MsgPreVoteResp", "MsgVote", "MsgVoteResp", "MsgSnap"}

// renderTypeCounts is what replaces the moving messages faster than
// msgMaxSpeed: per link, the messages it carried so far by type (a
// snapshot refreshed every countsEvery), in a collapsed table.
func (p *playground) renderTypeCounts() app.UI {
	col := map[string]int{}
	for i, t := range countColumns {
		col[t] = i
	}
	var rows []app.UI
	for _, l := range p.msgs.counts {
		if l.Sent == 0 {
			continue
		}
		cells := make([]uint64, len(countColumns)+1)
		for t, n := range l.SentByType {
			if i, ok := col[engine.MessageTypeName(t)]; ok {
				cells[i] += n
			} else {
				cells[len(countColumns)] += n
			}
		}
		tds := []app.UI{app.Th().Scope("row").Text(fmt.Sprintf("%s → %s", p.view.name(l.From), p.view.name(l.To)))}
		for _, n := range cells {
			tds = append(tds, app.Td().Text(n))
		}
		rows = append(rows, app.Tr().DataSet("from", l.From).DataSet("to", l.To).Body(tds...))
	}
	head := []app.UI{app.Th().Scope("col").Text("link")}
	for _, t := range countColumns {
		head = append(head, app.Th().Scope("col").Text(strings.TrimPrefix(t, "Msg")))
	}
	head = append(head, app.Th().Scope("col").Text("other"))
	return app.Details().Class("msg-legend msg-counts").Body(
		app.Summary().Text(fmt.Sprintf("Messages sent by type, per link (drawn moving at %d ticks/s or slower, or paused)", msgMaxSpeed)),
		app.Div().Class("table-scroll").TabIndex(0).Role("region").Aria("label", "messages sent by type, per link").Body(
			app.Table().Body(
				app.THead().Body(app.Tr().Body(head...)),
				app.TBody().Body(rows...),
			),
		),
	)
}
