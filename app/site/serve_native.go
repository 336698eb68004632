//go:build !wasm

package site

import (
	"context"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/app/engine/wsconn"
)

// The -engine flag of serve.
const (
	engineWorker = "worker" // the default: each page runs its cluster in a Web Worker
	engineNative = "native" // one cluster in the server's process, over a WebSocket
)

// serveNative is `serve -engine=native`: ONE cluster runs in this process
// for the server's lifetime (local.Shared over local.StartNative: built by
// the first page that connects, shared by every later one, in memory) and
// each page's WebSocket at wsconn.EndpointPath("") is answered by
// engine.Serve. On SIGINT or SIGTERM the pages are told the server is going
// away (close code 1001) before the process exits.
func serveNative(ln net.Listener, site siteFiles, build string, stdout io.Writer) error {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	return serveNativeUntil(ctx, ln, site, build, stdout)
}

// serveNativeUntil is serveNative until ctx ends.
func serveNativeUntil(ctx context.Context, ln net.Listener, site siteFiles, build string, stdout io.Writer) error {
	start := local.Shared(local.StartNative)
	h := nativeSite(site, func(ctx context.Context, c engine.Conn) {
		err := engine.Serve(ctx, c, engine.ServerOptions{Kind: engineNative, Build: build, Start: start})
		if err != nil && ctx.Err() == nil {
			log.Printf("etcd-play: a page's session ended: %v", err)
		}
	})
	// Every request counts from its start, before a WebSocket hijacks its
	// connection: once Shutdown returned (no request left but those
	// hijacked), requests.Wait waits for the pages' sessions.
	var requests sync.WaitGroup
	srv := &http.Server{
		Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			defer requests.Done()
			h.ServeHTTP(w, r)
		}),
		BaseContext: func(net.Listener) context.Context { return ctx },
	}
	fmt.Fprintf(stdout, "etcd-play %s: http://%s/ (engine: native, in this process; pages connect to ws://%s%s)\n",
		*version, ln.Addr(), ln.Addr(), wsconn.EndpointPath(""))
	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	// The sessions' contexts ended with ctx: each closes its WebSocket with
	// 1001. Wait a little for them (Shutdown does not wait for WebSockets).
	shutdown, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	err := srv.Shutdown(shutdown)
	waited := make(chan struct{})
	go func() { requests.Wait(); close(waited) }()
	select {
	case <-waited:
	case <-shutdown.Done():
	}
	return err
}

// nativeSite is the native engine's site: the page (as serve's, with the
// native engine named in its environment, see wsconn.EngineURL) and the
// WebSocket endpoint, whose every connection serve answers.
func nativeSite(site siteFiles, serve func(ctx context.Context, c engine.Conn)) http.Handler {
	h := handler("", site)
	// No engine worker: the page's engine is this server.
	h.RawHeaders = []string{sandboxScript, earlyWasmScript("", site.version), messagesScriptTag("", site.version)}
	h.Env = map[string]string{wsconn.EnvEngine: wsconn.EngineNative, wsconn.EnvEngineURL: wsconn.EndpointPath("")}
	// Another version than the worker's site of the same wasm: the service
	// worker keys its cache (app.js, which carries the environment) by it,
	// so switching -engine on one address never serves the other's app.js.
	h.Version += "+" + engineNative
	mux := http.NewServeMux()
	mux.Handle(wsconn.EndpointPath(""), wsconn.Handler(serve))
	mux.Handle("/", fixedPages(h))
	return mux
}
