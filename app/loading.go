package app

import "github.com/maxence-charriere/go-app/v10/pkg/app"

// SiteVersion is the version the page shows: the site's version as the
// build command wrote it into app.js (GOAPP_VERSION: git describe plus a
// hash of app.wasm, see app/site), or fallback when there is none (tests,
// a page served without it).
//
// While the wasm loads, go-app's own loader (the site's local icon and
// "Loading etcd-play… N%", N counted against the raw app.wasm size the build
// writes into app.js) stands in for the page.
func SiteVersion(fallback string) string {
	if v := app.Getenv("GOAPP_VERSION"); v != "" {
		return v
	}
	return fallback
}

// BootToLeader runs a fresh cluster's first election at once instead of in
// real time: raft's first election timeout (10 to 19 ticks, half a second
// to a second at the default 20 ticks per second) is what a visitor would
// otherwise wait for before anything happens. It steps eng one tick at a
// time until a member is leader or maxTicks ticks ran, then resumes playing
// if eng was playing, and returns the ticks it stepped. The ticks are real
// cluster ticks (the clock and the event log show them); only their pacing
// is skipped. Call it once, right after the engine is built, from a
// goroutine (Step waits for the tick).
func BootToLeader(eng Engine, maxTicks int) int {
	playing := !eng.Paused()
	n := 0
	for ; n < maxTicks && !hasLeader(eng.Status()); n++ {
		eng.Step()
	}
	if playing {
		eng.Play()
	}
	return n
}

func hasLeader(st []MemberView) bool { return liveView{members: st}.leader() != 0 }
