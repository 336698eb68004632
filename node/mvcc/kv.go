// Package mvcc is an in-memory, multi-version key-value store with etcd's
// semantics: revisions, key generations, tombstones, transactions,
// compaction, watches, leases and HashKV. It is what every playground member
// applies committed raft entries to.
//
// This file holds only the request/response types and errors: the contract
// shared with node/ (which proposes and applies requests) and with the
// differential test that checks this store against etcd's own mvcc.
//
// The store never reads a clock and never starts a goroutine: time-dependent
// work (lease expiry, catching up slow watchers) is driven by its owner.
// Store methods are safe for concurrent use.
package mvcc

import (
	"errors"

	"go.etcd.io/etcd/api/v3/mvccpb"
)

// Limits, as etcd's defaults.
const (
	// MaxRequestBytes bounds the encoded size of one request (etcd's
	// --max-request-bytes default, 1.5 MiB).
	MaxRequestBytes = 1536 * 1024
	// MaxTxnOps bounds the operations in one txn branch (etcd's
	// --max-txn-ops default).
	MaxTxnOps = 128
)

// Errors carry etcd's messages so the playground shows what etcd shows.
var (
	ErrCompacted        = errors.New("mvcc: required revision has been compacted")
	ErrFutureRev        = errors.New("mvcc: required revision is a future revision")
	ErrKeyNotProvided   = errors.New("etcdserver: key is not provided")
	ErrRequestTooLarge  = errors.New("etcdserver: request is too large")
	ErrTooManyOps       = errors.New("etcdserver: too many operations in txn request")
	ErrDuplicateKey     = errors.New("etcdserver: duplicate key given in txn request")
	ErrLeaseNotFound    = errors.New("etcdserver: requested lease not found")
	ErrLeaseExist       = errors.New("etcdserver: lease already exists")
	ErrLeaseTTLTooLarge = errors.New("etcdserver: too large lease TTL")
	// ErrSnapshotCorrupt is wrapped by every error Restore returns for bad
	// input (checksum mismatch, truncation, bad encoding).
	ErrSnapshotCorrupt = errors.New("mvcc: snapshot is corrupt")

	// Added by the store for the remaining inputs etcd's gRPC layer
	// rejects, so that every bad request gets a clear error instead of
	// being guessed at.

	// ErrKeyNotFound is etcd's answer to a txn RequestOp holding no request.
	ErrKeyNotFound = errors.New("etcdserver: key not found")
	// ErrInvalidSortOption rejects a SortOrder or SortTarget out of range.
	ErrInvalidSortOption = errors.New("etcdserver: invalid sort option")
	// ErrInvalidRequestOp rejects a RequestOp holding more than one
	// request (etcd's protobuf oneof cannot express it).
	ErrInvalidRequestOp = errors.New("mvcc: request op holds more than one request")
	// ErrEmptyWatcherRange rejects a watch whose End is not after Key
	// (etcd's message).
	ErrEmptyWatcherRange = errors.New("mvcc: watcher range is empty")
	// ErrWatcherNotExist answers Cancel of an unknown watch ID (etcd's).
	ErrWatcherNotExist = errors.New("mvcc: watcher does not exist")
	// ErrWatchStreamClosed answers Watch on a closed WatchStream.
	ErrWatchStreamClosed = errors.New("mvcc: watch stream is closed")
)

// KeyValue and Event are etcd's own wire types.
type (
	KeyValue = mvccpb.KeyValue
	Event    = mvccpb.Event
)

// ResponseHeader mirrors etcd's. The store fills Revision; the member fills
// ClusterID, MemberID and RaftTerm.
type ResponseHeader struct {
	ClusterID uint64
	MemberID  uint64
	Revision  int64
	RaftTerm  uint64
}

// SortOrder and SortTarget are etcdctl's --order and --sort-by.
type SortOrder int32

const (
	SortNone SortOrder = iota
	SortAscend
	SortDescend
)

type SortTarget int32

const (
	SortByKey SortTarget = iota
	SortByVersion
	SortByCreate
	SortByMod
	SortByValue
)

// RangeRequest selects keys. End nil selects Key alone; End == "\x00"
// selects every key >= Key; otherwise the half-open range [Key, End).
// Rev <= 0 reads the current revision. Limit 0 means no limit.
type RangeRequest struct {
	Key, End   []byte
	Rev        int64
	Limit      int64
	SortOrder  SortOrder
	SortTarget SortTarget
	KeysOnly   bool
	CountOnly  bool
}

