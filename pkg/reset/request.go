package reset

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/ratelimit"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// noUser is a user id that never exists (real ids are 22 characters): reads and writes against it cost what
// they cost for a real user and find or change nothing.
const noUser = "none"

// Request asks for a reset link for email. For a registered, active user it writes the token, makes it the
// user's current one and queues the "password-reset" email, in one transaction that also checks the user is
// still active. For anyone else — an unknown address, an invited or disabled user — it runs the same
// transaction for a user that does not exist, whose check fails, so nothing is written after the same reads,
// the same work and the same round trips, and the caller cannot tell the difference by the answer or its time.
// Only a failure of the service itself is returned.
func (s *Service) Request(ctx context.Context, email, sourceIP string) error {
	if dropped, err := s.limited(ctx, PerIP, ratelimit.Source(sourceIP)); dropped || err != nil {
		return err
	}
	if dropped, err := s.limited(ctx, PerEmail, s.keys.Hash("reset-email:"+table.Fold(email))); dropped || err != nil {
		return err
	}
	u, known, err := s.lookup(ctx, email)
	if err != nil {
		return err
	}
	real := known && u.Status == user.Active && u.PasswordHash != ""
	if !real {
		u = user.User{ID: noUser, Email: email, HomeAccountID: noUser}
	}
	now := s.clock.Now()
	err = s.store.Commit(ctx, s.requestTx(u, now))
	switch {
	case err == nil && real:
		s.log.InfoContext(ctx, "password reset link sent", "userId", u.ID)
		return nil
	case err == nil: // the decoy's check cannot hold: a user "none" was written into the table
		return fmt.Errorf("reset request for no user committed: %w", fault.ErrUnavailable)
	case !errors.Is(err, errNotWritten) && !errors.Is(err, fault.ErrConflict):
		return err
	case real: // the user was disabled meanwhile, or a random 128-bit id collided: nothing was written
		s.log.InfoContext(ctx, "password reset link not sent: the user changed", "userId", u.ID)
		return nil
	default:
		return nil
	}
}

// errNotWritten means a reset request's transaction found no active user (always, for the decoy), or a random
// id taken: it wrote nothing.
var errNotWritten = errors.New("reset request not written")

// requestTx is a reset request's transaction for u: the token, the pointer to it, the email, and the check
// that u is active.
func (s *Service) requestTx(u user.User, now time.Time) *dynamo.Tx {
	t := token.New(secret.NewID(), secret.PurposeReset, u.ID, u.HomeAccountID, now, TTL)
	return s.store.Tx().
		PutToken(t, errNotWritten).
		PointResetAt(u.ID, t.ID, now, t.ExpiresAt.Add(retention)).
		Send(outbox.New(outbox.Envelope{
			ID: secret.NewID(), To: u.Email, UserID: u.ID, AccountID: u.HomeAccountID, BrandAccountID: u.HomeAccountID,
			SecretRef: secret.LinkRef(secret.PurposeReset, t.ID),
		}, outbox.PasswordReset{Name: u.Name}, now)).
		RequireActiveUser(u.ID, errNotWritten)
}

// limited counts a request under rule; past the limit the request is dropped (true) rather than refused, so
// the answer does not change.
func (s *Service) limited(ctx context.Context, rule ratelimit.Rule, subject string) (bool, error) {
	err := s.limits.Take(ctx, rule, subject)
	if errors.Is(err, fault.ErrRateLimited) {
		s.log.InfoContext(ctx, "password reset request dropped by a rate limit", "rule", rule.Scope)
		return true, nil
	}
	return false, err
}

// lookup finds a user by email. It always makes two reads, the email guard and a user, so an unknown address
// costs what a known one does.
func (s *Service) lookup(ctx context.Context, email string) (user.User, bool, error) {
	u, err := s.store.UserByEmail(ctx, email)
	if errors.Is(err, fault.ErrNotFound) {
		_, err = s.store.User(ctx, noUser)
		if errors.Is(err, fault.ErrNotFound) {
			err = nil
		}
		return user.User{}, false, err
	}
	return u, err == nil, err
}
