package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The leases panel (part of the MVCC view, a panel of its own so that its
// countdown, which moves every tick, re-renders only this small table):
// the chosen member's leases (engine Call: LeaseLeases, then
// LeaseTimeToLive with keys for each), listed on demand. Every call is a
// client request the cluster logs and replays, so the panel does not poll:
// the countdown runs on the page from the answer (remaining TTL in lease
// seconds, node.TicksPerSecond ticks each, from the tick the answer
// arrived at; an upper bound, as the member rounds up), and the list is
// read again once a lease's countdown reaches zero, to show the revoke
// the leader proposed through raft (its keys are deleted at one revision
// on every member).
//
// Automation: data-action="lease-list"; a row carries data-lease (the ID as
// etcdctl prints it, 16 hex digits), data-ttl (seconds left when read),
// data-ticks-left (the countdown) and data-keys (attached keys).

const (
	// A countdown at zero lists again at most every leaseRelistTicks ticks
	// after the last answer, and at most maxAutoLists times in a row (a
	// lease on a member cut off from its leader is never revoked there).
	leaseRelistTicks = 2 * node.TicksPerSecond
	maxAutoLists     = 5

	maxLeaseRows  = 20               // leases read (one TimeToLive call each)
	maxLeaseKeys  = 10               // attached keys a row names
	leaseCallWait = 15 * time.Second // bounds a list (the cluster answers each call sooner)
)

type leaseState struct {
	seq    int    // lists asked; an older answer is dropped
	busy   bool   // a list is in flight
	listed bool   // a list answered (rows may be empty)
	member uint64 // member the rows are from
	at     uint64 // tick the answer arrived at (p.view.now)
	more   int    // leases beyond maxLeaseRows not read
	err    string
	rows   []leaseRow
	autos  int // lists in a row started by a countdown (not the button)
}

type leaseRow struct {
	id           int64
	ttl, granted int64    // seconds (TTL: left when read)
	keys         []string // as shown (displayBytes)
	err          string
}

// ticksLeft is a row's countdown at tick now.
func (r leaseRow) ticksLeft(at, now uint64) int64 {
	left := r.ttl*node.TicksPerSecond - int64(now-min(at, now))
	return max(left, 0)
}

// listLeases reads the chosen member's leases (the button). UI goroutine.
func (p *playground) listLeases(ctx app.Context) {
	p.leases.autos = 0
	p.readLeases(ctx)
}

// readLeases reads the chosen member's leases. UI goroutine.
func (p *playground) readLeases(ctx app.Context) {
	s := &p.leases
	if p.unavailable("list leases") {
		return
	}
	s.seq++
	seq, member, eng := s.seq, p.mvccMember(), p.eng
	s.busy, s.err = true, ""
	p.leaseRev++
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		cctx, cancel := context.WithTimeout(ctx, leaseCallWait)
		defer cancel()
		var (
			rows []leaseRow
			more int
		)
		res, err := eng.Call(cctx, member, node.Op{LeaseLeases: true})
		if err == nil && res.LeaseLeases != nil {
			ids := res.LeaseLeases.IDs
			if len(ids) > maxLeaseRows {
				ids, more = ids[:maxLeaseRows], len(ids)-maxLeaseRows
			}
			for _, id := range ids {
				row := leaseRow{id: id}
				r, err := eng.Call(cctx, member, node.Op{LeaseTimeToLive: id, LeaseKeys: true})
				switch {
				case errors.Is(err, mvcc.ErrLeaseNotFound), err == nil && r.LeaseTimeToLive != nil && r.LeaseTimeToLive.TTL < 0:
					// Revoked between the list and this read (the
					// relist at a countdown's end races the leader's
					// revoke): the lease is gone, so is its row. Listed
					// with an error, it stayed, and no countdown was
					// left to list again.
					continue
				case err != nil:
					row.err = err.Error()
				case r.LeaseTimeToLive != nil:
					t := r.LeaseTimeToLive
					row.ttl, row.granted = t.TTL, t.GrantedTTL
					for _, k := range t.Keys {
						row.keys = append(row.keys, truncate(displayBytes(k), 60))
					}
				}
				rows = append(rows, row)
			}
		}
		ctx.Dispatch(func(ctx app.Context) {
			if seq != p.leases.seq {
				return
			}
			s := &p.leases
			s.busy, s.listed, s.member, s.at, s.more = false, true, member, p.view.now, more
			s.rows, s.err = rows, ""
			if err != nil {
				s.rows, s.err = nil, err.Error()
			}
			p.leaseRev++
		})
	})
}

