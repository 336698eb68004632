package engine

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"
	"time"
)

// Client talks to one engine over a Conn: it shakes hands, sends
// requests, and keeps the latest pushed Update for the Engine it returns
// from Start, whose reads (Status, Links, Events, Now, Paused, Stopped,
// Storage) are local copies. A read after an update arrived acknowledges
// it, so the engine builds the next update only once the page has read the
// last: at most one per page refresh.
//
// Connection loss: calls in flight and new calls fail with
// ErrDisconnected, Connection reports the cause, and the view keeps its
// last state. With Redial (the native engine) the client dials again with
// a growing delay, and once back it re-sends the last Start (the native
// server answers with its running engine). Without it (the worker: a lost
// worker is a crashed one, and a new one restarts the cluster from
// storage) the page calls Reconnect.
type Client struct {
	dial   func(context.Context) (Conn, error)
	build  string
	redial bool

	mu      sync.Mutex
	conn    Conn  // nil while disconnected
	hello   Hello // the current connection's
	connErr error // why the connection is down; nil while it is up
	nextID  uint64
	pending map[uint64]chan *Response
	startRq *StartRequest // the last successful Start's request
	started *Started

	v view // the latest update, merged
}

// view is the client's merged copy of the updates. Guarded by Client.mu.
type view struct {
	now      uint64
	paused   bool
	members  []MemberView
	links    map[[2]uint64]LinkView
	linkList []LinkView // links sorted by (From, To); rebuilt on change
	events   []EventView
	stress   map[uint64]StressProgress
	storage  StorageView
	stopped  bool
	watches  map[uint64]*clientWatch // open watches by number (client_watch.go)
	settings Settings
	restart  []uint64      // members still restarting to take settings
	unacked  int           // updates that arrived since the last read (at most UpdateWindow)
	updated  chan struct{} // closed (and replaced) on every update
	updates  uint64        // updates received

	// messages and messagesTotal are the latest update's messages in
	// flight; askedMessages what the client last asked the engine for
	// (remote.Messages).
	messages      []MessageView
	messagesTotal int
	askedMessages int

	timeline TimelineView    // the latest update's (timeline.go)
	verdict  *LinVerdictView // the latest check's (lincheck.go); replaced, never changed
	speed    float64         // the latest update's (speed.go)
}

// maxClientEvents bounds the events the client keeps for Events.
const maxClientEvents = 2000

// ClientOptions configure NewClient.
type ClientOptions struct {
	// Build is the page's build version; an engine of another build
	// refuses the handshake (ErrVersion).
	Build string
	// Redial: dial again by itself after the connection is lost.
	Redial bool
}

// NewClient dials and shakes hands. Errors: dial's, ErrVersion (the engine
// is of another build or protocol: the page reloads), or the connection
// failing.
func NewClient(ctx context.Context, dial func(context.Context) (Conn, error), o ClientOptions) (*Client, error) {
	c := &Client{dial: dial, build: o.Build, redial: o.Redial, pending: map[uint64]chan *Response{}}
	c.v.updated = make(chan struct{})
	conn, h, err := c.connect(ctx)
	if err != nil {
		return nil, err
	}
	c.mu.Lock()
	c.conn, c.hello = conn, h
	c.mu.Unlock()
	go c.read(conn)
	return c, nil
}

// connect dials and shakes hands.
func (c *Client) connect(ctx context.Context) (Conn, Hello, error) {
	conn, err := c.dial(ctx)
	if err != nil {
		return nil, Hello{}, err
	}
	if err := conn.Send(encodeHello(hello{Protocol: Version, Build: c.build})); err != nil {
		conn.Close()
		return nil, Hello{}, err
	}
	b, err := conn.Recv(ctx)
	if err != nil {
		conn.Close()
		return nil, Hello{}, err
	}
	f, err := decodeFrame(b)
	if err == nil && f.kind != kindWelcome {
		err = fmt.Errorf("engine protocol: expected a welcome, got frame kind %d", f.kind)
	}
	if err != nil {
		conn.Close()
		return nil, Hello{}, err
	}
	if f.welcome.Refused != "" {
		conn.Close()
		return nil, f.welcome.Hello, fmt.Errorf("%w: %s", ErrVersion, f.welcome.Refused)
	}
	return conn, f.welcome.Hello, nil
}

