//go:build !js

package mvcc

import (
	"bytes"
	"fmt"
	"math/rand"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
)

// gen draws random requests for one seeded run. Keys come from a small key
// space ("a".."dd", 20 keys) so that operations collide; every put value is
// unique to its operation, so a wrong value cannot go unnoticed. Revisions
// are drawn around the interesting points: current, future, the compaction
// revision and just below it, and random history.
type gen struct {
	rng  *rand.Rand
	seed int64
	op   int // number of the operation being generated

	rev, compactRev int64   // the oracle's, refreshed before each operation
	compactions     []int64 // every successful compaction revision so far
	leases          []int64 // every lease ID granted so far (some revoked)
	nextLease       int64
	values          [][]byte // recently written values, for compares

	// unsafeCompactRevs are revisions etcd v3.6.6 cannot be compacted at:
	// a txn that deletes from-key ("\x00" end) and then puts a key in that
	// range passes etcd's duplicate-key check (etcd-io/etcd#22445) and
	// deletes and re-creates the key in one revision; compacting exactly
	// there drops the live value, and etcd exits ("range failed to find
	// revision pair", etcd-io/etcd#22376). The oracle cannot follow etcd
	// there, so compactions avoid these revisions; everything else about
	// such txns is still compared.
	unsafeCompactRevs map[int64]bool

	// holdUntil: one seed in five neither compacts nor reads with a plain
	// Range (both become puts) for its first holdUntil operations, so that
	// history grows past etcd's 1,000-revision watch catch-up batch
	// (watchBatchMaxRevs) before any of it is dropped.
	holdUntil int
}

const keyAlphabet = "abcd"

func newGen(seed int64) *gen {
	g := &gen{rng: rand.New(rand.NewSource(seed)), seed: seed, nextLease: 100, unsafeCompactRevs: map[int64]bool{}}
	if seed%5 == 0 {
		g.holdUntil = 1800
	}
	return g
}

func (g *gen) chance(p float64) bool { return g.rng.Float64() < p }

func (g *gen) key() []byte {
	k := []byte{keyAlphabet[g.rng.Intn(len(keyAlphabet))]}
	if g.chance(0.6) {
		k = append(k, keyAlphabet[g.rng.Intn(len(keyAlphabet))])
	}
	return k
}

// keyRange returns a selection as RangeRequest spells it: one key (end nil,
// or empty, which etcd reads as nil), a prefix, from-key ("\x00"), an
// arbitrary [key, end) that may be empty or inverted, or every key.
func (g *gen) keyRange() (key, end []byte) {
	switch g.rng.Intn(10) {
	case 0, 1, 2, 3:
		return g.key(), nil
	case 4:
		return g.key(), []byte{}
	case 5, 6:
		k := g.key()[:1]
		return k, []byte{k[0] + 1}
	case 7:
		return g.key(), []byte{0}
	case 8:
		return g.key(), g.key()
	default:
		return []byte{0}, []byte{0}
	}
}

// value returns a value unique to this operation (sometimes empty).
func (g *gen) value(i int) []byte {
	if g.chance(0.03) {
		return nil
	}
	v := []byte(fmt.Sprintf("v%d.%d.%d", g.seed, g.op, i))
	g.values = append(g.values, v)
	if len(g.values) > 16 {
		g.values = g.values[1:]
	}
	return v
}

// readRev picks a revision to read at; negative allows revisions below 0,
// which etcd reads as the current revision in a plain Range but, inside a
// txn, rejects as compacted when below the compaction revision.
func (g *gen) readRev(negative bool) int64 {
	switch g.rng.Intn(12) {
	case 0, 1, 2, 3:
		return 0
	case 4:
		return g.rev
	case 5:
		return g.rev + 1 + g.rng.Int63n(2)
	case 6:
		return g.compactRev
	case 7:
		if g.compactRev > 1 {
			return g.compactRev - 1 - g.rng.Int63n(min(3, g.compactRev-1))
		}
		return g.compactRev
	case 8:
		if negative {
			return -1 - g.rng.Int63n(3)
		}
		return 0
	default:
		lo := max(1, g.compactRev)
		return lo + g.rng.Int63n(g.rev-lo+1)
	}
}

func (g *gen) leaseID() int64 {
	if len(g.leases) > 0 && g.chance(0.9) {
		return g.leases[g.rng.Intn(len(g.leases))]
	}
	return 1 + g.rng.Int63n(99) // never granted
}

func (g *gen) rangeReq(negative bool) *RangeRequest {
	r := &RangeRequest{Rev: g.readRev(negative)}
	r.Key, r.End = g.keyRange()
	if g.chance(0.01) {
		r.Key = nil
	}
	if g.chance(0.5) {
		r.Limit = 1 + g.rng.Int63n(4)
	}
	if g.chance(0.5) {
		r.SortOrder = SortOrder(g.rng.Intn(3))
		r.SortTarget = SortTarget(g.rng.Intn(5))
	}
	r.KeysOnly = g.chance(0.2)
	r.CountOnly = g.chance(0.15)
	return r
}

