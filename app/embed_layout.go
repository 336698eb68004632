package app

import (
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// applyPageConfig reads the page's URL parameters (embed.go) into the page:
// the layout, the panels, the starting speed (main.go's engine reads the
// same URL) and, as a notice, any parameter that was ignored. UI goroutine,
// OnMount, before the engine starts.
func (p *playground) applyPageConfig(ctx app.Context) {
	p.page = ParsePageConfig(ctx.Page().URL().Query())
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
// (postmessage.go).
func (p *playground) renderEmbed() app.UI {
	var view app.UI
	var side []app.UI
	for _, pn := range panelNames {
		switch {
		case !p.page.shows(pn.kind):
		case pn.kind == panelView:
			// The view keeps the hash indicator under it, in one cell.
			view = app.Div().Class("embed-view").Body(p.newPanel(pn.kind), p.renderHashIndicator())
		default:
			side = append(side, p.newPanel(pn.kind))
		}
	}
	return app.Div().
		Class("playground", "embed").
		DataSet("ready", p.mounted).
		DataSet("refreshes", p.refreshes).
		DataSet("embed", true).
		Body(
			app.Div().Class("embed-bar").Body(
				p.renderTimeControls(),
				app.Span().Class("version").DataSet("version", p.opts.Version).
					DataSet("wasm-version", p.opts.WasmVersion).Text("etcd-play "+p.opts.Version),
			),
			app.If(p.engErr != "", func() app.UI {
				return app.P().Class("error").Role("alert").Text("The cluster could not start: " + p.engErr)
			}),
			app.If(len(p.page.Problems) > 0, func() app.UI {
				return app.P().Class("url-problems").Role("status").
					Text("Ignored URL parameters: " + strings.Join(p.page.Problems, "; "))
			}),
			app.Main().Class("embed-panels").Body(
				view,
				app.If(len(side) > 0, func() app.UI {
					return app.Div().Class("embed-side").Body(side...)
				}),
			),
		)
}
