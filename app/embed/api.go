// Package embed is the playground's postMessage API: the page that embeds
// the playground in a frame drives it with commands and hears its events.
// It imports no go-app, and only its browser glue (the _js.go files)
// imports syscall/js, so the protocol is tested natively.
//
// Files: api.go (the protocol as this comment states it; validating and running
// commands, the events sent back), decode.go (decoding a command strictly),
// frame_js.go (the glue to window.addEventListener("message") and
// parent.postMessage; Start is what the page calls) and read_js.go
// (reading a message's data within bounds).
//
// Every message either way is a plain object whose "etcdplay" field is
// ProtocolVersion. Commands (embedding page -> playground):
//
//	{etcdplay: 1, id: ANY, cmd: "kill", member: N?}
//	{etcdplay: 1, id: ANY, cmd: "restart", member: N}
//	{etcdplay: 1, id: ANY, cmd: "partition", groups: [[1,2],[3,4,5]]}
//	{etcdplay: 1, id: ANY, cmd: "heal"}
//	{etcdplay: 1, id: ANY, cmd: "put", key: "k", value: "v", member: N?}
//	{etcdplay: 1, id: ANY, cmd: "get", key: "k", member: N?, serializable: bool?}
//	{etcdplay: 1, id: ANY, cmd: "stress", count: N, rate: N?, keys: N?, valueSize: N?, member: N?}
//	{etcdplay: 1, id: ANY, cmd: "stress", count: N, sequential: true, start: N?, rate: N?, valueSize: N?, member: N?}
//	{etcdplay: 1, id: ANY, cmd: "status"}
//
// A stress run puts to random keys stress/00000 .. (keys: the key space);
// a sequential one writes put i to key number start+i instead, so that runs
// with start 0, count, 2*count, ... fill the store with distinct keys
// (count is capped per run; keys does not apply). Its result comes when
// every put was answered.
//
// member 0 or absent means the current leader: kill kills the leader (an
// error when there is none); put, get and stress go to the leader, else
// the first member that is up; restart needs a member. kill and restart
// answer {member}. id is echoed in the result so the caller can match it.
//
// Field names match exactly, as in JavaScript; a command with a field that
// is unknown, case-varied, given twice, of the wrong type or not taken by
// its cmd is refused by name (decode.go). A message is read
// only from an allowed origin, and within maxMessageValues values and
// maxMessageBytes bytes (handle).
//
// The fault commands (kill, restart, partition, heal) answer once the
// cluster accepted them; they act at its next tick, which the following
// leader and status events show.
//
// Events (playground -> embedding page), type field first:
//
//	{type: "ready", version, members}          once, when the API starts
//	{type: "result", id, cmd, ok: true, result} a command finished
//	{type: "result", id, cmd, ok: false, error} a command failed or was refused
//	{type: "leader", leader, term}              the leader changed (leader 0: none)
//	{type: "hash", agreed, revision, hash, members} the live members' HashKV at one revision
//	{type: "resize", height}                    the page's content height changed
//
// resize: height is the height in CSS pixels the frame needs to show the
// whole page without scrolling (the document's content, whatever the
// frame's own height), sent when the API starts and after every change of
// it (a panel grew, the frame's width changed the layout). An embedding page
// that sets the frame's height to it never shows a scroll bar; the
// page's layout does not depend on the frame's height, so that loop
// settles at once.
//
// Status events (ready, leader, hash, resize) go to any parent; commands are obeyed
// only from origins in Config.Allow (the page's allow= parameter), and every
// message from another origin gets, unread, a result with ok false naming
// the origin.
package embed

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// ProtocolVersion is the "etcdplay" field of every message.
const ProtocolVersion = 1

