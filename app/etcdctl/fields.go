package etcdctl

import (
	"fmt"
	"strconv"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// etcdctl's fields writer: one "Name" : value line per field, strings
// Go-quoted.

func (r *cmdRun) printFieldsHeader(h jsonHeader) {
	if r.c.hex {
		r.println(fmt.Sprintf(`"ClusterID" : %x`, h.ClusterID), fmt.Sprintf(`"MemberID" : %x`, h.MemberID))
	} else {
		r.println(fmt.Sprintf(`"ClusterID" : %d`, h.ClusterID), fmt.Sprintf(`"MemberID" : %d`, h.MemberID))
	}
	if h.Revision > 0 {
		r.println(fmt.Sprintf(`"Revision" : %d`, h.Revision))
	}
	r.println(fmt.Sprintf(`"RaftTerm" : %d`, h.RaftTerm))
}

func (r *cmdRun) fieldsKV(pfx string, kv *mvcc.KeyValue) {
	lease := fmt.Sprintf(`"%sLease" : %d`, pfx, kv.Lease)
	if r.c.hex {
		lease = fmt.Sprintf(`"%sLease" : %016x`, pfx, kv.Lease)
	}
	r.println(
		fmt.Sprintf(`"%sKey" : %q`, pfx, kv.Key),
		fmt.Sprintf(`"%sCreateRevision" : %d`, pfx, kv.CreateRevision),
		fmt.Sprintf(`"%sModRevision" : %d`, pfx, kv.ModRevision),
		fmt.Sprintf(`"%sVersion" : %d`, pfx, kv.Version),
		fmt.Sprintf(`"%sValue" : %q`, pfx, kv.Value),
		lease,
	)
}

func (r *cmdRun) fieldsPut(p *mvcc.PutResponse) {
	r.printFieldsHeader(r.header(p.Header))
	if p.PrevKV != nil {
		r.fieldsKV("Prev", p.PrevKV)
	}
}

func (r *cmdRun) fieldsGet(g *mvcc.RangeResponse) {
	r.printFieldsHeader(r.header(g.Header))
	for _, kv := range g.KVs {
		r.fieldsKV("", kv)
	}
	r.println(`"More" : `+strconv.FormatBool(g.More), `"Count" : `+strconv.FormatInt(g.Count, 10))
}

func (r *cmdRun) fieldsDel(d *mvcc.DeleteRangeResponse) {
	r.printFieldsHeader(r.header(d.Header))
	r.println(`"Deleted" : ` + strconv.FormatInt(d.Deleted, 10))
	for _, kv := range d.PrevKVs {
		r.fieldsKV("Prev", kv)
	}
}

func (r *cmdRun) fieldsTxn(t *mvcc.TxnResponse) {
	r.printFieldsHeader(r.header(t.Header))
	r.println(`"Succeeded" : ` + strconv.FormatBool(t.Succeeded))
	for _, op := range t.Responses {
		switch {
		case op.DeleteRange != nil:
			r.fieldsDel(op.DeleteRange)
		case op.Put != nil:
			r.fieldsPut(op.Put)
		case op.Range != nil:
			r.fieldsGet(op.Range)
		default:
			r.println(fmt.Sprintf(`"Unknown" : %q`, fmt.Sprintf("%+v", op)))
		}
	}
}

func (r *cmdRun) fieldsEndpointStatus(ms []engine.MemberView) {
	for _, m := range ms {
		h := r.memberStatusHeader(m)
		r.printFieldsHeader(*h)
		var leader uint64
		if m.Leader != 0 {
			leader = MemberID(m.Leader)
		}
		r.println(
			fmt.Sprintf(`"Version" : %q`, etcdVersion),
			fmt.Sprintf(`"StorageVersion" : %q`, storageVersion),
			fmt.Sprintf(`"DBSize" : %d`, m.StoreBytes),
			fmt.Sprintf(`"DBSizeInUse" : %d`, m.StoreBytes),
			fmt.Sprintf(`"DBSizeQuota" : %d`, quotaBytes),
			fmt.Sprintf(`"Leader" : %d`, leader),
			`"IsLearner" : false`,
			fmt.Sprintf(`"RaftIndex" : %d`, m.Commit),
			fmt.Sprintf(`"RaftAppliedIndex" : %d`, m.Applied),
			`"Errors" : []`,
			fmt.Sprintf(`"Endpoint" : %q`, ClientURL(m.ID)),
			`"DowngradeTargetVersion" : ""`,
			`"DowngradeEnabled" : false`,
			"",
		)
	}
}

func (r *cmdRun) fieldsHashKV(ms []engine.MemberView) {
	for _, m := range ms {
		r.printFieldsHeader(*r.memberStatusHeader(m))
		r.println(fmt.Sprintf(`"Endpoint" : %q`, ClientURL(m.ID)), fmt.Sprintf(`"Hash" : %d`, m.Hash),
			fmt.Sprintf(`"HashRevision" : %d`, m.HashRevision), "")
	}
}
