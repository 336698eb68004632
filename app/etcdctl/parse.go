package etcdctl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// The emulator accepts etcdctl 3.6's command lines for what a learner
// types. This file turns one line into a command (and txn.go reads a txn's
// following lines); exec.go runs it against the engine and format.go,
// json.go and fields.go print results as etcdctl's simple, json and fields
// writers do (table.go: its table writer).

type cmdKind int

const (
	cmdHelp cmdKind = iota
	cmdPut
	cmdGet
	cmdDel
	cmdEndpointStatus
	cmdEndpointHashKV
	cmdMemberList
	cmdCompaction
	cmdClear // the page empties its console output (not an etcdctl command)
	cmdEndpointHealth
	cmdTxn
	cmdLeaseGrant
	cmdLeaseRevoke
	cmdLeaseTimeToLive
	cmdLeaseList
	cmdLeaseKeepAlive
	cmdVersion
	cmdAlarmList
	cmdDefrag
	cmdMoveLeader
	cmdWatch
)

// command is one parsed console line. For get and del, Key and End select
// keys as mvcc.RangeRequest does: End nil is Key alone, End "\x00" every key
// >= Key, otherwise [Key, End).
type command struct {
	kind      cmdKind
	key       []byte
	value     []byte   // put
	end       []byte   // get, del
	rev       int64    // get: 0 means the current revision; compaction's revision
	limit     int64    // get: 0 means no limit
	order     string   // get: "", "ASCEND" or "DESCEND"
	sortBy    string   // get: "", "CREATE", "KEY", "MODIFY", "VALUE" or "VERSION"
	keysOnly  bool     // get
	count     bool     // get --count-only
	valOnly   bool     // get --print-value-only
	prevKV    bool     // put, del
	serial    bool     // get --consistency=s
	hex       bool     // print keys and values hex-encoded
	endpoints []string // --endpoints: member names ("etcd-2"), numbers ("2") or client URLs; nil uses the chosen member
	write     string   // -w: "simple", "json", "fields", "table" or "protobuf"
	cluster   bool     // endpoint ...: --cluster

	lease       int64  // put --lease, lease revoke/timetolive/keep-alive's lease
	ignoreValue bool   // put --ignore-value
	ignoreLease bool   // put --ignore-lease
	warnRange   bool   // del with a range end and no --range: etcdctl warns first
	ttl         int64  // lease grant
	leaseKeys   bool   // lease timetolive --keys
	once        bool   // lease keep-alive --once
	target      uint64 // move-leader: the transferee's etcd member ID
	interactive bool   // txn -i
	progress    bool   // watch --progress-notify
	// get --min-create-rev, --max-create-rev, --min-mod-rev, --max-mod-rev (0: none)
	minCreate, maxCreate, minMod, maxMod int64
	txn                                  *txnInput // txn: what the following lines said
}

// ErrEmpty is Parse's error for a blank line (or "etcdctl" alone); the
// console ignores such a line.
var ErrEmpty = errors.New("empty command")

// flagSpec says whether a flag takes a value.
type flagSpec struct{ hasValue bool }

var globalFlags = map[string]flagSpec{
	"endpoints": {true}, "write-out": {true}, "w": {true}, "hex": {false},
}

var commandFlags = map[cmdKind]map[string]flagSpec{
	cmdPut: {"prev-kv": {false}, "lease": {true}, "ignore-value": {false}, "ignore-lease": {false}},
	cmdGet: {
		"prefix": {false}, "from-key": {false}, "keys-only": {false}, "count-only": {false},
		"print-value-only": {false}, "rev": {true}, "limit": {true}, "consistency": {true},
		"order": {true}, "sort-by": {true},
		"min-create-rev": {true}, "max-create-rev": {true}, "min-mod-rev": {true}, "max-mod-rev": {true},
	},
	cmdDel:             {"prefix": {false}, "from-key": {false}, "prev-kv": {false}, "range": {false}},
	cmdEndpointStatus:  {"cluster": {false}},
	cmdEndpointHashKV:  {"cluster": {false}, "rev": {true}},
	cmdEndpointHealth:  {"cluster": {false}},
	cmdMemberList:      {"consistency": {true}},
	cmdCompaction:      {"physical": {false}},
	cmdHelp:            {},
	cmdClear:           {},
	cmdTxn:             {"interactive": {false}, "i": {false}},
	cmdLeaseGrant:      {},
	cmdLeaseRevoke:     {},
	cmdLeaseTimeToLive: {"keys": {false}},
	cmdLeaseList:       {},
	cmdLeaseKeepAlive:  {"once": {false}},
	cmdVersion:         {},
	cmdAlarmList:       {},
	cmdDefrag:          {"cluster": {false}},
	cmdMoveLeader:      {},
	cmdWatch:           {"prefix": {false}, "prev-kv": {false}, "rev": {true}, "progress-notify": {false}},
}

