package node

import "errors"

// Client-visible errors carry etcd's own messages (etcdserver/errors.go), so
// the playground shows what etcdctl would.
var (
	// ErrNoLeader: the member knows no leader when the request arrives.
	ErrNoLeader = errors.New("etcdserver: no leader")
	// ErrTimeout: the request was not answered within
	// Config.RequestTimeoutTicks (lost proposal, partition, slow quorum).
	ErrTimeout = errors.New("etcdserver: request timed out")
	// ErrLeaderTransfer: raft dropped the proposal because the leader is
	// handing leadership over.
	ErrLeaderTransfer = errors.New("etcdserver: request timed out, leader transfer took too long")
	// ErrStopped: the member was killed (or crashed) before answering.
	ErrStopped = errors.New("etcdserver: server stopped")
	// ErrBadRequest: an Op with no request or more than one request set.
	ErrBadRequest = errors.New("etcdserver: invalid request: exactly one operation must be set")
)
