// Command clientonly writes, for the page's wasm build, a copy of go-app's
// module whose pkg/app does not import net/http. The Makefile's wasm recipe
// runs it and points the build's go.mod at the copy (a replace, like the
// protobuf shims); native builds and tests use go-app as it is.
//
//	go run ./app/site/internal/clientonly -out DIR
//
// Why: go-app's pkg/app holds both halves of an app. Its server half (the
// Handler that serves and pre-renders pages, resource resolvers over
// http.FileServer) imports net/http, and net/http imports crypto/tls, whose
// packages' state (cipher suites, curves, self-tests) the linker keeps for
// every program that imports them: about 0.4 MB of the page's 3.8 MB
// gzipped wasm, although the browser never runs that half (GOOS=js has no
// server; go-app's own wasm build refuses GenerateStaticWebsite).
//
// What: in each of pkg/app's files that the js/wasm build compiles and that
// imports net/http, cut (see cut) every top-level declaration that uses
// net/http, then every one that uses a cut declaration, until none does;
// then the imports left unused. Other files and packages are copied as
// they are. The copy must compile for js/wasm: a cut that breaks another
// file fails the build, loudly. The declarations it cuts from the pinned
// go-app are listed in testdata/cut.txt (a test compares them), so an
// upgrade that changes them is seen in review.
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"strings"
)

// module and pkg name what is rewritten: go-app's module as go.mod pins
// it, and its package the page imports.
const (
	module = "github.com/maxence-charriere/go-app/v10"
	pkg    = "pkg/app"
)

func main() {
	out := flag.String("out", "", "directory to write the copy of go-app's module into (created; must not exist)")
	verbose := flag.Bool("v", false, "list the declarations cut")
	flag.Parse()
	if *out == "" || flag.NArg() > 0 {
		fmt.Fprintln(os.Stderr, "usage: clientonly -out DIR [-v]")
		os.Exit(2)
	}
	src, err := moduleDir(module)
	if err == nil {
		var cut []string
		cut, err = rewrite(src, *out, pkg)
		if *verbose {
			fmt.Println(strings.Join(cut, "\n"))
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "clientonly:", err)
		os.Exit(1)
	}
}

// moduleDir is the module's directory in the module cache, at the version
// the working directory's go.mod requires; it downloads the module if the
// cache lacks it.
func moduleDir(path string) (string, error) {
	b, err := exec.Command("go", "mod", "download", "-json", path).Output()
	if err != nil {
		return "", fmt.Errorf("downloading %s: %w", path, err)
	}
	var m struct{ Dir, Error string }
	if err := json.Unmarshal(b, &m); err != nil {
		return "", fmt.Errorf("downloading %s: %w", path, err)
	}
	if m.Dir == "" {
		return "", fmt.Errorf("downloading %s: %s", path, m.Error)
	}
	return m.Dir, nil
}