// Command is one request from the embedding page.
type Command struct {
	EtcdPlay     int             `json:"etcdplay"`
	ID           json.RawMessage `json:"id,omitempty"`
	Cmd          string          `json:"cmd"`
	Member       uint64          `json:"member,omitempty"`
	Groups       [][]uint64      `json:"groups,omitempty"`
	Key          *string         `json:"key,omitempty"`
	Value        string          `json:"value,omitempty"`
	Serializable bool            `json:"serializable,omitempty"`
	Count        int             `json:"count,omitempty"`
	Rate         int             `json:"rate,omitempty"`
	Keys         int             `json:"keys,omitempty"`
	ValueSize    int             `json:"valueSize,omitempty"`
	Sequential   bool            `json:"sequential,omitempty"`
	Start        *int            `json:"start,omitempty"`
	// watch (watch.go)
	Prefix        bool    `json:"prefix,omitempty"`
	End           *string `json:"end,omitempty"`
	StartRevision int64   `json:"startRevision,omitempty"`
	PrevKV        bool    `json:"prevKv,omitempty"`
	Watch         uint64  `json:"watch,omitempty"` // unwatch
	// txn (txn.go): lists of objects, decoded strictly by validateTxn
	Compare json.RawMessage `json:"compare,omitempty"`
	Success json.RawMessage `json:"success,omitempty"`
	Failure json.RawMessage `json:"failure,omitempty"`
	// lease (lease.go); Lease also for put
	Action   string `json:"action,omitempty"`
	TTL      int64  `json:"ttl,omitempty"`
	Lease    string `json:"lease,omitempty"`
	WithKeys bool   `json:"withKeys,omitempty"`
	// history (history.go)
	History json.RawMessage `json:"history,omitempty"`
	Link    string          `json:"link,omitempty"`
	Tick    *int64          `json:"tick,omitempty"`
}

// Message is one event to the embedding page. Fields not used by Type are
// omitted.
type Message struct {
	EtcdPlay int             `json:"etcdplay"`
	Type     string          `json:"type"`
	ID       json.RawMessage `json:"id,omitempty"`
	Cmd      string          `json:"cmd,omitempty"`
	OK       *bool           `json:"ok,omitempty"`
	Error    string          `json:"error,omitempty"`
	Result   any             `json:"result,omitempty"`

	Version string   `json:"version,omitempty"` // ready
	Members []uint64 `json:"members,omitempty"` // ready, hash

	Leader *uint64 `json:"leader,omitempty"` // leader
	Term   uint64  `json:"term,omitempty"`   // leader

	Agreed   *bool  `json:"agreed,omitempty"`   // hash
	Revision int64  `json:"revision,omitempty"` // hash
	Hash     uint32 `json:"hash,omitempty"`     // hash

	Height int `json:"height,omitempty"` // resize: CSS pixels

	// watch, watch-end (watch.go)
	Watch           uint64        `json:"watch,omitempty"`
	Events          []EventResult `json:"events,omitempty"`
	CompactRevision int64         `json:"compactRevision,omitempty"`
}

// Limits on commands, so that one message cannot stall the page (stress
// takes the bounds in Limits).
const (
	maxKeyBytes     = 1 << 10
	maxValueBytes   = 64 << 10
	commandDeadline = 10 * time.Second
	// maxStressStart bounds a sequential run's first key number (far
	// beyond what a page can hold; it keeps start+count from overflowing).
	maxStressStart = 1_000_000_000
)

// KVResult is one key of a get result.
type KVResult struct {
	Key            string `json:"key"`
	Value          string `json:"value"`
	CreateRevision int64  `json:"createRevision"`
	ModRevision    int64  `json:"modRevision"`
	Version        int64  `json:"version"`
}

// MemberResult is one member of a status result.
type MemberResult struct {
	ID           uint64 `json:"id"`
	State        string `json:"state"`
	Term         uint64 `json:"term"`
	Leader       uint64 `json:"leader"`
	Applied      uint64 `json:"applied"`
	Revision     int64  `json:"revision"`
	Hash         uint32 `json:"hash"`
	HashRevision int64  `json:"hashRevision"`
}

// Limits bound a stress command. The page passes its stress panel's bounds,
// so the API never asks for more than a person could.
type Limits struct {
	StressRate  int // puts per tick
	StressCount int // puts per run
}

// Config is what the page gives the API (Start, in the browser).
type Config struct {
	// Allow lists the origins whose commands are obeyed, as
	// MessageEvent.origin writes them.
	Allow []string
	// Version is the page's version, sent in "ready".
	Version string
	// Limits bound stress commands.
	Limits Limits
	// Engine returns the page's current engine (nil: none yet). The page
	// may replace its engine at any time; Start's status loop calls Engine
	// every statusEvery from its own goroutine, so Engine reads the page's
	// field where the page writes it (its UI goroutine). It returns nil
	// when ctx is done.
	Engine func(ctx context.Context) engine.Engine
}

