package app

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"

	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The Raft log view: one column per member listing its log, newest entry
// first, each entry coloured by term (a colour per term, always with its
// "T<term>" label and a border pattern, never colour alone), with the
// commit, applied and snapshot marks, the compacted prefix and the
// entries a later term's leader overwrote. Focusing or clicking an entry
// shows its decoded request below the columns (as text).
//
// Windowed: each column shows its member's newest raftLogShown entries,
// and "Older entries" (or scrolling its list to the end) extends it by
// raftLogShown more each time, up to
// engine.MaxLogPage (engine.LogPage): the page costs the same for a log
// of 1,000 or 1,000,000 entries. The view fetches only while it is shown
// (log_view_fetch.go).
//
// Hooks: the view's section has data-log-view ("true" while shown) and
// data-log-fetches (sets of pages applied so far); the toggle is
// data-action="show-logs" / "hide-logs"; each entry carries
// data-log-member, data-index, data-term, data-kind, data-committed,
// data-applied and data-overwritten ("true"/"false"), and an overwritten
// one data-overwritten-at (its tick). Each column has data-log-column (the
// member), data-first, data-last, data-commit, data-applied and
// data-snapshot-index; the older-entries button is data-action="log-older"
// with data-member; the selected entry's detail is .log-detail.

// raftLogShown is how many of the newest entries a column shows at first
// (and how many more each "Older entries" adds).
const raftLogShown = 24

// termColours is how many term colours the view cycles through (the
// page's series colours); the border patterns cycle through 3.
const termColours = 6

// logView is the log view's component. P never changes; the rest is owned
// by the UI goroutine.
type logView struct {
	app.Compo
	P *playground

	ctx     app.Context                    // the component's own (OnMount): the loop reports on it
	mounted bool                           // ctx is set
	shown   bool                           // the view is open
	loop    *logLoop                       // the fetch loop while shown (log_view_fetch.go)
	pages   map[uint64]*engine.LogPageView // each member's window
	sel     logSelection                   // the entry whose detail is shown
	err     string                         // the last fetch's errors, if any
	fetches uint64                         // sets of pages applied
}

// logSelection names a shown entry: member, index, and the tick at which it
// was overwritten (0: a live entry).
type logSelection struct {
	member, index, tick uint64
}

func (c *logView) OnMount(ctx app.Context) { c.ctx, c.mounted = ctx, true }

func (c *logView) OnDismount() { c.stopLoop() }

func (c *logView) Render() app.UI {
	label, action := "Show Raft logs", "show-logs"
	if c.shown {
		label, action = "Hide Raft logs", "hide-logs"
	}
	var members []engine.MemberView
	if c.shown {
		members = c.P.view.members
	}
	return app.Section().Class("log-view").Aria("labelledby", "log-view-title").
		DataSet("log-view", strconv.FormatBool(c.shown)).DataSet("log-fetches", c.fetches).Body(
		app.Div().Class("log-head").Body(
			app.H2().ID("log-view-title").Text("Raft logs"),
			app.Button().Type("button").DataSet("action", action).
				Aria("expanded", strconv.FormatBool(c.shown)).Aria("controls", "log-columns").
				Text(label).OnClick(c.onToggle),
		),
		app.P().Class("error").Role("status").Hidden(c.err == "").Text(logErrText(c.err)),
		app.Div().ID("log-columns").Class("log-columns").Hidden(!c.shown).Body(
			app.Range(members).Slice(func(i int) app.UI {
				return c.renderColumn(members[i])
			}),
		),
		app.P().Class("log-detail").Aria("live", "polite").Hidden(!c.shown).Text(c.detail()),
		app.P().Class("log-legend").Hidden(!c.shown).Text(
			"Newest first. T<n> is the entry's term (its colour and border pattern change with the term). "+
				"✓ committed, ● applied; struck through (✕): overwritten by a later term's leader. "+
				"Arrow keys move between a log's entries."),
	)
}

func logErrText(err string) string {
	if err == "" {
		return ""
	}
	return "Log view: " + err
}

// onToggle shows or hides the view, starting or stopping its fetch loop.
func (c *logView) onToggle(ctx app.Context, e app.Event) {
	c.shown = !c.shown
	if !c.shown {
		c.stopLoop()
		return
	}
	c.startLoop(ctx)
}

