package cluster

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/node/durable"
)

// diskConfig is a three-member cluster on db that snapshots and compacts
// often, so that the tests cross snapshots and compacted logs.
func diskConfig(db *durable.DB, epoch uint64) Config {
	return Config{Members: 3, Seed: 7, SnapshotCount: 20, CatchUpCount: 10, Epoch: epoch, NewStorage: OnDisk(db)}
}

// shortCallTimeout makes a storage call that gets no answer fail after
// 100 ms (durable.CallTimeout) for the rest of the test.
func shortCallTimeout(t *testing.T) {
	d := durable.CallTimeout
	durable.CallTimeout = 100 * time.Millisecond
	t.Cleanup(func() { durable.CallTimeout = d })
}

// storedCluster starts a cluster on a fresh memory disk, elects a leader
// and stores keys k00000..k00019 on every member; it returns the cluster,
// its disk (to fill or stall) and the leader.
func storedCluster(t *testing.T) (*Cluster, *durable.MemDisk, uint64) {
	t.Helper()
	disk := durable.NewMemDisk()
	c := newTestCluster(t, diskConfig(durable.NewMemory(disk), 1))
	l := waitLeader(t, c, 1000)
	writeKeys(t, c, "k", 20, 10)
	diskAgreed(t, c)
	return c, disk, l
}

// diskAgreed converges the cluster and returns its common revision and hash.
func diskAgreed(t *testing.T, c *Cluster) (int64, uint32) {
	t.Helper()
	st := converge(t, c, 3000)
	return st[0].Revision, st[0].Hash
}

// reload closes c's medium and starts a cluster over a new DB on the same
// disk, as a page reload does with IndexedDB.
func reload(t *testing.T, c *Cluster, db *durable.DB, disk *durable.MemDisk, epoch uint64) (*Cluster, *durable.DB) {
	t.Helper()
	c.KillAll()
	c.Tick()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db2 := durable.NewMemory(disk)
	return newTestCluster(t, diskConfig(db2, epoch)), db2
}

func TestDiskKillRestartAndReload(t *testing.T) {
	disk := durable.NewMemDisk()
	db := durable.NewMemory(disk)
	c := newTestCluster(t, diskConfig(db, 1))
	waitLeader(t, c, 1000)
	writeKeys(t, c, "k", 120, 10)
	rev, _ := diskAgreed(t, c)

	l := leader(c)
	if err := c.Kill(l); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	waitLeader(t, c, 1000) // a put forwarded to the dead leader would time out
	writeKeys(t, c, "while-down", 30, 10)
	if err := c.Restart(l); err != nil {
		t.Fatal(err)
	}
	rev2, _ := diskAgreed(t, c)
	if rev2 != rev+30 {
		t.Fatalf("after restarting the old leader: revision %d, want %d", rev2, rev+30)
	}

	c.KillAll()
	c.RestartAll()
	waitLeader(t, c, 1000)
	if r, _ := diskAgreed(t, c); r != rev2 {
		t.Fatalf("after kill all + restart all: revision %d, want %d", r, rev2)
	}
	before := c.Status()

	c2, _ := reload(t, c, db, disk, 2)
	waitLeader(t, c2, 1000)
	// Members loaded from storage fast-forward their election clocks
	// (etcd's initial election tick advance, TestNewAdvancesElectionClocks):
	// the first campaign starts within 2..11 ticks, not after 10 to 20.
	if es := eventsOf(c2, "election"); len(es) == 0 || es[0].Tick >= 10 {
		t.Fatalf("first election after reload: %+v, want one before tick 10", es)
	}
	r, h := diskAgreed(t, c2)
	if r != rev2 || h != before[0].Hash || before[0].HashRevision != r {
		t.Fatalf("after reload: revision %d hash %08x, want revision %d hash %08x (at %d)", r, h, rev2, before[0].Hash, before[0].HashRevision)
	}
	if st := c2.Status(); st[0].Term <= before[0].Term {
		t.Fatalf("after reload: term %d, want a new election above term %d", st[0].Term, before[0].Term)
	}
	res, err := call(t, c2, leader(c2), put("after-reload", "x"))
	if err != nil || res.Put.Header.Revision != rev2+1 {
		t.Fatalf("put after reload: %v, %+v; want revision %d", err, res.Put, rev2+1)
	}
}