// messageAPI serves commands against the page's current Engine. handle and
// setEngine may be called from any goroutine; each command's outcome is
// delivered once through post.
type messageAPI struct {
	mu  sync.Mutex
	eng engine.Engine // nil until the page's cluster runs

	allow  []string
	limits Limits
	// post delivers m to the embedding page; toOrigin is the origin that
	// may read it ("*": any).
	post func(m Message, toOrigin string)
	// pollEvery is how often a stress command checks its run (tests shorten it).
	pollEvery time.Duration

	watches   map[uint64]*apiWatch // running watches by number (watch.go); guarded by mu
	lastWatch uint64
}

func newMessageAPI(eng engine.Engine, allow []string, limits Limits, post func(Message, string)) *messageAPI {
	return &messageAPI{eng: eng, allow: allow, limits: limits, post: post, pollEvery: 100 * time.Millisecond}
}

// setEngine makes eng the engine later commands run against.
func (a *messageAPI) setEngine(eng engine.Engine) {
	a.mu.Lock()
	a.eng = eng
	a.mu.Unlock()
}

func (a *messageAPI) engine() engine.Engine {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.eng
}

// allowed reports whether commands from origin are obeyed.
func (a *messageAPI) allowed(origin string) bool {
	return slices.Contains(a.allow, origin)
}

// handle takes one message from the embedding page: data is its JSON and
// origin its MessageEvent.origin. In this order:
//
//  1. A message from an origin that is not allowed is refused unread:
//     one result with ok false naming the origin, with no id or cmd (its
//     content is never looked at, so its size costs nothing).
//  2. JSON longer than maxMessageBytes, or of more than maxMessageValues
//     values, is answered with an error naming the bound (and no id or
//     cmd), read no further than it.
//  3. A message that is not an etcd-play command (not a JSON object with
//     an "etcdplay" field that is not null) is ignored: pages receive
//     unrelated messages.
//  4. Every other one gets a result: an error naming the field that is
//     unknown, case-varied, duplicated or of the wrong type (decodeCommand),
//     or the command's own outcome.
//
// Commands that block (put, get, stress) finish in their own goroutine.
func (a *messageAPI) handle(origin string, data []byte) {
	if !a.allowed(origin) {
		a.refuse(origin)
		return
	}
	if len(data) > maxMessageBytes {
		a.fail(Command{}, origin, fmt.Errorf("the message is %d bytes of JSON; at most %d are read", len(data), maxMessageBytes))
		return
	}
	fs, err := splitFields(data)
	if errors.Is(err, errTooManyValues) {
		a.fail(Command{}, origin, err)
		return
	}
	if err != nil || !ours(fs) {
		return
	}
	c, err := decodeCommand(fs)
	if err != nil {
		a.fail(echoOf(fs), origin, err)
		return
	}
	a.run(c, origin)
}

// refuse answers a message from an origin that is not allowed, without
// reading it.
func (a *messageAPI) refuse(origin string) {
	a.fail(Command{}, origin, fmt.Errorf("origin %s may not send commands: the playground's URL must list it in allow=", origin))
}

// unreadable answers a message from an allowed origin that could not be
// read within the bounds (frame_js.go): head is the JSON of its
// etcdplay, id and cmd fields alone, for the reply to echo.
func (a *messageAPI) unreadable(origin string, head []byte, err error) {
	fs, _ := splitFields(head)
	a.fail(echoOf(fs), origin, err)
}

// run validates c, an allowed and decoded command, and runs it.
func (a *messageAPI) run(c Command, origin string) {
	eng := a.engine()
	if eng == nil {
		a.fail(c, origin, errors.New("the cluster is not running yet"))
		return
	}
	run, err := a.validate(eng, c)
	if err != nil {
		a.fail(c, origin, err)
		return
	}
	go func() {
		res, err := run()
		if err != nil {
			a.fail(c, origin, err)
			return
		}
		ok := true
		if w, isWatch := res.(*apiWatch); isWatch {
			// The result first, then the watch's events (watch.go).
			a.post(Message{EtcdPlay: ProtocolVersion, Type: "result", ID: c.ID, Cmd: c.Cmd, OK: &ok,
				Result: map[string]uint64{"watch": w.n}}, origin)
			a.pump(w, origin)
			return
		}
		a.post(Message{EtcdPlay: ProtocolVersion, Type: "result", ID: c.ID, Cmd: c.Cmd, OK: &ok, Result: res}, origin)
	}()
}

