package etcdctl

import (
	"crypto/sha1"
	"encoding/binary"
	"slices"
	"strconv"
)

// What etcdctl shows of the members: etcd's member and cluster IDs and
// URLs, derived from the playground's member numbers. The page's hooks,
// URL parameters and postMessage API keep the numbers 1..N; only the
// console speaks etcd's IDs.
//
// Member N is named etcd-N, listens for peers on PeerURL(N) and for
// clients on ClientURL(N) (fictional hosts: the members talk over the
// page's in-process network), and the cluster was bootstrapped with
// ClusterToken as --initial-cluster-token. From these, as etcd does
// (server/etcdserver/api/membership: computeMemberID and genID):
//
//	member ID  = first 8 bytes (big-endian) of sha1(sorted peer URLs joined + token)
//	cluster ID = first 8 bytes (big-endian) of sha1(the member IDs, ascending, 8 bytes each, big-endian)

// ClusterToken is the playground cluster's --initial-cluster-token:
// etcd's default (with it, members 1..7 all get IDs of 16 hex digits).
const ClusterToken = "etcd-cluster"

// MemberName is member n's name (node/cluster's too).
func MemberName(n uint64) string { return "etcd-" + strconv.FormatUint(n, 10) }

// PeerURL is member n's (fictional) peer URL.
func PeerURL(n uint64) string { return "http://" + MemberName(n) + ":2380" }

// ClientURL is member n's (fictional) client URL: the endpoint etcdctl
// names it by.
func ClientURL(n uint64) string { return "http://" + MemberName(n) + ":2379" }

// memberID derives an etcd member ID from a member's peer URLs and the
// cluster token, as etcd does at bootstrap.
func memberID(peerURLs []string, token string) uint64 {
	urls := slices.Clone(peerURLs)
	slices.Sort(urls)
	var b []byte
	for _, u := range urls {
		b = append(b, u...)
	}
	b = append(b, token...)
	sum := sha1.Sum(b)
	return binary.BigEndian.Uint64(sum[:8])
}

// clusterID derives an etcd cluster ID from its member IDs, as etcd does.
func clusterID(memberIDs []uint64) uint64 {
	ids := slices.Clone(memberIDs)
	slices.Sort(ids)
	b := make([]byte, 0, 8*len(ids))
	for _, id := range ids {
		b = binary.BigEndian.AppendUint64(b, id)
	}
	sum := sha1.Sum(b)
	return binary.BigEndian.Uint64(sum[:8])
}

// MemberID is member n's etcd member ID.
func MemberID(n uint64) uint64 { return memberID([]string{PeerURL(n)}, ClusterToken) }

// ClusterID is the etcd cluster ID of the playground's members ns.
func ClusterID(ns []uint64) uint64 {
	ids := make([]uint64, len(ns))
	for i, n := range ns {
		ids[i] = MemberID(n)
	}
	return clusterID(ids)
}
