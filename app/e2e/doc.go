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
//
// With ETCDPLAY_ENGINE=native (`make test-browser-native`) the tests that
// open the page with newTab run against `serve -engine=native` instead, a
// server of their own each (native_harness_test.go).
//
// Where the page's time goes under the heaviest stress (issue #4): `make
// profile-stress` (BENCH_CONFIG=defaults|largest, PROFILE=path) builds the
// site with Go's function names kept and runs TestStressResponsiveness with
// ETCDPLAY_PROFILE=path: a CPU profile of the page during the stress,
// summarized per bucket and function over the tasks longer than 25 ms
// (profsummary_test.go). TestSummarizeSavedProfile re-summarizes a saved
// one (ETCDPLAY_PROFILE_IN=path.<config>.cpuprofile).
//
// Where the time to the first leader goes after a load: ETCDPLAY_BENCH_LOAD=N
// with -run TestLoadPhases (N fresh browser contexts, cold and warm).
package e2e
