package cluster

import (
	"fmt"
	"slices"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Recording and replaying a run.
//
// Every public method that queues something (faults, settings, client
// calls, watches, stress runs; see ActionKinds) records one Action, and
// only those: what the cluster queues or submits itself (auto-compaction,
// rolling restarts, stress puts, loading) follows deterministically from
// them. An action is recorded when it runs, at the start of the tick that
// takes it (inside Tick's queue loop, with Tick = that tick), in queue
// order; methods that validate their arguments and return an error queue
// nothing and record nothing. History returns what was recorded.
//
// Replay (or New then Apply of each action before the tick it names, then
// Tick) gives the same run as the one recorded: the same events, statuses,
// hashes and answers. Recording only appends to a slice: it is not in the
// run's decision path.
//
// One caveat: KillPowerLoss abandons its member's save in flight at the
// moment it is called. Called between ticks (as the engine does), that is
// exactly what its replay does; called while a Tick runs on another
// goroutine, it may cut that tick's save, which the replay (which applies
// it before the next tick) does not.

// Action is one thing a person or client did to the cluster; it takes
// effect at the start of tick Tick (before that tick's round), in the order
// of the History's list. Which fields a kind uses is listed with its
// constant (KindKill, ...); the others are zero. Pointer fields are never
// written once recorded: History's copies share them.
type Action struct {
	Tick             uint64
	Kind             string
	Member, From, To uint64        `json:",omitempty"`
	Groups           [][]uint64    `json:",omitempty"` // partition
	P                float64       `json:",omitempty"` // drop / duplicate probability
	Ticks            int           `json:",omitempty"` // delay / reorder window
	ID               uint64        `json:",omitempty"` // drop-message: message id; stress, stress-stop: run number; watch, watch-cancel: watch number
	Op               *Op           `json:",omitempty"` // call: the client request (cluster.Op = node.Op)
	Watch            *WatchRequest `json:",omitempty"` // watch
	Stress           *StressConfig `json:",omitempty"` // stress
	Settings         *Settings     `json:",omitempty"` // settings
}

// The action kinds, each with the method that records it and the fields it
// uses.
const (
	KindKill             = "kill"                // Kill(Member)
	KindRestart          = "restart"             // Restart(Member)
	KindKillAll          = "kill-all"            // KillAll()
	KindRestartAll       = "restart-all"         // RestartAll()
	KindKillPowerLoss    = "kill-power-loss"     // KillPowerLoss(Member)
	KindKillAllPowerLoss = "kill-all-power-loss" // KillAllPowerLoss()
	KindWipe             = "wipe"                // WipeMember(Member)
	KindPartition        = "partition"           // Partition(Groups...)
	KindIsolate          = "isolate"             // Isolate(Member)
	KindCut              = "cut"                 // Cut(From, To)
	KindHealLink         = "heal-link"           // HealLink(From, To)
	KindHealAll          = "heal-all"            // HealAll()
	KindDrop             = "drop"                // SetDrop(From, To, P)
	KindDelay            = "delay"               // SetDelay(From, To, Ticks)
	KindDuplicate        = "duplicate"           // SetDuplicate(From, To, P)
	KindReorder          = "reorder"             // SetReorder(From, To, Ticks)
	KindFlakyNetwork     = "flaky-network"       // FlakyNetwork()
	KindTransfer         = "transfer-leadership" // TransferLeadership(To)
	KindDropMessage      = "drop-message"        // DropMessage(ID)
	KindSettings         = "settings"            // SetSettings(*Settings)
	KindCall             = "call"                // Do(Member, *Op): every client request
	KindWatch            = "watch"               // Watch(Member, *Watch); ID: the watch's number (informative)
	KindWatchCancel      = "watch-cancel"        // (*Watch).Cancel of watch number ID
	KindStress           = "stress"              // Stress(*Stress), with its defaults filled in; ID: the run's number (informative)
	KindStressStop       = "stress-stop"         // (*StressRun).Stop of run number ID
)

// ActionKinds lists every action kind, in the order of the constants above.
var ActionKinds = []string{
	KindKill, KindRestart, KindKillAll, KindRestartAll, KindKillPowerLoss, KindKillAllPowerLoss, KindWipe,
	KindPartition, KindIsolate, KindCut, KindHealLink, KindHealAll,
	KindDrop, KindDelay, KindDuplicate, KindReorder, KindFlakyNetwork,
	KindTransfer, KindDropMessage, KindSettings,
	KindCall, KindWatch, KindWatchCancel, KindStress, KindStressStop,
}

// History returns a copy of the actions applied so far, in order (Tick is
// the tick each ran at). The actions' pointer fields are shared and must
// not be written.
func (c *Cluster) History() []Action {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.history)
}

