//go:build !js

package worker

import (
	"context"

	"github.com/etcd-play/etcd-play/app/engine"
)

// InWorker is false outside the browser.
func InWorker() bool { return false }

// Listen is only for a worker (InWorker); natively it panics.
func Listen() engine.Conn { panic("worker.Listen: " + ErrNotBrowser.Error()) }

// Dial fails outside the browser.
func Dial(ctx context.Context, scriptURL string) (engine.Conn, error) { return nil, ErrNotBrowser }

// Available is false outside the browser.
func Available() bool { return false }
