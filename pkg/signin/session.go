package signin

import (
	"cmp"
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
func (s *Service) startSession(ctx context.Context, u user.User, from session.Client, with *dynamo.Tx, now time.Time) (SignedIn, error) {
	token, hash := s.Keys.NewSession() // the cookie names the key version of its hash
	ss := session.New(hash, u.ID, u.HomeAccountID, now).From(from)
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
// revoke takes effect on the next request. Losing access to an account that is not one's home account (a revoked
// grant) ends only that access: the session moves back home and the request is refused with ErrAccessEnded. At
// most once a minute it slides the idle expiry forward. It also lists the first sign-in steps still pending
// (license, profile) from the user and account the checks read; httpapi refuses every route but route.Steps ones
// while there are any.
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
// blocked is deleted: it stays ended when the account comes back. A session that lost its account while its
// person and their home account are fine falls back home instead (fallBack). It returns the membership, whose
// roles the actor gets (for staff: those the grant gives them now), the user and the account.
func (s *Service) access(ctx context.Context, ss session.Session) (m user.Membership, u user.User, a account.Account, err error) {
	u, uErr := s.store.User(ctx, ss.UserID)
	m, mErr := s.store.Membership(ctx, ss.UserID, ss.AccountID)
	a, aErr := s.store.Account(ctx, ss.AccountID)
	if errors.Is(mErr, fault.ErrNotFound) && ss.Reach.GrantID != "" {
		m, mErr = s.standIn(ctx, ss)
	}
	for _, err := range []error{uErr, mErr, aErr} {
		if err != nil && !errors.Is(err, fault.ErrNotFound) {
			return m, u, a, err
		}
	}
	// The person first: without them, or with their password changed since, or their sessions ended all at once
	// since this one started, the session itself is over. A password reset or an end of all sessions deletes
	// them too (through an eventually consistent index); this check catches one the index had not caught up with.
	if uErr != nil || u.Status != user.Active || u.SessionOver(ss.CreatedAt, ss.Hash) {
		return m, u, a, ErrSessionEnded()
	}
	// Then the account: losing one's place in an account that is not one's own (a revoked grant's staff
	// membership is deleted with it) ends the access there, not the session.
	if mErr != nil || aErr != nil {
		return m, u, a, s.fallBack(ctx, ss, u, m, a)
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
	// They act with the roles the grant gives them now, not the membership's marker role.
	if m.GrantID != "" {
		roles, err := partneraccess.StaffAccess(ctx, s.store, m, s.Clock.Now())
		if err != nil {
			return m, u, a, err
		}
		if len(roles) == 0 {
			return m, u, a, s.fallBack(ctx, ss, u, m, a)
		}
		m.Roles = roles
	}
	return m, u, a, nil
}

// standIn is the membership of a session that acts through a grant with no membership of its own in the
// customer — a member of a partner's staff group assigned to the grant — as partneraccess.GroupMembership stands
// in for it (StaffAccess then decides whether their groups still let them act); fault.ErrNotFound when the grant
// the session's Reach names is gone or is not the account's. Its read comes from the request's read set.
func (s *Service) standIn(ctx context.Context, ss session.Session) (user.Membership, error) {
	g, err := s.store.GrantByID(ctx, ss.Reach.GrantID)
	if err != nil {
		return user.Membership{}, err
	}
	if g.Customer.ID != ss.AccountID {
		return user.Membership{}, fault.ErrNotFound
	}
	return partneraccess.GroupMembership(ss.UserID, g), nil
}

// errMovedMeanwhile is the failed condition of fallBack's move: the session ended or moved since it was read.
var errMovedMeanwhile = errors.New("session moved or ended meanwhile")

// ErrAccessEnded is the answer to a request of a session whose access to the account it acts in has ended —
// a support partner's staff member whose grant the customer revoked or that expired, a person removed from an
// account that is not their own — when the session itself is still good: the session is back in the person's
// home account, and the portal shows them there why (see web/js/session.js). name is the account's, or "" when
// unknown; g is the grant the session acted through, or nil, and says who ended the access.
func ErrAccessEnded(name string, g *partneraccess.Grant, now time.Time) error {
	name = cmp.Or(name, "that account")
	detail := "Your access to " + name + " has ended."
	switch {
	case g == nil:
	case g.Status == partneraccess.Revoked && g.EndReason == partneraccess.ReasonRevoked:
		detail = name + " ended your access to their account."
	case g.Status == partneraccess.Revoked && g.EndReason == partneraccess.ReasonEndedByPartner:
		detail = "Your organisation ended its access to " + name + "."
	case g.Status == partneraccess.Expired || !g.Usable(now):
		detail = "Your access to " + name + " reached its end date."
	}
	return fault.New(fault.ErrForbidden, "access-ended", detail+" You are back in your own account.")
}

// fallBack answers a request of a session that may no longer act in its account: a person who has lost a
// place that is not their home account keeps their session, moved back to their home account (so that a revoke
// never signs a partner's staff out of their own account), and this request is refused with ErrAccessEnded.
// Where there is nothing to fall back to — the home account itself — the session has ended.
func (s *Service) fallBack(ctx context.Context, ss session.Session, u user.User, m user.Membership, a account.Account) error {
	home := u.HomeAccountID
	if home == "" || home == ss.AccountID {
		return ErrSessionEnded()
	}
	// Home must let them in as it would at their next request: still a member, the account usable.
	ok, err := s.usableHome(ctx, u.ID, home)
	if err != nil || !ok {
		return cmp.Or(err, ErrSessionEnded())
	}
	reach, err := s.store.SessionReach(ctx, u.ID, home) // from what usableHome read
	if err != nil {
		return err
	}
	// The move holds only while the session still acts where it was read: a concurrent request that moved it
	// first (or a sign-out) has done what this one would, and the answer is the same.
	tx := s.store.Tx().MoveSession(ss.Hash, u.ID, ss.AccountID, home, reach, errMovedMeanwhile)
	if err := s.store.Commit(ctx, tx); err != nil && !errors.Is(err, errMovedMeanwhile) {
		return err
	}
	return ErrAccessEnded(a.Company.Name, s.grantOf(ctx, ss, m), s.Clock.Now())
}

// grantOf is the grant a session acted through, for the words of ErrAccessEnded, or nil: the membership's, or
// once a revoke deleted the membership the one the session's reach names (read with the rest of the check).
func (s *Service) grantOf(ctx context.Context, ss session.Session, m user.Membership) *partneraccess.Grant {
	id := cmp.Or(m.GrantID, ss.Reach.GrantID)
	if id == "" {
		return nil
	}
	g, err := s.store.GrantByID(ctx, id)
	if err != nil || g.Customer.ID != ss.AccountID { // only words at stake: a failed read says less
		return nil
	}
	return &g
}

// usableHome reports whether a user is still a member of their home account and it is usable (neither it nor
// an account above it disabled): where a session that lost its account can fall back to.
func (s *Service) usableHome(ctx context.Context, userID, home string) (bool, error) {
	_, err := s.store.Membership(ctx, userID, home)
	if errors.Is(err, fault.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	acct, err := s.store.Account(ctx, home)
	if errors.Is(err, fault.ErrNotFound) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return s.store.AccountUsable(ctx, acct)
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
