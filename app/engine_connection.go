package app

import (
	"context"
	"strings"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The engine's connection, as the page shows it. The cluster runs behind
// the engine protocol (a Web Worker by default, or a native engine over a
// WebSocket); when it cannot be reached the page says so at the top and
// makes the cluster's controls inert until it is back:
//   - a native engine that went away: "disconnected, retrying" (the client
//     redials by itself);
//   - a worker that crashed (a panic, out of memory): what happened, and
//     a button that starts a new worker, which restarts the cluster from
//     its storage.
//
// Automation hooks: the page's root carries data-engine (where the cluster
// runs: "worker", "native", or "page" when it runs in the page's own wasm)
// and data-protocol (the protocol's version); the banner is
// .engine-lost[data-engine-lost] with the button data-action="engine-restart".

// engineKind is where the cluster runs, "" before the engine started.
func (p *playground) engineKind() string {
	if r, ok := p.eng.(engine.Remote); ok {
		return r.Hello().Kind
	}
	return ""
}

// engineLost reports whether the engine cannot be reached now.
func (p *playground) engineLost() bool { return p.view.conn != nil }

// lostCause is why the engine cannot be reached, without the generic
// "disconnected" prefix the banner already says in its own words.
func (p *playground) lostCause() string {
	return strings.TrimPrefix(p.view.conn.Error(), engine.ErrDisconnected.Error()+": ")
}

// renderEngineLost is the banner shown while the engine cannot be reached.
func (p *playground) renderEngineLost() app.UI {
	if !p.engineLost() {
		return nil
	}
	if p.engineKind() == "native" {
		return app.Section().Class("engine-lost panel alert").Role("alert").DataSet("engine-lost", "native").Body(
			app.P().Text("Disconnected from the engine, retrying… (" + p.lostCause() + "). " +
				"The controls come back when it answers again; the cluster keeps running on the server."),
		)
	}
	return app.Section().Class("engine-lost panel alert").Role("alert").DataSet("engine-lost", "crashed").Body(
		app.P().Text("The engine stopped: "+p.lostCause()+". "+
			"What the cluster stored is kept; acknowledged writes are on its storage."),
		app.Button().Type("button").DataSet("action", "engine-restart").Text("Restart the cluster from storage").
			Disabled(p.restarting).
			OnClick(func(ctx app.Context, e app.Event) { p.restartEngine(ctx) }),
	)
}

// restartEngine starts a new engine (a new worker) for the page's client,
// which resumes the cluster from its storage. UI goroutine.
func (p *playground) restartEngine(ctx app.Context) {
	r, ok := p.eng.(engine.Remote)
	if !ok || p.restarting {
		return
	}
	p.restarting = true
	p.notice = "restarting the cluster from storage…"
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		c, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		err := r.Reconnect(c)
		cancel()
		ctx.Dispatch(func(ctx app.Context) {
			p.restarting = false
			if err != nil {
				p.notice = "restart failed: " + err.Error()
				return
			}
			p.notice = "the cluster restarted from storage"
		})
	})
}

// reloadOnceKey marks, in the tab's sessionStorage, that the page already
// reloaded because its engine was of another build.
const reloadOnceKey = "etcd-play-reloaded-for-version"

// reloadOnce reloads the page when the engine it started is of another
// build (a deploy happened between loading the page and its worker), once
// per tab and page build: it returns false, reloading nothing, when this
// tab already reloaded for this build, or when sessionStorage cannot be
// used (a sandboxed frame), so that a page that cannot get a matching
// engine shows the error instead of reloading forever.
func reloadOnce(build string) (reloaded bool) {
	defer func() {
		if recover() != nil {
			reloaded = false
		}
	}()
	ss := app.Window().Get("sessionStorage")
	if !ss.Truthy() {
		return false
	}
	if v := ss.Call("getItem", reloadOnceKey); v.Truthy() && v.String() == build {
		return false
	}
	ss.Call("setItem", reloadOnceKey, build)
	app.Window().Get("location").Call("reload")
	return true
}
