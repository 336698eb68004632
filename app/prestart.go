package app

import (
	"sync/atomic"

	"github.com/etcd-play/etcd-play/app/engine"
)

// Prestarted is the page's first engine start, begun before go-app mounts
// the page so that the engine starts its cluster while the page renders
// (the first leader shows sooner). main calls Prestart in the browser
// before app.RunWhenOnBrowser and passes the result in
// Options.Prestarted; the playground's OnMount takes it instead of
// starting the engine itself (startEngine). Only that first start is taken:
// later starts (the second-tab buttons, Restart from storage) start anew.
type Prestarted struct {
	done  chan struct{} // closed when the start returned
	eng   engine.Engine
	err   error
	taken atomic.Bool
}

// Prestart begins newEngine's StartShared start now, in a goroutine, with
// the same retries as OnMount's (startShared: a reloaded tab waits for its
// previous document's lock).
func Prestart(newEngine func(engine.StartMode) (engine.Engine, error)) *Prestarted {
	p := &Prestarted{done: make(chan struct{})}
	go func() {
		defer close(p.done)
		p.eng, p.err = startShared(func() (engine.Engine, error) { return newEngine(engine.StartShared) })
	}()
	return p
}

// take returns the prestarted engine or error once it is ready, and true;
// false if there is none to take (nil, or already taken). It blocks until
// the start returned: call it off the UI goroutine.
func (p *Prestarted) take() (engine.Engine, error, bool) {
	if p == nil || !p.taken.CompareAndSwap(false, true) {
		return nil, nil, false
	}
	<-p.done
	return p.eng, p.err, true
}
