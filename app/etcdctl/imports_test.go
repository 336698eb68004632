package etcdctl

import (
	"go/build"
	"strings"
	"testing"
)

// The emulator runs natively and in the browser alike: neither it nor any
// package of this module it depends on may import go-app or syscall/js, in
// the wasm build (where those imports would compile) as well as natively.
func TestNoBrowserImports(t *testing.T) {
	const module = "github.com/etcd-play/etcd-play/"
	for _, goos := range []string{"js", build.Default.GOOS} {
		ctx := build.Default
		ctx.GOOS = goos
		if goos == "js" {
			ctx.GOARCH = "wasm"
		}
		seen := map[string]bool{}
		var walk func(path, dir string)
		walk = func(path, dir string) {
			if seen[path] {
				return
			}
			seen[path] = true
			pkg, err := ctx.Import(path, dir, 0)
			if err != nil {
				t.Fatalf("%s/%s: import %s: %v", ctx.GOOS, ctx.GOARCH, path, err)
			}
			for _, imp := range pkg.Imports {
				if imp == "syscall/js" || strings.HasPrefix(imp, "github.com/maxence-charriere/go-app") {
					t.Errorf("%s/%s: %s imports %s", ctx.GOOS, ctx.GOARCH, path, imp)
				}
				if strings.HasPrefix(imp, module) {
					walk(imp, pkg.Dir)
				}
			}
		}
		walk(module+"app/etcdctl", ".")
		if len(seen) < 3 {
			t.Fatalf("%s: walked only %v; the import graph was not read", goos, seen)
		}
	}
}