// fail answers c with an error, to origin only.
func (a *messageAPI) fail(c Command, origin string, err error) {
	ok := false
	a.post(Message{EtcdPlay: ProtocolVersion, Type: "result", ID: c.ID, Cmd: c.Cmd, OK: &ok, Error: err.Error()}, origin)
}

// validate checks c completely and returns the work that runs it. Nothing
// reaches the engine unless validate accepted the whole command.
func (a *messageAPI) validate(eng engine.Engine, c Command) (func() (any, error), error) {
	members := eng.Members()
	member := func() (uint64, error) {
		if c.Member != 0 && !slices.Contains(members, c.Member) {
			return 0, fmt.Errorf("no member %d (members are %v)", c.Member, members)
		}
		return c.Member, nil
	}
	id, err := member()
	if err != nil {
		return nil, err
	}
	key := func() ([]byte, error) {
		switch {
		case c.Key == nil || *c.Key == "":
			return nil, errors.New("key is required")
		case len(*c.Key) > maxKeyBytes:
			return nil, fmt.Errorf("key is longer than %d bytes", maxKeyBytes)
		}
		return []byte(*c.Key), nil
	}
	switch c.Cmd {
	case "kill":
		// member 0 or absent: the leader now (never a follower in its
		// place: killing the leader is what such a command means).
		if id == 0 {
			if id = leaderOf(eng.Status()); id == 0 {
				return nil, errors.New("kill: there is no leader now (member 0 means the leader); name a member")
			}
		}
		return func() (any, error) { return map[string]uint64{"member": id}, eng.Kill(id) }, nil
	case "restart":
		// A leader is up: member 0 (the leader) names nothing to restart.
		if id == 0 {
			return nil, fmt.Errorf("restart needs a member (one of %v): member 0 means the leader, which is up", members)
		}
		return func() (any, error) { return map[string]uint64{"member": id}, eng.Restart(id) }, nil
	case "partition":
		if err := checkGroups(c.Groups, members); err != nil {
			return nil, err
		}
		groups := c.Groups
		return func() (any, error) { eng.Partition(groups...); return nil, nil }, nil
	case "heal":
		return func() (any, error) { eng.HealAll(); return nil, nil }, nil
	case "status":
		return func() (any, error) { return statusResult(eng.Status()), nil }, nil
	case "put":
		k, err := key()
		if err != nil {
			return nil, err
		}
		if len(c.Value) > maxValueBytes {
			return nil, fmt.Errorf("value is longer than %d bytes", maxValueBytes)
		}
		v := []byte(c.Value)
		var lease int64
		if c.Lease != "" {
			if lease, err = leaseID(c.Lease); err != nil {
				return nil, err
			}
		}
		return func() (any, error) {
			ctx, cancel := context.WithTimeout(context.Background(), commandDeadline)
			defer cancel()
			if lease != 0 { // a put with a lease (lease.go)
				r, err := eng.Call(ctx, target(eng, id), node.Op{Put: &mvcc.PutRequest{Key: k, Value: v, Lease: lease}})
				if err != nil {
					return nil, err
				}
				return map[string]int64{"revision": r.Put.Header.Revision}, nil
			}
			r, err := eng.Put(ctx, target(eng, id), k, v)
			if err != nil {
				return nil, err
			}
			return map[string]int64{"revision": r.Header.Revision}, nil
		}, nil
	case "get":
		k, err := key()
		if err != nil {
			return nil, err
		}
		serial := c.Serializable
		return func() (any, error) {
			ctx, cancel := context.WithTimeout(context.Background(), commandDeadline)
			defer cancel()
			r, err := eng.Get(ctx, target(eng, id), mvcc.RangeRequest{Key: k}, serial)
			if err != nil {
				return nil, err
			}
			return getResult(r), nil
		}, nil
	case "stress":
		cfg := engine.StressConfig{Member: id, Count: c.Count, Rate: c.Rate, Keys: c.Keys, ValueSize: c.ValueSize,
			Sequential: c.Sequential}
		switch {
		case c.Sequential && c.Keys != 0:
			return nil, errors.New("keys does not apply to a sequential run (it writes keys start .. start+count-1)")
		case c.Start != nil && !c.Sequential:
			return nil, errors.New("start applies only to a sequential run (sequential: true)")
		case c.Start != nil && (*c.Start < 0 || *c.Start > maxStressStart):
			return nil, fmt.Errorf("start must be 0..%d", maxStressStart)
		case c.Start != nil:
			cfg.Start = *c.Start
		}
		if cfg.Rate == 0 {
			cfg.Rate = 10
		}
		if cfg.Keys == 0 && !c.Sequential {
			cfg.Keys = 100
		}
		if cfg.ValueSize == 0 {
			cfg.ValueSize = 16
		}
		switch {
		case cfg.Count < 1 || cfg.Count > a.limits.StressCount:
			return nil, fmt.Errorf("count must be 1..%d", a.limits.StressCount)
		case cfg.Rate < 1 || cfg.Rate > a.limits.StressRate:
			return nil, fmt.Errorf("rate must be 1..%d puts per tick", a.limits.StressRate)
		case !cfg.Sequential && cfg.Keys < 1 || cfg.ValueSize < 1 || cfg.ValueSize > maxValueBytes:
			return nil, fmt.Errorf("keys must be at least 1 and valueSize 1..%d", maxValueBytes)
		}
		return func() (any, error) {
			p := stressToEnd(eng, cfg, a.pollEvery)
			return map[string]any{"total": p.Total, "done": p.Done, "ok": p.OK, "failed": p.Failed,
				"p50Ticks": p.P50, "p99Ticks": p.P99}, nil
		}, nil
	case "watch":
		return a.validateWatch(eng, c, id)
	case "unwatch":
		return a.validateUnwatch(c)
	case "txn":
		return a.validateTxn(eng, c, id)
	case "lease":
		return a.validateLease(eng, c, id)
	case "history":
		return a.validateHistory(eng, c)
	case "":
		return nil, errors.New("cmd is required")
	}
	return nil, fmt.Errorf("unknown cmd %q (commands: %s)", c.Cmd, commandList)
}

