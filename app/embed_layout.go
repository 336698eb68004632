package app

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// applyPageConfig reads the page's URL parameters (embed.go) into the page:
// the layout, the panels, the starting speed (main.go's engine reads the
// same URL) and, as a notice, any parameter that was ignored. UI goroutine,
// OnMount, before the engine starts.
func (p *playground) applyPageConfig(ctx app.Context) {
	p.page = ParsePageQuery(ctx.Page().URL().RawQuery)
	p.speed = p.page.Speed
	if len(p.page.Problems) > 0 {
		p.notice = "ignored URL parameters: " + strings.Join(p.page.Problems, "; ")
	}
}

// renderEmbed is the compact layout of ?embed=1, for an iframe: no page
// header, the time controls and version in one bar, then the chosen panels
// (PageConfig.Panels) in page order: the cluster view (with the hash
// indicator under it) in a column of its own, the other panels beside it
// (web/embed.css: side by side when the frame is wide enough, one column
// when it is not). It keeps the hooks the full page has (.playground with
// data-ready and data-refreshes, [data-version]).
//
// Sizes: the README's snippet (900x560, 3 members, view,cards,faults) fits
// without scrolling; any other frame can be sized from the "resize" events
// (the postMessage API, app/embed).
func (p *playground) renderEmbed() app.UI {
	var view app.UI
	var side []app.UI
	for _, pn := range panelNames {
		switch {
		case !p.page.shows(pn.kind):
		case pn.kind == panelView:
			// The view keeps the hash indicator under it, in one cell.
			view = app.Div().Class("embed-view").Body(p.newPanel(pn.kind), p.newPanel(panelHash))
		default:
			side = append(side, p.newPanel(pn.kind))
		}
	}
	return app.Div().
		Class("playground", "embed").
		DataSet("ready", p.mounted).
		DataSet("refreshes", p.refreshes).
		DataSet("embed", true).
		DataSet("engine", p.engineKind()).
		DataSet("protocol", engine.Version).
		Body(
			app.Header().Class("embed-bar").Body(
				app.H1().Class("visually-hidden").Text("etcd playground"),
				p.renderTimeControls(),
				app.Span().Class("version").DataSet("version", p.opts.Version).
					DataSet("wasm-version", p.opts.WasmVersion).Text("etcd-play "+p.opts.Version),
			),
			app.If(p.engErr != "", func() app.UI {
				return app.P().Class("error").Role("alert").Text("The cluster could not start: " + p.engErr)
			}),
			p.renderEngineLost(),
			p.renderEmbedStorage(),
			app.If(len(p.page.Problems) > 0, func() app.UI {
				return app.P().Class("url-problems").Role("status").
					Text("Ignored URL parameters: " + strings.Join(p.page.Problems, "; "))
			}),
			p.renderTour(), // tour_panel.go: while a tour is open
			app.Main().Class("embed-panels").Body(
				view,
				app.If(len(side) > 0, func() app.UI {
					return app.Div().Class("embed-side").Body(side...)
				}),
			),
		)
}

// renderEmbedStorage is the embed's one line about the cluster's storage,
// shown only when it is not the stored cluster a reload resumes: the
// storage failed at load (an alert offering memory, deleting the stored
// cluster, or a reload), it runs in memory (main.go's engine falls back to
// memory when another tab or frame holds the stored one, or the browser
// gives no storage), another tab took it over, or (an engine without that
// fallback) it waits for one. data-embed-storage says which.
func (p *playground) renderEmbedStorage() app.UI {
	s := &p.storage
	line := func(kind string, body ...app.UI) app.UI {
		return app.P().Class("embed-storage").Role("status").DataSet("embed-storage", kind).Body(body...)
	}
	switch {
	case s.failure != nil:
		// The full page's offer (renderStorageFailure), in one line.
		return app.P().Class("embed-storage error").Role("alert").DataSet("embed-storage", "failed").Body(
			append([]app.UI{app.Text("The stored cluster could not be loaded: " + failureText(s.failure) + ". ")},
				append(p.storageFailureChoices(s.failure, "Delete it and start anew"), p.renderResetErr())...)...)
	case s.elsewhere:
		return line("elsewhere",
			app.Text("This cluster is open in another tab or frame. "),
			app.Button().Type("button").DataSet("action", "run-in-memory").Text("Run one in memory here").
				OnClick(func(ctx app.Context, e app.Event) { p.startEngine(ctx, engine.StartInMemory) }))
	case !s.has:
		return nil
	case s.view.Lost:
		return line("lost",
			app.Text("Another tab or frame took this cluster over; this one stopped. "),
			app.Button().Type("button").DataSet("action", "reload").Text("Reload").
				OnClick(func(ctx app.Context, e app.Event) { ctx.Reload() }))
	case s.view.Medium == "memory":
		return line("memory", app.Text(s.view.Notice))
	}
	return nil
}

// startProblem says why the page runs no cluster and waits for the person
// ("" when it does not): its storage failed at load, or the cluster could
// not start. startEngine posts it to the embedding page as an "error"
// event (postProblem). UI goroutine.
func (p *playground) startProblem() string {
	switch {
	case p.eng != nil:
		return ""
	case p.storage.failure != nil:
		return "the stored cluster could not be loaded: " + failureText(p.storage.failure) +
			"; the playground offers to go on in memory, to delete the stored cluster, or to reload"
	case p.engErr != "":
		return "the cluster could not start: " + p.engErr
	}
	return ""
}