// putReq puts key (a random one if nil). One put in a thousand carries a
// value far too large for a raft proposal. A plain put (alone, not in a
// txn) is sometimes sized exactly around etcd's limit: over it with the
// smallest request header etcd adds (or even without one), or under it with
// the largest (see proposalID). Sizes in between depend on the etcd member
// and are not drawn.
func (g *gen) putReq(key []byte, alone bool) *PutRequest {
	if key == nil {
		key = g.key()
	}
	r := &PutRequest{Key: key, Value: g.value(0), PrevKV: g.chance(0.5)}
	if g.chance(0.01) {
		r.Key = nil
	}
	if g.chance(0.2) {
		r.Lease = g.leaseID()
	}
	switch {
	case g.chance(0.001):
		r.Value = make([]byte, MaxRequestBytes+1024)
	case alone && g.chance(0.0005):
		r.Value = valueForRaftSize(r, MaxRequestBytes+1)
	case alone && g.chance(0.0005):
		r.Value = valueForRaftSize(r, MaxRequestBytes-minProposalHeaderBytes+1)
	case alone && g.chance(0.0005):
		r.Value = valueForRaftSize(r, MaxRequestBytes-maxProposalHeaderBytes)
		g.rng.Read(r.Value)
	}
	return r
}

// valueForRaftSize returns a value that makes r's raft proposal (etcd's
// InternalRaftRequest carrying the put, without its request header) exactly
// size bytes long.
func valueForRaftSize(r *PutRequest, size int) []byte {
	for n := size; n > 0; n-- {
		p := pbPut(r)
		p.Value = make([]byte, n)
		if got := (&pb.InternalRaftRequest{Put: p}).Size(); got == size {
			return p.Value
		} else if got < size {
			break
		}
	}
	panic(fmt.Sprintf("no value gives a %d-byte proposal", size))
}

func (g *gen) deleteReq() *DeleteRangeRequest {
	r := &DeleteRangeRequest{PrevKV: g.chance(0.5)}
	r.Key, r.End = g.keyRange()
	if g.chance(0.01) {
		r.Key = nil
	}
	return r
}

func (g *gen) compare() Compare {
	c := Compare{Target: CompareTarget(g.rng.Intn(5)), Result: CompareResult(g.rng.Intn(4))}
	c.Key = g.key()
	if g.chance(0.15) {
		_, c.End = g.keyRange()
	}
	if g.chance(0.01) {
		c.Key = nil
	}
	switch c.Target {
	case CompareVersion:
		c.Version = g.rng.Int63n(4)
	case CompareCreate:
		c.CreateRevision = max(0, g.rev-g.rng.Int63n(8))
	case CompareMod:
		c.ModRevision = max(0, g.rev-g.rng.Int63n(8))
	case CompareValue:
		if len(g.values) > 0 && g.chance(0.6) {
			c.Value = g.values[g.rng.Intn(len(g.values))]
		} else if g.chance(0.5) {
			c.Value = []byte("v")
		}
	case CompareLease:
		if g.chance(0.5) {
			c.Lease = g.leaseID()
		}
	}
	return c
}

// txnReq builds a txn of up to depth nesting levels. Puts and deletes pick
// keys not yet written by this txn most of the time, so that most txns pass
// etcd's duplicate-key check and some do not.
func (g *gen) txnReq(depth int, used map[string]bool) *TxnRequest {
	t := &TxnRequest{}
	for n := g.rng.Intn(4); n > 0; n-- {
		t.Compare = append(t.Compare, g.compare())
	}
	t.Success = g.txnOps(depth, used)
	t.Failure = g.txnOps(depth, used)
	return t
}

func (g *gen) freshKey(used map[string]bool) []byte {
	k := g.key()
	for tries := 0; used[string(k)] && tries < 8 && g.chance(0.95); tries++ {
		k = g.key()
	}
	used[string(k)] = true
	return k
}

func (g *gen) txnOps(depth int, used map[string]bool) []RequestOp {
	var ops []RequestOp
	for n := g.rng.Intn(5); n > 0; n-- {
		switch x := g.rng.Intn(20); {
		case x < 7:
			ops = append(ops, RequestOp{Range: g.rangeReq(true)})
		case x < 14:
			ops = append(ops, RequestOp{Put: g.putReq(g.freshKey(used), false)})
		case x < 17:
			d := g.deleteReq()
			if g.chance(0.7) {
				d.Key, d.End = g.freshKey(used), nil
			}
			ops = append(ops, RequestOp{DeleteRange: d})
		default:
			if depth > 0 {
				ops = append(ops, RequestOp{Txn: g.txnReq(depth-1, used)})
			}
		}
	}
	return ops
}

