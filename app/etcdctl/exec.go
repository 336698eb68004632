package etcdctl

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// cmdRun is one command's execution: the engine, the member it talks to
// (etcdctl's endpoint), and the output it builds. Lines go to out as
// etcdctl prints them (what it prints on standard error too, in order).
type cmdRun struct {
	ctx    context.Context
	eng    engine.Engine
	member uint64
	c      command
	out    Output
}

func (r *cmdRun) println(lines ...string) { r.out.Print(lines...) }

// eprintf prints a formatted line as etcdctl prints to standard error.
func (r *cmdRun) eprintf(format string, args ...any) {
	line := fmt.Sprintf(format, args...)
	if e, ok := r.out.(ErrOutput); ok {
		e.PrintErr(line)
		return
	}
	r.out.Print(line)
}

// printf prints a formatted text, one line per "\n" in it.
func (r *cmdRun) printf(format string, args ...any) {
	r.out.Print(strings.Split(strings.TrimSuffix(fmt.Sprintf(format, args...), "\n"), "\n")...)
}

// ErrFailed is the error of a command that printed why it failed itself
// (etcdctl exits with a failure status without an "Error:" line, as
// endpoint status does for an endpoint it could not reach).
var ErrFailed = errors.New("the command failed")

// runCommand executes c on member (or on the member c.endpoints names)
// and prints its output to out. Client calls block until the cluster
// answers or ctx is done.
func runCommand(ctx context.Context, eng engine.Engine, member uint64, c command, out Output) error {
	r := &cmdRun{ctx: ctx, eng: eng, member: member, c: c, out: out}
	switch c.kind {
	case cmdHelp:
		r.printf("%s", helpText)
		return nil
	case cmdClear:
		return nil // the console empties its output itself
	case cmdVersion:
		r.println("etcdctl version: "+etcdVersion, "API version: "+apiVersion)
		return nil
	case cmdEndpointStatus, cmdEndpointHashKV, cmdEndpointHealth, cmdDefrag:
		return r.endpoints()
	}
	if len(c.endpoints) > 0 {
		id, err := resolveEndpoint(c.endpoints[0], eng.Status())
		if err != nil {
			return err
		}
		r.member = id
	}
	switch c.kind {
	case cmdPut:
		return r.put()
	case cmdGet:
		return r.get()
	case cmdDel:
		return r.del()
	case cmdTxn:
		return r.txn()
	case cmdWatch:
		return r.watch()
	case cmdCompaction:
		if _, err := r.call(node.Op{Compact: c.rev}); err != nil {
			return err
		}
		r.println("compacted revision " + strconv.FormatInt(c.rev, 10))
		return nil
	case cmdMemberList:
		return r.memberList()
	case cmdAlarmList:
		return r.alarmList()
	case cmdMoveLeader:
		return r.moveLeader()
	case cmdLeaseGrant, cmdLeaseRevoke, cmdLeaseTimeToLive, cmdLeaseList, cmdLeaseKeepAlive:
		return r.leaseCommand()
	}
	return fmt.Errorf("command kind %d has no runner", c.kind)
}

// call sends op to the command's member; errors read as etcdctl shows
// them.
func (r *cmdRun) call(op node.Op) (node.Result, error) {
	res, err := r.eng.Call(r.ctx, r.member, op)
	return res, etcdError(err)
}

// etcdError gives err the "etcdserver: " prefix etcdctl shows on the
// errors etcd's server sends (the store's mvcc errors lack it).
func etcdError(err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, mvcc.ErrCompacted) || errors.Is(err, mvcc.ErrFutureRev) {
		return fmt.Errorf("etcdserver: %w", err)
	}
	return err
}

// unsupportedFormat is etcdctl's error for a writer a command has not.
func unsupportedFormat(w string) error {
	if w == "protobuf" {
		return errors.New("protobuf not supported as output format in the console (it prints binary)")
	}
	return fmt.Errorf("%s not supported as output format", w)
}

