package app

import (
	"context"

	"github.com/etcd-play/etcd-play/app/embed"
	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// startAPI starts the postMessage API (app/embed) when the page runs in a
// frame: the commands the URL's allow= origins send, with the stress
// panel's bounds, against p.eng. UI goroutine, from OnMount.
//
// The API follows p.eng, which the page sets (and may replace) on the UI
// goroutine: the API's status loop reads it there with ctx.Defer.
func (p *playground) startAPI(ctx app.Context) {
	loop := embed.Start(embed.Config{
		Allow:   p.page.Allow,
		Version: p.opts.Version,
		Limits:  embed.Limits{StressRate: maxStressRate, StressCount: maxStressCount},
		Engine: func(c context.Context) engine.Engine {
			cur := make(chan engine.Engine, 1)
			ctx.Defer(func(app.Context) { cur <- p.eng })
			select {
			case e := <-cur:
				return e
			case <-c.Done():
				return nil
			}
		},
	})
	if loop != nil {
		ctx.Async(func() { loop(ctx) })
	}
}

// postProblem tells the embedding page, when there is one, why the page
// runs no cluster (an "error" event); natively it does nothing.
func postProblem(why string) { embed.PostError(why) }
