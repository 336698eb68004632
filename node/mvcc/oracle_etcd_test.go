//go:build !js

package mvcc

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"sort"
	"sync"
	"testing"
	"time"

	pb "go.etcd.io/etcd/api/v3/etcdserverpb"
	"go.etcd.io/etcd/api/v3/mvccpb"
	"go.etcd.io/etcd/api/v3/v3rpc/rpctypes"
	"go.etcd.io/etcd/pkg/v3/traceutil"
	etcdtxn "go.etcd.io/etcd/server/v3/etcdserver/txn"
	etcdlease "go.etcd.io/etcd/server/v3/lease"
	etcdbackend "go.etcd.io/etcd/server/v3/storage/backend"
	etcdmvcc "go.etcd.io/etcd/server/v3/storage/mvcc"
	"go.etcd.io/etcd/server/v3/storage/schema"
	"go.uber.org/zap"
	"go.uber.org/zap/zapcore"
)

// etcdSystem is the oracle: etcd v3.6's own storage/mvcc (a WatchableKV over
// a bbolt backend in a temp dir, with a real lessor), driven through etcd's
// own apply code (etcdserver/txn: Put, DeleteRange, Range, Txn with compare
// evaluation and nested txns), behind the gRPC-layer checks restated in
// oracle_checks_test.go. Watch responses get etcd's server treatment:
// filters run in mvcc, prev kv is looked up as etcd's watch server does
// (a Range at ModRevision-1, skipped for create events and when it fails),
// and a compaction response is a cancellation.
//
// etcd's store runs its own goroutines (watcher catch-up every 100 ms,
// victim retries, compaction jobs); Compact waits for the physical
// compaction, and Drain waits for catch-up by asking each watcher for a
// progress notification, which etcd sends only once the watcher is synced.
type etcdSystem struct {
	lg *zap.Logger
	be etcdbackend.Backend
	le etcdlease.Lessor
	kv etcdmvcc.WatchableKV

	streams []etcdmvcc.WatchStream
	readers sync.WaitGroup

	mu       sync.Mutex
	watchers map[int]*etcdWatcher // by driver watcher number
	byID     map[etcdmvcc.WatchID]*etcdWatcher
	problems []string      // responses the oracle cannot explain
	arrived  chan struct{} // cap 1; signalled after each response is recorded
}

// etcdWatcher is one watcher on the etcd side. The first four fields are
// fixed at creation; the rest are guarded by etcdSystem.mu (canceled is set
// by the driver, the others by the stream's reader goroutine).
type etcdWatcher struct {
	ws       etcdmvcc.WatchStream
	id       etcdmvcc.WatchID
	startRev int64
	prevKV   bool

	canceled  bool // by Cancel, CloseStreams or a failed Watch
	records   []string
	progress  int64 // revision of the latest progress notification, 0 if none
	compacted bool
}

func newEtcdSystem(t testing.TB) *etcdSystem {
	// etcd logs errors (and its fatal conditions) to stderr; the rest is noise.
	lg := zap.New(zapcore.NewCore(zapcore.NewConsoleEncoder(zap.NewDevelopmentEncoderConfig()),
		zapcore.Lock(os.Stderr), zap.ErrorLevel)).With(zap.String("test", t.Name()))
	cfg := etcdbackend.DefaultBackendConfig(lg)
	cfg.Path = filepath.Join(t.TempDir(), "etcd.db")
	cfg.UnsafeNoFsync = true // durability is not under test
	cfg.MmapSize = 64 << 20  // many backends live at once; bbolt grows it on demand
	be := etcdbackend.New(cfg)
	le := etcdlease.NewLessor(lg, be, nil, etcdlease.LessorConfig{})
	// A large compaction batch keeps etcd from sleeping between batches;
	// the result (and its hash) does not depend on the batch size.
	kv := etcdmvcc.New(lg, be, le, etcdmvcc.StoreConfig{CompactionBatchLimit: 1 << 20})
	return &etcdSystem{
		lg:       lg,
		be:       be,
		le:       le,
		kv:       kv,
		watchers: make(map[int]*etcdWatcher),
		byID:     make(map[etcdmvcc.WatchID]*etcdWatcher),
		arrived:  make(chan struct{}, 1),
	}
}

func (e *etcdSystem) Close() {
	e.CloseStreams()
	e.kv.Close()
	e.le.Stop()
	e.be.Close()
}

// wire returns b as etcd's server sees it after gRPC: protobuf does not
// distinguish an empty byte string from an absent one.
func wire(b []byte) []byte {
	if len(b) == 0 {
		return nil
	}
	return b
}

