package app

import "testing"

func TestClampSpeed(t *testing.T) {
	for _, tt := range []struct{ in, want float64 }{{0, defaultSpeed}, {-1, defaultSpeed}, {5, 5}, {1e9, maxSpeed}} {
		if got := clampSpeed(tt.in); got != tt.want {
			t.Errorf("clampSpeed(%g) = %g, want %g", tt.in, got, tt.want)
		}
	}
}
