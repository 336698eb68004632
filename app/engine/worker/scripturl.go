package worker

import (
	"net/url"
	"strings"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// ScriptName is the bootstrap's file in the site's web/ directory.
const ScriptName = "engine-worker.js"

// ScriptURL is the page's URL of the worker's bootstrap, from what go-app
// tells the page (app.js's environment): the site's static directory
// (GOAPP_STATIC_RESOURCES_URL, e.g. /etcd-play/web) and version
// (GOAPP_VERSION). Call it on the page only.
func ScriptURL() string {
	return scriptURL(app.Getenv("GOAPP_STATIC_RESOURCES_URL"), app.Getenv("GOAPP_VERSION"))
}

// CachePath is the bootstrap's site path for version, in go-app's resource
// form (/web/...): app/site gives it to the service worker to precache, so
// that the page's ScriptURL (the same path under the site's base) is served
// offline. The version in the query keys the HTTP cache and lets the
// service worker answer it cache-first, like app.wasm?v=.
func CachePath(version string) string {
	return "/web/" + ScriptName + "?v=" + url.QueryEscape(version)
}

// scriptURL is CachePath under static, the site's web/ directory as go-app
// resolves it (a path or URL; "/web" at the root), e.g.
// /etcd-play/web/engine-worker.js?v=<version>. From it the bootstrap finds
// app.wasm?v=<version>, next to it.
func scriptURL(static, version string) string {
	return strings.TrimRight(static, "/") + strings.TrimPrefix(CachePath(version), "/web")
}
