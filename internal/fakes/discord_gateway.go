package fakes

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// Gateway limits.
const (
	// gatewaySendLimit is how many payloads a connection may send per
	// gatewaySendWindow before Discord closes it with 4008; heartbeats are
	// not counted here.
	gatewaySendLimit  = 120
	gatewaySendWindow = time.Minute
	// gatewayReplay is how many dispatches a session keeps for resuming.
	gatewayReplay = 1000
	// gatewayWriteTimeout bounds a write to a gateway client.
	gatewayWriteTimeout = 5 * time.Second
)

// GatewayPayload is a payload a gateway client sent, heartbeats excepted.
type GatewayPayload struct {
	Op   int
	Data json.RawMessage
	Time time.Time
}

// gateway is the fake's websocket gateway.
type gateway struct {
	d        *Discord
	upgrader websocket.Upgrader

	mu         sync.Mutex
	closed     bool
	conns      map[*gatewayConn]bool
	sessions   map[string]*gatewaySession
	identifies int
	resumes    int
	heartbeats int
	payloads   []GatewayPayload
}

type gatewaySession struct {
	id      string
	seq     int64
	events  []gatewayEvent
	conn    *gatewayConn // nil while disconnected
	invalid bool
}

type gatewayEvent struct {
	seq   int64
	frame []byte
}

type gatewayConn struct {
	ws    *websocket.Conn
	wmu   sync.Mutex
	sends slidingWindow
	// session and dropped are guarded by gateway.mu.
	session *gatewaySession
	dropped bool
}

func (g *gateway) init(d *Discord) {
	g.d = d
	g.upgrader = websocket.Upgrader{CheckOrigin: func(*http.Request) bool { return true }}
	g.conns = make(map[*gatewayConn]bool)
	g.sessions = make(map[string]*gatewaySession)
}

// write sends one text frame.
func (c *gatewayConn) write(frame []byte) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	c.ws.SetWriteDeadline(time.Now().Add(gatewayWriteTimeout))
	return c.ws.WriteMessage(websocket.TextMessage, frame)
}

// closeWith sends a close frame with a gateway close code and closes.
func (c *gatewayConn) closeWith(code int, reason string) {
	c.wmu.Lock()
	c.ws.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(gatewayWriteTimeout))
	c.wmu.Unlock()
	c.ws.Close()
}

// serve runs one gateway connection.
func (g *gateway) serve(w http.ResponseWriter, r *http.Request) {
	ws, err := g.upgrader.Upgrade(w, r, nil)
	if err != nil {
		return // the upgrader has answered
	}
	conn := &gatewayConn{ws: ws, sends: slidingWindow{limit: gatewaySendLimit, window: gatewaySendWindow}}
	g.mu.Lock()
	if g.closed {
		g.mu.Unlock()
		ws.Close()
		return
	}
	g.conns[conn] = true
	g.mu.Unlock()
	defer g.forget(conn)

	interval := max(1, g.d.opts.HeartbeatInterval.Milliseconds())
	if conn.write(fmt.Appendf(nil, `{"op":10,"s":null,"t":null,"d":{"heartbeat_interval":%d}}`, interval)) != nil {
		return
	}
	for {
		_, msg, err := ws.ReadMessage()
		if err != nil {
			var ce *websocket.CloseError
			if errors.As(err, &ce) && (ce.Code == websocket.CloseNormalClosure || ce.Code == websocket.CloseGoingAway) {
				// A client closing with 1000 or 1001 ends its session.
				g.mu.Lock()
				if !conn.dropped && conn.session != nil {
					conn.session.invalid = true
				}
				g.mu.Unlock()
			}
			return
		}
		if !g.handle(conn, msg) {
			return
		}
	}
}

// forget removes a finished connection.
func (g *gateway) forget(conn *gatewayConn) {
	g.mu.Lock()
	delete(g.conns, conn)
	if s := conn.session; s != nil && s.conn == conn {
		s.conn = nil
	}
	g.mu.Unlock()
	conn.ws.Close()
}

