// Command etcd-play is the etcd playground: in the browser it runs the
// go-app UI over a five-member in-page cluster; natively it serves the page
// for development or generates the static site (app/site).
//
//	go run . serve [-addr localhost:8000]                        # what `make run` uses; serves ./web
//	go run . build [-out build] [-base /etcd-play] [-version v] [-wasm file]  # static site for GitHub Pages
//
// Both native commands expect web/app.wasm to exist (`make wasm`).
package main

import (
	"errors"
	"fmt"
	"os"

	ui "github.com/etcd-play/etcd-play/app"
	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/engine/local"
	"github.com/etcd-play/etcd-play/app/site"
	"github.com/etcd-play/etcd-play/node/cluster"
	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// version is set at link time: -ldflags "-X main.version=$(git describe)".
// The build command overrides it with -version for the pre-rendered page.
var version = "dev"

// speed is the tick rate the page starts at (ticks per second).
const speed = 20

func main() {
	app.Route("/", func() app.Composer {
		return ui.New(ui.Options{Version: ui.SiteVersion(version), WasmVersion: version, NewEngineAs: newEngine, Speed: speed})
	})
	// In the browser this runs the app and never returns; natively it
	// returns at once.
	app.RunWhenOnBrowser()

	if err := site.Run(os.Args[1:], os.Stdout, &version); err != nil {
		fmt.Fprintln(os.Stderr, "etcd-play:", err)
		os.Exit(2)
	}
}

// newEngine starts the page's cluster: five members with a fixed seed,
// ticking in real time. A raft snapshot serialises a member's whole store,
// so the page takes one every 1,000 applied entries (keeping 500 for slow
// followers) rather than the engine's demo default of 100: under the
// heaviest stress the page allows, snapshots at 100 took a third of the
// page's thread (Chromium profile, 100 puts per tick at 200 ticks/s).
//
// The members keep their state in IndexedDB (local.NewDurableEngine): a reload
// resumes the cluster.
//
// The URL may choose the size, seed and speed (ui.ParsePageQuery).
//
// An embedded page (embed=1) never waits for a choice it does not offer:
// when another tab or frame of the site holds its stored cluster (the
// same docs page embedding it twice, or open in two tabs), it runs a
// separate cluster in memory, and its bar says so.
func newEngine(mode engine.StartMode) (engine.Engine, error) {
	pc := ui.ParsePageQuery(app.Window().URL().RawQuery)
	cfg := cluster.Config{Members: pc.Members, Seed: pc.Seed, SnapshotCount: 1000, CatchUpCount: 500}
	eng, err := local.NewDurableEngine(cfg, pc.Speed, mode)
	if errors.Is(err, engine.ErrOpenElsewhere) && pc.Embed {
		eng, err = local.NewDurableEngine(cfg, pc.Speed, engine.StartInMemory)
	}
	if err == nil {
		local.BootToLeader(eng, 100) // the first election without its real-time wait
	}
	return eng, err
}