// etcdError turns an error from etcd's layers into the error a client of
// etcd sees, with the message this package's contract uses: the gRPC
// message for server errors, mvcc's own message for compacted and future
// revisions (as kv.go's ErrCompacted and ErrFutureRev).
func etcdError(err error) error {
	if err == nil {
		return nil
	}
	switch {
	case errors.Is(err, etcdlease.ErrLeaseNotFound):
		err = rpctypes.ErrGRPCLeaseNotFound
	case errors.Is(err, etcdlease.ErrLeaseExists):
		err = rpctypes.ErrGRPCLeaseExist
	case errors.Is(err, etcdlease.ErrLeaseTTLTooLarge):
		err = rpctypes.ErrGRPCLeaseTTLTooLarge
	case errors.Is(err, etcdmvcc.ErrCompacted):
		err = etcdmvcc.ErrCompacted
	case errors.Is(err, etcdmvcc.ErrFutureRev):
		err = etcdmvcc.ErrFutureRev
	}
	return errors.New(rpctypes.ErrorDesc(err))
}

// Request conversion. The enum values of this package equal etcd's
// (TestOracleEnumsMatchEtcd).

func pbRange(r *RangeRequest) *pb.RangeRequest {
	return &pb.RangeRequest{
		Key:        wire(r.Key),
		RangeEnd:   wire(r.End),
		Revision:   r.Rev,
		Limit:      r.Limit,
		SortOrder:  pb.RangeRequest_SortOrder(r.SortOrder),
		SortTarget: pb.RangeRequest_SortTarget(r.SortTarget),
		KeysOnly:   r.KeysOnly,
		CountOnly:  r.CountOnly,
	}
}

func pbPut(r *PutRequest) *pb.PutRequest {
	return &pb.PutRequest{Key: wire(r.Key), Value: wire(r.Value), Lease: r.Lease, PrevKv: r.PrevKV}
}

func pbDelete(r *DeleteRangeRequest) *pb.DeleteRangeRequest {
	return &pb.DeleteRangeRequest{Key: wire(r.Key), RangeEnd: wire(r.End), PrevKv: r.PrevKV}
}

func pbTxn(r *TxnRequest) *pb.TxnRequest {
	t := &pb.TxnRequest{}
	for _, c := range r.Compare {
		pc := &pb.Compare{
			Key:      wire(c.Key),
			RangeEnd: wire(c.End),
			Target:   pb.Compare_CompareTarget(c.Target),
			Result:   pb.Compare_CompareResult(c.Result),
		}
		switch c.Target {
		case CompareVersion:
			pc.TargetUnion = &pb.Compare_Version{Version: c.Version}
		case CompareCreate:
			pc.TargetUnion = &pb.Compare_CreateRevision{CreateRevision: c.CreateRevision}
		case CompareMod:
			pc.TargetUnion = &pb.Compare_ModRevision{ModRevision: c.ModRevision}
		case CompareValue:
			pc.TargetUnion = &pb.Compare_Value{Value: wire(c.Value)}
		case CompareLease:
			pc.TargetUnion = &pb.Compare_Lease{Lease: c.Lease}
		}
		t.Compare = append(t.Compare, pc)
	}
	t.Success = pbOps(r.Success)
	t.Failure = pbOps(r.Failure)
	return t
}

func pbOps(ops []RequestOp) []*pb.RequestOp {
	var out []*pb.RequestOp
	for _, op := range ops {
		switch {
		case op.Range != nil:
			out = append(out, &pb.RequestOp{Request: &pb.RequestOp_RequestRange{RequestRange: pbRange(op.Range)}})
		case op.Put != nil:
			out = append(out, &pb.RequestOp{Request: &pb.RequestOp_RequestPut{RequestPut: pbPut(op.Put)}})
		case op.DeleteRange != nil:
			out = append(out, &pb.RequestOp{Request: &pb.RequestOp_RequestDeleteRange{RequestDeleteRange: pbDelete(op.DeleteRange)}})
		case op.Txn != nil:
			out = append(out, &pb.RequestOp{Request: &pb.RequestOp_RequestTxn{RequestTxn: pbTxn(op.Txn)}})
		}
	}
	return out
}

// Response conversion.

func fromHeader(h *pb.ResponseHeader) ResponseHeader {
	if h == nil {
		return ResponseHeader{}
	}
	return ResponseHeader{Revision: h.Revision}
}

