//go:build !js

package wsconn

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/etcd-play/etcd-play/app/engine"
)

// wait bounds every blocking step of these tests: a step that takes longer
// failed (nothing here should take more than milliseconds).
const wait = 10 * time.Second

// serveWS starts an HTTP server with HandlerWith(serve, o) and returns its
// ws:// URL.
func serveWS(t testing.TB, o Options, serve func(ctx context.Context, c engine.Conn)) string {
	t.Helper()
	srv := httptest.NewServer(HandlerWith(serve, o))
	t.Cleanup(srv.Close)
	return "ws" + strings.TrimPrefix(srv.URL, "http")
}

func dial(t testing.TB, u string) engine.Conn {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	c, err := Dial(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func recv(t *testing.T, c engine.Conn) ([]byte, error) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	b, err := c.Recv(ctx)
	if errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("Recv did not return within %v", wait)
	}
	return b, err
}

// echo sends every frame back until the connection ends.
func echo(ctx context.Context, c engine.Conn) {
	for {
		b, err := c.Recv(ctx)
		if err != nil {
			return
		}
		if c.Send(b) != nil {
			return
		}
	}
}

// frame is frame number i, n bytes long (n >= 8), its bytes depending on i.
func frame(i, n int) []byte {
	b := make([]byte, n)
	for j := range b {
		b[j] = byte(i*7 + j)
	}
	if n >= 8 {
		copy(b, fmt.Sprintf("%08d", i))
	}
	return b
}

func TestRoundTripSizesAndOrder(t *testing.T) {
	u := serveWS(t, Options{}, echo)
	c := dial(t, u)
	sizes := []int{0, 1, 8, 125, 126, 65535, 65536, 100_000, DefaultMaxFrame} // around the frame header's length forms, up to the limit
	for i, n := range sizes {
		if err := c.Send(frame(i, n)); err != nil {
			t.Fatalf("Send of %d bytes: %v", n, err)
		}
	}
	for i, n := range sizes {
		b, err := recv(t, c)
		if err != nil {
			t.Fatalf("frame %d (%d bytes): %v", i, n, err)
		}
		if !bytes.Equal(b, frame(i, n)) {
			t.Fatalf("frame %d: got %d bytes, want the %d sent", i, len(b), n)
		}
		if b == nil {
			t.Fatalf("frame %d: nil, want an empty frame", i)
		}
	}
	// 1,000 small frames sent at once come back in order.
	const many = 1000
	go func() {
		for i := range many {
			if c.Send(frame(i, 16)) != nil {
				return
			}
		}
	}()
	for i := range many {
		b, err := recv(t, c)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(b, frame(i, 16)) {
			t.Fatalf("frame %d arrived as %q", i, b[:8])
		}
	}
}

// A frame from the engine may be far larger than one from the page.
func TestLargeFrameToThePage(t *testing.T) {
	const n = 20 << 20
	u := serveWS(t, Options{}, func(ctx context.Context, c engine.Conn) {
		c.Send(frame(1, n))
		c.Recv(ctx) // until the page closes
	})
	b, err := recv(t, dial(t, u))
	if err != nil || !bytes.Equal(b, frame(1, n)) {
		t.Fatalf("got %d bytes, %v; want %d bytes", len(b), err, n)
	}
}

// Recv's context ending leaves the connection usable (the library would
// close a connection whose read context ends).
func TestRecvContextEndsOnlyThatCall(t *testing.T) {
	u := serveWS(t, Options{}, echo)
	c := dial(t, u)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := c.Recv(ctx); !errors.Is(err, context.Canceled) {
		t.Fatalf("Recv with a cancelled context: %v", err)
	}
	if err := c.Send([]byte("still here")); err != nil {
		t.Fatal(err)
	}
	if b, err := recv(t, c); err != nil || string(b) != "still here" {
		t.Fatalf("after a cancelled Recv: %q, %v", b, err)
	}
}

// The server's serve returning closes the connection: the page receives
// every frame sent before, then an error naming the close.
func TestServeReturnsPeerRecvError(t *testing.T) {
	u := serveWS(t, Options{}, func(ctx context.Context, c engine.Conn) {
		for i := range 3 {
			c.Send(frame(i, 10))
		}
	})
	c := dial(t, u)
	for i := range 3 {
		if b, err := recv(t, c); err != nil || !bytes.Equal(b, frame(i, 10)) {
			t.Fatalf("frame %d: %q, %v", i, b, err)
		}
	}
	_, err := recv(t, c)
	if err == nil || !strings.Contains(err.Error(), "closed the connection (1000") || !strings.Contains(err.Error(), "session ended") {
		t.Fatalf("Recv after the server's serve returned: %v", err)
	}
	if websocket.CloseStatus(err) != websocket.StatusNormalClosure {
		t.Errorf("the error does not carry the close status: %v", err)
	}
	if err := c.Send([]byte("x")); err == nil {
		t.Error("Send on an ended connection succeeded")
	}
}

