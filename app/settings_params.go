package app

import (
	"net/url"
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"
)

// The live raft settings as URL parameters, named as the settings panel's
// inputs (data-setting): ?members=3&snapshot-count=10&catch-up-count=5.
//
//	pre-vote=1|0, check-quorum=1|0     (also true/false, on/off)
//	election-ticks=N, heartbeat-ticks=N, snapshot-count=N, catch-up-count=N,
//	max-inflight=N, max-size=N (bytes)
//	unsafe-local-reads=1|0             (a fault: leaders answer linearizable reads locally)
//
// Each is checked alone (a whole number, a yes or no), then together
// (node.Settings.Validate: ranges, heartbeat below election); a bad one is
// ignored with a problem naming it, and its default applies, as for every
// page parameter (PageConfig).

// settingParams lists the parameters, each with how it sets its field.
var settingParams = []struct {
	name string
	set  func(s *engine.Settings, v string) bool // false: v is not a value of this kind
}{
	{"pre-vote", func(s *engine.Settings, v string) (ok bool) { s.PreVote, ok = parseOnOff(v); return }},
	{"check-quorum", func(s *engine.Settings, v string) (ok bool) { s.CheckQuorum, ok = parseOnOff(v); return }},
	{"election-ticks", func(s *engine.Settings, v string) bool { return parseInt(v, &s.ElectionTicks) }},
	{"heartbeat-ticks", func(s *engine.Settings, v string) bool { return parseInt(v, &s.HeartbeatTicks) }},
	{"snapshot-count", func(s *engine.Settings, v string) bool { return parseUint(v, &s.SnapshotCount) }},
	{"catch-up-count", func(s *engine.Settings, v string) bool { return parseUint(v, &s.CatchUpCount) }},
	{"max-inflight", func(s *engine.Settings, v string) bool { return parseInt(v, &s.MaxInflightMsgs) }},
	{"max-size", func(s *engine.Settings, v string) bool { return parseUint(v, &s.MaxSizePerMsg) }},
	{"unsafe-local-reads", func(s *engine.Settings, v string) (ok bool) { s.UnsafeLocalReads, ok = parseOnOff(v); return }},
}

// parseSettings returns the settings q asks for over the page's defaults
// (nil when q names none of them), calling bad once per ignored parameter.
func parseSettings(q url.Values, bad func(format string, args ...any)) *engine.Settings {
	def := engine.DefaultPageSettings()
	s := def
	given := map[string]string{}
	for _, p := range settingParams {
		v := q.Get(p.name)
		if v == "" {
			continue
		}
		try := s
		if !p.set(&try, v) {
			if strings.HasSuffix(p.name, "-vote") || strings.HasSuffix(p.name, "-quorum") || strings.HasSuffix(p.name, "-reads") {
				bad("%s=%s: use 1 or 0", p.name, echo(v))
			} else {
				bad("%s=%s: use a whole number", p.name, echo(v))
			}
			continue
		}
		s, given[p.name] = try, v
	}
	if len(given) == 0 {
		return nil
	}
	// Together: a value out of range (or heartbeat not below election)
	// falls back to its default, and the rest is checked again.
	for range settingParams {
		err := s.Validate()
		if err == nil {
			break
		}
		name, _, _ := strings.Cut(err.Error(), " ")
		v, ok := given[name]
		if !ok { // a default is out of range only with another parameter (heartbeat-ticks vs election-ticks)
			name = "election-ticks"
			v = given[name]
		}
		bad("%s=%s: %s", name, echo(v), strings.TrimPrefix(err.Error(), name+" "+v+": "))
		for _, p := range settingParams {
			if p.name == name {
				p.set(&s, settingValue(def, name))
			}
		}
		delete(given, name)
	}
	return &s
}

// settingValue is the text of setting name's value in s (as a parameter).
func settingValue(s engine.Settings, name string) string {
	switch name {
	case "pre-vote":
		return onOff(s.PreVote)
	case "check-quorum":
		return onOff(s.CheckQuorum)
	case "election-ticks":
		return strconv.Itoa(s.ElectionTicks)
	case "heartbeat-ticks":
		return strconv.Itoa(s.HeartbeatTicks)
	case "snapshot-count":
		return strconv.FormatUint(s.SnapshotCount, 10)
	case "catch-up-count":
		return strconv.FormatUint(s.CatchUpCount, 10)
	case "max-inflight":
		return strconv.Itoa(s.MaxInflightMsgs)
	case "max-size":
		return strconv.FormatUint(s.MaxSizePerMsg, 10)
	case "unsafe-local-reads":
		return onOff(s.UnsafeLocalReads)
	}
	return ""
}

func onOff(b bool) string {
	if b {
		return "1"
	}
	return "0"
}

func parseOnOff(v string) (bool, bool) {
	switch strings.ToLower(v) {
	case "1", "true", "on", "yes":
		return true, true
	case "0", "false", "off", "no":
		return false, true
	}
	return false, false
}

func parseInt(v string, dst *int) bool {
	n, err := strconv.Atoi(v)
	if err != nil {
		return false
	}
	*dst = n
	return true
}

func parseUint(v string, dst *uint64) bool {
	n, err := strconv.ParseUint(v, 10, 64)
	if err != nil {
		return false
	}
	*dst = n
	return true
}
