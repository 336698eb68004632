package app

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"reflect"
	"slices"
	"sync"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// refreshPeriod is the shortest interval between two polls of the live view
// (40 Hz at most; a refresh takes one or two of go-app's frames, see
// startRefresh). With engine.UpdateWindow 2, measured under the heaviest
// stress against 30 ms and a window of 1: 30.3-31.6 refreshes a second
// instead of 26.8-28.0, the cards 23.2-26.0 Hz instead of 22.5-24.0
// (TestStressResponsiveness, defaults, 3 interleaved pairs). Either alone
// changed nothing measurable.
const refreshPeriod = 25 * time.Millisecond

// benchRefreshPeriod is the shortest interval between two polls while the
// Benchmark panel's run runs: the page then shows a run's progress, and
// the engine's share of the machine is the figure the person asked for.
// Measured with TestBenchmarkPanel (100,000 puts in memory): polling every
// 30 ms the page took the engine's CPU time on a 2-core machine
// (27-30k puts/s against 30-38k with the page of before, which polled every
// 50 ms).
const benchRefreshPeriod = 50 * time.Millisecond

// maxEvents bounds the events the page keeps for its log.
const maxEvents = 400

// logEvery is the shortest interval between two updates of the event log.
// Under a heavy stress snapshot events arrive dozens of times a second;
// when go-app drew the log (newest first, its children diffed by
// position) each update rewrote every row, and updating it on every
// refresh was the page's largest DOM churn (2,700 of 8,600 mutations in a
// 20,000-put run, measured in Chromium). The page now writes only the new
// rows (event_rows.go).
const logEvery = 500 * time.Millisecond

// linkKey names a directed link.
type linkKey struct{ from, to uint64 }

// liveView is what one refresh shows: a consistent copy of the engine's
// state taken by the refresh goroutine.
type liveView struct {
	members  []engine.MemberView
	links    []engine.LinkView
	activity map[linkKey]uint64 // messages delivered per link since the previous refresh
	now      uint64
	paused   bool
	stress   engine.StressProgress
	stressOn bool   // a stress run was started (stress holds its progress)
	stressOf uint64 // which run stress describes (stressSlot.set's number)

	// conn is why the engine is unreachable (engine.Remote's Connection:
	// a crashed worker, a lost native engine); nil while it is reachable
	// or runs in the page.
	conn error

	// known holds, per member, the last status the page saw while the
	// member was up, and the tick of that sighting: a down member's card
	// shows it, marked as stale, instead of the zeros its status carries
	// for what only a running member knows (member_card.go). Replaced, never
	// mutated, by the refresh goroutine.
	known map[uint64]knownMember

	// settings are the engine's live settings and restarting the members
	// still restarting to take them; settable is false for an engine
	// without live settings (settings_panel.go).
	settings   engine.Settings
	restarting []uint64
	settable   bool

	// tickRate is the achieved tick rate, ticks per wall-clock second,
	// smoothed over the last seconds (tickMeter); 0 until first measured.
	tickRate float64

	// messages are the raft messages in flight while the page draws them
	// (messages_view.go), oldest first; msgTotal counts them all.
	messages []engine.MessageView
	msgTotal int

	// timeline is the run's recorded history (timeline_panel.go).
	timeline engine.TimelineView
	// verdict is the engine's latest linearizability check (hasVerdict:
	// there was one; lincheck_panel.go).
	verdict    engine.LinVerdictView
	hasVerdict bool

	// speed is the engine's tick rate (engine.SpeedReporter; 0 for an
	// engine that does not report it): the speed control follows it
	// (speed_follow.go).
	speed float64

	at time.Time // when the refresh goroutine polled it
}

// refreshHeartbeat is the longest the page goes without a refresh while
// the cluster shows nothing new (paused, or between two slow ticks): a
// refresh that would draw what is drawn already is skipped, which on a
// cluster at the default speed (20 ticks a second, polled 30-40 times) is
// about every other one.
const refreshHeartbeat = 250 * time.Millisecond

