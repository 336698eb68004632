// Package node is one etcd member of the playground: a raft.RawNode
// (go.etcd.io/raft/v3) replicating client requests, an mvcc.Store they are
// applied to, and a durable Storage holding the raft log.
//
// A Member is single-threaded: its owner (node/cluster) calls Step, Submit,
// Tick and HandleReady from one goroutine at a time, and every callback the
// member makes (Config.Send, Config.OnEvent, Config.OnApply, the done
// functions of Submit and the Answerers of SubmitTo) runs synchronously
// inside those calls. Different
// members may run concurrently, each on its own goroutine: they share only
// the raft lock (jitter.go), so their Storage values must then be safe to use
// concurrently with one another (each is still used by one member only).
//
// Time is ticks. A member never reads the wall clock. Raft's randomized
// election timeout is the only randomness, and it comes from a per-member
// stream seeded by Config.Seed (see jitter.go), so that a cluster run is a
// pure function of its seed and its inputs.
//
// Durability contract: everything a member needs to come back after a crash
// is written to its Storage before the Ready that produced it is
// acknowledged. Killing a member means dropping the *Member and keeping the
// Storage; New on that Storage rebuilds the member (store from the latest
// snapshot, then the committed log replayed through raft).
package node