// RangeResponse: Count is the number of matching keys ignoring Limit; More
// is set when Limit cut the result short.
type RangeResponse struct {
	Header ResponseHeader
	KVs    []*KeyValue
	Count  int64
	More   bool
}

type PutRequest struct {
	Key, Value []byte
	Lease      int64 // 0: no lease
	PrevKV     bool
}

type PutResponse struct {
	Header ResponseHeader
	PrevKV *KeyValue
}

// DeleteRangeRequest selects keys as RangeRequest does.
type DeleteRangeRequest struct {
	Key, End []byte
	PrevKV   bool
}

type DeleteRangeResponse struct {
	Header  ResponseHeader
	Deleted int64
	PrevKVs []*KeyValue
}

type CompareTarget int32

const (
	CompareVersion CompareTarget = iota
	CompareCreate
	CompareMod
	CompareValue
	CompareLease
)

type CompareResult int32

const (
	CompareEqual CompareResult = iota
	CompareGreater
	CompareLess
	CompareNotEqual
)

// Compare is one txn guard over [Key, End) (End as in RangeRequest). The
// operand used is the one matching Target. A missing key compares as zero
// (and a CompareValue on a missing key is false), as in etcd.
type Compare struct {
	Key, End []byte
	Target   CompareTarget
	Result   CompareResult

	Version        int64
	CreateRevision int64
	ModRevision    int64
	Value          []byte
	Lease          int64
}

// RequestOp holds exactly one non-nil request.
type RequestOp struct {
	Range       *RangeRequest
	Put         *PutRequest
	DeleteRange *DeleteRangeRequest
	Txn         *TxnRequest
}

// ResponseOp holds exactly one non-nil response, matching its RequestOp.
type ResponseOp struct {
	Range       *RangeResponse
	Put         *PutResponse
	DeleteRange *DeleteRangeResponse
	Txn         *TxnResponse
}

type TxnRequest struct {
	Compare []Compare
	Success []RequestOp
	Failure []RequestOp
}

type TxnResponse struct {
	Header    ResponseHeader
	Succeeded bool
	Responses []ResponseOp
}

type CompactResponse struct {
	Header ResponseHeader
}

// LeaseGrantRequest: the member chooses ID (> 0) before proposing, so that
// every member applies the same grant. TTL is in seconds, as in etcd; the
// member converts it to ticks.
type LeaseGrantRequest struct {
	ID  int64
	TTL int64
}

type LeaseGrantResponse struct {
	Header ResponseHeader
	ID     int64
	TTL    int64
}

type LeaseRevokeResponse struct {
	Header ResponseHeader
}

// LeaseTimeToLiveResponse: TTL (remaining) is filled by the member, which
// owns lease time; the store knows GrantedTTL and the attached keys.
type LeaseTimeToLiveResponse struct {
	Header     ResponseHeader
	ID         int64
	TTL        int64
	GrantedTTL int64
	Keys       [][]byte
}

// LeaseInfo describes one granted lease for listings.
type LeaseInfo struct {
	ID   int64
	TTL  int64 // granted TTL, seconds
	Keys int   // attached keys
}

// HashKVResult is etcd's HashKV answer: Hash over the store as of
// HashRevision, and the compaction revision the hash was taken with.
type HashKVResult struct {
	Hash            uint32
	CompactRevision int64
	HashRevision    int64
}

// Stats are cheap counters for the UI.
type Stats struct {
	Rev        int64 // current revision
	CompactRev int64 // last compaction revision; -1 when never compacted, as etcd
	Keys       int   // live keys
	Revisions  int   // stored revisions, tombstones included
	Bytes      int64 // stored key+value bytes
}

// WatchRequest: Key/End select keys as RangeRequest does. StartRev 0 (or >
// current) watches from the next revision; an older StartRev replays history.
type WatchRequest struct {
	Key, End []byte
	StartRev int64
	PrevKV   bool
	NoPut    bool
	NoDelete bool
}

// WatchResponse carries the events of one or more whole revisions, in
// revision order, for one watcher. A response with CompactRevision != 0
// means the watcher's start revision was compacted; the watcher is cancelled
// and Canceled is set.
type WatchResponse struct {
	WatchID         int64
	Events          []Event
	Revision        int64
	CompactRevision int64
	Canceled        bool
}
