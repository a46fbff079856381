package member

import (
	"context"
	"errors"
	"net/http"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// RouteEndSessions ends every session of a user.
const RouteEndSessions = "DELETE /v1/users/{id}/sessions"

// SessionsEnded is the answer to an end of a user's sessions: how many the user's index of sessions listed and
// were deleted. Sessions the index had not caught up with are over too, by the user's record, but not counted.
type SessionsEnded struct {
	Ended int `json:"ended"`
}

// EndSessions ends every session of a user, the way an administrator signs someone out of every browser (a lost
// laptop, a shared computer): the caller needs role.UsersManage over an account the user is a member of, as for
// editing them (a user outside the caller's part of the tree is errNoUser). The user's record says, with the
// audit event, that every session started until now is over (user.SessionOver, which every request's check
// reads), so a session the eventually consistent index has not caught up with ends as well; then the sessions
// the index lists are deleted. A caller who ends their own sessions is signed out too.
func (s *Service) EndSessions(ctx context.Context, a actor.Actor, userID string) (SessionsEnded, error) {
	if err := need(a, role.UsersManage); err != nil {
		return SessionsEnded{}, err
	}
	if !secret.WellFormedID(userID) {
		return SessionsEnded{}, errNoUser
	}
	now := s.clock.Now()
	called := false
	_, err := s.store.UpdateUser(ctx, userID, func(u *user.User, tx *dynamo.Tx) error {
		called = true
		t, err := s.targetOf(ctx, a, *u)
		if err != nil {
			return err
		}
		if !t.managedBy(a) {
			return errReach
		}
		logAccount := a.AccountID
		if _, member := t.membership(logAccount); !member {
			logAccount = t.seen(a)[0].AccountID
		}
		u.SessionsEndedAt, u.SessionKept = now, ""
		tx.Audit(audit.Event{ID: secret.NewID(), AccountID: logAccount, At: now, ActorID: a.UserID,
			Action: audit.UserSessionsEnded, TargetType: audit.TargetUser, TargetID: u.ID, Details: map[string]string{"scope": "all"}})
		return nil
	})
	switch {
	case !called && errors.Is(err, fault.ErrNotFound):
		return SessionsEnded{}, errNoUser
	case err != nil:
		return SessionsEnded{}, err
	}
	n, err := s.store.EndAllSessions(ctx, userID)
	if err != nil {
		return SessionsEnded{}, err
	}
	s.log.InfoContext(ctx, "user's sessions ended", "userId", userID, "ended", n)
	return SessionsEnded{Ended: n}, nil
}

func (s *Service) endSessions(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	out, err := s.EndSessions(ctx, r.Actor, r.Param("id"))
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, out), nil
}
