package node

import (
	"cmp"
	"encoding/json"
	"fmt"
	"slices"

	"go.etcd.io/raft/v3"
	"go.etcd.io/raft/v3/raftpb"
)

// etcd's bootstrap and cluster bookkeeping, as the members replicate it
// through raft:
//
//  1. a fresh member's log starts with one ConfChangeAddNode entry per
//     member (indexes 1..N, term 1, committed: raft's bootstrap), whose
//     context is the member's JSON (ID and peer URLs) as etcd writes it;
//  2. the first leader appends its empty entry (index N+1);
//  3. every member, once it knows a leader, publishes its attributes (name
//     and client URLs: etcd's ClusterMemberAttrSetRequest), retrying
//     until the entry it proposed is applied; etcd does so on every start,
//     and so does a member here (once per incarnation);
//  4. the leader sets the cluster version (etcd's ClusterVersionSetRequest)
//     once every voter published its attributes, or a request timeout
//     after it became leader if some did not.
//
// With 3 members that puts every member at index 8 before any client
// request, as in etcd's own logs. Every member applies these entries to
// its membership view, which the store carries in its snapshots (mvcc
// metadata), so a member restored from a snapshot knows it too.

// ClusterVersion is the version the leader sets (etcd's "3.6.0").
const ClusterVersion = "3.6.0"

// MemberAttributes is what a member publishes about itself.
type MemberAttributes struct {
	ID         uint64
	Name       string
	ClientURLs []string
}

// MemberInfo is one member of the membership view.
type MemberInfo struct {
	ID       uint64
	PeerURLs []string // from the member's ConfChange context
	// Name and ClientURLs are empty until the member's attributes are
	// applied (etcd lists such a member as unstarted).
	Name       string
	ClientURLs []string
}

// Membership is a member's view of the cluster, from the entries it
// applied: members by ID, and the cluster version ("" until set).
type Membership struct {
	Members        []MemberInfo
	ClusterVersion string
}

// memberName, peerURL and clientURL are member id's identity in the
// playground (etcd's --name, --initial-advertise-peer-urls,
// --advertise-client-urls).
func memberName(id uint64) string { return fmt.Sprintf("etcd-%d", id) }
func peerURL(id uint64) string    { return fmt.Sprintf("http://etcd-%d:2380", id) }
func clientURL(id uint64) string  { return fmt.Sprintf("http://etcd-%d:2379", id) }

// confContext is etcd's membership.Member JSON as a ConfChange context
// carries it (attributes empty: they are published later).
type confContext struct {
	ID       uint64   `json:"id"`
	PeerURLs []string `json:"peerURLs"`
}

// bootstrapEntries returns raft's bootstrap of peers: one committed
// ConfChangeAddNode entry per peer at indexes 1..len(peers), term 1.
func bootstrapEntries(peers []uint64) ([]raftpb.Entry, error) {
	ents := make([]raftpb.Entry, len(peers))
	for i, id := range peers {
		ctx, err := json.Marshal(confContext{ID: id, PeerURLs: []string{peerURL(id)}})
		if err != nil {
			return nil, err
		}
		cc := raftpb.ConfChange{Type: raftpb.ConfChangeAddNode, NodeID: id, Context: ctx}
		data, err := cc.Marshal()
		if err != nil {
			return nil, err
		}
		ents[i] = raftpb.Entry{Type: raftpb.EntryConfChange, Term: 1, Index: uint64(i + 1), Data: data}
	}
	return ents, nil
}

// membership is the view a member keeps (Membership's working form).
type membership struct {
	members map[uint64]*MemberInfo
	version string
}

func (ms *membership) member(id uint64) *MemberInfo {
	if ms.members == nil {
		ms.members = map[uint64]*MemberInfo{}
	}
	mi := ms.members[id]
	if mi == nil {
		mi = &MemberInfo{ID: id}
		ms.members[id] = mi
	}
	return mi
}

// view returns a copy sorted by ID.
func (ms *membership) view() Membership {
	v := Membership{ClusterVersion: ms.version}
	for _, mi := range ms.members {
		c := *mi
		c.PeerURLs = slices.Clone(mi.PeerURLs)
		c.ClientURLs = slices.Clone(mi.ClientURLs)
		v.Members = append(v.Members, c)
	}
	slices.SortFunc(v.Members, func(a, b MemberInfo) int { return cmp.Compare(a.ID, b.ID) })
	return v
}

// published reports whether every voter of cs published its attributes.
func (ms *membership) published(cs *raftpb.ConfState) bool {
	for _, id := range cs.Voters {
		if mi := ms.members[id]; mi == nil || mi.Name == "" {
			return false
		}
	}
	return len(cs.Voters) > 0
}

