package tour

import (
	"fmt"
	"strconv"
	"strings"
)

// Condition is one `wait` line, parsed. Kind names it; the other fields are
// its arguments (doc.go lists the conditions).
type Condition struct {
	Line int
	Text string // the line's text after `wait`, as written
	// Kind: leader, new-leader, term>start, down, all-up, converged,
	// stale-read, read-refused, write-ok, write-refused, event, key,
	// no-key, lease-expired, lincheck, ticks, applied>=, snapshot-index>=,
	// watched, stress-done, split-vote, no-leader.
	Kind string
	ID   uint64 // down N: the member
	N    int64  // down K-members: K; ticks N; applied>=N; snapshot-index>=N; watched N
	// Key, Value: key KEY=VALUE, no-key KEY; Value alone: event KIND,
	// lincheck ok|violation.
	Key, Value string
	// On: the members applied>= and snapshot-index>= look at ("all":
	// every live member, "any": some live member, "leader", or a member).
	On Selector
}

func parseCondition(text string) (Condition, error) {
	f := strings.Fields(text)
	c := Condition{Text: text, Kind: f[0]}
	args := f[1:]
	none := func() error {
		if len(args) != 0 {
			return fmt.Errorf("%s takes no arguments", f[0])
		}
		return nil
	}
	var err error
	switch {
	case f[0] == "leader", f[0] == "new-leader", f[0] == "term>start", f[0] == "all-up",
		f[0] == "converged", f[0] == "stale-read", f[0] == "read-refused", f[0] == "write-ok",
		f[0] == "write-refused", f[0] == "lease-expired", f[0] == "stress-done",
		f[0] == "split-vote", f[0] == "no-leader": // condition_elections.go
		err = none()
	case f[0] == "down":
		if len(args) != 1 {
			return c, fmt.Errorf("use: down N (member N is down) or down K-members (K members are down)")
		}
		if k, ok := strings.CutSuffix(args[0], "-members"); ok {
			c.N, err = count(k, 1, MaxMembers)
		} else {
			var n int64
			n, err = count(args[0], 1, MaxMembers)
			c.ID = uint64(n)
		}
	case f[0] == "event":
		if len(args) != 1 {
			return c, fmt.Errorf("use: event KIND (%s)", strings.Join(EventKinds, ", "))
		}
		c.Value = args[0]
		if !contains(EventKinds, c.Value) {
			return c, fmt.Errorf("event %q: use one of %s", c.Value, strings.Join(EventKinds, ", "))
		}
	case f[0] == "key":
		if len(args) != 1 {
			return c, fmt.Errorf("use: key KEY=VALUE")
		}
		var ok bool
		if c.Key, c.Value, ok = strings.Cut(args[0], "="); !ok || c.Key == "" {
			return c, fmt.Errorf("use: key KEY=VALUE")
		}
	case f[0] == "no-key":
		if len(args) != 1 {
			return c, fmt.Errorf("use: no-key KEY")
		}
		c.Key = args[0]
	case f[0] == "lincheck":
		if len(args) != 1 || (args[0] != "ok" && args[0] != "violation") {
			return c, fmt.Errorf("use: lincheck ok or lincheck violation")
		}
		c.Value = args[0]
	case f[0] == "ticks", f[0] == "watched":
		if len(args) != 1 {
			return c, fmt.Errorf("use: %s N", f[0])
		}
		c.N, err = count(args[0], 1, 1_000_000)
	case strings.HasPrefix(f[0], "applied>="), strings.HasPrefix(f[0], "snapshot-index>="):
		kind, n, _ := strings.Cut(f[0], ">=")
		c.Kind = kind + ">="
		if c.N, err = count(n, 0, 1<<53); err != nil {
			return c, err
		}
		c.On = Selector{Kind: "all"}
		if kind == "snapshot-index" {
			c.On = Selector{Kind: "any"}
		}
		if len(args) == 2 && args[0] == "on" {
			c.On, err = parseSelector(args[1], "all", "any", "leader")
		} else if len(args) != 0 {
			return c, fmt.Errorf("use: %sN [on all|any|leader|N]", c.Kind)
		}
	default:
		return c, fmt.Errorf("unknown condition %q (see the list of conditions)", f[0])
	}
	return c, err
}

// EventKinds are the event log's kinds an `event` condition may name
// (node/cluster's Event.Kind).
var EventKinds = []string{"election", "leader", "term", "snapshot-sent", "snapshot-restored",
	"snapshot-saved", "lease", "fault", "client", "stress", "compaction", "settings"}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// itoa is strconv.FormatUint for messages.
func itoa(n uint64) string { return strconv.FormatUint(n, 10) }
