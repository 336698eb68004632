package app

import (
	"errors"
	"github.com/etcd-play/etcd-play/app/engine"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// renderStorageHTML renders what the populated page shows of storage with
// s as its state: the notice at the top, then the Durability panel.
func renderStorageHTML(t *testing.T, s storageUI) string {
	t.Helper()
	p := populated()
	p.storage = s
	return app.HTMLString(p.renderStorageNotice()) + app.HTMLString(p.renderDurability())
}

// go-app writes a true data attribute bare (data-lost) natively; the
// browser's dataset reads it as "true".
func TestRenderStorageSection(t *testing.T) {
	for _, c := range []struct {
		name  string
		s     storageUI
		want  []string
		avoid []string
	}{
		{"persistent", storageUI{has: true, view: engine.StorageView{Medium: "indexeddb", Persistent: true, Epoch: 3, Resumed: true, LoadTime: 420 * time.Millisecond}},
			[]string{`data-storage="indexeddb"`, `data-epoch="3"`, `re:data-resumed[ >]`, "survives reloads", "420ms",
				`tag:data-action="kill-power"&data-member="1"`, `tag:data-action="kill-power"&data-member="3"`, `data-action="kill-all-power"`, `data-action="reset"`,
				">Durability</h2>", "a power loss cuts it in the middle of a save"},
			[]string{"role=\"alert\"", `data-action="reset-confirm"`, `data-resumed="false"`, `re:data-lost[ >]`}},
		{"memory", storageUI{has: true, view: engine.StorageView{Medium: "memory", Notice: "IndexedDB is unavailable (x): the cluster runs in memory and its data will not survive a reload."}},
			[]string{`data-storage="memory"`, "memory only", `role="alert"`, "will not survive a reload"}, nil},
		{"corrupt", storageUI{has: true, view: engine.StorageView{Medium: "indexeddb", Persistent: true,
			Disk: []engine.DiskErrorView{{Member: 3, Corrupt: true, Err: `durable: member-3: corrupt raft hard state (key "h"): checksum mismatch`}}}},
			[]string{`data-kind="corrupt"`, `tag:data-action="wipe"&data-member="3"`, "etcd-3 refuses to start", "checksum mismatch", "without its vote"}, nil},
		{"quota", storageUI{has: true, view: engine.StorageView{Medium: "indexeddb", Persistent: true,
			Disk: []engine.DiskErrorView{{Member: 2, Quota: true, Err: "durable: storage quota exceeded"}}}},
			[]string{`data-kind="quota"`, "storage is full", "Nothing it stored is damaged", "serializable reads", "Once there is room", "Restart it"}, []string{`data-action="wipe"`}},
		{"lost", storageUI{has: true, view: engine.StorageView{Medium: "indexeddb", Persistent: true, Lost: true}},
			[]string{`re:data-lost[ >]`, "Another tab took this cluster over", `data-action="reload"`}, nil},
		{"confirm reset", storageUI{has: true, confirmReset: true, view: engine.StorageView{Medium: "indexeddb", Persistent: true}},
			[]string{`data-action="reset-confirm"`, `data-action="reset-cancel"`, "Delete every member"}, []string{`data-action="reset"`}},
		{"elsewhere", storageUI{elsewhere: true},
			[]string{`data-storage="elsewhere"`, "open in another tab", `data-action="take-over"`, `data-action="run-in-memory"`}, []string{`data-action="kill-power"`}},
		{"opening", storageUI{starting: true}, []string{`data-storage="opening"`}, nil},
		{"failed at load", storageUI{failure: &engine.StorageFailure{Name: "etcd-play", Err: errors.New("IndexedDB: no answer within 8s")}},
			[]string{`data-storage="failed"`, `role="alert"`, "no answer within 8s", `data-action="run-in-memory"`, `data-action="reset-stored"`, `data-action="reload"`},
			[]string{`data-action="kill-power"`}},
		{"no storage", storageUI{}, nil, []string{"storage"}},
	} {
		html := renderStorageHTML(t, c.s)
		// "re:" is a regexp; "tag:a&b" is one tag holding every part, in
		// any order (go-app writes attributes in map order).
		has := func(w string) bool {
			if parts, ok := strings.CutPrefix(w, "tag:"); ok {
				for _, tag := range regexp.MustCompile(`<[^>]+>`).FindAllString(html, -1) {
					all := true
					for _, part := range strings.Split(parts, "&") {
						all = all && strings.Contains(tag, part)
					}
					if all {
						return true
					}
				}
				return false
			}
			if re, ok := strings.CutPrefix(w, "re:"); ok {
				return regexp.MustCompile(re).MatchString(html)
			}
			return strings.Contains(html, w)
		}
		for _, w := range c.want {
			if !has(w) {
				t.Errorf("%s: lacks %s in %.600s", c.name, w, html)
			}
		}
		for _, a := range c.avoid {
			if has(a) {
				t.Errorf("%s: has %s", c.name, a)
			}
		}
	}
}

// The embed's storage line (renderEmbedStorage): a failure at load is an
// alert with the full page's three choices, and says why deleting the
// stored cluster failed; an in-memory cluster is a status line with its
// notice; a cluster on IndexedDB has no line.
func TestRenderEmbedStorage(t *testing.T) {
	failure := &engine.StorageFailure{Name: "etcd-play", Err: errors.New("saving the cluster's load count: QuotaExceededError.")}
	for _, c := range []struct {
		name  string
		s     storageUI
		want  []string
		avoid []string
	}{
		{"failed at load", storageUI{failure: failure},
			[]string{`data-embed-storage="failed"`, `role="alert"`, "load count: QuotaExceededError. ", `data-action="run-in-memory"`, `data-action="reset-stored"`, `data-action="reload"`},
			[]string{"..", "failed: "}},
		{"reset failed", storageUI{failure: failure, resetErr: "Deleting the stored cluster failed: blocked"},
			[]string{`data-embed-storage="failed"`, "Deleting the stored cluster failed: blocked"}, nil},
		{"memory", storageUI{has: true, view: engine.StorageView{Medium: "memory", Notice: "IndexedDB is unavailable (x): the cluster runs in memory."}},
			[]string{`data-embed-storage="memory"`, `role="status"`, "IndexedDB is unavailable"}, []string{`role="alert"`}},
		{"indexeddb", storageUI{has: true, view: engine.StorageView{Medium: "indexeddb", Persistent: true}}, nil, []string{"embed-storage"}},
	} {
		p := populated()
		p.page.Embed = true
		p.storage = c.s
		html := ""
		if ui := p.renderEmbedStorage(); ui != nil {
			html = app.HTMLString(ui)
		}
		for _, w := range c.want {
			if !strings.Contains(html, w) {
				t.Errorf("%s: lacks %s in %.600s", c.name, w, html)
			}
		}
		for _, a := range c.avoid {
			if strings.Contains(html, a) {
				t.Errorf("%s: has %s in %.600s", c.name, a, html)
			}
		}
	}
}
