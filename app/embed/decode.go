package embed

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strconv"
	"strings"
)

// Decoding a command strictly, as JavaScript reads an object: field names
// match exactly (encoding/json alone matches them case-insensitively and
// lets the last duplicate win, so {CMD: "kill", MEMBER: 5} or
// {cmd: "status", Cmd: "restart"} would run a command the sender's own
// JavaScript never sees). Every field is one of commandFields, at most
// once, of the type its command takes; anything else is refused with an
// error naming the field.

// Bounds of one message (frame_js.go reads a message from an allowed
// origin within them; handle refuses JSON longer than maxMessageBytes
// unread). A command needs a few dozen values; a put's value is at most
// maxValueBytes, which JSON escaping can make six times longer.
const (
	maxMessageValues = 1024
	maxMessageBytes  = 8 * maxValueBytes
)

// maxEchoRunes bounds how much of a name the sender chose an error quotes.
const maxEchoRunes = 40

// echo is v quoted for an error, cut to maxEchoRunes runes (as the page
// quotes a bad URL parameter).
func echo(v string) string {
	if r := []rune(v); len(r) > maxEchoRunes {
		return strconv.Quote(string(r[:maxEchoRunes])) + "…"
	}
	return strconv.Quote(v)
}

// commandFields are the fields a command may have. The fields of each cmd
// are in cmdFields; etcdplay, id and cmd belong to every command.
var commandFields = []string{"etcdplay", "id", "cmd", "member", "groups", "key", "value", "serializable",
	"count", "rate", "keys", "valueSize", "sequential", "start", "prefix", "end", "startRevision", "prevKv", "watch",
	"compare", "success", "failure", "action", "ttl", "lease", "withKeys", "history", "link", "tick"}

// cmdFields lists the fields each cmd takes besides etcdplay, id and cmd.
var cmdFields = map[string][]string{
	"kill":      {"member"},
	"restart":   {"member"},
	"partition": {"groups"},
	"heal":      nil,
	"put":       {"key", "value", "member", "lease"},
	"get":       {"key", "member", "serializable"},
	"stress":    {"count", "rate", "keys", "valueSize", "member", "sequential", "start"},
	"status":    nil,
	"watch":     {"key", "prefix", "end", "startRevision", "prevKv", "member"},
	"unwatch":   {"watch"},
	"txn":       {"compare", "success", "failure", "member"},
	"lease":     {"action", "ttl", "lease", "withKeys", "member"},
	"history":   {"action", "history", "link", "tick"},
}

// commandList names the cmds, for errors.
const commandList = "kill, restart, partition, heal, put, get, stress, status, watch, unwatch, txn, lease, history"

// rawField is one field of a message as it was written.
type rawField struct {
	name  string
	value json.RawMessage
}

// errNotOurs: the message is not an etcd-play command (not a JSON object
// with an "etcdplay" field that is not null); pages receive unrelated
// messages, which the API ignores.
var errNotOurs = errors.New("not an etcd-play message")

// splitFields reads data as one JSON object into its fields, in order,
// duplicates kept. Anything else (not JSON, not an object) is errNotOurs.
func splitFields(data []byte) ([]rawField, error) {
	if err := countValues(data, maxMessageValues); err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, errNotOurs
	}
	var fs []rawField
	for dec.More() {
		tok, err := dec.Token()
		name, ok := tok.(string)
		if err != nil || !ok {
			return nil, errNotOurs
		}
		var v json.RawMessage
		if err := dec.Decode(&v); err != nil {
			return nil, errNotOurs
		}
		fs = append(fs, rawField{name, v})
	}
	if tok, err := dec.Token(); err != nil || tok != json.Delim('}') {
		return nil, errNotOurs
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, errNotOurs // more after the object
	}
	return fs, nil
}

// errTooManyValues: JSON with more than maxMessageValues values.
var errTooManyValues = fmt.Errorf("a message holds at most %d values", maxMessageValues)

// countValues returns errTooManyValues when data holds more than max JSON
// values (objects, arrays and scalars; object keys are not values), having
// read no further than the value past max. It does not check that data is
// valid JSON (splitFields does).
func countValues(data []byte, max int) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	// inObject[i]: container i is an object, whose next token is a key
	// when key[i].
	var inObject, key []bool
	n := 0
	for {
		tok, err := dec.Token()
		if err != nil {
			return nil
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			inObject, key = inObject[:len(inObject)-1], key[:len(key)-1]
			continue
		}
		if k := len(key) - 1; k >= 0 && inObject[k] {
			if key[k] = !key[k]; !key[k] {
				continue // a key; the value comes next
			}
		}
		if n++; n > max {
			return errTooManyValues
		}
		if d, ok := tok.(json.Delim); ok {
			inObject, key = append(inObject, d == '{'), append(key, true)
		}
	}
}

// echoOf is what a reply to fs can echo: its id (any JSON value) and its
// cmd (when a string), each only when given exactly once.
func echoOf(fs []rawField) Command {
	var c Command
	var ids, cmds int
	for _, f := range fs {
		switch f.name {
		case "id":
			ids++
			c.ID = f.value
		case "cmd":
			cmds++
			c.Cmd = ""
			json.Unmarshal(f.value, &c.Cmd)
		}
	}
	if ids != 1 {
		c.ID = nil
	}
	if cmds != 1 {
		c.Cmd = ""
	}
	return c
}

// ours reports whether fs is an etcd-play message: it has an "etcdplay"
// field (exactly so named) that is not null.
func ours(fs []rawField) bool {
	for _, f := range fs {
		if f.name == "etcdplay" && string(f.value) != "null" {
			return true
		}
	}
	return false
}