// subcommands are the commands that take a subcommand word, with the ones
// the console runs.
var subcommands = map[string]map[string]cmdKind{
	"endpoint": {"status": cmdEndpointStatus, "hashkv": cmdEndpointHashKV, "health": cmdEndpointHealth},
	"lease": {"grant": cmdLeaseGrant, "revoke": cmdLeaseRevoke, "timetolive": cmdLeaseTimeToLive,
		"list": cmdLeaseList, "keep-alive": cmdLeaseKeepAlive},
	"member": {"list": cmdMemberList},
	"alarm":  {"list": cmdAlarmList},
}

// unsupported are etcdctl's commands (and subcommands) the console does
// not run, with why.
var unsupported = map[string]string{
	"snapshot":       "the playground's members keep no backend file to snapshot",
	"make-mirror":    "the playground has no second cluster to mirror to",
	"lock":           "the concurrency commands (lock, elect) are not available in the console",
	"elect":          "the concurrency commands (lock, elect) are not available in the console",
	"auth":           "the playground's cluster has no authentication",
	"user":           "the playground's cluster has no authentication",
	"role":           "the playground's cluster has no authentication",
	"check":          "check perf and check datascale are not available in the console",
	"downgrade":      "the playground's members all run one version",
	"completion":     "shell completion has no meaning in the console",
	"member add":     "the playground's membership is fixed",
	"member remove":  "the playground's membership is fixed",
	"member update":  "the playground's membership is fixed",
	"member promote": "the playground's membership is fixed",
	"alarm disarm":   "the playground raises no alarms",
}

// parseCommand parses one console entry: a command line and, for txn, the
// lines that follow it (its standard input). Errors are one line, phrased
// as etcdctl phrases them where it has an equivalent.
func parseCommand(text string) (command, error) {
	line, stdin, _ := strings.Cut(text, "\n")
	words, err := splitWords(line)
	if err != nil {
		return command{}, err
	}
	if len(words) > 0 && words[0] == "etcdctl" {
		words = words[1:]
	}
	if len(words) == 0 {
		return command{}, ErrEmpty
	}

	var c command
	rest := words[1:]
	switch w := words[0]; w {
	case "help", "--help", "-h":
		c.kind = cmdHelp
	case "clear":
		c.kind = cmdClear
	case "put":
		c.kind = cmdPut
	case "get":
		c.kind = cmdGet
	case "del", "delete":
		c.kind = cmdDel
	case "compaction":
		c.kind = cmdCompaction
	case "txn":
		c.kind = cmdTxn
	case "version":
		c.kind = cmdVersion
	case "defrag":
		c.kind = cmdDefrag
	case "move-leader":
		c.kind = cmdMoveLeader
	case "watch":
		c.kind = cmdWatch
	case "endpoint", "lease", "member", "alarm":
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return c, fmt.Errorf("%s needs a subcommand (%s)", w, subList(w))
		}
		kind, ok := subcommands[w][rest[0]]
		if !ok {
			if why, ok := unsupported[w+" "+rest[0]]; ok {
				return c, fmt.Errorf("%s %s: %s", w, rest[0], why)
			}
			return c, fmt.Errorf("unknown command %q for \"etcdctl %s\" (%s)", rest[0], w, subList(w))
		}
		c.kind = kind
		rest = rest[1:]
	default:
		if why, ok := unsupported[w]; ok {
			return c, fmt.Errorf("%s: %s", w, why)
		}
		return c, unknownCommand(w)
	}

	args, flags, err := splitFlags(rest, commandFlags[c.kind])
	if err != nil {
		return c, err
	}
	if err := c.applyFlags(flags); err != nil {
		return c, err
	}
	if err := c.applyArgs(args, flags); err != nil {
		return c, err
	}
	if c.kind == cmdTxn {
		c.txn = readTxn(stdin)
	}
	return c, nil
}

// subList lists a command's subcommands the console runs.
func subList(w string) string {
	var names []string
	for _, n := range []string{"status", "health", "hashkv", "grant", "revoke", "timetolive", "list", "keep-alive"} {
		if _, ok := subcommands[w][n]; ok {
			names = append(names, n)
		}
	}
	return strings.Join(names, ", ")
}

