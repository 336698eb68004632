//go:build !js

package wsconn

import (
	"context"
	"fmt"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

// BenchmarkRoundTrip: one frame to an echoing server and back over
// loopback, one at a time (latency), for a request-sized and an
// update-sized frame.
func BenchmarkRoundTrip(b *testing.B) {
	for _, n := range []int{64, 1 << 10, 64 << 10, 1 << 20} {
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			c := dial(b, serveWS(b, Options{}, echo))
			defer c.Close()
			f := frame(1, n)
			b.SetBytes(int64(2 * n))
			b.ResetTimer()
			for range b.N {
				if err := c.Send(f); err != nil {
					b.Fatal(err)
				}
				if _, err := c.Recv(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

// BenchmarkStream: frames the server pushes as fast as the page takes them
// (throughput, e.g. the engine's updates).
func BenchmarkStream(b *testing.B) {
	for _, n := range []int{1 << 10, 64 << 10} {
		b.Run(fmt.Sprintf("%dB", n), func(b *testing.B) {
			u := serveWS(b, Options{}, func(ctx context.Context, c engine.Conn) {
				f := frame(2, n)
				for c.Send(f) == nil {
				}
			})
			c := dial(b, u)
			defer c.Close()
			b.SetBytes(int64(n))
			b.ResetTimer()
			for range b.N {
				if _, err := c.Recv(context.Background()); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
