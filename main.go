// Command etcd-play is the etcd playground: in the browser it runs the
// go-app UI over a five-member in-page cluster; natively it serves the page
// for development or generates the static site (app/site).
//
//	go run . serve [-addr localhost:8000] [-engine worker|native] # what `make run` uses; serves ./web
//	go run . build [-out build] [-base /etcd-play] [-version v] [-wasm file]  # static site for GitHub Pages
//
// Both native commands expect web/app.wasm to exist (`make wasm`).
package main

import (
	"context"
	"fmt"
	"os"
	"runtime/debug"
	"sync"
	"time"

	ui "github.com/etcd-play/etcd-play/app"
	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/app/engine/worker"
	"github.com/etcd-play/etcd-play/app/engine/wsconn"
	"github.com/etcd-play/etcd-play/app/site"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// version is set at link time: -ldflags "-X main.version=$(git describe)".
// The build command overrides it with -version for the pre-rendered page.
var version = "dev"

// speed is the tick rate the page starts at (ticks per second).
const speed = 20

func main() {
	if worker.InWorker() {
		serveInWorker() // never returns
	}
	// The page's collector: see app's pagegc.go.
	debug.SetGCPercent(400)
	var pre *ui.Prestarted
	if app.IsClient {
		// The engine starts its cluster while go-app builds the page:
		// the first start is sent before the first render, once the
		// engine answered the handshake (or connectWait passed).
		pre = ui.Prestart(newEngine)
		select {
		case <-connected:
		case <-time.After(connectWait):
		}
	}
	app.Route("/", func() app.Composer {
		return ui.New(ui.Options{Version: ui.SiteVersion(version), WasmVersion: version, NewEngineAs: newEngine, Prestarted: pre, Speed: speed})
	})
	// In the browser this runs the app and never returns; natively it
	// returns at once.
	app.RunWhenOnBrowser()

	if err := site.Run(os.Args[1:], os.Stdout, &version); err != nil {
		fmt.Fprintln(os.Stderr, "etcd-play:", err)
		os.Exit(2)
	}
}

// newEngine starts the page's cluster through the engine protocol: it
// connects to the engine once (connectEngine) and asks it to start the
// cluster the URL chose (ui.ParsePageQuery: size, seed, speed, embed) with
// the storage mode the page asks for. The engine side is local.Start:
// members on IndexedDB, resumed on every load; or, when `serve
// -engine=native` served the page (wsconn.EngineURL), the server's one
// cluster, shared by its pages, over a WebSocket the client redials.
func newEngine(mode engine.StartMode) (engine.Engine, error) {
	pc := ui.ParsePageQuery(app.Window().URL().RawQuery)
	c, err := connectEngine()
	if err != nil {
		return nil, err
	}
	return c.Start(context.Background(), engine.StartRequest{Mode: mode, Members: pc.Members, Seed: pc.Seed, Speed: pc.Speed, Embed: pc.Embed,
		// A shared run (#h=...) replaces the cluster in this tab only: it
		// runs in memory, leaving the stored one (and the tab that holds
		// it) alone.
		// So does a tour (ui.TourInURL), recorded from its start for Back.
		Memory: pc.Memory || ui.SharedLinkInURL() || ui.TourInURL(), Settings: pc.Settings})
}

var (
	clientMu sync.Mutex
	client   *engine.Client
	// connected is closed when the first dial ended, connected or not.
	connected   = make(chan struct{})
	connectOnce sync.Once
)

// connectWait bounds how long the page delays its first render for the
// engine's handshake, so that its first start is on its way while the page
// renders (the worker compiles the same wasm as the page, so it is usually
// ready about when the page is). Past it the page renders and the start
// follows the handshake.
const connectWait = 300 * time.Millisecond

// connectEngine returns the page's one client, dialling it the first time.
func connectEngine() (*engine.Client, error) {
	clientMu.Lock()
	defer clientMu.Unlock()
	defer connectOnce.Do(func() { close(connected) })
	if client != nil {
		return client, nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), handshakeTimeout)
	defer cancel()
	dial, redial := dialWorker, false
	if !worker.Available() {
		dial = dialInPage
	}
	if u, ok := wsconn.EngineURL(); ok { // served by serve -engine=native: its engine, over a WebSocket
		dial, redial = func(ctx context.Context) (engine.Conn, error) { return wsconn.Dial(ctx, u) }, true
	}
	c, err := engine.NewClient(ctx, dial, engine.ClientOptions{Build: version, Redial: redial})
	if err != nil {
		return nil, err
	}
	client = c
	return c, nil
}

// handshakeTimeout bounds how long the page waits for its engine to
// answer the handshake: the worker loads app.wasm (from the HTTP or the
// service worker's cache: the page just loaded it) and compiles it.
const handshakeTimeout = 60 * time.Second

// dialWorker starts the engine in a dedicated Web Worker (the default):
// the page's thread is left to the page.
func dialWorker(ctx context.Context) (engine.Conn, error) {
	return worker.Dial(ctx, worker.ScriptURL())
}

// dialInPage runs the engine in the page's own wasm, behind the protocol,
// where the browser has no Web Workers.
func dialInPage(context.Context) (engine.Conn, error) {
	a, b := engine.Pipe()
	go engine.Serve(context.Background(), b, engine.ServerOptions{Kind: "page", Build: version, Start: local.Start})
	return a, nil
}

// serveInWorker is main in the engine's Web Worker (web/engine-worker.js
// runs this same wasm there): it serves the engine protocol to the page
// that started the worker, and nothing of the page runs (no go-app, no
// document, window or localStorage). Serve returns only when its
// connection failed (the page sent something it could not read, or went
// away): the program then exits, and the bootstrap tells the page why (the
// exit code and the line below), which the page's worker.Dial connection
// reports as worker.ErrWorkerCrashed.
func serveInWorker() {
	err := engine.Serve(context.Background(), keepOpen{worker.Listen()}, engine.ServerOptions{Kind: "worker", Build: version, Start: local.Start})
	fmt.Fprintln(os.Stderr, "etcd-play engine worker: serving ended:", err)
	os.Exit(1)
}

// keepOpen leaves the worker's connection open when Serve closes it, so
// that the page's first news of the end is the exit report with its reason
// rather than a bare close.
type keepOpen struct{ engine.Conn }

func (keepOpen) Close() error { return nil }
