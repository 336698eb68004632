package cluster

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// A member that stopped on a full disk still answers serializable reads
// from what it applied (a linearizable read or a write through it is
// refused: it is down); once there is room, a restart brings it back and
// it no longer serves from the kept store. Power loss ends the kept store.
func TestFullDiskServesSerializableReads(t *testing.T) {
	c, disk, l := storedCluster(t)

	disk.SetQuota(disk.Used() + 2000)
	for i := 0; i < 200; i++ {
		c.Do(l, put(fmt.Sprintf("q%04d", i), strings.Repeat("v", 100)))
		c.Tick()
	}
	var full uint64
	tickUntil(t, c, 200, "a member down on a full disk", func() bool {
		for _, d := range c.DiskErrors() {
			if d.Quota && !c.Inspect()[d.Member-1].Up {
				full = d.Member
				return true
			}
		}
		return false
	})
	serial := Op{Range: &mvcc.RangeRequest{Key: []byte("k00005")}, Serializable: true}
	res, err := call(t, c, full, serial)
	if err != nil || len(res.Range.KVs) != 1 || string(res.Range.KVs[0].Value) == "" {
		t.Fatalf("serializable get on member %d, down on a full disk: %+v, %v", full, res.Range, err)
	}
	if _, err := call(t, c, full, get("k00005")); !errors.Is(err, ErrMemberDown) {
		t.Errorf("linearizable get on member %d down on a full disk: %v, want ErrMemberDown", full, err)
	}
	if _, err := call(t, c, full, put("x", "y")); !errors.Is(err, ErrMemberDown) {
		t.Errorf("put through member %d down on a full disk: %v, want ErrMemberDown", full, err)
	}

	disk.SetQuota(0)
	c.RestartAll()
	waitLeader(t, c, 1000)
	if len(c.DiskErrors()) != 0 || len(c.fullDisk) != 0 {
		t.Fatalf("after room and a restart: disk errors %+v, %d kept stores", c.DiskErrors(), len(c.fullDisk))
	}
	if _, err := call(t, c, full, put("after", "room")); err != nil {
		t.Fatalf("put through member %d after the restart: %v", full, err)
	}

	// A full disk again, then power loss: nothing kept.
	disk.SetQuota(disk.Used() + 500)
	for i := 0; i < 100 && len(c.fullDisk) == 0; i++ {
		c.Do(full, put(fmt.Sprintf("r%04d", i), strings.Repeat("v", 100)))
		c.Tick()
	}
	if len(c.fullDisk) == 0 {
		t.Fatal("no member down on the second full disk")
	}
	for id := range c.fullDisk {
		c.KillPowerLoss(id)
	}
	c.Tick()
	if len(c.fullDisk) != 0 {
		t.Errorf("power loss left %d kept stores", len(c.fullDisk))
	}
}
