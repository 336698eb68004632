package node

import (
	"slices"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Lease time, as in etcd's lessor: the store knows each lease's granted TTL
// and attached keys; the member owns its clock. Every member tracks an
// expiry tick for each lease (set on grant and keep-alive), but only the
// leader acts on it: it proposes a revoke through raft for every expired
// lease, so every member deletes the attached keys at the same revision. A
// new leader first extends every lease by its full TTL plus an election
// timeout (etcd's Promote), so a failover never expires leases early.

type leaseClock struct {
	ttl      int64  // granted TTL, seconds
	expiry   uint64 // member tick at which the lease expires
	revoking uint64 // tick a revoke was last proposed at (0: none)
}

func (m *Member) ttlTicks(ttl int64) uint64 {
	if ttl < 0 {
		return 0
	}
	return uint64(ttl) * TicksPerSecond
}

// trackLease (re)starts a lease's clock at its full TTL.
func (m *Member) trackLease(id, ttl int64) {
	m.leases[id] = &leaseClock{ttl: ttl, expiry: m.now + m.ttlTicks(ttl)}
}

// resetLeases rebuilds the clocks from the store (after a restart or a
// snapshot restore), each at its full TTL.
func (m *Member) resetLeases() {
	clear(m.leases)
	for _, l := range m.store.Leases() {
		m.trackLease(l.ID, l.TTL)
	}
}

// promoteLeases runs when this member becomes leader.
func (m *Member) promoteLeases() {
	for _, l := range m.leases {
		l.expiry = m.now + m.ttlTicks(l.ttl) + uint64(m.cfg.ElectionTicks)
		l.revoking = 0
	}
}

// expireLeases proposes a revoke for each expired lease, in ID order,
// retrying one whose revoke has not applied within a request timeout.
// Leader only; called from Tick with raftMu held.
func (m *Member) expireLeases() {
	var expired []int64
	for id, l := range m.leases {
		if l.expiry <= m.now && (l.revoking == 0 || m.now-l.revoking >= uint64(m.cfg.RequestTimeoutTicks)) {
			expired = append(expired, id)
		}
	}
	slices.Sort(expired)
	for _, id := range expired {
		m.leases[id].revoking = m.now
		m.event("lease", "member %d: lease %x expired; revoking it", m.id, id)
		m.proposeInternal(&request{kind: kindLeaseRevoke, leaseID: id})
	}
}

// serveLeaseTTL answers LeaseTimeToLive from the local store and clock.
func (m *Member) serveLeaseTTL(c *call) {
	resp, err := m.store.LeaseTimeToLive(c.lease, c.keys)
	if err != nil {
		m.fail(c, err)
		return
	}
	if l := m.leases[c.lease]; l != nil {
		left := int64(0)
		if l.expiry > m.now {
			left = int64((l.expiry - m.now + TicksPerSecond - 1) / TicksPerSecond)
		}
		resp.TTL = left
	} else {
		resp.TTL = resp.GrantedTTL
	}
	m.finish(c, Result{LeaseTimeToLive: resp})
}

// serveLeaseLeases answers LeaseLeases from the local store.
func (m *Member) serveLeaseLeases(c *call) {
	ls := m.store.Leases()
	resp := &LeaseLeasesResponse{Header: mvcc.ResponseHeader{Revision: m.store.Rev()}, IDs: make([]int64, len(ls))}
	for i, l := range ls {
		resp.IDs[i] = l.ID
	}
	m.finish(c, Result{LeaseLeases: resp})
}
