package cluster

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// History files and links.
//
// A HistoryFile is what Replay needs to give a run again (the cluster's
// size, seed and initial settings, and its actions), plus the tick its
// sharer was looking at. It travels as JSON (a file a person exports and
// imports) or as a link (the same JSON, compressed, in a URL).
//
// # JSON file
//
// One JSON object (UTF-8), with exactly these members:
//
//	{
//	  "Version": 1,                     // HistoryVersion; a newer one is refused
//	  "Members": 5,                     // 1, 3, 5 or 7
//	  "Seed": 42,
//	  "Settings": {"PreVote": true, "CheckQuorum": true, "ElectionTicks": 10,
//	    "HeartbeatTicks": 1, "SnapshotCount": 100, "CatchUpCount": 50,
//	    "MaxInflightMsgs": 256, "MaxSizePerMsg": 1048576, "UnsafeLocalReads": false},
//	  "Tick": 120,                      // the tick the sharer was looking at (<= End)
//	  "End": 300,                       // the run's length in ticks when saved
//	  "Actions": [
//	    {"Tick": 31, "Kind": "kill", "Member": 2},
//	    {"Tick": 40, "Kind": "partition", "Groups": [[1, 2], [3, 4, 5]]},
//	    {"Tick": 41, "Kind": "drop", "From": 1, "To": 3, "P": 0.25},
//	    {"Tick": 45, "Kind": "call", "Member": 1,
//	     "Op": {"Put": {"Key": "Zm9v", "Value": "YmFy", "Lease": 0, "PrevKV": false}}}
//	  ]
//	}
//
// An action has Tick and Kind (one of ActionKinds) and the fields its kind
// uses (see the Kind constants; the others are left out): Member, From, To
// (member IDs), Groups (partition: lists of member IDs), P (drop and
// duplicate: a probability in [0, 1]), Ticks (delay and reorder: 0 to
// MaxHistoryLinkTicks), ID (drop-message: a message ID; watch and stress:
// the number the watch or run gets, 1, 2, ... in creation order, or
// omitted; watch-cancel and stress-stop: the number of the watch or run
// they end), Op (call), Watch (watch), Stress (stress), Settings
// (settings). Op is node.Op with its request's fields named as in package
// mvcc and only the request set; Watch is a WatchRequest; Stress a
// StressConfig; byte strings (keys, values) are standard base64, as Go's
// encoding/json writes []byte. Actions are in the order they ran, with
// non-decreasing ticks, none after End.
//
// Decoding is strict: unknown members, a version newer than
// HistoryVersion, a kind not in ActionKinds, a member ID outside
// 1..Members, a probability that is not a number in [0, 1], negative or
// too long ticks, settings that Settings.Validate refuses, a watch or
// stress run number that names none, more than MaxHistoryActions actions
// or a file over MaxHistoryFileBytes each give an error naming the first
// problem (e.g. "history file: action 12: member 9 is not in 1..5").
// Encoding checks the same rules, so what encodes decodes.
//
// # Link
//
// A link is "1." (the version and a dot) followed by the JSON file,
// compressed with DEFLATE (compress/flate) and encoded as unpadded
// base64url: it fits a URL fragment. A link is at most MaxHistoryLinkBytes
// long and inflates to at most MaxHistoryFileBytes; a link whose version
// is newer than HistoryVersion is refused before it is decoded.

// HistoryVersion is the version of the history file and link formats.
const HistoryVersion = 1

// Limits of a history file or link.
const (
	MaxHistoryFileBytes = 8 << 20 // a JSON file, or a link's inflated JSON
	MaxHistoryLinkBytes = 64 << 10
	MaxHistoryActions   = 100_000
	MaxHistoryTicks     = 1 << 32 // End
	MaxHistoryLinkTicks = 10_000  // an action's Ticks (delay, reorder window)
	maxHistoryTxnDepth  = 32
	// Stress runs: bounds that keep a replay's work finite and sane.
	maxStressRate, maxStressCount, maxStressKeys = 100_000, 10_000_000, 100_000
	maxStressValueSize, maxStressOutstanding     = 1 << 20, 100_000
	maxStressStart                               = 10_000_000
)

// HistoryFile is a run's history as shared (see the section comment).
type HistoryFile struct {
	Version  int      // HistoryVersion
	Members  int      // Config.Members
	Seed     int64    // Config.Seed
	Settings Settings // the settings the run started with (Config.WithSettings)
	Tick     uint64   // the tick the sharer was looking at
	End      uint64   // the history's last tick
	Actions  []Action
}

