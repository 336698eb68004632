// Package gogoproto replaces github.com/gogo/protobuf/gogoproto in the
// playground's wasm build only (see the proto package's doc). raftpb and
// mvccpb import it for its side effects alone (registering gogo's
// extensions to protobuf's descriptors, which nothing in the playground
// reads), so it is empty.
package gogoproto