// splitWords splits a line as a POSIX shell would for plain words: blanks
// separate words; 'single quotes' are literal; "double quotes" allow \" \\
// \$ and \` escapes; a backslash outside quotes escapes the next character;
// bash's $'...' quoting reads \xHH, \n, \t, \r, \\, \' and \" escapes, the way
// to enter binary bytes.
func splitWords(line string) ([]string, error) {
	var words []string
	var cur strings.Builder
	inWord := false
	for i := 0; i < len(line); i++ {
		ch := line[i]
		switch {
		case ch == ' ' || ch == '\t' || ch == '\n' || ch == '\r':
			if inWord {
				words = append(words, cur.String())
				cur.Reset()
				inWord = false
			}
		case ch == '$' && i+1 < len(line) && line[i+1] == '\'':
			inWord = true
			n, err := ansiCQuoted(line[i+2:], &cur)
			if err != nil {
				return nil, err
			}
			i += 1 + n
		case ch == '\'':
			inWord = true
			j := strings.IndexByte(line[i+1:], '\'')
			if j < 0 {
				return nil, errors.New("unterminated ' quote")
			}
			cur.WriteString(line[i+1 : i+1+j])
			i += j + 1
		case ch == '"':
			inWord = true
			closed := false
			for i++; i < len(line); i++ {
				c := line[i]
				if c == '"' {
					closed = true
					break
				}
				if c == '\\' && i+1 < len(line) && strings.IndexByte("\"\\$`", line[i+1]) >= 0 {
					i++
					c = line[i]
				}
				cur.WriteByte(c)
			}
			if !closed {
				return nil, errors.New(`unterminated " quote`)
			}
		case ch == '\\':
			inWord = true
			if i+1 == len(line) {
				return nil, errors.New("a trailing backslash escapes nothing")
			}
			i++
			cur.WriteByte(line[i])
		default:
			inWord = true
			cur.WriteByte(ch)
		}
	}
	if inWord {
		words = append(words, cur.String())
	}
	return words, nil
}

// ansiCQuoted decodes the body of a $'...' word from s (which starts after
// the opening quote) into cur and returns how many bytes of s it consumed,
// closing quote included.
func ansiCQuoted(s string, cur *strings.Builder) (int, error) {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '\'' {
			return i + 1, nil
		}
		if c != '\\' || i+1 == len(s) {
			cur.WriteByte(c)
			continue
		}
		i++
		switch e := s[i]; e {
		case 'n':
			cur.WriteByte('\n')
		case 't':
			cur.WriteByte('\t')
		case 'r':
			cur.WriteByte('\r')
		case '\\', '\'', '"':
			cur.WriteByte(e)
		case 'x':
			j := i + 1
			for j < len(s) && j < i+3 && isHex(s[j]) {
				j++
			}
			if j == i+1 {
				return 0, errors.New(`\x needs hex digits in $'...'`)
			}
			v, _ := strconv.ParseUint(s[i+1:j], 16, 8)
			cur.WriteByte(byte(v))
			i = j - 1
		default:
			cur.WriteByte('\\')
			cur.WriteByte(e)
		}
	}
	return 0, errors.New("unterminated $' quote")
}

func isHex(c byte) bool {
	return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F'
}

// splitFlags separates positional arguments from --flags (also accepted:
// --flag=value, --flag value, -w value). "--" ends the flags. Every flag
// must be known to the command or global.
func splitFlags(words []string, known map[string]flagSpec) (args []string, flags map[string]string, err error) {
	flags = map[string]string{}
	for i := 0; i < len(words); i++ {
		w := words[i]
		if w == "--" {
			args = append(args, words[i+1:]...)
			break
		}
		if !strings.HasPrefix(w, "-") || w == "-" {
			args = append(args, w)
			continue
		}
		name, val, hasVal := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if strings.HasPrefix(w, "--") == (len(name) == 1) && name != "" {
			// --w or -write-out: etcdctl (pflag) rejects these too.
			return nil, nil, fmt.Errorf("unknown flag: %s", w)
		}
		spec, ok := known[name]
		if !ok {
			spec, ok = globalFlags[name]
		}
		if !ok || name == "" {
			if len(name) == 1 {
				return nil, nil, fmt.Errorf("unknown shorthand flag: '%s' in %s", name, w)
			}
			return nil, nil, fmt.Errorf("unknown flag: %s", w)
		}
		switch name {
		case "w":
			name = "write-out"
		case "i":
			name = "interactive"
		}
		switch {
		case spec.hasValue && !hasVal:
			if i+1 == len(words) {
				return nil, nil, fmt.Errorf("flag needs an argument: %s", w)
			}
			i++
			val = words[i]
		case !spec.hasValue && !hasVal:
			val = "true"
		case !spec.hasValue:
			b, err := strconv.ParseBool(val)
			if err != nil {
				return nil, nil, fmt.Errorf("invalid argument %q for %q flag: strconv.ParseBool: parsing %q: invalid syntax", val, w[:len(w)-len(val)-1], val)
			}
			val = strconv.FormatBool(b)
		}
		flags[name] = val
	}
	return args, flags, nil
}