func fromRange(r *pb.RangeResponse) *RangeResponse {
	return &RangeResponse{Header: fromHeader(r.Header), KVs: r.Kvs, Count: r.Count, More: r.More}
}

func fromPut(r *pb.PutResponse) *PutResponse {
	return &PutResponse{Header: fromHeader(r.Header), PrevKV: r.PrevKv}
}

func fromDelete(r *pb.DeleteRangeResponse) *DeleteRangeResponse {
	return &DeleteRangeResponse{Header: fromHeader(r.Header), Deleted: r.Deleted, PrevKVs: r.PrevKvs}
}

func fromTxn(r *pb.TxnResponse) *TxnResponse {
	out := &TxnResponse{Header: fromHeader(r.Header), Succeeded: r.Succeeded}
	for _, op := range r.Responses {
		switch {
		case op.GetResponseRange() != nil:
			out.Responses = append(out.Responses, ResponseOp{Range: fromRange(op.GetResponseRange())})
		case op.GetResponsePut() != nil:
			out.Responses = append(out.Responses, ResponseOp{Put: fromPut(op.GetResponsePut())})
		case op.GetResponseDeleteRange() != nil:
			out.Responses = append(out.Responses, ResponseOp{DeleteRange: fromDelete(op.GetResponseDeleteRange())})
		case op.GetResponseTxn() != nil:
			out.Responses = append(out.Responses, ResponseOp{Txn: fromTxn(op.GetResponseTxn())})
		default:
			out.Responses = append(out.Responses, ResponseOp{})
		}
	}
	return out
}

// Key-value operations.

func (e *etcdSystem) Range(r *RangeRequest) (*RangeResponse, error) {
	if len(r.Key) == 0 {
		return nil, etcdError(rpctypes.ErrGRPCEmptyKey)
	}
	resp, _, err := etcdtxn.Range(context.Background(), e.lg, e.kv, pbRange(r))
	if err != nil {
		return nil, etcdError(err)
	}
	return fromRange(resp), nil
}

func (e *etcdSystem) Put(r *PutRequest) (*PutResponse, error) {
	p := pbPut(r)
	if len(p.Key) == 0 {
		return nil, etcdError(rpctypes.ErrGRPCEmptyKey)
	}
	if tooLargeForRaft(&pb.InternalRaftRequest{Put: p}) {
		return nil, etcdError(rpctypes.ErrGRPCRequestTooLarge)
	}
	resp, _, err := etcdtxn.Put(context.Background(), e.lg, e.le, e.kv, p)
	if err != nil {
		return nil, etcdError(err)
	}
	return fromPut(resp), nil
}

func (e *etcdSystem) DeleteRange(r *DeleteRangeRequest) (*DeleteRangeResponse, error) {
	d := pbDelete(r)
	if len(d.Key) == 0 {
		return nil, etcdError(rpctypes.ErrGRPCEmptyKey)
	}
	if tooLargeForRaft(&pb.InternalRaftRequest{DeleteRange: d}) {
		return nil, etcdError(rpctypes.ErrGRPCRequestTooLarge)
	}
	resp, _, err := etcdtxn.DeleteRange(context.Background(), e.lg, e.kv, d)
	if err != nil {
		return nil, etcdError(err)
	}
	return fromDelete(resp), nil
}

func (e *etcdSystem) Txn(r *TxnRequest) (*TxnResponse, error) {
	t := pbTxn(r)
	if err := checkTxnRequest(t); err != nil {
		return nil, etcdError(err)
	}
	if !etcdtxn.IsTxnReadonly(t) && tooLargeForRaft(&pb.InternalRaftRequest{Txn: t}) {
		return nil, etcdError(rpctypes.ErrGRPCRequestTooLarge)
	}
	// true: etcd v3.6's default TxnModeWriteWithSharedBuffer.
	resp, _, err := etcdtxn.Txn(context.Background(), e.lg, t, true, e.kv, e.le)
	if err != nil {
		return nil, etcdError(err)
	}
	return fromTxn(resp), nil
}

// Compact compacts and waits for etcd's asynchronous physical compaction,
// as our store's Compact is synchronous.
func (e *etcdSystem) Compact(rev int64) (*CompactResponse, error) {
	done, err := e.kv.Compact(traceutil.TODO(), rev)
	if err != nil {
		return nil, etcdError(err)
	}
	<-done
	return &CompactResponse{Header: ResponseHeader{Revision: e.kv.Rev()}}, nil
}