// HistoryLen returns how many actions History would return, without
// copying them (the timeline polls it on every update).
func (c *Cluster) HistoryLen() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.history)
}

// record appends a to the history, stamped with the current tick. Called
// with c.mu held, by Tick as it runs a queued action.
func (c *Cluster) record(a Action) {
	a.Tick = c.now
	c.history = append(c.history, a)
}

// recordCall records a client call as it is submitted, with a copy of its
// request (so that a caller reusing its buffers later changes nothing
// recorded). Called with c.mu held, by Tick.
func (c *Cluster) recordCall(call *Call) {
	op := cloneOp(call.op)
	c.record(Action{Kind: KindCall, Member: call.member, Op: &op})
}

// Apply queues a exactly as its own method would (a.Tick is ignored: the
// action runs at the start of the next Tick). It is the replay's entry
// point. It returns the method's error, or an error for an unknown kind,
// a missing payload (Op, Watch, Stress, Settings) or a watch or stress run
// number that names none.
func (c *Cluster) Apply(a Action) error {
	if err := c.apply(a); err != nil {
		return fmt.Errorf("cluster: apply %s: %w", a.Kind, err)
	}
	return nil
}

func (c *Cluster) apply(a Action) error {
	switch a.Kind {
	case KindKill:
		return c.Kill(a.Member)
	case KindRestart:
		return c.Restart(a.Member)
	case KindKillAll:
		c.KillAll()
	case KindRestartAll:
		c.RestartAll()
	case KindKillPowerLoss:
		return c.KillPowerLoss(a.Member)
	case KindKillAllPowerLoss:
		c.KillAllPowerLoss()
	case KindWipe:
		return c.WipeMember(a.Member)
	case KindPartition:
		c.Partition(a.Groups...)
	case KindIsolate:
		c.Isolate(a.Member)
	case KindCut:
		c.Cut(a.From, a.To)
	case KindHealLink:
		c.HealLink(a.From, a.To)
	case KindHealAll:
		c.HealAll()
	case KindDrop:
		c.SetDrop(a.From, a.To, a.P)
	case KindDelay:
		c.SetDelay(a.From, a.To, a.Ticks)
	case KindDuplicate:
		c.SetDuplicate(a.From, a.To, a.P)
	case KindReorder:
		c.SetReorder(a.From, a.To, a.Ticks)
	case KindFlakyNetwork:
		c.FlakyNetwork()
	case KindTransfer:
		return c.TransferLeadership(a.To)
	case KindDropMessage:
		c.DropMessage(a.ID)
	case KindSettings:
		if a.Settings == nil {
			return errMissing("Settings")
		}
		return c.SetSettings(*a.Settings)
	case KindCall:
		if a.Op == nil {
			return errMissing("Op")
		}
		c.Do(a.Member, cloneOp(*a.Op))
	case KindWatch:
		if a.Watch == nil {
			return errMissing("Watch")
		}
		_, err := c.Watch(a.Member, *a.Watch)
		return err
	case KindWatchCancel:
		c.qmu.Lock()
		w := c.watchByNum[a.ID]
		c.qmu.Unlock()
		if w == nil {
			return fmt.Errorf("no watch number %d is running", a.ID)
		}
		w.Cancel()
	case KindStress:
		if a.Stress == nil {
			return errMissing("Stress")
		}
		c.Stress(*a.Stress)
	case KindStressStop:
		c.qmu.Lock()
		var r *StressRun
		if a.ID >= 1 && a.ID <= uint64(len(c.stressByNum)) {
			r = c.stressByNum[a.ID-1]
		}
		c.qmu.Unlock()
		if r == nil {
			return fmt.Errorf("no stress run number %d", a.ID)
		}
		r.Stop()
	default:
		return fmt.Errorf("unknown action kind %q", a.Kind)
	}
	return nil
}

