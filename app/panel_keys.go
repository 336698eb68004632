package app

import (
	"fmt"
	"strings"
)

// Panel keys (see panel): each summarises everything its panel renders, and
// nothing else, so that a refresh re-renders only the panels that changed.

func (p *playground) panelKey(k panelKind) string {
	var b strings.Builder
	v := p.view
	switch k {
	case panelView:
		for _, m := range v.members {
			fmt.Fprintf(&b, "%d%s%d/%d;", m.ID, m.State, m.Term, m.Leader)
		}
		fmt.Fprint(&b, p.roving(), "|")
		for _, l := range v.links {
			fmt.Fprintf(&b, "%t%g%d%d%d;", l.Cut, l.Drop, l.Delay, activityLevel(v.activity[linkKey{l.From, l.To}]), min(l.InFlight, 99))
		}
		if slowEnough(v.paused, p.speed) { // messages_view.go: drawn relative to now
			fmt.Fprint(&b, "|", v.now, v.paused, v.msgTotal, p.msgs.focus, ":")
			for _, m := range v.messages {
				fmt.Fprint(&b, m.ID, ",")
			}
		} else {
			fmt.Fprint(&b, "|counts", p.msgs.countsRev)
		}
	case panelCards:
		// On the page the refresh writes the cards' binds itself
		// (card_binds.go): only their shape redraws the panel.
		p.cardsShapeKey(&b)
		if !domBinds {
			for _, m := range v.members {
				for _, x := range p.cardBinds(m) {
					fmt.Fprint(&b, x.value, ";")
				}
			}
		}
	case panelFaults:
		fmt.Fprint(&b, p.noticeText(), v.leader() == 0, len(v.members))
	case panelLinks:
		fmt.Fprint(&b, p.link, len(v.members))
		for _, l := range v.links {
			if linkFaulty(l) { // what linkFaultLabel shows, not the traffic
				fmt.Fprint(&b, l.From, l.To, l.Cut, l.Drop, l.Delay, l.Duplicate, l.Reorder, ";")
			}
		}
	case panelStress:
		fmt.Fprint(&b, p.stress, v.stress, v.stressOn, len(v.members))
	case panelBench:
		pr, ok := p.benchCurrent()
		fmt.Fprint(&b, p.bench, p.benchPersistent(), ok, v.stressOn && v.stress.Running, "|")
		if ok {
			fmt.Fprint(&b, pr)
		}
	case panelSettings:
		fmt.Fprint(&b, p.settings, v.settings, v.restarting, v.settable, len(v.members))
	case panelCheck:
		fmt.Fprint(&b, p.check.asking, p.check.answer, p.check.err, v.hasVerdict, v.verdict.Seq, v.verdict.Running)
	case panelWrite:
		fmt.Fprint(&b, p.writeRev, p.client, len(v.members))
	case panelRevisions:
		for _, m := range v.members {
			fmt.Fprintf(&b, "%d%s%s%d/%d;", m.ID, m.Name, m.State, m.Revision, m.CompactRevision)
		}
	case panelMVCC:
		// The panel's own state changes only through mvccChanged.
		fmt.Fprint(&b, p.mvccRev, p.mvccMember(), "|", p.membersKey())
	case panelWatches:
		fmt.Fprint(&b, p.watchRev, "|", p.membersKey())
	case panelLeases:
		b.WriteString(p.leaseKey()) // lease_panel.go
	case panelTimeline:
		fmt.Fprint(&b, v.now, v.timeline, p.tl, p.eng != nil)
	case panelConsole:
		fmt.Fprint(&b, p.consoleRev) // not the input: the field holds it (console.go)
	case panelChart:
		fmt.Fprint(&b, len(p.chart.samples), p.chart.last.UnixNano())
	case panelHeader:
		// The time controls (the clock, the achieved rate as shown) and
		// the loading mark; the rest is fixed or redrawn by its own
		// handlers (the speed choice, the tour menu).
		fmt.Fprintf(&b, "%t|%d|%t|%g|%.1f", p.mounted, v.now, v.paused, p.speed, v.tickRate)
	case panelHash:
		// Every member's revision and hashes, and the tick it shows:
		// different with every refresh of a running cluster.
		b.WriteString(itoa(p.refreshes))
	case panelDurability:
		s := &p.storage
		fmt.Fprint(&b, s.has, s.view, s.confirmReset, s.resetting, s.resetErr, p.page.Memory, "|")
		for _, m := range v.members {
			fmt.Fprint(&b, m.ID, m.Name, m.Up(), ";")
		}
	case panelLog:
		// On the page the rows are not go-app's (event_rows.go): only
		// the filters redraw the panel.
		var last uint64
		if n := len(p.events); n > 0 && !domLogRows {
			last = p.events[n-1].Seq
		}
		fmt.Fprint(&b, last, p.logKind, "\x00", p.logText)
	}
	return b.String()
}

