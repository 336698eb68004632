//go:build !js

package mvcc

import (
	"fmt"
	"slices"
)

// ourSystem is the store under test, seen as a system. Its watch half
// (below) delivers what the store sends and checks the one property of our
// responses that etcd's grouping cannot show: a response holds whole
// revisions, in order.
type ourSystem struct {
	*Store
	streams  []*WatchStream
	watchers map[int]*ourWatcher     // by driver watcher number
	byID     []map[int64]*ourWatcher // per stream, by our watch ID
	problems []string                // responses no watcher can own
}

type ourWatcher struct {
	ws      *WatchStream
	id      int64
	records []string
	lastRev int64 // revision of the last event delivered
}

func newOurSystem() *ourSystem {
	return &ourSystem{Store: New(), watchers: make(map[int]*ourWatcher)}
}

func (o *ourSystem) Stats() (rev, compactRev int64, keys int) {
	st := o.Store.Stats()
	return st.Rev, st.CompactRev, st.Keys
}

func (o *ourSystem) StoredRevisions() int { return o.Store.Stats().Revisions }

func (o *ourSystem) Close() { o.CloseStreams() }

func (o *ourSystem) CloseStreams() {
	for _, ws := range o.streams {
		ws.Close()
	}
	o.streams, o.byID = nil, nil
}

// restored returns a system running a store restored from this one's
// snapshot, with this one's watch records and no streams.
func (o *ourSystem) restored() (system, error) {
	b, err := o.Store.Snapshot()
	if err != nil {
		return nil, fmt.Errorf("Snapshot: %w", err)
	}
	s, err := Restore(b)
	if err != nil {
		return nil, fmt.Errorf("Restore: %w", err)
	}
	return &ourSystem{Store: s, watchers: o.watchers}, nil
}

func (o *ourSystem) NewStream(stream, buf int) {
	if stream != len(o.streams) {
		panic("streams must be opened in order")
	}
	o.streams = append(o.streams, o.Store.NewWatchStream(buf))
	o.byID = append(o.byID, make(map[int64]*ourWatcher))
}

func (o *ourSystem) Watch(stream, w int, r WatchRequest) error {
	id, err := o.streams[stream].Watch(r)
	if err != nil {
		return err
	}
	ow := &ourWatcher{ws: o.streams[stream], id: id}
	o.watchers[w] = ow
	o.byID[stream][id] = ow
	return nil
}

func (o *ourSystem) Cancel(w int) error {
	ow := o.watchers[w]
	if ow == nil {
		return ErrWatcherNotExist
	}
	return ow.ws.Cancel(ow.id)
}

// drainRounds bounds Drain: SyncWatchers must finish within this many calls.
const drainRounds = 100_000

// Drain calls SyncWatchers, emptying every channel between calls, until the
// store reports no more work and nothing more arrives.
func (o *ourSystem) Drain() error {
	for round := 0; ; round++ {
		got := o.collect()
		more := o.Store.SyncWatchers()
		got += o.collect()
		if !more && got == 0 {
			break
		}
		if round == drainRounds {
			return fmt.Errorf("SyncWatchers still reports work after %d calls", drainRounds)
		}
	}
	if len(o.problems) > 0 {
		return fmt.Errorf("%s", o.problems[0])
	}
	return nil
}

// collect records every response waiting in the channels and returns how
// many there were.
func (o *ourSystem) collect() int {
	n := 0
	for stream, ws := range o.streams {
		for more := true; more; {
			select {
			case resp, ok := <-ws.Chan():
				if !ok {
					o.problems = append(o.problems, fmt.Sprintf("stream %d: channel closed", stream))
					more = false
					break
				}
				n++
				o.record(stream, resp)
			default:
				more = false
			}
		}
	}
	return n
}

func (o *ourSystem) record(stream int, resp WatchResponse) {
	w := o.byID[stream][resp.WatchID]
	if w == nil {
		o.problems = append(o.problems, fmt.Sprintf("stream %d: response for unknown watch ID %d", stream, resp.WatchID))
		return
	}
	if resp.CompactRevision != 0 {
		w.records = append(w.records, compactedRecord(resp.CompactRevision, resp.Canceled))
		if len(resp.Events) > 0 {
			w.records = append(w.records, fmt.Sprintf("contract: compacted response carries %d events", len(resp.Events)))
		}
		return
	}
	if len(resp.Events) == 0 {
		w.records = append(w.records, fmt.Sprintf("contract: empty response (revision %d, canceled=%v)", resp.Revision, resp.Canceled))
		return
	}
	if first := resp.Events[0].Kv.ModRevision; first <= w.lastRev {
		w.records = append(w.records, fmt.Sprintf("contract: response starts at revision %d, after one that ended at %d", first, w.lastRev))
	}
	for i, ev := range resp.Events {
		if i > 0 && ev.Kv.ModRevision < resp.Events[i-1].Kv.ModRevision {
			w.records = append(w.records, fmt.Sprintf("contract: revision %d after %d in one response", ev.Kv.ModRevision, resp.Events[i-1].Kv.ModRevision))
		}
		w.records = append(w.records, eventRecord(ev, ev.PrevKv))
	}
	w.lastRev = resp.Events[len(resp.Events)-1].Kv.ModRevision
	if resp.Revision < w.lastRev {
		w.records = append(w.records, fmt.Sprintf("contract: response revision %d before its last event's %d", resp.Revision, w.lastRev))
	}
}

func (o *ourSystem) Records(w int) []string {
	if ow := o.watchers[w]; ow != nil {
		return slices.Clone(ow.records)
	}
	return nil
}