// encode gives the view as the store's metadata (JSON of Membership).
func (ms *membership) encode() []byte {
	b, _ := json.Marshal(ms.view()) // plain strings and integers: cannot fail
	return b
}

// restore rebuilds the view from a snapshot: its store's metadata, or
// else (a snapshot of an older build) the voters of its configuration.
func (ms *membership) restore(meta []byte, cs *raftpb.ConfState) error {
	*ms = membership{}
	if len(meta) > 0 {
		var v Membership
		if err := json.Unmarshal(meta, &v); err != nil {
			return fmt.Errorf("membership in snapshot: %w", err)
		}
		ms.version = v.ClusterVersion
		for i := range v.Members {
			*ms.member(v.Members[i].ID) = v.Members[i]
		}
		return nil
	}
	for _, id := range cs.Voters {
		ms.member(id)
	}
	return nil
}

// Membership returns the member's membership view.
func (m *Member) Membership() Membership { return m.members.view() }

// applyConfChange applies a committed conf change entry: to raft's
// configuration and to the membership view. A change raft rejects or that
// does not decode is reported as a corrupt entry and skipped.
func (m *Member) applyConfChange(e *raftpb.Entry) {
	var cc raftpb.ConfChange
	if err := cc.Unmarshal(e.Data); err != nil {
		m.event("corrupt", "member %d skipped conf change %d: %v", m.id, e.Index, err)
		return
	}
	var cs *raftpb.ConfState
	m.withRaft(func() { cs = m.rn.ApplyConfChange(cc) })
	m.confState = *cs
	switch cc.Type {
	case raftpb.ConfChangeAddNode, raftpb.ConfChangeAddLearnerNode:
		mi := m.members.member(cc.NodeID)
		var ctx confContext
		if json.Unmarshal(cc.Context, &ctx) == nil {
			mi.PeerURLs = ctx.PeerURLs
		}
	case raftpb.ConfChangeRemoveNode:
		delete(m.members.members, cc.NodeID)
	}
	m.store.SetMeta(m.members.encode())
}

// applyMembership applies a member-attributes or cluster-version entry;
// the member's own published attributes end its publishing.
func (m *Member) applyMembership(r *request) {
	switch r.kind {
	case kindMemberAttrs:
		mi := m.members.member(r.attrs.ID)
		mi.Name, mi.ClientURLs = r.attrs.Name, slices.Clone(r.attrs.ClientURLs)
		if r.id == m.publishID && r.id != 0 {
			m.published = true
		}
	case kindClusterVersion:
		m.members.version = r.version
	}
	m.store.SetMeta(m.members.encode())
}

// publish proposes this member's attributes (once it knows a leader, and
// again after each request timeout until they are applied) and, on the
// leader, the cluster version (see the bootstrap steps above). Called by
// HandleReady with raftMu held.
func (m *Member) publish() {
	if m.soft.Lead == 0 {
		return
	}
	timeout := uint64(m.cfg.RequestTimeoutTicks)
	if !m.published && (m.publishAt == 0 || m.now >= m.publishAt+timeout) {
		m.publishAt = max(m.now, 1)
		r := request{kind: kindMemberAttrs, attrs: &MemberAttributes{
			ID: m.id, Name: memberName(m.id), ClientURLs: []string{clientURL(m.id)}}}
		m.proposeInternal(&r)
		m.publishID = r.id
	}
	if m.soft.RaftState != raft.StateLeader || m.members.version != "" {
		return
	}
	if !m.members.published(&m.confState) && m.now < m.leaderSince+timeout {
		return
	}
	if m.versionAt == 0 || m.now >= m.versionAt+timeout {
		m.versionAt = max(m.now, 1)
		m.proposeInternal(&request{kind: kindClusterVersion, version: ClusterVersion})
	}
}

// memberAttrs encodes a member-attributes entry's payload: member ID,
// name, then the client URLs (count, then each).
func (e *encoder) memberAttrs(a *MemberAttributes) {
	e.uvarint(a.ID)
	e.bytes([]byte(a.Name))
	e.uvarint(uint64(len(a.ClientURLs)))
	for _, u := range a.ClientURLs {
		e.bytes([]byte(u))
	}
}

func (d *decoder) memberAttrs() *MemberAttributes {
	a := &MemberAttributes{ID: d.uvarint(), Name: string(d.bytes())}
	n := d.count()
	for i := 0; i < n && d.err == nil; i++ {
		a.ClientURLs = append(a.ClientURLs, string(d.bytes()))
	}
	return a
}
