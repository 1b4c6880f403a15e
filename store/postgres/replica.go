package postgres

import (
	"context"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
)

// ErrReplicaLost is the cause of a replica's context when its connection
// to the database failed: the server may have ended its session and given
// its roles to other processes.
var ErrReplicaLost = errors.New("postgres: the connection holding the replica's place failed")

// Replica is one process's place among the processes that share the
// store's schema: replicas of one Herald. It is held on a connection of
// its own, which carries session advisory locks: one that says the
// replica is alive, and one for each role it holds (see Hold). PostgreSQL
// releases them when the connection ends, so a replica that dies, even by
// SIGKILL, leaves its roles to the others at once, and its share of the
// feeds (see Owns) within one check.
//
// The connection is checked every check. When a check fails, the context
// of the replica (Context) is cancelled with ErrReplicaLost as its cause,
// since the server may have ended the session and let another process
// take its roles. A Replica is safe for concurrent use.
type Replica struct {
	schema string
	id     int32
	class  int32
	check  time.Duration

	ctx    context.Context
	cancel context.CancelCauseFunc

	mu   sync.Mutex // serialises the use of conn, and guards held
	conn *pgx.Conn
	// held counts the roles held.
	held int

	// members are the IDs of the live replicas, sorted, as last read.
	members atomic.Pointer[[]int32]
	stopped chan struct{}
}

// roleRetry is how often a replica waiting for a role tries to take it.
const roleRetry = 250 * time.Millisecond

// Join makes this process a replica of the store's schema, until ctx ends
// or Leave is called. check is how often the connection is checked and
// the other replicas counted.
func (s *Store) Join(ctx context.Context, check time.Duration) (*Replica, error) {
	pc, err := s.pool.Acquire(ctx)
	if err != nil {
		return nil, fmt.Errorf("postgres: join: %w", err)
	}
	// The connection leaves the pool: the locks live as long as it does.
	conn := pc.Hijack()
	// Replicas are told apart by a random ID, locked in a class of two-key
	// advisory locks of the schema's own, so pg_locks lists the live ones.
	r := &Replica{schema: s.schema, class: int32(lockKey(s.schema, "replicas") & 0x7fffffff), check: check, conn: conn,
		stopped: make(chan struct{})}
	for {
		r.id = rand.Int32N(1<<31-2) + 1
		var ok bool
		err := conn.QueryRow(ctx, `SELECT pg_try_advisory_lock($1, $2)`, r.class, r.id).Scan(&ok)
		if err != nil {
			conn.Close(context.WithoutCancel(ctx))
			return nil, fmt.Errorf("postgres: join: %w", err)
		}
		if ok {
			break
		}
	}
	if err := r.refresh(ctx); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return nil, fmt.Errorf("postgres: join: %w", err)
	}
	r.ctx, r.cancel = context.WithCancelCause(ctx)
	go r.watch()
	return r, nil
}

// ID is the replica's number among the live replicas.
func (r *Replica) ID() int32 { return r.id }

// Context is done when the replica stops: Leave was called, the context
// given to Join ended, or the connection failed (cause ErrReplicaLost).
func (r *Replica) Context() context.Context { return r.ctx }

// Leave gives up the replica's roles and its share of the feeds.
func (r *Replica) Leave() {
	r.cancel(context.Canceled)
	<-r.stopped
	closing, done := context.WithTimeout(context.WithoutCancel(r.ctx), 5*time.Second)
	defer done()
	r.mu.Lock()
	defer r.mu.Unlock()
	// Closing the session releases the locks; unlocking first makes them
	// go at once even when the close is slow.
	r.conn.Exec(closing, `SELECT pg_advisory_unlock_all()`)
	r.conn.Close(closing)
}

// watch checks the connection and counts the replicas every check, until
// the replica stops.
func (r *Replica) watch() {
	defer close(r.stopped)
	t := time.NewTicker(r.check)
	defer t.Stop()
	for {
		select {
		case <-r.ctx.Done():
			return
		case <-t.C:
		}
		ctx, done := context.WithTimeout(r.ctx, r.check)
		err := r.refresh(ctx)
		done()
		if err != nil && r.ctx.Err() == nil {
			r.cancel(fmt.Errorf("%w: %w", ErrReplicaLost, err))
			return
		}
	}
}

