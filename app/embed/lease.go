package embed

import (
	"context"
	"errors"
	"fmt"

	"github.com/etcd-play/etcd-play/app/engine"
	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// Leases over postMessage, as etcdctl's lease commands:
//
//	{cmd: "lease", action: "grant", ttl: S}                -> {lease, ttl}
//	{cmd: "lease", action: "revoke", lease: ID}            -> {lease}
//	{cmd: "lease", action: "keep-alive", lease: ID}        -> {lease, ttl}   (one renewal, as keep-alive --once)
//	{cmd: "lease", action: "timetolive", lease: ID, withKeys: bool?} -> {lease, ttl, grantedTtl, keys?}
//	{cmd: "lease", action: "list"}                         -> {leases: [ID, ...]}
//
// and put takes lease: ID. IDs are hex strings (txn.go says why); TTLs are
// seconds, as etcd's (a tick is 100 ms). Expiry deletes the lease's keys
// through raft, as etcd's leader does. member as for put.

// maxLeaseTTL bounds a grant (etcd's MaxLeaseTTL is 9,000,000,000 s).
const maxLeaseTTL = 9_000_000_000

func (a *messageAPI) validateLease(eng engine.Engine, c Command, id uint64) (func() (any, error), error) {
	var op node.Op
	needLease := func() (int64, error) {
		if c.Lease == "" {
			return 0, fmt.Errorf("lease %s needs lease (its ID, hex)", c.Action)
		}
		return leaseID(c.Lease)
	}
	var err error
	switch c.Action {
	case "grant":
		if c.TTL < 1 || c.TTL > maxLeaseTTL {
			return nil, fmt.Errorf("ttl must be 1..%d seconds", int64(maxLeaseTTL))
		}
		op.LeaseGrant = &mvcc.LeaseGrantRequest{TTL: c.TTL}
	case "revoke":
		op.LeaseRevoke, err = needLease()
	case "keep-alive":
		op.LeaseKeepAlive, err = needLease()
	case "timetolive":
		op.LeaseTimeToLive, err = needLease()
		op.LeaseKeys = c.WithKeys
	case "list":
		op.LeaseLeases = true
	case "":
		return nil, errors.New(`lease needs action: "grant", "revoke", "keep-alive", "timetolive" or "list"`)
	default:
		return nil, fmt.Errorf(`unknown lease action %s (actions: grant, revoke, keep-alive, timetolive, list)`, echo(c.Action))
	}
	if err != nil {
		return nil, err
	}
	switch {
	case c.TTL != 0 && c.Action != "grant":
		return nil, fmt.Errorf("lease %s does not take ttl", c.Action)
	case c.Lease != "" && (c.Action == "grant" || c.Action == "list"):
		return nil, fmt.Errorf("lease %s does not take lease", c.Action)
	case c.WithKeys && c.Action != "timetolive":
		return nil, fmt.Errorf("lease %s does not take withKeys", c.Action)
	}
	return func() (any, error) {
		ctx, cancel := context.WithTimeout(context.Background(), commandDeadline)
		defer cancel()
		r, err := eng.Call(ctx, target(eng, id), op)
		if err != nil {
			return nil, err
		}
		switch {
		case r.LeaseGrant != nil:
			return map[string]any{"lease": leaseHex(r.LeaseGrant.ID), "ttl": r.LeaseGrant.TTL}, nil
		case r.LeaseRevoke != nil:
			return map[string]any{"lease": c.Lease}, nil
		case r.LeaseKeepAlive != nil:
			return map[string]any{"lease": leaseHex(r.LeaseKeepAlive.ID), "ttl": r.LeaseKeepAlive.TTL}, nil
		case r.LeaseTimeToLive != nil:
			t := r.LeaseTimeToLive
			res := map[string]any{"lease": leaseHex(t.ID), "ttl": t.TTL, "grantedTtl": t.GrantedTTL}
			if c.WithKeys {
				keys := make([]string, len(t.Keys))
				for i, k := range t.Keys {
					keys[i] = string(k)
				}
				res["keys"] = keys
			}
			return res, nil
		case r.LeaseLeases != nil:
			ids := make([]string, len(r.LeaseLeases.IDs))
			for i, id := range r.LeaseLeases.IDs {
				ids[i] = leaseHex(id)
			}
			return map[string]any{"leases": ids}, nil
		}
		return nil, errors.New("the cluster answered no lease result")
	}, nil
}
