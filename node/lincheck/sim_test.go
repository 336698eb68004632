package lincheck

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"
)

// simOp is an operation in flight in the simulated store.
type simOp struct {
	id            int
	op            Op
	callEv, retEv int // simulation event numbers; retEv 0 while pending
	applied, fail bool
	out           Output
	stale         bool // return staleValue instead of the store's value
	staleValue    string
}

// simulate records a history of an atomic store used by clients concurrent
// clients over keys keys: each operation takes effect at one moment between
// its invocation and return, and about one write in ten fails, applied or
// not. If stale, the first read that can be made a certain violation returns
// the key's previous value: that value's put returned before the put that
// overwrote it was invoked, which returned before the read was invoked, and
// neither failed.
func simulate(seed uint64, clients, keys, ops int, stale bool) (r *Recorder, injected bool) {
	rng := rand.New(rand.NewPCG(seed, 1))
	r = &Recorder{}
	store := map[string]string{}
	last, prev := map[string]*simOp{}, map[string]*simOp{} // last two applied writes per key
	inFlight := make([]*simOp, clients)
	ev, values, started, busy := 0, 0, 0, 0
	for started < ops || busy > 0 {
		c := rng.IntN(clients)
		p := inFlight[c]
		switch {
		case p == nil && started < ops:
			key := fmt.Sprintf("k%d", rng.IntN(keys))
			var op Op
			switch rng.IntN(4) {
			case 0, 1:
				values++
				op = Put(key, fmt.Sprint(values))
			case 2:
				op = Get(key)
			default:
				op = Delete(key)
			}
			ev++
			p = &simOp{id: r.Invoke(c, op), op: op, callEv: ev, fail: op.Kind != KindGet && rng.IntN(10) == 0}
			if w, pw := last[key], prev[key]; stale && !injected && op.Kind == KindGet &&
				w != nil && !w.fail && w.retEv != 0 &&
				pw != nil && pw.op.Kind == KindPut && !pw.fail && pw.retEv != 0 && pw.retEv < w.callEv {
				p.stale, p.staleValue, injected = true, pw.op.Value, true
			}
			inFlight[c] = p
			started++
			busy++
		case p == nil:
		case !p.applied && !(p.fail && rng.IntN(2) == 0):
			p.applied = true
			key := p.op.Key
			v, ok := store[key]
			switch p.op.Kind {
			case KindGet:
				p.out = Output{Value: v, Found: ok}
				if p.stale {
					p.out = Output{Value: p.staleValue, Found: true}
				}
			case KindPut:
				store[key] = p.op.Value
			case KindDelete:
				if ok {
					p.out.Deleted = 1
				}
				delete(store, key)
			}
			if p.op.Kind != KindGet {
				prev[key], last[key] = last[key], p
			}
		default:
			var err error
			if p.fail {
				err = errors.New("etcdserver: request timed out")
			}
			ev++
			p.retEv = ev
			if e := r.Return(p.id, p.out, err, false); e != nil {
				panic(e)
			}
			inFlight[c] = nil
			busy--
		}
	}
	return r, injected
}

// TestSimulatedHistories: histories of an atomic store pass; the same
// histories with one certain stale read fail.
func TestSimulatedHistories(t *testing.T) {
	const seeds = 50
	stale := 0
	for seed := uint64(1); seed <= seeds; seed++ {
		r, _ := simulate(seed, 5, 3, 200, false)
		if res, err := r.Check(0); err != nil || !res.OK {
			t.Fatalf("seed %d: linearizable history rejected: %+v, %v", seed, res, err)
		}
		r, injected := simulate(seed, 5, 3, 200, true)
		if !injected {
			continue
		}
		stale++
		if res, err := r.Check(0); err != nil || res.OK || res.Unknown {
			t.Fatalf("seed %d: history with a stale read accepted: %+v, %v", seed, res, err)
		}
	}
	if stale < seeds/2 {
		t.Fatalf("a stale read was injected in only %d of %d seeds", stale, seeds)
	}
}

// TestLargeHistory checks a history of the size a chaos run produces.
func TestLargeHistory(t *testing.T) {
	r, _ := simulate(99, 20, 10, 10000, false)
	res, err := r.Check(0)
	if err != nil || !res.OK || res.Partitions != 10 {
		t.Fatalf("Check = %+v, %v; want OK over 10 keys", res, err)
	}
}

// TestRecorderConcurrent records from several goroutines, each its own
// client doing sequential puts and reads of its own key.
func TestRecorderConcurrent(t *testing.T) {
	var r Recorder
	var wg sync.WaitGroup
	for c := range 8 {
		wg.Go(func() {
			key := fmt.Sprintf("k%d", c)
			for i := range 50 {
				v := fmt.Sprint(i)
				id := r.Invoke(c, Put(key, v))
				if err := r.Return(id, Output{}, nil, false); err != nil {
					t.Error(err)
				}
				id = r.Invoke(c, Get(key))
				if err := r.Return(id, Output{Value: v, Found: true}, nil, false); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
	res, err := r.Check(10 * time.Second)
	if err != nil || !res.OK || res.Ops != 800 || res.Partitions != 8 {
		t.Fatalf("Check = %+v, %v", res, err)
	}
}

func BenchmarkCheck(b *testing.B) {
	r, _ := simulate(99, 20, 10, 10000, false)
	for b.Loop() {
		if res, err := r.Check(0); err != nil || !res.OK {
			b.Fatalf("Check = %+v, %v", res, err)
		}
	}
}
