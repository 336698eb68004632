//go:build !js

package mvcc

// system is what the differential test drives: one implementation runs our
// Store, the other runs etcd's own storage/mvcc. Both speak this package's
// request and response types so that one renderer (oracle_render_test.go)
// turns both answers into text that must be identical.
//
// Watchers are named by the driver: the i-th Watch call of a run is watcher
// i on both systems, whatever IDs the systems hand out. Watch events are not
// compared per response (etcd batches a catch-up into one response, our
// store sends whole revisions per response) but as one ordered record list
// per watcher, read after Drain.
type system interface {
	Range(r *RangeRequest) (*RangeResponse, error)
	Put(r *PutRequest) (*PutResponse, error)
	DeleteRange(r *DeleteRangeRequest) (*DeleteRangeResponse, error)
	Txn(r *TxnRequest) (*TxnResponse, error)
	Compact(rev int64) (*CompactResponse, error)
	HashKV(rev int64) (HashKVResult, error)
	LeaseGrant(r *LeaseGrantRequest) (*LeaseGrantResponse, error)
	LeaseRevoke(id int64) (*LeaseRevokeResponse, error)
	LeaseTimeToLive(id int64, keys bool) (*LeaseTimeToLiveResponse, error)
	Leases() []LeaseInfo
	// Stats reports the store-level counters etcd also has: current and
	// compacted revision and the number of live keys.
	Stats() (rev, compactRev int64, keys int)
	// StoredRevisions counts the revisions physically kept, tombstones
	// included (etcd's key bucket; our Stats().Revisions).
	StoredRevisions() int

	Close()

	// NewStream opens watch stream number stream (streams are numbered
	// 0, 1, ... in call order). buf is the channel capacity our store uses;
	// etcd's is fixed at 128.
	NewStream(stream, buf int)
	// Watch creates watcher number w on the given stream.
	Watch(stream, w int, r WatchRequest) error
	// Cancel cancels watcher w.
	Cancel(w int) error
	// Drain delivers every event up to the current revision to every
	// watcher and collects them; it fails when that cannot be reached.
	Drain() error
	// Records returns watcher w's records (events, compaction) so far.
	Records(w int) []string
	// CloseStreams closes every stream (and so every watcher); stream
	// numbers start again at 0. Records stay readable.
	CloseStreams()
}
