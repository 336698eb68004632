package wsconn

import (
	"net/url"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// How `serve -engine=native` tells the page where its engine runs: the
// go-app Handler's Env carries EnvEngine=EngineNative and EnvEngineURL=the
// endpoint's path (EndpointPath of the site's base); app.Getenv reads them
// in the page. A static site sets neither: its page runs the worker.
const (
	EnvEngine    = "ETCDPLAY_ENGINE"
	EnvEngineURL = "ETCDPLAY_ENGINE_URL"
	EngineNative = "native"
)

// EndpointPath is the WebSocket endpoint's path for a site served under
// base ("" or "/prefix").
func EndpointPath(base string) string { return base + "/engine" }

// EngineURL is called by the page: the WebSocket URL of the native engine
// that served it (ws: for an http: page, wss: for https:, same host), and
// true; or "", false when the page runs its own engine (the worker).
func EngineURL() (string, bool) { return engineURL(app.Getenv, app.Window().URL()) }

// engineURL is EngineURL over getenv and the page's URL.
func engineURL(getenv func(string) string, page *url.URL) (string, bool) {
	if getenv(EnvEngine) != EngineNative || page == nil {
		return "", false
	}
	p := getenv(EnvEngineURL)
	if p == "" {
		p = EndpointPath("")
	}
	scheme := "ws"
	if page.Scheme == "https" {
		scheme = "wss"
	}
	return (&url.URL{Scheme: scheme, Host: page.Host, Path: p}).String(), true
}
