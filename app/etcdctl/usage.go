package etcdctl

import (
	"errors"
	"slices"
	"strings"
)

// etcdctl's usage text, which it prints (cobra does) after a flag it
// cannot parse, and for a command that needs a subcommand given none or
// an unknown one. The console prints it after the error, as a terminal
// shows it. Columns are separated by tabs (etcdctl aligns them with more).

// flagDoc is one flag's usage line: its name, shorthand, default as
// etcdctl prints it ("[=false]" for a bool, `="l"` for a string, "=0"),
// and help.
type flagDoc struct {
	name, short, def, help string
}

func boolFlag(name, help string) flagDoc { return flagDoc{name: name, def: "[=false]", help: help} }

// cmdDoc documents a top-level command (or a command with subcommands).
type cmdDoc struct {
	use, short string
	flags      []flagDoc
	subs       [][2]string // name, short; a command with subcommands
}

var cmdDocs = map[string]cmdDoc{
	"get": {use: "get [options] <key> [range_end]", short: "Gets the key or a range of keys", flags: []flagDoc{
		{name: "consistency", def: `="l"`, help: "Linearizable(l) or Serializable(s)"},
		boolFlag("count-only", "Get only the count"),
		boolFlag("from-key", "Get keys that are greater than or equal to the given key using byte compare"),
		boolFlag("keys-only", "Get only the keys"),
		{name: "limit", def: "=0", help: "Maximum number of results"},
		{name: "max-create-rev", def: "=0", help: "Maximum create revision"},
		{name: "max-mod-rev", def: "=0", help: "Maximum modification revision"},
		{name: "min-create-rev", def: "=0", help: "Minimum create revision"},
		{name: "min-mod-rev", def: "=0", help: "Minimum modification revision"},
		{name: "order", def: `=""`, help: "Order of results; ASCEND or DESCEND (ASCEND by default)"},
		boolFlag("prefix", "Get keys with matching prefix"),
		boolFlag("print-value-only", `Only write values when using the "simple" output format`),
		{name: "rev", def: "=0", help: "Specify the kv revision"},
		{name: "sort-by", def: `=""`, help: "Sort target; CREATE, KEY, MODIFY, VALUE, or VERSION"},
	}},
	"put": {use: "put [options] <key> <value> (<value> can also be given from stdin)", short: "Puts the given key into the store", flags: []flagDoc{
		boolFlag("ignore-lease", "updates the key using its current lease"),
		boolFlag("ignore-value", "updates the key using its current value"),
		{name: "lease", def: `="0"`, help: "lease ID (in hexadecimal) to attach to the key"},
		boolFlag("prev-kv", "return the previous key-value pair before modification"),
	}},
	"del": {use: "del [options] <key> [range_end]", short: "Removes the specified key or range of keys [key, range_end)", flags: []flagDoc{
		boolFlag("from-key", "delete keys that are greater than or equal to the given key using byte compare"),
		boolFlag("prefix", "delete keys with matching prefix"),
		boolFlag("prev-kv", "return deleted key-value pairs"),
		boolFlag("range", "delete range of keys"),
	}},
	"txn": {use: "txn [options]", short: "Txn processes all the requests in one transaction", flags: []flagDoc{
		{name: "interactive", short: "i", def: "[=false]", help: "Input transaction in interactive mode"},
	}},
	"compaction": {use: "compaction [options] <revision>", short: "Compacts the event history in etcd", flags: []flagDoc{
		boolFlag("physical", "'true' to wait for compaction to physically remove all old revisions"),
	}},
	"defrag": {use: "defrag", short: "Defragments the storage of the etcd members with given endpoints", flags: []flagDoc{
		boolFlag("cluster", "use all endpoints from the cluster member list"),
	}},
	"move-leader": {use: "move-leader <transferee-member-id>", short: "Transfers leadership to another etcd cluster member."},
	"version":     {use: "version", short: "Prints the version of etcdctl"},
	"watch": {use: "watch [options] [key or prefix] [range_end] [--] [exec-command arg1 arg2 ...]", short: "Watches events stream on keys or prefixes", flags: []flagDoc{
		{name: "interactive", short: "i", def: "[=false]", help: "Interactive mode"},
		boolFlag("prefix", "Watch on a prefix if prefix is set"),
		boolFlag("prev-kv", "get the previous key-value pair before the event happens"),
		boolFlag("progress-notify", "get periodic watch progress notification from server"),
		{name: "rev", def: "=0", help: "Revision to start watching"},
	}},
	"endpoint": {use: "endpoint <subcommand>", short: "Endpoint related commands",
		flags: []flagDoc{boolFlag("cluster", "use all endpoints from the cluster member list")},
		subs: [][2]string{{"hashkv", "Prints the KV history hash for each endpoint in --endpoints"},
			{"health", "Checks the healthiness of endpoints specified in `--endpoints` flag"},
			{"status", "Prints out the status of endpoints specified in `--endpoints` flag"}}},
	"member": {use: "member <subcommand>", short: "Membership related commands",
		subs: [][2]string{{"add", "Adds a member into the cluster"}, {"list", "Lists all members in the cluster"},
			{"promote", "Promotes a non-voting member in the cluster"}, {"remove", "Removes a member from the cluster"},
			{"update", "Updates a member in the cluster"}}},
	"lease": {use: "lease <subcommand>", short: "Lease related commands",
		subs: [][2]string{{"grant", "Creates leases"}, {"keep-alive", "Keeps leases alive (renew)"}, {"list", "List all active leases"},
			{"revoke", "Revokes leases"}, {"timetolive", "Get lease information"}}},
	"alarm": {use: "alarm <subcommand>", short: "Alarm related commands",
		subs: [][2]string{{"disarm", "Disarms all alarms"}, {"list", "Lists all alarms"}}},
}

