//go:build !wasm

package site

import (
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	ui "github.com/etcd-play/etcd-play/app"
	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/app/engine/wsconn"
	"github.com/etcd-play/etcd-play/node/mvcc"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// testSite is what serve reads from web/, over a fake wasm.
func testSite(t *testing.T) siteFiles {
	t.Helper()
	wasm := filepath.Join(t.TempDir(), "app.wasm")
	if err := os.WriteFile(wasm, []byte("\x00asm fake"), 0o644); err != nil {
		t.Fatal(err)
	}
	site, err := readSite(wasm, "v1")
	if err != nil {
		t.Fatal(err)
	}
	app.Route("/", func() app.Composer { return ui.New(ui.Options{}) }) // as main does
	return site
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// The native site serves the page, tells it where its engine is, and
// answers a WebSocket at that path with serve.
func TestNativeSiteServesPageAndEndpoint(t *testing.T) {
	site := testSite(t)
	srv := httptest.NewServer(nativeSite(site, func(ctx context.Context, c engine.Conn) {
		for {
			b, err := c.Recv(ctx)
			if err != nil {
				return
			}
			c.Send(append([]byte("echo:"), b...))
		}
	}))
	defer srv.Close()

	code, appJS := get(t, srv.URL+"/app.js")
	for _, want := range []string{`"ETCDPLAY_ENGINE":"native"`, `"ETCDPLAY_ENGINE_URL":"/engine"`, `"GOAPP_VERSION":"` + site.version + `+native"`} {
		if code != 200 || !strings.Contains(appJS, want) {
			t.Errorf("app.js (HTTP %d) lacks %s", code, want)
		}
	}
	if code, page := get(t, srv.URL+"/"); code != 200 || !strings.Contains(page, "<html") {
		t.Errorf("the page: HTTP %d", code)
	}
	// The worker's site of the same wasm names no native engine.
	wsrv := httptest.NewServer(fixedPages(handler("", site)))
	defer wsrv.Close()
	if _, js := get(t, wsrv.URL+"/app.js"); strings.Contains(js, "ETCDPLAY_ENGINE") {
		t.Error("the worker site's app.js names an engine")
	}

	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	c, err := wsconn.Dial(ctx, "ws"+strings.TrimPrefix(srv.URL, "http")+wsconn.EndpointPath(""))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if err := c.Send([]byte("frame")); err != nil {
		t.Fatal(err)
	}
	if b, err := c.Recv(ctx); err != nil || string(b) != "echo:frame" {
		t.Fatalf("round trip through the endpoint: %q, %v", b, err)
	}
}

func TestServeRefusesAnUnknownEngine(t *testing.T) {
	err := Run([]string{"serve", "-engine", "wasm", "-addr", "127.0.0.1:0"}, io.Discard, new(string))
	if err == nil || !strings.Contains(err.Error(), `-engine "wasm"`) {
		t.Fatalf("serve -engine wasm: %v", err)
	}
}

// serve -engine=native's handler drives a real cluster: two pages (two
// clients over WebSockets) share it; a put through one is read through the
// other; a kill through one is seen by both.
func TestServeNativeDrivesOneSharedCluster(t *testing.T) {
	const build = "v-test"
	start := local.Shared(local.StartNative)
	srv := httptest.NewServer(nativeSite(testSite(t), func(ctx context.Context, c engine.Conn) {
		engine.Serve(ctx, c, engine.ServerOptions{Kind: engineNative, Build: build, Start: start})
	}))
	defer srv.Close()
	u := "ws" + strings.TrimPrefix(srv.URL, "http") + wsconn.EndpointPath("")
	dial := func(ctx context.Context) (engine.Conn, error) { return wsconn.Dial(ctx, u) }
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()

	page := func(req engine.StartRequest) (*engine.Client, engine.Engine) {
		t.Helper()
		c, err := engine.NewClient(ctx, dial, engine.ClientOptions{Build: build, Redial: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		if k := c.Hello().Kind; k != engineNative {
			t.Errorf("hello kind %q, want native", k)
		}
		e, err := c.Start(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		return c, e
	}
	_, a := page(engine.StartRequest{Members: 3, Seed: 3, Speed: 200})
	_, b := page(engine.StartRequest{Members: 5, Seed: 9}) // another tab: the running cluster, whatever it asks
	defer a.(engine.Storage).ResetAll()

	leader := waitLeader(t, a, 0)
	if _, err := a.Put(ctx, leader, []byte("greeting"), []byte("hello")); err != nil {
		t.Fatal(err)
	}
	if n := len(b.Members()); n != 3 {
		t.Fatalf("the second page sees %d members, want the first page's 3", n)
	}
	r, err := b.Get(ctx, leader, mvcc.RangeRequest{Key: []byte("greeting")}, false)
	if err != nil || len(r.KVs) != 1 || string(r.KVs[0].Value) != "hello" {
		t.Fatalf("the second page's get: %+v, %v", r, err)
	}
	if v := b.(engine.Storage).Storage(); v.Medium != "memory" {
		t.Errorf("native storage: %+v", v)
	}

	if err := b.Kill(leader); err != nil {
		t.Fatal(err)
	}
	for _, e := range []engine.Engine{a, b} {
		waitFor(t, "the killed leader shown down", func() bool {
			for _, m := range e.Status() {
				if m.ID == leader {
					return m.State == "down"
				}
			}
			return false
		})
	}
	if next := waitLeader(t, a, leader); next == leader {
		t.Fatal("no new leader")
	}

	// A page of another build is refused in the handshake.
	if _, err := engine.NewClient(ctx, dial, engine.ClientOptions{Build: "other"}); !errors.Is(err, engine.ErrVersion) {
		t.Errorf("a page of another build: %v, want ErrVersion", err)
	}
}

// Shutting the native server down (SIGINT, SIGTERM) tells the pages it
// is going away (1001) and returns once their sessions ended.
func TestServeNativeShutdownTellsPages(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, shutdown := context.WithCancel(context.Background())
	defer shutdown()
	returned := make(chan error, 1)
	go func() { returned <- serveNativeUntil(ctx, ln, testSite(t), "v-test", io.Discard) }()

	wait, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var pages []engine.Conn
	for range 2 {
		c, err := wsconn.Dial(wait, "ws://"+ln.Addr().String()+wsconn.EndpointPath(""))
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		pages = append(pages, c)
	}
	shutdown()
	for i, c := range pages {
		_, err := c.Recv(wait)
		if websocket.CloseStatus(err) != websocket.StatusGoingAway || !strings.Contains(err.Error(), "shutting down") {
			t.Errorf("page %d's Recv after the shutdown: %v", i, err)
		}
	}
	select {
	case err := <-returned:
		if err != nil {
			t.Errorf("serve returned %v", err)
		}
	case <-wait.Done():
		t.Fatal("serve did not return after its shutdown")
	}
}

// waitLeader waits until e shows a live leader other than not, and returns it.
func waitLeader(t *testing.T, e engine.Engine, not uint64) uint64 {
	t.Helper()
	var id uint64
	waitFor(t, "a leader", func() bool {
		for _, m := range e.Status() {
			if m.Up() && m.State == "leader" && m.ID != not {
				id = m.ID
				return true
			}
		}
		return false
	})
	return id
}

// waitFor polls cond until it holds, failing after 10 s.
func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}
