package app

import (
	"fmt"
	"net/url"
	"time"

	"github.com/etcd-play/etcd-play/app/tour"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// fetchTour loads the tour at raw (?tour-url=): an address on the page's
// own origin, or on an origin the URL's allow= lists. It is fetched with
// a deadline, refused beyond tour.MaxSize bytes, and parsed; every
// failure (a refused origin, an HTTP error, a malformed tour with its
// line) is said in the tour panel. UI goroutine.
func (p *playground) fetchTour(ctx app.Context, raw string) {
	s := &p.tour
	loc := app.Window().Get("location")
	base, err := url.Parse(loc.Get("href").String())
	if err != nil {
		s.loadErr = "the page's address cannot be read"
		return
	}
	u, err := base.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		s.loadErr = fmt.Sprintf("tour-url=%s: not an http(s) address", echo(raw))
		return
	}
	origin := u.Scheme + "://" + u.Host
	if origin != base.Scheme+"://"+base.Host && !contains(p.page.Allow, origin) {
		s.loadErr = fmt.Sprintf("tour-url=%s: %s is neither this page's origin nor one allow= lists", echo(raw), origin)
		return
	}
	s.loading = true
	ctx = p.lasting(ctx)
	ctx.Async(func() {
		t, err := getTour(u.String())
		ctx.Dispatch(func(app.Context) {
			s.loading = false
			if err != nil {
				s.loadErr = err.Error()
				return
			}
			p.setTour(t)
		})
	})
}

// getTour fetches and parses the tour at addr, with the browser's fetch
// (net/http's client would add megabytes to the page's wasm). Not on the
// UI goroutine: it waits for the browser's promises.
func getTour(addr string) (*tour.Tour, error) {
	type result struct {
		data []byte
		err  error
	}
	done := make(chan result, 1)
	var funcs []app.Func
	defer func() {
		for _, f := range funcs {
			f.Release()
		}
	}()
	on := func(f func(v app.Value)) app.Func {
		fn := app.FuncOf(func(_ app.Value, args []app.Value) any {
			f(args[0])
			return nil
		})
		funcs = append(funcs, fn)
		return fn
	}
	// send keeps the first result: a callback that comes after it (an
	// abort racing the end) must not block the browser's event loop.
	send := func(r result) {
		select {
		case done <- r:
		default:
		}
	}
	fail := func(what string) app.Func {
		return on(func(e app.Value) {
			send(result{err: fmt.Errorf("the tour at %s could not be %s: %s", addr, what, e.Call("toString").String())})
		})
	}
	abort := app.Window().Get("AbortController").New()
	timer := time.AfterFunc(20*time.Second, func() { abort.Call("abort") })
	defer timer.Stop()
	opts := app.Window().Get("Object").New()
	opts.Set("signal", abort.Get("signal"))
	app.Window().Call("fetch", addr, opts).Call("then", on(func(resp app.Value) {
		if st := resp.Get("status").Int(); st != 200 {
			send(result{err: fmt.Errorf("the tour at %s could not be fetched: %d %s", addr, st, resp.Get("statusText").String())})
			return
		}
		body := resp.Get("body")
		if body.IsNull() || body.IsUndefined() {
			send(result{})
			return
		}
		// Read chunk by chunk and stop past MaxSize bytes (Parse refuses
		// that many, naming the limit): an endless or huge answer costs
		// the page MaxSize+1 bytes, not the whole body.
		reader := body.Call("getReader")
		readFailed := fail("read")
		var data []byte
		var next app.Func
		next = on(func(chunk app.Value) {
			if chunk.Get("done").Bool() {
				send(result{data: data})
				return
			}
			v := chunk.Get("value")
			n := min(v.Get("length").Int(), tour.MaxSize+1-len(data))
			part := make([]byte, n)
			app.CopyBytesToGo(part, v.Call("subarray", 0, n))
			data = append(data, part...)
			if len(data) > tour.MaxSize {
				reader.Call("cancel")
				send(result{data: data})
				return
			}
			reader.Call("read").Call("then", next, readFailed)
		})
		reader.Call("read").Call("then", next, readFailed)
	}), fail("fetched"))
	r := <-done
	if r.err != nil {
		return nil, r.err
	}
	return tour.Parse(addr, r.data)
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}
