// Package e2e drives the built playground (build/, from `make build`) in
// headless Chromium against the real engine. Its tests carry the build tag
// "browser" and run with `make test-browser`:
//
//	ETCDPLAY_BUILD=$PWD/build ETCDPLAY_BASE=/etcd-play go test -tags browser ./app/e2e/
//
// The site is served by a plain net/http file server under the sub-path
// ETCDPLAY_BASE, as GitHub Pages would. One browser is shared by the test
// binary; each test gets a fresh tab in its own browser context (no shared
// cache, service worker or storage).
package e2e