// ErrHistoryVersion is wrapped by the error for a file or link of a newer
// format than this build reads.
var ErrHistoryVersion = errors.New("it was made by a newer version of the playground")

// EncodeHistoryJSON returns f as a JSON file (indented, one action a
// line), after checking it as DecodeHistoryJSON would.
func EncodeHistoryJSON(f HistoryFile) ([]byte, error) {
	b, err := encodeHistory(f, true)
	if err != nil {
		return nil, fmt.Errorf("history file: %w", err)
	}
	return b, nil
}

// DecodeHistoryJSON parses and checks a JSON history file.
func DecodeHistoryJSON(data []byte) (HistoryFile, error) {
	f, err := decodeHistory(data)
	if err != nil {
		return HistoryFile{}, fmt.Errorf("history file: %w", err)
	}
	return f, nil
}

// linkPrefix starts every link of this version.
var linkPrefix = strconv.Itoa(HistoryVersion) + "."

// EncodeHistoryLink returns f as a link (see the section comment).
func EncodeHistoryLink(f HistoryFile) (string, error) {
	b, err := encodeHistory(f, false)
	if err != nil {
		return "", fmt.Errorf("history link: %w", err)
	}
	var z bytes.Buffer
	w, err := flate.NewWriter(&z, flate.BestCompression)
	if err != nil {
		return "", fmt.Errorf("history link: %w", err)
	}
	w.Write(b) // writes to a bytes.Buffer do not fail
	if err := w.Close(); err != nil {
		return "", fmt.Errorf("history link: %w", err)
	}
	link := linkPrefix + base64.RawURLEncoding.EncodeToString(z.Bytes())
	if len(link) > MaxHistoryLinkBytes {
		return "", fmt.Errorf("history link: %d bytes, over the limit of %d: export the history as a file instead", len(link), MaxHistoryLinkBytes)
	}
	return link, nil
}

// DecodeHistoryLink parses and checks a link made by EncodeHistoryLink.
func DecodeHistoryLink(link string) (HistoryFile, error) {
	f, err := decodeLink(link)
	if err != nil {
		return HistoryFile{}, fmt.Errorf("history link: %w", err)
	}
	return f, nil
}

func decodeLink(link string) (HistoryFile, error) {
	if len(link) > MaxHistoryLinkBytes {
		return HistoryFile{}, fmt.Errorf("%d bytes, over the limit of %d", len(link), MaxHistoryLinkBytes)
	}
	version, payload, ok := strings.Cut(link, ".")
	if !ok {
		return HistoryFile{}, errors.New(`no version: a link starts with "1."`)
	}
	v, err := strconv.Atoi(version)
	switch {
	case err != nil || v < 1 || strconv.Itoa(v) != version:
		return HistoryFile{}, fmt.Errorf("version %.10q is not a version number", version)
	case v > HistoryVersion:
		return HistoryFile{}, fmt.Errorf("version %d: %w (this one reads version %d)", v, ErrHistoryVersion, HistoryVersion)
	}
	z, err := base64.RawURLEncoding.Strict().DecodeString(payload)
	if err != nil {
		return HistoryFile{}, fmt.Errorf("not base64url: %v (was the link cut short or changed?)", err)
	}
	r := flate.NewReader(bytes.NewReader(z))
	defer r.Close()
	data, err := io.ReadAll(io.LimitReader(r, MaxHistoryFileBytes+1))
	switch {
	case err != nil:
		return HistoryFile{}, fmt.Errorf("corrupt compressed data: %v (was the link cut short or changed?)", err)
	case len(data) > MaxHistoryFileBytes:
		return HistoryFile{}, fmt.Errorf("it inflates to over %d bytes", MaxHistoryFileBytes)
	}
	return decodeHistory(data)
}

