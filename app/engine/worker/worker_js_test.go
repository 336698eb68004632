//go:build js

package worker

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path"
	"strings"
	"syscall/js"
	"testing"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// These tests run in Chromium (wasmbrowsertest; see the Makefile's
// test-worker). Page-side ones start small JS workers from blob: URLs;
// the bootstrap ones start web/engine-worker.js running this very test
// binary, whose TestMain serves helperServe when it finds itself in a
// worker.

func TestMain(m *testing.M) {
	if InWorker() {
		helperServe()
		select {} // the page terminates the worker
	}
	os.Exit(m.Run())
}

// helperServe echoes every frame over Listen, except the commands below,
// which make the worker fail the ways the page must report.
func helperServe() {
	c := Listen()
	go func() {
		for {
			b, err := c.Recv(context.Background())
			if err != nil {
				println("helper: recv:", err.Error())
				return
			}
			switch string(b) {
			case "engine": // serve the engine protocol from the next frame on
				err := engine.Serve(context.Background(), c, engine.ServerOptions{Kind: "worker", Build: helperBuild, Start: local.Start})
				println("helper: serving ended:", err.Error())
				return
			case "panic":
				panic("helper asked to panic")
			case "exit3":
				os.Exit(3)
			case "close":
				c.Close()
				return
			case "oom":
				var keep [][]byte
				for {
					keep = append(keep, make([]byte, 64<<20))
				}
			default:
				if err := c.Send(b); err != nil {
					println("helper: send:", err.Error())
					return
				}
			}
		}
	}()
}

// helperBuild is the engine build the helper and the test's client claim.
const helperBuild = "worker-test"