func errMissing(field string) error { return fmt.Errorf("the action has no %s", field) }

// Replay starts New(cfg), then for each tick t < until applies every
// action with Tick == t (in order) and runs Tick; it returns the cluster at
// Now() == until. actions must be in non-decreasing Tick order (an error
// otherwise); actions at or after until are not applied.
func Replay(cfg Config, actions []Action, until uint64) (*Cluster, error) {
	for i := 1; i < len(actions); i++ {
		if actions[i].Tick < actions[i-1].Tick {
			return nil, fmt.Errorf("cluster: replay: action %d at tick %d comes after one at tick %d", i, actions[i].Tick, actions[i-1].Tick)
		}
	}
	c, err := New(cfg)
	if err != nil {
		return nil, err
	}
	next := 0
	for t := uint64(0); t < until; t++ {
		for next < len(actions) && actions[next].Tick == t {
			if err := c.Apply(actions[next]); err != nil {
				return nil, fmt.Errorf("cluster: replay: action %d at tick %d: %w", next, t, err)
			}
			next++
		}
		c.Tick()
	}
	return c, nil
}

// cloneOp returns a deep copy of op (its requests and their byte strings).
func cloneOp(op Op) Op {
	if op.Put != nil {
		p := *op.Put
		p.Key, p.Value = cloneBytes(p.Key), cloneBytes(p.Value)
		op.Put = &p
	}
	if op.Range != nil {
		r := *op.Range
		r.Key, r.End = cloneBytes(r.Key), cloneBytes(r.End)
		op.Range = &r
	}
	if op.DeleteRange != nil {
		d := *op.DeleteRange
		d.Key, d.End = cloneBytes(d.Key), cloneBytes(d.End)
		op.DeleteRange = &d
	}
	if op.Txn != nil {
		op.Txn = cloneTxn(op.Txn)
	}
	if op.LeaseGrant != nil {
		g := *op.LeaseGrant
		op.LeaseGrant = &g
	}
	return op
}

func cloneTxn(t *mvcc.TxnRequest) *mvcc.TxnRequest {
	out := &mvcc.TxnRequest{}
	if t.Compare != nil {
		out.Compare = make([]mvcc.Compare, len(t.Compare))
		for i, cmp := range t.Compare {
			cmp.Key, cmp.End, cmp.Value = cloneBytes(cmp.Key), cloneBytes(cmp.End), cloneBytes(cmp.Value)
			out.Compare[i] = cmp
		}
	}
	out.Success = cloneRequestOps(t.Success)
	out.Failure = cloneRequestOps(t.Failure)
	return out
}

func cloneRequestOps(ops []mvcc.RequestOp) []mvcc.RequestOp {
	if ops == nil {
		return nil
	}
	out := make([]mvcc.RequestOp, len(ops))
	for i, o := range ops {
		c := cloneOp(Op{Put: o.Put, Range: o.Range, DeleteRange: o.DeleteRange, Txn: o.Txn})
		out[i] = mvcc.RequestOp{Put: c.Put, Range: c.Range, DeleteRange: c.DeleteRange, Txn: c.Txn}
	}
	return out
}

// cloneBytes copies b, keeping nil nil and empty empty.
func cloneBytes(b []byte) []byte {
	if b == nil {
		return nil
	}
	return append([]byte{}, b...)
}
