package cluster

import (
	"bytes"
	"compress/flate"
	"encoding/base64"
	"errors"
	"fmt"
	"math"
	"reflect"
	"strings"
	"testing"

	"github.com/etcd-play/etcd-play/node/mvcc"
)

// historyOf returns c's history as a file.
func historyOf(c *Cluster, members int, seed int64) HistoryFile {
	return HistoryFile{Version: HistoryVersion, Members: members, Seed: seed, Settings: DefaultSettings(),
		Tick: c.Now() / 2, End: c.Now(), Actions: c.History()}
}

// TestHistoryFileRoundTrip: the history of a run that takes every action
// kind survives a JSON file and a link exactly, and the decoded history
// replays to the same run.
func TestHistoryFileRoundTrip(t *testing.T) {
	cfg := func() Config { return Config{Seed: 12, SnapshotCount: 30, CatchUpCount: 10} }
	c, _ := scriptedHistoryRun(t, cfg())
	f := historyOf(c, 5, 12)
	f.Settings = settingsOf(c.cfg) // any valid settings do
	js, err := EncodeHistoryJSON(f)
	if err != nil {
		t.Fatal(err)
	}
	link, err := EncodeHistoryLink(f)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d actions: JSON file %d bytes, link %d bytes", len(f.Actions), len(js), len(link))
	fromJSON, err := DecodeHistoryJSON(js)
	if err != nil {
		t.Fatal(err)
	}
	fromLink, err := DecodeHistoryLink(link)
	if err != nil {
		t.Fatal(err)
	}
	for name, got := range map[string]HistoryFile{"file": fromJSON, "link": fromLink} {
		if !reflect.DeepEqual(got, f) {
			for i := range min(len(got.Actions), len(f.Actions)) {
				if !reflect.DeepEqual(got.Actions[i], f.Actions[i]) {
					t.Fatalf("%s: action %d differs:\n got %+v\nwant %+v", name, i, got.Actions[i], f.Actions[i])
				}
			}
			t.Fatalf("%s: the history differs:\n got %+v\nwant %+v", name, got, f)
		}
	}
	again, err := Replay(cfg(), fromLink.Actions, fromLink.End)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := runDigest(again), runDigest(c); !bytes.Equal(got, want) {
		t.Fatalf("the decoded history replays to another run:\n%s", firstDifference(want, got))
	}
}

// typicalHistory returns n actions of a typical session: puts and gets
// with short keys, kills and restarts, partitions and heals, a drop.
func typicalHistory(n int) HistoryFile {
	f := HistoryFile{Version: HistoryVersion, Members: 5, Seed: 1234567, Settings: DefaultSettings()}
	tick := uint64(20)
	for i := 0; len(f.Actions) < n; i++ {
		tick += uint64(3 + i*7%11)
		var a Action
		switch i % 10 {
		case 0, 2, 4, 6:
			a = Action{Kind: KindCall, Member: uint64(i%5 + 1), Op: &Op{Put: &mvcc.PutRequest{
				Key: []byte(fmt.Sprintf("key%d", i%13)), Value: []byte(fmt.Sprintf("value%d", i))}}}
		case 1, 5:
			a = Action{Kind: KindCall, Member: uint64(i%5 + 1), Op: &Op{Range: &mvcc.RangeRequest{Key: []byte(fmt.Sprintf("key%d", i%13))}}}
		case 3:
			a = Action{Kind: KindKill, Member: uint64(i%5 + 1)}
		case 7:
			a = Action{Kind: KindRestart, Member: uint64((i-4)%5 + 1)}
		case 8:
			a = Action{Kind: KindPartition, Groups: [][]uint64{{1, 2}, {3, 4, 5}}}
		case 9:
			a = Action{Kind: KindHealAll}
			if i%20 == 19 {
				a = Action{Kind: KindDrop, From: 1, To: 2, P: 0.25}
			}
		}
		a.Tick = tick
		f.Actions = append(f.Actions, a)
	}
	f.End, f.Tick = tick+50, tick
	return f
}

// TestHistoryLinkSize measures links of typical sessions; a 50-action
// session must fit 2 KB.
func TestHistoryLinkSize(t *testing.T) {
	for _, n := range []int{10, 50, 500} {
		f := typicalHistory(n)
		link, err := EncodeHistoryLink(f)
		if err != nil {
			t.Fatal(err)
		}
		js, err := EncodeHistoryJSON(f)
		if err != nil {
			t.Fatal(err)
		}
		t.Logf("%d actions: link %d bytes (JSON file %d bytes)", n, len(link), len(js))
		if n == 50 && len(link) > 2048 {
			t.Errorf("a 50-action link takes %d bytes, over 2 KB", len(link))
		}
	}
}

