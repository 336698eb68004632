package engine

import (
	"go.etcd.io/etcd/api/v3/mvccpb"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// The wire form of watches (watch.go): a WatchRequest in a Request, and
// the WatchUpdates of an Update. encodeRequest/encodeUpdate call these.

func writeWatchRequest(w *wbuf, q *WatchRequest) {
	w.bytes(q.Key)
	w.bytes(q.End)
	w.i(q.StartRev)
	w.bool(q.PrevKV)
	w.bool(q.ProgressNotify)
	w.bool(q.NoPut)
	w.bool(q.NoDelete)
}

func readWatchRequest(r *rbuf) WatchRequest {
	return WatchRequest{Key: r.bytes(), End: r.bytes(), StartRev: r.i(), PrevKV: r.bool(),
		ProgressNotify: r.bool(), NoPut: r.bool(), NoDelete: r.bool()}
}

func writeWatchUpdates(w *wbuf, ws []WatchUpdate) {
	w.u(uint64(len(ws)))
	for i := range ws {
		wu := &ws[i]
		w.u(wu.ID)
		w.u(uint64(len(wu.Responses)))
		for j := range wu.Responses {
			p := &wu.Responses[j]
			w.i(p.Revision)
			w.i(p.CompactRevision)
			w.bool(p.Canceled)
			w.u(uint64(len(p.Events)))
			for k := range p.Events {
				e := &p.Events[k]
				w.u(uint64(e.Type))
				writeKV(w, e.Kv)
				writeKV(w, e.PrevKv)
			}
		}
		writeError(w, wu.Err)
		w.str(wu.State)
	}
}

func readWatchUpdates(r *rbuf) []WatchUpdate {
	n := r.count(3)
	if n == 0 {
		return nil
	}
	ws := make([]WatchUpdate, n)
	for i := range ws {
		wu := &ws[i]
		wu.ID = r.u()
		if m := r.count(4); m > 0 {
			wu.Responses = make([]WatchResponse, m)
			for j := range wu.Responses {
				p := &wu.Responses[j]
				p.Revision, p.CompactRevision, p.Canceled = r.i(), r.i(), r.bool()
				if k := r.count(3); k > 0 {
					p.Events = make([]mvcc.Event, k)
					for l := range p.Events {
						e := &p.Events[l]
						e.Type = mvccpb.Event_EventType(r.u())
						e.Kv, e.PrevKv = readKV(r), readKV(r)
					}
				}
			}
		}
		wu.Err = readError(r)
		wu.State = r.str()
	}
	return ws
}
