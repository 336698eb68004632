package local

import "github.com/etcd-play/etcd-play/app/engine"

var _ engine.SpeedReporter = (*clusterEngine)(nil)

// Speed implements engine.SpeedReporter: the driver's tick rate.
func (e *clusterEngine) Speed() float64 { return e.driver.Speed() }
