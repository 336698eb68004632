package app

import (
	"context"
	"fmt"
	"time"

	"github.com/etcd-play/etcd-play/node/mvcc"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Stale reads made visible: "Read on every member" gets the history's key
// from every member twice, serializably (the member's own store, no raft
// round: a member cut off from the leader answers what it last applied) and
// linearizably (ReadIndex through the leader: a member without a quorum
// fails with etcd's error), side by side. A serializable answer from a
// revision below the highest any member answered is marked stale, with how
// far behind it is.

// readTimeout bounds one read; the cluster answers sooner (its request
// timeout) unless the engine is gone.
const readTimeout = 30 * time.Second

type mvccReads struct {
	key  string // the key read
	seq  int    // rounds started; answers of an older round are dropped
	rows []memberRead
}

// memberRead is one member's two answers.
type memberRead struct {
	member uint64
	s, l   readAnswer // serializable, linearizable
}

type readAnswer struct {
	pending bool
	err     string
	found   bool
	value   string // as shown (showValue)
	mod     int64  // the key's mod revision
	rev     int64  // the revision the member answered at (the header's)
}

// readAll starts a round of reads of the key field's key on every member.
// UI goroutine.
func (p *playground) readAll(ctx app.Context) {
	r := &p.mvcc.reads
	if p.unavailable("read on every member") {
		return
	}
	r.seq++
	r.key = p.mvcc.keyInput
	r.rows = r.rows[:0]
	seq, key, eng := r.seq, []byte(r.key), p.eng
	for _, m := range p.view.members {
		r.rows = append(r.rows, memberRead{member: m.ID, s: readAnswer{pending: true}, l: readAnswer{pending: true}})
	}
	p.mvccChanged()
	ctx = p.lasting(ctx) // see lasting
	for i, row := range r.rows {
		for _, serial := range []bool{true, false} {
			ctx.Async(func() {
				cctx, cancel := context.WithTimeout(ctx, readTimeout)
				defer cancel()
				resp, err := eng.Get(cctx, row.member, mvcc.RangeRequest{Key: key}, serial)
				a := answerOf(resp, err)
				ctx.Dispatch(func(ctx app.Context) {
					if seq != p.mvcc.reads.seq {
						return
					}
					if serial {
						p.mvcc.reads.rows[i].s = a
					} else {
						p.mvcc.reads.rows[i].l = a
					}
					p.mvccChanged()
				})
			})
		}
	}
}

func answerOf(resp *mvcc.RangeResponse, err error) readAnswer {
	if err != nil {
		return readAnswer{err: err.Error()}
	}
	a := readAnswer{rev: resp.Header.Revision}
	if len(resp.KVs) > 0 {
		kv := resp.KVs[0]
		a.found, a.value, a.mod = true, showValue(kv.Value, 40), kv.ModRevision
	}
	return a
}

// newestAnswer is the highest revision any member answered at.
func newestAnswer(rows []memberRead) int64 {
	var top int64
	for _, r := range rows {
		for _, a := range []readAnswer{r.s, r.l} {
			if !a.pending && a.err == "" {
				top = max(top, a.rev)
			}
		}
	}
	return top
}

func (p *playground) renderMemberReads() app.UI {
	r := p.mvcc.reads
	top := newestAnswer(r.rows)
	return app.Div().Class("member-reads").Body(
		app.H3().ID("mvcc-reads-h").Text("Stale reads"),
		app.Div().Class("row").Body(
			app.Button().Type("button").DataSet("action", "read-all").Text("Read on every member").
				OnClick(func(ctx app.Context, e app.Event) { p.readAll(ctx) }),
			app.Span().Class("muted").Text("the key above, serializable and linearizable side by side"),
		),
		app.If(len(r.rows) > 0, func() app.UI {
			key := displayBytes([]byte(r.key))
			return app.Table().Class("kvs reads").DataSet("key", key).Body(
				app.Caption().Class("visually-hidden").Text("reads of "+key+" on every member"),
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("member"),
					app.Th().Scope("col").Text("serializable (its own store)"),
					app.Th().Scope("col").Text("linearizable (through the leader)"),
				)),
				app.TBody().Body(app.Range(r.rows).Slice(func(i int) app.UI {
					row := r.rows[i]
					return app.Tr().Class("read-row").DataSet("member", row.member).Body(
						app.Th().Scope("row").Text(p.view.name(row.member)),
						renderAnswer("serializable", row.s, top),
						renderAnswer("linearizable", row.l, top),
					)
				})),
			)
		}),
	)
}

func renderAnswer(consistency string, a readAnswer, top int64) app.UI {
	td := app.Td().Class("read "+consistency).DataSet("consistency", consistency)
	switch {
	case a.pending:
		return td.DataSet("status", "pending").Text("waiting…")
	case a.err != "":
		return td.Class("error").DataSet("status", "error").Text(a.err)
	}
	text := "no such key"
	if a.found {
		text = fmt.Sprintf("%s (mod revision %d)", a.value, a.mod)
	}
	text += fmt.Sprintf(", as of revision %d", a.rev)
	stale := a.rev < top
	if stale {
		text += fmt.Sprintf(": stale, %d revision(s) behind", top-a.rev)
	}
	return td.DataSet("status", "ok").DataSet("revision", a.rev).DataSet("stale", stale).DataSet("value", a.value).DataSet("found", a.found).Text(text)
}
