package engine

// Version is the protocol's version. A Client and a Server of different
// versions or builds refuse each other in the handshake (ErrVersion): after
// a deploy, a page whose worker loaded another build reloads once.
// 3: the timeline's ops and views and Update.Speed were added since 2.
const Version = 3

// StartRequest is what a client asks the engine to run: how to open the
// storage and the cluster the page's URL chose (0 fields: the defaults).
type StartRequest struct {
	Mode    StartMode
	Members int
	Seed    int64
	Speed   float64 // ticks per second
	// Embed: the page is embedded; when another tab holds the stored
	// cluster it runs a separate one in memory instead of asking.
	Embed bool
	// Memory: the person chose memory over the browser's storage (faster;
	// nothing survives a reload). Mode is then ignored.
	Memory bool
	// Settings, if set, are the cluster's raft settings (the URL's);
	// nil: DefaultPageSettings.
	Settings *Settings
}

// Starter builds and starts the engine a StartRequest asks for. The
// shipped one is app/engine/local.Start (the worker's and the native
// engine's).
type Starter func(StartRequest) (Engine, error)

// ServerOptions configure Serve.
type ServerOptions struct {
	// Kind says where the engine runs: "worker" or "native" (the page's
	// data-engine).
	Kind string
	// Build is the engine's build version (git describe): a client of
	// another build is refused in the handshake.
	Build string
	// Start builds the engine on a Start request. A server that already
	// runs an engine for its process (the native one, shared by its pages)
	// returns the running engine to later Start requests.
	Start Starter
}