// target resolves member 0 to the leader, else the first member that is up,
// else member 1 (whose call then fails with the engine's own error).
func target(eng engine.Engine, id uint64) uint64 {
	if id != 0 {
		return id
	}
	st := eng.Status()
	if l := leaderOf(st); l != 0 {
		return l
	}
	for _, m := range st {
		if m.Up() {
			return m.ID
		}
	}
	return 1
}

// stressToEnd runs a load to the end, checking it every pollEvery, and
// returns its final progress.
func stressToEnd(eng engine.Engine, cfg engine.StressConfig, pollEvery time.Duration) engine.StressProgress {
	run := eng.Stress(cfg)
	t := time.NewTicker(pollEvery)
	defer t.Stop()
	for {
		if p := run.Progress(); !p.Running {
			return p
		}
		<-t.C
	}
}

// checkGroups accepts a partition into at least two non-empty groups of
// known, distinct members.
func checkGroups(groups [][]uint64, members []uint64) error {
	if len(groups) < 2 {
		return errors.New("partition needs at least two groups, e.g. groups: [[1,2],[3,4,5]]")
	}
	seen := map[uint64]bool{}
	for _, g := range groups {
		if len(g) == 0 {
			return errors.New("partition: a group is empty")
		}
		for _, id := range g {
			if !slices.Contains(members, id) {
				return fmt.Errorf("partition: no member %d (members are %v)", id, members)
			}
			if seen[id] {
				return fmt.Errorf("partition: member %d is in two groups", id)
			}
			seen[id] = true
		}
	}
	return nil
}

