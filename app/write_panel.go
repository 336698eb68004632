package app

import (
	"context"
	"fmt"

	"github.com/etcd-play/etcd-play/app/etcdctl"
	"github.com/etcd-play/etcd-play/node/mvcc"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The write panel: put, get and delete (optionally over a prefix) through the
// chosen client member, linearizable or serializable reads. Results list
// newest first; keys and values are shown as text (displayBytes).

type writeForm struct {
	key, value  string
	prefix      bool
	consistency string // "l" (linearizable) or "s" (serializable)
	seq         int    // last request number
	keyEnter    bool   // the last key pressed in the key field was Enter (the form's submission then follows)
	results     []writeResult
}

const (
	maxWriteResults = 6
	maxRows         = 50 // key rows shown per get
)

type writeResult struct {
	seq     int
	title   string // e.g. "get foo (prefix) via etcd-2"
	pending bool
	err     string
	summary string
	kvs     []*mvcc.KeyValue
}

func (p *playground) renderClientMember() app.UI {
	return app.Div().Class("row").Body(
		p.memberSelect("client-member", "client talks to", p.client, func(id uint64) { p.client = id }),
	)
}

// startWrite runs one write-panel request in the background and records its
// result. UI goroutine.
func (p *playground) startWrite(ctx app.Context, op string) {
	f := &p.write
	if p.eng == nil {
		return
	}
	if f.key == "" && !(f.prefix && op != "put") {
		f.results = prepend(f.results, writeResult{seq: f.seq + 1, title: op, err: "enter a key"})
		f.seq++
		return
	}
	key, end := []byte(f.key), []byte(nil)
	if f.prefix && op != "put" {
		end = etcdctl.PrefixEnd(key)
		if len(key) == 0 {
			key = []byte{0}
		}
	}
	value, serial, member := []byte(f.value), f.consistency == "s", p.client
	f.seq++
	seq := f.seq
	title := fmt.Sprintf("%s %s via %s", op, displayBytes([]byte(f.key)), p.view.name(member))
	if end != nil {
		title = fmt.Sprintf("%s prefix %s via %s", op, displayBytes([]byte(f.key)), p.view.name(member))
	}
	if op == "get" && serial {
		title += " (serializable)"
	}
	f.results = prepend(f.results, writeResult{seq: seq, title: title, pending: true})

	eng := p.eng
	ctx = p.lasting(ctx) // see lasting
	ctx.Async(func() {
		res := writeResult{seq: seq, title: title}
		cctx := context.Context(ctx)
		switch op {
		case "put":
			r, err := eng.Put(cctx, member, key, value)
			if err != nil {
				res.err = err.Error()
			} else {
				res.summary = fmt.Sprintf("OK at revision %d", r.Header.Revision)
			}
		case "get":
			r, err := eng.Get(cctx, member, mvcc.RangeRequest{Key: key, End: end}, serial)
			if err != nil {
				res.err = err.Error()
			} else {
				res.summary = fmt.Sprintf("%d key(s) at revision %d", r.Count, r.Header.Revision)
				res.kvs = r.KVs
			}
		case "delete":
			r, err := eng.Delete(cctx, member, mvcc.DeleteRangeRequest{Key: key, End: end})
			if err != nil {
				res.err = err.Error()
			} else {
				res.summary = fmt.Sprintf("deleted %d key(s) at revision %d", r.Deleted, r.Header.Revision)
			}
		}
		ctx.Dispatch(func(ctx app.Context) {
			p.writeRev++
			for i := range p.write.results {
				if p.write.results[i].seq == seq {
					p.write.results[i] = res
				}
			}
		})
	})
}

func prepend(rs []writeResult, r writeResult) []writeResult {
	rs = append([]writeResult{r}, rs...)
	if len(rs) > maxWriteResults {
		rs = rs[:maxWriteResults]
	}
	return rs
}

func (p *playground) renderWritePanel() app.UI {
	f := p.write
	return app.Section().Class("panel").Aria("labelledby", "write-h").Body(
		app.H2().ID("write-h").Text("Keys"),
		p.renderClientMember(),
		app.Form().Class("write-form").
			OnSubmit(func(ctx app.Context, e app.Event) {
				e.PreventDefault()
				// Enter in the key field with no value moves on to the
				// value field: a key typed and entered (as one would to
				// read it) is not overwritten by an empty value. The Put
				// button still puts an empty value.
				viaKey := p.write.keyEnter
				p.write.keyEnter = false
				if viaKey && p.write.value == "" {
					if v := app.Window().GetElementByID("write-value"); v.Truthy() {
						v.Call("focus")
					}
					return
				}
				p.startWrite(ctx, "put")
			}).
			Body(
				app.Div().Class("row").Body(
					app.Span().Class("field-inline grow").Body(
						app.Label().For("write-key").Text("key"),
						app.Input().ID("write-key").Type("text").Value(f.key).AutoComplete(false).Spellcheck(false).
							OnInput(func(ctx app.Context, e app.Event) { p.write.key = inputValue(ctx) }).
							OnKeyDown(func(ctx app.Context, e app.Event) { p.write.keyEnter = e.Get("key").String() == "Enter" }),
					),
					app.Span().Class("field-inline grow").Body(
						app.Label().For("write-value").Text("value"),
						app.Input().ID("write-value").Type("text").Value(f.value).AutoComplete(false).Spellcheck(false).
							OnInput(func(ctx app.Context, e app.Event) { p.write.value = inputValue(ctx) }),
					),
				),
				app.Div().Class("row").Body(
					app.Span().Class("field-inline").Body(
						app.Input().ID("write-prefix").Type("checkbox").Checked(f.prefix).
							OnChange(func(ctx app.Context, e app.Event) { p.write.prefix = checked(ctx) }),
						app.Label().For("write-prefix").Text("prefix (get, delete)"),
					),
					app.Span().Class("field-inline").Body(
						app.Label().For("write-consistency").Text("read"),
						app.Select().ID("write-consistency").
							OnChange(func(ctx app.Context, e app.Event) { p.write.consistency = inputValue(ctx) }).
							Body(
								app.Option().Value("l").Selected(f.consistency != "s").Text("linearizable"),
								app.Option().Value("s").Selected(f.consistency == "s").Text("serializable"),
							),
					),
				),
				app.Div().Class("row").Body(
					app.Button().Type("submit").DataSet("action", "put").Text("Put"),
					app.Button().Type("button").DataSet("action", "get").Text("Get").
						OnClick(func(ctx app.Context, e app.Event) { p.startWrite(ctx, "get") }),
					app.Button().Type("button").DataSet("action", "delete").Text("Delete").
						OnClick(func(ctx app.Context, e app.Event) { p.startWrite(ctx, "delete") }),
				),
			),
		app.If(len(f.results) > 0, func() app.UI {
			return app.P().Class("order").ID("write-results-l").Text("Results, newest first")
		}),
		app.Ol().Class("write-results").Aria("live", "polite").Aria("labelledby", "write-results-l").Body(
			app.Range(f.results).Slice(func(i int) app.UI { return renderWriteResult(f.results[i]) }),
		),
	)
}

func renderWriteResult(r writeResult) app.UI {
	status := "ok"
	switch {
	case r.pending:
		status = "pending"
	case r.err != "":
		status = "error"
	}
	return app.Li().Class("write-result "+status).DataSet("seq", r.seq).DataSet("status", status).Body(
		app.Div().Class("title").Text(r.title),
		app.If(r.pending, func() app.UI { return app.Div().Text("waiting for the cluster…") }),
		app.If(r.err != "", func() app.UI { return app.Div().Class("error").Text(r.err) }),
		app.If(r.summary != "", func() app.UI { return app.Div().Text(r.summary) }),
		app.If(len(r.kvs) > maxRows, func() app.UI {
			return app.Div().Class("muted").Text(fmt.Sprintf("showing the first %d of %d keys", maxRows, len(r.kvs)))
		}),
		app.If(len(r.kvs) > 0, func() app.UI {
			return app.Table().Class("kvs").Body(
				app.THead().Body(app.Tr().Body(
					app.Th().Scope("col").Text("key"), app.Th().Scope("col").Text("value"),
					app.Th().Scope("col").Text("mod rev"), app.Th().Scope("col").Text("version"),
				)),
				app.TBody().Body(app.Range(r.kvs[:min(len(r.kvs), maxRows)]).Slice(func(i int) app.UI {
					kv := r.kvs[i]
					return app.Tr().Class("kv").Body(
						app.Td().Class("key").Text(truncate(displayBytes(kv.Key), 200)),
						app.Td().Class("value").Text(truncate(displayBytes(kv.Value), 200)),
						app.Td().Text(fmt.Sprint(kv.ModRevision)),
						app.Td().Text(fmt.Sprint(kv.Version)),
					)
				})),
			)
		}),
	)
}
