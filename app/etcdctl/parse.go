package etcdctl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
)

// The emulator accepts a subset of etcdctl (v3) command lines. This file
// turns one line into a command; exec.go runs it against the engine and
// format.go prints results as etcdctl's "simple" and "table" writers do.

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
)

// command is one parsed console line. For get and del, Key and End select
// keys as mvcc.RangeRequest does: End nil is Key alone, End "\x00" every key
// >= Key, otherwise [Key, End).
type command struct {
	kind     cmdKind
	key      []byte
	value    []byte // put
	end      []byte // get, del
	rev      int64  // get: 0 means the current revision
	limit    int64  // get: 0 means no limit
	order    string // get: "", "ASCEND" or "DESCEND"
	sortBy   string // get: "", "CREATE", "KEY", "MODIFY", "VALUE" or "VERSION"
	keysOnly bool   // get
	count    bool   // get --count-only
	valOnly  bool   // get --print-value-only
	prevKV   bool   // del
	serial   bool   // get --consistency=s
	hex      bool   // print keys and values hex-encoded
	endpoint string // --endpoints: a member name ("etcd-2") or id ("2"); "" uses the chosen member
	table    bool   // -w table
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
	cmdPut: {},
	cmdGet: {
		"prefix": {false}, "from-key": {false}, "keys-only": {false}, "count-only": {false},
		"print-value-only": {false}, "rev": {true}, "limit": {true}, "consistency": {true},
		"order": {true}, "sort-by": {true},
	},
	cmdDel:            {"prefix": {false}, "from-key": {false}, "prev-kv": {false}},
	cmdEndpointStatus: {"cluster": {false}},
	cmdEndpointHashKV: {"cluster": {false}},
	cmdMemberList:     {},
	cmdCompaction:     {"physical": {false}},
	cmdHelp:           {},
	cmdClear:          {},
}

// parseCommand parses one console line. Errors are one line, phrased as
// etcdctl phrases them where it has an equivalent.
func parseCommand(line string) (command, error) {
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
	switch words[0] {
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
	case "endpoint":
		if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
			return c, errors.New(`endpoint needs a subcommand: "endpoint status" or "endpoint hashkv"`)
		}
		switch rest[0] {
		case "status":
			c.kind = cmdEndpointStatus
		case "hashkv":
			c.kind = cmdEndpointHashKV
		default:
			return c, fmt.Errorf("unknown command %q for \"endpoint\" (try status or hashkv)", rest[0])
		}
		rest = rest[1:]
	case "compaction":
		c.kind = cmdCompaction
	case "member":
		if len(rest) == 0 || rest[0] != "list" {
			return c, errors.New(`member needs the subcommand "list" (the playground's membership is fixed)`)
		}
		c.kind = cmdMemberList
		rest = rest[1:]
	default:
		return c, fmt.Errorf("unknown command %q (try help)", words[0])
	}

	args, flags, err := splitFlags(rest, commandFlags[c.kind])
	if err != nil {
		return c, err
	}
	if err := c.applyFlags(flags); err != nil {
		return c, err
	}
	return c, c.applyArgs(args, flags)
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
			return nil, nil, fmt.Errorf("unknown flag: %s", w)
		}
		if name == "w" {
			name = "write-out"
		}
		if _, dup := flags[name]; dup {
			return nil, nil, fmt.Errorf("flag --%s given twice", name)
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
				return nil, nil, fmt.Errorf("invalid argument %q for %s: want true or false", val, "--"+name)
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
		n, perr := strconv.ParseInt(v, 10, 64)
		if perr != nil || n < 0 {
			err = fmt.Errorf("invalid argument %q for --%s: want a non-negative integer", v, name)
		}
		return n
	}
	c.rev = intFlag("rev")
	c.limit = intFlag("limit")
	if err != nil {
		return err
	}
	c.keysOnly = isTrue("keys-only")
	c.count = isTrue("count-only")
	c.valOnly = isTrue("print-value-only")
	c.prevKV = isTrue("prev-kv")
	c.hex = isTrue("hex")
	c.endpoint = flags["endpoints"]
	if strings.Contains(c.endpoint, ",") {
		return errors.New("--endpoints: the console talks to one member at a time (e.g. --endpoints=etcd-2)")
	}
	switch flags["consistency"] {
	case "", "l":
	case "s":
		c.serial = true
	default:
		return fmt.Errorf("unknown consistency flag %q", flags["consistency"])
	}
	switch w := flags["write-out"]; w {
	case "", "simple":
	case "table":
		if c.kind != cmdEndpointStatus && c.kind != cmdMemberList && c.kind != cmdEndpointHashKV {
			return errors.New("-w table is supported by endpoint status, endpoint hashkv and member list")
		}
		c.table = true
	default:
		return fmt.Errorf("unsupported output format %q (simple or table)", w)
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
	switch c.kind {
	case cmdHelp, cmdClear, cmdEndpointStatus, cmdEndpointHashKV, cmdMemberList:
		if len(args) > 0 {
			return fmt.Errorf("unexpected argument %q", args[0])
		}
		return nil
	case cmdCompaction:
		if len(args) != 1 {
			return errors.New("compaction command needs 1 argument: the revision")
		}
		rev, err := strconv.ParseInt(args[0], 10, 64)
		if err != nil || rev <= 0 {
			return fmt.Errorf("bad revision %q: want a positive integer", args[0])
		}
		c.rev = rev
		return nil
	case cmdPut:
		if len(args) != 2 {
			return errors.New("put command needs 2 arguments: key and value")
		}
		if args[0] == "" {
			return errors.New("put: the key is empty (etcdserver: key is not provided)")
		}
		c.key, c.value = []byte(args[0]), []byte(args[1])
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
	if (prefix || fromKey) && len(args) == 2 {
		flag := "--prefix"
		if fromKey {
			flag = "--from-key"
		}
		return fmt.Errorf("too many arguments, only accept one argument when `%s` is set", flag)
	}
	c.key = []byte(args[0])
	switch {
	case len(args) == 2:
		c.end = []byte(args[1])
	case prefix:
		c.end = PrefixEnd(c.key)
	case fromKey:
		c.end = []byte{0}
	}
	if len(c.key) == 0 {
		if c.end == nil {
			return fmt.Errorf("%s: the key is empty (etcdserver: key is not provided)", name)
		}
		// As etcd's client: an empty key with a range means "from the first key".
		c.key = []byte{0}
	}
	return nil
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