// sameCluster reports whether v shows the engine's state as w does: the
// same members, links, clock, messages, connection, settings, timeline,
// check and stress progress (what the refresh goroutine derives from them
// aside, and the run's wall-clock seconds per tick, which the engine
// measures anew for every update: a run's rate shows at the next refresh
// that draws). Refresh goroutine.
func (v *liveView) sameCluster(w *liveView) bool {
	sameErr := (v.conn == nil) == (w.conn == nil) && (v.conn == nil || v.conn.Error() == w.conn.Error())
	vs, ws := v.stress, w.stress
	vs.TickSeconds, ws.TickSeconds = 0, 0
	return sameErr && v.now == w.now && v.paused == w.paused && v.msgTotal == w.msgTotal &&
		v.settable == w.settable && v.hasVerdict == w.hasVerdict && v.speed == w.speed &&
		v.stressOn == w.stressOn && v.stressOf == w.stressOf && vs == ws &&
		slices.Equal(v.restarting, w.restarting) &&
		reflect.DeepEqual(v.members, w.members) && reflect.DeepEqual(v.links, w.links) &&
		reflect.DeepEqual(v.messages, w.messages) && reflect.DeepEqual(v.settings, w.settings) &&
		reflect.DeepEqual(v.timeline, w.timeline) && reflect.DeepEqual(v.verdict, w.verdict)
}

// knownMember is a member's status as last seen while it was up.
type knownMember struct {
	engine.MemberView
	At uint64 // tick of the sighting
}

// tickMeter measures the cluster's achieved tick rate: the ticks that
// passed over the last tickWindow of wall-clock time (at least
// tickMinWindow), from the clock readings of the refreshes. A window of
// seconds smooths out the driver's bursts (it runs several ticks in one
// work slice when it falls behind). Refresh goroutine only.
type tickMeter struct {
	samples []tickSample // oldest first; the first is at least tickWindow old when there are enough
}

type tickSample struct {
	at   time.Time
	tick uint64
}

const (
	tickWindow    = 2 * time.Second
	tickMinWindow = 500 * time.Millisecond
)

// observe records that the cluster was at tick now at time t and returns
// the rate (ticks per second), 0 until tickMinWindow has passed.
func (m *tickMeter) observe(now uint64, t time.Time) float64 {
	if n := len(m.samples); n > 0 && now < m.samples[n-1].tick {
		m.samples = m.samples[:0] // the clock went back: a new cluster
	}
	m.samples = append(m.samples, tickSample{t, now})
	// Keep one sample at least tickWindow old, and nothing older.
	drop := 0
	for drop+1 < len(m.samples) && t.Sub(m.samples[drop+1].at) >= tickWindow {
		drop++
	}
	m.samples = append(m.samples[:0], m.samples[drop:]...)
	first := m.samples[0]
	d := t.Sub(first.at)
	if d < tickMinWindow {
		return 0
	}
	return float64(now-first.tick) / d.Seconds()
}

// remember returns known updated with the members that are up in ms; it
// returns known itself when nothing changed, else a new map.
func remember(known map[uint64]knownMember, ms []engine.MemberView, now uint64) map[uint64]knownMember {
	var out map[uint64]knownMember
	for _, m := range ms {
		if !m.Up() {
			continue
		}
		if out == nil {
			out = make(map[uint64]knownMember, len(ms))
			for id, k := range known {
				out[id] = k
			}
		}
		out[m.ID] = knownMember{MemberView: m, At: now}
	}
	if out == nil {
		return known
	}
	return out
}

// stressSlot hands the current stress run from the UI goroutine (which starts
// runs) to the refresh goroutine (which polls its progress).
type stressSlot struct {
	mu    sync.Mutex
	run   engine.StressRun
	gen   uint64 // runs set so far: the number of run
	bench bool   // run is the Benchmark panel's
}