func (e *etcdSystem) HashKV(rev int64) (HashKVResult, error) {
	h, _, err := e.kv.HashStorage().HashByRev(rev)
	if err != nil {
		return HashKVResult{}, etcdError(err)
	}
	return HashKVResult{Hash: h.Hash, CompactRevision: h.CompactRevision, HashRevision: h.Revision}, nil
}

func (e *etcdSystem) Stats() (rev, compactRev int64, keys int) {
	tx := e.kv.Read(etcdmvcc.ConcurrentReadTxMode, traceutil.TODO())
	defer tx.End()
	all, err := tx.Range(context.Background(), []byte{0}, []byte{}, etcdmvcc.RangeOptions{Count: true})
	if err != nil {
		panic(fmt.Sprintf("etcd: counting keys: %v", err))
	}
	return tx.Rev(), tx.FirstRev(), all.Count
}

// StoredRevisions counts the key bucket's entries through the backend's
// write transaction, which (unlike a read transaction) already sees the
// deletions of a compaction that is not yet committed.
func (e *etcdSystem) StoredRevisions() int {
	n := 0
	tx := e.be.BatchTx()
	tx.LockOutsideApply()
	defer tx.Unlock()
	err := tx.UnsafeForEach(schema.Key, func(k, v []byte) error {
		n++
		return nil
	})
	if err != nil {
		panic(fmt.Sprintf("etcd: counting revisions: %v", err))
	}
	return n
}

// Leases, as etcd's apply code and lease server use the lessor.

func (e *etcdSystem) LeaseGrant(r *LeaseGrantRequest) (*LeaseGrantResponse, error) {
	l, err := e.le.Grant(etcdlease.LeaseID(r.ID), r.TTL)
	if err != nil {
		return nil, etcdError(err)
	}
	return &LeaseGrantResponse{Header: ResponseHeader{Revision: e.kv.Rev()}, ID: int64(l.ID), TTL: l.TTL()}, nil
}

func (e *etcdSystem) LeaseRevoke(id int64) (*LeaseRevokeResponse, error) {
	if err := e.le.Revoke(etcdlease.LeaseID(id)); err != nil {
		return nil, etcdError(err)
	}
	return &LeaseRevokeResponse{Header: ResponseHeader{Revision: e.kv.Rev()}}, nil
}

// LeaseTimeToLive leaves TTL (remaining time) zero: the member owns time.
func (e *etcdSystem) LeaseTimeToLive(id int64, keys bool) (*LeaseTimeToLiveResponse, error) {
	l := e.le.Lookup(etcdlease.LeaseID(id))
	if l == nil {
		return nil, etcdError(etcdlease.ErrLeaseNotFound)
	}
	resp := &LeaseTimeToLiveResponse{Header: ResponseHeader{Revision: e.kv.Rev()}, ID: id, GrantedTTL: l.TTL()}
	if keys {
		for _, k := range l.Keys() {
			resp.Keys = append(resp.Keys, []byte(k))
		}
	}
	return resp, nil
}