// fileJSON, actionJSON and opJSON are the JSON forms of HistoryFile,
// Action and Op: opJSON is Op with its unset requests left out (a
// conversion, so a field added to node.Op fails to compile here until
// it is added below).
type (
	fileJSON struct {
		Version  int
		Members  int
		Seed     int64
		Settings *Settings
		Tick     uint64
		End      uint64
		Actions  []actionJSON
	}
	actionJSON struct {
		Tick             uint64
		Kind             string
		Member, From, To uint64        `json:",omitempty"`
		Groups           [][]uint64    `json:",omitempty"`
		P                float64       `json:",omitempty"`
		Ticks            int           `json:",omitempty"`
		ID               uint64        `json:",omitempty"`
		Op               *opJSON       `json:",omitempty"`
		Watch            *WatchRequest `json:",omitempty"`
		Stress           *StressConfig `json:",omitempty"`
		Settings         *Settings     `json:",omitempty"`
	}
	opJSON struct {
		Put             *mvcc.PutRequest         `json:",omitempty"`
		Range           *mvcc.RangeRequest       `json:",omitempty"`
		DeleteRange     *mvcc.DeleteRangeRequest `json:",omitempty"`
		Txn             *mvcc.TxnRequest         `json:",omitempty"`
		Compact         int64                    `json:",omitempty"`
		LeaseGrant      *mvcc.LeaseGrantRequest  `json:",omitempty"`
		LeaseRevoke     int64                    `json:",omitempty"`
		LeaseKeepAlive  int64                    `json:",omitempty"`
		LeaseTimeToLive int64                    `json:",omitempty"`
		LeaseKeys       bool                     `json:",omitempty"`
		LeaseLeases     bool                     `json:",omitempty"`
		Serializable    bool                     `json:",omitempty"`
	}
)

func encodeHistory(f HistoryFile, indent bool) ([]byte, error) {
	if err := checkHistory(&f); err != nil {
		return nil, err
	}
	fj := fileJSON{Version: f.Version, Members: f.Members, Seed: f.Seed, Settings: &f.Settings,
		Tick: f.Tick, End: f.End, Actions: make([]actionJSON, len(f.Actions))}
	for i, a := range f.Actions {
		aj := actionJSON{Tick: a.Tick, Kind: a.Kind, Member: a.Member, From: a.From, To: a.To,
			Groups: a.Groups, P: a.P, Ticks: a.Ticks, ID: a.ID,
			Watch: a.Watch, Stress: a.Stress, Settings: a.Settings}
		if a.Op != nil {
			op := opJSON(*a.Op)
			aj.Op = &op
		}
		fj.Actions[i] = aj
	}
	if !indent {
		return json.Marshal(fj)
	}
	// One action a line: readable, and diffs well.
	var b bytes.Buffer
	head := fj
	head.Actions = nil
	h, err := json.Marshal(head)
	if err != nil {
		return nil, err
	}
	h = bytes.TrimSuffix(h, []byte(`"Actions":null}`))
	b.Write(h)
	b.WriteString("\"Actions\": [")
	for i, a := range fj.Actions {
		line, err := json.Marshal(a)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString("\n  ")
		b.Write(line)
	}
	b.WriteString("\n]}\n")
	return b.Bytes(), nil
}

func decodeHistory(data []byte) (HistoryFile, error) {
	if len(data) > MaxHistoryFileBytes {
		return HistoryFile{}, fmt.Errorf("%d bytes, over the limit of %d", len(data), MaxHistoryFileBytes)
	}
	// The version first, so that a newer file is refused as newer even if
	// it has members this version does not know.
	var v struct{ Version json.RawMessage }
	if err := json.NewDecoder(bytes.NewReader(data)).Decode(&v); err != nil {
		return HistoryFile{}, jsonError(data, err)
	}
	if n, err := strconv.Atoi(string(v.Version)); err == nil && n > HistoryVersion {
		return HistoryFile{}, fmt.Errorf("version %d: %w (this one reads version %d)", n, ErrHistoryVersion, HistoryVersion)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	var fj fileJSON
	if err := dec.Decode(&fj); err != nil {
		return HistoryFile{}, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return HistoryFile{}, errors.New("more data after the history's JSON object")
	}
	if fj.Settings == nil {
		return HistoryFile{}, errors.New("no Settings")
	}
	if fj.Actions == nil {
		return HistoryFile{}, errors.New("no Actions (an empty history has \"Actions\": [])")
	}
	f := HistoryFile{Version: fj.Version, Members: fj.Members, Seed: fj.Seed, Settings: *fj.Settings,
		Tick: fj.Tick, End: fj.End, Actions: make([]Action, len(fj.Actions))}
	for i, aj := range fj.Actions {
		a := Action{Tick: aj.Tick, Kind: aj.Kind, Member: aj.Member, From: aj.From, To: aj.To,
			Groups: aj.Groups, P: aj.P, Ticks: aj.Ticks, ID: aj.ID,
			Watch: aj.Watch, Stress: aj.Stress, Settings: aj.Settings}
		if len(a.Groups) == 0 {
			a.Groups = nil // as Partition records no groups, and encoding leaves them out
		}
		if aj.Op != nil {
			op := Op(*aj.Op)
			a.Op = &op
		}
		f.Actions[i] = a
	}
	if err := checkHistory(&f); err != nil {
		return HistoryFile{}, err
	}
	return f, nil
}

// jsonError describes a JSON decoding error for a person.
func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF) || len(bytes.TrimSpace(data)) == 0 ||
		errors.As(err, &syn) && syn.Offset >= int64(len(bytes.TrimRight(data, " \t\r\n"))):
		return errors.New("the JSON ends early (was the file cut short?)")
	case errors.As(err, &syn):
		return fmt.Errorf("not valid JSON at byte %d: %v", syn.Offset, err)
	case errors.As(err, &typ):
		return fmt.Errorf("%s: want a %v, not a JSON %s", typ.Field, typ.Type, typ.Value)
	}
	return fmt.Errorf("JSON: %v", err)
}

