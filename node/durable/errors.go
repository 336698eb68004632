package durable

import (
	"errors"
	"fmt"
)

// Sentinel errors; test with errors.Is.
var (
	// ErrNotFound: Get of a key that is not stored.
	ErrNotFound = errors.New("durable: key not found")
	// ErrCorrupt is matched by every *CorruptError.
	ErrCorrupt = errors.New("durable: corrupt record")
	// ErrQuota: the medium refused the batch for lack of space. The batch was
	// not applied; everything stored before it is intact.
	ErrQuota = errors.New("durable: storage quota exceeded")
	// ErrUnavailable: the medium cannot be used at all (IndexedDB missing,
	// or blocked: reading it or calling open throws). The caller may fall
	// back to NewMemory and must tell the person that data will not survive
	// a reload. (A database that fails to open is another error.)
	ErrUnavailable = errors.New("durable: persistent storage unavailable")
	// ErrKilled: the Namespace was killed (power loss) before or while the
	// call ran. A batch whose Write returned ErrKilled may or may not be
	// stored; it was never acknowledged.
	ErrKilled = errors.New("durable: namespace killed")
	// ErrClosed: the Namespace or DB was closed.
	ErrClosed = errors.New("durable: closed")
	// ErrInUse: the namespace is already open in this DB (one handle per
	// member at a time), or Wipe was called on an open namespace.
	ErrInUse = errors.New("durable: namespace in use")
)

// CorruptError reports a stored record that failed verification: a checksum
// mismatch, a truncated or over-long record, or a record stored under the
// wrong key.
type CorruptError struct {
	Namespace string // the member's namespace
	Key       []byte // the key the record was read under
	Record    string // what the record holds, for a person ("raft hard state"); may be empty
	Reason    string // what was wrong, for a person
}

func (e *CorruptError) Error() string {
	if e.Record != "" {
		return fmt.Sprintf("durable: %s: corrupt %s (key %q): %s", e.Namespace, e.Record, e.Key, e.Reason)
	}
	return fmt.Sprintf("durable: corrupt record in %q at key %q: %s", e.Namespace, e.Key, e.Reason)
}

// Is makes errors.Is(err, ErrCorrupt) true.
func (e *CorruptError) Is(target error) bool { return target == ErrCorrupt }