// The page closing its connection ends the server's Recv and serve's ctx.
func TestClientCloseEndsServe(t *testing.T) {
	got := make(chan error, 1)
	ctxDone := make(chan bool, 1)
	u := serveWS(t, Options{}, func(ctx context.Context, c engine.Conn) {
		_, err := c.Recv(context.Background())
		got <- err
		select {
		case <-ctx.Done():
			ctxDone <- true
		case <-time.After(wait):
			ctxDone <- false
		}
	})
	c := dial(t, u)
	if err := c.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Recv(context.Background()); !errors.Is(err, ErrClosed) {
		t.Errorf("Recv after this side's Close: %v, want ErrClosed", err)
	}
	if err := c.Send(nil); !errors.Is(err, ErrClosed) {
		t.Errorf("Send after this side's Close: %v, want ErrClosed", err)
	}
	if err := c.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	select {
	case err := <-got:
		if err == nil || !strings.Contains(err.Error(), "closed the connection (1000") {
			t.Errorf("the server's Recv: %v", err)
		}
	case <-time.After(wait):
		t.Fatal("the server's Recv did not return")
	}
	if !<-ctxDone {
		t.Error("serve's ctx did not end with the connection")
	}
}

// A server shutting down (its requests' base context cancelled) closes its
// connections with 1001, and the page's Recv says so.
func TestServerGoingAway(t *testing.T) {
	base, shutdown := context.WithCancel(context.Background())
	defer shutdown()
	srv := httptest.NewUnstartedServer(Handler(func(ctx context.Context, c engine.Conn) {
		<-ctx.Done()
	}))
	srv.Config.BaseContext = func(net.Listener) context.Context { return base }
	srv.Start()
	defer srv.Close()
	c := dial(t, "ws"+strings.TrimPrefix(srv.URL, "http"))
	shutdown()
	_, err := recv(t, c)
	if websocket.CloseStatus(err) != websocket.StatusGoingAway || !strings.Contains(err.Error(), "shutting down") {
		t.Fatalf("Recv when the server shuts down: %v", err)
	}
}

// The server's process dying (SIGKILL: no close message) ends the page's
// Recv with an error at once, not after a time-out.
func TestServerProcessDies(t *testing.T) {
	if os.Getenv("WSCONN_TEST_SERVER") == "1" {
		return // the helper process runs TestMain's server, never this test
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "WSCONN_TEST_SERVER=1")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("the server process printed no URL: %v", err)
	}
	c := dial(t, strings.TrimSpace(line))
	c.Send([]byte("ping"))
	if b, err := recv(t, c); err != nil || string(b) != "ping" {
		t.Fatalf("echo from the server process: %q, %v", b, err)
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	_, err = recv(t, c)
	if err == nil || !strings.Contains(err.Error(), "was lost") {
		t.Fatalf("Recv after the server died: %v", err)
	}
	t.Logf("Recv returned %v after the kill: %v", time.Since(start), err)
	cmd.Wait()
}

// TestMain runs an echo server instead of the tests in the process that
// TestServerProcessDies starts (and kills).
func TestMain(m *testing.M) {
	if os.Getenv("WSCONN_TEST_SERVER") == "1" {
		ln, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(1)
		}
		fmt.Printf("ws://%s/\n", ln.Addr())
		http.Serve(ln, Handler(echo))
		os.Exit(1)
	}
	os.Exit(m.Run())
}

func TestOversizedFrameRefused(t *testing.T) {
	const max = 1024
	got := make(chan error, 1)
	u := serveWS(t, Options{MaxFrame: max}, func(ctx context.Context, c engine.Conn) {
		for {
			b, err := c.Recv(ctx)
			if err != nil {
				got <- err
				return
			}
			c.Send(b)
		}
	})
	c := dial(t, u)
	if err := c.Send(frame(1, max)); err != nil {
		t.Fatal(err)
	}
	if b, err := recv(t, c); err != nil || len(b) != max {
		t.Fatalf("a frame of exactly the limit: %d bytes, %v", len(b), err)
	}
	c.Send(frame(2, max+1))
	_, err := recv(t, c)
	if websocket.CloseStatus(err) != websocket.StatusMessageTooBig || !strings.Contains(err.Error(), "limit of 1024 bytes") {
		t.Fatalf("the page's Recv after an oversized frame: %v", err)
	}
	select {
	case err := <-got:
		if !strings.Contains(err.Error(), "over the limit of 1024 bytes") {
			t.Errorf("the server's Recv: %v", err)
		}
	case <-time.After(wait):
		t.Fatal("the server's Recv did not end")
	}
}