func (r *cmdRun) put() error {
	c := r.c
	if c.write == "table" || c.write == "protobuf" {
		return unsupportedFormat(c.write)
	}
	put := &mvcc.PutRequest{Key: c.key, Value: c.value, Lease: c.lease, PrevKV: c.prevKV}
	var res node.Result
	var err error
	if c.ignoreValue || c.ignoreLease {
		res, err = r.putIgnoring(put)
	} else {
		res, err = r.call(node.Op{Put: put})
	}
	if err != nil {
		return err
	}
	r.printPut(res.Put)
	return nil
}

// putIgnoring runs a put with --ignore-value or --ignore-lease. etcd's
// server keeps the key's current value or lease itself; the playground's
// store has no such flags, so the emulator reads the key and writes it
// back in a txn guarded by its mod revision, retrying if the key changed
// in between: the same outcome in one revision, as etcd.
func (r *cmdRun) putIgnoring(put *mvcc.PutRequest) (node.Result, error) {
	if r.c.ignoreLease && put.Lease != 0 {
		return node.Result{}, errors.New("etcdserver: lease is provided")
	}
	for range 10 {
		cur, err := r.call(node.Op{Range: &mvcc.RangeRequest{Key: put.Key}})
		if err != nil {
			return node.Result{}, err
		}
		if len(cur.Range.KVs) == 0 {
			return node.Result{}, mvcc.ErrKeyNotFound
		}
		kv := cur.Range.KVs[0]
		p := *put
		if r.c.ignoreValue {
			p.Value = kv.Value
		}
		if r.c.ignoreLease {
			p.Lease = kv.Lease
		}
		res, err := r.call(node.Op{Txn: &mvcc.TxnRequest{
			Compare: []mvcc.Compare{{Key: put.Key, Target: mvcc.CompareMod, Result: mvcc.CompareEqual, ModRevision: kv.ModRevision}},
			Success: []mvcc.RequestOp{{Put: &p}},
		}})
		if err != nil {
			return node.Result{}, err
		}
		if res.Txn.Succeeded {
			pr := *res.Txn.Responses[0].Put
			pr.Header = res.Txn.Header
			return node.Result{Header: res.Header, Put: &pr}, nil
		}
	}
	return node.Result{}, errors.New("etcdserver: request timed out (the key kept changing)")
}

func (r *cmdRun) get() error {
	c := r.c
	if c.write == "table" || c.write == "protobuf" {
		return unsupportedFormat(c.write)
	}
	q := c.rangeRequest()
	filtered := c.minCreate != 0 || c.maxCreate != 0 || c.minMod != 0 || c.maxMod != 0
	if filtered {
		q.Limit = 0 // as etcd's server: read all, filter, then apply the limit
	}
	res, err := r.call(node.Op{Range: &q, Serializable: c.serial})
	if err != nil {
		return err
	}
	if filtered {
		res.Range = c.filterRevisions(res.Range)
	}
	if c.count && c.write != "fields" {
		return errors.New("--count-only is only for `--write-out=fields`")
	}
	if c.valOnly && c.write != "simple" {
		return errors.New("print-value-only is only for `--write-out=simple`")
	}
	r.printGet(res.Range)
	return nil
}

func (r *cmdRun) del() error {
	c := r.c
	if c.write == "table" || c.write == "protobuf" {
		return unsupportedFormat(c.write)
	}
	if c.warnRange {
		// etcdctl then waits 2 s for an interrupt; the console does not.
		r.eprintf("Warning: Keys between %q and %q will be deleted. Please interrupt the command within next 2 seconds to cancel. "+
			"You can provide `--range` flag to avoid the delay.", c.key, c.end)
	}
	res, err := r.call(node.Op{DeleteRange: &mvcc.DeleteRangeRequest{Key: c.key, End: c.end, PrevKV: c.prevKV}})
	if err != nil {
		return err
	}
	r.printDel(res.DeleteRange)
	return nil
}

