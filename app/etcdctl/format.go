package etcdctl

import (
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Console output in etcdctl's "simple" writer (and the row listings
// shared with its table writer). Keys and values that are not printable
// UTF-8 are shown Go-quoted (etcdctl would print the raw bytes), or \xNN
// with --hex.

// The versions etcdctl 3.6.16 reports; the store and members follow
// etcd 3.6's semantics.
const (
	etcdVersion    = "3.6.16"
	apiVersion     = "3.6"
	storageVersion = "3.6.0"
	// quotaBytes is etcd's default backend quota (--quota-backend-bytes).
	quotaBytes = 2 * 1024 * 1024 * 1024
)

const helpText = `etcdctl 3.6 commands (flags as etcdctl; --endpoints=etcd-2, =2 or =http://etcd-2:2379 picks a member):
  put <key> <value> [--prev-kv] [--lease=<hex id>] [--ignore-value] [--ignore-lease]
  get <key> [range_end] [--prefix|--from-key] [--rev=N] [--limit=N] [--keys-only]
      [--count-only (with -w fields)] [--print-value-only] [--consistency=l|s]
      [--order=ASCEND|DESCEND] [--sort-by=CREATE|KEY|MODIFY|VALUE|VERSION]
  del <key> [range_end] [--range] [--prefix|--from-key] [--prev-kv]
  txn [-i]   then one line per Enter: compares, an empty line, success requests,
             an empty line, failure requests, an empty line
             e.g.  value("k") = "v"  /  mod("k") > "0"  /  put k v  /  get k  /  del k
  lease grant <ttl> | revoke <id> | timetolive <id> [--keys] | list | keep-alive [--once] <id>
  compaction <rev> [--physical]   move-leader <hex member id>   version   alarm list   defrag
  endpoint status|health|hashkv [--cluster]   member list
  output: -w simple|json|fields|table (table: endpoint and member commands)   --hex
  quoting as in a shell: 'single', "double", and $'\x00\n' for binary bytes
  console: Up/Down recall earlier lines; clear empties this output; newest output first`

func (c command) bytes(b []byte) string {
	if c.hex {
		return hexBytes(b)
	}
	return DisplayBytes(b)
}

// header is h as etcdctl shows it: etcd's member and cluster IDs for the
// playground's member number (a txn's inner responses carry no member:
// their IDs stay 0).
func (r *cmdRun) header(h mvcc.ResponseHeader) jsonHeader {
	out := jsonHeader{Revision: h.Revision, RaftTerm: h.RaftTerm}
	if h.MemberID != 0 {
		out.MemberID = MemberID(h.MemberID)
		out.ClusterID = ClusterID(r.eng.Members())
	}
	return out
}

func (r *cmdRun) printKV(kv *mvcc.KeyValue) {
	if !r.c.valOnly {
		r.println(r.c.bytes(kv.Key))
	}
	r.println(r.c.bytes(kv.Value))
}

func (r *cmdRun) printPut(p *mvcc.PutResponse) {
	switch r.c.write {
	case "json":
		r.printJSON(jsonPut(r, p))
	case "fields":
		r.fieldsPut(p)
	default:
		r.println("OK")
		if p.PrevKV != nil {
			r.printKV(p.PrevKV)
		}
	}
}

func (r *cmdRun) printGet(g *mvcc.RangeResponse) {
	switch r.c.write {
	case "json":
		r.printJSON(jsonRange(r, g))
	case "fields":
		r.fieldsGet(g)
	default:
		for _, kv := range g.KVs {
			r.printKV(kv)
		}
	}
}

func (r *cmdRun) printDel(d *mvcc.DeleteRangeResponse) {
	switch r.c.write {
	case "json":
		r.printJSON(jsonDelete(r, d))
	case "fields":
		r.fieldsDel(d)
	default:
		r.println(strconv.FormatInt(d.Deleted, 10))
		for _, kv := range d.PrevKVs {
			r.printKV(kv)
		}
	}
}

func (r *cmdRun) printTxn(t *mvcc.TxnResponse) {
	switch r.c.write {
	case "json":
		r.printJSON(jsonTxn(r, t))
		return
	case "fields":
		r.fieldsTxn(t)
		return
	}
	if t.Succeeded {
		r.println("SUCCESS")
	} else {
		r.println("FAILURE")
	}
	for _, op := range t.Responses {
		r.println("")
		switch {
		case op.DeleteRange != nil:
			r.printDel(op.DeleteRange)
		case op.Put != nil:
			r.printPut(op.Put)
		case op.Range != nil:
			r.printGet(op.Range)
		default:
			r.printf("unexpected response %+v", op)
		}
	}
}

// printRows prints a listing: rows joined by ", " (simple) or etcdctl's
// table.
func (r *cmdRun) printRows(header []string, rows [][]string) {
	if r.c.write == "table" {
		r.printf("%s", formatTable(header, rows))
		return
	}
	for _, row := range rows {
		r.println(strings.Join(row, ", "))
	}
}

// printEndpointStatus prints etcdctl's 16 status columns per member. A
// member's store is its database: size and size in use are its stored
// bytes (nothing to defragment).
func (r *cmdRun) printEndpointStatus(ms []engine.MemberView) {
	switch r.c.write {
	case "json":
		r.printJSON(jsonEndpointStatus(r, ms))
		return
	case "fields":
		r.fieldsEndpointStatus(ms)
		return
	}
	header := []string{"ENDPOINT", "ID", "VERSION", "STORAGE VERSION", "DB SIZE", "IN USE", "PERCENTAGE NOT IN USE", "QUOTA",
		"IS LEADER", "IS LEARNER", "RAFT TERM", "RAFT INDEX", "RAFT APPLIED INDEX", "ERRORS", "DOWNGRADE TARGET VERSION", "DOWNGRADE ENABLED"}
	var rows [][]string
	for _, m := range ms {
		rows = append(rows, []string{
			ClientURL(m.ID), strconv.FormatUint(MemberID(m.ID), 16), etcdVersion, storageVersion,
			HumanBytes(m.StoreBytes), HumanBytes(m.StoreBytes), "0%", HumanBytes(quotaBytes),
			strconv.FormatBool(m.State == "leader"), "false",
			strconv.FormatUint(m.Term, 10), strconv.FormatUint(m.Commit, 10), strconv.FormatUint(m.Applied, 10), "", "", "false",
		})
	}
	r.printRows(header, rows)
}

// printHashKV prints each member's HashKV and the revision it was taken
// at.
func (r *cmdRun) printHashKV(ms []engine.MemberView) {
	switch r.c.write {
	case "json":
		r.printJSON(jsonHashKV(r, ms))
		return
	case "fields":
		r.fieldsHashKV(ms)
		return
	}
	var rows [][]string
	for _, m := range ms {
		rows = append(rows, []string{ClientURL(m.ID), strconv.FormatUint(uint64(m.Hash), 10), strconv.FormatInt(m.HashRevision, 10)})
	}
	r.printRows([]string{"ENDPOINT", "HASH", "HASH REVISION"}, rows)
}

// formatTable draws rows in etcdctl's table style (its tablewriter, with
// cells aligned right and headers centred):
//
//	+------+----+
//	| NAME | ID |
//	+------+----+
//	|   m1 |  1 |
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
			left := pad
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
