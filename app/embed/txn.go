package embed

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/app/etcdctl"
	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Transactions over postMessage, as etcd's Txn (etcdctl txn):
//
//	{etcdplay: 1, id, cmd: "txn", member: N?,
//	 compare: [{key, target: "value"|"version"|"create"|"mod"|"lease", result: "="|"!="|">"|"<", value}],
//	 success: [{op: "put"|"get"|"del", key, value?, prefix?, lease?}], failure: [...]}
//
// answers {succeeded, revision, responses: [...]}: one per operation of the
// branch taken, in order - a put {op, revision}, a get {op, count, kvs}, a
// del {op, deleted}. A compare's value is a string for target "value", a
// number for version, create and mod, and a lease ID (hex, as etcdctl
// prints it) for lease. Every field is checked as a command's are: an
// unknown or mistyped one is refused, naming it.
//
// Leases (lease.go) name IDs as hex strings: etcd's IDs are 63-bit, more
// than a JavaScript number holds exactly.

// maxTxnOps bounds the compares and the operations of each branch (etcd's
// --max-txn-ops default).
const maxTxnOps = 128

type txnCompare struct {
	Key    string          `json:"key"`
	End    *string         `json:"end"`
	Target string          `json:"target"`
	Result string          `json:"result"`
	Value  json.RawMessage `json:"value"`
}

type txnOp struct {
	Op     string  `json:"op"`
	Key    string  `json:"key"`
	Value  *string `json:"value"`
	Prefix bool    `json:"prefix"`
	Lease  string  `json:"lease"`
}

// strictUnmarshal decodes v into dst refusing unknown fields, with an
// error naming what.
func strictUnmarshal(what string, v json.RawMessage, dst any) error {
	d := json.NewDecoder(bytes.NewReader(v))
	d.DisallowUnknownFields()
	if err := d.Decode(dst); err != nil {
		return fmt.Errorf("%s: %v", what, err)
	}
	return nil
}

func (a *messageAPI) validateTxn(eng engine.Engine, c Command, id uint64) (func() (any, error), error) {
	var (
		cmps          []txnCompare
		succ, failure []txnOp
	)
	for _, f := range []struct {
		name string
		raw  json.RawMessage
		dst  any
	}{{"compare", c.Compare, &cmps}, {"success", c.Success, &succ}, {"failure", c.Failure, &failure}} {
		if f.raw == nil {
			continue
		}
		if err := strictUnmarshal(f.name, f.raw, f.dst); err != nil {
			return nil, err
		}
	}
	if len(cmps) > maxTxnOps || len(succ) > maxTxnOps || len(failure) > maxTxnOps {
		return nil, fmt.Errorf("txn: at most %d compares and %d operations per branch", maxTxnOps, maxTxnOps)
	}
	req := &mvcc.TxnRequest{}
	for i, tc := range cmps {
		cmp, err := compareOf(tc)
		if err != nil {
			return nil, fmt.Errorf("compare[%d]: %v", i, err)
		}
		req.Compare = append(req.Compare, cmp)
	}
	for _, br := range []struct {
		name string
		ops  []txnOp
		dst  *[]mvcc.RequestOp
	}{{"success", succ, &req.Success}, {"failure", failure, &req.Failure}} {
		for i, o := range br.ops {
			op, err := requestOf(o)
			if err != nil {
				return nil, fmt.Errorf("%s[%d]: %v", br.name, i, err)
			}
			*br.dst = append(*br.dst, op)
		}
	}
	return func() (any, error) {
		ctx, cancel := context.WithTimeout(context.Background(), commandDeadline)
		defer cancel()
		r, err := eng.Call(ctx, target(eng, id), node.Op{Txn: req})
		if err != nil {
			return nil, err
		}
		return txnResult(r.Txn), nil
	}, nil
}

func checkKey(k string) error {
	switch {
	case k == "":
		return errors.New("key is required")
	case len(k) > maxKeyBytes:
		return fmt.Errorf("key is longer than %d bytes", maxKeyBytes)
	}
	return nil
}

