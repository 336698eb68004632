//go:build wasm

package site

import "io"

// Run is unreachable in the browser (app.RunWhenOnBrowser never returns
// there); this stub keeps the native commands out of app.wasm.
func Run([]string, io.Writer, *string) error { return nil }