// set installs r as the current run (bench: the Benchmark panel's) and
// returns its number (1, 2, ...).
func (s *stressSlot) set(r engine.StressRun, bench bool) uint64 {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.run, s.bench = r, bench
	s.gen++
	return s.gen
}

func (s *stressSlot) get() engine.StressRun {
	r, _, _ := s.current()
	return r
}

// current returns the current run, its number and whether it is the
// Benchmark panel's.
func (s *stressSlot) current() (r engine.StressRun, n uint64, bench bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.run, s.gen, s.bench
}

// startRefresh starts the one goroutine that polls the engine and
// dispatches the result to the UI goroutine. It polls at most once per
// refreshPeriod, and backs off when a poll is expensive: the next poll waits
// at least twice as long as the last one took, so polling never takes more
// than a third of the page's thread.
//
// A refresh redraws the live panels (the member cards, the hash indicator,
// the clock, and on a slow cluster the cluster view: livePanel) in one of
// go-app's frames; every other refresh then redraws, in a second frame (a
// task of its own, with the browser's work free to run in between), the
// other panels whose content changed since they were last drawn
// (playground frame). On a fast cluster those second frames take turns:
// the view, then the rest (secondFrame). So no one task redraws
// everything, and the cards follow the cluster at the refresh rate while
// the others follow at a half or a quarter of it. A poll that finds the
// cluster as the last refresh showed it draws nothing (sameCluster), for
// at most refreshHeartbeat. It never has more
// than one refresh in flight: it polls again only after its last frame was
// rendered, so a slow frame never queues a backlog of updates; at once if
// the period has passed, else it waits until it has (waitUntil).
func (p *playground) startRefresh(ctx app.Context) {
	eng, slot, msgs := p.eng, p.stressAt, &p.msgs
	ctx.Async(func() {
		var (
			after    uint64 // last event Seq fetched
			rewinds  uint64 // the timeline's Rewinds when after was set
			prev     map[linkKey]uint64
			known    map[uint64]knownMember
			meter    tickMeter
			rendered = make(chan struct{}, 1)
			gc       pageGC   // pagegc.go
			slowDue  bool     // this refresh draws the slow panels too
			shown    liveView // the last refresh dispatched
			last     time.Time
			period   = refreshPeriod
		)
		for {
			if !waitUntil(ctx, last.Add(period)) {
				return
			}
			start := time.Now()
			v := liveView{members: eng.Status(), links: eng.Links(), now: eng.Now(), paused: eng.Paused()}
			v.messages, v.msgTotal = eng.Messages(int(msgs.want.Load()))
			if r, ok := eng.(engine.Remote); ok {
				v.conn = r.Connection()
			}
			if se, ok := eng.(engine.Settable); ok {
				v.settings, v.restarting, v.settable = se.Settings(), se.RestartsPending(), true
			}
			reset := false
			if t, ok := eng.(engine.Timeliner); ok {
				v.timeline = t.Timeline()
				// Another point of the run's history is shown: its events
				// start over (and so does what the page derived from them).
				if reset = v.timeline.Rewinds != rewinds; reset {
					// What the page remembers of members that are down now
					// was seen at another point of the run: forget it.
					rewinds, after, prev, known = v.timeline.Rewinds, 0, nil, nil
				}
			}
			if ch, ok := eng.(engine.Checker); ok {
				v.verdict, v.hasVerdict = ch.LastVerdict()
			}
			if sr, ok := eng.(engine.SpeedReporter); ok {
				v.speed = sr.Speed()
			}
			evs := eng.Events(after)
			if n := len(evs); n > 0 {
				after = evs[n-1].Seq
			}
			benchOn := false
			if r, gen, bench := slot.current(); r != nil {
				v.stress, v.stressOn, v.stressOf = r.Progress(), true, gen
				benchOn = bench && v.stress.Running
			}
			v.tickRate = meter.observe(v.now, start)
			last = start
			period = max(refreshPeriod, 2*time.Since(start))
			if benchOn {
				period = max(period, benchRefreshPeriod)
			}
			// Nothing new since the refresh drawn last: no redraw, unless
			// that was refreshHeartbeat ago (the achieved rate, the
			// runner of a tour and other pollers follow the wall clock).
			if len(evs) == 0 && !reset && v.sameCluster(&shown) && start.Sub(shown.at) < refreshHeartbeat {
				continue
			}
			known = remember(known, v.members, v.now)
			v.known = known
			v.at = start
			shown = v
			v.activity = make(map[linkKey]uint64, len(v.links))
			cur := make(map[linkKey]uint64, len(v.links))
			for _, l := range v.links {
				k := linkKey{l.From, l.To}
				cur[k] = l.Delivered
				if d, ok := prev[k]; ok && l.Delivered >= d {
					v.activity[k] = l.Delivered - d
				}
			}
			prev = cur
			ctx.Dispatch(func(ctx app.Context) {
				if reset {
					p.events, p.newEvents = nil, nil
					p.eventsGen++
				}
				p.apply(v, evs, start)
				p.frame = frameLive
				p.benchSettle(ctx)        // bench_panel.go
				p.mvccAfterRefresh(ctx)   // mvcc_history.go
				p.leasesAfterRefresh(ctx) // lease_panel.go
				p.tourAfterRefresh(ctx)   // tour_player.go
				ctx.Defer(func(app.Context) {
					p.syncCards()   // card_binds.go
					p.syncLogRows() // event_rows.go
					rendered <- struct{}{}
				})
			})
			if !waitRendered(ctx, rendered) {
				return
			}
			if slowDue = !slowDue; slowDue {
				ctx.Dispatch(func(ctx app.Context) {
					p.frame = p.secondFrame() // panel_keys.go
					p.deferred = false        // the first refresh is drawn: build the rest (playground.go)
					ctx.Defer(func(app.Context) {
						p.syncCards()
						p.syncLogRows() // the log's list may be new
						rendered <- struct{}{}
					})
				})
				if !waitRendered(ctx, rendered) {
					return
				}
			}
			if !gc.collectBetweenRefreshes(ctx) {
				return
			}
		}
	})
}

