package app

import (
	"slices"
	"syscall/js"
)

// On the page the event log's rows are written here, not by go-app
// (event_rows.go).
const domLogRows = true

// logRows is the event log's rows as written into the page. UI goroutine.
type logRows struct {
	list  js.Value   // the list element they are in; undefined before the first sync
	key   logRowsKey // what they show
	seqs  []uint64   // their events, newest first
	elems []js.Value // their elements, in the same order
}

// syncLogRows brings the log's rows up to date with the page's events and
// filters: called after every refresh's frames and after a filter changed
// (go-app's Defer, once the list is in the page). It costs a lookup of the
// list while nothing changed. UI goroutine.
func (p *playground) syncLogRows() {
	doc := js.Global().Get("document")
	list := doc.Call("getElementById", logRowsID)
	r := &p.logRows
	if list.IsNull() {
		*r = logRows{} // not drawn yet, or gone: start over when it is back
		return
	}
	key := p.logRowsKey()
	fresh := r.list.IsUndefined() || !r.list.Equal(list) || r.key.gen != key.gen
	if !fresh && r.key == key {
		return
	}
	if fresh {
		// A list go-app drew anew, or events that started over (their
		// sequence numbers restart): every row is written again.
		list.Set("textContent", "")
		*r = logRows{list: list}
	}
	r.key = key
	rows := p.logRowsShown() // oldest first
	want := make([]uint64, len(rows))
	for i := range rows {
		want[i] = rows[len(rows)-1-i].Seq
	}
	bySeq := make(map[uint64]int, len(rows))
	for i, ev := range rows {
		bySeq[ev.Seq] = i
	}
	for _, e := range diffRows(r.seqs, want) {
		if e.remove {
			list.Call("removeChild", r.elems[e.at])
			r.seqs = slices.Delete(r.seqs, e.at, e.at+1)
			r.elems = slices.Delete(r.elems, e.at, e.at+1)
			continue
		}
		el := newLogRowElement(doc, p.logRow(rows[bySeq[e.seq]]))
		before := js.Null()
		if e.at < len(r.elems) {
			before = r.elems[e.at]
		}
		list.Call("insertBefore", el, before)
		r.seqs = slices.Insert(r.seqs, e.at, e.seq)
		r.elems = slices.Insert(r.elems, e.at, el)
	}
}

// newLogRowElement returns the element of one row: what go-app draws
// natively (renderEventLog), the same classes and data-kind.
func newLogRowElement(doc js.Value, v logRowView) js.Value {
	li := doc.Call("createElement", "li")
	li.Set("className", v.Class)
	li.Call("setAttribute", "data-kind", v.Kind)
	for _, part := range [2][2]string{{"when", v.When}, {"what", v.What}} {
		span := doc.Call("createElement", "span")
		span.Set("className", part[0])
		span.Set("textContent", part[1])
		li.Call("appendChild", span)
	}
	return li
}