func (r *cmdRun) txn() error {
	c := r.c
	if c.interactive {
		n := min(c.txn.parts+1, 3)
		if c.txn.err == nil {
			n = 3
		}
		r.println(txnPrompts[:n]...)
	}
	if c.txn.err != nil {
		return c.txn.err
	}
	if c.txn.parts < 3 {
		return errTxnIncomplete
	}
	if c.write == "table" || c.write == "protobuf" {
		return unsupportedFormat(c.write)
	}
	req := c.txn.req
	res, err := r.call(node.Op{Txn: &req})
	if err != nil {
		return err
	}
	r.printTxn(res.Txn)
	return nil
}

// resolveEndpoint maps an endpoint (a client URL "http://etcd-2:2379", a
// host "etcd-2:2379", a member name "etcd-2" or number "2") to its member.
func resolveEndpoint(ep string, ms []engine.MemberView) (uint64, error) {
	host := strings.TrimPrefix(strings.TrimPrefix(ep, "http://"), "https://")
	host = strings.TrimSuffix(host, ":2379")
	for _, m := range ms {
		if m.Name == host || strconv.FormatUint(m.ID, 10) == host {
			return m.ID, nil
		}
	}
	names := make([]string, len(ms))
	for i, m := range ms {
		names[i] = ClientURL(m.ID)
	}
	return 0, fmt.Errorf("unknown endpoint %q (members: %s)", ep, strings.Join(names, ", "))
}

// targets are the members an endpoint command asks: every member with
// --cluster (in etcd's member list order), else the endpoints given, else
// the console's member.
func (r *cmdRun) targets(ms []engine.MemberView) ([]uint64, error) {
	switch {
	case r.c.cluster:
		return sortedByEtcdID(r.eng.Members()), nil
	case len(r.c.endpoints) > 0:
		var ids []uint64
		for _, ep := range r.c.endpoints {
			id, err := resolveEndpoint(ep, ms)
			if err != nil {
				return nil, err
			}
			ids = append(ids, id)
		}
		return ids, nil
	}
	return []uint64{r.member}, nil
}

// sortedByEtcdID orders members as etcd lists them: by member ID.
func sortedByEtcdID(ns []uint64) []uint64 {
	out := slices.Clone(ns)
	slices.SortFunc(out, func(a, b uint64) int {
		x, y := MemberID(a), MemberID(b)
		switch {
		case x < y:
			return -1
		case x > y:
			return 1
		}
		return 0
	})
	return out
}

func viewOf(ms []engine.MemberView, id uint64) (engine.MemberView, bool) {
	for _, m := range ms {
		if m.ID == id {
			return m, true
		}
	}
	return engine.MemberView{}, false
}

// errUnreachable is what etcdctl reports for an endpoint that does not
// answer (a member that is down).
var errUnreachable = errors.New("context deadline exceeded")

// endpoints runs endpoint status, hashkv and health, and defrag.
func (r *cmdRun) endpoints() error {
	ms := r.eng.Status()
	ids, err := r.targets(ms)
	if err != nil {
		return err
	}
	switch r.c.kind {
	case cmdEndpointHealth:
		return r.endpointHealth(ids)
	case cmdDefrag:
		// A member keeps its store in memory, with no backend file to
		// rewrite: defragmenting it has nothing to do, and finishes at
		// once. A member that is down does not answer.
		failed := false
		for _, id := range ids {
			start := time.Now()
			m, ok := viewOf(ms, id)
			if !ok || !m.Up() {
				r.eprintf("Failed to defragment etcd member[%s]. took %s. (%v)", ClientURL(id), time.Since(start), errUnreachable)
				failed = true
				continue
			}
			r.printf("Finished defragmenting etcd member[%s]. took %s", ClientURL(id), time.Since(start))
		}
		if failed {
			return ErrFailed
		}
		return nil
	}
	if r.c.write == "protobuf" {
		return unsupportedFormat("protobuf")
	}
	var up []engine.MemberView
	failed := false
	for _, id := range ids {
		m, ok := viewOf(ms, id)
		if !ok || !m.Up() {
			failed = true
			what := "status"
			if r.c.kind == cmdEndpointHashKV {
				what = "hash"
			}
			r.eprintf("Failed to get the %s of endpoint %s (%v)", what, ClientURL(id), errUnreachable)
			continue
		}
		up = append(up, m)
	}
	if r.c.kind == cmdEndpointStatus {
		r.printEndpointStatus(up)
	} else {
		r.printHashKV(up)
	}
	if failed {
		if r.c.kind == cmdEndpointHashKV {
			return errUnreachable
		}
		return ErrFailed
	}
	return nil
}

