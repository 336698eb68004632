//go:build wasm

package main

import "io"

// runNative is unreachable in the browser: app.RunWhenOnBrowser never
// returns there.
func runNative([]string, io.Writer) error { return nil }
