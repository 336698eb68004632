package gcslice

// Enabled reports whether this binary's runtime runs the collector in
// slices. The build's overlay replaces this file by sliced.go.txt (see the
// package doc); a build without the overlay, such as every native build,
// keeps this one.
const Enabled = false

// taskElapsed: see sliced.go.txt. Without the patched runtime nothing
// tells when the browser task began.
func taskElapsed() int64 { return -1 }
