package app

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The event log: the cluster's events, newest first, filterable by kind and
// by text.

// maxLogRows bounds the rows rendered (the filters reach every kept event).
const maxLogRows = 120

// logKinds are the filter choices: label and the event kinds they match.
var logKinds = []struct {
	value, label string
	kinds        []string
}{
	{"", "all", nil},
	{"raft", "elections, leaders, terms", []string{"election", "leader", "term"}},
	{"fault", "faults", []string{"fault"}},
	{"client", "client requests", []string{"client"}},
	{"snapshot", "snapshots", []string{"snapshot-sent", "snapshot-restored", "snapshot-saved"}},
	{"compaction", "compactions", []string{"compaction"}},
	{"stress", "stress", []string{"stress"}},
	{"lease", "leases", []string{"lease"}},
}

func logMatches(filter string, ev engine.EventView) bool {
	for _, k := range logKinds {
		if k.value != filter {
			continue
		}
		if k.kinds == nil {
			return true
		}
		for _, kind := range k.kinds {
			if ev.Kind == kind {
				return true
			}
		}
		return false
	}
	return true
}

// logWindow picks the events to render, oldest first: the last maxLogRows
// matching ones.
func logWindow(events []engine.EventView, match func(engine.EventView) bool) []engine.EventView {
	var rows []engine.EventView
	for _, ev := range events {
		if match(ev) {
			rows = append(rows, ev)
		}
	}
	if over := len(rows) - maxLogRows; over > 0 {
		rows = rows[over:]
	}
	return rows
}

// logRowsShown returns the events the log shows under its filters, oldest
// first.
func (p *playground) logRowsShown() []engine.EventView {
	text := strings.ToLower(p.logText)
	return logWindow(p.events, func(ev engine.EventView) bool {
		return logMatches(p.logKind, ev) && (text == "" || strings.Contains(strings.ToLower(ev.Text), text))
	})
}

func (p *playground) renderEventLog() app.UI {
	var rows []engine.EventView
	if !domLogRows {
		rows = p.logRowsShown()
	}
	return app.Section().Class("panel events").Aria("labelledby", "events-h").Body(
		app.Div().Class("panel-head").Body(
			app.H2().ID("events-h").Text("Events"),
			app.Span().Class("order").Text("newest first"),
		),
		app.Div().Class("row").Body(
			app.Span().Class("field-inline").Body(
				app.Label().For("log-kind").Text("show"),
				app.Select().ID("log-kind").
					OnChange(func(ctx app.Context, e app.Event) {
						p.logKind = inputValue(ctx)
						ctx.Defer(func(app.Context) { p.syncLogRows() })
					}).
					Body(app.Range(logKinds).Slice(func(i int) app.UI {
						k := logKinds[i]
						return app.Option().Value(k.value).Selected(k.value == p.logKind).Text(k.label)
					})),
			),
			app.Span().Class("field-inline grow").Body(
				app.Label().For("log-text").Text("containing"),
				app.Input().ID("log-text").Type("search").Value(p.logText).
					OnInput(func(ctx app.Context, e app.Event) {
						p.logText = inputValue(ctx)
						ctx.Defer(func(app.Context) { p.syncLogRows() })
					}),
			),
		),
		// The list scrolls: tabindex 0 lets a keyboard reach and scroll it.
		// On the page its rows are logRows' (event_rows.go).
		app.Ol().ID(logRowsID).Class("log").TabIndex(0).Aria("label", "events, newest first").Body(
			app.Range(rows).Slice(func(i int) app.UI {
				r := p.logRow(rows[len(rows)-1-i]) // newest first
				return app.Li().Class(r.Class).DataSet("kind", r.Kind).Body(
					app.Span().Class("when").Text(r.When),
					app.Span().Class("what").Text(r.What),
				)
			}),
		),
	)
}