// waitRendered waits until the frame that drew the refresh's last dispatch
// was rendered: go-app runs a Defer after the update cycle in which it was
// queued. False when ctx ended first.
func waitRendered(ctx app.Context, rendered <-chan struct{}) bool {
	select {
	case <-rendered:
		return true
	case <-ctx.Done():
		return false
	}
}

// apply installs one refresh. UI goroutine.
func (p *playground) apply(v liveView, evs []engine.EventView, at time.Time) {
	p.view = v
	p.refreshes++
	p.newEvents = append(p.newEvents, evs...)
	if len(p.newEvents) > 0 && at.Sub(p.eventsAt) >= logEvery {
		p.events = append(p.events, p.newEvents...)
		if over := len(p.events) - maxEvents; over > 0 {
			p.events = append(p.events[:0], p.events[over:]...)
		}
		clear(p.newEvents)
		p.newEvents, p.eventsAt = p.newEvents[:0], at
	}
	p.chart.sample(v.members, at)
	p.followSpeed(v.speed) // speed_follow.go
	p.noteMessages(v, at)  // messages_view.go
	if p.client == 0 && len(v.members) > 0 {
		p.client = v.members[0].ID
	}
}

// leader returns the id of the member that is leader, preferring the
// highest term when two claim it (an old leader cut off by a partition).
func (v liveView) leader() uint64 {
	var id, term uint64
	for _, m := range v.members {
		if m.State == "leader" && m.Term >= term {
			id, term = m.ID, m.Term
		}
	}
	return id
}

func (v liveView) member(id uint64) (engine.MemberView, bool) {
	for _, m := range v.members {
		if m.ID == id {
			return m, true
		}
	}
	return engine.MemberView{}, false
}

// name returns a member's display name.
func (v liveView) name(id uint64) string {
	if m, ok := v.member(id); ok && m.Name != "" {
		return m.Name
	}
	return "member " + itoa(id)
}
