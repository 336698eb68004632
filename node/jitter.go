package node

import (
	"crypto/rand"
	"encoding/binary"
	"io"
	mrand "math/rand/v2"
	"sync"
	"sync/atomic"
)

// Raft's only randomness is the randomized election timeout, which raft v3.6
// draws with crypto/rand.Int(crypto/rand.Reader, ...) (raft.go, lockedRand)
// whenever a member changes role. crypto/rand.Reader is a process-wide
// variable, so this package replaces it once, at init, with a switch:
//
//   - while a member's raft code runs (inside Member.withRaft, which holds
//     raftMu), the switch reads that member's own seeded ChaCha8 stream;
//   - otherwise it reads the original system reader, so the rest of the
//     process keeps cryptographic randomness.
//
// raftMu serializes raft work across every member of every cluster in the
// process, which makes the stream each member consumes independent of
// goroutine scheduling. Contract: nothing else in the process may read
// crypto/rand.Reader concurrently with member raft work and expect system
// randomness (it would get, and perturb, a member's stream). Nothing in
// etcd-play does; under js/wasm there is no preemption inside raft code.
var (
	raftMu     sync.Mutex
	raftStream atomic.Pointer[mrand.ChaCha8]
	systemRand io.Reader
)

func init() {
	systemRand = rand.Reader
	rand.Reader = switchReader{}
}

type switchReader struct{}

func (switchReader) Read(p []byte) (int, error) {
	if s := raftStream.Load(); s != nil {
		return s.Read(p)
	}
	return systemRand.Read(p)
}

// newStream returns a member's jitter stream: a pure function of the
// cluster seed, the member ID and the member's incarnation (how many times it
// was started), so a restarted member does not replay its old timeouts.
func newStream(seed int64, id, incarnation uint64) *mrand.ChaCha8 {
	var key [32]byte
	binary.LittleEndian.PutUint64(key[0:], splitmix(uint64(seed)))
	binary.LittleEndian.PutUint64(key[8:], splitmix(id^0x6a09e667f3bcc908))
	binary.LittleEndian.PutUint64(key[16:], splitmix(incarnation^0xbb67ae8584caa73b))
	binary.LittleEndian.PutUint64(key[24:], 0x65746364706c6179) // "etcdplay"
	return mrand.NewChaCha8(key)
}

// splitmix is SplitMix64's finalizer: a bijective mix of one word.
func splitmix(x uint64) uint64 {
	x += 0x9e3779b97f4a7c15
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9
	x = (x ^ (x >> 27)) * 0x94d049bb133111eb
	return x ^ (x >> 31)
}

// withRaft runs f with raftMu held and crypto/rand.Reader reading the
// member's stream. Every call into the member's RawNode goes through it.
// Not reentrant: f must not call withRaft.
func (m *Member) withRaft(f func()) {
	raftMu.Lock()
	raftStream.Store(m.stream)
	defer func() {
		raftStream.Store(nil)
		raftMu.Unlock()
	}()
	f()
}