// refresh reads which replicas are alive: those whose lock of the class
// is granted, this one among them. It fails when the connection does.
func (r *Replica) refresh(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.refreshLocked(ctx)
}

// refreshLocked is refresh with r.mu held.
func (r *Replica) refreshLocked(ctx context.Context) error {
	rows, err := r.conn.Query(ctx, `SELECT objid::bigint FROM pg_locks
		WHERE locktype = 'advisory' AND classid = $1::bigint::oid AND objsubid = 2 AND granted
		AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`, r.class)
	if err != nil {
		return err
	}
	ids, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) (int32, error) {
		var id int64
		err := row.Scan(&id)
		return int32(id), err
	})
	if err != nil {
		return err
	}
	if !slices.Contains(ids, r.id) {
		return fmt.Errorf("the lock of replica %d is gone", r.id)
	}
	slices.Sort(ids)
	r.members.Store(&ids)
	return nil
}

// Members returns the IDs of the live replicas as last counted, sorted.
func (r *Replica) Members() []int32 { return *r.members.Load() }

// Owns reports whether this replica is the one of the live replicas that
// takes care of key, a feed's URL: the one whose ID, hashed with key,
// scores highest (rendezvous hashing). Every replica that counted the same
// replicas agrees; when one dies, only its keys move.
func (r *Replica) Owns(key string) bool {
	members := r.Members()
	best, owner := uint64(0), r.id
	for _, id := range members {
		h := fnv.New64a()
		h.Write([]byte{byte(id >> 24), byte(id >> 16), byte(id >> 8), byte(id)})
		h.Write([]byte(key))
		if score := h.Sum64(); score >= best {
			best, owner = score, id
		}
	}
	return owner == r.id
}

// Hold waits until this replica holds role, which one replica at a time
// may hold, and returns a context that is done when the role is lost (the
// replica stopped) or given up with release. Hold returns ctx's error if
// ctx ends first, or the replica's cause if it stops.
func (r *Replica) Hold(ctx context.Context, role string) (held context.Context, release func(), err error) {
	key := lockKey(r.schema, "role\x00"+role)
	for tries := 0; ; tries++ {
		var ok bool
		r.mu.Lock()
		// A replica that holds roles already lets the others try first,
		// for a second per role it holds, so that roles spread over the
		// replicas when they start together.
		var err error
		if r.held > 0 && tries < r.held*int(time.Second/roleRetry) {
			// Count the replicas now: some may have joined since the last
			// check.
			err = r.refreshLocked(ctx)
		}
		if err == nil && (r.held == 0 || len(r.Members()) < 2 || tries >= r.held*int(time.Second/roleRetry)) {
			err = r.conn.QueryRow(r.ctx, `SELECT pg_try_advisory_lock($1)`, key).Scan(&ok)
			if err == nil && ok {
				r.held++
			}
		}
		r.mu.Unlock()
		switch {
		case r.ctx.Err() != nil:
			return nil, nil, context.Cause(r.ctx)
		case err != nil:
			return nil, nil, fmt.Errorf("postgres: hold %s: %w", role, err)
		case ok:
			held, cancel := context.WithCancelCause(ctx)
			stop := context.AfterFunc(r.ctx, func() { cancel(context.Cause(r.ctx)) })
			return held, func() {
				stop()
				cancel(context.Canceled)
				r.mu.Lock()
				defer r.mu.Unlock()
				r.held--
				r.conn.Exec(context.WithoutCancel(r.ctx), `SELECT pg_advisory_unlock($1)`, key)
			}, nil
		}
		t := time.NewTimer(roleRetry)
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, nil, ctx.Err()
		case <-r.ctx.Done():
			t.Stop()
			return nil, nil, context.Cause(r.ctx)
		case <-t.C:
		}
	}
}
