//go:build !js

package mvcc

import (
	"path/filepath"
	"testing"

	etcdlease "go.etcd.io/etcd/server/v3/lease"
	etcdbackend "go.etcd.io/etcd/server/v3/storage/backend"
	etcdmvcc "go.etcd.io/etcd/server/v3/storage/mvcc"
	"go.uber.org/zap"
)

// BenchmarkEtcdPut is etcd v3.6's own mvcc Put (a one-op write txn on its
// watchable store, with a real lessor) on a bbolt backend in a temp dir with
// etcd's default backend settings (batched commits every 100 ms or 10,000
// writes, fsync on), over the same workload as BenchmarkPut (bench_test.go:
// 8-byte keys round-robin over benchKeySpace, 256-byte values). Run both:
//
//	go test -run '^$' -bench 'Put$' ./node/mvcc
func BenchmarkEtcdPut(b *testing.B) {
	lg := zap.NewNop()
	be := etcdbackend.NewDefaultBackend(lg, filepath.Join(b.TempDir(), "etcd.db"))
	le := etcdlease.NewLessor(lg, be, nil, etcdlease.LessorConfig{})
	kv := etcdmvcc.New(lg, be, le, etcdmvcc.StoreConfig{})
	defer func() {
		kv.Close()
		le.Stop()
		be.Close()
	}()
	keys, val := benchKeys(benchKeySpace), benchValue()
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		kv.Put(keys[i%benchKeySpace], val, etcdlease.NoLease)
	}
}
