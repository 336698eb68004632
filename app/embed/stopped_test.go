package embed

import (
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

// stoppedFake answers as an engine another tab took over: every call that
// can fail fails with engine.ErrStopped.
type stoppedFake struct{ fakeEngine }

func (*stoppedFake) Kill(uint64) error { return engine.ErrStopped }
func (*stoppedFake) Stopped() error    { return engine.ErrStopped }

// A stopped engine's errors reach the caller of the postMessage API as
// result errors, at once.
func TestAPIAnswersStoppedEngine(t *testing.T) {
	e := &stoppedFake{fakeEngine{members: []engine.MemberView{{ID: 1, State: "down"}, {ID: 2, State: "down"}}, err: engine.ErrStopped}}
	out := newPosted()
	a := newMessageAPI(e, []string{docs}, testLimits, out.post)
	for i, cmd := range []string{`{"etcdplay":1,"cmd":"put","key":"a","value":"b"}`, `{"etcdplay":1,"cmd":"kill","member":2}`} {
		a.handle(docs, []byte(cmd))
		m, _ := out.next(t, i)
		if m.OK == nil || *m.OK || m.Error != engine.ErrStopped.Error() {
			t.Errorf("%s on a stopped engine: %+v, want %q", cmd, m, engine.ErrStopped)
		}
	}
}
