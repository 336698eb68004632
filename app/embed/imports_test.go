package embed

import (
	"go/build"
	"strings"
	"testing"
)

// The API's protocol is tested natively: natively neither this package nor
// any package of this module it depends on imports go-app or syscall/js;
// in the wasm build only the browser glue (the _js.go files) imports
// syscall/js, and still nothing imports go-app.
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
				jsGlue := goos == "js" && path == module+"app/embed"
				if imp == "syscall/js" && !jsGlue || strings.HasPrefix(imp, "github.com/maxence-charriere/go-app") {
					t.Errorf("%s/%s: %s imports %s", ctx.GOOS, ctx.GOARCH, path, imp)
				}
				if strings.HasPrefix(imp, module) {
					walk(imp, pkg.Dir)
				}
			}
		}
		walk(module+"app/embed", ".")
		if len(seen) < 3 {
			t.Fatalf("%s: walked only %v; the import graph was not read", goos, seen)
		}
	}
}
