// Package app is the playground page: go-app v10 components that show a
// running cluster and drive it only through engine.Engine (app/engine).
//
// Threading: go-app runs every handler, Render and Dispatch callback on one
// UI goroutine; component fields are read and written only there. Every
// engine call made for the user runs in a ctx.Async goroutine (act, in
// actions.go) and hands its outcome back with ctx.Dispatch. The live view is
// refreshed by one goroutine (refresh.go), paced on animation frames, that
// polls Status, Links and Events and dispatches one update per period (at
// most 20 Hz), never one per event; those reads are local copies of the
// engine's last pushed update (engine.Client), and reading one lets the
// engine send the next. The cluster itself runs in the engine's Web
// Worker (or natively, behind a WebSocket), never on the page's thread.
// Panels (panel.go) re-render only when what they show changed.
//
// Layout: this package holds the components; what needs neither go-app nor
// the page lives in packages of its own below it:
//
//	app/engine        the Engine interface, its view types and the protocol
//	app/engine/local  the engine over node/cluster (driver, storage, tab lock)
//	app/engine/worker the protocol over a dedicated Web Worker (the default)
//	app/engine/wsconn the protocol over a WebSocket (the native engine)
//	app/etcdctl       the console's etcdctl emulator (parse, run, format)
//	app/tour          the guided tours: their format, the built-in tours, the runner
//	app/embed         the postMessage API (protocol, commands, browser glue)
//	app/site          the native commands (serve, build)
//
// Files: playground.go (the root component), one file per panel
// (cluster_view, member_card, controls, link_panel, stress_panel,
// write_panel, console, event_log, chart, hash_indicator, storage_panel,
// bench_panel, mvcc_panel with mvcc_history, mvcc_watches and mvcc_reads, lease_panel,
// log_view with log_view_fetch, timeline_panel with history_files (the
// run's history: rewind, branches, share, export, import), lincheck_panel
// (the linearizability check), the tour player: tour_panel, tour_player,
// tour_fetch, tour_highlight),
// panel.go and panel_keys.go (panels re-render only on change), refresh.go
// (the live view), engine_connection.go (the engine unreachable: banner,
// restart, reload on another build), actions.go (engine calls for the controls), display.go
// (how user bytes are shown), loading.go (the version the page shows),
// embed.go (the page's URL parameters), embed_layout.go (the layout in a
// frame), embed_api_js.go (starts app/embed's postMessage API) and
// frame_js.go (browser waits).
package app

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"time"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

// Options configure the page.
type Options struct {
	// Version is shown on the page (e.g. from git describe).
	Version string
	// WasmVersion is the version compiled into the running wasm (it may
	// differ from Version only while a new deploy is loading); the page
	// shows it as data-wasm-version.
	WasmVersion string
	// NewEngine builds and starts the cluster. It is called once, in the
	// browser only (OnMount), never while pre-rendering natively.
	NewEngine func() (engine.Engine, error)
	// NewEngineAs, if set, is used instead of NewEngine: it opens the
	// cluster's storage as mode says (storage.go), in a goroutine.
	NewEngineAs func(mode engine.StartMode) (engine.Engine, error)
	// Prestarted, if set, is NewEngineAs's first StartShared start, begun
	// before the page mounted (Prestart); OnMount takes it.
	Prestarted *Prestarted
	// Speed is the initial tick rate (ticks per second) NewEngine's driver
	// runs at; the time controls show it.
	Speed float64
}

// New returns the playground page component.
func New(opts Options) app.Composer {
	if opts.Speed <= 0 {
		opts.Speed = engine.DefaultSpeed
	}
	return &playground{
		opts:     opts,
		deferred: app.IsClient,
		speed:    opts.Speed,
		stressAt: &stressSlot{},
		write:    writeForm{consistency: "l"},
		stress:   stressForm{rate: 10, count: 1000, keys: 100, valueSize: 16},
		bench:    newBenchForm(),
		link:     linkForm{from: 1, to: 2},
	}
}

