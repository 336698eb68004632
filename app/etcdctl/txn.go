package etcdctl

import (
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// A txn reads its compares and requests from the lines that follow the
// command (etcdctl reads them from standard input): compares, one per line,
// up to an empty line; then the success requests (put, get, del command
// lines) up to an empty line; then the failure requests up to an empty
// line. With -i (--interactive) etcdctl prints a prompt before each part.
// The console enters each line with Enter; More says when an entry is
// complete.

// Prompts etcdctl prints before each part of an interactive txn.
var txnPrompts = [3]string{"compares:", "success requests (get, put, del):", "failure requests (get, put, del):"}

// txnInput is what a txn's lines said: the request, how many parts ended,
// and the first line etcdctl refuses (then reading stopped there).
type txnInput struct {
	req   mvcc.TxnRequest
	parts int // parts ended by an empty line, 0..3
	err   error
}

// readTxn reads a txn's input lines (etcdctl's standard input) as far as
// they go.
func readTxn(stdin string) *txnInput {
	t := &txnInput{}
	if stdin == "" {
		return t
	}
	for _, line := range strings.Split(stdin, "\n") {
		if t.parts == 3 || t.err != nil {
			break
		}
		line = strings.TrimSpace(line)
		if line == "" {
			t.parts++
			continue
		}
		if t.parts == 0 {
			cmp, err := parseCompare(line)
			if err != nil {
				t.err = err
				break
			}
			t.req.Compare = append(t.req.Compare, cmp)
			continue
		}
		op, err := parseRequestOp(line)
		if err != nil {
			t.err = err
			break
		}
		if t.parts == 1 {
			t.req.Success = append(t.req.Success, op)
		} else {
			t.req.Failure = append(t.req.Failure, op)
		}
	}
	return t
}

// More reports whether the console entry text (a command line and the
// lines entered after it, joined by "\n") needs more lines before it can
// run: a txn until its three parts ended with an empty line each, or until
// a line is refused (then it runs, and fails with etcdctl's error). prompt
// is the line etcdctl would print before the next part of an interactive
// txn ("" when it prints none).
func More(text string) (more bool, prompt string) {
	c, err := parseCommand(text)
	if err != nil || c.kind != cmdTxn || c.txn.err != nil || c.txn.parts == 3 {
		return false, ""
	}
	if c.interactive {
		prompt = txnPrompts[c.txn.parts]
	}
	return true, prompt
}

// errTxnIncomplete: the txn's input ended before its three parts did
// (etcdctl reads EOF from its standard input).
var errTxnIncomplete = errors.New("EOF")

// parseCompare parses one compare line as etcdctl does:
// target("key") op "value", target one of ver(sion), c(reate), m(od),
// val(ue) and lease (hex), op one of = != > <.
func parseCompare(line string) (mvcc.Compare, error) {
	var key, op, val string
	target, rest, ok := strings.Cut(line, "(")
	if !ok {
		return mvcc.Compare{}, fmt.Errorf("malformed comparison: %s", line)
	}
	n, serr := fmt.Sscanf(rest, "%q) %s %q", &key, &op, &val)
	if n != 3 {
		return mvcc.Compare{}, fmt.Errorf("malformed comparison: %s; got %s(%q) %s %q", line, target, key, op, val)
	}
	if serr != nil {
		return mvcc.Compare{}, fmt.Errorf("malformed comparison: %s (%w)", line, serr)
	}
	cmp := mvcc.Compare{Key: []byte(key)}
	if cmp.Result, ok = CompareResult(op); !ok {
		// etcdctl panics here ("Unknown result op").
		return mvcc.Compare{}, fmt.Errorf("malformed comparison: %s (unknown result op %q: want =, !=, > or <)", line, op)
	}
	var err error
	switch target {
	case "ver", "version":
		cmp.Target = mvcc.CompareVersion
		cmp.Version, err = strconv.ParseInt(val, 10, 64)
	case "c", "create":
		cmp.Target = mvcc.CompareCreate
		cmp.CreateRevision, err = strconv.ParseInt(val, 10, 64)
	case "m", "mod":
		cmp.Target = mvcc.CompareMod
		cmp.ModRevision, err = strconv.ParseInt(val, 10, 64)
	case "val", "value":
		cmp.Target = mvcc.CompareValue
		cmp.Value = []byte(val)
	case "lease":
		cmp.Target = mvcc.CompareLease
		cmp.Lease, err = strconv.ParseInt(val, 16, 64)
	default:
		return mvcc.Compare{}, fmt.Errorf("malformed comparison: %s (unknown target %s)", line, target)
	}
	if err != nil {
		return mvcc.Compare{}, fmt.Errorf("invalid txn compare request: %s", line)
	}
	return cmp, nil
}

// parseRequestOp parses one request line of a txn: a put, get or del
// command line with its flags.
func parseRequestOp(line string) (mvcc.RequestOp, error) {
	words, err := splitWords(line)
	if err != nil || len(words) < 2 {
		return mvcc.RequestOp{}, fmt.Errorf("invalid txn compare request: %s", line)
	}
	bad := fmt.Errorf("invalid txn request: %s", line)
	for _, w := range words {
		// etcdctl's global flags are not flags of a txn's requests.
		name, _, _ := strings.Cut(strings.TrimLeft(w, "-"), "=")
		if _, global := globalFlags[name]; global && strings.HasPrefix(w, "-") {
			return mvcc.RequestOp{}, bad
		}
	}
	c, err := parseCommand(line)
	if err != nil {
		return mvcc.RequestOp{}, bad
	}
	switch c.kind {
	case cmdPut:
		if c.ignoreValue || c.ignoreLease {
			return mvcc.RequestOp{}, fmt.Errorf("%s: --ignore-value and --ignore-lease are not available inside a txn in the console", bad)
		}
		return mvcc.RequestOp{Put: &mvcc.PutRequest{Key: c.key, Value: c.value, Lease: c.lease, PrevKV: c.prevKV}}, nil
	case cmdGet:
		r := c.rangeRequest()
		return mvcc.RequestOp{Range: &r}, nil
	case cmdDel:
		return mvcc.RequestOp{DeleteRange: &mvcc.DeleteRangeRequest{Key: c.key, End: c.end, PrevKV: c.prevKV}}, nil
	}
	return mvcc.RequestOp{}, bad
}

// WithInput returns the command with lines as its standard input: the
// lines entered after it, as Parse takes them (a txn's compares and
// requests). A command that reads no input ignores them, as etcdctl does.
func (c Command) WithInput(lines []string) (Command, error) {
	if c.c.kind != cmdTxn {
		return c, nil
	}
	c.c.txn = readTxn(strings.Join(lines, "\n"))
	return c, nil
}

// CompareResult maps a txn comparison's operator as etcdctl writes it
// ("=", "!=", ">", "<") to mvcc's; ok is false for any other. The
// postMessage API's txn uses it too.
func CompareResult(op string) (r mvcc.CompareResult, ok bool) {
	switch op {
	case "=":
		return mvcc.CompareEqual, true
	case "!=":
		return mvcc.CompareNotEqual, true
	case ">":
		return mvcc.CompareGreater, true
	case "<":
		return mvcc.CompareLess, true
	}
	return 0, false
}
