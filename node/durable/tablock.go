package durable

import (
	"errors"
	"sync"
)

// ErrLocked: another tab (or, natively, another holder in this process)
// holds the lock.
var ErrLocked = errors.New("durable: the cluster is open in another tab")

// TabLock is an exclusive lock on a name across every tab of the site (the
// Web Locks API in the browser; a process-wide table natively), so that two
// tabs never interleave writes to the same IndexedDB cluster. The second tab
// gets ErrLocked and may offer to take over (LockTab with steal) or to run a
// separate in-memory cluster. Acquire it before OpenIndexedDB; hold it for
// the page's life.
type TabLock struct {
	lost     chan struct{} // closed when another holder steals the lock
	lostOnce sync.Once
	release  func()
	relOnce  sync.Once
}

// Lost is closed when another tab takes the lock over (LockTab with steal):
// this tab must stop writing at once (Kill its namespaces) and say why.
func (l *TabLock) Lost() <-chan struct{} { return l.lost }

// Release gives the lock up and returns once another holder can take it
// (in the browser it waits for that: not from a js.FuncOf callback). Later
// calls, and a call after the lock was stolen, do nothing.
func (l *TabLock) Release() { l.relOnce.Do(l.release) }

func (l *TabLock) markLost() { l.lostOnce.Do(func() { close(l.lost) }) }

// memLocks is the native lock table: name -> holder.
var memLocks = struct {
	sync.Mutex
	held map[string]*TabLock
}{held: map[string]*TabLock{}}

// lockInProcess is LockTab's native implementation, also used by tests.
func lockInProcess(name string, steal bool) (*TabLock, error) {
	memLocks.Lock()
	defer memLocks.Unlock()
	if old := memLocks.held[name]; old != nil {
		if !steal {
			return nil, ErrLocked
		}
		old.markLost()
	}
	l := &TabLock{lost: make(chan struct{})}
	l.release = func() {
		memLocks.Lock()
		if memLocks.held[name] == l {
			delete(memLocks.held, name)
		}
		memLocks.Unlock()
	}
	memLocks.held[name] = l
	return l, nil
}
