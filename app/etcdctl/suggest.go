package etcdctl

import (
	"fmt"
	"strings"
)

// etcdctl's (cobra's) answer to an unknown command: the error, the
// commands whose names are within two edits of it or start with it
// ("Did you mean this?"), and where to read the usage.

// etcdctlCommands are etcdctl 3.6's top-level commands, in cobra's order.
var etcdctlCommands = []string{
	"alarm", "auth", "check", "compaction", "completion", "defrag", "del", "downgrade", "elect", "endpoint",
	"get", "help", "lease", "lock", "make-mirror", "member", "move-leader", "put", "role", "snapshot",
	"txn", "user", "version", "watch",
}

func unknownCommand(word string) error {
	var b strings.Builder
	fmt.Fprintf(&b, "unknown command %q for \"etcdctl\"", word)
	var sugg []string
	for _, name := range etcdctlCommands {
		if editDistance(strings.ToLower(word), name) <= 2 || strings.HasPrefix(name, strings.ToLower(word)) {
			sugg = append(sugg, name)
		}
	}
	if len(sugg) > 0 {
		b.WriteString("\n\nDid you mean this?\n")
		for _, s := range sugg {
			b.WriteString("\t" + s + "\n")
		}
	}
	b.WriteString("\nRun 'etcdctl --help' for usage.")
	return fmt.Errorf("%s", b.String())
}

// editDistance is the Levenshtein distance between a and b (bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
