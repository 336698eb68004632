package app

import (
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The log view's fetching. While the view is shown, one goroutine (run)
// waits for each animation frame, reads the engine's status (a local copy
// of its last update) and, only when a member's log or marks changed
// (state, term, last index, commit, applied or snapshot index) or
// logRefreshEvery passed, asks the engine for each member's newest window
// (engine.LogPage) and hands the pages to the UI goroutine; it never has
// more than one set of pages in flight, so it fetches at most once per
// frame, and not at all while the view is hidden or nothing changed. It
// waits logMinInterval between two fetches: under load every fetch
// replaces most rows (200 entries a second slide a 24-entry window
// several times over between two frames), and fetching on every frame
// then cost the page's thread about 14 ms a frame (the BENCH logview
// lines: app/e2e/logview_bench_test.go).

// logRefreshEvery: the view refetches at least this often while shown
// (what status does not reveal: an overwrite without a change of marks).
const logRefreshEvery = time.Second

// logMinInterval is the shortest time between two fetches (4 a second at
// most: faster than anyone reads a log that moves).
const logMinInterval = 250 * time.Millisecond

// logLoop is one run of the fetch loop. want is shared between the UI
// goroutine (the "Older entries" button and scrolling grow it) and the
// loop.
type logLoop struct {
	stop chan struct{} // closed when the view is hidden or dismounted
	mu   sync.Mutex
	want map[uint64]int // entries to show per member (raftLogShown unless grown)
	gen  uint64         // bumped by every change to want: refetch at once
}

// want returns how many entries member id's column asks for. UI goroutine.
func (c *logView) want(id uint64) int {
	if c.loop == nil {
		return raftLogShown
	}
	c.loop.mu.Lock()
	defer c.loop.mu.Unlock()
	if n, ok := c.loop.want[id]; ok {
		return n
	}
	return raftLogShown
}

// startLoop starts the fetch loop over the playground's engine. UI goroutine.
func (c *logView) startLoop(ctx app.Context) {
	c.stopLoop()
	eng := c.P.eng
	if eng == nil {
		c.err = "the cluster is not running"
		return
	}
	c.err = ""
	if c.mounted {
		ctx = c.ctx
	}
	l := &logLoop{stop: make(chan struct{}), want: map[uint64]int{}}
	c.loop = l
	ctx.Async(func() { c.run(ctx, eng, l) })
}

// stopLoop ends the fetch loop, if any. UI goroutine.
func (c *logView) stopLoop() {
	if c.loop != nil {
		close(c.loop.stop)
		c.loop = nil
	}
}

// onOlder makes member's column show raftLogShown more entries (up to
// engine.MaxLogPage), fetched at the next frame.
func (c *logView) onOlder(ctx app.Context, e app.Event) {
	if id, err := strconv.ParseUint(ctx.JSSrc().Get("dataset").Get("member").String(), 10, 64); err == nil {
		c.grow(id)
	}
}

// onScroll grows a column's window when its list is scrolled to its end
// (the oldest entries shown) and older ones exist: what scrolling asks for.
func (c *logView) onScroll(ctx app.Context, e app.Event) {
	ul := ctx.JSSrc()
	if ul.Get("scrollTop").Float()+ul.Get("clientHeight").Float() < ul.Get("scrollHeight").Float()-4 {
		return
	}
	id, err := strconv.ParseUint(ul.Get("dataset").Get("member").String(), 10, 64)
	if err != nil {
		return
	}
	// Only once per window: not again until the grown one arrived.
	if p := c.pages[id]; p != nil && p.From > p.First && len(p.Entries) >= c.want(id) {
		c.grow(id)
	}
}

// grow asks for raftLogShown more of member id's entries. UI goroutine.
func (c *logView) grow(id uint64) {
	if c.loop == nil {
		return
	}
	l := c.loop
	l.mu.Lock()
	n, ok := l.want[id]
	if !ok {
		n = raftLogShown
	}
	l.want[id] = min(n+raftLogShown, engine.MaxLogPage)
	l.gen++
	l.mu.Unlock()
}

// run is the fetch loop (see the file comment). Its own goroutine.
func (c *logView) run(ctx app.Context, eng engine.Engine, l *logLoop) {
	var (
		lastKey string
		lastGen uint64
		lastAt  time.Time
		applied = make(chan struct{}, 1)
	)
	for {
		if !waitFrame(ctx) {
			return
		}
		select {
		case <-l.stop:
			return
		default:
		}
		st := eng.Status()
		key := logStatusKey(st)
		l.mu.Lock()
		gen := l.gen
		want := make(map[uint64]int, len(l.want))
		for id, n := range l.want {
			want[id] = n
		}
		l.mu.Unlock()
		if gen == lastGen && (time.Since(lastAt) < logMinInterval || key == lastKey && time.Since(lastAt) < logRefreshEvery) {
			continue
		}
		lastKey, lastGen, lastAt = key, gen, time.Now()
		pages := make(map[uint64]*engine.LogPageView, len(st))
		var errs []string
		for _, m := range st {
			n, ok := want[m.ID]
			if !ok {
				n = raftLogShown
			}
			p, err := eng.LogPage(ctx, m.ID, 0, n)
			if err != nil {
				errs = append(errs, fmt.Sprintf("%s: %v", m.Name, err))
				continue
			}
			pages[m.ID] = p
		}
		ctx.Dispatch(func(app.Context) {
			if c.loop == l && c.P.eng != eng {
				// The page replaced its engine (a restarted worker, another
				// storage): follow it.
				c.startLoop(ctx)
			} else if c.loop == l {
				c.pages = pages
				c.err = strings.Join(errs, "; ")
				c.fetches++
			}
			applied <- struct{}{}
		})
		select {
		case <-applied:
		case <-l.stop:
			return
		case <-ctx.Done():
			return
		}
	}
}

// logStatusKey summarises what in the members' status says their logs or
// marks changed.
func logStatusKey(st []engine.MemberView) string {
	var b strings.Builder
	for _, m := range st {
		fmt.Fprintf(&b, "%d %s %d %d %d %d %d;", m.ID, m.State, m.Term, m.LastIndex, m.Commit, m.Applied, m.SnapshotIndex)
	}
	return b.String()
}
