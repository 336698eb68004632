//go:build browser

package e2e

import (
	"bufio"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sync"
	"testing"
)

// ETCDPLAY_ENGINE=native runs the browser tests against `serve
// -engine=native` instead of the static site: the page then runs no
// cluster of its own but the server's, over a WebSocket. Every test that
// opens a page with newTab gets a server of its own (a new process: the
// native cluster is shared by all the pages of one server, and the tests
// expect a fresh one), at the site's root. Tests of the page's own storage
// (IndexedDB, tabs, reloads) and of the static site's paths do not apply;
// `make test-browser-native` runs a representative set.
var nativeMode = os.Getenv("ETCDPLAY_ENGINE") == "native"

// nativeBuildDir is the site the harness serves (its app.js names the
// build's version, its web/app.wasm is the repository's).
var nativeBuildDir string

var nativeBin struct {
	once sync.Once
	dir  string // a temporary directory holding the binary
	path string
	err  error
}

// nativeBinary builds the etcd-play binary once per test run with the
// version the site's wasm was built with (the server refuses a page of
// another build).
func nativeBinary() (string, error) {
	nativeBin.once.Do(func() {
		appJS, err := os.ReadFile(filepath.Join(nativeBuildDir, "app.js"))
		if err != nil {
			nativeBin.err = err
			return
		}
		// The site's version is the build's version plus "+" and a hash of the wasm.
		m := regexp.MustCompile(`"GOAPP_VERSION":"([^"]*)\+[0-9a-f]{10}"`).FindSubmatch(appJS)
		if m == nil {
			nativeBin.err = fmt.Errorf("%s names no GOAPP_VERSION", filepath.Join(nativeBuildDir, "app.js"))
			return
		}
		if nativeBin.dir, err = os.MkdirTemp("", "etcd-play-native-"); err != nil {
			nativeBin.err = err
			return
		}
		nativeBin.path = filepath.Join(nativeBin.dir, "etcd-play")
		cmd := exec.Command("go", "build", "-o", nativeBin.path, "-ldflags=-X main.version="+string(m[1]), ".")
		cmd.Dir = filepath.Join("..", "..")
		if out, err := cmd.CombinedOutput(); err != nil {
			nativeBin.err = fmt.Errorf("building the native binary: %v\n%s", err, out)
		}
	})
	return nativeBin.path, nativeBin.err
}

// removeNativeBinary deletes what nativeBinary built (TestMain, at exit).
func removeNativeBinary() {
	if nativeBin.dir != "" {
		os.RemoveAll(nativeBin.dir)
	}
}

// nativeServer is one `serve -engine=native` process.
type nativeServer struct {
	cmd  *exec.Cmd
	addr string // host:port it listens on
}

// startNativeServer runs `serve -engine=native -addr addr` from the
// repository root (whose web/ holds the wasm) and waits for it to listen.
func startNativeServer(addr string) (*nativeServer, error) {
	bin, err := nativeBinary()
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, "serve", "-engine=native", "-addr", addr)
	cmd.Dir = filepath.Join("..", "..")
	cmd.Stderr = os.Stderr
	out, err := cmd.StdoutPipe()
	if err != nil {
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		return nil, err
	}
	r := bufio.NewReader(out)
	line, err := r.ReadString('\n')
	m := regexp.MustCompile(`http://(\S+)/ `).FindStringSubmatch(line)
	if err != nil || m == nil {
		cmd.Process.Kill()
		cmd.Wait()
		return nil, fmt.Errorf("serve -engine=native printed %q (%v)", line, err)
	}
	go func() { // keep draining its output (the engine logs each load)
		s := bufio.NewScanner(r)
		for s.Scan() {
			fmt.Fprintln(os.Stderr, "serve -engine=native:", s.Text())
		}
	}()
	return &nativeServer{cmd: cmd, addr: m[1]}, nil
}

// kill ends the server at once (SIGKILL: no goodbye to its pages).
func (s *nativeServer) kill() {
	s.cmd.Process.Kill()
	s.cmd.Wait()
}

// startNative starts a native server for the test, killed at its end.
func startNative(t *testing.T, addr string) *nativeServer {
	t.Helper()
	s, err := startNativeServer(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.kill)
	return s
}

// freshNativeSite points siteURL at a new native server for this test
// (newTab calls it); it does nothing unless nativeMode.
func freshNativeSite(t *testing.T) {
	if !nativeMode {
		return
	}
	t.Helper()
	siteURL = "http://" + startNative(t, "127.0.0.1:0").addr + "/"
}
