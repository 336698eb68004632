package app

import (
	"github.com/etcd-play/etcd-play/app/engine"
	"testing"
)

// A member still loading from storage counts as not running everywhere the
// page asks (cards, console, postMessage), and its card says so in text.
func TestMemberViewUp(t *testing.T) {
	for state, up := range map[string]bool{
		"leader": true, "follower": true, "candidate": true, "pre-candidate": true,
		"down": false, "loading": false,
	} {
		if got := (engine.MemberView{State: state}).Up(); got != up {
			t.Errorf("%s: Up() = %v, want %v", state, got, up)
		}
	}
	if got := stateLabel("loading"); got != "… loading" {
		t.Errorf("stateLabel(loading) = %q", got)
	}
}
