package app

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/etcdctl"
	"github.com/etcd-play/etcd-play/node/mvcc"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
	"go.etcd.io/etcd/api/v3/mvccpb"
)

// The MVCC panel's live watches: engine.Watcher watches the panel starts
// on the chosen member (a key or a prefix, from a revision), each read by
// one goroutine that hands every batch of responses to the UI goroutine.
// They are the panel's own: the console's watch command keeps its own.
// A row lists the watch's range, start revision, the events delivered and
// the last few of them; Stop cancels it, and a watch that ended (compacted
// start, engine gone) stays listed with why until removed.

const (
	maxPanelWatches = 8 // watches the panel runs at once
	// watchStatePoll is how often a watch's row checks its state when no
	// event arrives.
	watchStatePoll  = 500 * time.Millisecond
	watchLastEvents = 5 // events a row shows, newest first
)

type mvccWatchForm struct {
	key    string
	prefix bool
	rev    string // start revision as typed ("" or 0: from the next revision)
	err    string // why the last start was refused
	seq    int    // watches started so far: the next one's number
	list   []*panelWatch
}

// panelWatch is one watch of the panel. Its fields are written on the UI
// goroutine only (its reader goroutine dispatches).
type panelWatch struct {
	id       int
	member   uint64
	label    string // the range, as the row shows it
	start    int64
	events   int      // events delivered
	last     []string // the last events, newest first
	lastRev  int64    // revision of the newest response
	running  bool     // Watch answered and the watch has not ended
	starting bool
	ended    string // why it ended ("" while it runs)
	state    string // the watcher's state (engine.WatchStater): synced, unsynced, victim, waiting
	stream   engine.WatchStream
}

// startPanelWatch starts a watch from the form. UI goroutine.
func (p *playground) startPanelWatch(ctx app.Context) {
	f := &p.mvcc.watch
	f.err = ""
	p.watchChanged()
	if p.unavailable("watch") {
		f.err = p.notice
		return
	}
	w, ok := p.eng.(engine.Watcher)
	if !ok {
		f.err = engine.ErrNoWatch.Error()
		return
	}
	running := 0
	for _, x := range f.list {
		if x.ended == "" {
			running++
		}
	}
	if running >= maxPanelWatches {
		f.err = fmt.Sprintf("at most %d watches run at once here: stop one first", maxPanelWatches)
		return
	}
	var start int64
	if s := strings.TrimSpace(f.rev); s != "" {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n < 0 {
			f.err = fmt.Sprintf("start revision %q: want a whole number, 0 or more (0: from the next revision)", s)
			return
		}
		start = n
	}
	req := engine.WatchRequest{Key: []byte(f.key), StartRev: start}
	label := displayBytes(req.Key)
	if f.prefix {
		req.End = etcdctl.PrefixEnd(req.Key)
		if len(req.Key) == 0 {
			req.Key = []byte{0}
		}
		label = "prefix " + label
	} else if f.key == "" {
		f.err = "enter a key (or tick prefix to watch every key)"
		return
	}
	f.seq++
	pw := &panelWatch{id: f.seq, member: p.mvccMember(), label: label, start: start, starting: true}
	f.list = append([]*panelWatch{pw}, f.list...)
	p.pruneWatches()

	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		stream, err := w.Watch(pw.member, req)
		ctx.Dispatch(func(ctx app.Context) {
			pw.starting = false
			if err != nil {
				pw.ended = err.Error()
			} else {
				pw.stream, pw.running = stream, true
			}
			p.watchChanged()
		})
		if err != nil {
			return
		}
		stater, _ := stream.(engine.WatchStater)
		shown := ""
		for {
			// Wake at least every watchStatePoll to show a change of
			// the watch's state, which comes without a response.
			wctx, cancel := context.WithTimeout(ctx, watchStatePoll)
			rs, err := stream.Next(wctx)
			cancel()
			if errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil {
				err = nil // the poll's deadline, not the page's
			}
			if errors.Is(err, context.Canceled) && ctx.Err() != nil {
				stream.Cancel() // the page is going away
				return
			}
			state := ""
			if stater != nil {
				state = stater.State()
			}
			if len(rs) == 0 && err == nil && state == shown {
				continue
			}
			shown = state
			ctx.Dispatch(func(ctx app.Context) {
				pw.deliver(rs)
				pw.state = state
				if err != nil {
					pw.running, pw.ended = false, watchEndText(err)
				}
				p.watchChanged()
			})
			if err != nil {
				return
			}
		}
	})
}

// deliver counts a batch of responses and keeps the last events. UI
// goroutine.
func (w *panelWatch) deliver(rs []engine.WatchResponse) {
	for _, r := range rs {
		w.lastRev = max(w.lastRev, r.Revision)
		if r.Canceled && r.CompactRevision > 0 {
			w.last = prependCapped(w.last, fmt.Sprintf("cancelled: revision %d is compacted (the oldest left is %d)", w.start, r.CompactRevision), watchLastEvents)
		}
		for i := range r.Events {
			w.events++
			w.last = prependCapped(w.last, eventText(&r.Events[i]), watchLastEvents)
		}
	}
}

// eventText is one event as a row shows it (user data as text, cut).
func eventText(ev *mvcc.Event) string {
	if ev.Kv == nil {
		return "?"
	}
	if ev.Type == mvccpb.DELETE {
		return fmt.Sprintf("DELETE %s @%d", truncate(displayBytes(ev.Kv.Key), 40), ev.Kv.ModRevision)
	}
	return fmt.Sprintf("PUT %s = %s @%d", truncate(displayBytes(ev.Kv.Key), 40), showValue(ev.Kv.Value, 40), ev.Kv.ModRevision)
}