// linkOf compresses raw JSON into a link, as EncodeHistoryLink does, so
// that tests can make links of files it would refuse.
func linkOf(t testing.TB, json string) string {
	var z bytes.Buffer
	w, _ := flate.NewWriter(&z, flate.BestSpeed)
	w.Write([]byte(json))
	w.Close()
	return "1." + base64.RawURLEncoding.EncodeToString(z.Bytes())
}

// validJSON is a small valid file; the table's cases change one thing.
const validJSON = `{"Version":1,"Members":5,"Seed":3,"Settings":{"PreVote":true,"CheckQuorum":true,"ElectionTicks":10,"HeartbeatTicks":1,"SnapshotCount":100,"CatchUpCount":50,"MaxInflightMsgs":256,"MaxSizePerMsg":1048576},"Tick":40,"End":100,"Actions":[` +
	`{"Tick":5,"Kind":"kill","Member":2},` +
	`{"Tick":9,"Kind":"call","Member":1,"Op":{"Put":{"Key":"YQ==","Value":"Yg==","Lease":0,"PrevKV":false}}},` +
	`{"Tick":9,"Kind":"watch","Member":3,"ID":1,"Watch":{"Key":"YQ==","End":null,"StartRev":0,"PrevKV":false,"NoPut":false,"NoDelete":false,"ProgressNotify":false}},` +
	`{"Tick":12,"Kind":"drop","From":1,"To":2,"P":0.5},` +
	`{"Tick":20,"Kind":"watch-cancel","ID":1}` +
	`]}`

