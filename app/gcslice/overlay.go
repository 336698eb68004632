//go:build !js

package gcslice

import (
	_ "embed"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

//go:embed runtime_gcslice_js.go.txt
var runtimeAddition string

//go:embed sliced.go.txt
var slicedGo string

// Write writes, into dir, the runtime files changed by patches, the
// runtime addition, sliced.go.txt in place of enabled.go, and
// overlay.json mapping each original path to its replacement; it returns
// overlay.json's path. goroot is the Go installation the build uses (`go
// env GOROOT`); pkgDir is this package's directory (where enabled.go is).
// It writes nothing but dir, and fails, naming the file, if an anchor does
// not occur exactly once in goroot's runtime.
func Write(goroot, pkgDir, dir string) (string, error) {
	dir, err := filepath.Abs(dir)
	if err != nil {
		return "", fmt.Errorf("gcslice: %w", err)
	}
	rt := filepath.Join(goroot, "src", "runtime")
	files := map[string]string{} // runtime file name -> patched text
	for _, p := range patches {
		text, ok := files[p.file]
		if !ok {
			b, err := os.ReadFile(filepath.Join(rt, p.file))
			if err != nil {
				return "", fmt.Errorf("gcslice: %w", err)
			}
			text = string(b)
		}
		if n := strings.Count(text, p.anchor); n != 1 {
			return "", fmt.Errorf("gcslice: %s: the patch's anchor occurs %d times, want 1 (the patch is written for Go 1.26's runtime; %s)",
				filepath.Join(rt, p.file), n, firstLine(p.anchor))
		}
		files[p.file] = strings.Replace(text, p.anchor, p.new, 1)
	}
	files["gcslice_js.go"] = runtimeAddition

	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("gcslice: %w", err)
	}
	replace := map[string]string{}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		out := filepath.Join(dir, "runtime_"+name)
		if err := os.WriteFile(out, []byte(files[name]), 0o644); err != nil {
			return "", fmt.Errorf("gcslice: %w", err)
		}
		replace[filepath.Join(rt, name)] = out
	}

	abs, err := filepath.Abs(filepath.Join(pkgDir, "enabled.go"))
	if err != nil {
		return "", fmt.Errorf("gcslice: %w", err)
	}
	if _, err := os.Stat(abs); err != nil {
		return "", fmt.Errorf("gcslice: %w", err)
	}
	out := filepath.Join(dir, "enabled.go")
	if err := os.WriteFile(out, []byte(slicedGo), 0o644); err != nil {
		return "", fmt.Errorf("gcslice: %w", err)
	}
	replace[abs] = out

	js, err := json.MarshalIndent(struct{ Replace map[string]string }{replace}, "", "\t")
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, "overlay.json")
	if err := os.WriteFile(path, append(js, '\n'), 0o644); err != nil {
		return "", fmt.Errorf("gcslice: %w", err)
	}
	return path, nil
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return "anchor: " + s
}