func (c *command) applyFlags(flags map[string]string) error {
	isTrue := func(name string) bool { b, _ := strconv.ParseBool(flags[name]); return b }
	var err error
	intFlag := func(name string) int64 {
		v, ok := flags[name]
		if !ok || err != nil {
			return 0
		}
		n, perr := strconv.ParseInt(v, 0, 64)
		if perr != nil {
			err = fmt.Errorf("invalid argument %q for \"--%s\" flag: strconv.ParseInt: parsing %q: invalid syntax", v, name, v)
		}
		return n
	}
	c.rev = intFlag("rev")
	c.limit = intFlag("limit")
	c.minCreate, c.maxCreate = intFlag("min-create-rev"), intFlag("max-create-rev")
	c.minMod, c.maxMod = intFlag("min-mod-rev"), intFlag("max-mod-rev")
	if err != nil {
		return err
	}
	if c.maxCreate != 0 && c.minCreate > c.maxCreate {
		return fmt.Errorf("getMinCreateRev(=%v) > getMaxCreateRev(=%v)", c.minCreate, c.maxCreate)
	}
	if c.maxMod != 0 && c.minMod > c.maxMod {
		return fmt.Errorf("getMinModRev(=%v) > getMaxModRev(=%v)", c.minMod, c.maxMod)
	}
	c.keysOnly = isTrue("keys-only")
	c.count = isTrue("count-only")
	c.valOnly = isTrue("print-value-only")
	c.prevKV = isTrue("prev-kv")
	c.hex = isTrue("hex")
	c.cluster = isTrue("cluster")
	c.ignoreValue = isTrue("ignore-value")
	c.ignoreLease = isTrue("ignore-lease")
	c.leaseKeys = isTrue("keys")
	c.once = isTrue("once")
	c.interactive = isTrue("interactive")
	c.progress = isTrue("progress-notify")
	if ep, ok := flags["endpoints"]; ok {
		for _, e := range strings.Split(ep, ",") {
			if e = strings.TrimSpace(e); e != "" {
				c.endpoints = append(c.endpoints, e)
			}
		}
	}
	if l, ok := flags["lease"]; ok {
		id, err := strconv.ParseInt(l, 16, 64)
		if err != nil {
			return fmt.Errorf("bad lease ID (%w), expecting ID in Hex", err)
		}
		c.lease = id
	}
	switch flags["consistency"] {
	case "", "l":
	case "s":
		c.serial = true
	default:
		return fmt.Errorf("unknown consistency flag %q", flags["consistency"])
	}
	c.write = flags["write-out"]
	switch c.write {
	case "":
		c.write = "simple"
	case "simple", "json", "fields", "table", "protobuf":
	default:
		return errors.New("unsupported output format")
	}
	c.order = strings.ToUpper(flags["order"])
	switch c.order {
	case "", "ASCEND", "DESCEND":
	default:
		return fmt.Errorf("bad sort order %v", flags["order"])
	}
	c.sortBy = strings.ToUpper(flags["sort-by"])
	switch c.sortBy {
	case "", "CREATE", "KEY", "MODIFY", "VALUE", "VERSION":
	default:
		return fmt.Errorf("bad sort target %v", flags["sort-by"])
	}
	return nil
}

