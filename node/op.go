package node

import "github.com/etcd-play/etcd-play/node/mvcc"

// TicksPerSecond converts lease TTLs (seconds, as in etcd's API) to ticks: a
// tick stands for etcd's default 100 ms heartbeat interval.
const TicksPerSecond = 10

// Op is one client request. Exactly one request field is set; a zero
// Compact, LeaseRevoke, LeaseKeepAlive or LeaseTimeToLive means "not set"
// (etcd revisions and lease IDs are > 0).
type Op struct {
	Put         *mvcc.PutRequest
	Range       *mvcc.RangeRequest
	DeleteRange *mvcc.DeleteRangeRequest
	Txn         *mvcc.TxnRequest
	Compact     int64 // compact the store's history up to this revision
	LeaseGrant  *mvcc.LeaseGrantRequest
	LeaseRevoke int64
	// LeaseKeepAlive renews a lease to its granted TTL. Unlike etcd (which
	// sends keep-alives to the leader out of band), the playground commits
	// the renewal through raft, so it works from any member.
	LeaseKeepAlive  int64
	LeaseTimeToLive int64
	// LeaseKeys asks LeaseTimeToLive to list the attached keys.
	LeaseKeys bool
	// LeaseLeases lists the granted leases from the member's local store
	// (etcd's LeaseLeases, which its lessor answers locally too).
	LeaseLeases bool

	// Serializable serves a Range from the member's local store without
	// ReadIndex (possibly stale), as etcdctl --consistency=s.
	Serializable bool
}

// Result holds the response matching the Op's request; Header is a copy of
// that response's header.
type Result struct {
	Header          mvcc.ResponseHeader
	Put             *mvcc.PutResponse
	Range           *mvcc.RangeResponse
	DeleteRange     *mvcc.DeleteRangeResponse
	Txn             *mvcc.TxnResponse
	Compact         *mvcc.CompactResponse
	LeaseGrant      *mvcc.LeaseGrantResponse
	LeaseRevoke     *mvcc.LeaseRevokeResponse
	LeaseKeepAlive  *LeaseKeepAliveResponse
	LeaseTimeToLive *mvcc.LeaseTimeToLiveResponse
	LeaseLeases     *LeaseLeasesResponse
}

// LeaseKeepAliveResponse is etcd's: the lease and its renewed TTL (seconds).
type LeaseKeepAliveResponse struct {
	Header mvcc.ResponseHeader
	ID     int64
	TTL    int64
}

// LeaseLeasesResponse is etcd's: the granted lease IDs, ascending.
type LeaseLeasesResponse struct {
	Header mvcc.ResponseHeader
	IDs    []int64
}

// Kind names the request an Op carries ("put", "range", ...), or "" when
// the Op does not carry exactly one request.
func (op *Op) Kind() string {
	kind, n := "", 0
	set := func(ok bool, k string) {
		if ok {
			kind = k
			n++
		}
	}
	set(op.Put != nil, "put")
	set(op.Range != nil, "range")
	set(op.DeleteRange != nil, "delete")
	set(op.Txn != nil, "txn")
	set(op.Compact != 0, "compact")
	set(op.LeaseGrant != nil, "lease-grant")
	set(op.LeaseRevoke != 0, "lease-revoke")
	set(op.LeaseKeepAlive != 0, "lease-keepalive")
	set(op.LeaseTimeToLive != 0, "lease-ttl")
	set(op.LeaseLeases, "lease-list")
	if n != 1 {
		return ""
	}
	return kind
}

// setHeader fills the header fields the member owns and copies the header
// into r.Header.
func (r *Result) setHeader(clusterID, memberID, term uint64) {
	var h *mvcc.ResponseHeader
	switch {
	case r.Put != nil:
		h = &r.Put.Header
	case r.Range != nil:
		h = &r.Range.Header
	case r.DeleteRange != nil:
		h = &r.DeleteRange.Header
	case r.Txn != nil:
		h = &r.Txn.Header
	case r.Compact != nil:
		h = &r.Compact.Header
	case r.LeaseGrant != nil:
		h = &r.LeaseGrant.Header
	case r.LeaseRevoke != nil:
		h = &r.LeaseRevoke.Header
	case r.LeaseKeepAlive != nil:
		h = &r.LeaseKeepAlive.Header
	case r.LeaseTimeToLive != nil:
		h = &r.LeaseTimeToLive.Header
	case r.LeaseLeases != nil:
		h = &r.LeaseLeases.Header
	default:
		h = &r.Header
	}
	h.ClusterID, h.MemberID, h.RaftTerm = clusterID, memberID, term
	r.Header = *h
}
