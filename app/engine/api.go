package engine

import (
	"context"
	"errors"
)

// Version is the protocol's version. A Client and a Server of different
// versions refuse each other in the handshake (ErrVersion): after a
// deploy, a page whose worker loaded another build reloads once.
const Version = 1

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
	// Build is the engine's build version (git describe): a page of
	// another build is told so in the handshake and reloads.
	Build string
	// Start builds the engine on the first Start request. A server that
	// already runs an engine (the native one, shared by its pages)
	// answers later Start requests with the running engine.
	Start Starter
}

// ErrVersion: the page and the engine are of different builds or
// protocol versions.
var ErrVersion = errors.New("the page and the engine are of different versions")

// Serve answers one client over c until ctx ends or c fails.
func Serve(ctx context.Context, c Conn, o ServerOptions) error {
	return errors.New("engine.Serve: not written yet")
}

// Hello is what the handshake tells a client about its engine.
type Hello struct {
	Protocol int    // the engine's protocol version
	Kind     string // "worker" or "native"
	Build    string // the engine's build version
}

// Client is an Engine (and Storage, Stoppable) over a Conn. It redials
// with dial when the connection is lost.
type Client struct{}

// NewClient dials and shakes hands; build is the page's build version
// (ErrVersion when the engine's differs).
func NewClient(ctx context.Context, dial func(context.Context) (Conn, error), build string) (*Client, Hello, error) {
	return nil, Hello{}, errors.New("engine.NewClient: not written yet")
}

// Start asks the engine to run the cluster req describes; errors as
// local.Start's (ErrOpenElsewhere, *StorageFailure, ...).
func (c *Client) Start(ctx context.Context, req StartRequest) (Engine, error) {
	return nil, errors.New("engine.Client.Start: not written yet")
}