// wideTxn builds a txn near MaxTxnOps: a branch of single-key ranges
// ending in a nested txn, exercising etcd's op budget for nested txns.
func (g *gen) wideTxn() *TxnRequest {
	width := MaxTxnOps - 8 + g.rng.Intn(10)
	t := &TxnRequest{}
	for i := 0; i < width-1; i++ {
		t.Success = append(t.Success, RequestOp{Range: &RangeRequest{Key: g.key()}})
	}
	nested := &TxnRequest{}
	for n := g.rng.Intn(12); n > 0; n-- {
		nested.Success = append(nested.Success, RequestOp{Range: &RangeRequest{Key: g.key()}})
	}
	if g.chance(0.5) {
		nested.Success = append(nested.Success, RequestOp{Put: &PutRequest{Key: g.key(), Value: g.value(1)}})
	}
	t.Success = append(t.Success, RequestOp{Txn: nested})
	return t
}

func (g *gen) compactRevision() int64 {
	rev := g.pickCompactRevision()
	for tries := 0; g.unsafeCompactRevs[rev] && tries < 4; tries++ {
		rev = g.pickCompactRevision()
	}
	if g.unsafeCompactRevs[rev] {
		return g.compactRev // refused: already compacted
	}
	return rev
}

// noteTxn records the revision of a txn that wrote, when compacting at it
// would crash etcd (see unsafeCompactRevs): one whose executed operations
// put a key after a from-key delete whose range holds that key. resp is
// etcd's answer, which tells which branch of each txn ran.
func (g *gen) noteTxn(t *TxnRequest, resp *TxnResponse) {
	if resp.Header.Revision > g.rev && recreates(t, resp, new([][]byte)) {
		g.unsafeCompactRevs[resp.Header.Revision] = true
	}
}

// recreates walks the executed branch of t in order; fromKeys collects the
// start keys of the from-key deletes run so far.
func recreates(t *TxnRequest, resp *TxnResponse, fromKeys *[][]byte) bool {
	ops := t.Failure
	if resp.Succeeded {
		ops = t.Success
	}
	for i, op := range ops {
		switch {
		case op.DeleteRange != nil && len(op.DeleteRange.End) == 1 && op.DeleteRange.End[0] == 0:
			*fromKeys = append(*fromKeys, op.DeleteRange.Key)
		case op.Put != nil:
			for _, from := range *fromKeys {
				if bytes.Compare(op.Put.Key, from) >= 0 {
					return true
				}
			}
		case op.Txn != nil && i < len(resp.Responses) && resp.Responses[i].Txn != nil:
			if recreates(op.Txn, resp.Responses[i].Txn, fromKeys) {
				return true
			}
		}
	}
	return false
}

func (g *gen) pickCompactRevision() int64 {
	switch g.rng.Intn(12) {
	case 0:
		return g.compactRev
	case 1:
		return g.compactRev - 1
	case 2:
		return g.rev + 1
	case 3:
		return g.rev
	case 4:
		return g.rng.Int63n(2) // 0 or 1: below or at the first revision
	default:
		lo := max(1, g.compactRev+1)
		if lo > g.rev {
			return g.rev
		}
		return lo + g.rng.Int63n(g.rev-lo+1)
	}
}

func (g *gen) hashRevision() int64 {
	switch g.rng.Intn(10) {
	case 0, 1:
		return 0
	case 2:
		return g.rev
	case 3:
		return g.compactRev
	case 4:
		return g.compactRev + 1
	case 5:
		return g.compactRev - 1
	case 6:
		if len(g.compactions) > 0 {
			return g.compactions[g.rng.Intn(len(g.compactions))]
		}
		return g.compactRev
	case 7:
		return g.rev + 1
	default:
		lo := max(1, g.compactRev)
		return lo + g.rng.Int63n(g.rev-lo+1)
	}
}

func (g *gen) grantReq() *LeaseGrantRequest {
	r := &LeaseGrantRequest{TTL: 5 + g.rng.Int63n(100)}
	switch {
	case len(g.leases) > 0 && g.chance(0.1):
		r.ID = g.leases[g.rng.Intn(len(g.leases))]
	case g.chance(0.005):
		r.ID = 0
	default:
		g.nextLease++
		r.ID = g.nextLease
	}
	switch {
	case g.chance(0.02):
		r.TTL = 9_000_000_001 // above etcd's MaxLeaseTTL
	case g.chance(0.01):
		r.TTL = 9_000_000_000
	}
	return r
}

func (g *gen) watchReq() WatchRequest {
	r := WatchRequest{PrevKV: g.chance(0.4), NoPut: g.chance(0.1), NoDelete: g.chance(0.1)}
	// Every key is Key "\x00", End "\x00", as clientv3 spells it: etcd's
	// watcher groups mishandle an empty Key (no events, and a panic on
	// cancel), which clients never send.
	r.Key, r.End = g.keyRange()
	switch x := g.rng.Intn(20); {
	case x < 6:
		r.StartRev = 0
	case x < 8:
		r.StartRev = g.rev
	case x < 10:
		r.StartRev = g.rev + 1
	case x < 11:
		r.StartRev = g.rev + 2 + g.rng.Int63n(5)
	case x < 12:
		r.StartRev = max(1, g.compactRev)
	case x < 14:
		r.StartRev = max(1, g.compactRev-1-g.rng.Int63n(3))
	default:
		lo := max(1, g.compactRev)
		r.StartRev = lo + g.rng.Int63n(g.rev-lo+1)
	}
	return r
}