// Hello describes the engine of the current (or last) connection.
func (c *Client) Hello() Hello {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hello
}

// Connection returns nil while connected, else why the connection is
// down (wrapping ErrDisconnected).
func (c *Client) Connection() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.connErr
}

// Updates returns how many updates arrived, and a channel closed at the
// next one (tests and waiters).
func (c *Client) Updates() (uint64, <-chan struct{}) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.v.updates, c.v.updated
}

// read receives frames from conn until it fails. Its own goroutine, one per
// connection.
func (c *Client) read(conn Conn) {
	for {
		b, err := conn.Recv(context.Background())
		if err == nil {
			var f frame
			if f, err = decodeFrame(b); err == nil {
				switch f.kind {
				case kindResponse:
					c.deliver(f.response)
					continue
				case kindUpdate:
					c.apply(f.update)
					continue
				}
				err = fmt.Errorf("engine protocol: unexpected frame kind %d from the engine", f.kind)
			}
		}
		c.lost(conn, err)
		return
	}
}

func (c *Client) deliver(p *Response) {
	c.mu.Lock()
	ch := c.pending[p.ID]
	delete(c.pending, p.ID)
	c.mu.Unlock()
	if ch != nil {
		ch <- p // buffered(1)
	}
}

// lost marks conn as lost because of err: calls in flight fail, stress
// runs are over, and with redial a new connection is dialled.
func (c *Client) lost(conn Conn, err error) {
	conn.Close()
	c.mu.Lock()
	if c.conn != conn {
		c.mu.Unlock()
		return
	}
	c.conn, c.connErr = nil, disconnected(err)
	for id, ch := range c.pending {
		ch <- &Response{ID: id, Err: c.connErr}
		delete(c.pending, id)
	}
	for n, p := range c.v.stress {
		p.Running = false
		c.v.stress[n] = p
	}
	c.endWatches(c.connErr)
	c.notifyLocked()
	redial := c.redial
	c.mu.Unlock()
	if redial {
		go c.redialLoop()
	}
}

// Redial delays: the first retry after redialFirst, doubling up to
// redialMax.
const (
	redialFirst = 100 * time.Millisecond
	redialMax   = 2 * time.Second
)

func (c *Client) redialLoop() {
	for wait := redialFirst; ; wait = min(2*wait, redialMax) {
		time.Sleep(wait) // pacing the retries of a connection that is down; nothing to wait on
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		err := c.Reconnect(ctx)
		cancel()
		if err == nil || errors.Is(err, ErrVersion) {
			return
		}
	}
}

// Reconnect replaces the connection by a new one (a new worker restarts
// the cluster from its storage) and re-sends the last successful Start.
func (c *Client) Reconnect(ctx context.Context) error {
	conn, h, err := c.connect(ctx)
	if err != nil {
		c.mu.Lock()
		c.connErr = disconnected(err)
		c.mu.Unlock()
		return err
	}
	c.mu.Lock()
	old := c.conn
	c.conn, c.hello, c.connErr = conn, h, nil
	c.v.links, c.v.linkList = nil, nil // the new engine sends every link
	c.v.askedMessages = 0              // and no messages until asked
	rq := c.startRq
	c.mu.Unlock()
	if old != nil {
		old.Close()
	}
	go c.read(conn)
	if rq != nil {
		if _, err := c.Start(ctx, *rq); err != nil {
			return err
		}
	}
	return nil
}

// Close ends the connection for good.
func (c *Client) Close() error {
	c.mu.Lock()
	conn := c.conn
	c.redial = false
	c.mu.Unlock()
	if conn != nil {
		c.lost(conn, errors.New("closed by the page"))
	}
	return nil
}

// send assigns q an ID and sends it; with wait, the returned channel
// receives its response.
func (c *Client) send(q *Request, wait bool) (uint64, chan *Response, error) {
	return c.sendWith(q, wait, nil)
}

