// Package tour is the playground's guided tours: the tour format (this
// page documents it; a docs writer writes a tour from it alone), its
// parser (Parse), the built-in tours (Builtin: the files in tours/), and a
// Runner that plays a tour on an engine.Engine, checking each step's
// conditions against the real cluster. It imports neither go-app nor
// syscall/js: the page's player (app/tour_panel.go) drives a Runner.
//
// # The format
//
// A tour is a UTF-8 text file of at most 64 KiB, one directive per line.
// Blank lines are ignored. A `#` at the start of a line, or after a space
// and followed by a space or the line's end, begins a comment ("say see #5"
// keeps its #). Any error names the tour and the line:
// "tour leader-failure, line 12: do kill lead: ...".
//
//	tour leader-failure          # the name: a-z, 0-9 and -; ?tour=NAME opens it
//	title Leader failure         # shown as the panel's heading
//	url members=5&snapshot-count=10   # optional: page parameters the tour needs
//	intro One paragraph above step 1. # optional, repeatable: one paragraph each
//
//	step Kill the leader         # a step; steps are numbered from 1 in order
//	say The leader sends heartbeats; followers wait for them.  # a paragraph (at least one)
//	highlight card:leader timers # page parts the text names
//	do kill leader               # an action of the "Do it" button (repeatable: in order)
//	wait new-leader              # a condition (repeatable: all must hold)
//	wait term>start
//
// tour, title and at least one step are required; tour, title and url
// appear once, before the first step, as intro does. Two steps may not
// share a title; a step needs at least one `say`.
//
// url: the page's own URL parameters (members=3, seed=7, speed=50, and
// the settings: snapshot-count, catch-up-count, election-ticks,
// heartbeat-ticks, pre-vote, check-quorum, max-inflight, max-size,
// unsafe-local-reads). The player opens the tour on a page with them
// (reloading it when they differ from the page's).
//
// # Highlights
//
// cards, card:leader, card:N, card:down, links, messages, timers, log,
// timeline, keys, console, mvcc, watches, leases, check, settings,
// stress, events, hash (the hash indicator). The player marks them with a
// CSS class and data-tour-highlight.
//
// # Actions (do)
//
// Members are numbered from 1. "The leader" is the running member that
// leads in the highest term; "a follower" the lowest-numbered running
// member that does not lead. Each action is the call the page's own
// control makes, so a tour's run replays like a person's.
//
//	kill leader|follower|N        stop a member (a clean stop: it keeps its disk)
//	kill followers K              stop the K lowest-numbered followers
//	kill all                      stop every member
//	restart N|down|all            start a member, every member that is down, or all
//	power-loss N|all              stop without flushing: unsynced writes are lost
//	isolate leader|follower|N     cut every link of one member
//	partition A,B|C,D,E           cut the links between the sides (2 or more)
//	partition leader|rest         the leader alone against the others ("rest": the members not named)
//	partition minority-with-leader  the leader and the lowest followers, a minority
//	                              (2 of 5, 3 of 7, the leader alone of 3), against the rest
//	heal                          heal every link
//	transfer N|follower           move the leadership to that member
//	put KEY VALUE [via SEL]       write through a member (default: the leader)
//	get KEY [via SEL] [serializable]  read through a member (default: linearizable, the leader)
//	                              SEL: leader, follower, N, minority (a running member cut off
//	                              from a majority), majority (the majority side's leader if it
//	                              has one, else its lowest running member)
//	stress COUNT [rate R]         COUNT puts at R per tick (default 10) over 100 keys
//	pause, play, speed TPS, step N  time: pause, play, ticks per second (1-1000), N ticks
//	set NAME=VALUE ...            change settings (the url names above, but members, seed, speed)
//	watch KEY [prefix] [via SEL]  watch a key (or a prefix) on a member from the next revision
//	lease grant TTL               grant a lease of TTL seconds through the leader
//	lease keep-alive, lease revoke  renew or revoke the tour's lease
//	put-with-lease KEY VALUE      write a key attached to the tour's lease
//	check                         check the client history for linearizability (waits for the verdict)
//	compact                       compact every member's history at the leader's revision
//
// "Do it" runs the step's actions in order. A paused cluster is played
// first (Back leaves it paused), unless the step's actions include pause
// or step. A refused client call (a put on a minority) is the step's
// result, for its conditions to judge; an action that cannot be done at
// all (no leader to kill) is shown as an error. A step without actions
// has a "Continue" button that only plays the cluster.
//
// # Conditions (wait)
//
// A step is done once every condition holds (checked on every refresh of
// the page, against the cluster). A step without conditions is done once
// its actions were performed. A condition that already holds at the
// step's start holds at once: give a step with an action a condition that
// its action brings about. "The step's start" is when the reader reached
// it (Next, or the tour's opening).
//
//	leader                     some running member leads
//	new-leader                 a leader other than the step's start one, in a higher term
//	term>start                 the leader's term is higher than at the step's start
//	down N                     member N is down
//	down K-members             exactly K members are down
//	all-up                     every member runs
//	converged                  every running member has the same revision, and the same hash at it
//	stale-read                 the step's last get answered, from an older revision than the newest member's
//	read-refused               the step's last get failed
//	write-ok                   the step's last put (or put-with-lease) succeeded
//	write-refused              the step's last put failed
//	event KIND                 an event of that kind was logged since the step's start: election,
//	                           leader, term, snapshot-sent, snapshot-restored, snapshot-saved, lease,
//	                           fault, client, stress, compaction, settings
//	key KEY=VALUE              every running member has KEY=VALUE (serializable reads)
//	no-key KEY                 no running member has KEY (after a revoke, an expiry, a delete)
//	lease-expired              the tour's lease expired (at any time since it was granted)
//	lincheck ok|violation      the step's check (or the latest check since the step's start) says so
//	ticks N                    N ticks passed since the step's start
//	applied>=N [on SEL]        applied index >= N on every running member (on: all, any, leader, N)
//	snapshot-index>=N [on SEL] a snapshot at index >= N on some running member (default any)
//	watched N                  the tour's watch delivered at least N events
//	stress-done                the step's stress run finished
//	split-vote                 since the step's start, a term had two or more candidates and ended
//	                           without a leader (an election for a later term began)
//	no-leader                  some member runs and none leads
//
// # The player
//
// ?tour=NAME opens a built-in tour; &step=N goes to step N (steps 1..N-1
// are run at the fastest speed first: their actions, then their
// conditions); &embed=1 shows only the tour and the cluster, for an
// iframe. ?tour-url=URL loads a tour from the page's origin or an origin
// listed in allow= (at most 64 KiB). Back shows the cluster exactly as it
// was when the previous step started (the timeline rewinds it); when the
// cluster can no longer meet the step (a member the tour did not stop is
// down), the panel says what differs and offers to rewind to the step's
// start. Hooks: data-tour, data-step (1-based), data-step-done="true",
// data-action = tour-do, tour-next, tour-back, tour-rewind, tour-open.
package tour
