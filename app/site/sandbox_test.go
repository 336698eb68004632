//go:build !wasm

package site

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	ui "github.com/etcd-play/etcd-play/app"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// The page's head runs the storage stand-ins (sandboxScript) before any
// other script of the page: it is the first script that runs while the
// head is parsed (before the engine worker's early start), and go-app's
// own scripts (app.js reads localStorage) are deferred, so they run
// after it. The native engine's page has it too.
func TestHeadStartsWithSandboxScript(t *testing.T) {
	app.Route("/", func() app.Composer { return ui.New(ui.Options{}) })
	site := siteFiles{version: "v", wasmSize: 4}
	for name, h := range map[string]http.Handler{"worker": fixedPages(handler("", site)), "native": nativeSite(site, nil)} {
		srv := httptest.NewServer(h)
		res, err := srv.Client().Get(srv.URL + "/")
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(res.Body)
		res.Body.Close()
		srv.Close()
		head, _, _ := strings.Cut(string(b), "</head>")
		var first string // the first script that runs during parsing
		for at := 0; ; {
			i := strings.Index(head[at:], "<script")
			if i < 0 {
				break
			}
			at += i
			tag, _, _ := strings.Cut(head[at:], ">")
			if strings.Contains(tag, " defer") || strings.Contains(tag, " async") {
				if !strings.Contains(tag, " src=") {
					t.Errorf("%s: an inline script marked defer or async: %s", name, tag)
				}
				at += len(tag)
				continue
			}
			first = head[at:]
			break
		}
		if !strings.HasPrefix(first, sandboxScript) {
			t.Errorf("%s: the first script that runs is %.200q, want the sandbox script", name, first)
		}
	}
}