// sendWith is send that also calls register(q.ID), with c.mu held, before
// q leaves (so that what the engine sends about q finds it registered).
func (c *Client) sendWith(q *Request, wait bool, register func(id uint64)) (uint64, chan *Response, error) {
	c.mu.Lock()
	if c.conn == nil {
		err := c.connErr
		c.mu.Unlock()
		if err == nil {
			err = ErrDisconnected
		}
		return 0, nil, err
	}
	c.nextID++
	q.ID = c.nextID
	var ch chan *Response
	if wait {
		ch = make(chan *Response, 1)
		c.pending[q.ID] = ch
	}
	if register != nil {
		register(q.ID)
	}
	conn := c.conn
	c.mu.Unlock()
	if err := conn.Send(encodeRequest(q)); err != nil {
		c.lost(conn, err)
		return q.ID, ch, nil // lost answered ch
	}
	return q.ID, ch, nil
}

// call sends q and waits for its response or ctx's end (then it asks the
// engine to cancel q and returns ctx's error).
func (c *Client) call(ctx context.Context, q *Request) (*Response, error) {
	id, ch, err := c.send(q, true)
	if err != nil {
		return nil, err
	}
	select {
	case p := <-ch:
		return p, p.Err
	case <-ctx.Done():
		c.mu.Lock()
		delete(c.pending, id)
		c.mu.Unlock()
		c.send(&Request{Op: OpCancel, N: int64(id)}, false)
		return nil, ctx.Err()
	}
}

// post sends q without waiting for its answer; it returns q's ID (0 when
// it could not be sent: the connection is down, which Connection reports).
func (c *Client) post(q *Request) uint64 {
	id, _, err := c.send(q, false)
	if err != nil {
		return 0
	}
	return id
}

// apply merges an update into the view.
func (c *Client) apply(u *Update) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v := &c.v
	v.now = u.Now
	v.paused = u.Paused
	v.members = u.Members
	if len(u.Links) > 0 {
		if v.links == nil {
			v.links = map[[2]uint64]LinkView{}
		}
		for _, l := range u.Links {
			v.links[[2]uint64{l.From, l.To}] = l
		}
		v.linkList = make([]LinkView, 0, len(v.links))
		for _, l := range v.links {
			v.linkList = append(v.linkList, l)
		}
		sort.Slice(v.linkList, func(i, j int) bool {
			a, b := v.linkList[i], v.linkList[j]
			return a.From < b.From || a.From == b.From && a.To < b.To
		})
	}
	if u.EventsReset {
		v.events = v.events[:0:0]
	}
	v.timeline = u.Timeline
	if len(u.Events) > 0 {
		v.events = append(v.events, u.Events...)
		if n := len(v.events); n > maxClientEvents {
			v.events = append(v.events[:0:0], v.events[n-maxClientEvents:]...)
		}
	}
	for _, s := range u.Stress {
		if v.stress == nil {
			v.stress = map[uint64]StressProgress{}
		}
		v.stress[s.Run] = s.StressProgress
	}
	v.storage, v.stopped = u.Storage, u.Stopped
	c.applyWatches(u.Watches)
	v.settings, v.restart = u.Settings, u.Restarting
	v.messages, v.messagesTotal = u.Messages, u.MessagesTotal
	if u.Verdict != nil {
		v.verdict = u.Verdict
	}
	v.speed = u.Speed
	v.unacked++
	v.updates++
	c.notifyLocked()
}

func (c *Client) notifyLocked() {
	close(c.v.updated)
	c.v.updated = make(chan struct{})
}

// read returns f's result over the view, acknowledging the updates that
// arrived since the last read (one ack each).
func readView[T any](c *Client, f func(v *view) T) T {
	c.mu.Lock()
	out := f(&c.v)
	acks := c.v.unacked
	c.v.unacked = 0
	conn := c.conn
	c.mu.Unlock()
	for ; acks > 0 && conn != nil; acks-- {
		if err := conn.Send(ackFrame); err != nil {
			c.lost(conn, err)
			break
		}
	}
	return out
}
