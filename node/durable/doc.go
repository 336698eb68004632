// Package durable is the playground's "disk": a record store that survives a
// member's kill, a kill of every member and, in the browser, a page reload.
//
// # Layers
//
//   - Backend media (unexported interface backend): an in-memory medium
//     (mem.go, used natively, in tests and as the fallback when IndexedDB is
//     missing) and IndexedDB (idb_js.go, browser only), where the writes
//     of several namespaces issued at the same moment share one
//     transaction (idb_group_js.go).
//   - DB and Namespace (db.go): one DB per medium, one Namespace per member.
//     A Namespace holds ordered binary keys; it is written by atomic batches
//     and read by Get and Scan. Every record carries a CRC-32C checksum that
//     is verified on every read (record.go).
//   - RaftStorage (raftstorage.go): a member's raft state (node.Storage) on
//     a Namespace, one batch per Save, with an in-memory mirror for raft's
//     reads. A raft snapshot taken as a store view (node.ViewSnapshotter)
//     costs O(1) in the member's tick and is written in parts of at most
//     SnapshotPartBytes by the following Saves (snapparts.go).
//   - TabLock (tablock.go): one tab at a time writes a cluster (Web Locks).
//
// # Typical use (the cluster, in the browser)
//
//	lock, err := durable.LockTab("etcd-play", false) // ErrLocked: open elsewhere
//	db, err := durable.OpenIndexedDB("etcd-play", durable.IDBOptions{})
//	// errors.Is(err, durable.ErrUnavailable): db = durable.NewMemory(nil), tell the person
//	// another error: the database failed to open; offer memory or deleting it
//	ns, err := db.Open("member-1")
//	st, err := durable.OpenRaftStorage(ns) // ErrCorrupt: refuse to start, offer db.Wipe("member-1")
//	m, err := node.New(cfg, st)
//	// clean stop: m.Stop(); ns.Close()   power loss: ns.Kill(); m.Stop()
//
// # Contracts
//
//   - Write applies a Batch atomically and durably: when it returns nil, every
//     operation of the batch is stored (IndexedDB: the readwrite transaction
//     fired "complete"); when it returns an error, none is.
//   - Keys order bytewise (bytes.Compare); ranges are half-open [start, end),
//     a nil end means "to the end of the namespace".
//   - A record whose checksum or framing is wrong reads as a *CorruptError
//     (errors.Is(err, ErrCorrupt)) naming the namespace and key; nothing
//     panics on bad stored bytes.
//   - A batch that would exceed the medium's quota fails with ErrQuota and
//     changes nothing.
//   - Namespace.Kill is power loss: batches still in flight are abandoned
//     (their transactions aborted, or never committed) and their Write calls
//     return ErrKilled. Namespace.Close is a clean stop: it waits for them.
//
// # Goroutines
//
// Every method is safe for concurrent use. In the browser, Write, Get, Scan
// and Kill wait for IndexedDB events, so they must not be called from inside
// a js.FuncOf callback (the event could never be delivered); call them from a
// goroutine of your own. The package's own callbacks only send on buffered
// channels.
package durable
