package app

import (
	"context"
	"fmt"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The timeline panel, under the cluster view: the run's recorded history
// (engine.Timeliner) as a range input over its ticks (data-timeline, its
// value the tick shown); releasing it shows the cluster as it was at that
// tick, paused. Playing on from the past replays the recorded actions; the
// first action taken there starts a new branch, which the branch list
// offers next to the older ones. "Copy link" (data-action="share") writes a
// link that opens this run at this tick into data-share-url; "Export"
// (data-action="export-history") saves the history as a JSON file and
// "Import" (data-action="import-history", a file input) loads one. Every
// failure (a bad file, a refused link) is said in the panel's alert and
// leaves the run as it was.

// timelineState is the panel's own state. UI goroutine.
type timelineState struct {
	drag     string // the tick the slider was dragged to, until released ("" when not dragging)
	busy     string // what the panel is doing ("going to tick 120…"); "" when idle
	share    string // the last link made
	err      string // the last failure
	done     string // the last success, announced politely
	linkOpen bool   // the page's URL carried a history (#h=): it was loaded (or refused) once
}

// maxHistoryFile bounds a history file the page reads (node/cluster
// refuses larger ones too).
const maxHistoryFile = 8 << 20

// historyFragment is the prefix of a shared link's fragment.
const historyFragment = "h="

func (p *playground) timeliner() (engine.Timeliner, bool) {
	t, ok := p.eng.(engine.Timeliner)
	return t, ok
}

// timelineAct runs f on the engine's timeline in a goroutine, with what it
// does said in the panel while it runs, and its outcome after. UI
// goroutine.
func (p *playground) timelineAct(ctx app.Context, doing string, f func(t engine.Timeliner) (string, error)) {
	t, ok := p.timeliner()
	if !ok {
		p.tl.err = "this engine does not record its history"
		return
	}
	if p.unavailable(doing) {
		return
	}
	p.tl.busy, p.tl.err, p.tl.done = doing, "", ""
	ctx = p.lasting(ctx)
	ctx.Async(func() {
		done, err := f(t)
		ctx.Dispatch(func(ctx app.Context) {
			p.tl.busy, p.tl.drag = "", ""
			if err != nil {
				p.tl.err = err.Error()
				return
			}
			p.tl.done = done
		})
	})
}

func (p *playground) seek(ctx app.Context, tick uint64) {
	p.timelineAct(ctx, fmt.Sprintf("going to tick %d…", tick), func(t engine.Timeliner) (string, error) {
		if err := t.Seek(context.Background(), tick); err != nil {
			return "", err
		}
		return fmt.Sprintf("showing tick %d, paused: play to replay what was recorded after it, or act to start a new branch", tick), nil
	})
}

func (p *playground) share(ctx app.Context) {
	p.timelineAct(ctx, "making a link…", func(t engine.Timeliner) (string, error) {
		frag, err := t.ShareLink(context.Background())
		if err != nil {
			return "", err
		}
		link := pageURL() + "#" + historyFragment + frag
		copyText(link)
		ctx.Dispatch(func(app.Context) { p.tl.share = link })
		return fmt.Sprintf("link made (%d characters): it opens this run at this tick", len(link)), nil
	})
}

func (p *playground) exportHistory(ctx app.Context) {
	p.timelineAct(ctx, "exporting…", func(t engine.Timeliner) (string, error) {
		data, err := t.ExportHistory(context.Background())
		if err != nil {
			return "", err
		}
		saveFile("etcd-play-history.json", "application/json", data)
		return fmt.Sprintf("history exported (%d bytes)", len(data)), nil
	})
}

func (p *playground) importHistory(ctx app.Context) {
	el := ctx.JSSrc()
	p.timelineAct(ctx, "loading the history…", func(t engine.Timeliner) (string, error) {
		name, data, err := readChosenFile(el, maxHistoryFile)
		el.Set("value", "") // the same file can be chosen again
		if err != nil {
			return "", err
		}
		if err := t.LoadHistory(context.Background(), data, false); err != nil {
			return "", fmt.Errorf("%s was not loaded (the run is as it was): %w", name, err)
		}
		return name + " loaded: paused at its tick", nil
	})
}

// openSharedLink loads the history a shared link carries (#h=...), once,
// when the engine has started. A bad link is said and the run stays.
func (p *playground) openSharedLink(ctx app.Context) {
	frag := pageFragment()
	if p.tl.linkOpen || !strings.HasPrefix(frag, historyFragment) {
		return
	}
	p.tl.linkOpen = true
	text := strings.TrimPrefix(frag, historyFragment)
	p.timelineAct(ctx, "opening the shared run…", func(t engine.Timeliner) (string, error) {
		if err := t.LoadHistory(context.Background(), []byte(text), true); err != nil {
			return "", fmt.Errorf("the shared link could not be opened (this cluster runs as it was): %w", err)
		}
		return "the shared run is open, paused at the tick it was shared at", nil
	})
}

// SharedLinkInURL reports whether the page's URL carries a shared run: the
// page then starts its engine in memory (the run replaces the stored one
// only in this tab).
func SharedLinkInURL() bool { return strings.HasPrefix(pageFragment(), historyFragment) }

func (p *playground) renderTimelinePanel() app.UI {
	tv := p.view.timeline
	_, ok := p.timeliner()
	shown := p.view.now
	value := itoa(shown)
	if p.tl.drag != "" {
		value = p.tl.drag
	}
	disabled := !ok || !tv.Recorded || p.tl.busy != ""
	status := fmt.Sprintf("tick %d of %d", shown, tv.End)
	if tv.Replaying {
		status += " · replaying the recorded run (act now to start a new branch)"
	}
	if len(tv.Branches) > 1 {
		status += fmt.Sprintf(" · branch %d of %d", tv.Branch, len(tv.Branches))
	}
	body := []app.UI{
		app.H2().Text("Timeline"),
		app.Div().Class("timeline-row").Body(
			app.Label().For("timeline").Class("visually-hidden").Text("tick shown"),
			app.Input().ID("timeline").Type("range").DataSet("timeline", true).
				Min(tv.Start).Max(max(tv.End, shown)).Step(1).Value(value).Disabled(disabled).
				Aria("valuetext", "tick "+value).
				OnInput(func(ctx app.Context, e app.Event) { p.tl.drag = inputValue(ctx) }).
				OnChange(func(ctx app.Context, e app.Event) {
					var tick uint64
					if _, err := fmt.Sscan(inputValue(ctx), &tick); err == nil {
						p.seek(ctx, tick)
					}
				}),
			app.Span().Class("timeline-status").DataSet("timeline-end", tv.End).
				DataSet("checkpoints", tv.Checkpoints).DataSet("checkpoint-bytes", tv.CheckpointBytes).Text(status),
		),
		app.Div().Class("timeline-actions").Body(
			app.Button().Type("button").DataSet("action", "timeline-end").Disabled(disabled || shown >= tv.End).
				Text("Go to the end").OnClick(func(ctx app.Context, e app.Event) { p.seek(ctx, p.view.timeline.End) }),
			p.renderBranchSelect(tv, disabled),
			app.Button().Type("button").DataSet("action", "share").Disabled(disabled).Text("Copy link").
				OnClick(func(ctx app.Context, e app.Event) { p.share(ctx) }),
			app.Button().Type("button").DataSet("action", "export-history").Disabled(disabled).Text("Export").
				OnClick(func(ctx app.Context, e app.Event) { p.exportHistory(ctx) }),
			app.Label().For("import-history").Class("file-button").Text("Import…"),
			app.Input().ID("import-history").Type("file").Accept(".json,application/json").
				DataSet("action", "import-history").Disabled(!ok || p.tl.busy != "").
				OnChange(func(ctx app.Context, e app.Event) { p.importHistory(ctx) }),
		),
		app.If(p.tl.share != "", func() app.UI {
			return app.Div().Class("share-row").Body(
				app.Label().For("share-url").Text("Link to this run at this tick"),
				app.Input().ID("share-url").Type("text").ReadOnly(true).DataSet("share-url", p.tl.share).Value(p.tl.share),
			)
		}),
		app.P().Class("timeline-note").Aria("live", "polite").DataSet("timeline-busy", p.tl.busy != "").
			Text(firstNonEmpty(p.tl.busy, p.tl.done, tv.Notice)),
		app.If(p.tl.err != "", func() app.UI {
			return app.P().Class("error").Role("alert").DataSet("timeline-error", true).Text(p.tl.err)
		}),
	}
	return app.Section().Class("timeline panel").Aria("label", "timeline").Body(body...)
}

func (p *playground) renderBranchSelect(tv engine.TimelineView, disabled bool) app.UI {
	if len(tv.Branches) < 2 {
		return app.Text("")
	}
	var opts []app.UI
	for _, b := range tv.Branches {
		label := fmt.Sprintf("branch %d: ticks %d–%d, %d actions", b.Number, b.From, b.End, b.Actions)
		opts = append(opts, app.Option().Value(b.Number).Selected(b.Number == tv.Branch).Text(label))
	}
	return app.Span().Class("field-inline").Body(
		app.Label().For("timeline-branch").Text("Branch"),
		app.Select().ID("timeline-branch").DataSet("action", "switch-branch").Disabled(disabled).Body(opts...).
			OnChange(func(ctx app.Context, e app.Event) {
				var n int
				if _, err := fmt.Sscan(inputValue(ctx), &n); err != nil {
					return
				}
				p.timelineAct(ctx, fmt.Sprintf("switching to branch %d…", n), func(t engine.Timeliner) (string, error) {
					if err := t.SwitchBranch(context.Background(), n); err != nil {
						return "", err
					}
					return fmt.Sprintf("branch %d, at its end, paused", n), nil
				})
			}),
	)
}

func firstNonEmpty(ss ...string) string {
	for _, s := range ss {
		if s != "" {
			return s
		}
	}
	return ""
}
