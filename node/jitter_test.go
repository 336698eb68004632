package node

import (
	"bytes"
	"crypto/rand"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

func newTestMember(t *testing.T, seed int64, inc uint64) *Member {
	t.Helper()
	m, err := New(Config{ID: 1, Peers: []uint64{1, 2, 3}, Seed: seed, Incarnation: inc,
		Send: func([]raftpb.Message) {}}, NewMemoryStorage())
	if err != nil {
		t.Fatal(err)
	}
	return m
}

// electionTick returns the tick at which an isolated member starts its
// first election: ElectionTicks plus raft's randomized jitter.
func electionTick(t *testing.T, m *Member) uint64 {
	t.Helper()
	for i := 0; i < 100; i++ {
		m.Tick()
		if err := m.HandleReady(); err != nil {
			t.Fatal(err)
		}
		if m.soft.RaftState != 0 { // left StateFollower
			return m.now
		}
	}
	t.Fatal("no election within 100 ticks")
	return 0
}

// Raft v3.6 draws its election jitter from crypto/rand.Reader; the member
// must feed it from its own seeded stream, so the stream's state advances
// when raft resets its timeout (verified on the Go toolchain in use).
func TestRaftJitterReadsMemberStream(t *testing.T) {
	fresh := newStream(7, 1, 0)
	before, _ := fresh.MarshalBinary()
	m := newTestMember(t, 7, 0)
	after, _ := m.stream.MarshalBinary()
	if bytes.Equal(before, after) {
		t.Fatal("raft did not read the member's stream while starting (crypto/rand.Reader not consulted)")
	}
	if _, ok := rand.Reader.(switchReader); !ok {
		t.Fatalf("crypto/rand.Reader is %T, want the member switch", rand.Reader)
	}
	// Outside member raft work the system reader is used: two reads differ.
	a, b := make([]byte, 16), make([]byte, 16)
	rand.Read(a)
	rand.Read(b)
	if bytes.Equal(a, b) {
		t.Fatal("crypto/rand outside raft work returned repeated bytes")
	}
}

// The same seed gives the same election timing; across seeds and
// incarnations the timing varies.
func TestElectionJitterIsSeeded(t *testing.T) {
	first := electionTick(t, newTestMember(t, 42, 0))
	for i := 0; i < 5; i++ {
		if got := electionTick(t, newTestMember(t, 42, 0)); got != first {
			t.Fatalf("seed 42 run %d: election at tick %d, first run at %d", i, got, first)
		}
	}
	seen := map[uint64]bool{}
	for seed := int64(0); seed < 20; seed++ {
		seen[electionTick(t, newTestMember(t, seed, 0))] = true
		seen[electionTick(t, newTestMember(t, 42, uint64(seed)+1))] = true
	}
	if len(seen) < 3 {
		t.Fatalf("40 seeds/incarnations gave only %d distinct election ticks: jitter is not randomized", len(seen))
	}
}
