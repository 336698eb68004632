//go:build browser

package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/etcd-play/etcd-play/app/engine"
)

// The page's cluster runs in the engine's Web Worker: the page says so
// (data-engine, data-protocol), and what the page does reaches it.
func TestClusterRunsInTheWorker(t *testing.T) {
	tb := newTab(t, 90*time.Second)
	tb.waitLeader()
	var got struct {
		Engine   string `json:"engine"`
		Protocol string `json:"protocol"`
		Worker   bool   `json:"worker"`
		Early    bool   `json:"early"`
	}
	tb.eval(`(() => { const d = document.querySelector('.playground').dataset;
		return {engine: d.engine, protocol: d.protocol, worker: globalThis.etcdplayEngineWorker instanceof Worker,
		early: globalThis.etcdplayEarlyEngine !== undefined}; })()`, &got)
	if got.Early {
		t.Error("the worker the page's head started was not adopted")
	}
	if want := fmt.Sprint(engine.Version); got.Engine != "worker" || got.Protocol != want || !got.Worker {
		t.Fatalf("page says engine %q protocol %q (a Worker: %v), want worker, %s, true", got.Engine, got.Protocol, got.Worker, want)
	}
	if r := tb.write("put", 1, "in-the-worker", "yes", false); r.Status != "ok" {
		t.Fatalf("put: %+v", r)
	}
}

// A worker that dies (here: its engine server is sent a frame it cannot
// read, so it ends and the worker exits, as after a panic) is reported on
// the page with a restart button; the controls are inert meanwhile; the
// restart starts a new worker that resumes the cluster from IndexedDB with
// the acknowledged write.
func TestWorkerCrashAndRestartFromStorage(t *testing.T) {
	tb := newTab(t, 2*time.Minute)
	tb.waitLeader()
	if r := tb.write("put", 1, "survives", "the crash", false); r.Status != "ok" {
		t.Fatalf("put: %+v", r)
	}
	tb.eval(`(() => { const junk = new Uint8Array([0xde, 0xad]).buffer; globalThis.etcdplayEngineWorker.postMessage(junk, [junk]); return true; })()`, new(bool))
	tb.waitJS(`document.querySelector('.engine-lost[data-engine-lost="crashed"]') !== null`, "the crash banner")
	var st struct {
		Text  string `json:"text"`
		Inert bool   `json:"inert"`
	}
	tb.eval(`({text: document.querySelector('.engine-lost').textContent, inert: document.querySelector('main.layout').inert})`, &st)
	t.Logf("banner: %s", st.Text)
	if !st.Inert {
		t.Error("the cluster's controls are not inert while the engine is down")
	}
	tb.clickAction("engine-restart", 0)
	tb.waitJS(`document.querySelector('.engine-lost') === null && !document.querySelector('main.layout').inert`, "the engine back")
	tb.waitLeader()
	r := tb.write("get", 2, "survives", "", false)
	if r.Status != "ok" || len(r.Values) != 1 || r.Values[0] != "the crash" {
		t.Fatalf("after the restart, get survives: %+v", r)
	}
}

// The Durability panel's link reloads the page with its cluster in
// memory (storage=memory), which then says so and works; its link back
// returns to IndexedDB, where the stored cluster still holds its key.
func TestChooseMemoryOrIndexedDB(t *testing.T) {
	tb := newTab(t, 2*time.Minute)
	tb.waitLeader()
	if r := tb.write("put", 1, "stored", "in indexeddb", false); r.Status != "ok" {
		t.Fatalf("put: %+v", r)
	}
	tb.clickAction("storage-memory", 0)
	tb.waitAcrossLoad(`location.search.includes("storage=memory") && document.querySelector('.durability[data-storage="memory"]') !== null`, "the page in memory")
	tb.waitLeader()
	if r := tb.write("get", 1, "stored", "", false); r.Status != "ok" || len(r.Values) != 0 {
		t.Fatalf("the in-memory cluster is a new one, yet: %+v", r)
	}
	if r := tb.write("put", 1, "fast", "in memory", false); r.Status != "ok" {
		t.Fatalf("put in memory: %+v", r)
	}
	tb.clickAction("storage-indexeddb", 0)
	tb.waitAcrossLoad(`!location.search.includes("storage=") && document.querySelector('.durability[data-storage="indexeddb"]') !== null`, "the page on IndexedDB")
	tb.waitLeader()
	if r := tb.write("get", 1, "stored", "", false); r.Status != "ok" || len(r.Values) != 1 || r.Values[0] != "in indexeddb" {
		t.Fatalf("back on IndexedDB: %+v", r)
	}
}

// waitAcrossLoad is waitJS for a condition that holds only after a
// navigation the test started: a poll that the navigation cut short (its
// document's context went away) polls again in the new document.
func (tb *tab) waitAcrossLoad(expr, what string) {
	tb.t.Helper()
	for {
		var ok bool
		err := chromedp.Run(tb.ctx, chromedp.Poll(expr, &ok, pollEvery, chromedp.WithPollingTimeout(0)))
		if err == nil {
			return
		}
		// A poll cut short by the navigation fails with "context ..." or,
		// when the page's target navigated first, "Inspected target
		// navigated or closed".
		if tb.ctx.Err() != nil || !strings.Contains(err.Error(), "context") && !strings.Contains(err.Error(), "navigated") {
			tb.t.Fatalf("waiting for %s: %v (expression %s)", what, err, expr)
		}
	}
}
