package etcdctl

import (
	"encoding/json"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// etcdctl's json writer marshals etcd's protobuf messages with
// encoding/json: zero fields are left out (omitempty), bytes are base64,
// numbers are plain integers. The types below carry the same field names
// and tags, so encoding/json prints the same text.

type jsonHeader struct {
	ClusterID uint64 `json:"cluster_id,omitempty"`
	MemberID  uint64 `json:"member_id,omitempty"`
	Revision  int64  `json:"revision,omitempty"`
	RaftTerm  uint64 `json:"raft_term,omitempty"`
}

type jsonKV struct {
	Key            []byte `json:"key,omitempty"`
	CreateRevision int64  `json:"create_revision,omitempty"`
	ModRevision    int64  `json:"mod_revision,omitempty"`
	Version        int64  `json:"version,omitempty"`
	Value          []byte `json:"value,omitempty"`
	Lease          int64  `json:"lease,omitempty"`
}

func toJSONKV(kv *mvcc.KeyValue) *jsonKV {
	if kv == nil {
		return nil
	}
	return &jsonKV{kv.Key, kv.CreateRevision, kv.ModRevision, kv.Version, kv.Value, kv.Lease}
}

func toJSONKVs(kvs []*mvcc.KeyValue) []*jsonKV {
	var out []*jsonKV
	for _, kv := range kvs {
		out = append(out, toJSONKV(kv))
	}
	return out
}

type jsonPutResponse struct {
	Header *jsonHeader `json:"header,omitempty"`
	PrevKV *jsonKV     `json:"prev_kv,omitempty"`
}

type jsonRangeResponse struct {
	Header *jsonHeader `json:"header,omitempty"`
	KVs    []*jsonKV   `json:"kvs,omitempty"`
	More   bool        `json:"more,omitempty"`
	Count  int64       `json:"count,omitempty"`
}

type jsonDeleteResponse struct {
	Header  *jsonHeader `json:"header,omitempty"`
	Deleted int64       `json:"deleted,omitempty"`
	PrevKVs []*jsonKV   `json:"prev_kvs,omitempty"`
}

type jsonTxnResponse struct {
	Header    *jsonHeader      `json:"header,omitempty"`
	Succeeded bool             `json:"succeeded,omitempty"`
	Responses []jsonResponseOp `json:"responses,omitempty"`
}

// jsonResponseOp is etcd's ResponseOp: its oneof field is named Response
// and holds one wrapper named for the response it carries.
type jsonResponseOp struct {
	Response any
}

type (
	jsonOpRange struct {
		ResponseRange *jsonRangeResponse `json:"response_range,omitempty"`
	}
	jsonOpPut struct {
		ResponsePut *jsonPutResponse `json:"response_put,omitempty"`
	}
	jsonOpDelete struct {
		ResponseDeleteRange *jsonDeleteResponse `json:"response_delete_range,omitempty"`
	}
	jsonOpTxn struct {
		ResponseTxn *jsonTxnResponse `json:"response_txn,omitempty"`
	}
)

func (r *cmdRun) jsonHeader(h mvcc.ResponseHeader) *jsonHeader {
	jh := r.header(h)
	return &jh
}

func jsonPut(r *cmdRun, p *mvcc.PutResponse) *jsonPutResponse {
	return &jsonPutResponse{Header: r.jsonHeader(p.Header), PrevKV: toJSONKV(p.PrevKV)}
}

func jsonRange(r *cmdRun, g *mvcc.RangeResponse) *jsonRangeResponse {
	return &jsonRangeResponse{Header: r.jsonHeader(g.Header), KVs: toJSONKVs(g.KVs), More: g.More, Count: g.Count}
}

func jsonDelete(r *cmdRun, d *mvcc.DeleteRangeResponse) *jsonDeleteResponse {
	return &jsonDeleteResponse{Header: r.jsonHeader(d.Header), Deleted: d.Deleted, PrevKVs: toJSONKVs(d.PrevKVs)}
}

func jsonTxn(r *cmdRun, t *mvcc.TxnResponse) *jsonTxnResponse {
	out := &jsonTxnResponse{Header: r.jsonHeader(t.Header), Succeeded: t.Succeeded}
	for _, op := range t.Responses {
		var v any
		switch {
		case op.Range != nil:
			v = jsonOpRange{jsonRange(r, op.Range)}
		case op.Put != nil:
			v = jsonOpPut{jsonPut(r, op.Put)}
		case op.DeleteRange != nil:
			v = jsonOpDelete{jsonDelete(r, op.DeleteRange)}
		case op.Txn != nil:
			v = jsonOpTxn{jsonTxn(r, op.Txn)}
		}
		out.Responses = append(out.Responses, jsonResponseOp{v})
	}
	return out
}

// memberStatusHeader is the header member m answers a status or hash
// call with.
func (r *cmdRun) memberStatusHeader(m engine.MemberView) *jsonHeader {
	return &jsonHeader{ClusterID: ClusterID(r.eng.Members()), MemberID: MemberID(m.ID), Revision: m.Revision, RaftTerm: m.Term}
}

func jsonEndpointStatus(r *cmdRun, ms []engine.MemberView) any {
	type downgrade struct {
		TargetVersion string `json:"targetVersion,omitempty"`
		Enabled       bool   `json:"enabled,omitempty"`
	}
	type status struct {
		Header           *jsonHeader `json:"header,omitempty"`
		Version          string      `json:"version,omitempty"`
		DBSize           int64       `json:"dbSize,omitempty"`
		Leader           uint64      `json:"leader,omitempty"`
		RaftIndex        uint64      `json:"raftIndex,omitempty"`
		RaftTerm         uint64      `json:"raftTerm,omitempty"`
		RaftAppliedIndex uint64      `json:"raftAppliedIndex,omitempty"`
		Errors           []string    `json:"errors,omitempty"`
		DBSizeInUse      int64       `json:"dbSizeInUse,omitempty"`
		IsLearner        bool        `json:"isLearner,omitempty"`
		StorageVersion   string      `json:"storageVersion,omitempty"`
		DBSizeQuota      int64       `json:"dbSizeQuota,omitempty"`
		DowngradeInfo    *downgrade  `json:"downgradeInfo,omitempty"`
	}
	type epStatus struct {
		Ep   string  `json:"Endpoint"`
		Resp *status `json:"Status"`
	}
	var out []epStatus
	for _, m := range ms {
		var leader uint64
		if m.Leader != 0 {
			leader = MemberID(m.Leader)
		}
		out = append(out, epStatus{ClientURL(m.ID), &status{
			Header: r.memberStatusHeader(m), Version: etcdVersion, DBSize: m.StoreBytes, Leader: leader,
			RaftIndex: m.Commit, RaftTerm: m.Term, RaftAppliedIndex: m.Applied, DBSizeInUse: m.StoreBytes,
			StorageVersion: storageVersion, DBSizeQuota: quotaBytes, DowngradeInfo: &downgrade{},
		}})
	}
	return out
}

func jsonHashKV(r *cmdRun, ms []engine.MemberView) any {
	type hashKV struct {
		Header          *jsonHeader `json:"header,omitempty"`
		Hash            uint32      `json:"hash,omitempty"`
		CompactRevision int64       `json:"compact_revision,omitempty"`
		HashRevision    int64       `json:"hash_revision,omitempty"`
	}
	type epHashKV struct {
		Ep   string  `json:"Endpoint"`
		Resp *hashKV `json:"HashKV"`
	}
	var out []epHashKV
	for _, m := range ms {
		out = append(out, epHashKV{ClientURL(m.ID), &hashKV{Header: r.memberStatusHeader(m), Hash: m.Hash,
			CompactRevision: m.CompactRevision, HashRevision: m.HashRevision}})
	}
	return out
}

// printJSON prints v as etcdctl's json writer does: one line.
func (r *cmdRun) printJSON(v any) {
	b, err := json.Marshal(v)
	if err != nil {
		r.println(err.Error())
		return
	}
	r.println(string(b))
}
