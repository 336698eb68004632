package cluster

import "testing"

func TestElectsLeaderAndServesWrites(t *testing.T) {
	c := newTestCluster(t, Config{Seed: 1})
	l := waitLeader(t, c, 100)
	for _, id := range c.Members() {
		res, err := call(t, c, id, put("k", "v"))
		if err != nil {
			t.Fatalf("put via member %d: %v", id, err)
		}
		if res.Header.MemberID != id {
			t.Fatalf("header member %d, want %d", res.Header.MemberID, id)
		}
	}
	res, err := call(t, c, l, get("k"))
	if err != nil || res.Range.Count != 1 || string(res.Range.KVs[0].Value) != "v" {
		t.Fatalf("get: %+v %v", res.Range, err)
	}
	t.Log(dump(c))
}
