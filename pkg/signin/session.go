package signin

import (
	"context"
	"errors"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/step"
	"github.com/partnerhub/partnerhub/pkg/tally"
	"github.com/partnerhub/partnerhub/pkg/user"
)

var _ httpapi.Authenticator = (*Service)(nil)

// maxToken bounds the cookie value that is hashed and looked up; real tokens are 43 characters and a version.
const maxToken = 128

// startSession creates a session for u in its home account, in one transaction with with's writes: the end of the
// login's count after a password, or after a code, consuming the challenge and spending the second factor that
// proved it.
func (s *Service) startSession(ctx context.Context, u user.User, with *dynamo.Tx, now time.Time) (SignedIn, error) {
	token, hash := s.Keys.NewSession() // the cookie names the key version of its hash
	ss := session.New(hash, u.ID, u.HomeAccountID, now)
	// What the session's requests will read: the sign-in's checks read it, so this is answered from its read set.
	reach, err := s.store.SessionReach(ctx, u.ID, u.HomeAccountID)
	if err != nil {
		return SignedIn{}, err
	}
	ss.Reach = reach
	if err := s.store.SignIn(ctx, dynamo.SignIn{Session: ss, With: with, At: now}); err != nil {
		if errors.Is(err, dynamo.ErrSignInRefused) { // the user or account changed since it was checked
			return SignedIn{}, s.refuse(ctx, u, user.ErrDisabled, ErrInvalidCredentials(), now)
		}
		return SignedIn{}, err
	}
	u.LastLoginAt, u.LastLoginError, u.Failures = now, "", 0
	s.Count.Count(ctx, tally.SignIns)
	return SignedIn{Token: token, Session: ss, User: u}, nil
}

// ErrSessionEnded is the answer to a request whose session is missing, expired or no longer allowed.
func ErrSessionEnded() error {
	return fault.New(fault.ErrUnauthorized, "unauthorized", "Your session has ended. Sign in again.")
}

// Authenticate resolves a session cookie to the signed-in actor. It runs on every request of a session route
// and checks everything that can end access — the session's idle and absolute expiry, the user still active,
// the membership in the session's account still there, the account not disabled — so a removal, a disable or a
// revoke takes effect on the next request. At most once a minute it slides the idle expiry forward. It also
// lists the first sign-in steps still pending (license, profile) from the user and account the checks read;
// httpapi refuses every route but route.Steps ones while there are any.
func (s *Service) Authenticate(ctx context.Context, token string) (actor.Actor, error) {
	if token == "" || len(token) > maxToken {
		return actor.Actor{}, ErrSessionEnded()
	}
	hash, ok := s.Keys.SessionHash(ctx, token) // one key, the one the cookie names: one read
	if !ok {
		return actor.Actor{}, ErrSessionEnded()
	}
	now := s.Clock.Now()
	ss, err := s.store.Session(ctx, hash)
	if errors.Is(err, fault.ErrNotFound) {
		return actor.Actor{}, ErrSessionEnded()
	}
	if err != nil {
		return actor.Actor{}, err
	}
	if !ss.Valid(now) {
		return actor.Actor{}, ErrSessionEnded()
	}
	// One more read, whatever the checks ask: everything they read comes from this batch.
	if ctx, err = s.store.ReadAhead(ctx, ss); err != nil {
		return actor.Actor{}, err
	}
	m, u, a, err := s.access(ctx, ss)
	if err != nil {
		return actor.Actor{}, err
	}
	steps := step.Pending(u, a, license.Current().Version)
	if ss.NeedsTouch(now) {
		err := s.store.TouchSession(ctx, ss.Touched(now))
		if errors.Is(err, fault.ErrNotFound) { // ended while this request was being checked
			return actor.Actor{}, ErrSessionEnded()
		}
		if err != nil {
			return actor.Actor{}, err
		}
	}
	return actor.Actor{UserID: ss.UserID, AccountID: ss.AccountID, Roles: m.Roles, SessionHash: ss.Hash, PendingSteps: steps}, nil
}

// access checks that the user, the membership and the account of a session still allow it, and the accounts
// above that could block it, since disabling an account blocks its whole subtree (and, for staff, the grant and
// the partner). Authenticate has read them all in one batch (Store.ReadAhead): the reads here are answered from
// the request's read set, and only what a stale reach left out goes to the table. A session whose account is
// blocked is deleted: it stays ended when the account comes back. It returns the membership, whose roles the
// actor gets, the user and the account.
func (s *Service) access(ctx context.Context, ss session.Session) (m user.Membership, u user.User, a account.Account, err error) {
	u, uErr := s.store.User(ctx, ss.UserID)
	m, mErr := s.store.Membership(ctx, ss.UserID, ss.AccountID)
	a, aErr := s.store.Account(ctx, ss.AccountID)
	for _, err := range []error{uErr, mErr, aErr} {
		if errors.Is(err, fault.ErrNotFound) {
			return m, u, a, ErrSessionEnded()
		}
		if err != nil {
			return m, u, a, err
		}
	}
	// A password reset ends every session; the reset also deletes them, and this check catches one that was
	// being created while the reset ran.
	if u.Status != user.Active || ss.CreatedAt.Before(u.PasswordChangedAt) {
		return m, u, a, ErrSessionEnded()
	}
	usable, err := s.store.AccountUsable(ctx, a)
	if err != nil {
		return m, u, a, err
	}
	if !usable {
		if err := s.store.DeleteSession(ctx, ss.Hash); err != nil {
			return m, u, a, err
		}
		return m, u, a, ErrSessionEnded()
	}
	// A support partner's staff member acts in a customer only while the grant lets them (package grant): it is
	// active and before its end date, and they still belong to the open partner account.
	if m.GrantID != "" {
		ok, err := partneraccess.StaffAccess(ctx, s.store, m, s.Clock.Now())
		if err != nil {
			return m, u, a, err
		}
		if !ok {
			return m, u, a, ErrSessionEnded()
		}
	}
	return m, u, a, nil
}

// SignOut ends the caller's session.
func (s *Service) SignOut(ctx context.Context, a actor.Actor) error {
	return s.store.DeleteSession(ctx, a.SessionHash)
}

// EndAllSessions ends every session of a user: on password change, removal, disable or revoke. It returns how
// many it ended.
func (s *Service) EndAllSessions(ctx context.Context, userID string) (int, error) {
	return s.store.EndAllSessions(ctx, userID)
}