// blobWorker dials a worker running src.
func blobWorker(t testing.TB, src string) engine.Conn {
	t.Helper()
	blob := js.Global().Get("Blob").New([]any{src}, map[string]any{"type": "text/javascript"})
	u := js.Global().Get("URL").Call("createObjectURL", blob).String()
	c, err := Dial(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// bootstrapWorker dials web/engine-worker.js (from a blob: URL, as the
// test server does not serve the repository) running this test binary.
func bootstrapWorker(t testing.TB) engine.Conn {
	t.Helper()
	src, err := os.ReadFile(os.Getenv("PWD") + "/../../../web/" + ScriptName)
	if err != nil {
		t.Fatalf("reading the bootstrap: %v", err)
	}
	blob := js.Global().Get("Blob").New([]any{string(src)}, map[string]any{"type": "text/javascript"})
	u := js.Global().Get("URL").Call("createObjectURL", blob).String()
	origin := js.Global().Get("location").Get("origin").String()
	name := "?wasm=" + origin + "/" + path.Base(os.Args[0]) + "&exec=" + origin + "/wasm_exec.js"
	c, err := dial(context.Background(), u, js.ValueOf(map[string]any{"name": name}))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func recv(t testing.TB, c engine.Conn) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	b, err := c.Recv(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatal("no frame and no error from the worker in 30 s")
	}
	return b, err
}

const echoJS = `onmessage = (e) => postMessage(e.data, [e.data]);`

// frames are the echo tests' frames: empty, small, 64 KiB, 1 MiB.
func frames() [][]byte {
	var out [][]byte
	for _, n := range []int{0, 1, 7, 64 << 10, 1 << 20} {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(i*7 + n)
		}
		out = append(out, b)
	}
	return out
}

func testEcho(t *testing.T, c engine.Conn) {
	want := frames()
	for _, b := range want {
		sent := bytes.Clone(b)
		if err := c.Send(b); err != nil {
			t.Fatal(err)
		}
		for i := range b { // Send keeps no reference to b
			b[i] ^= 0xff
		}
		copy(b, sent) // restore for the comparison below
		for i := range sent {
			sent[i] ^= 0xff
		}
	}
	for i, w := range want {
		got, err := recv(t, c)
		if err != nil {
			t.Fatalf("frame %d: %v", i, err)
		}
		if !bytes.Equal(got, w) {
			t.Fatalf("frame %d: got %d bytes, want %d (or different content)", i, len(got), len(w))
		}
	}
}

func TestEchoFrames(t *testing.T) { testEcho(t, blobWorker(t, echoJS)) }

func TestBootstrapEchoFrames(t *testing.T) { testEcho(t, bootstrapWorker(t)) }

// wantCrash checks that err is a *CrashError whose one line says every
// part, and returns it.
func wantCrash(t *testing.T, err error, parts ...string) *CrashError {
	t.Helper()
	var ce *CrashError
	if !errors.Is(err, ErrWorkerCrashed) || !errors.As(err, &ce) {
		t.Fatalf("got %v, want a *CrashError", err)
	}
	for _, p := range parts {
		if !strings.Contains(ce.What, p) {
			t.Fatalf("%q does not say %q", ce.What, p)
		}
	}
	t.Logf("the page sees: %v", err)
	return ce
}

func TestWorkerThrows(t *testing.T) {
	c := blobWorker(t, `postMessage(new Uint8Array([1]).buffer); throw new Error("boom at load");`)
	if b, err := recv(t, c); err != nil || !bytes.Equal(b, []byte{1}) {
		t.Fatalf("the frame sent before the crash: %v %v", b, err)
	}
	_, err := recv(t, c)
	wantCrash(t, err, "boom at load", "blob:")
	if err := c.Send([]byte("x")); !errors.Is(err, ErrWorkerCrashed) {
		t.Fatalf("Send after the crash: %v, want the crash", err)
	}
}

// A script that does not load (here a revoked blob: URL: the test server
// answers every unknown path with an empty 200) ends Recv.
func TestScriptMissing(t *testing.T) {
	blob := js.Global().Get("Blob").New([]any{echoJS}, map[string]any{"type": "text/javascript"})
	u := js.Global().Get("URL").Call("createObjectURL", blob).String()
	js.Global().Get("URL").Call("revokeObjectURL", u)
	c, err := Dial(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = recv(t, c)
	wantCrash(t, err, "did not load", u)
}

func TestBadScriptURL(t *testing.T) {
	if _, err := Dial(context.Background(), "http://[::1"); err == nil || !strings.Contains(err.Error(), "starting") {
		t.Fatalf("Dial with a malformed URL: %v, want an error", err)
	}
}

func TestExitControlMessage(t *testing.T) {
	c := blobWorker(t, `postMessage({etcdplayWorker: "exit", code: 2, reason: "panic: x"});`)
	_, err := recv(t, c)
	wantCrash(t, err, "panic: x (exit code 2)")
}

func TestUnreadableMessage(t *testing.T) {
	c := blobWorker(t, `postMessage("hello");`)
	_, err := recv(t, c)
	if !errors.Is(err, ErrUnreadable) || !strings.Contains(err.Error(), "string") {
		t.Fatalf("got %v, want ErrUnreadable naming a string", err)
	}
}

func TestCloseAndContext(t *testing.T) {
	c := blobWorker(t, echoJS)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Recv(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Recv with a cancelled context: %v", err)
	}
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if err := c.Close(); err != nil {
		t.Fatalf("second Close: %v", err)
	}
	if _, err := recv(t, c); !errors.Is(err, ErrClosed) {
		t.Fatalf("Recv after Close: %v", err)
	}
	if err := c.Send([]byte("x")); !errors.Is(err, ErrClosed) {
		t.Fatalf("Send after Close: %v", err)
	}
}

// The worker's Go program ending, each way, reaches the page.
func TestBootstrapGoPanics(t *testing.T) {
	c := bootstrapWorker(t)
	c.Send([]byte("panic"))
	_, err := recv(t, c)
	ce := wantCrash(t, err, "panic: helper asked to panic (exit code 2)")
	if !strings.Contains(ce.Detail, "goroutine") || !strings.Contains(ce.Detail, "helperServe") {
		t.Errorf("the crash's detail lacks the panic's trace: %q", ce.Detail)
	}
}

func TestBootstrapGoExits(t *testing.T) {
	c := bootstrapWorker(t)
	c.Send([]byte("exit3"))
	_, err := recv(t, c)
	wantCrash(t, err, "exited with code 3")
}

func TestBootstrapPeerCloses(t *testing.T) {
	c := bootstrapWorker(t)
	c.Send([]byte("hi"))
	c.Send([]byte("close"))
	if b, err := recv(t, c); err != nil || string(b) != "hi" {
		t.Fatalf("the echo before close: %q %v", b, err)
	}
	if _, err := recv(t, c); !errors.Is(err, ErrPeerClosed) {
		t.Fatalf("got %v, want ErrPeerClosed", err)
	}
}

func TestBootstrapWasmMissing(t *testing.T) {
	src, err := os.ReadFile(os.Getenv("PWD") + "/../../../web/" + ScriptName)
	if err != nil {
		t.Fatal(err)
	}
	blob := js.Global().Get("Blob").New([]any{string(src)}, map[string]any{"type": "text/javascript"})
	u := js.Global().Get("URL").Call("createObjectURL", blob).String()
	origin := js.Global().Get("location").Get("origin").String()
	c, err := dial(context.Background(), u, js.ValueOf(map[string]any{"name": "?wasm=/no-such.wasm&exec=" + origin + "/wasm_exec.js"}))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	_, err = recv(t, c)
	wantCrash(t, err, "loading "+origin+"/no-such.wasm")
}

// BenchmarkRoundTrip: one frame page -> worker -> page, one at a time, to
// a JS echo worker and to a Go echo behind the bootstrap, for a small frame
// and a 64 KiB one.
func BenchmarkRoundTrip(b *testing.B) {
	for _, w := range []struct {
		name string
		dial func(testing.TB) engine.Conn
	}{
		{"js-echo", func(tb testing.TB) engine.Conn { return blobWorker(tb, echoJS) }},
		{"go-echo", bootstrapWorker},
	} {
		for _, size := range []int{16, 64 << 10} {
			b.Run(fmt.Sprintf("%s/%dB", w.name, size), func(b *testing.B) {
				c := w.dial(b)
				frame := make([]byte, size)
				c.Send(frame) // the worker's load is not part of the figure
				if _, err := recv(b, c); err != nil {
					b.Fatal(err)
				}
				b.SetBytes(int64(len(frame)))
				b.ResetTimer()
				for range b.N {
					if err := c.Send(frame); err != nil {
						b.Fatal(err)
					}
					if _, err := recv(b, c); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// startWorkerEngine starts a 3-member cluster in a worker through the
// engine protocol and waits for its leader and storage in the pushed views.
func startWorkerEngine(tb testing.TB, ctx context.Context) (eng engine.Engine, leader uint64, medium string) {
	tb.Helper()
	return startEngine(tb, ctx, func(context.Context) (engine.Conn, error) {
		c := bootstrapWorker(tb)
		return c, c.Send([]byte("engine"))
	}, engine.StartShared)
}

// startEngine starts a 3-member cluster through the engine protocol over
// the connection dial makes, storage opened as mode says.
func startEngine(tb testing.TB, ctx context.Context, dial func(context.Context) (engine.Conn, error), mode engine.StartMode) (eng engine.Engine, leader uint64, medium string) {
	tb.Helper()
	cl, err := engine.NewClient(ctx, dial, engine.ClientOptions{Build: helperBuild})
	if err != nil {
		tb.Fatalf("handshake: %v", err)
	}
	start := time.Now()
	eng, err = cl.Start(ctx, engine.StartRequest{Mode: mode, Members: 3, Seed: 9, Speed: 100})
	if err != nil {
		tb.Fatalf("start: %v", err)
	}
	tb.Logf("the cluster started in %v", time.Since(start).Round(time.Millisecond))
	for deadline := time.Now().Add(30 * time.Second); leader == 0 || medium == ""; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			tb.Fatalf("no leader or storage in the pushed views: %+v, %+v", eng.Status(), eng.(engine.Storage).Storage())
		}
		medium = eng.(engine.Storage).Storage().Medium
		for _, m := range eng.Status() {
			if m.State == "leader" {
				leader = m.ID
			}
		}
	}
	return eng, leader, medium
}

// The engine protocol over the worker: the cluster runs in the worker, on
// IndexedDB (its tab lock and database open there), and answers the page.
func TestBootstrapEngineProtocol(t *testing.T) {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	eng, leader, medium := startWorkerEngine(t, ctx)
	if medium != "indexeddb" {
		t.Errorf("storage %q, want IndexedDB in the worker", medium)
	}
	if _, err := eng.Put(ctx, leader, []byte("k"), []byte("v")); err != nil {
		t.Fatalf("put: %v", err)
	}
	r, err := eng.Get(ctx, leader, mvcc.RangeRequest{Key: []byte("k")}, false)
	if err != nil || len(r.KVs) != 1 || string(r.KVs[0].Value) != "v" {
		t.Fatalf("get after put: %+v, %v", r, err)
	}
}

// BenchmarkPut: one Put at a time from the page to the leader of a
// 3-member in-memory cluster at 100 ticks/s, through the engine protocol
// over the worker, and, for comparison, over an in-page Pipe (the cluster
// on the page's thread): the difference is the transport's cost.
func BenchmarkPut(b *testing.B) {
	ctx := context.Background()
	for _, tc := range []struct {
		name string
		dial func(context.Context) (engine.Conn, error)
	}{
		{"worker", func(context.Context) (engine.Conn, error) {
			c := bootstrapWorker(b)
			return c, c.Send([]byte("engine"))
		}},
		{"in-page-pipe", func(context.Context) (engine.Conn, error) {
			p, s := engine.Pipe()
			go engine.Serve(ctx, s, engine.ServerOptions{Kind: "page", Build: helperBuild, Start: local.Start})
			return p, nil
		}},
	} {
		b.Run(tc.name, func(b *testing.B) {
			eng, leader, _ := startEngine(b, ctx, tc.dial, engine.StartInMemory)
			value := make([]byte, 256)
			b.ResetTimer()
			for i := range b.N {
				if _, err := eng.Put(ctx, leader, fmt.Appendf(nil, "key-%d", i%1000), value); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// A worker whose Go heap grows past what wasm allows (4 GiB of linear
// memory) ends with the runtime's fatal error, which reaches the page.
func TestBootstrapOutOfMemory(t *testing.T) {
	c := bootstrapWorker(t)
	c.Send([]byte("oom"))
	start := time.Now()
	_, err := recv(t, c)
	wantCrash(t, err, "fatal error: out of memory (exit code 2)")
	t.Logf("%v after asking for it", time.Since(start).Round(time.Millisecond))
}