// logRow is one row of a column: a live or an overwritten entry.
type logRow struct {
	e           engine.LogEntryView
	overwritten bool
}

// rows returns member id's rows, newest first, each overwritten entry
// after the live entry with its index (the newer overwrite first).
func (c *logView) rows(id uint64) []logRow {
	p := c.pages[id]
	if p == nil {
		return nil
	}
	live := slices.Clone(p.Entries)
	slices.Reverse(live) // the page is oldest first
	over := slices.Clone(p.Overwritten)
	slices.SortStableFunc(over, func(a, b engine.LogEntryView) int {
		if a.Index != b.Index {
			return cmp.Compare(b.Index, a.Index)
		}
		return cmp.Compare(b.Tick, a.Tick)
	})
	out := make([]logRow, 0, len(live)+len(over))
	j := 0
	for _, e := range live {
		for j < len(over) && over[j].Index >= e.Index {
			if over[j].Index == e.Index {
				out = append(out, logRow{e: e})
				e.Index = 0 // placed
			}
			out = append(out, logRow{e: over[j], overwritten: true})
			j++
		}
		if e.Index != 0 {
			out = append(out, logRow{e: e})
		}
	}
	for ; j < len(over); j++ {
		out = append(out, logRow{e: over[j], overwritten: true})
	}
	return out
}

func (c *logView) renderColumn(m engine.MemberView) app.UI {
	id := m.ID
	name := c.P.view.name(id)
	p := c.pages[id]
	if p == nil {
		return app.Div().Class("log-column").DataSet("log-column", id).Body(
			app.H3().Text(name),
			app.P().Class("log-marks").Text("loading…"),
		)
	}
	rows := c.rows(id)
	// The window reaches down to From: older entries exist below it unless
	// it starts at the compacted prefix (or is at its largest).
	more := p.From > p.First && c.want(id) < engine.MaxLogPage
	compacted := p.First > 1 && p.From <= p.First
	focusAt := 0 // the row that takes the Tab stop: the selected one, else the newest
	for i, r := range rows {
		if c.selected(id, r) {
			focusAt = i
		}
	}
	marks := fmt.Sprintf("last %d · commit %d · applied %d · snapshot %d", p.Last, p.Commit, p.Applied, p.SnapshotIndex)
	if !p.Up {
		marks = fmt.Sprintf("down · last %d · commit %d · snapshot %d", p.Last, p.Commit, p.SnapshotIndex)
	}
	return app.Div().Class("log-column").
		DataSet("log-column", id).DataSet("first", p.First).DataSet("last", p.Last).
		DataSet("commit", p.Commit).DataSet("applied", p.Applied).DataSet("snapshot-index", p.SnapshotIndex).
		Body(
			app.H3().Text(name),
			app.P().Class("log-marks").Text(marks),
			app.Ul().Class("log-entries").Aria("label", name+" log, newest first").DataSet("member", id).
				On("focusin", c.onFocusEntry).
				On("keydown", onLogKey).
				On("scroll", c.onScroll).
				Body(
					app.Range(rows).Slice(func(i int) app.UI {
						return c.renderEntry(id, p, rows[i], i == focusAt)
					}),
				),
			app.P().Class("log-compacted").Hidden(!compacted).Text(compactedText(p, compacted)),
			app.Button().Type("button").Class("log-older").Hidden(!more).
				DataSet("action", "log-older").DataSet("member", id).
				Aria("label", "Older entries of "+name).Text("Older entries").
				OnClick(c.onOlder),
		)
}

func compactedText(p *engine.LogPageView, compacted bool) string {
	if !compacted {
		return ""
	}
	return fmt.Sprintf("entries 1–%d: compacted into the snapshot at %d", p.First-1, p.SnapshotIndex)
}

func (c *logView) selected(id uint64, r logRow) bool {
	s := c.sel
	return s.member == id && s.index == r.e.Index && s.tick == r.e.Tick && r.overwritten == (s.tick != 0)
}

