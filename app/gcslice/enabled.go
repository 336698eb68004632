package gcslice

// Enabled reports whether this binary's runtime runs the collector in
// slices. The build's overlay replaces this file by one that sets it (see
// the package doc); a build without the overlay, such as every native build,
// keeps false.
const Enabled = false
