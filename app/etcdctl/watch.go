package etcdctl

import (
	"errors"
	"fmt"

	"go.etcd.io/etcd/api/v3/mvccpb"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// watch: etcdctl watch [key or prefix] [range_end] [--prefix] [--rev=N]
// [--prev-kv] [--progress-notify], streaming each event as etcdctl prints
// it until the console stops the command (Ctrl-C or its Stop button: ctx
// ends, and the command returns nil as etcdctl exits on SIGINT). A watch
// whose start revision was compacted prints etcdctl's cancel line and
// fails as etcdctl does. Several console entries may watch at once; each
// is its own engine watch (engine.Watcher), on the member the console
// talks to or the one --endpoints names, resumed by the engine across
// that member's restart.
//
// Not run: interactive watch (-i) and an exec-command after "--" (etcdctl
// runs a program per event; the console has none).

// watchArgs reads a watch's key and range end.
func (c *command) watchArgs(args []string, prefix bool) error {
	for i, a := range args {
		if a == "--" {
			if i+1 < len(args) {
				return errors.New("the console cannot run an exec-command per event (no programs to run here)")
			}
			args = args[:i]
			break
		}
	}
	switch {
	case len(args) == 0:
		return errors.New("bad number of arguments")
	case len(args) > 2:
		return errors.New("bad number of arguments")
	case prefix && len(args) == 2:
		return errors.New("unexpected argument(s) after the key with --prefix")
	}
	c.key = []byte(args[0])
	switch {
	case len(args) == 2:
		c.end = []byte(args[1])
	case prefix:
		c.end = PrefixEnd(c.key)
	}
	if len(c.key) == 0 && c.end != nil {
		c.key = []byte{0} // as etcd's client: an empty key with a range starts at the first key
	}
	return nil
}

func (r *cmdRun) watch() error {
	c := r.c
	w, ok := r.eng.(engine.Watcher)
	if !ok {
		return errors.New("this cluster cannot watch")
	}
	s, err := w.Watch(r.member, engine.WatchRequest{Key: c.key, End: c.end, StartRev: c.rev,
		PrevKV: c.prevKV, ProgressNotify: c.progress})
	if err != nil {
		return err
	}
	defer s.Cancel()
	for {
		rs, err := s.Next(r.ctx)
		for _, resp := range rs {
			if resp.Canceled {
				r.eprintf("watch was canceled (etcdserver: %v)", mvcc.ErrCompacted)
				if c.write == "json" {
					r.printWatchJSON(resp)
				}
				return errors.New("watch is canceled by the server")
			}
			if len(resp.Events) == 0 {
				r.println(fmt.Sprintf("progress notify: %d", resp.Revision))
			}
			r.printWatch(resp)
		}
		if err != nil {
			if r.ctx.Err() != nil {
				return nil // stopped (Ctrl-C)
			}
			return err
		}
	}
}

// printWatch prints one response as etcdctl's printer for c.write does.
func (r *cmdRun) printWatch(resp engine.WatchResponse) {
	if r.c.write == "json" {
		r.printWatchJSON(resp)
		return
	}
	for _, e := range resp.Events {
		r.println(e.Type.String())
		if e.PrevKv != nil {
			r.printKV(e.PrevKv)
		}
		r.printKV(e.Kv)
	}
}

// jsonEvent is mvccpb.Event as encoding/json writes it (type omitted when
// PUT, the zero value).
type jsonEvent struct {
	Type   mvccpb.Event_EventType `json:"type,omitempty"`
	Kv     *jsonKV                `json:"kv,omitempty"`
	PrevKv *jsonKV                `json:"prev_kv,omitempty"`
}

// printWatchJSON prints a response as etcdctl -w json does: clientv3's
// WatchResponse through encoding/json (its own fields untagged).
func (r *cmdRun) printWatchJSON(resp engine.WatchResponse) {
	var term uint64
	for _, m := range r.eng.Status() {
		if m.ID == r.member {
			term = m.Term
		}
	}
	h := r.header(mvcc.ResponseHeader{MemberID: r.member, Revision: resp.Revision, RaftTerm: term})
	evs := make([]jsonEvent, len(resp.Events))
	for i, e := range resp.Events {
		evs[i] = jsonEvent{Type: e.Type, Kv: toJSONKV(e.Kv), PrevKv: toJSONKV(e.PrevKv)}
	}
	r.printJSON(struct {
		Header          jsonHeader
		Events          []jsonEvent
		CompactRevision int64
		Canceled        bool
		Created         bool
	}{h, evs, resp.CompactRevision, resp.Canceled, false})
}
