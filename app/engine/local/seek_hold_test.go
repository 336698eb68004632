package local

import (
	"context"
	"fmt"
	"sync"
	"testing"

	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Reads queued while a seek replays (the page polls the engine during a
// Back) leave the tick it shows as the run had it: they wait until the
// seek ends, then apply at that tick. Without the hold the first of them
// ended the recorded future mid-replay, and the replay went on without
// the run's later actions (a kill, here).
func TestSeekHoldsActionsQueuedMeanwhile(t *testing.T) {
	const maxReads = 2000 // per seek
	e := newRecordedEngine(t, 3)
	e.stopTimeline() // the seeks below replay; no background catch-up
	buildRun(t, e)
	ctx := context.Background()
	want := func() string { return fmt.Sprintf("%+v", e.Cluster.Status()) }
	if err := e.Seek(ctx, 150); err != nil {
		t.Fatal(err)
	}
	mid := want()
	for round := 0; round < 5; round++ {
		// With the replay cluster past 150, the live cluster replays to
		// 150 itself, from the newest checkpoint before it.
		if err := e.Seek(ctx, 400); err != nil {
			t.Fatal(err)
		}
		var (
			wg    sync.WaitGroup
			stop  = make(chan struct{})
			calls []*cluster.Call
		)
		wg.Add(1)
		go func() {
			defer wg.Done()
			for len(calls) < maxReads {
				select {
				case <-stop:
					return
				default:
				}
				calls = append(calls, e.Cluster.Do(1, cluster.Op{Range: &mvcc.RangeRequest{Key: []byte("a")}, Serializable: true}))
			}
		}()
		err := e.Seek(ctx, 150)
		close(stop)
		wg.Wait()
		if err != nil {
			t.Fatal(err)
		}
		if got := want(); got != mid {
			t.Fatalf("round %d: tick 150 after a seek with %d reads queued meanwhile differs from the run:\n%s", round, len(calls), firstLineDiff(mid, got))
		}
	}
}
