package tour

import (
	"strings"
	"testing"
)

// A tour through the partition, lease and linearizability vocabulary, run
// natively: each step's conditions must hold after its actions.
const vocabularyTour = `tour vocabulary
title The runner's vocabulary
step Partition
say The leader and one follower are cut off from three members.
do partition minority-with-leader
do put k new via majority
wait write-ok
wait new-leader
step Stale read
say A serializable read on the minority side is stale.
do get k via minority serializable
wait stale-read
step Refused read
say A linearizable read there fails.
do get k via minority
wait read-refused
step Refused write
say So does a write.
do put k lost via minority
wait write-refused
step Heal
say Heal; every member converges.
do heal
wait converged
wait key k=new
wait ticks 5
step Lease
say Grant a lease and attach a key.
do lease grant 5
do put-with-lease leased v
wait write-ok
wait key leased=v
step Expiry
say Without keep-alives the lease expires and its key goes.
wait lease-expired
wait no-key leased
step Check
say The history is linearizable.
do check
wait lincheck ok
step Kill two
say Two followers go down.
do kill followers 2
wait down 2-members
step Back up
say They return.
do restart down
wait all-up
wait applied>=5
wait snapshot-index>=0 on leader
`

func TestRunnerVocabulary(t *testing.T) {
	tr, err := Parse("vocabulary", []byte(vocabularyTour))
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, 5)
	ctx := ctxFor(t)
	r := New(e, tr)
	if err := r.Start(1); err != nil {
		t.Fatal(err)
	}
	for {
		doAndWait(t, ctx, r, e)
		if r.Step() == len(tr.Steps) {
			break
		}
		if err := r.Next(); err != nil {
			t.Fatal(err)
		}
	}
}

// A put on the minority is refused, so a tour that waits for write-ok
// there never gets it: Pending says so.
func TestRunnerPendingNames(t *testing.T) {
	tr, err := Parse("p", []byte("tour p\ntitle P\nstep S\nsay x\ndo isolate leader\ndo put k v via minority\nwait write-ok\nwait down 3\n"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEngine(t, 5)
	ctx := ctxFor(t)
	r := New(e, tr)
	if err := r.Start(1); err != nil {
		t.Fatal(err)
	}
	if err := r.Do(ctx); err != nil {
		t.Fatal(err)
	}
	e.Pause()
	got := strings.Join(r.Pending(), "; ")
	if got != "a write that succeeds; member 3 down" || r.Done() {
		t.Fatalf("pending %q, done %v", got, r.Done())
	}
}
