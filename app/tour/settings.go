package tour

import (
	"fmt"
	"strconv"

	"github.com/etcd-play/etcd-play/app/engine"
)

// The settings a `set` action changes, named as the page's URL parameters
// and settings inputs name them (pre-vote=1, snapshot-count=10, ...).
var settingSetters = []struct {
	name string
	set  func(s *engine.Settings, v string) bool // false: v is not a value of its kind
}{
	{"pre-vote", func(s *engine.Settings, v string) (ok bool) { s.PreVote, ok = onOff(v); return }},
	{"check-quorum", func(s *engine.Settings, v string) (ok bool) { s.CheckQuorum, ok = onOff(v); return }},
	{"election-ticks", func(s *engine.Settings, v string) bool { return atoi(v, &s.ElectionTicks) }},
	{"heartbeat-ticks", func(s *engine.Settings, v string) bool { return atoi(v, &s.HeartbeatTicks) }},
	{"snapshot-count", func(s *engine.Settings, v string) bool { return atou(v, &s.SnapshotCount) }},
	{"catch-up-count", func(s *engine.Settings, v string) bool { return atou(v, &s.CatchUpCount) }},
	{"max-inflight", func(s *engine.Settings, v string) bool { return atoi(v, &s.MaxInflightMsgs) }},
	{"max-size", func(s *engine.Settings, v string) bool { return atou(v, &s.MaxSizePerMsg) }},
	{"unsafe-local-reads", func(s *engine.Settings, v string) (ok bool) { s.UnsafeLocalReads, ok = onOff(v); return }},
}

// SettingNames lists the names `set` accepts.
func SettingNames() []string {
	var names []string
	for _, s := range settingSetters {
		names = append(names, s.name)
	}
	return names
}

// checkSetting reports whether NAME=VALUE is a setting with a value of its
// kind (ranges are checked when the action runs, against the settings in
// force: node.Settings.Validate).
func checkSetting(name, value string) error {
	s := engine.DefaultPageSettings()
	return applySetting(&s, Setting{name, value})
}

func applySetting(s *engine.Settings, st Setting) error {
	for _, p := range settingSetters {
		if p.name != st.Name {
			continue
		}
		if !p.set(s, st.Value) {
			return fmt.Errorf("%s=%s: not a value of this setting (a whole number, or 1 or 0)", st.Name, st.Value)
		}
		return nil
	}
	return fmt.Errorf("unknown setting %q (use %v)", st.Name, SettingNames())
}

func onOff(v string) (bool, bool) {
	switch v {
	case "1", "true", "on":
		return true, true
	case "0", "false", "off":
		return false, true
	}
	return false, false
}

func atoi(v string, p *int) bool {
	n, err := strconv.Atoi(v)
	if err != nil || n < 0 {
		return false
	}
	*p = n
	return true
}

func atou(v string, p *uint64) bool {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return false
	}
	*p = n
	return true
}
