//go:build !js

package gcslice

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

func goEnv(t *testing.T, name string) string {
	t.Helper()
	out, err := exec.Command("go", "env", name).Output()
	if err != nil {
		t.Fatalf("go env %s: %v", name, err)
	}
	return strings.TrimSpace(string(out))
}

// TestOverlayAppliesToThisGo: every anchor is in the installed Go's
// runtime, and the runtime compiles for js/wasm with the overlay. When it
// fails after a Go upgrade, the patches need updating for that release.
func TestOverlayAppliesToThisGo(t *testing.T) {
	goroot := goEnv(t, "GOROOT")
	dir := t.TempDir()
	path, err := Write(goroot, ".", dir)
	if err != nil {
		t.Fatal(err)
	}
	var ov struct{ Replace map[string]string }
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &ov); err != nil {
		t.Fatal(err)
	}
	enabled, _ := filepath.Abs("enabled.go")
	for _, want := range []string{
		filepath.Join(goroot, "src", "runtime", "proc.go"),
		filepath.Join(goroot, "src", "runtime", "gcslice_js.go"),
		enabled,
	} {
		if _, ok := ov.Replace[want]; !ok {
			t.Errorf("overlay.json does not replace %s: %v", want, ov.Replace)
		}
	}
	for orig, repl := range ov.Replace {
		b, err := os.ReadFile(repl)
		if err != nil {
			t.Fatal(err)
		}
		if orig == enabled && !strings.Contains(string(b), "const Enabled = true") {
			t.Errorf("%s: the overlay's enabled.go does not set Enabled", repl)
		}
	}

	// This package's wasm test binary, linked against the patched
	// runtime: the runtime compiles, and sliced.go.txt's link to it holds.
	cmd := exec.Command("go", "test", "-c", "-o", filepath.Join(dir, "gcslice.test.wasm"), "-overlay="+path, ".")
	cmd.Env = append(os.Environ(), "GOOS=js", "GOARCH=wasm")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the patched runtime does not build for js/wasm: %v\n%s", err, out)
	}
}

// TestWriteRejectsAnotherRuntime: a runtime without an anchor (another Go
// release) is an error naming the file, and nothing half-patched is used.
func TestWriteRejectsAnotherRuntime(t *testing.T) {
	goroot := t.TempDir()
	rt := filepath.Join(goroot, "src", "runtime")
	if err := os.MkdirAll(rt, 0o755); err != nil {
		t.Fatal(err)
	}
	real := filepath.Join(goEnv(t, "GOROOT"), "src", "runtime")
	for _, p := range patches {
		b, err := os.ReadFile(filepath.Join(real, p.file))
		if err != nil {
			t.Fatal(err)
		}
		if p.file == "mgcsweep.go" {
			b = []byte(strings.ReplaceAll(string(b), "goschedIfBusy()", "goschedIfBusyRenamed()"))
		}
		if err := os.WriteFile(filepath.Join(rt, p.file), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dir := filepath.Join(t.TempDir(), "out")
	_, err := Write(goroot, ".", dir)
	if err == nil || !strings.Contains(err.Error(), filepath.Join(rt, "mgcsweep.go")) {
		t.Fatalf("Write on a runtime without the sweeper's anchor: err = %v, want one naming mgcsweep.go", err)
	}
	if _, err := os.Stat(filepath.Join(dir, "overlay.json")); !os.IsNotExist(err) {
		t.Fatalf("Write failed but left an overlay.json (stat: %v)", err)
	}
}
