package app

import (
	"context"
	"fmt"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// A key's history in the MVCC panel: engine.Historian's KeyHistory of the
// chosen key on the chosen member, newest first, at most
// engine.MaxKeyHistory revisions. It is read again when the member's
// revision (as the refresh shows it) moves, at most once per histEvery
// refreshes and never while a read is in flight, so a stress run costs a
// few reads a second, not one per frame.

const (
	histEvery     = 5                // refreshes between two reads of a moving history (~250 ms)
	histTimeout   = 10 * time.Second // a read that takes longer is reported as failed
	maxValueRunes = 80               // value text shown per row before it is cut
)

// loadHistory reads the chosen key's history on the chosen member. UI
// goroutine.
func (p *playground) loadHistory(ctx app.Context) {
	s := &p.mvcc
	if !s.keySet || p.eng == nil {
		return
	}
	h, ok := p.eng.(engine.Historian)
	if !ok {
		s.histErr = "this engine cannot read a key's history"
		p.mvccChanged()
		return
	}
	member, key := p.mvccMember(), s.key
	mv, _ := p.view.member(member)
	s.histSeq++
	seq := s.histSeq
	s.histBusy, s.histAsked, s.histOf, s.histAt = true, mv.Revision, member, int64(p.refreshes)
	p.mvccChanged()
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		cctx, cancel := context.WithTimeout(ctx, histTimeout)
		defer cancel()
		hist, err := h.KeyHistory(cctx, member, []byte(key), engine.MaxKeyHistory)
		ctx.Dispatch(func(ctx app.Context) {
			if seq != p.mvcc.histSeq {
				return // a newer read was asked (another key or member)
			}
			p.mvcc.histBusy = false
			p.mvcc.histKey = key
			if err != nil {
				p.mvcc.hist, p.mvcc.histErr = nil, err.Error()
			} else {
				p.mvcc.hist, p.mvcc.histErr = &hist, ""
			}
			p.mvccChanged()
		})
	})
}

// mvccAfterRefresh reads the history again when the chosen member's
// revision moved (or another member is chosen) since the last read. UI
// goroutine, after each refresh is applied (refresh.go).
func (p *playground) mvccAfterRefresh(ctx app.Context) {
	s := &p.mvcc
	if !s.keySet || s.histBusy || int64(p.refreshes)-s.histAt < histEvery {
		return
	}
	member := p.mvccMember()
	mv, _ := p.view.member(member)
	if member != s.histOf || mv.Revision != s.histAsked {
		p.loadHistory(ctx)
	}
}

func (p *playground) renderKeyHistory() app.UI {
	s := p.mvcc
	return app.Div().Class("key-history").Body(
		app.H3().ID("mvcc-hist-h").Text("A key's history"),
		app.Form().Class("row").OnSubmit(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			p.mvcc.key, p.mvcc.keySet = p.mvcc.keyInput, true
			p.loadHistory(ctx)
		}).Body(
			app.Span().Class("field-inline grow").Body(
				app.Label().For("mvcc-key").Text("key"),
				app.Input().ID("mvcc-key").Type("text").Value(s.keyInput).AutoComplete(false).Spellcheck(false).
					OnInput(func(ctx app.Context, e app.Event) { p.mvcc.keyInput = inputValue(ctx) }),
			),
			app.Button().Type("submit").DataSet("action", "mvcc-history").Text("Show history"),
		),
		p.renderHistoryBody(),
	)
}

func (p *playground) renderHistoryBody() app.UI {
	s := p.mvcc
	if !s.keySet {
		return app.P().Class("muted").Text("Enter a key to list every revision the member stores of it.")
	}
	if s.hist == nil {
		if s.histErr != "" {
			return app.P().Class("error history-status").DataSet("status", "error").Text(s.histErr)
		}
		return app.P().Class("muted history-status").DataSet("status", "pending").Text("reading…")
	}
	h := s.hist
	key := displayBytes([]byte(s.histKey))
	summary := fmt.Sprintf("%s on %s: %d stored revision(s); the member is at revision %d", key, p.view.name(h.Member), len(h.Revisions), h.Revision)
	if h.Compacted > 0 {
		summary += fmt.Sprintf(", compacted at %d (of what is older only the value live then is kept)", h.Compacted)
	}
	return app.Div().Class("history-result").DataSet("member", h.Member).DataSet("member-revision", h.Revision).Body(
		app.P().Class("history-status").DataSet("status", "ok").Text(summary),
		app.If(len(h.Revisions) == 0, func() app.UI {
			return app.P().Class("muted").Text("The member stores no revision of this key.")
		}),
		app.If(len(h.Revisions) > 0, func() app.UI {
			return app.Table().Class("kvs history").Body(
				app.Caption().Class("visually-hidden").Text("history of "+key+", newest first"),
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("revision"), app.Th().Scope("col").Text("create rev"),
					app.Th().Scope("col").Text("mod rev"), app.Th().Scope("col").Text("version"),
					app.Th().Scope("col").Text("value"),
				)),
				app.TBody().Body(app.Range(h.Revisions).Slice(func(i int) app.UI {
					r := h.Revisions[i]
					rev := fmt.Sprint(r.Revision)
					if r.Sub > 0 {
						rev = fmt.Sprintf("%d.%d", r.Revision, r.Sub)
					}
					row := app.Tr().Class("hist-row").DataSet("key", key).DataSet("revision", r.Revision).DataSet("tombstone", r.Tombstone)
					if r.Tombstone {
						return row.Class("tombstone").Body(
							app.Td().Text(rev), app.Td().Text("–"), app.Td().Text(fmt.Sprint(r.Revision)), app.Td().Text("–"),
							app.Td().Class("value deleted").Text("deleted (tombstone)"),
						)
					}
					return row.Body(
						app.Td().Text(rev), app.Td().Text(fmt.Sprint(r.CreateRevision)), app.Td().Text(fmt.Sprint(r.Revision)),
						app.Td().Text(fmt.Sprint(r.Version)), app.Td().Class("value").Text(showValue(r.Value, maxValueRunes)),
					)
				})),
			)
		}),
		app.If(h.More, func() app.UI {
			return app.P().Class("muted").Text(fmt.Sprintf("older revisions not shown (the newest %d are)", len(h.Revisions)))
		}),
	)
}
