package cluster

import (
	"fmt"

	"github.com/etcd-play/etcd-play/transport"
)

// Messages in flight (transport.InFlight): the view the UI draws, and
// dropping one of them, a fault like the others (queued, applied at the
// start of the next tick, logged), so a run with drops replays: the same
// seed and the same actions before the same ticks drop the same message,
// as message IDs are part of the deterministic run.

// Messages returns the raft messages in flight, oldest first, at most
// limit of them (limit <= 0: all), and how many are in flight in all.
// Reading it changes nothing in the run.
func (c *Cluster) Messages(limit int) ([]transport.InFlight, int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.net.InFlight(limit)
}

// DropMessage loses the message in flight with the given ID at the start
// of the next tick, before it can be delivered then. If the message is no
// longer in flight by then, the event log says so and nothing changes.
func (c *Cluster) DropMessage(id uint64) {
	c.enqueue(Action{Kind: KindDropMessage, ID: id}, func() {
		v, ok := c.net.DropMessage(id)
		if !ok {
			c.emit(Event{Kind: "fault", Text: fmt.Sprintf("drop message %d: not in flight", id)})
			return
		}
		c.emit(Event{Kind: "fault", Member: v.From, Text: fmt.Sprintf("dropped %v %d -> %d (term %d, index %d, message %d)",
			v.Type, v.From, v.To, v.Term, v.Index, id)})
	})
}
