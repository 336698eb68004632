package engine

import (
	"time"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// The protocol's messages. A frame is one kind byte and its message:
//
//	client -> server: Hello, then Requests and Acks
//	server -> client: Welcome (the answer to Hello), Responses, Updates
//
// Requests are answered by a Response with the same ID, in any order.
// Updates are pushed: the server sends one, then no other until the client
// Acks it (the client Acks when the page has read it, so at most one
// update per page frame is built and none queue up). An Update carries the
// whole status, the links that changed and the events that are new since
// the previous one.

type kind byte

const (
	kindHello kind = 1 + iota
	kindWelcome
	kindRequest
	kindResponse
	kindUpdate
	kindAck
)

// hello opens a connection: the client's protocol version and build.
type hello struct {
	Protocol int
	Build    string
}

// welcome answers hello. Refused is set (and says why) when the server
// will not talk to this client.
type welcome struct {
	Hello
	Refused string
}

// Hello is what the handshake tells a client about its engine.
type Hello struct {
	Protocol int    // the engine's protocol version
	Kind     string // "worker" or "native"
	Build    string // the engine's build version
}

// Op names a request.
type Op byte

const (
	OpStart Op = 1 + iota
	OpKill
	OpRestart
	OpKillAll
	OpRestartAll
	OpPartition
	OpIsolate
	OpCut
	OpHealLink
	OpHealAll
	OpSetDrop
	OpSetDelay
	OpTransfer
	OpPut
	OpGet
	OpDelete
	OpCompact
	OpStress
	OpStressStop
	OpPlay
	OpPause
	OpStep
	OpSetSpeed
	OpKillPowerLoss
	OpKillAllPowerLoss
	OpWipe
	OpResetAll
	OpResetStored
	OpCancel       // cancels request N's context
	OpWatch        // Member, Watch: answers the watch's number in N (watch.go)
	OpWatchCancel  // N: the watch to cancel
	OpKeyHistory   // Member, Key, N: the limit (keyhistory.go)
	OpCall         // Call: any client request (Request.Call), answered in Response.Result
	OpSetSettings  // Settings (settings.go)
	OpSetDuplicate // From, To, P
	OpSetReorder   // From, To, N: the window in ticks
	OpFlakyNetwork
	OpShowMessages // N: the messages in flight each update carries, at most (0: none; inflight.go)
	OpDropMessage  // N: the ID of the message in flight to drop
	OpLogPage      // Member, LogFrom, LogCount (logpage.go)
	OpSeek         // N: the tick to show (timeline.go)
	OpSwitchBranch // N: the branch to go to
	OpExportHistory
	OpShareLink
	OpLoadHistory  // Value: a history file, or a link's text when N is 1
	OpCheckHistory // check the client history (lincheck.go); Response.Verdict answers
	opEnd          // one past the last
)

// Request is one call. Each Op reads the fields it needs (the others are
// zero): Member for the member-addressed ops and client calls, From/To for
// links, Groups for Partition, P for SetDrop's and SetDuplicate's
// probability and SetSpeed's rate, N for SetDelay's ticks, SetReorder's
// window, Compact's revision, a stress run's number and the request Cancel
// cancels.
type Request struct {
	ID               uint64
	Op               Op
	Member, From, To uint64
	Groups           [][]uint64
	P                float64
	N                int64
	Key, Value       []byte
	Range            mvcc.RangeRequest
	Delete           mvcc.DeleteRangeRequest
	Serializable     bool
	Stress           StressConfig
	Start            StartRequest
	Name             string // ResetStored's database
	Watch            WatchRequest

	Call     node.Op  // OpCall's request
	Settings Settings // SetSettings
	// LogPage: Member's log from index LogFrom (0: the newest LogCount
	// entries), LogCount entries (0..MaxLogPage).
	LogFrom  uint64
	LogCount int
}

// Response answers the Request with the same ID. Err is nil on success.
type Response struct {
	ID      uint64
	Err     error
	Put     *mvcc.PutResponse
	Range   *mvcc.RangeResponse
	Delete  *mvcc.DeleteRangeResponse
	Compact *mvcc.CompactResponse
	N       uint64          // Stress: the run's number
	Started *Started        // Start
	History *KeyHistory     // KeyHistory
	Result  *node.Result    // OpCall
	LogPage *LogPageView    // LogPage
	Verdict *LinVerdictView // CheckHistory
	Data    []byte          // ExportHistory, ShareLink
}

// Started answers Start: what the client needs to know about the engine
// it got.
type Started struct {
	Members   []uint64
	Speed     float64
	Storage   bool // the engine has storage controls (Storage)
	Stoppable bool // another tab can stop it (Stoppable)
}

// Update is the engine's state as the page shows it, pushed by the server.
type Update struct {
	Now     uint64
	Paused  bool
	Applied uint64 // the highest request ID the server handled before taking this update
	Members []MemberView
	// Links holds the links that changed since the previous update
	// (every link in the first one).
	Links []LinkView
	// Events are the events new since the previous update, oldest first,
	// at most MaxUpdateEvents; EventsDropped counts the older new ones
	// left out (the page had fallen behind).
	Events        []EventView
	EventsDropped uint64
	Stress        []StressUpdate // runs whose progress changed
	Storage       StorageView    // zero for an engine without storage (Started.Storage says which)
	Stopped       bool
	Watches       []WatchUpdate // the watches' new responses and ends (watch.go)
	// Settings are the settings in force (zero for an engine that is not
	// Settable); Restarting the members still to restart to take them
	// (Settable.RestartsPending). Each member's CompactedIndex travels
	// at the end of the update too.
	Settings   Settings
	Restarting []uint64
	// Messages are the raft messages in flight, oldest first, only while
	// the client asks for them (OpShowMessages), at most what it asked;
	// MessagesTotal counts them all (inflight.go).
	Messages      []MessageView
	MessagesTotal int
	// Timeline is the run's history (a Timeliner's; zero otherwise).
	// EventsReset: the cluster was replaced by another point of its
	// history since the previous update (Timeline.Rewinds changed), so
	// Events holds the newest events of the cluster now shown (Seqs
	// start over) and the client drops the ones it kept.
	Timeline    TimelineView
	EventsReset bool
	// Verdict is the latest linearizability check's, when it changed
	// since the previous update (nil: no change; lincheck.go).
	Verdict *LinVerdictView
	// Speed is the driver's tick rate, ticks per second (a
	// SpeedReporter's; 0 for an engine that does not report it).
	Speed float64
}

// UpdateWindow is how many updates the engine sends ahead of the page's
// acknowledgements: the page acknowledges each update when it reads its
// view (once per refresh), and the engine then sends the next. With two,
// one is taken while the page draws, so a refresh finds an update taken
// since the last one more often. Updates that arrive between two reads are
// merged (Client.apply), so the page's work stays one refresh at a time,
// and nothing queues beyond the window.
const UpdateWindow = 2

// MaxUpdateEvents bounds the events one update carries.
const MaxUpdateEvents = 1000

// StressUpdate is the progress of stress run Run.
type StressUpdate struct {
	Run uint64
	StressProgress
}

func encodeHello(h hello) []byte {
	w := wbuf{b: []byte{byte(kindHello)}}
	w.u(uint64(h.Protocol))
	w.str(h.Build)
	return w.b
}

func decodeHello(r *rbuf) hello { return hello{Protocol: int(r.u()), Build: r.str()} }

func encodeWelcome(m welcome) []byte {
	w := wbuf{b: []byte{byte(kindWelcome)}}
	w.u(uint64(m.Protocol))
	w.str(m.Kind)
	w.str(m.Build)
	w.str(m.Refused)
	return w.b
}

func decodeWelcome(r *rbuf) welcome {
	return welcome{Hello: Hello{Protocol: int(r.u()), Kind: r.str(), Build: r.str()}, Refused: r.str()}
}

func encodeRequest(q *Request) []byte {
	w := wbuf{b: make([]byte, 0, 64+len(q.Key)+len(q.Value))}
	w.b = append(w.b, byte(kindRequest))
	w.u(q.ID)
	w.u(uint64(q.Op))
	w.u(q.Member)
	w.u(q.From)
	w.u(q.To)
	w.u(uint64(len(q.Groups)))
	for _, g := range q.Groups {
		w.u(uint64(len(g)))
		for _, id := range g {
			w.u(id)
		}
	}
	w.f(q.P)
	w.i(q.N)
	w.bytes(q.Key)
	w.bytes(q.Value)
	rq := &q.Range
	w.bytes(rq.Key)
	w.bytes(rq.End)
	w.i(rq.Rev)
	w.i(rq.Limit)
	w.i(int64(rq.SortOrder))
	w.i(int64(rq.SortTarget))
	w.bool(rq.KeysOnly)
	w.bool(rq.CountOnly)
	w.bytes(q.Delete.Key)
	w.bytes(q.Delete.End)
	w.bool(q.Delete.PrevKV)
	w.bool(q.Serializable)
	s := &q.Stress
	w.u(s.Member)
	w.i(int64(s.Rate))
	w.i(int64(s.Count))
	w.i(int64(s.Keys))
	w.i(int64(s.ValueSize))
	w.bool(s.Sequential)
	w.i(int64(s.Start))
	w.bool(s.MaxRate)
	w.i(int64(s.Outstanding))
	st := &q.Start
	w.i(int64(st.Mode))
	w.i(int64(st.Members))
	w.i(st.Seed)
	w.f(st.Speed)
	w.bool(st.Embed)
	w.bool(st.Memory)
	w.str(q.Name)
	writeWatchRequest(&w, &q.Watch)
	writeOp(&w, &q.Call)
	writeSettings(&w, &q.Settings)
	w.bool(st.Settings != nil)
	if st.Settings != nil {
		writeSettings(&w, st.Settings)
	}
	w.u(q.LogFrom)
	w.i(int64(q.LogCount))
	return w.b
}

func writeSettings(w *wbuf, s *Settings) {
	w.bool(s.PreVote)
	w.bool(s.CheckQuorum)
	w.i(int64(s.ElectionTicks))
	w.i(int64(s.HeartbeatTicks))
	w.u(s.SnapshotCount)
	w.u(s.CatchUpCount)
	w.i(int64(s.MaxInflightMsgs))
	w.u(s.MaxSizePerMsg)
	w.bool(s.UnsafeLocalReads)
}

func readSettings(r *rbuf) Settings {
	return Settings{PreVote: r.bool(), CheckQuorum: r.bool(), ElectionTicks: r.int(), HeartbeatTicks: r.int(),
		SnapshotCount: r.u(), CatchUpCount: r.u(), MaxInflightMsgs: r.int(), MaxSizePerMsg: r.u(),
		UnsafeLocalReads: r.bool()}
}

func decodeRequest(r *rbuf) *Request {
	q := &Request{ID: r.u(), Op: Op(r.u()), Member: r.u(), From: r.u(), To: r.u()}
	if n := r.count(1); n > 0 {
		q.Groups = make([][]uint64, n)
		for i := range q.Groups {
			if m := r.count(1); m > 0 {
				g := make([]uint64, m)
				for j := range g {
					g[j] = r.u()
				}
				q.Groups[i] = g
			}
		}
	}
	q.P, q.N = r.f(), r.i()
	q.Key, q.Value = r.bytes(), r.bytes()
	q.Range = mvcc.RangeRequest{Key: r.bytes(), End: r.bytes(), Rev: r.i(), Limit: r.i(),
		SortOrder: mvcc.SortOrder(r.i()), SortTarget: mvcc.SortTarget(r.i()), KeysOnly: r.bool(), CountOnly: r.bool()}
	q.Delete = mvcc.DeleteRangeRequest{Key: r.bytes(), End: r.bytes(), PrevKV: r.bool()}
	q.Serializable = r.bool()
	q.Stress = StressConfig{Member: r.u(), Rate: r.int(), Count: r.int(), Keys: r.int(), ValueSize: r.int(),
		Sequential: r.bool(), Start: r.int(), MaxRate: r.bool(), Outstanding: r.int()}
	q.Start = StartRequest{Mode: StartMode(r.i()), Members: r.int(), Seed: r.i(), Speed: r.f(), Embed: r.bool(), Memory: r.bool()}
	q.Name = r.str()
	q.Watch = readWatchRequest(r)
	q.Call = readOp(r)
	q.Settings = readSettings(r)
	if r.bool() {
		st := readSettings(r)
		q.Start.Settings = &st
	}
	q.LogFrom, q.LogCount = r.u(), r.int()
	if q.Op == 0 || q.Op >= opEnd {
		r.fail()
	}
	return q
}

func writeHeader(w *wbuf, h mvcc.ResponseHeader) {
	w.u(h.ClusterID)
	w.u(h.MemberID)
	w.i(h.Revision)
	w.u(h.RaftTerm)
}

func readHeader(r *rbuf) mvcc.ResponseHeader {
	return mvcc.ResponseHeader{ClusterID: r.u(), MemberID: r.u(), Revision: r.i(), RaftTerm: r.u()}
}

// A key-value goes as etcd's own protobuf encoding (mvccpb.KeyValue), nil
// as an absent one.
func writeKV(w *wbuf, kv *mvcc.KeyValue) {
	if kv == nil {
		w.bytes(nil)
		return
	}
	b, err := kv.Marshal()
	if err != nil { // only for values that cannot exist (a generated marshaller of plain fields)
		panic("engine protocol: marshalling a key-value: " + err.Error())
	}
	w.bytes(b)
}

func readKV(r *rbuf) *mvcc.KeyValue {
	b := r.bytes()
	if b == nil {
		return nil
	}
	kv := new(mvcc.KeyValue)
	if err := kv.Unmarshal(b); err != nil {
		r.fail()
		return nil
	}
	return kv
}

func writeKVs(w *wbuf, kvs []*mvcc.KeyValue) {
	w.u(uint64(len(kvs)))
	for _, kv := range kvs {
		writeKV(w, kv)
	}
}

func readKVs(r *rbuf) []*mvcc.KeyValue {
	n := r.count(1)
	if n == 0 {
		return nil
	}
	kvs := make([]*mvcc.KeyValue, n)
	for i := range kvs {
		kvs[i] = readKV(r)
	}
	return kvs
}

func encodeResponse(p *Response) []byte {
	w := wbuf{b: []byte{byte(kindResponse)}}
	w.u(p.ID)
	writeError(&w, p.Err)
	w.bool(p.Put != nil)
	if p.Put != nil {
		writeHeader(&w, p.Put.Header)
		writeKV(&w, p.Put.PrevKV)
	}
	w.bool(p.Range != nil)
	if p.Range != nil {
		writeHeader(&w, p.Range.Header)
		writeKVs(&w, p.Range.KVs)
		w.i(p.Range.Count)
		w.bool(p.Range.More)
	}
	w.bool(p.Delete != nil)
	if p.Delete != nil {
		writeHeader(&w, p.Delete.Header)
		w.i(p.Delete.Deleted)
		writeKVs(&w, p.Delete.PrevKVs)
	}
	w.bool(p.Compact != nil)
	if p.Compact != nil {
		writeHeader(&w, p.Compact.Header)
	}
	w.u(p.N)
	w.bool(p.Started != nil)
	if s := p.Started; s != nil {
		w.u(uint64(len(s.Members)))
		for _, id := range s.Members {
			w.u(id)
		}
		w.f(s.Speed)
		w.bool(s.Storage)
		w.bool(s.Stoppable)
	}
	writeKeyHistory(&w, p.History)
	w.bool(p.Result != nil)
	if p.Result != nil {
		writeResult(&w, p.Result)
	}
	writeLogPage(&w, p.LogPage)
	w.bytes(p.Data)
	writeVerdict(&w, p.Verdict)
	return w.b
}

func decodeResponse(r *rbuf) *Response {
	p := &Response{ID: r.u(), Err: readError(r)}
	if r.bool() {
		p.Put = &mvcc.PutResponse{Header: readHeader(r), PrevKV: readKV(r)}
	}
	if r.bool() {
		p.Range = &mvcc.RangeResponse{Header: readHeader(r), KVs: readKVs(r), Count: r.i(), More: r.bool()}
	}
	if r.bool() {
		p.Delete = &mvcc.DeleteRangeResponse{Header: readHeader(r), Deleted: r.i(), PrevKVs: readKVs(r)}
	}
	if r.bool() {
		p.Compact = &mvcc.CompactResponse{Header: readHeader(r)}
	}
	p.N = r.u()
	if r.bool() {
		s := &Started{}
		if n := r.count(1); n > 0 {
			s.Members = make([]uint64, n)
			for i := range s.Members {
				s.Members[i] = r.u()
			}
		}
		s.Speed, s.Storage, s.Stoppable = r.f(), r.bool(), r.bool()
		p.Started = s
	}
	p.History = readKeyHistory(r)
	if r.bool() {
		p.Result = readResult(r)
	}
	p.LogPage = readLogPage(r)
	p.Data = r.bytes()
	p.Verdict = readVerdict(r)
	return p
}

func encodeUpdate(u *Update) []byte {
	w := wbuf{b: make([]byte, 0, 256+len(u.Members)*96+len(u.Links)*24+len(u.Events)*64)}
	w.b = append(w.b, byte(kindUpdate))
	w.u(u.Now)
	w.bool(u.Paused)
	w.u(u.Applied)
	w.u(uint64(len(u.Members)))
	for i := range u.Members {
		m := &u.Members[i]
		w.u(m.ID)
		w.str(m.Name)
		w.str(m.State)
		w.u(m.Term)
		w.u(m.Vote)
		w.u(m.Leader)
		w.u(m.Commit)
		w.u(m.Applied)
		w.u(m.LastIndex)
		w.u(m.SnapshotIndex)
		w.i(m.Revision)
		w.i(m.CompactRevision)
		w.i(int64(m.Keys))
		w.u(uint64(m.Hash))
		w.i(m.HashRevision)
		w.i(m.StoreBytes)
		w.u(uint64(len(m.Progress)))
		for _, p := range m.Progress {
			w.u(p.ID)
			w.u(p.Match)
			w.u(p.Next)
			w.str(p.State)
		}
		writeTimers(&w, m)
	}
	w.u(uint64(len(u.Links)))
	for i := range u.Links {
		l := &u.Links[i]
		w.u(l.From)
		w.u(l.To)
		w.bool(l.Cut)
		w.f(l.Drop)
		w.i(int64(l.Delay))
		w.u(l.Sent)
		w.u(l.Delivered)
		w.u(l.Dropped)
		w.i(int64(l.InFlight))
		writeSentByType(&w, l)
	}
	w.u(uint64(len(u.Events)))
	for i := range u.Events {
		e := &u.Events[i]
		w.u(e.Seq)
		w.u(e.Tick)
		w.str(e.Kind)
		w.u(e.Member)
		w.str(e.Text)
		w.bool(e.OK)
		w.u(e.LatencyTicks)
	}
	w.u(u.EventsDropped)
	w.u(uint64(len(u.Stress)))
	for _, s := range u.Stress {
		w.u(s.Run)
		writeStressProgress(&w, &s.StressProgress)
	}
	sv := &u.Storage
	w.str(sv.Medium)
	w.bool(sv.Persistent)
	w.str(sv.Notice)
	w.bool(sv.Resumed)
	w.u(sv.Epoch)
	w.i(int64(sv.LoadTime))
	w.bool(sv.Lost)
	w.u(uint64(len(sv.Disk)))
	for _, d := range sv.Disk {
		w.u(d.Member)
		w.bool(d.Corrupt)
		w.bool(d.Quota)
		w.str(d.Err)
	}
	w.bool(u.Stopped)
	writeWatchUpdates(&w, u.Watches)
	writeSettings(&w, &u.Settings)
	w.u(uint64(len(u.Restarting)))
	for _, id := range u.Restarting {
		w.u(id)
	}
	for i := range u.Members {
		w.u(u.Members[i].CompactedIndex)
	}
	// The links' duplicate and reorder faults, in Links' order.
	for i := range u.Links {
		l := &u.Links[i]
		w.f(l.Duplicate)
		w.i(int64(l.Reorder))
		w.u(l.Duplicated)
	}
	writeMessages(&w, u)
	writeTimeline(&w, &u.Timeline)
	w.bool(u.EventsReset)
	writeVerdict(&w, u.Verdict)
	w.f(u.Speed)
	return w.b
}

func writeStressProgress(w *wbuf, p *StressProgress) {
	w.i(int64(p.Total))
	w.i(int64(p.Done))
	w.i(int64(p.OK))
	w.i(int64(p.Failed))
	w.u(p.P50)
	w.u(p.P99)
	w.bool(p.Running)
	for _, v := range [...]uint64{p.P10, p.P25, p.P75, p.P90, p.P95, p.P999, p.Min, p.Max, p.StartTick, p.EndTick} {
		w.u(v)
	}
	w.f(p.Mean)
	w.f(p.Stddev)
	for _, n := range p.Hist {
		w.i(int64(n))
	}
	w.f(p.TickSeconds)
}

func readStressProgress(r *rbuf) StressProgress {
	p := StressProgress{Total: r.int(), Done: r.int(), OK: r.int(), Failed: r.int(), P50: r.u(), P99: r.u(), Running: r.bool()}
	for _, v := range [...]*uint64{&p.P10, &p.P25, &p.P75, &p.P90, &p.P95, &p.P999, &p.Min, &p.Max, &p.StartTick, &p.EndTick} {
		*v = r.u()
	}
	p.Mean, p.Stddev = r.f(), r.f()
	for i := range p.Hist {
		p.Hist[i] = r.int()
	}
	p.TickSeconds = r.f()
	return p
}

func decodeUpdate(r *rbuf) *Update {
	u := &Update{Now: r.u(), Paused: r.bool(), Applied: r.u()}
	if n := r.count(17); n > 0 {
		u.Members = make([]MemberView, n)
		for i := range u.Members {
			m := &u.Members[i]
			m.ID, m.Name, m.State = r.u(), r.str(), r.str()
			m.Term, m.Vote, m.Leader = r.u(), r.u(), r.u()
			m.Commit, m.Applied, m.LastIndex, m.SnapshotIndex = r.u(), r.u(), r.u(), r.u()
			m.Revision, m.CompactRevision, m.Keys = r.i(), r.i(), r.int()
			m.Hash, m.HashRevision, m.StoreBytes = uint32(r.u()), r.i(), r.i()
			if k := r.count(4); k > 0 {
				m.Progress = make([]FollowerProgress, k)
				for j := range m.Progress {
					m.Progress[j] = FollowerProgress{ID: r.u(), Match: r.u(), Next: r.u(), State: r.str()}
				}
			}
			readTimers(r, m)
		}
	}
	if n := r.count(16); n > 0 {
		u.Links = make([]LinkView, n)
		for i := range u.Links {
			u.Links[i] = LinkView{From: r.u(), To: r.u(), Cut: r.bool(), Drop: r.f(), Delay: r.int(),
				Sent: r.u(), Delivered: r.u(), Dropped: r.u(), InFlight: r.int()}
			readSentByType(r, &u.Links[i])
		}
	}
	if n := r.count(7); n > 0 {
		u.Events = make([]EventView, n)
		for i := range u.Events {
			u.Events[i] = EventView{Seq: r.u(), Tick: r.u(), Kind: r.str(), Member: r.u(), Text: r.str(), OK: r.bool(), LatencyTicks: r.u()}
		}
	}
	u.EventsDropped = r.u()
	// at least: 8 one-byte fields, 10 one-byte uvarints, 3 float64s, the histogram
	if n := r.count(8 + 10 + 3*8 + LatencyBuckets); n > 0 {
		u.Stress = make([]StressUpdate, n)
		for i := range u.Stress {
			u.Stress[i] = StressUpdate{Run: r.u(), StressProgress: readStressProgress(r)}
		}
	}
	sv := &u.Storage
	sv.Medium, sv.Persistent, sv.Notice, sv.Resumed = r.str(), r.bool(), r.str(), r.bool()
	sv.Epoch, sv.LoadTime, sv.Lost = r.u(), time.Duration(r.i()), r.bool()
	if n := r.count(4); n > 0 {
		sv.Disk = make([]DiskErrorView, n)
		for i := range sv.Disk {
			sv.Disk[i] = DiskErrorView{Member: r.u(), Corrupt: r.bool(), Quota: r.bool(), Err: r.str()}
		}
	}
	u.Stopped = r.bool()
	u.Watches = readWatchUpdates(r)
	u.Settings = readSettings(r)
	if n := r.count(1); n > 0 {
		u.Restarting = make([]uint64, n)
		for i := range u.Restarting {
			u.Restarting[i] = r.u()
		}
	}
	for i := range u.Members {
		u.Members[i].CompactedIndex = r.u()
	}
	for i := range u.Links {
		l := &u.Links[i]
		l.Duplicate, l.Reorder, l.Duplicated = r.f(), r.int(), r.u()
	}
	readMessages(r, u)
	u.Timeline = readTimeline(r)
	u.EventsReset = r.bool()
	u.Verdict = readVerdict(r)
	u.Speed = r.f()
	return u
}

// frame is a decoded frame: its kind and exactly one message.
type frame struct {
	kind     kind
	hello    hello
	welcome  welcome
	request  *Request
	response *Response
	update   *Update
}

// decodeFrame decodes one frame; trailing bytes or any malformation is an
// error (errMalformed).
func decodeFrame(b []byte) (frame, error) {
	if len(b) == 0 {
		return frame{}, errMalformed
	}
	f := frame{kind: kind(b[0])}
	r := &rbuf{b: b[1:]}
	switch f.kind {
	case kindHello:
		f.hello = decodeHello(r)
	case kindWelcome:
		f.welcome = decodeWelcome(r)
	case kindRequest:
		f.request = decodeRequest(r)
	case kindResponse:
		f.response = decodeResponse(r)
	case kindUpdate:
		f.update = decodeUpdate(r)
	case kindAck:
	default:
		return frame{}, errMalformed
	}
	if r.err == nil && len(r.b) != 0 {
		r.fail()
	}
	if r.err != nil {
		return frame{}, r.err
	}
	return f, nil
}

var ackFrame = []byte{byte(kindAck)}
