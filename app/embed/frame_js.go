package embed

import (
	"context"
	"encoding/json"
	"errors"
	"math"
	"syscall/js"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
)

// statusEvery is how often the API looks for leader and hash changes.
const statusEvery = 100 * time.Millisecond

// Start connects the postMessage API (api.go) to the browser when the page
// runs in a frame: commands arrive as "message" events whose source is the
// parent window; events go to the parent. It registers the listener at
// once and returns the status loop, which the caller runs on a goroutine
// of its own until ctx is done (it then removes the listener). A top-level
// page has no API: Start returns nil. The page calls Start on its UI
// goroutine when it mounts.
//
// The status loop follows cfg.Engine: it sends "ready" whenever a new
// engine appears, and then leader and hash events as the engine's status
// changes.
func Start(cfg Config) (loop func(ctx context.Context)) {
	win := js.Global()
	parent := win.Get("parent")
	if parent.IsUndefined() || parent.Equal(win) {
		return nil
	}
	post := func(m Message, toOrigin string) {
		b, err := json.Marshal(m)
		if err != nil {
			return // every Message field marshals; never expected
		}
		if !namedOrigin(toOrigin) {
			// An opaque ("null") origin cannot be named: a refusal (all
			// such a sender ever gets) still goes to the parent only.
			toOrigin = "*"
		}
		defer func() { recover() }() // the parent navigated away: nothing to tell
		parent.Call("postMessage", win.Get("JSON").Call("parse", string(b)), toOrigin)
	}
	api := newMessageAPI(nil, cfg.Allow, cfg.Limits, post)
	// The origin first: the data of a message from an origin that is not
	// allowed is never read (reading MessageEvent.data deserialises it,
	// whatever its size). The data of an allowed one is read within
	// bounds (readMessage) here, and handled on its own goroutine: never
	// block inside a JS callback.
	onMessage := js.FuncOf(func(_ js.Value, args []js.Value) any {
		ev := args[0]
		if !ev.Get("source").Equal(parent) {
			return nil
		}
		origin := ev.Get("origin").String()
		if !api.allowed(origin) {
			go api.refuse(origin)
			return nil
		}
		data, head, err := readMessage(ev.Get("data"))
		switch {
		case errors.Is(err, errNotOurs):
		case err != nil:
			go api.unreadable(origin, head, err)
		default:
			go api.handle(origin, data)
		}
		return nil
	})
	win.Call("addEventListener", "message", onMessage)
	stopResize := postResizes(post)

	return func(ctx context.Context) {
		defer func() {
			win.Call("removeEventListener", "message", onMessage)
			onMessage.Release()
			stopResize()
		}()
		var (
			eng engine.Engine
			w   watcher
		)
		for sleepCtx(ctx, statusEvery) {
			e := cfg.Engine(ctx)
			if ctx.Err() != nil {
				return
			}
			if e != eng {
				eng, w = e, watcher{}
				api.setEngine(eng)
				if eng != nil {
					post(readyMessage(cfg.Version, eng.Members()), "*")
				}
			}
			if eng == nil {
				continue
			}
			for _, m := range w.observe(eng.Status()) {
				post(m, "*")
			}
		}
	}
}

// PostError posts an "error" event to the parent window, when the page
// runs in a frame: the playground runs no cluster, and why. The page calls
// it when its cluster could not start or its storage failed at load (the
// status loop posts nothing then: it waits for an engine). Any goroutine.
func PostError(why string) {
	win := js.Global()
	parent := win.Get("parent")
	if parent.IsUndefined() || parent.Equal(win) {
		return
	}
	b, err := json.Marshal(errorMessage(why))
	if err != nil {
		return
	}
	defer func() { recover() }() // the parent navigated away: nothing to tell
	parent.Call("postMessage", win.Get("JSON").Call("parse", string(b)), "*")
}

// postResizes posts a resize event (api.go) with the document's
// content height now and whenever it changes, until stop is called. The
// height is that of the root element's box, which is its content's (the
// page never sizes it from the viewport), rounded up to whole CSS pixels.
// A ResizeObserver calls back after layout; the callback only posts.
func postResizes(post func(Message, string)) (stop func()) {
	root := js.Global().Get("document").Get("documentElement")
	last := -1
	onResize := js.FuncOf(func(js.Value, []js.Value) any {
		h := int(math.Ceil(root.Call("getBoundingClientRect").Get("height").Float()))
		if h > 0 && h != last { // 0: a hidden frame, not laid out
			last = h
			post(resizeMessage(h), "*")
		}
		return nil
	})
	ro := js.Global().Get("ResizeObserver").New(onResize)
	ro.Call("observe", root)
	return func() {
		ro.Call("disconnect")
		onResize.Release()
	}
}

// sleepCtx waits d and reports whether ctx is still live.
func sleepCtx(ctx context.Context, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	}
}
