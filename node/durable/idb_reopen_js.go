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

// attach makes db the backend's connection and installs its handlers.
// Called by openIDB, and by conn with b.mu held.
func (b *idbBackend) attach(db js.Value) {
	b.db = db
	db.Set("onversionchange", b.onClose)
	db.Set("onclose", b.onBrowserClose)
}

// conn returns the connection to use, reopening the database first if the
// browser closed it. It waits for IndexedDB events: not from a callback.
func (b *idbBackend) conn() (js.Value, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if !b.closed.Load() {
		return b.db, nil
	}
	var req js.Value
	if err := jsTry(func() { req = b.factory.Call("open", b.name, 1) }); err != nil {
		return js.Value{}, reopenFailed(err)
	}
	db, err := awaitRequestWithin(req, CallTimeout)
	if errors.Is(err, errRequestTimeout) {
		return js.Value{}, reopenFailed(fmt.Errorf("%w: no answer within %v", ErrNoAnswer, CallTimeout))
	}
	if err != nil {
		return js.Value{}, reopenFailed(err)
	}
	b.db.Set("onversionchange", js.Null())
	b.db.Set("onclose", js.Null())
	b.attach(db)
	b.closed.Store(false)
	return db, nil
}

func reopenFailed(err error) error {
	return fmt.Errorf("%w: the browser closed the storage's connection and reopening it failed (%w): reload the page", ErrClosed, err)
}