// globalUsage is etcdctl's GLOBAL OPTIONS block.
var globalUsage = []string{
	`      --cacert=""	verify certificates of TLS-enabled secure servers using this CA bundle`,
	`      --cert=""	identify secure client using this TLS certificate file`,
	`      --command-timeout=5s	timeout for short running command (excluding dial timeout)`,
	`      --debug[=false]	enable client-side debug logging`,
	`      --dial-timeout=2s	dial timeout for client connections`,
	`  -d, --discovery-srv=""	domain name to query for SRV records describing cluster endpoints`,
	`      --discovery-srv-name=""	service name to query when using DNS discovery`,
	`      --endpoints=[127.0.0.1:2379]	gRPC endpoints`,
	`      --hex[=false]	print byte strings as hex encoded strings`,
	`      --insecure-discovery[=true]	accept insecure SRV records describing cluster endpoints`,
	`      --insecure-skip-tls-verify[=false]	skip server certificate verification (CAUTION: this option should be enabled only for testing purposes)`,
	`      --insecure-transport[=true]	disable transport security for client connections`,
	`      --keepalive-time=2s	keepalive time for client connections`,
	`      --keepalive-timeout=6s	keepalive timeout for client connections`,
	`      --key=""	identify secure client using this TLS key file`,
	`      --max-recv-bytes=0	client-side response receive limit in bytes (if 0, it defaults to "math.MaxInt32")`,
	`      --max-request-bytes=0	client-side request send limit in bytes (if 0, it defaults to 2.0 MiB (2 * 1024 * 1024).)`,
	`      --password=""	password for authentication (if this option is used, --user option shouldn't include password)`,
	`      --user=""	username[:password] for authentication (prompt if password is not supplied)`,
	`  -w, --write-out="simple"	set the output format (fields, json, protobuf, simple, table)`,
}

// usageLines is command name's usage text (nil for a command without one
// here).
func usageLines(name string) []string {
	d, ok := cmdDocs[name]
	if !ok {
		return nil
	}
	out := []string{"NAME:", "  " + name + " - " + d.short, "", "USAGE:", "  etcdctl " + d.use + " [flags]", ""}
	if len(d.subs) > 0 {
		out = append(out, "API VERSION:", "  "+apiVersion, "", "COMMANDS:")
		for _, s := range d.subs {
			out = append(out, "  "+s[0]+"\t"+s[1])
		}
		out = append(out, "")
	}
	flags := append(slices.Clone(d.flags), flagDoc{name: "help", short: "h", def: "[=false]", help: "help for " + name})
	slices.SortFunc(flags, func(a, b flagDoc) int { return strings.Compare(a.name, b.name) })
	out = append(out, "OPTIONS:")
	for _, f := range flags {
		lead := "      --"
		if f.short != "" {
			lead = "  -" + f.short + ", --"
		}
		out = append(out, lead+f.name+f.def+"\t"+f.help)
	}
	out = append(out, "", "GLOBAL OPTIONS:")
	out = append(out, globalUsage...)
	return append(out, "")
}

// usageError is a flag error etcdctl answers with the command's usage
// after the error (and an empty line between).
type usageError struct {
	err   error
	usage []string
}

func (e *usageError) Error() string { return e.err.Error() + "\n" }
func (e *usageError) Unwrap() error { return e.err }

// Usage returns the usage text etcdctl prints with err (after the
// "Error:" line and an empty one), if it prints any.
func Usage(err error) []string {
	var u *usageError
	if errors.As(err, &u) {
		return u.usage
	}
	return nil
}

// withUsage makes a flag error of command name a usage error.
func withUsage(name string, err error) error {
	if err == nil || usageLines(name) == nil {
		return err
	}
	return &usageError{err: err, usage: usageLines(name)}
}
