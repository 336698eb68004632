package durable

import (
	"errors"
	"fmt"
	"syscall/js"
)

// The browser may close an IndexedDB connection on its own: Chromium does
// after a write fails on a full disk (FILE_ERROR_NO_SPACE), firing "close"
// on the connection; every later transaction on it would throw. The
// backend then opens the database again on its next call (the tab lock is
// still held, so no other tab writes it meanwhile), so a member restarted
// once there is room reloads without a reload of the page. If reopening
// fails or does not answer within CallTimeout, the call fails with an
// error saying to reload the page.
//
// Two guards, both seen on a real full disk (an 80 MiB tmpfs): after a
// write refused for lack of space, only a read (a member's restart, which
// the page says to do once there is room) reopens, never a write: opening
// the database while the disk is still full once came back with a new,
// empty database, the stored one gone. And a reopen never creates the
// database: if it is gone, the upgrade is aborted and the call fails
// saying so, instead of writing into an empty database with no store.

// attach makes db the backend's connection and installs its handlers.
// Called by openIDB, and by conn with b.mu held.
func (b *idbBackend) attach(db js.Value) {
	b.db = db
	db.Set("onversionchange", b.onClose)
	db.Set("onclose", b.onBrowserClose)
}

// conn returns the connection to use, reopening the database first if the
// browser closed it. It waits for IndexedDB events: not from a callback.
// forWrite: the caller writes (see the guards above).
func (b *idbBackend) conn(forWrite bool) (js.Value, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed.Load() {
		return b.db, nil
	}
	if forWrite && b.full.Load() {
		return js.Value{}, fmt.Errorf("%w: the browser closed the storage's connection when the disk filled; "+
			"it is opened again when a member restarts, once there is room", ErrQuota)
	}
	var req js.Value
	gone := false
	upgrade := js.FuncOf(func(this js.Value, args []js.Value) any {
		// The database is not there any more: do not create it.
		gone = true
		jsTry(func() { req.Get("transaction").Call("abort") })
		return nil
	})
	release := true // false if given up: a late upgrade event must find its handler
	defer func() {
		if release {
			upgrade.Release()
		}
	}()
	if err := jsTry(func() {
		req = b.factory.Call("open", b.name, 1)
		req.Set("onupgradeneeded", upgrade)
	}); err != nil {
		return js.Value{}, b.reopenFailed(err)
	}
	db, err := awaitRequestWithin(req, CallTimeout)
	release = !errors.Is(err, errRequestTimeout)
	if gone {
		if err == nil {
			db.Call("close")
		}
		return js.Value{}, fmt.Errorf("%w: the browser closed the storage's connection, and the stored database is gone "+
			"(the browser deleted it): reset the cluster or reload the page", ErrClosed)
	}
	if errors.Is(err, errRequestTimeout) {
		return js.Value{}, b.reopenFailed(fmt.Errorf("%w: no answer within %v", ErrNoAnswer, CallTimeout))
	}
	if err != nil {
		return js.Value{}, b.reopenFailed(err)
	}
	b.db.Set("onversionchange", js.Null())
	b.db.Set("onclose", js.Null())
	b.attach(db)
	b.closed.Store(false)
	return db, nil
}

// reopenFailed is the error of a failed reopen: after a write refused for
// lack of space it is the full disk (ErrQuota: the browser cannot open
// the database until there is room, and a member restarted then reloads),
// else ErrClosed, and the person should reload the page.
func (b *idbBackend) reopenFailed(err error) error {
	if b.full.Load() {
		return fmt.Errorf("%w: the browser closed the storage's connection when the disk filled and cannot open it again until there is room (%v)", ErrQuota, err)
	}
	return fmt.Errorf("%w: the browser closed the storage's connection and reopening it failed (%w): reload the page", ErrClosed, err)
}
