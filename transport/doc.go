// Package transport is the playground's in-process network: a deterministic
// message mover between raft members, advanced in rounds (one round = one
// cluster tick), with per-link fault injection and counters for the UI.
//
// # Round contract
//
// A round is what happens between two EndRound calls. Within a round, members
// (possibly on their own goroutines) call Receive for the messages due to them
// and Send for the messages they produce. Send only copies the messages into
// the sender's outbox; nothing crosses the network until EndRound. The caller
// (node/cluster) guarantees that no Send or Receive runs concurrently with
// EndRound: EndRound is the barrier between rounds.
//
// EndRound, in a fixed order (ascending sender id, then the order in which
// that sender's messages were sent), applies the faults configured at that
// moment to every outbox message and schedules each survivor for delivery.
// A message sent in round r over a link with delay d becomes receivable in
// round r+1+d, i.e. after d+1 EndRound calls. Every random choice (drops,
// duplicates, reorder holds) comes from one source seeded by New, drawn in
// that fixed order, so the same seed and the same calls in the same rounds
// give the same deliveries however the goroutines that call Send
// interleave.
//
// # Faults
//
// Faults are per directed link (from -> to): cut, drop probability, delay,
// duplicate probability and a reorder window. They are evaluated once, when
// a message leaves its sender's outbox at EndRound; a message already
// scheduled (in flight) is not affected by later link changes. In that
// order: a cut or a drop draw loses the message; a duplicate draw makes
// the link schedule a second copy of a survivor (never of a MsgProp, a
// client's request forwarded to the leader, which raft would append and
// the members apply twice); each copy is due after
// the delay plus, with a reorder window of W >= 2 rounds, a hold drawn
// from 0..W-1 rounds, so that messages that left within W rounds of each
// other may arrive in either order (a copy never waits more than W-1
// rounds beyond the delay). A link draws only for the faults it has: with
// duplicate 0 and reorder 0 or 1 a run is draw for draw the run without
// these faults. Members can also be down (a killed process): messages from
// or to a down member are lost, including those in flight or waiting in
// its inbox when it goes down. Down is a member state, not a link fault:
// HealAll does not bring a member up.
//
// # Counters
//
// Each directed link counts messages Sent (entered the link at EndRound),
// Duplicated (second copies it made), Delivered (copies handed to the
// recipient by Receive) and Dropped (messages or copies lost to a cut, a
// drop draw or a down member); InFlight counts the copies neither delivered
// nor dropped yet. A duplicate is one more copy, never one more send.
// Invariant: Sent + Duplicated == Delivered + Dropped + InFlight.
//
// # Ownership
//
// Send copies each message (the struct, its entries, snapshot metadata,
// context and nested responses) but shares its payload bytes, entry Data and
// snapshot Data, with the sender and every recipient, by a contract all
// members keep: payload bytes given to Send are never written again, by
// anyone (clone.go states it, and what keeps it). So the sender may reuse or
// mutate its messages and slices at once, and Receive hands the copies over
// to the recipient, which owns everything in them but the payload bytes,
// which it may keep and read only (ReceiveAppend appends them to a buffer
// the caller reuses round after round). MsgApp messages of one Send that
// carry the same entries slice share one read-only copy of those entries
// (raft never modifies received entries). CheckShared turns on a run-time
// check of the contract for tests.
//
// The package never reads the wall clock or global randomness.
package transport
