package worker

import (
	"strconv"
	"strings"
	"testing"
)

func TestScriptURL(t *testing.T) {
	for _, tc := range []struct{ static, version, want string }{
		{"/etcd-play/web", "v1.2-3-gabc+0123456789", "/etcd-play/web/engine-worker.js?v=v1.2-3-gabc%2B0123456789"},
		{"/web", "dev+ab", "/web/engine-worker.js?v=dev%2Bab"},
		{"/web/", "a b&c", "/web/engine-worker.js?v=a+b%26c"},
		{"", "x", "/engine-worker.js?v=x"},
	} {
		if got := scriptURL(tc.static, tc.version); got != tc.want {
			t.Errorf("scriptURL(%q, %q) = %q, want %q", tc.static, tc.version, got, tc.want)
		}
	}
}

// The page's URL is the precached one under the site's prefix: go-app
// resolves the CachePath as <prefix> + path and the static directory as
// <prefix> + "/web".
func TestScriptURLIsCachePath(t *testing.T) {
	for _, prefix := range []string{"", "/etcd-play", "https://example.org/x"} {
		v := "v9+ff"
		if got, want := scriptURL(prefix+"/web", v), prefix+CachePath(v); got != want {
			t.Errorf("prefix %q: scriptURL %q, precached %q", prefix, got, want)
		}
	}
}

// The head's early start names the same worker URL the page's Dial looks
// for (ScriptURL, from go-app's static resources URL and version), at the
// root and under a base.
func TestEarlyStartScriptNamesTheScriptURL(t *testing.T) {
	for _, c := range []struct{ base, static string }{{"", "/web"}, {"/etcd-play", "/etcd-play/web"}, {"/etcd-play/", "/etcd-play/web"}} {
		s := EarlyStartScript(c.base, "v1+abc")
		want := strconv.Quote(scriptURL(c.static, "v1+abc"))
		if !strings.Contains(s, "new Worker("+want+")") || !strings.Contains(s, "url: "+want) || !strings.Contains(s, "globalThis."+EarlyGlobal) {
			t.Errorf("base %q: %s does not start %s", c.base, s, want)
		}
	}
}