func compareOf(tc txnCompare) (mvcc.Compare, error) {
	cmp := mvcc.Compare{Key: []byte(tc.Key)}
	if err := checkKey(tc.Key); err != nil {
		return cmp, err
	}
	if tc.End != nil {
		cmp.End = []byte(*tc.End)
	}
	op := tc.Result
	if op == "==" {
		op = "="
	}
	var ok bool
	if cmp.Result, ok = etcdctl.CompareResult(op); !ok {
		return cmp, fmt.Errorf(`result must be "=", "!=", ">" or "<", not %s`, echo(tc.Result))
	}
	if tc.Value == nil {
		return cmp, errors.New("value is required")
	}
	num := func() (int64, error) {
		var n int64
		if err := json.Unmarshal(tc.Value, &n); err != nil {
			return 0, fmt.Errorf("value must be a whole number for target %s", tc.Target)
		}
		return n, nil
	}
	var err error
	switch tc.Target {
	case "value":
		var v string
		if json.Unmarshal(tc.Value, &v) != nil {
			return cmp, errors.New(`value must be a string for target "value"`)
		}
		if len(v) > maxValueBytes {
			return cmp, fmt.Errorf("value is longer than %d bytes", maxValueBytes)
		}
		cmp.Target, cmp.Value = mvcc.CompareValue, []byte(v)
	case "version":
		cmp.Target = mvcc.CompareVersion
		cmp.Version, err = num()
	case "create":
		cmp.Target = mvcc.CompareCreate
		cmp.CreateRevision, err = num()
	case "mod":
		cmp.Target = mvcc.CompareMod
		cmp.ModRevision, err = num()
	case "lease":
		var s string
		if json.Unmarshal(tc.Value, &s) != nil {
			return cmp, errors.New(`value must be a lease ID in hex (a string) for target "lease"`)
		}
		cmp.Target = mvcc.CompareLease
		cmp.Lease, err = leaseID(s)
	default:
		return cmp, fmt.Errorf(`target must be "value", "version", "create", "mod" or "lease", not %s`, echo(tc.Target))
	}
	return cmp, err
}

func requestOf(o txnOp) (mvcc.RequestOp, error) {
	var op mvcc.RequestOp
	if err := checkKey(o.Key); err != nil {
		return op, err
	}
	key := []byte(o.Key)
	var end []byte
	if o.Prefix {
		end = etcdctl.PrefixEnd(key)
	}
	switch o.Op {
	case "put":
		if o.Value == nil {
			return op, errors.New("put needs a value")
		}
		if len(*o.Value) > maxValueBytes {
			return op, fmt.Errorf("value is longer than %d bytes", maxValueBytes)
		}
		if o.Prefix {
			return op, errors.New("put does not take prefix")
		}
		p := &mvcc.PutRequest{Key: key, Value: []byte(*o.Value)}
		if o.Lease != "" {
			id, err := leaseID(o.Lease)
			if err != nil {
				return op, err
			}
			p.Lease = id
		}
		op.Put = p
	case "get":
		if o.Value != nil || o.Lease != "" {
			return op, errors.New("get takes key and prefix only")
		}
		op.Range = &mvcc.RangeRequest{Key: key, End: end}
	case "del":
		if o.Value != nil || o.Lease != "" {
			return op, errors.New("del takes key and prefix only")
		}
		op.DeleteRange = &mvcc.DeleteRangeRequest{Key: key, End: end}
	default:
		return op, fmt.Errorf(`op must be "put", "get" or "del", not %s`, echo(o.Op))
	}
	return op, nil
}

func txnResult(r *mvcc.TxnResponse) map[string]any {
	if r == nil {
		return nil
	}
	rs := make([]map[string]any, 0, len(r.Responses))
	for _, p := range r.Responses {
		switch {
		case p.Put != nil:
			rs = append(rs, map[string]any{"op": "put", "revision": p.Put.Header.Revision})
		case p.Range != nil:
			g := getResult(p.Range)
			g["op"] = "get"
			rs = append(rs, g)
		case p.DeleteRange != nil:
			rs = append(rs, map[string]any{"op": "del", "deleted": p.DeleteRange.Deleted})
		}
	}
	return map[string]any{"succeeded": r.Succeeded, "revision": r.Header.Revision, "responses": rs}
}

// leaseID parses a lease ID as etcdctl prints it (hex).
func leaseID(s string) (int64, error) {
	n, err := strconv.ParseInt(s, 16, 64)
	if err != nil || n <= 0 {
		return 0, fmt.Errorf("lease %s is not a lease ID (hex, as lease grant answers it)", echo(s))
	}
	return n, nil
}

// leaseHex is a lease ID as etcdctl prints it.
func leaseHex(id int64) string { return strconv.FormatInt(id, 16) }