func (c *logView) renderEntry(id uint64, p *engine.LogPageView, r logRow, tabStop bool) app.UI {
	e := r.e
	committed := !r.overwritten && e.Index <= p.Commit
	applied := !r.overwritten && e.Index <= p.Applied
	cls := "log-entry term-c" + strconv.FormatUint(e.Term%termColours, 10) + " term-p" + strconv.FormatUint(e.Term%3, 10)
	var state, glyph, marks string
	switch {
	case r.overwritten:
		cls += " overwritten"
		state, glyph = "overwritten at tick "+itoa(e.Tick), "✕"
	case applied:
		state, glyph = "committed, applied", "✓●"
	case committed:
		state, glyph = "committed", "✓"
	default:
		cls += " uncommitted"
		state = "uncommitted"
	}
	if c.selected(id, r) {
		cls += " selected"
	}
	if !r.overwritten {
		for _, m := range []struct {
			at   uint64
			name string
		}{{p.Commit, "commit"}, {p.Applied, "applied"}, {p.SnapshotIndex, "snapshot"}} {
			if e.Index == m.at {
				marks = joinMark(marks, m.name)
			}
		}
	}
	tab := -1
	if tabStop {
		tab = 0
	}
	label := fmt.Sprintf("index %d, term %d, %s, %s", e.Index, e.Term, e.Kind, state)
	if marks != "" {
		label += " (" + marks + " mark)"
	}
	li := app.Li().Class(cls).TabIndex(tab).
		DataSet("log-member", id).DataSet("index", e.Index).DataSet("term", e.Term).DataSet("kind", e.Kind).
		DataSet("committed", strconv.FormatBool(committed)).DataSet("applied", strconv.FormatBool(applied)).
		DataSet("overwritten", strconv.FormatBool(r.overwritten)).
		Aria("label", label)
	if r.overwritten {
		li = li.DataSet("overwritten-at", e.Tick)
	}
	return li.Body(
		app.Span().Class("log-index").Text(itoa(e.Index)),
		app.Span().Class("log-term").Text("T"+itoa(e.Term)),
		app.Span().Class("log-kind").Text(e.Kind),
		app.Span().Class("log-state").Text(glyph),
		app.Span().Class("log-mark").Text(marks),
	)
}

func joinMark(a, b string) string {
	if a == "" {
		return b
	}
	return a + ", " + b
}

// onFocusEntry selects the entry that took the focus (a click focuses it
// too): its detail is shown below the columns.
func (c *logView) onFocusEntry(ctx app.Context, e app.Event) {
	t := e.Get("target")
	if !t.Truthy() {
		return
	}
	ds := t.Get("dataset")
	if !ds.Truthy() || !ds.Get("logMember").Truthy() {
		return
	}
	parse := func(k string) uint64 {
		n, _ := strconv.ParseUint(ds.Get(k).String(), 10, 64)
		return n
	}
	c.sel = logSelection{member: parse("logMember"), index: parse("index"), tick: parse("overwrittenAt")}
}

// onLogKey moves the focus between a column's entries with the arrow keys
// and Home/End: each column is one Tab stop.
func onLogKey(ctx app.Context, e app.Event) {
	t := e.Get("target")
	var next app.Value
	switch e.Get("key").String() {
	case "ArrowDown":
		next = t.Get("nextElementSibling")
	case "ArrowUp":
		next = t.Get("previousElementSibling")
	case "Home":
		next = t.Get("parentElement").Get("firstElementChild")
	case "End":
		next = t.Get("parentElement").Get("lastElementChild")
	default:
		return
	}
	e.PreventDefault()
	if next.Truthy() {
		next.Call("focus")
	}
}

// detail describes the selected entry from what the view holds.
func (c *logView) detail() string {
	s := c.sel
	if s.member == 0 {
		return "Focus or click an entry to see its request."
	}
	name := c.P.view.name(s.member)
	for _, r := range c.rows(s.member) {
		if !c.selected(s.member, r) {
			continue
		}
		e := r.e
		what := fmt.Sprintf("%s, index %d, term %d, %s", name, e.Index, e.Term, e.Kind)
		if r.overwritten {
			what += fmt.Sprintf(" (overwritten at tick %d by a later term's entry)", e.Tick)
		}
		return what + ": " + e.Text
	}
	return fmt.Sprintf("%s, index %d: no longer shown (compacted, replaced or out of the window).", name, s.index)
}
