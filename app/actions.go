package app

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"strconv"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// act runs one engine action for a control: f runs in a ctx.Async goroutine
// (engine calls may wait on the ticking cluster); its outcome becomes the
// page's notice. label names the action in the notice. An engine that
// another tab stopped (stoppable) answers at once with its error. UI
// goroutine.
func (p *playground) act(ctx app.Context, label string, f func(engine.Engine) error) {
	if p.unavailable(label) {
		return
	}
	eng := p.eng
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		err := f(eng)
		ctx.Dispatch(func(ctx app.Context) {
			if err != nil {
				p.notice = label + ": " + err.Error()
				return
			}
			p.notice = label + ": done"
		})
	})
}

// lasting is the context an engine call started by a control runs and
// reports on: the playground's own (set in OnMount), not the control's.
// go-app drops a Dispatch whose source element is no longer mounted, and
// a control can be rendered away while its call waits on the cluster (a
// button replaced by the next render): with the control's context its
// result was never shown, and stayed pending. UI goroutine.
func (p *playground) lasting(ctx app.Context) app.Context {
	if p.storage.rooted {
		return p.storage.root
	}
	return ctx
}

// onAct returns a click handler that calls act, and its event scope.
//
// go-app keeps the handler installed at an element's first render when the
// new one has the same code pointer and scope, and every onAct closure
// shares one code pointer: the scope (the label) is what makes a button that
// changes its action in place (Kill becoming Restart) get the new handler.
// So label must name everything f captures; handlers that need current state
// read it from p when they run instead.
func (p *playground) onAct(label string, f func(engine.Engine) error) (app.EventHandler, app.EventOption) {
	return func(ctx app.Context, e app.Event) { p.act(ctx, label, f) }, app.EventScope(label)
}

func itoa(n uint64) string { return strconv.FormatUint(n, 10) }

// unavailable reports whether no engine can take an action now (none is
// running, or another tab stopped this one) and, if so, says why in the
// notice, under label. UI goroutine.
func (p *playground) unavailable(label string) bool {
	switch s, ok := p.eng.(engine.Stoppable); {
	case p.eng == nil:
		p.notice = label + ": the cluster is not running"
	case ok && s.Stopped() != nil:
		p.notice = label + ": " + s.Stopped().Error()
	default:
		return false
	}
	return true
}

// inputValue is the current value of the input, select or textarea that
// raised e.
func inputValue(ctx app.Context) string { return ctx.JSSrc().Get("value").String() }

// checked reports whether the checkbox that raised the event is checked.
func checked(ctx app.Context) bool { return ctx.JSSrc().Get("checked").Bool() }
