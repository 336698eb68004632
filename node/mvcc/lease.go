package mvcc

import (
	"bytes"
	"cmp"
	"slices"
	"sort"

	"github.com/google/btree"
)

// MaxLeaseTTL is etcd's largest grantable TTL, in seconds.
const MaxLeaseTTL = 9000000000

// lease is a granted lease: its TTL (seconds, as granted) and the live keys
// attached to it. The store keeps no time: the member decides expiry and
// calls LeaseRevoke.
type lease struct {
	id   int64
	ttl  int64
	keys map[string]struct{}
}

// leaseTTL is a lease as a snapshot stores it.
type leaseTTL struct {
	id, ttl int64
}

func newLeaseTTLs() *btree.BTreeG[leaseTTL] {
	return btree.NewG(16, func(a, b leaseTTL) bool { return a.id < b.id })
}

// grant records lease id (not granted yet) with ttl. Caller holds mu
// exclusively.
func (s *Store) grant(id, ttl int64) {
	s.leases[id] = &lease{id: id, ttl: ttl, keys: make(map[string]struct{})}
	s.leaseTTLs.ReplaceOrInsert(leaseTTL{id: id, ttl: ttl})
}

// checkLease returns ErrLeaseNotFound unless id is 0 (no lease) or granted.
// Caller holds mu.
func (s *Store) checkLease(id int64) error {
	if id == 0 {
		return nil
	}
	if _, ok := s.leases[id]; !ok {
		return ErrLeaseNotFound
	}
	return nil
}

// moveLease attaches the live key to lease id (0: none), detaching it from
// its previous lease. Caller holds mu exclusively; id is granted or 0.
func (s *Store) moveLease(key []byte, id int64) {
	if id == 0 && len(s.keyLease) == 0 {
		return // no lease anywhere: nothing to detach
	}
	old, had := s.keyLease[string(key)]
	if had && old == id {
		return
	}
	if had {
		if l := s.leases[old]; l != nil {
			delete(l.keys, string(key))
		}
		delete(s.keyLease, string(key))
	}
	if id != 0 {
		k := string(key)
		s.leases[id].keys[k] = struct{}{}
		s.keyLease[k] = id
	}
}

// LeaseGrant grants lease r.ID with r.TTL seconds, as etcd's lessor: ID 0
// is ErrLeaseNotFound, a TTL above MaxLeaseTTL ErrLeaseTTLTooLarge, an ID
// in use ErrLeaseExist. The member chose the ID before proposing.
func (s *Store) LeaseGrant(r *LeaseGrantRequest) (*LeaseGrantResponse, error) {
	if r.ID == 0 {
		return nil, ErrLeaseNotFound
	}
	if r.TTL > MaxLeaseTTL {
		return nil, ErrLeaseTTLTooLarge
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.leases[r.ID]; ok {
		return nil, ErrLeaseExist
	}
	s.grant(r.ID, r.TTL)
	return &LeaseGrantResponse{Header: header(s.rev), ID: r.ID, TTL: r.TTL}, nil
}

// LeaseRevoke deletes every key attached to lease id in one revision (keys
// deleted in key order, as etcd, so every member stores the same
// sub-revisions) and forgets the lease. No attached key: no new revision.
func (s *Store) LeaseRevoke(id int64) (*LeaseRevokeResponse, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	l, ok := s.leases[id]
	if !ok {
		return nil, ErrLeaseNotFound
	}
	keys := make([]string, 0, len(l.keys))
	for k := range l.keys {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	tw := s.beginWrite()
	for _, k := range keys {
		if ki := s.idx.get([]byte(k)); ki != nil && ki.live() {
			tw.delete(ki)
		}
	}
	delete(s.leases, id)
	s.leaseTTLs.Delete(leaseTTL{id: id})
	tw.end()
	return &LeaseRevokeResponse{Header: header(s.rev)}, nil
}

// LeaseTimeToLive returns the lease's granted TTL and, if keys, its attached
// keys in key order. TTL (remaining) is left for the member to fill.
func (s *Store) LeaseTimeToLive(id int64, keys bool) (*LeaseTimeToLiveResponse, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	l, ok := s.leases[id]
	if !ok {
		return nil, ErrLeaseNotFound
	}
	resp := &LeaseTimeToLiveResponse{Header: header(s.rev), ID: id, GrantedTTL: l.ttl}
	if keys {
		resp.Keys = make([][]byte, 0, len(l.keys))
		for k := range l.keys {
			resp.Keys = append(resp.Keys, []byte(k))
		}
		slices.SortFunc(resp.Keys, bytes.Compare)
	}
	return resp, nil
}

// Leases lists every granted lease, by ID.
func (s *Store) Leases() []LeaseInfo {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]LeaseInfo, 0, len(s.leases))
	for _, l := range s.leases {
		out = append(out, LeaseInfo{ID: l.id, TTL: l.ttl, Keys: len(l.keys)})
	}
	slices.SortFunc(out, func(a, b LeaseInfo) int { return cmp.Compare(a.ID, b.ID) })
	return out
}