// playground is the root component. All fields are owned by the UI goroutine
// except stressAt, which the refresh goroutine reads.
type playground struct {
	app.Compo
	opts Options

	mounted bool // OnMount ran: the wasm has taken over the pre-rendered page
	// deferred: the side, client and history sections are left empty.
	// In the browser the page mounts without them, so that its first
	// render (go-app builds the whole DOM anew) and the engine's first
	// start, which share the machine's cores, finish sooner; they are
	// built in the frame after the first refresh drew the cluster
	// (refresh.go), or at once when the engine does not start
	// (startEngine). data-ready waits for them. That first refresh's
	// first frame draws only the cards and the header (newPanel).
	deferred bool
	eng      engine.Engine // nil until OnMount built it, or when building failed
	engErr   string

	// Live view, replaced by each refresh (refresh.go).
	view      liveView
	refreshes uint64             // refreshes applied so far
	events    []engine.EventView // what the event log shows, oldest first
	newEvents []engine.EventView // events fetched since, shown at the next log update
	eventsAt  time.Time          // when the log was last updated (refresh.go, logEvery)
	eventsGen uint64             // times events started over (a rewind): event_rows.go
	logRows   logRows            // the log's rows on the page (event_rows_js.go)

	cardBinder cardBinder // the cards' values on the page (card_binds_js.go)
	chart      chartState

	// frame is which panels the root redraws with their current keys
	// (panel_keys.go): the refresh loop sets it for each of its frames, and
	// it stays until the next one; drawnKeys holds the key each panel was
	// last drawn with. viewTurn alternates a fast cluster's second frames
	// between the view and the other slow panels (secondFrame).
	frame     framePart
	viewTurn  bool
	drawnKeys map[panelKind]string

	speed  float64 // ticks per second the driver was last set to (the speed control shows it)
	client uint64  // member the write panel and console talk to (0: the first member)
	notice string  // outcome of the last control action, announced politely

	// engSpeed is the engine's speed as the last refresh reported it
	// (speed_follow.go).
	engSpeed float64

	restarting bool // restartEngine is running (engine_connection.go)

	// Change counters of state that async results update (panel keys).
	writeRev, consoleRev uint64
	mvccRev, watchRev    uint64 // mvcc_panel.go, mvcc_watches.go
	leaseRev             uint64 // lease_panel.go

	logKind, logText string // event log filters
	write            writeForm
	console          consoleState
	stress           stressForm
	stressAt         *stressSlot
	bench            benchForm  // bench_panel.go
	mvcc             mvccState  // mvcc_panel.go
	leases           leaseState // lease_panel.go
	link             linkForm
	storage          storageUI  // storage section (storage_panel.go)
	page             PageConfig // from the URL (embed.go), set in OnMount

	settings settingsForm  // the Settings panel's typed values (settings_panel.go)
	msgs     msgState      // messages in flight (messages_view.go)
	tl       timelineState // timeline_panel.go
	check    checkState    // the Check panel (lincheck_panel.go)
	tour     tourState     // the tour player (tour_player.go)
}

func (p *playground) OnMount(ctx app.Context) {
	p.mounted = true
	p.applyPageConfig(ctx)                 // embed_layout.go
	p.openTour(ctx)                        // tour_player.go
	p.startAPI(ctx)                        // embed_api_js.go
	p.startEngine(ctx, engine.StartShared) // storage_panel.go
}

func (p *playground) Render() app.UI {
	if p.page.Embed {
		return p.renderEmbed() // embed_layout.go
	}
	return app.Div().
		Class("playground").
		DataSet("ready", p.mounted && !p.deferred).
		DataSet("refreshes", p.refreshes).
		DataSet("engine", p.engineKind()).
		DataSet("protocol", engine.Version).
		Body(
			p.renderSkipLink(),
			p.newPanel(panelHeader),
			app.If(p.engErr != "", func() app.UI {
				return app.P().Class("error").Role("alert").Text("The cluster could not start: " + p.engErr)
			}),
			p.renderStorageNotice(), // storage_panel.go: only when the cluster cannot run here
			p.renderEngineLost(),    // engine_connection.go: only when the engine cannot be reached
			p.layout().Body(
				app.Section().ID(clusterID).TabIndex(-1).Class("cluster").Aria("label", "cluster").Body(
					p.renderTour(), // tour_panel.go: while a tour is open
					p.newPanel(panelView),
					p.newPanel(panelHash), // hash_indicator.go
					p.newPanel(panelCards),
					p.newPanel(panelTimeline), // timeline_panel.go
					&logView{P: p},            // log_view.go
				),
				app.Section().Class("side").Aria("label", "controls").Body(p.unlessDeferred(
					p.newPanel(panelFaults),
					p.newPanel(panelDurability), // storage_panel.go
					p.newPanel(panelLinks),
					p.newPanel(panelSettings), // settings_panel.go
					p.newPanel(panelStress),
					p.newPanel(panelCheck), // lincheck_panel.go
					p.newPanel(panelBench),
				)...),
				app.Section().Class("client").Aria("label", "client").Body(p.unlessDeferred(
					p.newPanel(panelWrite),
					p.newPanel(panelConsole),
					p.newPanel(panelRevisions),
					p.newPanel(panelMVCC),
					p.newPanel(panelWatches),
					p.newPanel(panelLeases),
				)...),
				app.Section().Class("history").Aria("label", "history").Body(p.unlessDeferred(
					p.newPanel(panelChart),
					p.newPanel(panelLog),
				)...),
			),
		)
}

