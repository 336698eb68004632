package durable

import (
	"errors"
	"runtime"
	"testing"
)

func memMedium(t *testing.T) medium {
	disk := NewMemDisk()
	return medium{
		open:     func(t *testing.T) *DB { return NewMemory(disk) },
		hold:     func() func() { disk.Stall(); return disk.Release },
		setQuota: disk.SetQuota,
	}
}

func TestContractMemory(t *testing.T) { runContract(t, memMedium) }

func TestMemUsedTracksDeletes(t *testing.T) {
	disk := NewMemDisk()
	db := NewMemory(disk)
	n := mustOpen(t, db, "m")
	var b Batch
	b.Put([]byte("a"), []byte("1234"))
	b.Put([]byte("b"), []byte("5678"))
	mustWrite(t, n, &b)
	if disk.Used() == 0 {
		t.Fatal("Used is 0 after writes")
	}
	b.Reset()
	b.DeleteRange(nil, nil)
	mustWrite(t, n, &b)
	if u := disk.Used(); u != 0 {
		t.Fatalf("Used = %d after deleting everything, want 0", u)
	}
}

func TestOpenIndexedDBUnavailableNatively(t *testing.T) {
	if runtime.GOOS == "js" {
		t.Skip("native behaviour")
	}
	if _, err := OpenIndexedDB("x", IDBOptions{}); !errors.Is(err, ErrUnavailable) {
		t.Fatalf("OpenIndexedDB natively: %v, want ErrUnavailable", err)
	}
}
