package node

import (
	"fmt"
	"strconv"
	"strings"

	"go.etcd.io/raft/v3/raftpb"
)

// The kinds EntryKind names, as the log view shows them (data-kind).
const (
	KindPut            = "put"
	KindDelete         = "delete"
	KindTxn            = "txn"
	KindCompact        = "compact"
	KindLeaseGrant     = "lease-grant"
	KindLeaseRevoke    = "lease-revoke"
	KindLeaseKeepAlive = "lease-keepalive"
	KindEmpty          = "empty"             // the entry a new leader appends in its term
	KindConfChange     = "conf-change"       // raftpb.EntryConfChange(V2)
	KindMemberAttrs    = "member-attributes" // a member publishing its name and client URLs (membership.go)
	KindClusterVersion = "cluster-version"   // the leader setting the cluster version (membership.go)
	KindOther          = "other"             // anything not decodable as one of the above
)

// EntryKind classifies a raft log entry for the log view. It never fails:
// data it does not recognise is KindOther. To teach it a new kind of
// entry, add a case here and one in DescribeEntry; the kinds above are the
// page's vocabulary.
func EntryKind(e raftpb.Entry) string {
	switch e.Type {
	case raftpb.EntryConfChange, raftpb.EntryConfChangeV2:
		return KindConfChange
	}
	if len(e.Data) == 0 {
		return KindEmpty
	}
	switch entryKind(e.Data[0]) {
	case kindPut:
		return KindPut
	case kindDeleteRange:
		return KindDelete
	case kindTxn:
		return KindTxn
	case kindCompact:
		return KindCompact
	case kindLeaseGrant:
		return KindLeaseGrant
	case kindLeaseRevoke:
		return KindLeaseRevoke
	case kindLeaseKeepAlive:
		return KindLeaseKeepAlive
	case kindMemberAttrs:
		return KindMemberAttrs
	case kindClusterVersion:
		return KindClusterVersion
	}
	return KindOther
}

// maxShownBytes bounds how much of one key or value DescribeEntry quotes.
const maxShownBytes = 48

// DescribeEntry returns one line saying what e asks for, e.g.
// `put "greeting" = "hello"`. User bytes are Go-quoted (so the text is
// printable and never markup) and cut to maxShownBytes each; the line is
// plain text for the page to show as text. An entry that does not decode
// says so instead of failing.
func DescribeEntry(e raftpb.Entry) string {
	switch e.Type {
	case raftpb.EntryConfChange:
		var cc raftpb.ConfChange
		if err := cc.Unmarshal(e.Data); err != nil {
			return "conf change (undecodable)"
		}
		return fmt.Sprintf("conf change: %s member %d", confChangeVerb(cc.Type), cc.NodeID)
	case raftpb.EntryConfChangeV2:
		var cc raftpb.ConfChangeV2
		if err := cc.Unmarshal(e.Data); err != nil {
			return "conf change (undecodable)"
		}
		parts := make([]string, 0, len(cc.Changes))
		for _, c := range cc.Changes {
			parts = append(parts, fmt.Sprintf("%s member %d", confChangeVerb(c.Type), c.NodeID))
		}
		return "conf change: " + strings.Join(parts, ", ")
	}
	if len(e.Data) == 0 {
		return fmt.Sprintf("empty entry of the leader of term %d", e.Term)
	}
	r, err := decodeRequest(e.Data)
	if err != nil {
		return fmt.Sprintf("undecodable entry (%d bytes)", len(e.Data))
	}
	switch r.kind {
	case kindPut:
		s := "put " + quoteShort(r.put.Key) + " = " + quoteShort(r.put.Value)
		if r.put.Lease != 0 {
			s += " with lease " + strconv.FormatInt(r.put.Lease, 10)
		}
		return s
	case kindDeleteRange:
		if r.deleteRange.End == nil {
			return "delete " + quoteShort(r.deleteRange.Key)
		}
		return "delete range " + quoteShort(r.deleteRange.Key) + " .. " + quoteShort(r.deleteRange.End)
	case kindTxn:
		return fmt.Sprintf("txn: %d compares, %d ops on success, %d on failure",
			len(r.txn.Compare), len(r.txn.Success), len(r.txn.Failure))
	case kindCompact:
		return fmt.Sprintf("compact history up to revision %d", r.compact)
	case kindLeaseGrant:
		return fmt.Sprintf("grant lease %d, TTL %d s", r.leaseGrant.ID, r.leaseGrant.TTL)
	case kindLeaseRevoke:
		return fmt.Sprintf("revoke lease %d", r.leaseID)
	case kindLeaseKeepAlive:
		return fmt.Sprintf("keep lease %d alive", r.leaseID)
	case kindMemberAttrs:
		if r.attrs == nil {
			return "member attributes"
		}
		return fmt.Sprintf("member %d publishes its attributes: name %s, client URLs %s",
			r.attrs.ID, quoteShort([]byte(r.attrs.Name)), strings.Join(r.attrs.ClientURLs, ", "))
	case kindClusterVersion:
		return "set the cluster version to " + quoteShort([]byte(r.version))
	}
	return fmt.Sprintf("entry of kind %d", r.kind)
}

func confChangeVerb(t raftpb.ConfChangeType) string {
	switch t {
	case raftpb.ConfChangeAddNode:
		return "add"
	case raftpb.ConfChangeRemoveNode:
		return "remove"
	case raftpb.ConfChangeUpdateNode:
		return "update"
	case raftpb.ConfChangeAddLearnerNode:
		return "add learner"
	}
	return t.String()
}

// quoteShort Go-quotes b, cut to maxShownBytes with the full length noted.
func quoteShort(b []byte) string {
	if len(b) <= maxShownBytes {
		return strconv.Quote(string(b))
	}
	return strconv.Quote(string(b[:maxShownBytes])) + fmt.Sprintf("… (%d bytes)", len(b))
}
