package etcdctl

import (
	"context"
	"fmt"
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// runCommand executes c on member (or on the member c.endpoint names) and
// returns its output as one string, lines separated by "\n" (Command.Run
// splits it). Put, get, del and compaction block until the cluster answers
// or ctx is done.
func runCommand(ctx context.Context, eng engine.Engine, member uint64, c command) (string, error) {
	switch c.kind {
	case cmdHelp:
		return helpText, nil
	case cmdClear:
		return "", nil // the console empties its output itself
	case cmdEndpointStatus:
		return formatEndpointStatus(c, eng.Status()), nil
	case cmdEndpointHashKV:
		return formatHashKV(c, eng.Status()), nil
	case cmdMemberList:
		return formatMemberList(c, eng.Status()), nil
	}

	if c.endpoint != "" {
		id, err := resolveEndpoint(c.endpoint, eng.Status())
		if err != nil {
			return "", err
		}
		member = id
	}
	switch c.kind {
	case cmdPut:
		r, err := eng.Put(ctx, member, c.key, c.value)
		if err != nil {
			return "", err
		}
		return formatPut(r), nil
	case cmdGet:
		r, err := eng.Get(ctx, member, c.rangeRequest(), c.serial)
		if err != nil {
			return "", err
		}
		return formatGet(c, r), nil
	case cmdCompaction:
		if _, err := eng.Compact(ctx, member, c.rev); err != nil {
			return "", err
		}
		return fmt.Sprintf("compacted revision %d", c.rev), nil
	case cmdDel:
		r, err := eng.Delete(ctx, member, mvcc.DeleteRangeRequest{Key: c.key, End: c.end, PrevKV: c.prevKV})
		if err != nil {
			return "", err
		}
		return formatDel(c, r), nil
	}
	return "", fmt.Errorf("command kind %d has no runner", c.kind)
}

// rangeRequest is the read a get command asks for. As etcdctl, a sort
// target without an order sorts ascending.
func (c command) rangeRequest() mvcc.RangeRequest {
	r := mvcc.RangeRequest{Key: c.key, End: c.end, Rev: c.rev, Limit: c.limit, KeysOnly: c.keysOnly, CountOnly: c.count}
	switch c.order {
	case "ASCEND":
		r.SortOrder = mvcc.SortAscend
	case "DESCEND":
		r.SortOrder = mvcc.SortDescend
	}
	if c.sortBy != "" && r.SortOrder == mvcc.SortNone {
		r.SortOrder = mvcc.SortAscend
	}
	switch c.sortBy {
	case "CREATE":
		r.SortTarget = mvcc.SortByCreate
	case "MODIFY":
		r.SortTarget = mvcc.SortByMod
	case "VALUE":
		r.SortTarget = mvcc.SortByValue
	case "VERSION":
		r.SortTarget = mvcc.SortByVersion
	}
	return r
}

// resolveEndpoint maps a member name ("etcd-2") or id ("2") to its id.
func resolveEndpoint(ep string, ms []engine.MemberView) (uint64, error) {
	for _, m := range ms {
		if m.Name == ep || strconv.FormatUint(m.ID, 10) == ep {
			return m.ID, nil
		}
	}
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = m.Name
	}
	return 0, fmt.Errorf("unknown endpoint %q (members: %s)", ep, strings.Join(names, ", "))
}