// endpointHealth asks each member for a linearizable read, as etcdctl
// does ("health" key), and reports how long it took.
func (r *cmdRun) endpointHealth(ids []uint64) error {
	type health struct {
		Ep     string `json:"endpoint"`
		Health bool   `json:"health"`
		Took   string `json:"took"`
		Error  string `json:"error,omitempty"`
	}
	var hs []health
	bad := false
	for _, id := range ids {
		start := time.Now()
		ctx, cancel := context.WithTimeout(r.ctx, 5*time.Second)
		_, err := r.eng.Call(ctx, id, node.Op{Range: &mvcc.RangeRequest{Key: []byte("health")}})
		cancel()
		h := health{Ep: ClientURL(id), Health: err == nil, Took: time.Since(start).String()}
		if err != nil {
			h.Error, bad = etcdError(err).Error(), true
		}
		hs = append(hs, h)
	}
	switch r.c.write {
	case "json":
		r.printJSON(hs)
	case "table":
		rows := make([][]string, len(hs))
		for i, h := range hs {
			rows[i] = []string{h.Ep, strconv.FormatBool(h.Health), h.Took, h.Error}
		}
		r.printf("%s", formatTable([]string{"ENDPOINT", "HEALTH", "TOOK", "ERROR"}, rows))
	case "fields":
		for _, h := range hs {
			r.println(fmt.Sprintf("\"Endpoint\" : %q", h.Ep), fmt.Sprintf(`"Health" : %t`, h.Health),
				`"Took" : `+h.Took, `"Error" : `+h.Error, "")
		}
	case "protobuf":
		return unsupportedFormat("protobuf")
	default:
		for _, h := range hs {
			if h.Error == "" {
				r.printf("%s is healthy: successfully committed proposal: took = %s", h.Ep, h.Took)
			} else {
				r.eprintf("%s is unhealthy: failed to commit proposal: %s", h.Ep, h.Error)
			}
		}
	}
	if bad {
		return errors.New("unhealthy cluster")
	}
	return nil
}

// memberHeader is the header a member answers a maintenance call with:
// its IDs, its term and (withRev) its revision.
func (r *cmdRun) memberHeader(withRev bool) (jsonHeader, error) {
	m, ok := viewOf(r.eng.Status(), r.member)
	if !ok || !m.Up() {
		return jsonHeader{}, errUnreachable
	}
	h := jsonHeader{ClusterID: ClusterID(r.eng.Members()), MemberID: MemberID(m.ID), RaftTerm: m.Term}
	if withRev {
		h.Revision = m.Revision
	}
	return h, nil
}

