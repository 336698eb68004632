package durable

// backend is a storage medium holding, per namespace, keys mapped to stored
// records (record.go). Implementations: memBackend (mem.go) and idbBackend
// (idb_js.go). They store each put as the record encodeRecord/appendRecord
// makes of it (record.go) and never interpret stored records; verifying
// checksums is the DB's business. Methods are called concurrently.
type backend interface {
	// write applies ops to namespace ns atomically, in order; a put's key
	// and value are stored as their record in ns. Invariant: write never
	// retains or modifies a put's value (it stores a copy, the record), so
	// callers may reuse value buffers once write returned. It returns nil
	// only once the batch is durable
	// and an error (ErrQuota, ...) only if nothing was applied.
	// issued, if not nil, is called once the batch is in flight (before
	// write waits for it). If killed is closed while the batch is in flight,
	// write abandons it (IndexedDB: aborts the transaction; memory: drops a
	// stalled batch) and returns ErrKilled once the medium has settled; a
	// batch that had already committed stays committed.
	write(ns string, ops []op, killed <-chan struct{}, issued func()) error
	// get returns the record stored under key, or ErrNotFound. The caller
	// owns the returned slice.
	get(ns string, key []byte) ([]byte, error)
	// scan calls fn, in key order, with each record stored under a key in
	// [start, end) (end nil: to the end of ns) and stops at fn's first
	// error, returning it. The caller owns each slice.
	scan(ns string, start, end []byte, fn func(rec []byte) error) error
	// wipe deletes every record of ns.
	wipe(ns string) error
	// persistent reports whether the medium outlives the page.
	persistent() bool
	close() error
}
