package app

import (
	"fmt"
	"strings"
	"testing"
)

// polyline writes each point as fmt's "%.1f,%.1f " would (it formats with
// strconv, which costs a fraction of fmt on the page's thread).
func TestPolylineFormat(t *testing.T) {
	values := []float64{0, 0.04, 1, 2.55, 3.95, 1e6, 123.456, -0.05, 7}
	for _, top := range []float64{1, 7, 1e6, 0.3} {
		var want strings.Builder
		for i, v := range values {
			fmt.Fprintf(&want, "%.1f,%.1f ", float64(chartW)*float64(i)/float64(chartSamples-1), chartH-4-(chartH-8)*v/top)
		}
		if got := polyline(values, top); got != want.String() {
			t.Errorf("top %g: %q, want %q", top, got, want.String())
		}
	}
}