func (r *cmdRun) memberList() error {
	h, err := r.memberHeader(false)
	if err != nil {
		return err
	}
	ids := sortedByEtcdID(r.eng.Members())
	switch r.c.write {
	case "json":
		type member struct {
			ID         uint64   `json:"ID,omitempty"`
			Name       string   `json:"name,omitempty"`
			PeerURLs   []string `json:"peerURLs,omitempty"`
			ClientURLs []string `json:"clientURLs,omitempty"`
		}
		var out struct {
			Header  jsonHeader `json:"header"`
			Members []member   `json:"members,omitempty"`
		}
		out.Header = h
		for _, id := range ids {
			out.Members = append(out.Members, member{MemberID(id), MemberName(id), []string{PeerURL(id)}, []string{ClientURL(id)}})
		}
		r.printJSON(out)
	case "fields":
		r.printFieldsHeader(h)
		for _, id := range ids {
			r.println(fmt.Sprintf(`"ID" : %d`, MemberID(id)), fmt.Sprintf(`"Name" : %q`, MemberName(id)),
				fmt.Sprintf(`"PeerURL" : %q`, PeerURL(id)), fmt.Sprintf(`"ClientURL" : %q`, ClientURL(id)), `"IsLearner" : false`, "")
		}
	case "protobuf":
		return unsupportedFormat("protobuf")
	default:
		rows := make([][]string, len(ids))
		for i, id := range ids {
			rows[i] = []string{strconv.FormatUint(MemberID(id), 16), "started", MemberName(id), PeerURL(id), ClientURL(id), "false"}
		}
		r.printRows([]string{"ID", "STATUS", "NAME", "PEER ADDRS", "CLIENT ADDRS", "IS LEARNER"}, rows)
	}
	return nil
}

// alarmList: the playground raises no alarms (no disk quota, no
// corruption check), so the list is empty.
func (r *cmdRun) alarmList() error {
	h, err := r.memberHeader(true)
	if err != nil {
		return err
	}
	switch r.c.write {
	case "json":
		r.printJSON(struct {
			Header jsonHeader `json:"header"`
		}{h})
	case "fields":
		r.printFieldsHeader(h)
	case "table", "protobuf":
		return unsupportedFormat(r.c.write)
	}
	return nil
}

// moveLeader transfers leadership as etcdctl does: through the leader,
// which must be among the endpoints given, to the member with the etcd ID
// given; it waits until the transferee leads.
func (r *cmdRun) moveLeader() error {
	ms := r.eng.Status()
	eps, err := r.targets(ms)
	if err != nil {
		return err
	}
	var leader uint64
	for _, id := range eps {
		if m, ok := viewOf(ms, id); ok && m.State == "leader" {
			leader = id
		}
	}
	if leader == 0 {
		urls := make([]string, len(eps))
		for i, id := range eps {
			urls[i] = ClientURL(id)
		}
		return fmt.Errorf("no leader endpoint given at [%s]", strings.Join(urls, " "))
	}
	var to uint64
	for _, id := range r.eng.Members() {
		if MemberID(id) == r.c.target {
			to = id
		}
	}
	if to == 0 {
		return errors.New("etcdserver: bad leader transferee")
	}
	if to != leader {
		if err := r.eng.TransferLeadership(to); err != nil {
			return err
		}
		deadline := time.Now().Add(10 * time.Second)
		for {
			if m, ok := viewOf(r.eng.Status(), to); ok && m.State == "leader" {
				break
			}
			if time.Now().After(deadline) {
				return errors.New("etcdserver: request timed out, leader transfer took too long")
			}
			select {
			case <-r.ctx.Done():
				return r.ctx.Err()
			case <-time.After(20 * time.Millisecond): // polling the engine's status for the new leader
			}
		}
	}
	if r.c.write != "simple" {
		return unsupportedFormat(r.c.write)
	}
	r.printf("Leadership transferred from %x to %x", MemberID(leader), MemberID(to))
	return nil
}

// filterRevisions applies get's revision filters to a range read without
// its limit, as etcd's server does: the keys outside the bounds are left
// out, then the limit cuts (More tells), and Count still counts every key
// in the range.
func (c command) filterRevisions(g *mvcc.RangeResponse) *mvcc.RangeResponse {
	out := *g
	out.KVs = nil
	for _, kv := range g.KVs {
		if c.minCreate != 0 && kv.CreateRevision < c.minCreate || c.maxCreate != 0 && kv.CreateRevision > c.maxCreate ||
			c.minMod != 0 && kv.ModRevision < c.minMod || c.maxMod != 0 && kv.ModRevision > c.maxMod {
			continue
		}
		out.KVs = append(out.KVs, kv)
	}
	if c.limit > 0 && int64(len(out.KVs)) > c.limit {
		out.KVs, out.More = out.KVs[:c.limit], true
	}
	return &out
}
