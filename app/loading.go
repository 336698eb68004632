package app

import (
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

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
