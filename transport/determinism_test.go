package transport

import (
	"fmt"
	"math/rand/v2"
	"runtime"
	"strings"
	"sync"
	"testing"

	"go.etcd.io/raft/v3/raftpb"
)

// runConcurrent drives a five-member network for rounds rounds under drops,
// delays, a cut and a down period. In every round each member sends from its
// own goroutine, in several Send calls; the goroutines start in an order
// shuffled by shuffleSeed and yield between calls, so their interleaving
// differs between runs while the messages each member sends do not. It returns a log of every delivery and the final
// link table.
func runConcurrent(t *testing.T, netSeed int64, shuffleSeed uint64) string {
	t.Helper()
	const members, rounds = 5, 200
	n := newNet(netSeed, members)
	n.SetDrop(1, 2, 0.3)
	n.SetDrop(3, 1, 0.5)
	n.SetDrop(4, 5, 0.1)
	n.SetDelay(2, 3, 2)
	n.SetDelay(5, 1, 1)
	n.SetDrop(5, 1, 0.2)
	shuffle := rand.New(rand.NewPCG(shuffleSeed, shuffleSeed))
	var log strings.Builder
	ids := []uint64{1, 2, 3, 4, 5}
	for r := uint64(0); r < rounds; r++ {
		switch r {
		case 50:
			n.Cut(2, 4)
		case 80:
			n.SetDown(3, true)
		case 120:
			n.SetDown(3, false)
			n.HealLink(2, 4)
		}
		shuffle.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
		var wg sync.WaitGroup
		for _, from := range ids {
			calls := 1 + int((r+from)%3) // the same in every run
			wg.Go(func() {
				seq := uint64(0)
				for c := 0; c < calls; c++ {
					var msgs []raftpb.Message
					for to := uint64(1); to <= members; to++ {
						if to != from {
							seq++
							msgs = append(msgs, app(from, to, r*1000+from*100+seq))
						}
					}
					n.Send(from, msgs)
					runtime.Gosched()
				}
			})
		}
		wg.Wait()
		n.EndRound()
		for to := uint64(1); to <= members; to++ {
			fmt.Fprintf(&log, "r%d m%d:", n.Round(), to)
			for _, m := range n.Receive(to) {
				fmt.Fprintf(&log, " %d>%d", m.From, m.Index)
			}
			log.WriteByte('\n')
		}
	}
	fmt.Fprintf(&log, "%+v\n", n.Links())
	return log.String()
}

func TestDeterministicUnderConcurrentSends(t *testing.T) {
	a := runConcurrent(t, 42, 1)
	for shuffle := uint64(2); shuffle <= 6; shuffle++ {
		if b := runConcurrent(t, 42, shuffle); b != a {
			t.Fatalf("same network seed, different deliveries with goroutine order %d:\n%s",
				shuffle, firstDiff(a, b))
		}
	}
	if c := runConcurrent(t, 43, 1); c == a {
		t.Fatalf("network seeds 42 and 43 gave the same deliveries: the seed is not used")
	}
}

func firstDiff(a, b string) string {
	la, lb := strings.Split(a, "\n"), strings.Split(b, "\n")
	for i := range min(len(la), len(lb)) {
		if la[i] != lb[i] {
			return fmt.Sprintf("line %d:\n  %s\n  %s", i+1, la[i], lb[i])
		}
	}
	return fmt.Sprintf("lengths %d and %d", len(la), len(lb))
}
