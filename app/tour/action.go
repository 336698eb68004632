package tour

import (
	"fmt"
	"strconv"
	"strings"
)

// Action is one `do` line, parsed. Verb names it; the other fields are
// the verb's arguments (which ones, the verb's entry in doc.go says).
type Action struct {
	Line int
	Text string // the line's text after `do`, as written
	Verb string // kill, kill-followers, restart, kill-all, power-loss, isolate, partition, heal, put, get, stress, pause, play, speed, step, set, watch, lease-grant, lease-keep-alive, lease-revoke, put-with-lease, check, compact, transfer

	Who    Selector     // kill, restart, power-loss, isolate, transfer; put/get/watch: via
	Groups [][]Selector // partition: the sides
	N      int64        // kill followers K, stress COUNT, step N, lease grant TTL
	Rate   int          // stress rate R (0: the page's default)
	Speed  float64      // speed TPS
	Key    string       // put, get, watch, put-with-lease
	Value  string       // put, put-with-lease
	// Serializable: get ... serializable. Prefix: watch KEY prefix.
	Serializable, Prefix bool
	Settings             []Setting // set NAME=VALUE ...
}

// Setting is one NAME=VALUE of a `set` action (the page's URL parameter
// names: settings.go).
type Setting struct{ Name, Value string }

// Selector names members as a tour does: Kind is "leader", "follower",
// "down", "all", "rest" (every member outside the other side of a
// partition), "minority" or "majority" (a member on that side of the
// current network split), "minority-with-leader" (partition only), or
// "member" (ID).
type Selector struct {
	Kind string
	ID   uint64
}

func (s Selector) String() string {
	if s.Kind == "member" {
		return "member " + strconv.FormatUint(s.ID, 10)
	}
	return s.Kind
}

// parseSelector reads one member selector, allowing the kinds in allowed
// (and a member number always).
func parseSelector(s string, allowed ...string) (Selector, error) {
	if id, err := strconv.ParseUint(s, 10, 64); err == nil {
		if id < 1 || id > MaxMembers {
			return Selector{}, fmt.Errorf("member %d: members are numbered 1 to %d", id, MaxMembers)
		}
		return Selector{Kind: "member", ID: id}, nil
	}
	for _, a := range allowed {
		if s == a {
			return Selector{Kind: s}, nil
		}
	}
	return Selector{}, fmt.Errorf("%q: use a member number or %s", s, strings.Join(allowed, ", "))
}

// viaSelectors are the members a client call may go through.
var viaSelectors = []string{"leader", "follower", "minority", "majority"}