// handle answers one client payload and reports whether the connection
// stays open.
func (g *gateway) handle(conn *gatewayConn, msg []byte) bool {
	var p struct {
		Op *int            `json:"op"`
		D  json.RawMessage `json:"d"`
	}
	if json.Unmarshal(msg, &p) != nil || p.Op == nil {
		conn.closeWith(4002, "Decode error.")
		return false
	}
	now := time.Now()
	if *p.Op == 1 {
		g.mu.Lock()
		g.heartbeats++
		g.mu.Unlock()
		return conn.write([]byte(`{"op":11,"s":null,"t":null,"d":null}`)) == nil
	}
	g.mu.Lock()
	g.payloads = append(g.payloads, GatewayPayload{Op: *p.Op, Data: p.D, Time: now})
	limited := conn.sends.wait(now) > 0
	conn.sends.add(now)
	authenticated := conn.session != nil
	g.mu.Unlock()
	if limited {
		conn.closeWith(4008, "Rate limited.")
		return false
	}
	switch *p.Op {
	case 2:
		return g.identify(conn, p.D, now)
	case 6:
		return g.resume(conn, p.D)
	case 3, 4, 8:
		if !authenticated {
			conn.closeWith(4003, "Not authenticated.")
			return false
		}
		return true
	}
	conn.closeWith(4001, "Unknown opcode.")
	return false
}

func (g *gateway) identify(conn *gatewayConn, data json.RawMessage, now time.Time) bool {
	var id struct {
		Token string  `json:"token"`
		Shard *[2]int `json:"shard"`
	}
	if json.Unmarshal(data, &id) != nil {
		conn.closeWith(4002, "Decode error.")
		return false
	}
	if !g.d.authorized(id.Token) {
		conn.closeWith(4004, "Authentication failed.")
		return false
	}
	if s := id.Shard; s != nil && (s[1] < 1 || s[0] < 0 || s[0] >= s[1]) {
		conn.closeWith(4010, "Invalid shard.")
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	if conn.session != nil {
		conn.closeWith(4005, "Already authenticated.")
		return false
	}
	s := &gatewaySession{id: newSessionID(), conn: conn}
	g.sessions[s.id] = s
	conn.session = s
	g.identifies++
	ready := map[string]any{
		"v":                  9,
		"session_id":         s.id,
		"session_type":       "normal",
		"resume_gateway_url": g.d.GatewayURL(),
		"user":               g.d.botUser(),
		"guilds":             []any{map[string]any{"id": g.d.opts.GuildID, "unavailable": true}},
		"application":        map[string]any{"id": g.d.opts.ApplicationID, "flags": 0},
		"private_channels":   []any{},
	}
	if id.Shard != nil {
		ready["shard"] = id.Shard
	}
	b, _ := json.Marshal(ready)
	g.dispatchLocked(s, "READY", b)
	return true
}

func (g *gateway) resume(conn *gatewayConn, data json.RawMessage) bool {
	var rs struct {
		Token     string `json:"token"`
		SessionID string `json:"session_id"`
		Seq       int64  `json:"seq"`
	}
	if json.Unmarshal(data, &rs) != nil {
		conn.closeWith(4002, "Decode error.")
		return false
	}
	if !g.d.authorized(rs.Token) {
		conn.closeWith(4004, "Authentication failed.")
		return false
	}
	g.mu.Lock()
	defer g.mu.Unlock()
	s := g.sessions[rs.SessionID]
	if s == nil || s.invalid || rs.Seq > s.seq || (len(s.events) > 0 && s.events[0].seq > rs.Seq+1) {
		// Not resumable: the client must identify again.
		return conn.write([]byte(`{"op":9,"s":null,"t":null,"d":false}`)) == nil
	}
	if old := s.conn; old != nil && old != conn {
		old.dropped = true
		old.session = nil
		old.ws.Close()
	}
	s.conn = conn
	conn.session = s
	g.resumes++
	for _, ev := range s.events {
		if ev.seq > rs.Seq {
			conn.write(ev.frame)
		}
	}
	g.dispatchLocked(s, "RESUMED", []byte(`{}`))
	return true
}

// dispatchLocked sends a dispatch with the session's next sequence number
// and keeps it for replay. g.mu is held.
func (g *gateway) dispatchLocked(s *gatewaySession, eventType string, data []byte) bool {
	s.seq++
	frame, _ := json.Marshal(map[string]any{"op": 0, "s": s.seq, "t": eventType, "d": json.RawMessage(data)})
	s.events = append(s.events, gatewayEvent{seq: s.seq, frame: frame})
	if len(s.events) > gatewayReplay {
		s.events = slices.Delete(s.events, 0, len(s.events)-gatewayReplay)
	}
	if s.conn == nil {
		return false
	}
	return s.conn.write(frame) == nil
}

// newSessionID returns a random gateway session ID.
func newSessionID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// Push sends a dispatch event (op 0, with the next sequence number) to
// every live gateway session. data is raw JSON when it is a string,
// []byte or json.RawMessage, and is marshalled otherwise. A session that is disconnected but resumable
// keeps the event and receives it when it resumes. Push returns how many
// connected clients the event was written to. An INTERACTION_CREATE
// event also registers its interaction, so that the fake accepts
// responses to it.
func (d *Discord) Push(eventType string, data any) (int, error) {
	var raw []byte
	switch v := data.(type) {
	case json.RawMessage:
		raw = v
	case []byte:
		raw = v
	case string:
		raw = []byte(v)
	default:
		b, err := json.Marshal(data)
		if err != nil {
			return 0, fmt.Errorf("push %s: %w", eventType, err)
		}
		raw = b
	}
	if !json.Valid(raw) {
		return 0, fmt.Errorf("push %s: data is not valid JSON", eventType)
	}
	if eventType == "INTERACTION_CREATE" {
		d.mu.Lock()
		d.registerInteraction(raw, time.Now())
		d.mu.Unlock()
	}
	g := &d.gw
	g.mu.Lock()
	defer g.mu.Unlock()
	n := 0
	for _, s := range g.sessions {
		if s.invalid {
			continue
		}
		if g.dispatchLocked(s, eventType, raw) {
			n++
		}
	}
	return n, nil
}

// Identifies reports how many identify payloads the gateway accepted.
func (d *Discord) Identifies() int {
	d.gw.mu.Lock()
	defer d.gw.mu.Unlock()
	return d.gw.identifies
}

func (g *gateway) identifyCount() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.identifies
}

