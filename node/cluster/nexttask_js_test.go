package cluster

import (
	"sync"
	"testing"
	"time"
)

// TestNextTaskWakesEveryWaiterInOrder: waiters queued one after the other
// are woken in that order, each once, each with a task start no earlier
// than its call, and YieldTask returns to every goroutine that called it
// at once (no wake-up lost to the shared callback).
func TestNextTaskWakesEveryWaiterInOrder(t *testing.T) {
	const n = 50
	before := time.Now()
	chans := make([]<-chan time.Time, n)
	for i := range chans {
		chans[i] = nextTask()
	}
	var last time.Time
	for i, ch := range chans {
		at := <-ch
		if at.Before(before) || at.Before(last) {
			t.Fatalf("waiter %d woken at %v: before its call (%v) or before waiter %d (%v)", i, at, before, i-1, last)
		}
		last = at
		select {
		case <-ch:
			t.Fatalf("waiter %d woken twice", i)
		default:
		}
	}

	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			YieldTask()
		}()
	}
	done := make(chan struct{})
	go func() {
		wg.Wait()
		close(done)
	}()
	select {
	case <-done:
	case <-time.After(10 * time.Second):
		t.Fatalf("YieldTask did not return to all %d goroutines", n)
	}
}