// checkHistory checks f against the rules of the section comment.
func checkHistory(f *HistoryFile) error {
	switch {
	case f.Version == 0:
		return errors.New("no Version")
	case f.Version > HistoryVersion:
		return fmt.Errorf("version %d: %w (this one reads version %d)", f.Version, ErrHistoryVersion, HistoryVersion)
	case f.Version < 0:
		return fmt.Errorf("version %d is not a version", f.Version)
	}
	switch f.Members {
	case 1, 3, 5, 7:
	default:
		return fmt.Errorf("%d members: only 1, 3, 5 or 7 are supported", f.Members)
	}
	if err := f.Settings.Validate(); err != nil {
		return fmt.Errorf("settings: %w", err)
	}
	if f.End > MaxHistoryTicks {
		return fmt.Errorf("end tick %d is over the limit of %d", f.End, uint64(MaxHistoryTicks))
	}
	if f.Tick > f.End {
		return fmt.Errorf("tick %d is after the history's end (tick %d)", f.Tick, f.End)
	}
	if len(f.Actions) > MaxHistoryActions {
		return fmt.Errorf("%d actions, over the limit of %d", len(f.Actions), MaxHistoryActions)
	}
	h := historyCheck{members: uint64(f.Members), canceled: map[uint64]bool{}}
	var last uint64
	for i := range f.Actions {
		a := &f.Actions[i]
		if a.Tick < last {
			return fmt.Errorf("action %d: tick %d is before the previous action's (%d)", i, a.Tick, last)
		}
		if a.Tick > f.End {
			return fmt.Errorf("action %d: tick %d is after the history's end (tick %d)", i, a.Tick, f.End)
		}
		last = a.Tick
		if err := h.action(a); err != nil {
			return fmt.Errorf("action %d (%s at tick %d): %w", i, a.Kind, a.Tick, err)
		}
	}
	return nil
}

// historyCheck follows a history's numbering of watches and stress runs.
type historyCheck struct {
	members       uint64
	watches, runs uint64
	canceled      map[uint64]bool // watches cancelled
}

func (h *historyCheck) member(what string, id uint64) error {
	if id < 1 || id > h.members {
		return fmt.Errorf("%s %d is not in 1..%d", what, id, h.members)
	}
	return nil
}

func (h *historyCheck) link(a *Action) error {
	if err := h.member("member", a.From); err != nil {
		return err
	}
	return h.member("member", a.To)
}

func checkP(p float64) error {
	if math.IsNaN(p) || p < 0 || p > 1 {
		return fmt.Errorf("probability %v is not in [0, 1]", p)
	}
	return nil
}

func checkTicks(t int) error {
	if t < 0 || t > MaxHistoryLinkTicks {
		return fmt.Errorf("%d ticks: must be from 0 to %d", t, MaxHistoryLinkTicks)
	}
	return nil
}

