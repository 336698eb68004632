package app

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"testing"
)

func TestClampSpeed(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{{0, engine.DefaultSpeed}, {-1, engine.DefaultSpeed}, {5, 5}, {1e9, engine.MaxSpeed}} {
		if got := engine.ClampSpeed(tt.in); got != tt.want {
			t.Errorf("clampSpeed(%g) = %g, want %g", tt.in, got, tt.want)
		}
	}
}
