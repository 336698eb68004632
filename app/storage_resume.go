package app

import (
	"errors"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// A reload of a tab that ran the stored cluster starts the new page while
// the old page's engine worker may still hold the tab lock: the browser
// ends that worker on its own schedule, seconds later on a busy machine.
// The new page's engine then found the cluster "open in another tab" and
// offered to take it over from itself. So the page remembers, in
// sessionStorage (one per tab, kept across its reloads), that this tab
// held the stored cluster, and then retries the shared start every
// resumeRetry for up to resumeWait ("Opening the cluster's storage…" stays
// on screen) before it offers the choice. A tab that never held it, such
// as a second tab, gets the choice at once.
//
// An embedded page never gets here: its engine runs a separate cluster in
// memory when the lock is held (local.Start), and says so. Waiting there
// would cost a docs page that embeds the playground twice: after a reload
// either frame may take the lock first, and the other would wait the
// whole resumeWait before going on in memory.

// heldKey is the sessionStorage item: "1" while this tab holds, or last
// held, the stored cluster.
const heldKey = "etcdplay-tab-held-stored-cluster"

const (
	resumeWait  = 15 * time.Second
	resumeRetry = 250 * time.Millisecond
)

// startShared runs start (the engine's StartShared start) and, when the
// cluster is held elsewhere but this tab held it before its reload,
// retries it until the lock is free or resumeWait has passed. Not on the
// UI goroutine (it sleeps).
func startShared(start func() (engine.Engine, error)) (engine.Engine, error) {
	eng, err := start()
	if !errors.Is(err, engine.ErrOpenElsewhere) || !heldBefore() {
		return eng, err
	}
	for deadline := time.Now().Add(resumeWait); errors.Is(err, engine.ErrOpenElsewhere) && time.Now().Before(deadline); {
		time.Sleep(resumeRetry)
		eng, err = start()
	}
	return eng, err
}

// heldBefore reports whether this tab held the stored cluster before
// (heldKey). False where sessionStorage is missing or refuses.
func heldBefore() (held bool) {
	defer func() {
		if recover() != nil {
			held = false
		}
	}()
	ss := app.Window().Get("sessionStorage")
	if !ss.Truthy() {
		return false
	}
	v := ss.Call("getItem", heldKey)
	return v.Truthy() && v.String() == "1"
}

// markHeld records whether this tab holds the stored cluster (heldKey).
// UI goroutine: after a start, and when another tab took the cluster over.
func markHeld(held bool) {
	defer func() { recover() }() // storage refused: nothing to remember
	ss := app.Window().Get("sessionStorage")
	if !ss.Truthy() {
		return
	}
	if held {
		ss.Call("setItem", heldKey, "1")
	} else {
		ss.Call("removeItem", heldKey)
	}
}