// action checks one action: its kind, the fields it uses, and that it
// carries no payload of another kind.
func (h *historyCheck) action(a *Action) error {
	payload := map[string]bool{"Op": a.Op != nil, "Watch": a.Watch != nil, "Stress": a.Stress != nil,
		"Settings": a.Settings != nil, "Groups": a.Groups != nil}
	want := ""
	var err error
	switch a.Kind {
	case KindKill, KindRestart, KindKillPowerLoss, KindWipe, KindIsolate:
		err = h.member("member", a.Member)
	case KindKillAll, KindRestartAll, KindKillAllPowerLoss, KindHealAll, KindFlakyNetwork, KindDropMessage:
	case KindPartition:
		want = "Groups" // may be empty, and so left out
		payload["Groups"] = true
		err = h.groups(a.Groups)
	case KindCut, KindHealLink:
		err = h.link(a)
	case KindDrop, KindDuplicate:
		if err = h.link(a); err == nil {
			err = checkP(a.P)
		}
	case KindDelay, KindReorder:
		if err = h.link(a); err == nil {
			err = checkTicks(a.Ticks)
		}
	case KindTransfer:
		err = h.member("member", a.To)
	case KindSettings:
		want = "Settings"
		if a.Settings != nil {
			if err = a.Settings.Validate(); err != nil {
				err = fmt.Errorf("settings: %w", err)
			}
		}
	case KindCall:
		want = "Op"
		if err = h.member("member", a.Member); err == nil && a.Op != nil {
			err = checkOp(a.Op)
		}
	case KindWatch:
		want = "Watch"
		h.watches++
		if err = h.member("member", a.Member); err == nil && a.Watch != nil {
			err = checkWatchRequest(a.Watch.WatchRequest)
		}
		if err == nil && a.ID != 0 && a.ID != h.watches {
			err = fmt.Errorf("it is watch number %d, not %d", h.watches, a.ID)
		}
	case KindWatchCancel:
		switch {
		case a.ID < 1 || a.ID > h.watches:
			err = fmt.Errorf("watch number %d: %d watches were created before it", a.ID, h.watches)
		case h.canceled[a.ID]:
			err = fmt.Errorf("watch number %d is already cancelled", a.ID)
		}
		h.canceled[a.ID] = true
	case KindStress:
		want = "Stress"
		h.runs++
		if a.Stress != nil {
			err = h.stress(a.Stress)
		}
		if err == nil && a.ID != 0 && a.ID != h.runs {
			err = fmt.Errorf("it is stress run number %d, not %d", h.runs, a.ID)
		}
	case KindStressStop:
		if a.ID < 1 || a.ID > h.runs {
			err = fmt.Errorf("stress run number %d: %d runs were started before it", a.ID, h.runs)
		}
	default:
		return fmt.Errorf("unknown kind %.40q (known: %s)", a.Kind, strings.Join(ActionKinds, ", "))
	}
	if err != nil {
		return err
	}
	for _, name := range []string{"Op", "Watch", "Stress", "Settings", "Groups"} {
		switch {
		case name == want && !payload[name]:
			return fmt.Errorf("no %s", name)
		case name != want && payload[name]:
			return fmt.Errorf("%s is not a field of a %s action", name, a.Kind)
		}
	}
	return nil
}

func (h *historyCheck) groups(gs [][]uint64) error {
	if len(gs) > int(h.members) {
		return fmt.Errorf("%d groups of %d members", len(gs), h.members)
	}
	for _, g := range gs {
		if len(g) > int(h.members) {
			return fmt.Errorf("a group of %d of %d members", len(g), h.members)
		}
		for _, id := range g {
			if err := h.member("member", id); err != nil {
				return err
			}
		}
	}
	return nil
}

func (h *historyCheck) stress(s *StressConfig) error {
	check := func(name string, v, hi int) error {
		if v < 0 || v > hi {
			return fmt.Errorf("stress %s %d: must be from 0 to %d", name, v, hi)
		}
		return nil
	}
	if s.Member != 0 {
		if err := h.member("stress member", s.Member); err != nil {
			return err
		}
	}
	return errors.Join(check("rate", s.Rate, maxStressRate), check("count", s.Count, maxStressCount),
		check("keys", s.Keys, maxStressKeys), check("value size", s.ValueSize, maxStressValueSize),
		check("outstanding", s.Outstanding, maxStressOutstanding), check("start", s.Start, maxStressStart))
}

// checkOp requires exactly one request, and txns nested at most
// maxHistoryTxnDepth deep.
func checkOp(op *Op) error {
	if op.Kind() == "" {
		return errors.New("the request must carry exactly one operation")
	}
	if op.Txn != nil {
		return checkTxnDepth(op.Txn, 1)
	}
	return nil
}

func checkTxnDepth(t *mvcc.TxnRequest, depth int) error {
	if depth > maxHistoryTxnDepth {
		return fmt.Errorf("txn nested deeper than %d", maxHistoryTxnDepth)
	}
	for _, ops := range [][]mvcc.RequestOp{t.Success, t.Failure} {
		for _, o := range ops {
			if o.Txn != nil {
				if err := checkTxnDepth(o.Txn, depth+1); err != nil {
					return err
				}
			}
		}
	}
	return nil
}
