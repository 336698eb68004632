package main

import (
	"flag"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite testdata/cut.txt")

// TestRewriteGoApp rewrites the pinned go-app and checks what the wasm
// build gets: the declarations cut are the reviewed list, its pkg/app
// compiles for js/wasm, and neither it nor the page's program depends on
// net/http there.
func TestRewriteGoApp(t *testing.T) {
	if testing.Short() {
		t.Skip("downloads and compiles go-app")
	}
	src, err := moduleDir(module)
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(t.TempDir(), "go-app")
	cut, err := rewrite(src, out, pkg)
	if err != nil {
		t.Fatal(err)
	}
	got := strings.Join(cut, "\n") + "\n"
	if *update {
		if err := os.WriteFile("testdata/cut.txt", []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile("testdata/cut.txt")
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("declarations cut:\n%s\nwant (testdata/cut.txt; -update after reviewing):\n%s", got, want)
	}

	// A go.mod like the Makefile's wasm recipe writes.
	root, err := exec.Command("go", "env", "GOMOD").Output()
	if err != nil {
		t.Fatal(err)
	}
	gomod := strings.TrimSpace(string(root))
	mod := filepath.Join(t.TempDir(), "go.mod")
	b, err := os.ReadFile(gomod)
	if err != nil {
		t.Fatal(err)
	}
	b = append(b, []byte("\nreplace "+module+" => "+out+"\n")...)
	if err := os.WriteFile(mod, b, 0o644); err != nil {
		t.Fatal(err)
	}
	sum, err := os.ReadFile(strings.TrimSuffix(gomod, ".mod") + ".sum")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(strings.TrimSuffix(mod, ".mod")+".sum", sum, 0o644); err != nil {
		t.Fatal(err)
	}
	goJS := func(args ...string) string {
		t.Helper()
		cmd := exec.Command("go", append([]string{args[0], "-modfile=" + mod}, args[1:]...)...)
		cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
		b, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("GOOS=js go %s: %v\n%s", strings.Join(args, " "), err, b)
		}
		return string(b)
	}
	goJS("build", module+"/"+pkg)
	// The page's whole program: nothing else may bring net/http back
	// (app/engine/wsconn dials with the browser's WebSocket for this).
	for _, p := range []string{module + "/" + pkg, "github.com/etcd-play/etcd-play"} {
		for _, dep := range strings.Fields(goJS("list", "-deps", p)) {
			if dep == cutImport || dep == "crypto/tls" {
				t.Errorf("for js/wasm, %s still depends on %s", p, dep)
			}
		}
	}
}