func statusResult(st []engine.MemberView) map[string]any {
	ms := make([]MemberResult, len(st))
	for i, m := range st {
		ms[i] = MemberResult{ID: m.ID, State: m.State, Term: m.Term, Leader: m.Leader, Applied: m.Applied,
			Revision: m.Revision, Hash: m.Hash, HashRevision: m.HashRevision}
	}
	return map[string]any{"leader": leaderOf(st), "members": ms}
}

// leaderOf returns the id of the member that is leader (0: none),
// preferring the highest term when two claim it (an old leader cut off by
// a partition), as the page's cards do.
func leaderOf(st []engine.MemberView) uint64 {
	var id, term uint64
	for _, m := range st {
		if m.State == "leader" && m.Term >= term {
			id, term = m.ID, m.Term
		}
	}
	return id
}

func getResult(r *mvcc.RangeResponse) map[string]any {
	kvs := make([]KVResult, len(r.KVs))
	for i, kv := range r.KVs {
		kvs[i] = KVResult{Key: string(kv.Key), Value: string(kv.Value), CreateRevision: kv.CreateRevision,
			ModRevision: kv.ModRevision, Version: kv.Version}
	}
	return map[string]any{"revision": r.Header.Revision, "count": r.Count, "kvs": kvs}
}

// watcher turns successive Status snapshots into leader and hash events,
// each sent once per change. Not safe for concurrent use: one goroutine
// owns it (frame_js.go's status loop, or a test).
type watcher struct {
	started  bool
	leader   uint64
	term     uint64
	hashSeen bool
	agreed   bool
	revision int64
	hash     uint32
}

// observe returns the events that st implies since the previous call.
//
// Leader: the member in state leader with the highest term (0: none); an
// event whenever the leader or its term changes.
// Hash: when every member that is up reports its HashKV at one revision,
// an event with agreed = all hashes equal, once per (revision, agreed,
// hash). Members still at different revisions produce no hash event.
func (w *watcher) observe(st []engine.MemberView) []Message {
	var out []Message
	leader := leaderOf(st)
	var term uint64
	for _, m := range st {
		if m.ID == leader {
			term = m.Term
		}
	}
	if !w.started || leader != w.leader || term != w.term {
		w.started, w.leader, w.term = true, leader, term
		l := leader
		out = append(out, Message{EtcdPlay: ProtocolVersion, Type: "leader", Leader: &l, Term: term})
	}

	var up []engine.MemberView
	for _, m := range st {
		if m.Up() {
			up = append(up, m)
		}
	}
	if len(up) == 0 || up[0].HashRevision <= 0 {
		return out
	}
	rev, hash, agreed := up[0].HashRevision, up[0].Hash, true
	ids := make([]uint64, 0, len(up))
	for _, m := range up {
		if m.HashRevision != rev {
			return out
		}
		agreed = agreed && m.Hash == hash
		ids = append(ids, m.ID)
	}
	if w.hashSeen && w.revision == rev && w.agreed == agreed && w.hash == hash {
		return out
	}
	w.hashSeen, w.revision, w.agreed, w.hash = true, rev, agreed, hash
	a := agreed
	out = append(out, Message{EtcdPlay: ProtocolVersion, Type: "hash", Agreed: &a, Revision: rev, Hash: hash, Members: ids})
	return out
}

// namedOrigin reports whether origin, a MessageEvent.origin or "*", can be
// postMessage's target origin: an http or https origin (browsers write
// them in one form, scheme://host[:port], the form allow= takes). "*", an
// opaque origin ("null") and origins of other schemes, which allow= never
// lists, cannot; a reply to them goes to "*" (frame_js.go).
func namedOrigin(origin string) bool {
	return strings.HasPrefix(origin, "http://") || strings.HasPrefix(origin, "https://")
}

// resizeMessage tells the embedding page the content's height (CSS px).
func resizeMessage(height int) Message {
	return Message{EtcdPlay: ProtocolVersion, Type: "resize", Height: height}
}

// errorMessage says that the playground runs no cluster, and why (the
// page's head script posts the same event when the page cannot start).
func errorMessage(why string) Message {
	return Message{EtcdPlay: ProtocolVersion, Type: "error", Error: why}
}

// ready is the first event the API sends.
func readyMessage(version string, members []uint64) Message {
	return Message{EtcdPlay: ProtocolVersion, Type: "ready", Version: version, Members: members}
}
