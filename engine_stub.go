package main

import (
	"errors"

	ui "github.com/etcd-play/etcd-play/app"
)

// newEngine is replaced by the node/cluster engine once it lands.
func newEngine() (ui.Engine, error) {
	return nil, errors.New("the cluster engine is not wired yet")
}
