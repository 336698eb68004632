package etcdctl

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Console output, modelled on etcdctl's "simple" writer (and "table" for the
// status listings). Keys and values that are not printable UTF-8 are shown
// Go-quoted (etcdctl would print the raw bytes), or \xNN with --hex.

// etcdVersion is what the playground reports as its server version: the
// etcd release whose semantics the store and members follow.
const etcdVersion = "3.6.6"

const helpText = `etcdctl-style commands (flags as etcdctl; --endpoints=etcd-2 or --endpoints=2 picks a member):
  put <key> <value>
  get <key> [range_end] [--prefix|--from-key] [--rev=N] [--limit=N] [--keys-only]
      [--count-only] [--print-value-only] [--consistency=l|s] [--order=ASCEND|DESCEND]
      [--sort-by=CREATE|KEY|MODIFY|VALUE|VERSION]
  del <key> [range_end] [--prefix|--from-key] [--prev-kv]
  compaction <rev> [--physical]  (discards the history before rev on every member)
  endpoint status [-w table]     endpoint hashkv [-w table]     member list [-w table]
  global: --hex (keys and values as \xNN)
  quoting as in a shell: 'single', "double", and $'\x00\n' for binary bytes
  console: Up/Down recall earlier lines; clear empties this output; newest output first`

func (c command) bytes(b []byte) string {
	if c.hex {
		return hexBytes(b)
	}
	return DisplayBytes(b)
}

func formatPut(*mvcc.PutResponse) string { return "OK" }

// formatGet prints each key and value on its own line (value only with
// --print-value-only; an empty value line with --keys-only, as etcdctl), or
// the count with --count-only.
func formatGet(c command, r *mvcc.RangeResponse) string {
	if c.count {
		return strconv.FormatInt(r.Count, 10)
	}
	var b strings.Builder
	for _, kv := range r.KVs {
		if !c.valOnly {
			b.WriteString(c.bytes(kv.Key))
			b.WriteByte('\n')
		}
		b.WriteString(c.bytes(kv.Value))
		b.WriteByte('\n')
	}
	return strings.TrimSuffix(b.String(), "\n")
}

// formatDel prints the number of deleted keys, then with --prev-kv the
// deleted keys and values.
func formatDel(c command, r *mvcc.DeleteRangeResponse) string {
	var b strings.Builder
	b.WriteString(strconv.FormatInt(r.Deleted, 10))
	for _, kv := range r.PrevKVs {
		b.WriteByte('\n')
		b.WriteString(c.bytes(kv.Key))
		b.WriteByte('\n')
		b.WriteString(c.bytes(kv.Value))
	}
	return b.String()
}

// formatEndpointStatus prints one line (or row) per live member; a down
// member gets etcdctl's failure line instead.
func formatEndpointStatus(c command, ms []engine.MemberView) string {
	header := []string{"ENDPOINT", "ID", "VERSION", "DB SIZE", "IS LEADER", "IS LEARNER", "RAFT TERM", "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS"}
	var rows [][]string
	var failed []string
	for _, m := range ms {
		if !m.Up() {
			failed = append(failed, fmt.Sprintf("Failed to get the status of endpoint %s (context deadline exceeded)", m.Name))
			continue
		}
		rows = append(rows, []string{
			m.Name, strconv.FormatUint(m.ID, 16), etcdVersion, HumanBytes(m.StoreBytes),
			strconv.FormatBool(m.State == "leader"), "false",
			strconv.FormatUint(m.Term, 10), strconv.FormatUint(m.Commit, 10), strconv.FormatUint(m.Applied, 10), "",
		})
	}
	return joinOutput(c, header, rows, failed)
}

// formatHashKV prints each live member's HashKV and the revision it was
// taken at.
func formatHashKV(c command, ms []engine.MemberView) string {
	header := []string{"ENDPOINT", "HASH", "HASH REVISION", "COMPACT REVISION"}
	var rows [][]string
	var failed []string
	for _, m := range ms {
		if !m.Up() {
			failed = append(failed, fmt.Sprintf("Failed to get the hash of endpoint %s (context deadline exceeded)", m.Name))
			continue
		}
		rows = append(rows, []string{m.Name, strconv.FormatUint(uint64(m.Hash), 10),
			strconv.FormatInt(m.HashRevision, 10), strconv.FormatInt(m.CompactRevision, 10)})
	}
	return joinOutput(c, header, rows, failed)
}

// formatMemberList prints etcdctl's member list columns. The members talk
// over the page's in-process network, so the URLs are symbolic.
func formatMemberList(c command, ms []engine.MemberView) string {
	header := []string{"ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"}
	var rows [][]string
	for _, m := range ms {
		rows = append(rows, []string{strconv.FormatUint(m.ID, 16), "started", m.Name,
			"inproc://" + m.Name + ":2380", "inproc://" + m.Name + ":2379", "false"})
	}
	return joinOutput(c, header, rows, nil)
}

func joinOutput(c command, header []string, rows [][]string, failed []string) string {
	var out []string
	out = append(out, failed...)
	if c.table {
		out = append(out, formatTable(header, rows))
	} else {
		for _, r := range rows {
			out = append(out, strings.Join(r, ", "))
		}
	}
	return strings.Join(out, "\n")
}

// formatTable draws rows in etcdctl's table style:
//
//	+------+----+
//	| NAME | ID |
//	+------+----+
//	| m1   |  1 |
//	+------+----+
func formatTable(header []string, rows [][]string) string {
	width := make([]int, len(header))
	for i, h := range header {
		width[i] = len(h)
	}
	for _, r := range rows {
		for i, cell := range r {
			width[i] = max(width[i], len([]rune(cell)))
		}
	}
	var b strings.Builder
	rule := func() {
		for _, w := range width {
			b.WriteString("+" + strings.Repeat("-", w+2))
		}
		b.WriteString("+\n")
	}
	line := func(cells []string, center bool) {
		for i, cell := range cells {
			pad := width[i] - len([]rune(cell))
			left := 0
			if center {
				left = pad / 2
			}
			b.WriteString("| " + strings.Repeat(" ", left) + cell + strings.Repeat(" ", pad-left) + " ")
		}
		b.WriteString("|\n")
	}
	rule()
	line(header, true)
	rule()
	for _, r := range rows {
		line(r, false)
	}
	rule()
	return strings.TrimSuffix(b.String(), "\n")
}