// parseAction reads the text of a `do` line.
func parseAction(text string) (Action, error) {
	f := strings.Fields(text)
	a := Action{Text: text, Verb: f[0]}
	args := f[1:]
	nargs := func(lo, hi int, usage string) error {
		if len(args) < lo || len(args) > hi {
			return fmt.Errorf("use: %s", usage)
		}
		return nil
	}
	var err error
	switch f[0] {
	case "kill":
		if len(args) == 1 && args[0] == "all" {
			a.Verb = "kill-all"
			return a, nil
		}
		if len(args) == 2 && args[0] == "followers" {
			a.Verb = "kill-followers"
			a.N, err = count(args[1], 1, MaxMembers)
			return a, err
		}
		if err := nargs(1, 1, "kill leader|follower|N, kill followers K, kill all"); err != nil {
			return a, err
		}
		a.Who, err = parseSelector(args[0], "leader", "follower")
	case "restart":
		if err := nargs(1, 1, "restart N|down|all"); err != nil {
			return a, err
		}
		a.Who, err = parseSelector(args[0], "down", "all")
	case "power-loss":
		if err := nargs(1, 1, "power-loss N|all"); err != nil {
			return a, err
		}
		a.Who, err = parseSelector(args[0], "all", "leader", "follower")
	case "isolate":
		if err := nargs(1, 1, "isolate leader|follower|N"); err != nil {
			return a, err
		}
		a.Who, err = parseSelector(args[0], "leader", "follower")
	case "transfer":
		if err := nargs(1, 1, "transfer N|follower (leadership to that member)"); err != nil {
			return a, err
		}
		a.Who, err = parseSelector(args[0], "follower")
	case "partition":
		if err := nargs(1, 1, "partition A,B|C,D,E, partition leader|rest, partition minority-with-leader"); err != nil {
			return a, err
		}
		a.Groups, err = parseGroups(args[0])
	case "heal", "kill-all", "pause", "play", "check", "compact":
		err = nargs(0, 0, f[0])
	case "put", "put-with-lease":
		usage := f[0] + " KEY VALUE [via leader|follower|minority|majority|N]"
		if f[0] == "put-with-lease" {
			usage = "put-with-lease KEY VALUE"
		}
		if len(args) < 2 {
			return a, fmt.Errorf("use: %s", usage)
		}
		a.Key, a.Value = args[0], args[1]
		a.Who = Selector{Kind: "leader"}
		rest := args[2:]
		if f[0] == "put" && len(rest) == 2 && rest[0] == "via" {
			a.Who, err = parseSelector(rest[1], viaSelectors...)
			rest = nil
		}
		if len(rest) > 0 {
			return a, fmt.Errorf("use: %s (values have no spaces)", usage)
		}
	case "get":
		if len(args) < 1 {
			return a, fmt.Errorf("use: get KEY [via leader|follower|minority|majority|N] [serializable]")
		}
		a.Key, a.Who = args[0], Selector{Kind: "leader"}
		for rest := args[1:]; len(rest) > 0; {
			switch {
			case rest[0] == "serializable":
				a.Serializable, rest = true, rest[1:]
			case rest[0] == "via" && len(rest) > 1:
				if a.Who, err = parseSelector(rest[1], viaSelectors...); err != nil {
					return a, err
				}
				rest = rest[2:]
			default:
				return a, fmt.Errorf("%q: use get KEY [via leader|follower|minority|majority|N] [serializable]", rest[0])
			}
		}
	case "stress":
		if len(args) != 1 && !(len(args) == 3 && args[1] == "rate") {
			return a, fmt.Errorf("use: stress COUNT [rate R]")
		}
		if a.N, err = count(args[0], 1, 100_000); err == nil && len(args) == 3 {
			var r int64
			r, err = count(args[2], 1, 100)
			a.Rate = int(r)
		}
	case "speed":
		if err := nargs(1, 1, "speed TPS (ticks per second, up to 1000)"); err != nil {
			return a, err
		}
		a.Speed, err = strconv.ParseFloat(args[0], 64)
		if err != nil || !(a.Speed > 0 && a.Speed <= 1000) {
			return a, fmt.Errorf("speed %q: use a number of ticks per second from 1 to 1000", args[0])
		}
	case "step":
		if err := nargs(1, 1, "step N (ticks)"); err != nil {
			return a, err
		}
		a.N, err = count(args[0], 1, 100_000)
	case "set":
		if len(args) == 0 {
			return a, fmt.Errorf("use: set NAME=VALUE ... (%s)", strings.Join(SettingNames(), ", "))
		}
		for _, kv := range args {
			name, value, ok := strings.Cut(kv, "=")
			if !ok || value == "" {
				return a, fmt.Errorf("%q: use NAME=VALUE", kv)
			}
			if err := checkSetting(name, value); err != nil {
				return a, err
			}
			a.Settings = append(a.Settings, Setting{name, value})
		}
	case "watch":
		if len(args) < 1 {
			return a, fmt.Errorf("use: watch KEY [prefix] [via N|leader|follower]")
		}
		a.Key, a.Who = args[0], Selector{Kind: "leader"}
		for rest := args[1:]; len(rest) > 0; {
			switch {
			case rest[0] == "prefix":
				a.Prefix, rest = true, rest[1:]
			case rest[0] == "via" && len(rest) > 1:
				if a.Who, err = parseSelector(rest[1], viaSelectors...); err != nil {
					return a, err
				}
				rest = rest[2:]
			default:
				return a, fmt.Errorf("%q: use watch KEY [prefix] [via N|leader|follower]", rest[0])
			}
		}
	case "lease":
		switch {
		case len(args) == 2 && args[0] == "grant":
			a.Verb = "lease-grant"
			a.N, err = count(args[1], 1, 1_000_000)
		case len(args) == 1 && args[0] == "keep-alive":
			a.Verb = "lease-keep-alive"
		case len(args) == 1 && args[0] == "revoke":
			a.Verb = "lease-revoke"
		default:
			return a, fmt.Errorf("use: lease grant TTL, lease keep-alive, lease revoke")
		}
	default:
		return a, fmt.Errorf("unknown action %q (see the list of actions)", f[0])
	}
	return a, err
}

// count reads a whole number in [lo, hi].
func count(s string, lo, hi int64) (int64, error) {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < lo || n > hi {
		return 0, fmt.Errorf("%q: use a whole number from %d to %d", s, lo, hi)
	}
	return n, nil
}

// parseGroups reads a partition's sides: "1,2|3,4,5", "leader|rest",
// "minority-with-leader".
func parseGroups(s string) ([][]Selector, error) {
	if s == "minority-with-leader" {
		return [][]Selector{{{Kind: "minority-with-leader"}}}, nil
	}
	sides := strings.Split(s, "|")
	if len(sides) < 2 {
		return nil, fmt.Errorf("%q: give at least two sides separated by |", s)
	}
	seen := map[uint64]bool{}
	var groups [][]Selector
	rest := 0
	for _, side := range sides {
		var g []Selector
		for _, m := range strings.Split(side, ",") {
			sel, err := parseSelector(m, "leader", "rest")
			if err != nil {
				return nil, err
			}
			if sel.Kind == "member" {
				if seen[sel.ID] {
					return nil, fmt.Errorf("member %d is on two sides", sel.ID)
				}
				seen[sel.ID] = true
			}
			if sel.Kind == "rest" {
				if rest++; rest > 1 || side != "rest" {
					return nil, fmt.Errorf("%q: rest stands alone, on one side", s)
				}
			}
			g = append(g, sel)
		}
		groups = append(groups, g)
	}
	return groups, nil
}
