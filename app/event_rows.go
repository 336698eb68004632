package app

import (
	"fmt"

	"github.com/etcd-play/etcd-play/app/engine"
)

// The event log's rows. go-app matches a list's children by position, so
// a log that lists the newest event first had every row rewritten by each
// update that brought a new event: under a stress, 120 rows of text every
// logEvery, the page's longest task (about 10 ms of Go, then a layout of
// every row). On the page (js builds, event_rows_js.go) the rows are
// therefore not go-app's: go-app draws the list empty, and logRows inserts
// a new event's row at the top and removes the rows that left the window,
// leaving the others as they are. Natively (tests) go-app draws them
// (event_rows_other.go). Either way a row shows what logRow returns.

// logRowsID is the id of the log's list (on the page go-app draws it
// empty, for logRows).
const logRowsID = "event-rows"

// logRowView is what one row of the log shows.
type logRowView struct {
	Class, Kind, When, What string
}

// logRow returns the row of event ev.
func (p *playground) logRow(ev engine.EventView) logRowView {
	who := ""
	if ev.Member != 0 {
		who = p.view.name(ev.Member) + " · "
	}
	cls := "ev kind-" + ev.Kind
	if ev.Kind == "client" && !ev.OK {
		cls += " failed"
	}
	return logRowView{Class: cls, Kind: ev.Kind, When: fmt.Sprintf("tick %d", ev.Tick), What: who + ev.Text}
}

// logRowsKey says which rows the log shows: logRows redraws them when it
// changes. gen counts the times the page's events started over (a rewind
// of the timeline), which reuses sequence numbers.
type logRowsKey struct {
	gen, last  uint64
	kind, text string
}

func (p *playground) logRowsKey() logRowsKey {
	k := logRowsKey{gen: p.eventsGen, kind: p.logKind, text: p.logText}
	if n := len(p.events); n > 0 {
		k.last = p.events[n-1].Seq
	}
	return k
}

// rowEdit is one step of turning the rows shown into the rows wanted:
// insert the row of seq at index at, or (remove) remove the row at index
// at, which shows seq. Indexes count the rows as they are when the edit
// runs.
type rowEdit struct {
	remove bool
	at     int
	seq    uint64
}

// diffRows returns the edits that turn the rows shown into the rows
// wanted, both listed newest first (sequence numbers strictly
// decreasing): removals of the rows not wanted and insertions of the rows
// not shown, in the order to apply them. A row in both stays.
func diffRows(shown, want []uint64) []rowEdit {
	var edits []rowEdit
	i, j, at := 0, 0, 0
	for j < len(want) {
		switch {
		case i < len(shown) && shown[i] == want[j]:
			i, j, at = i+1, j+1, at+1
		case i < len(shown) && shown[i] > want[j]:
			edits = append(edits, rowEdit{remove: true, at: at, seq: shown[i]})
			i++
		default:
			edits = append(edits, rowEdit{at: at, seq: want[j]})
			j, at = j+1, at+1
		}
	}
	for ; i < len(shown); i++ {
		edits = append(edits, rowEdit{remove: true, at: at, seq: shown[i]})
	}
	return edits
}