// TestDecodeHistoryErrors: each malformed, hostile or newer file is
// refused with an error naming the problem, as a file and as a link.
func TestDecodeHistoryErrors(t *testing.T) {
	if _, err := DecodeHistoryJSON([]byte(validJSON)); err != nil {
		t.Fatalf("the valid file: %v", err)
	}
	if _, err := DecodeHistoryLink(linkOf(t, validJSON)); err != nil {
		t.Fatalf("the valid file as a link: %v", err)
	}
	actions := func(as string) string {
		i := strings.Index(validJSON, `"Actions":[`)
		return validJSON[:i] + `"Actions":[` + as + `]}`
	}
	cases := []struct{ name, json, want string }{
		{"newer version", strings.Replace(validJSON, `"Version":1`, `"Version":2`, 1), "version 2: it was made by a newer version"},
		{"newer version, unknown fields", `{"Version":7,"Future":true}`, "version 7: it was made by a newer version"},
		{"no version", strings.Replace(validJSON, `"Version":1,`, ``, 1), "no Version"},
		{"members", strings.Replace(validJSON, `"Members":5`, `"Members":4`, 1), "4 members"},
		{"unknown field", strings.Replace(validJSON, `"Seed":3`, `"Seed":3,"Evil":1`, 1), `unknown field "Evil"`},
		{"unknown action field", actions(`{"Tick":5,"Kind":"kill","Member":2,"Boom":1}`), `unknown field "Boom"`},
		{"truncated", validJSON[:len(validJSON)/2], "ends early"},
		{"empty", ``, "ends early"},
		{"trailing data", validJSON + `{}`, "more data after"},
		{"not JSON", `<html>`, "not valid JSON"},
		{"wrong type", strings.Replace(validJSON, `"Seed":3`, `"Seed":"x"`, 1), "Seed: want a int64"},
		{"bad settings", strings.Replace(validJSON, `"ElectionTicks":10`, `"ElectionTicks":1`, 1), "settings: election-ticks 1"},
		{"no settings", strings.Replace(validJSON, `"Settings":{`, `"Settingz":{`, 1), `unknown field "Settingz"`},
		{"tick after end", strings.Replace(validJSON, `"Tick":40`, `"Tick":400`, 1), "tick 400 is after the history's end"},
		{"end too far", strings.Replace(validJSON, `"End":100`, `"End":99999999999999`, 1), "end tick 99999999999999 is over the limit"},
		{"negative tick", actions(`{"Tick":-5,"Kind":"kill","Member":2}`), "Tick: want a uint64"},
		{"tick order", actions(`{"Tick":7,"Kind":"kill","Member":2},{"Tick":6,"Kind":"heal-all"}`), "action 1: tick 6 is before the previous action's (7)"},
		{"action after end", actions(`{"Tick":101,"Kind":"heal-all"}`), "action 0: tick 101 is after the history's end"},
		{"unknown kind", actions(`{"Tick":1,"Kind":"explode"}`), `action 0 (explode at tick 1): unknown kind "explode"`},
		{"member out of range", actions(`{"Tick":1,"Kind":"heal-all"},{"Tick":1,"Kind":"kill","Member":9}`), "action 1 (kill at tick 1): member 9 is not in 1..5"},
		{"member zero", actions(`{"Tick":1,"Kind":"restart"}`), "member 0 is not in 1..5"},
		{"link member", actions(`{"Tick":1,"Kind":"cut","From":1,"To":6}`), "member 6 is not in 1..5"},
		{"partition member", actions(`{"Tick":1,"Kind":"partition","Groups":[[1,2],[3,8]]}`), "member 8 is not in 1..5"},
		{"partition groups", actions(`{"Tick":1,"Kind":"partition","Groups":[[1],[2],[3],[4],[5],[1]]}`), "6 groups of 5 members"},
		{"P over 1", actions(`{"Tick":1,"Kind":"drop","From":1,"To":2,"P":1.5}`), "probability 1.5 is not in [0, 1]"},
		{"P negative", actions(`{"Tick":1,"Kind":"duplicate","From":1,"To":2,"P":-0.1}`), "probability -0.1 is not in [0, 1]"},
		{"negative delay", actions(`{"Tick":1,"Kind":"delay","From":1,"To":2,"Ticks":-3}`), "-3 ticks: must be from 0"},
		{"huge reorder", actions(`{"Tick":1,"Kind":"reorder","From":1,"To":2,"Ticks":100000000}`), "100000000 ticks: must be from 0"},
		{"call without op", actions(`{"Tick":1,"Kind":"call","Member":1}`), "no Op"},
		{"op on a kill", actions(`{"Tick":1,"Kind":"kill","Member":1,"Op":{"Compact":3}}`), "Op is not a field of a kill action"},
		{"empty op", actions(`{"Tick":1,"Kind":"call","Member":1,"Op":{}}`), "exactly one operation"},
		{"two ops", actions(`{"Tick":1,"Kind":"call","Member":1,"Op":{"Compact":3,"LeaseRevoke":4}}`), "exactly one operation"},
		{"deep txn", actions(`{"Tick":1,"Kind":"call","Member":1,"Op":{"Txn":` + strings.Repeat(`{"Success":[{"Txn":`, 40) + `{}` + strings.Repeat(`}]}`, 40) + `}}`), "txn nested deeper than 32"},
		{"bad base64 key", actions(`{"Tick":1,"Kind":"call","Member":1,"Op":{"Put":{"Key":"!!"}}}`), "illegal base64"},
		{"watch range", actions(`{"Tick":1,"Kind":"watch","Member":1,"Watch":{"Key":"Yg==","End":"YQ=="}}`), "watch"},
		{"watch negative start", actions(`{"Tick":1,"Kind":"watch","Member":1,"Watch":{"StartRev":-1}}`), "compacted"},
		{"watch number", actions(`{"Tick":1,"Kind":"watch","Member":1,"ID":3,"Watch":{}}`), "it is watch number 1, not 3"},
		{"cancel unknown watch", actions(`{"Tick":1,"Kind":"watch-cancel","ID":1}`), "watch number 1: 0 watches were created before it"},
		{"cancel twice", actions(`{"Tick":1,"Kind":"watch","Member":1,"Watch":{}},{"Tick":1,"Kind":"watch-cancel","ID":1},{"Tick":2,"Kind":"watch-cancel","ID":1}`), "action 2 (watch-cancel at tick 2): watch number 1 is already cancelled"},
		{"stop unknown run", actions(`{"Tick":1,"Kind":"stress-stop","ID":2}`), "stress run number 2: 0 runs were started"},
		{"stress count", actions(`{"Tick":1,"Kind":"stress","Stress":{"Count":1000000000}}`), "stress count 1000000000"},
		{"stress value size", actions(`{"Tick":1,"Kind":"stress","Stress":{"ValueSize":-1}}`), "stress value size -1"},
		{"stress member", actions(`{"Tick":1,"Kind":"stress","Stress":{"Member":6}}`), "stress member 6 is not in 1..5"},
		{"settings action", actions(`{"Tick":1,"Kind":"settings","Settings":{"ElectionTicks":10,"HeartbeatTicks":20,"SnapshotCount":1,"CatchUpCount":1,"MaxInflightMsgs":1,"MaxSizePerMsg":1}}`), "settings: heartbeat-ticks 20"},
		{"no actions", strings.Replace(validJSON, `"Actions":[`, `"Actionz":[`, 1), `unknown field "Actionz"`},
		{"null actions", validJSON[:strings.Index(validJSON, `"Actions":[`)] + `"Actions":null}`, "no Actions"},
	}
	for _, tc := range cases {
		_, err := DecodeHistoryJSON([]byte(tc.json))
		if err == nil || !strings.HasPrefix(err.Error(), "history file: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: file error %v; want one containing %q", tc.name, err, tc.want)
		}
		_, err = DecodeHistoryLink(linkOf(t, tc.json))
		if err == nil || !strings.HasPrefix(err.Error(), "history link: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: link error %v; want one containing %q", tc.name, err, tc.want)
		}
	}
	// NaN and infinities cannot be written in JSON; encoding refuses them.
	for _, p := range []float64{math.NaN(), math.Inf(1)} {
		f := HistoryFile{Version: 1, Members: 3, Settings: DefaultSettings(), End: 5,
			Actions: []Action{{Tick: 1, Kind: KindDrop, From: 1, To: 2, P: p}}}
		if _, err := EncodeHistoryLink(f); err == nil || !strings.Contains(err.Error(), "action 0 (drop at tick 1): probability") {
			t.Errorf("P %v: encoding error %v", p, err)
		}
	}
}

