// Package app is the playground page: go-app v10 components that show a
// running cluster and drive it only through Engine (engine.go).
//
// Threading: go-app runs every handler, Render and Dispatch callback on one
// UI goroutine; component fields are read and written only there. Engine
// calls that can block (Put, Get, Delete) run in ctx.Async goroutines and hand
// their results back with ctx.Dispatch. The live view is refreshed by one
// ticker goroutine (refresh.go) that polls Status, Links and Events and
// dispatches one update per period, never one per event.
package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Options configure the page.
type Options struct {
	// Version is shown on the page (e.g. from git describe).
	Version string
	// NewEngine builds and starts the cluster. It is called once, in the
	// browser only (OnMount), never while pre-rendering natively.
	NewEngine func() (Engine, error)
}

// New returns the playground page component.
func New(opts Options) app.Composer {
	return &playground{opts: opts}
}

// playground is the root component. All fields are owned by the UI goroutine.
type playground struct {
	app.Compo
	opts Options

	mounted bool   // OnMount ran: the wasm has taken over the pre-rendered page
	eng     Engine // nil until OnMount built it, or when building failed
	engErr  string
}

func (p *playground) OnMount(ctx app.Context) {
	p.mounted = true
	if p.opts.NewEngine == nil {
		p.engErr = "no engine configured"
		return
	}
	eng, err := p.opts.NewEngine()
	if err != nil {
		p.engErr = err.Error()
		return
	}
	p.eng = eng
}

func (p *playground) Render() app.UI {
	return app.Div().
		Class("playground").
		DataSet("ready", p.mounted).
		Body(
			p.renderHeader(),
			app.If(p.engErr != "", func() app.UI {
				return app.P().Class("error").Role("alert").Text("The cluster could not start: " + p.engErr)
			}),
		)
}

func (p *playground) renderHeader() app.UI {
	return app.Header().Class("top").Body(
		app.Img().Src("/web/icon.svg").Aria("hidden", true).Class("logo"),
		app.H1().Text("etcd playground"),
		app.Span().Class("version").DataSet("version", p.opts.Version).Text("version "+p.opts.Version),
		app.If(!p.mounted, func() app.UI {
			return app.Span().Class("loading").Text("starting…")
		}),
	)
}