func (c *command) applyArgs(args []string, flags map[string]string) error {
	prefix, fromKey := flags["prefix"] == "true", flags["from-key"] == "true"
	none := func(name string) error {
		if len(args) > 0 {
			return fmt.Errorf("%s command accepts no arguments", name)
		}
		return nil
	}
	switch c.kind {
	case cmdHelp, cmdClear, cmdEndpointStatus, cmdEndpointHashKV, cmdEndpointHealth, cmdMemberList, cmdVersion, cmdDefrag, cmdLeaseList:
		if len(args) > 0 {
			return fmt.Errorf("unexpected argument %q", args[0])
		}
		return nil
	case cmdAlarmList:
		return none("alarm list")
	case cmdTxn:
		if len(args) != 0 {
			return errors.New("txn command does not accept argument")
		}
		return nil
	case cmdCompaction:
		if len(args) != 1 {
			return errors.New("compaction command needs 1 argument")
		}
		rev, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			return err
		}
		c.rev = rev
		return nil
	case cmdMoveLeader:
		if len(args) != 1 {
			return errors.New("move-leader command needs 1 argument")
		}
		id, err := strconv.ParseUint(args[0], 16, 64)
		if err != nil {
			return err
		}
		c.target = id
		return nil
	case cmdLeaseGrant:
		if len(args) != 1 {
			return errors.New("lease grant command needs TTL argument")
		}
		ttl, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil {
			return fmt.Errorf("bad TTL (%w)", err)
		}
		c.ttl = ttl
		return nil
	case cmdLeaseRevoke, cmdLeaseTimeToLive, cmdLeaseKeepAlive:
		if len(args) != 1 {
			return map[cmdKind]error{
				cmdLeaseRevoke:     errors.New("lease revoke command needs 1 argument"),
				cmdLeaseTimeToLive: errors.New("lease timetolive command needs lease ID as argument"),
				cmdLeaseKeepAlive:  errors.New("lease keep-alive command needs lease ID as argument"),
			}[c.kind]
		}
		id, err := strconv.ParseInt(args[0], 16, 64)
		if err != nil {
			return fmt.Errorf("bad lease ID arg (%w), expecting ID in Hex", err)
		}
		c.lease = id
		return nil
	case cmdWatch:
		return c.watchArgs(args, prefix)
	case cmdPut:
		if len(args) == 0 {
			return errors.New("put command needs 1 argument and input from stdin or 2 arguments")
		}
		if c.ignoreValue && len(args) > 1 {
			return errors.New("put command needs only 1 argument when 'ignore-value' is set")
		}
		if !c.ignoreValue && len(args) < 2 {
			// etcdctl would read the value from its standard input; the
			// console has none.
			return errors.New("put command needs 1 argument and input from stdin or 2 arguments")
		}
		c.key = []byte(args[0])
		if !c.ignoreValue {
			c.value = []byte(args[1])
		}
		return nil
	}

	// get and del
	name := map[cmdKind]string{cmdGet: "get", cmdDel: "del"}[c.kind]
	if len(args) == 0 || len(args) > 2 {
		return fmt.Errorf("%s command needs one argument as key and an optional argument as range_end", name)
	}
	if prefix && fromKey {
		return errors.New("`--prefix` and `--from-key` cannot be set at the same time, choose one")
	}
	if c.kind == cmdGet && c.keysOnly && c.count {
		return errors.New("`--keys-only` and `--count-only` cannot be set at the same time, choose one")
	}
	if (prefix || fromKey) && len(args) == 2 {
		return errors.New("too many arguments, only accept one argument when `--prefix` or `--from-key` is set")
	}
	c.key = []byte(args[0])
	switch {
	case len(args) == 2:
		c.end = []byte(args[1])
		c.warnRange = c.kind == cmdDel && flags["range"] != "true"
	case prefix:
		c.end = PrefixEnd(c.key)
	case fromKey:
		c.end = []byte{0}
	}
	if len(c.key) == 0 && c.end != nil {
		// As etcd's client: an empty key with a range means "from the first key".
		c.key = []byte{0}
	}
	return nil
}

// rangeRequest is the read a get command asks for. As etcdctl, a sort
// target without an order sorts ascending.
func (c command) rangeRequest() mvcc.RangeRequest {
	r := mvcc.RangeRequest{Key: c.key, End: c.end, Rev: c.rev, Limit: c.limit, KeysOnly: c.keysOnly, CountOnly: c.count}
	switch c.order {
	case "ASCEND":
		r.SortOrder = mvcc.SortAscend
	case "DESCEND":
		r.SortOrder = mvcc.SortDescend
	}
	if c.sortBy != "" && r.SortOrder == mvcc.SortNone {
		r.SortOrder = mvcc.SortAscend
	}
	switch c.sortBy {
	case "CREATE":
		r.SortTarget = mvcc.SortByCreate
	case "MODIFY":
		r.SortTarget = mvcc.SortByMod
	case "VALUE":
		r.SortTarget = mvcc.SortByValue
	case "VERSION":
		r.SortTarget = mvcc.SortByVersion
	}
	return r
}

// PrefixEnd is the end of the range of keys that start with prefix: the
// prefix with its last byte below 0xff incremented and the rest dropped;
// "\x00" (every key) when there is none, as etcd's client computes it.
// The page's key panel uses it for its prefix reads too.
func PrefixEnd(prefix []byte) []byte {
	end := append([]byte(nil), prefix...)
	for i := len(end) - 1; i >= 0; i-- {
		if end[i] < 0xff {
			end[i]++
			return end[:i+1]
		}
	}
	return []byte{0}
}