// framePart is which panels a render of the root draws with their current
// keys; the others keep the key they were last drawn with, so that go-app
// leaves them as they are (a panel whose own handler ran redraws all the
// same: go-app updates the component a handler ran in whatever its
// fields). Set by the refresh loop (startRefresh) for each of its frames.
type framePart uint8

const (
	// frameAll: every panel. A render the refresh loop did not ask for,
	// and a slow cluster's second frame.
	frameAll framePart = iota
	// frameLive: a refresh's first frame, the live panels (livePanel).
	frameLive
	// frameView: a fast cluster's second frame, every other time: the live
	// panels and the cluster view.
	frameView
	// frameRest: a fast cluster's second frame, the other times: every
	// panel but the cluster view.
	frameRest
)

// viewDemoted reports whether the cluster view is left out of a refresh's
// first frame: while the cluster runs faster than messages are drawn moving
// (msgMaxSpeed), the view shows the links' traffic rather than each
// message, and it changes with every refresh. Drawn every other second
// frame it follows at a quarter of the refresh rate (about 8 Hz), which
// keeps the first frame, the one that draws the cards, small. The hash
// indicator stays with the cards: it names the members they show.
func (p *playground) viewDemoted() bool { return !slowEnough(p.view.paused, p.speed) }

// secondFrame returns the part a refresh's second frame draws: everything
// on a slow cluster and for the first refresh after a load (which builds
// the deferred sections), else the view and the rest by turns. UI
// goroutine.
func (p *playground) secondFrame() framePart {
	if p.deferred || !p.viewDemoted() {
		return frameAll
	}
	if p.viewTurn = !p.viewTurn; p.viewTurn {
		return frameView
	}
	return frameRest
}

// livePanel reports whether a panel shows the cluster as it is now and is
// redrawn in a refresh's first frame: the member cards, the hash indicator
// and the header's clock, and unless viewDemoted the cluster view.
// The others wait for a second frame (startRefresh).
func (p *playground) livePanel(k panelKind) bool {
	switch k {
	case panelCards, panelHeader, panelHash:
		return true
	case panelView:
		return !p.viewDemoted()
	}
	return false
}

// draws reports whether the current frame part draws panel k with its
// current key. The first refresh (p.deferred) draws only the cards and the
// header in its first frame: the leader shows sooner after a load, and the
// view and the hash indicator follow in the second.
func (p *playground) draws(k panelKind) bool {
	switch p.frame {
	case frameLive:
		return p.livePanel(k) && (!p.deferred || k == panelCards || k == panelHeader)
	case frameView:
		return p.livePanel(k) || k == panelView
	case frameRest:
		return k != panelView
	}
	return true
}

// newPanel returns the panel of kind k for the root's render: with its
// current key if the frame part draws it, else with the key it was last
// drawn with.
func (p *playground) newPanel(k panelKind) *panel {
	if !p.draws(k) {
		if key, ok := p.drawnKeys[k]; ok {
			return &panel{P: p, Kind: k, Key: key}
		}
	}
	key := p.panelKey(k)
	if p.drawnKeys == nil {
		p.drawnKeys = make(map[panelKind]string)
	}
	p.drawnKeys[k] = key
	return &panel{P: p, Kind: k, Key: key}
}
