package cluster

import (
	"strings"
	"testing"
	"time"
)

// A disk that stops answering (a transaction that neither completes nor
// aborts) does not stop the cluster's clock: each save waiting on it fails
// with ErrNoAnswer after durable.CallTimeout, its member crashes and
// DiskErrors says why; once the disk answers again, restarting the members
// brings the cluster back with its acknowledged writes.
func TestDiskThatNeverAnswers(t *testing.T) {
	shortCallTimeout(t)
	c, disk, l := storedCluster(t)

	disk.Stall()
	cl := c.Do(l, put("stalled", "v"))
	t0 := time.Now()
	tickUntil(t, c, 50, "a majority down on a disk that does not answer (the rest save nothing while they find no leader)", func() bool {
		return len(c.DiskErrors()) > len(c.ids)/2
	})
	for _, d := range c.DiskErrors() {
		if !strings.Contains(d.Err, "did not answer") || d.Quota || d.Corrupt {
			t.Errorf("member %d's disk error: %+v, want one saying the storage did not answer", d.Member, d)
		}
	}
	t.Logf("a majority down %v after the disk stopped answering: %s", time.Since(t0).Round(time.Millisecond), c.DiskErrors()[0].Err)
	tickUntil(t, c, 100, "the put to be answered", func() bool { return isDone(cl) })
	if _, err := cl.Result(); err == nil {
		t.Errorf("a put whose save got no answer was acknowledged")
	}

	disk.Release()
	c.RestartAll()
	l = waitLeader(t, c, 1000)
	if len(c.DiskErrors()) != 0 {
		t.Fatalf("disk errors after the restart: %+v", c.DiskErrors())
	}
	if _, err := call(t, c, l, put("after", "answer")); err != nil {
		t.Fatalf("put after the restart: %v", err)
	}
	res, err := call(t, c, l, get("k00019"))
	if err != nil || len(res.Range.KVs) != 1 {
		t.Fatalf("an acknowledged key after the restart: %+v %v", res.Range, err)
	}
}