// TestDecodeHistoryLinkErrors: links that are not links, are cut short,
// inflate too far or come from a newer version are refused clearly.
func TestDecodeHistoryLinkErrors(t *testing.T) {
	good := linkOf(t, validJSON)
	var bomb bytes.Buffer
	w, _ := flate.NewWriter(&bomb, flate.BestCompression)
	w.Write([]byte(`{"Version":1,"Seed":3,"Members":5,"Actions":[`))
	w.Write(bytes.Repeat([]byte(" "), MaxHistoryFileBytes))
	w.Close()
	cases := []struct{ name, link, want string }{
		{"empty", "", "no version"},
		{"no version", "abc", "no version"},
		{"newer version", "2." + good[2:], "version 2: it was made by a newer version"},
		{"bad version", "01." + good[2:], "is not a version number"},
		{"not base64", "1.a b*c", "not base64url"},
		{"truncated", good[:len(good)-10], "cut short"},
		{"padded", good + "==", "not base64url"},
		{"too long", "1." + strings.Repeat("A", MaxHistoryLinkBytes), "over the limit"},
		{"garbage", "1." + base64.RawURLEncoding.EncodeToString([]byte("hello, world")), "corrupt compressed data"},
		{"inflates too far", "1." + base64.RawURLEncoding.EncodeToString(bomb.Bytes()), "inflates to over"},
	}
	for _, tc := range cases {
		_, err := DecodeHistoryLink(tc.link)
		if err == nil || !strings.HasPrefix(err.Error(), "history link: ") || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: error %v; want one containing %q", tc.name, err, tc.want)
		}
		if tc.name == "newer version" && !errors.Is(err, ErrHistoryVersion) {
			t.Errorf("newer version: %v does not wrap ErrHistoryVersion", err)
		}
	}
	if len(bomb.Bytes()) > MaxHistoryLinkBytes*3/4 {
		t.Fatalf("the bomb is %d bytes compressed: it tests the link size, not the inflater", bomb.Len())
	}
}

// FuzzDecodeHistoryJSON: no file makes decoding panic, and whatever
// decodes encodes and decodes again to the same history.
func FuzzDecodeHistoryJSON(f *testing.F) {
	f.Add([]byte(validJSON))
	if js, err := EncodeHistoryJSON(typicalHistory(20)); err == nil {
		f.Add(js)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		h, err := DecodeHistoryJSON(data)
		if err != nil {
			return
		}
		again, err := EncodeHistoryJSON(h)
		if err != nil {
			t.Fatalf("a decoded history does not encode: %v", err)
		}
		h2, err := DecodeHistoryJSON(again)
		if err != nil || !reflect.DeepEqual(h, h2) {
			t.Fatalf("re-decoding differs (%v)", err)
		}
	})
}

// FuzzDecodeHistoryLink: no input makes decoding panic, and whatever
// decodes encodes and decodes again to the same history.
func FuzzDecodeHistoryLink(f *testing.F) {
	f.Add(linkOf(f, validJSON))
	f.Add("1.")
	f.Add("2.abc")
	if link, err := EncodeHistoryLink(typicalHistory(20)); err == nil {
		f.Add(link)
	}
	f.Fuzz(func(t *testing.T, link string) {
		h, err := DecodeHistoryLink(link)
		if err != nil {
			return
		}
		again, err := EncodeHistoryLink(h)
		if err != nil {
			t.Fatalf("a decoded history does not encode: %v", err)
		}
		h2, err := DecodeHistoryLink(again)
		if err != nil || !reflect.DeepEqual(h, h2) {
			t.Fatalf("re-decoding differs (%v)", err)
		}
	})
}
