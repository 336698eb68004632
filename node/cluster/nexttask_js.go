package cluster

import (
	"sync"
	"syscall/js"
	"time"
)

// nextTask returns a channel that receives, once, the time at which a
// fresh browser task began: a message posted to a MessageChannel that
// this package keeps. Unlike setTimeout(0), which browsers clamp to 4 ms
// once timers nest five deep (a driver that waits on its own timers always
// does), a posted message runs as soon as the tasks queued before it have,
// so a zero-delay wait costs what the event loop has to do and no more.
// Waiters are woken in the order they asked. The channel is buffered: a
// waiter that stopped listening never blocks the callback. Without
// MessageChannel (it exists in pages, workers and Node) it falls back to
// setTimeout(0).
func nextTask() <-chan time.Time {
	ch := make(chan time.Time, 1)
	tasks.mu.Lock()
	tasks.init.Do(initTasks)
	tasks.waiting = append(tasks.waiting, ch)
	port := tasks.port
	tasks.mu.Unlock()
	if port.IsUndefined() {
		js.Global().Call("setTimeout", tasks.wake, 0)
	} else {
		port.Call("postMessage", nil)
	}
	return ch
}

// tasks is nextTask's state. Invariant: one message (or timer) is in
// flight per entry of waiting, and each callback wakes the oldest entry.
var tasks struct {
	init    sync.Once
	mu      sync.Mutex
	port    js.Value // the MessageChannel's port1; undefined without one
	port2   js.Value // its other end, which receives: held here too, so that the browser never collects it
	wake    js.Func  // port2's onmessage, or the fallback timer's callback
	waiting []chan time.Time
}

// initTasks creates the channel and its callback, once, for the life of
// the program (never released). tasks.mu is held.
func initTasks() {
	tasks.wake = js.FuncOf(func(js.Value, []js.Value) any {
		now := time.Now()
		tasks.mu.Lock()
		ch := tasks.waiting[0]
		tasks.waiting[0] = nil
		tasks.waiting = tasks.waiting[1:]
		tasks.mu.Unlock()
		ch <- now
		return nil
	})
	mc := js.Global().Get("MessageChannel")
	if mc.Type() != js.TypeFunction {
		return
	}
	ch := mc.New()
	ch.Get("port2").Set("onmessage", tasks.wake)
	tasks.port, tasks.port2 = ch.Get("port1"), ch.Get("port2")
	// Under Node a port with a listener keeps the process alive after the
	// program ends (tests under Node would never exit); browsers have no
	// unref.
	for _, p := range []string{"port1", "port2"} {
		if u := ch.Get(p).Get("unref"); u.Type() == js.TypeFunction {
			ch.Get(p).Call("unref")
		}
	}
}

// YieldTask blocks until a fresh browser task begins (nextTask): the Go
// runtime hands the thread back to the browser meanwhile, so the events
// queued before it (messages from the page, IndexedDB's answers, timers
// that are due) run first, and the caller goes on in a new task. For code
// that keeps the engine's thread long (a tick under heavy stress, a
// replay) and must let its event loop run in between.
func YieldTask() { <-nextTask() }
