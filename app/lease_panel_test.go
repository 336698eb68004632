package app

import (
	"strings"
	"testing"

	"github.com/maxence-charriere/go-app/v10/pkg/app"
)

func TestLeaseTicksLeft(t *testing.T) {
	r := leaseRow{ttl: 3} // 30 ticks when read at tick 100
	for _, c := range []struct {
		now  uint64
		want int64
	}{{100, 30}, {101, 29}, {129, 1}, {130, 0}, {500, 0}, {90, 30}} {
		if got := r.ticksLeft(100, c.now); got != c.want {
			t.Errorf("ticksLeft(100, %d) = %d, want %d", c.now, got, c.want)
		}
	}
}

// The lease rows count down with the cluster's tick, carry their hooks and
// show keys as text; the panel's key moves with the tick only while a
// countdown is shown.
func TestRenderLeasePanel(t *testing.T) {
	p := mvccPopulated()
	k := p.leaseKey()
	p.view.now++
	if p.leaseKey() != k {
		t.Fatal("the key moved with the tick while no lease is listed")
	}
	p.leases = leaseState{listed: true, member: 1, at: p.view.now - 5, rows: []leaseRow{
		{id: 0x694d77aa9e38260f, ttl: 7, granted: 10, keys: []string{"<a>", "b"}},
		{id: 2, err: "etcdserver: requested lease not found"},
	}}
	k = p.leaseKey()
	p.view.now++
	if p.leaseKey() == k {
		t.Fatal("the key did not follow the countdown")
	}
	e := app.NewTestEngine()
	if err := e.Load(p); err != nil {
		t.Fatal(err)
	}
	e.ConsumeAll()
	html := app.HTMLString(p)
	for _, want := range []string{
		`data-lease="694d77aa9e38260f"`, `data-ticks-left="64"`, `64 ticks (7 s)`, `data-keys="2"`, `&lt;a&gt;, b`,
		`data-lease="0000000000000002"`, `requested lease not found`, `data-action="lease-list"`, `through raft`,
	} {
		if !strings.Contains(html, want) {
			t.Errorf("the lease panel lacks %s", want)
		}
	}
}
