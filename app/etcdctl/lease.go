package etcdctl

import (
	"errors"
	"fmt"
	"time"

	"github.com/etcd-play/etcd-play/node"
	"github.com/etcd-play/etcd-play/node/mvcc"
)

// The lease commands. Lease time is the cluster's: a TTL second is
// node.TicksPerSecond ticks, however fast the page runs the cluster.

func (r *cmdRun) leaseCommand() error {
	c := r.c
	if c.write == "table" || c.write == "protobuf" {
		return unsupportedFormat(c.write)
	}
	switch c.kind {
	case cmdLeaseGrant:
		res, err := r.call(node.Op{LeaseGrant: &mvcc.LeaseGrantRequest{TTL: c.ttl}})
		if err != nil {
			return fmt.Errorf("failed to grant lease (%w)", err)
		}
		g := res.LeaseGrant
		h := r.header(g.Header)
		switch c.write {
		case "json":
			r.printJSON(struct {
				jsonHeader
				ID    int64
				TTL   int64
				Error string
			}{h, g.ID, g.TTL, ""})
		case "fields":
			r.printFieldsHeader(h)
			r.println(r.fieldsID(g.ID), fmt.Sprintf(`"TTL" : %d`, g.TTL))
		default:
			r.printf("lease %016x granted with TTL(%ds)", g.ID, g.TTL)
		}
	case cmdLeaseRevoke:
		res, err := r.call(node.Op{LeaseRevoke: c.lease})
		if err != nil {
			return fmt.Errorf("failed to revoke lease (%w)", err)
		}
		h := r.header(res.LeaseRevoke.Header)
		switch c.write {
		case "json":
			r.printJSON(struct {
				Header jsonHeader `json:"header"`
			}{h})
		case "fields":
			r.printFieldsHeader(h)
		default:
			r.printf("lease %016x revoked", c.lease)
		}
	case cmdLeaseTimeToLive:
		return r.timeToLive()
	case cmdLeaseList:
		res, err := r.call(node.Op{LeaseLeases: true})
		if err != nil {
			return err
		}
		l := res.LeaseLeases
		h := r.header(l.Header)
		switch c.write {
		case "json":
			type status struct {
				ID int64 `json:"id"`
			}
			out := struct {
				jsonHeader
				Leases []status `json:"leases"`
			}{jsonHeader: h}
			for _, id := range l.IDs {
				out.Leases = append(out.Leases, status{id})
			}
			r.printJSON(out)
		case "fields":
			r.printFieldsHeader(h)
			for _, id := range l.IDs {
				r.println(r.fieldsID(id))
			}
		default:
			r.printf("found %d leases", len(l.IDs))
			for _, id := range l.IDs {
				r.printf("%016x", id)
			}
		}
	case cmdLeaseKeepAlive:
		return r.keepAlive()
	}
	return nil
}

// fieldsID prints a lease ID as the fields writer does.
func (r *cmdRun) fieldsID(id int64) string {
	if r.c.hex {
		return fmt.Sprintf(`"ID" : %016x`, id)
	}
	return fmt.Sprintf(`"ID" : %d`, id)
}

// timeToLive: etcd answers a lease it does not know (expired, revoked,
// never granted) with TTL -1 rather than an error, and etcdctl prints it
// as expired.
func (r *cmdRun) timeToLive() error {
	c := r.c
	res, err := r.call(node.Op{LeaseTimeToLive: c.lease, LeaseKeys: c.leaseKeys})
	var t mvcc.LeaseTimeToLiveResponse
	switch {
	case errors.Is(err, mvcc.ErrLeaseNotFound):
		mh, herr := r.memberHeader(true)
		if herr != nil {
			return herr
		}
		t = mvcc.LeaseTimeToLiveResponse{ID: c.lease, TTL: -1}
		r.printTTL(&t, mh)
		return nil
	case err != nil:
		return err
	}
	t = *res.LeaseTimeToLive
	r.printTTL(&t, r.header(t.Header))
	return nil
}

func (r *cmdRun) printTTL(t *mvcc.LeaseTimeToLiveResponse, h jsonHeader) {
	switch r.c.write {
	case "json":
		r.printJSON(struct {
			jsonHeader
			ID         int64    `json:"id"`
			TTL        int64    `json:"ttl"`
			GrantedTTL int64    `json:"granted-ttl"`
			Keys       [][]byte `json:"keys"`
		}{h, t.ID, t.TTL, t.GrantedTTL, t.Keys})
	case "fields":
		r.printFieldsHeader(h)
		r.println(r.fieldsID(t.ID), fmt.Sprintf(`"TTL" : %d`, t.TTL), fmt.Sprintf(`"GrantedTTL" : %d`, t.GrantedTTL))
		for _, k := range t.Keys {
			r.println(fmt.Sprintf(`"Key" : %q`, k))
		}
	default:
		if t.GrantedTTL == 0 && t.TTL == -1 {
			r.printf("lease %016x already expired", t.ID)
			return
		}
		txt := fmt.Sprintf("lease %016x granted with TTL(%ds), remaining(%ds)", t.ID, t.GrantedTTL, t.TTL)
		if r.c.leaseKeys {
			ks := make([]string, len(t.Keys))
			for i, k := range t.Keys {
				ks[i] = DisplayBytes(k)
			}
			txt += fmt.Sprintf(", attached keys(%v)", ks)
		}
		r.println(txt)
	}
}

// keepAlive renews the lease once (--once), or, as etcdctl's keep-alive,
// at once and then every third of its TTL (cluster time) until the
// command is stopped (ctx) or the lease is gone.
func (r *cmdRun) keepAlive() error {
	c := r.c
	for {
		res, err := r.call(node.Op{LeaseKeepAlive: c.lease})
		if err != nil {
			if !c.once && errors.Is(err, mvcc.ErrLeaseNotFound) {
				if c.write == "simple" {
					r.printf("lease %016x expired or revoked.", c.lease)
				}
				return nil
			}
			if r.ctx.Err() != nil {
				return nil // stopped
			}
			return err
		}
		k := res.LeaseKeepAlive
		h := r.header(k.Header)
		switch c.write {
		case "json":
			r.printJSON(struct {
				jsonHeader
				ID  int64
				TTL int64
			}{h, k.ID, k.TTL})
		case "fields":
			r.printFieldsHeader(h)
			r.println(r.fieldsID(k.ID), fmt.Sprintf(`"TTL" : %d`, k.TTL))
		default:
			r.printf("lease %016x keepalived with TTL(%d)", k.ID, k.TTL)
		}
		if c.once {
			return nil
		}
		if !r.waitTicks(uint64(max(k.TTL, 1)) * node.TicksPerSecond / 3) {
			return nil
		}
	}
}

// waitTicks waits until the cluster ran n more ticks; false when the
// command was stopped first.
func (r *cmdRun) waitTicks(n uint64) bool {
	until := r.eng.Now() + max(n, 1)
	t := time.NewTicker(20 * time.Millisecond) // polling the engine's clock
	defer t.Stop()
	for r.eng.Now() < until {
		select {
		case <-r.ctx.Done():
			return false
		case <-t.C:
		}
	}
	return true
}
