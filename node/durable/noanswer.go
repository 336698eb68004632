package durable

import (
	"errors"
	"fmt"
	"time"
)

// ErrNoAnswer: the medium did not answer a call within CallTimeout
// (IndexedDB: a transaction that neither completed nor aborted, as Chromium
// left one on a full disk). Like ErrKilled, a batch whose Write returned it
// may or may not be stored and was never acknowledged: the caller must not
// act on it, and must reload from the medium before using it again (the
// cluster's member crashes on it and a restart reloads). It is a storage
// failure the page shows, not a wait without end.
var ErrNoAnswer = errors.New("durable: the storage did not answer")

// CallTimeout bounds how long Write, Get and Scan wait for the medium to
// answer one request. IndexedDB answers in milliseconds, a large batch in
// well under a second even on a loaded machine, so a call that takes this
// long is taken as lost. A variable so tests can shorten it; set it before
// opening a DB.
var CallTimeout = 10 * time.Second

// noAnswer is the error of a call given up after CallTimeout.
func noAnswer(what, ns string) error {
	return noAnswerBecause(fmt.Sprintf("%s in %q got no answer within %v", what, ns, CallTimeout))
}

// noAnswerBecause is ErrNoAnswer with why, and what the person can do.
func noAnswerBecause(why string) error {
	return fmt.Errorf("%w: %s (the disk may be full, or the browser closed its storage): "+
		"nothing is acknowledged; restart the member to reload what is stored, or reload the page", ErrNoAnswer, why)
}
