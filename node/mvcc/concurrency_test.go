package mvcc

import (
	"fmt"
	"runtime"
	"sync"
	"testing"
)

// Readers, writers, compaction, hashing, snapshots and a watcher run at
// once (meaningful under -race); the watcher must still see every write
// once, in order.
func TestConcurrentUse(t *testing.T) {
	s := New()
	ws := s.NewWatchStream(4)
	mustWatch(t, ws, WatchRequest{Key: []byte("w"), End: []byte("x")})
	const writers, perWriter = 4, 200
	var wg sync.WaitGroup
	for w := 0; w < writers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < perWriter; i++ {
				if _, err := s.Put(&PutRequest{Key: []byte(fmt.Sprintf("w%d", w)), Value: []byte(fmt.Sprint(i))}); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	stop := make(chan struct{})
	var readers sync.WaitGroup
	readers.Add(1)
	go func() {
		defer readers.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			if _, err := s.Range(&RangeRequest{Key: []byte("w"), End: []byte("x")}); err != nil {
				t.Error(err)
			}
			if _, err := s.HashKV(0); err != nil {
				t.Error(err)
			}
			if _, err := s.Snapshot(); err != nil {
				t.Error(err)
			}
			_ = s.Stats()
			// Under js/wasm goroutines switch only where one blocks, and
			// this loop need not block: let the writers and the owner run.
			runtime.Gosched()
		}
	}()
	// The owner drains the watch channel and drives catch-up.
	var revs []int64
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	finished := false
	for {
		select {
		case r := <-ws.Chan():
			for _, ev := range r.Events {
				revs = append(revs, ev.Kv.ModRevision)
			}
			continue
		case <-done:
			finished = true
		default:
		}
		more := s.SyncWatchers()
		if finished && !more && len(ws.Chan()) == 0 {
			break
		}
		if len(ws.Chan()) == 0 && !finished {
			// Block until a response or the writers finish, rather than spin.
			select {
			case r := <-ws.Chan():
				for _, ev := range r.Events {
					revs = append(revs, ev.Kv.ModRevision)
				}
			case <-done:
				finished = true
			}
		}
	}
	close(stop)
	readers.Wait()
	if len(revs) != writers*perWriter {
		t.Fatalf("watcher saw %d events, want %d", len(revs), writers*perWriter)
	}
	for i, r := range revs {
		if r != int64(i)+2 {
			t.Fatalf("event %d at revision %d, want %d", i, r, i+2)
		}
	}
}