func TestTextMessageRefused(t *testing.T) {
	got := make(chan error, 1)
	u := serveWS(t, Options{}, func(ctx context.Context, c engine.Conn) {
		_, err := c.Recv(ctx)
		got <- err
	})
	ctx, cancel := context.WithTimeout(context.Background(), wait)
	defer cancel()
	ws, _, err := websocket.Dial(ctx, u, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer ws.CloseNow()
	ws.Write(ctx, websocket.MessageText, []byte("{}"))
	if err := <-got; err == nil || !strings.Contains(err.Error(), "text message") {
		t.Fatalf("the server's Recv after a text message: %v", err)
	}
	if _, _, err := ws.Read(ctx); websocket.CloseStatus(err) != websocket.StatusUnsupportedData {
		t.Fatalf("the page was told %v, want close 1003", err)
	}
}

func TestOrigin(t *testing.T) {
	served := make(chan struct{}, 10)
	srv := httptest.NewServer(HandlerWith(func(ctx context.Context, c engine.Conn) { served <- struct{}{} },
		Options{OriginPatterns: []string{"docs.example"}}))
	defer srv.Close()
	u := "ws" + strings.TrimPrefix(srv.URL, "http")
	host := strings.TrimPrefix(srv.URL, "http://")
	for _, tc := range []struct {
		origin string
		ok     bool
	}{
		{"http://" + host, true},       // the page the server served
		{"", true},                     // not a browser
		{"https://docs.example", true}, // listed in OriginPatterns
		{"http://evil.example", false},
		{"http://" + host + ".evil.example", false},
	} {
		ctx, cancel := context.WithTimeout(context.Background(), wait)
		h := http.Header{}
		if tc.origin != "" {
			h.Set("Origin", tc.origin)
		}
		ws, resp, err := websocket.Dial(ctx, u, &websocket.DialOptions{HTTPHeader: h})
		cancel()
		if tc.ok {
			if err != nil {
				t.Errorf("Origin %q refused: %v", tc.origin, err)
				continue
			}
			ws.CloseNow()
			<-served
			continue
		}
		if err == nil {
			ws.CloseNow()
			t.Errorf("Origin %q accepted", tc.origin)
			continue
		}
		if resp == nil || resp.StatusCode != http.StatusForbidden {
			t.Errorf("Origin %q: %v, want HTTP 403", tc.origin, err)
		}
	}
}

// A page that does not read: the server's Send blocks once the socket
// buffers are full and fails after SendTimeout, closing the connection,
// instead of queueing without bound.
func TestSlowReaderClosedAfterSendTimeout(t *testing.T) {
	const chunk = 256 << 10
	type result struct {
		sent int
		err  error
	}
	got := make(chan result, 1)
	u := serveWS(t, Options{SendTimeout: 300 * time.Millisecond}, func(ctx context.Context, c engine.Conn) {
		sent := 0
		for sent < 4<<30 { // far more than any socket buffer
			if err := c.Send(frame(sent/chunk, chunk)); err != nil {
				got <- result{sent, err}
				return
			}
			sent += chunk
		}
		got <- result{sent, nil}
	})
	c := dial(t, u) // never calls Recv until the server gave up
	var r result
	select {
	case r = <-got:
	case <-time.After(wait):
		t.Fatal("the server's Send kept blocking past its timeout")
	}
	if r.err == nil || !strings.Contains(r.err.Error(), "read nothing for 300ms") {
		t.Fatalf("the server's Send after %d bytes: %v", r.sent, r.err)
	}
	t.Logf("the server sent %d MiB before giving up: %v", r.sent>>20, r.err)
	// The page then reads what reached it, and learns the connection was lost.
	for {
		_, err := recv(t, c)
		if err != nil {
			if !strings.Contains(err.Error(), "was lost") {
				t.Errorf("the page's Recv: %v", err)
			}
			break
		}
	}
}

func TestEngineURL(t *testing.T) {
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	native := env(map[string]string{EnvEngine: EngineNative, EnvEngineURL: EndpointPath("/etcd-play")})
	for _, tc := range []struct {
		getenv func(string) string
		page   string
		want   string
		ok     bool
	}{
		{native, "http://localhost:8000/etcd-play/?seed=2", "ws://localhost:8000/etcd-play/engine", true},
		{native, "https://play.example/etcd-play/", "wss://play.example/etcd-play/engine", true},
		{env(map[string]string{EnvEngine: EngineNative}), "http://127.0.0.1:9/", "ws://127.0.0.1:9/engine", true},
		{env(map[string]string{EnvEngine: "worker"}), "http://localhost:8000/", "", false},
		{env(nil), "https://owner.github.io/etcd-play/", "", false},
	} {
		u, _ := url.Parse(tc.page)
		got, ok := engineURL(tc.getenv, u)
		if got != tc.want || ok != tc.ok {
			t.Errorf("page %s: %q, %v; want %q, %v", tc.page, got, ok, tc.want, tc.ok)
		}
	}
}