// decodeCommand builds the command fs spells, refusing a field that is
// unknown, differs from a known one only in case, is given twice, has the
// wrong JSON type, or does not belong to the command's cmd.
func decodeCommand(fs []rawField) (Command, error) {
	var c Command
	seen := map[string]bool{}
	for _, f := range fs {
		if !slices.Contains(commandFields, f.name) {
			for _, known := range commandFields {
				if strings.EqualFold(f.name, known) {
					return c, fmt.Errorf("field %s: field names are case-sensitive (did you mean %s?)", echo(f.name), known)
				}
			}
			return c, fmt.Errorf("unknown field %s (fields: %s)", echo(f.name), strings.Join(commandFields, ", "))
		}
		if seen[f.name] {
			return c, fmt.Errorf("field %s is given twice", f.name)
		}
		seen[f.name] = true
		if err := c.setField(f.name, f.value); err != nil {
			return c, err
		}
	}
	if c.EtcdPlay != ProtocolVersion {
		return c, fmt.Errorf("protocol version %d: this playground speaks version %d", c.EtcdPlay, ProtocolVersion)
	}
	takes, known := cmdFields[c.Cmd]
	switch {
	case c.Cmd == "":
		return c, errors.New("cmd is required")
	case !known:
		return c, fmt.Errorf("unknown cmd %s (commands: %s)", echo(c.Cmd), commandList)
	}
	for _, f := range fs {
		if f.name != "etcdplay" && f.name != "id" && f.name != "cmd" && !slices.Contains(takes, f.name) {
			return c, fmt.Errorf("%s does not take %s (it takes %s)", c.Cmd, f.name, fieldList(takes))
		}
	}
	return c, nil
}

func fieldList(names []string) string {
	if len(names) == 0 {
		return "no other field"
	}
	return strings.Join(names, ", ")
}

// setField decodes one field's value into c, with an error naming the
// field when its JSON type is wrong (null included: no field is nullable).
func (c *Command) setField(name string, v json.RawMessage) error {
	var (
		dst  any
		want string
	)
	switch name {
	case "id":
		c.ID = v
		return nil
	case "etcdplay":
		dst, want = &c.EtcdPlay, "the number 1"
	case "cmd":
		dst, want = &c.Cmd, "a string"
	case "member":
		dst, want = &c.Member, "a whole number from 0"
	case "groups":
		dst, want = &c.Groups, "a list of lists of member numbers"
	case "key":
		c.Key = new(string)
		dst, want = c.Key, "a string"
	case "value":
		dst, want = &c.Value, "a string"
	case "serializable":
		dst, want = &c.Serializable, "true or false"
	case "sequential":
		dst, want = &c.Sequential, "true or false"
	case "count":
		dst, want = &c.Count, "a whole number"
	case "rate":
		dst, want = &c.Rate, "a whole number"
	case "keys":
		dst, want = &c.Keys, "a whole number"
	case "valueSize":
		dst, want = &c.ValueSize, "a whole number"
	case "start":
		c.Start = new(int)
		dst, want = c.Start, "a whole number"
	case "prefix":
		dst, want = &c.Prefix, "true or false"
	case "end":
		c.End = new(string)
		dst, want = c.End, "a string"
	case "startRevision":
		dst, want = &c.StartRevision, "a whole number"
	case "prevKv":
		dst, want = &c.PrevKV, "true or false"
	case "watch":
		dst, want = &c.Watch, "a watch number"
	case "compare", "success", "failure":
		if len(v) == 0 || v[0] != '[' {
			return fmt.Errorf("%s must be a list of objects, not %s", name, jsonKindOf(v))
		}
		switch name {
		case "compare":
			c.Compare = v
		case "success":
			c.Success = v
		default:
			c.Failure = v
		}
		return nil
	case "action":
		dst, want = &c.Action, "a string"
	case "ttl":
		dst, want = &c.TTL, "a whole number of seconds"
	case "lease":
		dst, want = &c.Lease, "a lease ID in hex (a string)"
	case "withKeys":
		dst, want = &c.WithKeys, "true or false"
	case "history":
		if len(v) == 0 || v[0] != '{' {
			return fmt.Errorf("history must be a history file's object, not %s", jsonKindOf(v))
		}
		c.History = v
		return nil
	case "link":
		dst, want = &c.Link, "a shared link's text (a string)"
	case "tick":
		c.Tick = new(int64)
		dst, want = c.Tick, "a whole number"
	default:
		return fmt.Errorf("unknown field %s", echo(name))
	}
	if string(v) == "null" {
		return fmt.Errorf("%s must be %s, not null", name, want)
	}
	if err := json.Unmarshal(v, dst); err != nil {
		return fmt.Errorf("%s must be %s, not %s", name, want, jsonKind(v, err))
	}
	return nil
}

// jsonKind names what a value that did not decode is: "string",
// "number 1e+30", "a list", ... (the part that was wrong when it is
// nested).
func jsonKind(v json.RawMessage, err error) string {
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		switch {
		case te.Value == "array":
			return "a list"
		case te.Value == "object":
			return "an object"
		case te.Value == "bool":
			return "true or false"
		}
		return te.Value
	}
	return fmt.Sprintf("%.40s", v)
}

// jsonKindOf names the JSON type of v, for errors.
func jsonKindOf(v json.RawMessage) string {
	switch {
	case len(v) == 0:
		return "nothing"
	case v[0] == '{':
		return "an object"
	case v[0] == '"':
		return "a string"
	case string(v) == "null":
		return "null"
	case string(v) == "true" || string(v) == "false":
		return "true or false"
	}
	return fmt.Sprintf("%.40s", v)
}