// Heartbeats reports how many heartbeats the gateway acknowledged.
func (d *Discord) Heartbeats() int {
	d.gw.mu.Lock()
	defer d.gw.mu.Unlock()
	return d.gw.heartbeats
}

// Resumes reports how many sessions were resumed.
func (d *Discord) Resumes() int {
	d.gw.mu.Lock()
	defer d.gw.mu.Unlock()
	return d.gw.resumes
}

// Connected reports how many gateway connections have identified or
// resumed and are still open.
func (d *Discord) Connected() int {
	d.gw.mu.Lock()
	defer d.gw.mu.Unlock()
	n := 0
	for c := range d.gw.conns {
		if c.session != nil && !c.dropped {
			n++
		}
	}
	return n
}

// GatewayPayloads returns what gateway clients sent, heartbeats excepted,
// in order: identify (op 2), presence updates (op 3), resume (op 6) ...
func (d *Discord) GatewayPayloads() []GatewayPayload {
	d.gw.mu.Lock()
	defer d.gw.mu.Unlock()
	return slices.Clone(d.gw.payloads)
}

// DropConnections cuts every gateway connection without a close frame, as
// a network failure would. Sessions stay resumable.
func (d *Discord) DropConnections() {
	d.gw.mu.Lock()
	defer d.gw.mu.Unlock()
	for c := range d.gw.conns {
		c.dropped = true
		c.ws.Close()
	}
}

// RequestReconnect sends op 7 Reconnect to every connection: clients
// should reconnect and resume. Send it only after a client's first
// heartbeat (see Heartbeats): discordgo v0.29.0 falls into an endless
// reconnect loop when op 7 arrives before its heartbeat goroutine has run.
func (d *Discord) RequestReconnect() {
	d.gw.mu.Lock()
	defer d.gw.mu.Unlock()
	for c := range d.gw.conns {
		c.write([]byte(`{"op":7,"s":null,"t":null,"d":null}`))
	}
}

// InvalidateSessions ends every session and sends op 9 Invalid Session
// (not resumable) to the connected ones: clients must identify again.
func (d *Discord) InvalidateSessions() {
	d.gw.mu.Lock()
	defer d.gw.mu.Unlock()
	for _, s := range d.gw.sessions {
		s.invalid = true
		if c := s.conn; c != nil {
			c.session = nil
			s.conn = nil
			c.write([]byte(`{"op":9,"s":null,"t":null,"d":false}`))
		}
	}
}

// closeAll drops every connection and refuses new ones.
func (g *gateway) closeAll() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.closed = true
	for c := range g.conns {
		c.dropped = true
		c.ws.Close()
	}
}