// TestPowerLossKeepsAcknowledgedWrites cuts every member's power while
// their saves are in flight (the disk holds them): no save of that round
// lands, and every write acknowledged before is there after the restart.
func TestPowerLossKeepsAcknowledgedWrites(t *testing.T) {
	disk := durable.NewMemDisk()
	db := durable.NewMemory(disk)
	c := newTestCluster(t, diskConfig(db, 1))
	l := waitLeader(t, c, 1000)

	var calls []*Call
	for i := 0; i < 300; i++ {
		calls = append(calls, c.Do(l, put(fmt.Sprintf("p%04d", i), "v")))
		if i%5 == 4 {
			c.Tick()
		}
	}
	// Hold the next saves in flight, start a tick that blocks on them,
	// and cut the power meanwhile.
	disk.Stall()
	ticked := make(chan struct{})
	go func() { c.Tick(); close(ticked) }()
	c.KillAllPowerLoss()
	<-ticked
	disk.Release()
	c.Tick()

	var acked []string
	lost := 0
	for i, cl := range calls {
		if !isDone(cl) {
			t.Fatalf("call %d still pending after the power loss", i)
		}
		if _, err := cl.Result(); err == nil {
			acked = append(acked, fmt.Sprintf("p%04d", i))
		} else {
			lost++
		}
	}
	if len(acked) == 0 || lost == 0 {
		t.Fatalf("%d writes acknowledged, %d failed: the kill should fall in the middle", len(acked), lost)
	}
	for _, s := range c.Status() {
		if s.State != "down" {
			t.Fatalf("member %d is %s after the power loss", s.ID, s.State)
		}
	}
	if n := len(eventsOf(c, "fault")); n == 0 {
		t.Fatal("no fault events")
	}

	c.RestartAll()
	l = waitLeader(t, c, 1000)
	for _, k := range acked {
		res, err := call(t, c, l, get(k))
		if err != nil || len(res.Range.KVs) != 1 {
			t.Fatalf("acknowledged key %s after the power loss: %v %+v", k, err, res.Range)
		}
	}
	diskAgreed(t, c)
	t.Logf("%d writes acknowledged before the power loss, all present; %d unacknowledged", len(acked), lost)
}