// unlessDeferred is a deferred section's body: nothing while p.deferred.
func (p *playground) unlessDeferred(elems ...app.UI) []app.UI {
	if p.deferred {
		return nil
	}
	return elems
}

// layout is the page's main element: inert (no control can be used or
// focused) while the engine cannot be reached. HTML's inert is a boolean
// attribute, so it is present only then.
func (p *playground) layout() app.HTMLMain {
	m := app.Main().Class("layout")
	if p.engineLost() {
		m = m.Attr("inert", true)
	}
	return m
}

// clusterID is the id of the page's cluster section, the skip link's target.
const clusterID = "cluster"

// renderSkipLink is the page's first tab stop: hidden until focused, it
// moves the focus to the cluster section (past the header's links and time
// controls). The section has tabindex -1 so that it can take the focus.
// The click handler focuses it itself, and keeps the click from go-app's
// own handling of links (a navigation to the fragment, which scrolls to it
// but leaves the focus where it was, and adds a history entry).
func (p *playground) renderSkipLink() app.UI {
	return app.A().Class("skip-link").Href("#" + clusterID).Text("Skip to the cluster").
		OnClick(func(ctx app.Context, e app.Event) {
			e.PreventDefault()
			e.StopImmediatePropagation()
			if el := app.Window().GetElementByID(clusterID); el.Truthy() {
				el.Call("focus")
			}
		})
}

// Where a newcomer reads more: the project's source, its README and etcd's
// own documentation.
const (
	sourceURL   = "https://github.com/etcd-play/etcd-play"
	readmeURL   = sourceURL + "#readme"
	etcdDocsURL = "https://etcd.io/docs/"
)

func (p *playground) renderHeader() app.UI {
	return app.Header().Class("top").Body(
		app.Img().Src("/web/icon.svg").Aria("hidden", true).Class("logo"),
		app.H1().Text("etcd playground"),
		app.Span().Class("version").DataSet("version", p.opts.Version).DataSet("wasm-version", p.opts.WasmVersion).Text("version "+p.opts.Version),
		app.If(!p.mounted, func() app.UI {
			return app.Span().Class("loading").Text("starting…")
		}),
		p.renderTimeControls(),
		// The intro and the tour menu never change: components without
		// fields, which go-app leaves alone when the header redraws for
		// its clock.
		&fixedPart{P: p, Kind: fixedIntro},
		&fixedPart{P: p, Kind: fixedTourMenu}, // tour_panel.go
	)
}

// fixedPart is a part of the page that shows nothing that changes. P never
// changes.
type fixedPart struct {
	app.Compo
	P    *playground
	Kind fixedKind
}

type fixedKind int

const (
	fixedIntro fixedKind = iota
	fixedTourMenu
)

func (c *fixedPart) Render() app.UI {
	if c.Kind == fixedTourMenu {
		return c.P.renderTourMenu()
	}
	return c.P.renderIntro()
}

// renderIntro is the line under the title: what the page is, where to
// start, and where to read more.
func (p *playground) renderIntro() app.UI {
	link := func(href, text string) app.UI {
		return app.A().Href(href).Target("_blank").Rel("noopener").Body(
			app.Text(text), app.Span().Class("visually-hidden").Text(" (opens in a new tab)"))
	}
	return app.P().Class("intro").Body(
		app.Text("Five real etcd Raft members run in this page, nothing on a server. "),
		app.Strong().Text("Start here:"),
		app.Text(" Kill the leader (★ on its card) and watch the others elect a new one. "),
		app.Span().Class("intro-links").Body(
			link(sourceURL, "Source"),
			link(readmeURL, "README"),
			link(etcdDocsURL, "etcd documentation"),
		),
	)
}