func (e *etcdSystem) Leases() []LeaseInfo {
	var out []LeaseInfo
	for _, l := range e.le.Leases() {
		out = append(out, LeaseInfo{ID: int64(l.ID), TTL: l.TTL(), Keys: len(l.Keys())})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// Watches.

func (e *etcdSystem) NewStream(stream, _ int) {
	if stream != len(e.streams) {
		panic("streams must be opened in order")
	}
	ws := e.kv.NewWatchStream()
	e.streams = append(e.streams, ws)
	e.readers.Add(1)
	go e.read(ws)
}

// read records every response of one stream until the stream is closed.
func (e *etcdSystem) read(ws etcdmvcc.WatchStream) {
	defer e.readers.Done()
	for wr := range ws.Chan() {
		e.mu.Lock()
		w := e.byID[wr.WatchID]
		e.mu.Unlock()
		if w == nil {
			e.problem(fmt.Sprintf("etcd: response for unknown watch ID %d", wr.WatchID))
			continue
		}
		var recs []string
		switch {
		case wr.CompactRevision != 0:
			recs = append(recs, compactedRecord(wr.CompactRevision, true))
		case len(wr.Events) == 0: // progress notification
		default:
			for _, ev := range wr.Events {
				recs = append(recs, eventRecord(ev, e.prevKV(w, ev)))
			}
		}
		e.mu.Lock()
		if wr.CompactRevision != 0 {
			w.compacted = true
		} else if len(wr.Events) == 0 {
			w.progress = wr.Revision
		}
		w.records = append(w.records, recs...)
		e.mu.Unlock()
		select {
		case e.arrived <- struct{}{}:
		default:
		}
	}
}

// prevKV looks up an event's previous key-value as etcd's watch server does.
func (e *etcdSystem) prevKV(w *etcdWatcher, ev mvccpb.Event) *KeyValue {
	if !w.prevKV || (ev.Type == mvccpb.PUT && ev.Kv.CreateRevision == ev.Kv.ModRevision) {
		return nil
	}
	r, err := e.kv.Range(context.Background(), ev.Kv.Key, nil, etcdmvcc.RangeOptions{Rev: ev.Kv.ModRevision - 1})
	if err != nil || len(r.KVs) == 0 {
		return nil
	}
	return &r.KVs[0]
}

func (e *etcdSystem) problem(p string) {
	e.mu.Lock()
	e.problems = append(e.problems, p)
	e.mu.Unlock()
}

// Watch creates watcher w with the driver's number as its etcd watch ID
// (plus one: ID 0 asks etcd to choose), registered before etcd can send.
func (e *etcdSystem) Watch(stream, w int, r WatchRequest) error {
	// etcd's watch server: an empty end watches one key, "\x00" every key
	// from Key on (mvcc spells that as a non-nil empty end).
	end := wire(r.End)
	if len(end) == 1 && end[0] == 0 {
		end = []byte{}
	}
	var filters []etcdmvcc.FilterFunc
	if r.NoPut {
		filters = append(filters, func(ev mvccpb.Event) bool { return ev.Type == mvccpb.PUT })
	}
	if r.NoDelete {
		filters = append(filters, func(ev mvccpb.Event) bool { return ev.Type == mvccpb.DELETE })
	}
	ew := &etcdWatcher{ws: e.streams[stream], id: etcdmvcc.WatchID(w + 1), startRev: r.StartRev, prevKV: r.PrevKV}
	e.mu.Lock()
	e.watchers[w] = ew
	e.byID[ew.id] = ew
	e.mu.Unlock()
	if _, err := ew.ws.Watch(ew.id, wire(r.Key), end, r.StartRev, filters...); err != nil {
		e.mu.Lock()
		delete(e.byID, ew.id)
		ew.canceled = true
		e.mu.Unlock()
		return err
	}
	return nil
}

func (e *etcdSystem) Cancel(w int) error {
	e.mu.Lock()
	ew := e.watchers[w]
	e.mu.Unlock()
	if ew == nil {
		return etcdmvcc.ErrWatcherNotExist
	}
	if err := ew.ws.Cancel(ew.id); err != nil {
		return err
	}
	e.mu.Lock()
	ew.canceled = true
	e.mu.Unlock()
	return nil
}

// drainTimeout bounds how long Drain waits for etcd's catch-up goroutines
// (they run every 100 ms); reaching it is a harness failure.
const drainTimeout = 20 * time.Second

// Drain waits until every live watcher has received everything up to the
// current revision: it asks each watcher for a progress notification, which
// etcd sends (behind any pending events on the same channel) only when the
// watcher is synced, and waits until one for the current revision arrives
// or the watcher is compacted. A watcher whose start revision is still in
// the future has nothing pending.
func (e *etcdSystem) Drain() error {
	rev := e.kv.Rev()
	deadline := time.Now().Add(drainTimeout)
	e.mu.Lock()
	var pending []*etcdWatcher
	for _, w := range e.watchers {
		if !w.canceled && w.startRev <= rev {
			pending = append(pending, w)
		}
	}
	e.mu.Unlock()
	for _, w := range pending {
		for {
			e.mu.Lock()
			done := w.compacted || w.progress == rev
			e.mu.Unlock()
			if done {
				break
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("etcd: watcher %d not caught up to revision %d within %v", w.id-1, rev, drainTimeout)
			}
			w.ws.RequestProgress(w.id)
			select {
			case <-e.arrived:
			case <-time.After(10 * time.Millisecond):
			}
		}
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if len(e.problems) > 0 {
		return errors.New(e.problems[0])
	}
	return nil
}

func (e *etcdSystem) Records(w int) []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	if ew := e.watchers[w]; ew != nil {
		return slices.Clone(ew.records)
	}
	return nil
}

func (e *etcdSystem) CloseStreams() {
	for _, ws := range e.streams {
		ws.Close()
	}
	e.readers.Wait()
	e.streams = nil
	e.mu.Lock()
	for _, w := range e.watchers {
		w.canceled = true
	}
	e.mu.Unlock()
}
