package cluster

import (
	"fmt"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// A disk one member found full that then stops answering the others (as
// Chromium's IndexedDB on a real full disk: one write fails for lack of
// space, the others neither complete nor abort): every member down on it
// says the storage is full, and each answers serializable reads from what
// it applied; once there is room, Restart all brings the cluster back.
func TestNoAnswerAfterAFullDiskIsTheFullDisk(t *testing.T) {
	shortCallTimeout(t)
	c, disk, l := storedCluster(t)

	disk.SetQuota(disk.Used() + 2000)
	tickUntil(t, c, 300, "a member down on the full disk", func() bool {
		for _, d := range c.DiskErrors() {
			if strings.Contains(d.Err, "quota") {
				return true
			}
		}
		c.Do(l, put(fmt.Sprintf("q%04d", c.Now()), strings.Repeat("v", 100)))
		return false
	})
	disk.Stall()
	tickUntil(t, c, 100, "a majority down", func() bool { return len(c.DiskErrors()) > len(c.ids)/2 })
	silent := 0
	for _, d := range c.DiskErrors() {
		if strings.Contains(d.Err, "did not answer") {
			silent++
		}
		if !d.Quota {
			t.Errorf("member %d's disk error does not say the disk is full: %+v", d.Member, d)
		}
		serial := Op{Range: &mvcc.RangeRequest{Key: []byte("k00005")}, Serializable: true}
		if res, err := call(t, c, d.Member, serial); err != nil || len(res.Range.KVs) != 1 {
			t.Errorf("serializable get on member %d, down on the full disk: %+v, %v", d.Member, res.Range, err)
		}
	}
	if silent == 0 {
		t.Fatalf("no member's save went unanswered (the case under test): %+v", c.DiskErrors())
	}

	disk.Release()
	disk.SetQuota(0)
	c.RestartAll()
	l = waitLeader(t, c, 1000)
	if len(c.DiskErrors()) != 0 {
		t.Fatalf("disk errors after room and a restart: %+v", c.DiskErrors())
	}
	if _, err := call(t, c, l, put("after", "room")); err != nil {
		t.Fatalf("put after the restart: %v", err)
	}
}