// watchEndText says why a watch ended.
func watchEndText(err error) string {
	switch {
	case errors.Is(err, engine.ErrWatchCanceled):
		return "stopped"
	case errors.Is(err, mvcc.ErrCompacted):
		return "cancelled: its start revision is compacted"
	}
	return err.Error()
}

// prependCapped puts s first and keeps at most n.
func prependCapped(list []string, s string, n int) []string {
	list = append([]string{s}, list...)
	if len(list) > n {
		list = list[:n]
	}
	return list
}

// pruneWatches drops the oldest ended watches beyond maxPanelWatches rows.
// UI goroutine.
func (p *playground) pruneWatches() {
	f := &p.mvcc.watch
	for len(f.list) > maxPanelWatches {
		i := len(f.list) - 1
		for i >= 0 && f.list[i].ended == "" {
			i--
		}
		if i < 0 {
			return
		}
		f.list = append(f.list[:i], f.list[i+1:]...)
	}
}

// stopPanelWatch cancels watch id, or removes its row once it ended. UI
// goroutine.
func (p *playground) stopPanelWatch(ctx app.Context, id int) {
	f := &p.mvcc.watch
	for i, w := range f.list {
		if w.id != id {
			continue
		}
		if w.ended != "" {
			f.list = append(f.list[:i], f.list[i+1:]...)
		} else if s := w.stream; s != nil {
			p.lasting(ctx).Async(s.Cancel) // its reader then marks it stopped
		}
		p.watchChanged()
		return
	}
}

// watchChanged records that something the watches panel shows changed.
// UI goroutine.
func (p *playground) watchChanged() { p.watchRev++ }

func (p *playground) renderPanelWatches() app.UI {
	f := p.mvcc.watch
	return app.Section().Class("panel mvcc panel-watches").Aria("labelledby", "mvcc-watch-h").Body(
		app.H2().ID("mvcc-watch-h").Text("MVCC: watches"),
		app.Form().Class("row").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			p.startPanelWatch(ctx)
		}).Body(
			app.Span().Class("field-inline grow").Body(
				app.Label().For("watch-key").Text("key"),
				app.Input().ID("watch-key").Type("text").Value(f.key).AutoComplete(false).Spellcheck(false).
					OnInput(func(ctx app.Context, e app.Event) { p.mvcc.watch.key = inputValue(ctx) }),
			),
			app.Span().Class("field-inline").Body(
				app.Input().ID("watch-prefix").Type("checkbox").Checked(f.prefix).
					OnChange(func(ctx app.Context, e app.Event) { p.mvcc.watch.prefix = checked(ctx) }),
				app.Label().For("watch-prefix").Text("prefix"),
			),
			app.Span().Class("field-inline").Body(
				app.Label().For("watch-rev").Text("from revision"),
				app.Input().ID("watch-rev").Type("text").Attr("inputmode", "numeric").Size(6).Placeholder("next").Value(f.rev).
					OnInput(func(ctx app.Context, e app.Event) { p.mvcc.watch.rev = inputValue(ctx) }),
			),
			app.Button().Type("submit").DataSet("action", "watch-start").Text("Watch"),
		),
		app.If(f.err != "", func() app.UI { return app.P().Class("error").Role("alert").Text(f.err) }),
		app.If(len(f.list) == 0, func() app.UI {
			return app.P().Class("muted").Text("No watch from this panel yet. Watches run on the member chosen in the key panel.")
		}),
		app.If(len(f.list) > 0, func() app.UI {
			return app.Table().Class("kvs watches").Body(
				app.Caption().Class("visually-hidden").Text("the panel's watches, newest first"),
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("#"), app.Th().Scope("col").Text("range"),
					app.Th().Scope("col").Text("member"), app.Th().Scope("col").Text("from"),
					app.Th().Scope("col").Text("events"), app.Th().Scope("col").Text("last events"),
					app.Th().Scope("col").Text("state"),
				)),
				app.TBody().Body(app.Range(f.list).Slice(func(i int) app.UI { return p.renderWatchRow(f.list[i]) })),
			)
		}),
	)
}

func (p *playground) renderWatchRow(w *panelWatch) app.UI {
	from := "next"
	if w.start > 0 {
		from = fmt.Sprint(w.start)
	}
	state, action, button := "running", "watch-stop", "Stop"
	if w.state != "" {
		state = w.state // synced, unsynced, victim or waiting (its member is down)
	}
	switch {
	case w.starting:
		state = "starting"
	case w.ended != "":
		state, action, button = w.ended, "watch-remove", "Remove"
	}
	id := w.id
	scope := fmt.Sprintf("watch-%d-%s", id, action) // see onAct: the handler follows the button's action
	return app.Tr().Class("watch-row").DataSet("watch", id).DataSet("events", w.events).DataSet("running", w.running).DataSet("state", state).Body(
		app.Td().Text(fmt.Sprint(id)),
		app.Td().Class("key").Text(w.label),
		app.Td().Text(p.view.name(w.member)),
		app.Td().Text(from),
		app.Td().Class("count").Text(fmt.Sprint(w.events)),
		app.Td().Class("value").Body(
			app.Range(w.last).Slice(func(i int) app.UI { return app.Div().Text(w.last[i]) }),
		),
		app.Td().Body(
			app.Span().Class("watch-state").Text(state+" "),
			app.Button().Type("button").DataSet("action", action).DataSet("watch", id).
				Aria("label", fmt.Sprintf("%s watch %d", button, id)).Text(button).
				OnClick(func(ctx app.Context, e app.Event) { p.stopPanelWatch(ctx, id) }, app.EventScope(scope)),
		),
	)
}