// leasesAfterRefresh lists the leases again when a countdown reached zero
// (see leaseRelistTicks). UI goroutine, after each refresh is applied.
func (p *playground) leasesAfterRefresh(ctx app.Context) {
	s := &p.leases
	if !s.listed || s.err != "" || s.busy || s.autos >= maxAutoLists || p.view.now < s.at+leaseRelistTicks {
		return
	}
	for _, r := range s.rows {
		if r.err == "" && r.ticksLeft(s.at, p.view.now) == 0 {
			s.autos++
			p.readLeases(ctx)
			return
		}
	}
}

// leaseKey is the lease panel's key: its state, and the tick while a
// countdown runs.
func (p *playground) leaseKey() string {
	s := &p.leases
	key := fmt.Sprint(p.leaseRev, p.mvccMember(), len(p.view.members))
	if s.listed && len(s.rows) > 0 {
		key += fmt.Sprint("|", p.view.now)
	}
	return key
}

func (p *playground) renderLeasePanel() app.UI {
	s := p.leases
	member := p.mvccMember()
	status := ""
	switch {
	case s.busy:
		status = "reading…"
	case s.err != "":
		status = s.err
	case s.listed && len(s.rows) == 0:
		status = p.view.name(s.member) + " holds no lease. Grant one in the console: lease grant 30, then put a key with --lease=ID."
	case s.listed:
		status = fmt.Sprintf("%d lease(s) on %s", len(s.rows)+s.more, p.view.name(s.member))
	}
	return app.Section().Class("panel mvcc leases").Aria("labelledby", "leases-h").Body(
		app.H2().ID("leases-h").Text("MVCC: leases"),
		app.P().Class("muted").Text(fmt.Sprintf(
			"A lease's TTL counts down in ticks (%d ticks are one lease second). When it reaches zero the leader proposes a revoke through raft: every member deletes the attached keys at the same revision.",
			node.TicksPerSecond)),
		app.Div().Class("row").Body(
			app.Button().Type("button").DataSet("action", "lease-list").
				Text("List leases on "+p.view.name(member)).
				OnClick(func(ctx app.Context, e app.Event) { p.listLeases(ctx) }),
		),
		app.If(status != "", func() app.UI {
			if s.err != "" {
				return app.P().Class("lease-status error").DataSet("status", "error").Text(status)
			}
			return app.P().Class("lease-status").DataSet("status", "ok").Text(status)
		}),
		app.If(len(s.rows) > 0, func() app.UI {
			return app.Table().Class("kvs lease-rows").Body(
				app.Caption().Class("visually-hidden").Text("leases"),
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("lease"), app.Th().Scope("col").Text("granted"),
					app.Th().Scope("col").Text("left"), app.Th().Scope("col").Text("attached keys"),
				)),
				app.TBody().Body(app.Range(s.rows).Slice(func(i int) app.UI { return p.renderLeaseRow(s.rows[i]) })),
			)
		}),
		app.If(s.more > 0, func() app.UI {
			return app.P().Class("muted").Text(fmt.Sprintf("%d more lease(s) not shown", s.more))
		}),
	)
}

func (p *playground) renderLeaseRow(r leaseRow) app.UI {
	id := fmt.Sprintf("%016x", r.id)
	tr := app.Tr().Class("lease-row").DataSet("lease", id)
	if r.err != "" {
		return tr.Body(app.Td().Class("key").Text(id), app.Td().Class("error").ColSpan(3).Text(r.err))
	}
	s := p.leases
	ticks := r.ticksLeft(s.at, p.view.now)
	left := fmt.Sprintf("%d ticks (%d s)", ticks, (ticks+node.TicksPerSecond-1)/node.TicksPerSecond)
	if ticks == 0 {
		left = "expired: revoking through raft…"
	}
	keys := "none"
	if n := len(r.keys); n > 0 {
		shown := r.keys[:min(n, maxLeaseKeys)]
		keys = strings.Join(shown, ", ")
		if n > maxLeaseKeys {
			keys += fmt.Sprintf(" and %d more", n-maxLeaseKeys)
		}
	}
	return tr.DataSet("ttl", r.ttl).DataSet("ticks-left", ticks).DataSet("keys", len(r.keys)).Body(
		app.Td().Class("key").Text(id),
		app.Td().Text(fmt.Sprintf("%d s", r.granted)),
		app.Td().Class("count").Text(left),
		app.Td().Class("value").Text(keys),
	)
}
