package app

import (
	"strconv"
	"syscall/js"
)

// On the page the cards' values are written here between two draws of
// their shape by go-app (card_binds.go).
const domBinds = true

// cardBinder is what the page's cards show of their binds, and where.
// UI goroutine.
type cardBinder struct {
	shape string                         // the cards panel's key when the elements were found
	els   map[uint64]map[string]js.Value // member -> data-bind -> element ("card": the card)
	texts map[uint64]map[string]js.Value // member -> data-bind -> the element's only child, a text node
	last  map[uint64]map[[2]string]string
	wrote uint64 // the page's refreshes when it last wrote (p.view changes only with a refresh)
}

// syncCards writes into the cards the values of the page's view that
// differ from what they show: called after each refresh's frames (go-app's
// Defer, once the cards are drawn). After go-app drew the cards' shape
// anew (their panel's key changed) it finds their elements again and
// writes every value: go-app drew the values it knew, and may have left
// alone one that the binder had changed since. A refresh's second frame
// shows the view its first one did: with the shape unchanged there is
// nothing to write. UI goroutine.
func (p *playground) syncCards() {
	b := &p.cardBinder
	if shape, ok := p.drawnKeys[panelCards]; !ok || shape != b.shape || b.els == nil {
		if !b.find() {
			return
		}
		b.shape = shape
	} else if b.wrote == p.refreshes {
		return
	}
	b.wrote = p.refreshes
	for _, m := range p.view.members {
		els := b.els[m.ID]
		if els == nil {
			continue
		}
		last := b.last[m.ID]
		if last == nil {
			last = make(map[[2]string]string)
			b.last[m.ID] = last
		}
		for _, x := range p.cardBinds(m) {
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
