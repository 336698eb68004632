package etcdctl

import "testing"

// The IDs real etcd 3.6.16 computed: a one-member cluster (peer URL
// http://127.0.0.1:23801, token emu-tok-1) and a three-member one
// (etcd-1..3 on peer ports 24801..24803, token etcd-play), read with
// etcdctl member list -w json.
func TestMemberIDsAsEtcdComputesThem(t *testing.T) {
	one := memberID([]string{"http://127.0.0.1:23801"}, "emu-tok-1")
	if one != 0xce786f9f2a767f68 {
		t.Errorf("member ID %x, want ce786f9f2a767f68", one)
	}
	if got := clusterID([]uint64{one}); got != 8686613506504732650 {
		t.Errorf("one member's cluster ID %d, want 8686613506504732650", got)
	}
	want := []uint64{13368799784200117821, 2470284024405095043, 15444049424728443774}
	var ids []uint64
	for i, w := range want {
		id := memberID([]string{"http://127.0.0.1:2480" + string(rune('1'+i))}, "etcd-play")
		if id != w {
			t.Errorf("etcd-%d: member ID %d, want %d", i+1, id, w)
		}
		ids = append(ids, id)
	}
	if got := clusterID(ids); got != 7286513961268935822 {
		t.Errorf("three members' cluster ID %d, want 7286513961268935822", got)
	}
	// The playground's members: distinct IDs of 16 hex digits (etcdctl
	// prints them without leading zeros).
	seen := map[uint64]bool{}
	for n := uint64(1); n <= 7; n++ {
		id := MemberID(n)
		if seen[id] || id>>60 == 0 {
			t.Errorf("member %d: ID %x repeats or has fewer than 16 hex digits", n, id)
		}
		seen[id] = true
	}
	if ClusterID([]uint64{1, 2, 3}) == ClusterID([]uint64{1, 2}) {
		t.Error("cluster IDs collide")
	}
}
