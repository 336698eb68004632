package engine

import (
	"context"
	"errors"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Watches, as etcd's clientv3 Watch on one endpoint.
//
// A client asks a Watcher (app/engine/local's engine, or a Client's) to
// watch a member; the watch starts at the engine's next tick (it is an
// action, so a watch from "now" starts at the same revision in every replay)
// and delivers WatchResponses in revision order until it ends. It survives
// the member's restart and a raft snapshot replacing its store (the engine
// watches again from the first revision not delivered), and ends with:
// ErrWatchCanceled after Cancel; mvcc.ErrCompacted after etcd's compacted
// response (a start revision below the compacted one); ErrWatchOverflow if
// its client kept more than MaxClientWatchResponses unread; ErrDisconnected
// or ErrStopped when the engine went away.
//
// Over the protocol, an OpWatch request (Member, Watch) answers the watch's
// number (Response.N, the request's ID); each Update then carries the
// watches' new responses (Update.Watches, at most MaxUpdateWatchResponses
// in all: the rest wait in the engine, whose store holds them as etcd holds
// a slow watcher's) and the end of those that ended; OpWatchCancel (N)
// cancels one. A watch belongs to its connection: it ends with it.

// WatchRequest asks for the events of [Key, End) from StartRev (0: from
// the next revision), as etcd's WatchCreateRequest; End as in RangeRequest
// (nil: Key alone, "\x00": every key >= Key).
type WatchRequest struct {
	Key, End        []byte
	StartRev        int64
	PrevKV          bool
	ProgressNotify  bool
	NoPut, NoDelete bool
}

// WatchResponse is one response of a watch, as etcd's: the events of one or
// more whole revisions, in order; or, with no events, a progress
// notification at Revision; or the compacted response (Canceled, with
// CompactRevision), after which the watch ends with mvcc.ErrCompacted.
// Revision is the member's revision when the response was made.
type WatchResponse struct {
	Revision        int64
	Events          []mvcc.Event
	CompactRevision int64
	Canceled        bool
}

// Watcher is an Engine that can watch. app/engine/local's engines and a
// Client's implement it.
type Watcher interface {
	// Watch watches member (1..N). Errors at once: a bad member, a bad
	// range (mvcc.ErrEmptyWatcherRange), a negative StartRev
	// (mvcc.ErrCompacted); later ones end the stream.
	Watch(member uint64, req WatchRequest) (WatchStream, error)
}

// WatchStream is one running watch. Safe for concurrent use.
type WatchStream interface {
	// Next returns the responses that arrived since the last call,
	// waiting for at least one. Once the watch ended and every response
	// was returned, it returns why (see the top of this file); when ctx
	// ends first, ctx's error (the watch goes on).
	Next(ctx context.Context) ([]WatchResponse, error)
	// Cancel ends the watch. Cancelling twice is harmless.
	Cancel()
}

// WatchStater is a WatchStream that says where its watcher stands in its
// member's store: WatchSynced, WatchUnsynced or WatchVictim (etcd's
// watchableStore groups), WatchWaiting while the member is down, "" before
// it started or once it ended. app/engine/local's streams and a Client's
// implement it; a Client's is as of the latest update.
type WatchStater interface {
	State() string
}

// Watch states (WatchStater).
const (
	WatchSynced   = "synced"
	WatchUnsynced = "unsynced"
	WatchVictim   = "victim"
	WatchWaiting  = "waiting"
)

// WatchPoller is a WatchStream whose responses can be taken without
// waiting (app/engine/local's): the Server drains it into updates. Poll
// returns at most max responses (max > 0), and why the watch ended once it
// has and nothing is left.
type WatchPoller interface {
	Poll(max int) ([]WatchResponse, error)
}

// Bounds of the watch traffic: responses per update (all watches), and
// responses a Client keeps unread per watch before it ends the watch with
// ErrWatchOverflow.
const (
	MaxUpdateWatchResponses = 256
	MaxClientWatchResponses = 16384
)

var (
	// ErrWatchCanceled ends a watch its client cancelled.
	ErrWatchCanceled = errors.New("watch canceled")
	// ErrWatchOverflow ends a watch whose client did not read it.
	ErrWatchOverflow = errors.New("watch canceled: the client fell too far behind (watch again from the next revision)")
	// ErrNoWatch answers a watch on an engine that cannot watch.
	ErrNoWatch = errors.New("this engine cannot watch")
)

// WatchUpdate is watch ID's part of an Update: its new responses, Err
// once it ended (then it is gone), and State when it changed ("" when it
// did not).
type WatchUpdate struct {
	ID        uint64
	Responses []WatchResponse
	Err       error
	State     string
}
