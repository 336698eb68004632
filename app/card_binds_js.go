package app

import (
	"strconv"
	"strings"
	"syscall/js"
)

// On the page the cards' values are written here between two draws of
// their shape by go-app (card_binds.go).
const domBinds = true

// cardBinder writes the cards' binds into the page. The refresh loop's
// own (startRefresh): refresh goroutine only.
type cardBinder struct {
	shape string                         // the cards' shape the elements were found for (their panel's key as drawn)
	els   map[uint64]map[string]js.Value // member -> data-bind -> element ("card": the card)
	texts map[uint64]map[string]js.Value // member -> data-bind -> the element's only child, a text node
	last  map[uint64]map[[2]string]string
	// ahead: between wrote a view polled after the refresh's, which the
	// cards show rather than the refresh's own (they never go back).
	ahead bool
}

// polled is called when the refresh loop polled a new view.
func (b *cardBinder) polled() { b.ahead = false }

// drawn is called after each frame of a refresh, with the cards' shape
// go-app drew in it and the view it drew: it writes what differs from
// what the cards show, unless they show a newer view already (ahead).
// After a redraw of the shape it finds the elements again and writes
// every value of v: go-app drew the values it knew (v's), and may have
// left alone one the binder had changed since.
func (b *cardBinder) drawn(shape string, v *liveView) {
	if shape != b.shape || b.els == nil {
		if !b.find() {
			return
		}
		b.shape = shape
	} else if b.ahead {
		return
	}
	b.write(v)
}

// between writes view v's values while the refresh loop waits for
// go-app's frame, so that the cards follow the cluster at the polling
// rate rather than go-app's: only if the cards drawn have v's shape (else
// go-app draws the new shape first).
func (b *cardBinder) between(v *liveView) {
	if b.els == nil {
		return
	}
	var sb strings.Builder
	cardsShapeKey(&sb, v)
	if sb.String() != b.shape {
		return
	}
	b.write(v)
	b.ahead = true
}

// write writes the values of view v that differ from what the cards
// show.
func (b *cardBinder) write(v *liveView) {
	for _, m := range v.members {
		els := b.els[m.ID]
		if els == nil {
			continue
		}
		last := b.last[m.ID]
		if last == nil {
			last = make(map[[2]string]string)
			b.last[m.ID] = last
		}
		for _, x := range cardBinds(v, m) {
			k := [2]string{x.el, x.attr}
			if v, ok := last[k]; ok && v == x.value {
				continue
			}
			el, ok := els[x.el]
			if !ok {
				continue
			}
			switch {
			case x.attr == "":
				// The value of the text node go-app drew: cheaper to
				// change than the element's text (which replaces the
				// node), and go-app keeps writing the node it knows.
				if tn, ok := b.texts[m.ID][x.el]; ok {
					tn.Set("nodeValue", x.value)
				} else {
					el.Set("textContent", x.value)
				}
			case x.attr[0] == '.':
				el.Set(x.attr[1:], x.value)
			default:
				el.Call("setAttribute", x.attr, x.value)
			}
			last[k] = x.value
		}
	}
}

// find finds the cards' bound elements; false if the cards are not in the
// page.
func (b *cardBinder) find() bool {
	*b = cardBinder{}
	cards := js.Global().Get("document").Call("querySelectorAll", ".cards .card[data-member]")
	n := cards.Length()
	if n == 0 {
		return false
	}
	b.els = make(map[uint64]map[string]js.Value, n)
	b.last = make(map[uint64]map[[2]string]string, n)
	b.texts = make(map[uint64]map[string]js.Value, n)
	for i := range n {
		card := cards.Index(i)
		id, err := strconv.ParseUint(card.Get("dataset").Get("member").String(), 10, 64)
		if err != nil {
			continue
		}
		els := map[string]js.Value{"card": card}
		bound := card.Call("querySelectorAll", "[data-bind]")
		for j := range bound.Length() {
			el := bound.Index(j)
			els[el.Get("dataset").Get("bind").String()] = el
		}
		b.els[id] = els
		texts := make(map[string]js.Value)
		for bind, el := range els {
			if fc := el.Get("firstChild"); !fc.IsNull() && fc.Get("nodeType").Int() == 3 && fc.Get("nextSibling").IsNull() {
				texts[bind] = fc
			}
		}
		b.texts[id] = texts
	}
	return true
}