// corruptHardState overwrites member id's stored hard state with bytes that
// carry a valid record checksum but do not decode.
func corruptHardState(t *testing.T, db *durable.DB, id uint64) {
	t.Helper()
	ns, err := db.Open(MemberNamespace(id))
	if err != nil {
		t.Fatal(err)
	}
	var b durable.Batch
	b.Put([]byte("h"), []byte{0x0f}) // field 1, wire type 7: invalid protobuf
	if err := ns.Write(&b); err != nil {
		t.Fatal(err)
	}
	if err := ns.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestCorruptMemberStaysDownUntilWiped(t *testing.T) {
	disk := durable.NewMemDisk()
	db := durable.NewMemory(disk)
	c := newTestCluster(t, diskConfig(db, 1))
	waitLeader(t, c, 1000)
	writeKeys(t, c, "k", 150, 10)
	rev, _ := diskAgreed(t, c)

	c.KillAll()
	c.Tick()
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	db = durable.NewMemory(disk)
	corruptHardState(t, db, 3)
	c = newTestCluster(t, diskConfig(db, 2)) // New tolerates the corrupt member
	waitLeader(t, c, 1000)

	des := c.DiskErrors()
	if len(des) != 1 || des[0].Member != 3 || !des[0].Corrupt || !strings.Contains(des[0].Err, "raft hard state") {
		t.Fatalf("disk errors %+v, want member 3 corrupt hard state", des)
	}
	if !hasEvent(c, 3, "refuses to start") {
		t.Fatalf("no refusal event for member 3: %+v", eventsOf(c, "fault"))
	}
	if err := c.Restart(3); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	if s := c.Status()[2]; s.State != "down" {
		t.Fatalf("corrupt member 3 restarted: %s", s.State)
	}
	if err := c.WipeMember(1); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	if !hasEvent(c, 1, "it is running") {
		t.Fatal("wiping a running member was not refused")
	}

	if err := c.WipeMember(3); err != nil {
		t.Fatal(err)
	}
	if err := c.Restart(3); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	if len(c.DiskErrors()) != 0 {
		t.Fatalf("disk errors after wipe: %+v", c.DiskErrors())
	}
	if !hasEvent(c, 3, "wiped") {
		t.Fatal("no wipe event")
	}
	writeKeys(t, c, "after", 10, 10, 1, 2)
	if r, _ := diskAgreed(t, c); r != rev+10 {
		t.Fatalf("revision %d after rejoining, want %d", r, rev+10)
	}
	restored := false
	for _, e := range eventsOf(c, "snapshot-restored") {
		restored = restored || e.Member == 3
	}
	if !restored {
		t.Fatal("the wiped member did not catch up by snapshot")
	}
}

func hasEvent(c *Cluster, member uint64, text string) bool {
	for _, e := range c.Events(0) {
		if e.Member == member && strings.Contains(e.Text, text) {
			return true
		}
	}
	return false
}

// TestDiskQuota fills the disk: the members crash on a save that changes
// nothing stored, report the quota, and after space is freed restart with
// every acknowledged write.
func TestDiskQuota(t *testing.T) {
	disk := durable.NewMemDisk()
	db := durable.NewMemory(disk)
	c := newTestCluster(t, diskConfig(db, 1))
	l := waitLeader(t, c, 1000)
	writeKeys(t, c, "k", 40, 10)
	rev, _ := diskAgreed(t, c)

	disk.SetQuota(disk.Used() + 2000)
	var calls []*Call
	for i := 0; i < 200; i++ {
		calls = append(calls, c.Do(l, put(fmt.Sprintf("q%04d", i), strings.Repeat("v", 100))))
		c.Tick()
	}
	tickUntil(t, c, 200, "a member to crash on quota", func() bool {
		for _, d := range c.DiskErrors() {
			if d.Quota {
				return true
			}
		}
		return false
	})
	for _, d := range c.DiskErrors() {
		if !d.Quota || d.Corrupt {
			t.Fatalf("unexpected disk error %+v", d)
		}
	}
	c.KillAll()
	c.Tick()
	var acked int
	for _, cl := range calls {
		if isDone(cl) {
			if _, err := cl.Result(); err == nil {
				acked++
			}
		}
	}

	disk.SetQuota(0)
	c.RestartAll()
	l = waitLeader(t, c, 1000)
	if len(c.DiskErrors()) != 0 {
		t.Fatalf("disk errors after restart: %+v", c.DiskErrors())
	}
	for i, cl := range calls {
		if !isDone(cl) {
			t.Fatalf("call %d pending after kill all", i)
		}
		if _, err := cl.Result(); err != nil {
			continue
		}
		res, err := call(t, c, l, get(fmt.Sprintf("q%04d", i)))
		if err != nil || len(res.Range.KVs) != 1 {
			t.Fatalf("acknowledged key q%04d missing after the quota: %v", i, err)
		}
	}
	r, _ := diskAgreed(t, c)
	if r < rev+int64(acked) {
		t.Fatalf("revision %d, want at least %d", r, rev+int64(acked))
	}
	t.Logf("%d of %d writes acknowledged before the disk filled", acked, len(calls))
}

// TestInMemoryPowerLoss: without a disk, a power loss is a plain kill.
func TestInMemoryPowerLoss(t *testing.T) {
	c := newTestCluster(t, Config{Members: 3, Seed: 3})
	waitLeader(t, c, 1000)
	writeKeys(t, c, "k", 10, 10)
	if err := c.KillPowerLoss(2); err != nil {
		t.Fatal(err)
	}
	if err := c.WipeMember(2); err != nil {
		t.Fatal(err)
	}
	c.Tick()
	if s := c.Status()[1]; s.State != "down" {
		t.Fatalf("member 2 %s after power loss", s.State)
	}
	if !hasEvent(c, 2, "in memory") {
		t.Fatal("wiping in-memory storage was not refused")
	}
	if err := c.KillPowerLoss(9); !errors.Is(err, ErrNoMember) {
		t.Fatalf("KillPowerLoss(9): %v", err)
	}
	c.Restart(2)
	diskAgreed(t, c)
}

// diskRun drives a cluster on a fresh memory disk through kills, power
// losses (between ticks), restarts, a wipe and a reload, and returns the
// event logs of both incarnations and the final status.
func diskRun(t *testing.T, parallel bool) ([]Event, []Event, []MemberStatus) {
	t.Helper()
	disk := durable.NewMemDisk()
	db := durable.NewMemory(disk)
	c := newTestCluster(t, diskConfig(db, 1))
	c.parallel = parallel
	script := func(c *Cluster, ticks int) {
		for tick := 0; tick < ticks; tick++ {
			switch tick {
			case 60:
				c.Kill(1)
			case 90:
				c.KillPowerLoss(2)
			case 120:
				c.RestartAll()
			case 180:
				c.KillAllPowerLoss()
			case 200:
				c.WipeMember(3)
				c.RestartAll()
			}
			if tick >= 20 && tick%2 == 0 {
				c.Do(uint64(tick%3+1), put(fmt.Sprintf("k%d", tick%11), fmt.Sprintf("v%d", tick)))
			}
			c.Tick()
		}
	}
	script(c, 300)
	first := c.Events(0)
	c2, _ := reload(t, c, db, disk, 2)
	c2.parallel = parallel
	script(c2, 250)
	return first, c2.Events(0), c2.Status()
}

// Durable members keep the engine deterministic: the same script over a
// fresh disk gives byte-identical event logs and statuses, whether members
// run their rounds one after the other or concurrently.
func TestDiskRunsAreDeterministic(t *testing.T) {
	a1, a2, as := diskRun(t, false)
	b1, b2, bs := diskRun(t, true)
	if len(a1) < 50 || len(a2) < 50 {
		t.Fatalf("only %d and %d events: the script did not exercise the cluster", len(a1), len(a2))
	}
	if !reflect.DeepEqual(a1, b1) || !reflect.DeepEqual(a2, b2) {
		t.Fatal("event logs differ between two runs of the same script")
	}
	if !reflect.DeepEqual(as, bs) {
		t.Fatalf("statuses differ:\n%v\n%v", as, bs)
	}
	for _, want := range []string{"lost power", "data wiped", "restarted from storage"} {
		found := false
		for _, e := range append(a1, a2...) {
			found = found || strings.Contains(e.Text, want)
		}
		if !found {
			t.Errorf("no %q event: the script missed a storage fault", want)
		}
	}
}

// The storage tests again with every raft snapshot written to the disk in
// many small parts (durable.SnapshotPartBytes 64 bytes, so a snapshot takes
// dozens of saves): kills, power losses and reloads fall while snapshots are
// half written, and restarted members must come back from the previous
// snapshot and the log kept behind it.
func TestDiskSnapshotsInParts(t *testing.T) {
	old := durable.SnapshotPartBytes
	durable.SnapshotPartBytes = 64
	defer func() { durable.SnapshotPartBytes = old }()
	t.Run("KillRestartAndReload", TestDiskKillRestartAndReload)
	t.Run("PowerLoss", TestPowerLossKeepsAcknowledgedWrites)
	t.Run("Deterministic", TestDiskRunsAreDeterministic)
	t.Run("Corrupt", TestCorruptMemberStaysDownUntilWiped)
}
