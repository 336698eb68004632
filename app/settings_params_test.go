package app

import (
	"net/url"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/app/engine"
)

func TestSettingsParams(t *testing.T) {
	def := engine.DefaultPageSettings()
	for _, tc := range []struct {
		query    string
		want     *engine.Settings
		problems []string
	}{
		{"members=3", nil, nil},
		{"members=3&snapshot-count=10&catch-up-count=5", with(def, func(s *engine.Settings) { s.SnapshotCount, s.CatchUpCount = 10, 5 }), nil},
		{"pre-vote=0&check-quorum=off&election-ticks=20&heartbeat-ticks=3&max-inflight=8&max-size=4096",
			with(def, func(s *engine.Settings) {
				s.PreVote, s.CheckQuorum, s.ElectionTicks, s.HeartbeatTicks, s.MaxInflightMsgs, s.MaxSizePerMsg = false, false, 20, 3, 8, 4096
			}), nil},
		{"pre-vote=maybe&election-ticks=x", nil, []string{`pre-vote="maybe": use 1 or 0`, `election-ticks="x": use a whole number`}},
		{"snapshot-count=0&catch-up-count=7", with(def, func(s *engine.Settings) { s.CatchUpCount = 7 }),
			[]string{`snapshot-count="0": must be from 1 to 1000000`}},
		{"heartbeat-ticks=10", &def, []string{`heartbeat-ticks="10": must be from 1 to election-ticks - 1 (9)`}},
		{"election-ticks=3&heartbeat-ticks=5", with(def, func(s *engine.Settings) { s.ElectionTicks = 3 }),
			[]string{`heartbeat-ticks="5": must be from 1 to election-ticks - 1 (2)`}},
		{"max-inflight=99999&max-size=-1", &def, []string{`max-size="-1": use a whole number`, `max-inflight="99999": must be from 1 to 4096`}},
		{"snapshot-count=10&snapshot-count=20", nil, []string{`snapshot-count given 2 times`}},
		{"check-quorum=0&unsafe-local-reads=1", with(def, func(s *engine.Settings) { s.CheckQuorum, s.UnsafeLocalReads = false, true }), nil},
		{"unsafe-local-reads=sure", nil, []string{`unsafe-local-reads="sure": use 1 or 0`}},
	} {
		q, err := url.ParseQuery(tc.query)
		if err != nil {
			t.Fatal(err)
		}
		got := ParsePageConfig(q)
		if (got.Settings == nil) != (tc.want == nil) || got.Settings != nil && *got.Settings != *tc.want {
			t.Errorf("%q: settings %+v, want %+v", tc.query, got.Settings, tc.want)
		}
		if len(got.Problems) != len(tc.problems) {
			t.Errorf("%q: problems %q, want %q", tc.query, got.Problems, tc.problems)
			continue
		}
		for i, want := range tc.problems {
			if !strings.Contains(got.Problems[i], want) {
				t.Errorf("%q: problem %q, want it to contain %q", tc.query, got.Problems[i], want)
			}
		}
	}
}

func with(s engine.Settings, f func(*engine.Settings)) *engine.Settings {
	f(&s)
	return &s
}
