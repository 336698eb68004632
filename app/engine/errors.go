package engine

import (
	"context"
	"errors"
	"fmt"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Errors cross the wire as a code and a text. The sentinels below keep
// their identity (errors.Is works on the client as on the engine's side);
// a *StorageFailure keeps its type and Name (its Reset is the client's);
// any other error keeps its text only.
var sentinels = []error{
	nil, // code 0: no error
	ErrOpenElsewhere, ErrStopped, ErrVersion, ErrDisconnected,
	context.Canceled, context.DeadlineExceeded,
	mvcc.ErrCompacted, mvcc.ErrFutureRev, mvcc.ErrKeyNotProvided, mvcc.ErrRequestTooLarge,
	mvcc.ErrTooManyOps, mvcc.ErrDuplicateKey, mvcc.ErrLeaseNotFound, mvcc.ErrLeaseExist,
	mvcc.ErrLeaseTTLTooLarge, mvcc.ErrKeyNotFound, mvcc.ErrInvalidSortOption,
	ErrWatchCanceled, ErrWatchOverflow, ErrNoWatch, mvcc.ErrEmptyWatcherRange,
}

const (
	codeOther          = 100 // any other error: its text
	codeStorageFailure = 101 // a *StorageFailure: its Name and its error's text
)

func writeError(w *wbuf, err error) {
	if err == nil {
		w.u(0)
		return
	}
	var sf *StorageFailure
	if errors.As(err, &sf) {
		w.u(codeStorageFailure)
		w.str(sf.Name)
		w.str(sf.Err.Error())
		return
	}
	for code, s := range sentinels[1:] {
		if err == s {
			w.u(uint64(code + 1))
			return
		}
	}
	w.u(codeOther)
	w.str(err.Error())
}

func readError(r *rbuf) error {
	code := r.u()
	switch {
	case r.err != nil || code == 0:
		return nil
	case code < uint64(len(sentinels)):
		return sentinels[code]
	case code == codeOther:
		return errors.New(r.str())
	case code == codeStorageFailure:
		name, text := r.str(), r.str()
		return &StorageFailure{Name: name, Err: errors.New(text)}
	}
	r.fail()
	return nil
}

// ErrDisconnected: the connection to the engine was lost (the native
// engine's server went away, or the worker crashed). Calls in flight end
// with it; a Client's Connection says why.
var ErrDisconnected = errors.New("the engine is disconnected")

// ErrVersion: the page and the engine are of different builds or
// protocol versions.
var ErrVersion = errors.New("the page and the engine are of different versions")

// disconnected wraps ErrDisconnected with its cause.
func disconnected(cause error) error { return fmt.Errorf("%w: %v", ErrDisconnected, cause) }
