package signin

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// SessionView is one of the caller's sessions as the API shows it.
type SessionView struct {
	// ID names the session in the API (session.PublicID); it is not the key the session is looked up by.
	ID     string `json:"id"`
	Device string `json:"device"` // "Chrome on Windows", or "Unknown device"
	// Place is where the session was started as the CDN named it ("Lisbon, Portugal"); absent when unknown
	// (locally, or before places were recorded).
	Place string `json:"place,omitempty"`
	// Address is the source address the session was started from, masked ("203.0.113.x").
	Address    string    `json:"address,omitempty"`
	CreatedAt  time.Time `json:"createdAt"`
	LastSeenAt time.Time `json:"lastSeenAt"`
	// Current is true for the session of the request that asked.
	Current bool `json:"current"`
}

// SessionList is the answer to GET /v1/me/sessions: the current session first, then the others, most recently
// seen first.
type SessionList struct {
	Sessions []SessionView `json:"sessions"`
}

// SessionsEnded says how many sessions an end of several found and deleted. Sessions the index had not caught up
// with are ended too (by the user's SessionsEndedAt) but not counted.
type SessionsEnded struct {
	Ended int `json:"ended"`
}

// Problems of the sessions list.
var (
	errNoSession = fault.New(fault.ErrNotFound, "session-not-found", "There is no such session among yours; it may have ended already.")
	errCurrent   = fault.New(fault.ErrConflict, "current-session",
		"This is the session you are using: sign out instead (DELETE /v1/sessions/current).")
	errSessionGone = errors.New("session ended meanwhile")
)

// Sessions lists the caller's sessions that can still serve a request. The list comes from the user's index of
// sessions, which is eventually consistent: the calling session is read by its key when the index has not
// caught up with it, so it is always there; sessions ended by the user's record (an end of all sessions the
// index had not caught up with) are left out.
func (s *Service) Sessions(ctx context.Context, a actor.Actor) (SessionList, error) {
	u, err := s.store.User(ctx, a.UserID)
	if err != nil {
		return SessionList{}, err
	}
	all, err := s.store.SessionsOf(ctx, a.UserID)
	if err != nil {
		return SessionList{}, err
	}
	if !slices.ContainsFunc(all, func(ss session.Session) bool { return ss.Hash == a.SessionHash }) {
		current, err := s.store.Session(ctx, a.SessionHash)
		switch {
		case err == nil:
			all = append(all, current)
		case !errors.Is(err, fault.ErrNotFound): // ended since this request was checked: not listed
			return SessionList{}, err
		}
	}
	now := s.Clock.Now()
	out := SessionList{Sessions: []SessionView{}}
	for _, ss := range all {
		if ss.UserID != a.UserID || !ss.Valid(now) || u.SessionOver(ss.CreatedAt, ss.Hash) {
			continue
		}
		out.Sessions = append(out.Sessions, SessionView{
			ID: ss.PublicID(), Device: cmp.Or(ss.Device, session.UnknownDevice), Place: ss.Place, Address: ss.Address,
			CreatedAt: ss.CreatedAt, LastSeenAt: ss.LastSeenAt, Current: ss.Hash == a.SessionHash,
		})
	}
	slices.SortStableFunc(out.Sessions, func(x, y SessionView) int {
		if x.Current != y.Current {
			if x.Current {
				return -1
			}
			return 1
		}
		return y.LastSeenAt.Compare(x.LastSeenAt)
	})
	return out, nil
}

// EndSession ends one of the caller's other sessions, named by its id, with its audit event. The calling
// session is not ended here (errCurrent: sign-out does that, and clears the cookie); an id that names none of
// the caller's sessions, or one ended meanwhile, is errNoSession.
func (s *Service) EndSession(ctx context.Context, a actor.Actor, id string) error {
	if id == session.PublicID(a.SessionHash) {
		return errCurrent
	}
	all, err := s.store.SessionsOf(ctx, a.UserID)
	if err != nil {
		return err
	}
	i := slices.IndexFunc(all, func(ss session.Session) bool { return ss.PublicID() == id && ss.UserID == a.UserID })
	if i < 0 {
		return errNoSession
	}
	u, err := s.store.User(ctx, a.UserID)
	if err != nil {
		return err
	}
	ended := all[i]
	tx := s.store.Tx().EndSession(ended.Hash, errSessionGone).Audit(sessionsEvent(u, a.UserID, audit.SessionEnded, s.Clock.Now(),
		map[string]string{"device": cmp.Or(ended.Device, session.UnknownDevice)}))
	if err := s.store.Commit(ctx, tx); err != nil {
		if errors.Is(err, errSessionGone) {
			return errNoSession
		}
		return err
	}
	return nil
}

// EndOtherSessions ends every session of the caller but the calling one ("sign out everywhere else"). The index
// of sessions is eventually consistent, so a session started a moment ago may be missing from it: the user's
// record first says that every session started until now is over but the caller's (user.SessionOver, checked
// by Authenticate on every request), with the audit event, in one write; then the sessions the index lists are
// deleted. The caller keeps their session and cookie.
func (s *Service) EndOtherSessions(ctx context.Context, a actor.Actor) (SessionsEnded, error) {
	now := s.Clock.Now()
	_, err := s.store.UpdateUser(ctx, a.UserID, func(u *user.User, tx *dynamo.Tx) error {
		u.SessionsEndedAt, u.SessionKept = now, a.SessionHash
		tx.Audit(sessionsEvent(*u, a.UserID, audit.UserSessionsEnded, now, map[string]string{"scope": "others"}))
		return nil
	})
	if err != nil {
		return SessionsEnded{}, err
	}
	n, err := s.deleteSessions(ctx, a.UserID, a.SessionHash)
	return SessionsEnded{Ended: n}, err
}

// deleteSessions deletes the sessions of a user that the index lists, but keep's, and says how many.
func (s *Service) deleteSessions(ctx context.Context, userID, keep string) (int, error) {
	all, err := s.store.SessionsOf(ctx, userID)
	if err != nil {
		return 0, err
	}
	n := 0
	for _, ss := range all {
		if ss.Hash == keep {
			continue
		}
		if err := s.store.DeleteSession(ctx, ss.Hash); err != nil {
			return n, fmt.Errorf("end sessions of %s: %w", userID, err)
		}
		n++
	}
	return n, nil
}

// sessionsEvent is the audit event of a change to u's sessions, on u's home account's log.
func sessionsEvent(u user.User, actorID string, action audit.Action, at time.Time, details map[string]string) audit.Event {
	return audit.Event{
		ID: secret.NewID(), AccountID: u.HomeAccountID, At: at, ActorID: actorID,
		Action: action, TargetType: audit.TargetUser, TargetID: u.ID, Details: details,
	}
}
