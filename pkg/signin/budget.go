package signin

import (
	"time"

	"github.com/partnerhub/partnerhub/pkg/user"
)

// Budget is the per-user failure budget of the second step: Max wrong codes (emailed, texted, from an app or
// recovery codes) within Window lock sign-in for Lock. It belongs to the user, not to a challenge, so asking for
// a new code does not reset it; only a successful sign-in or a password reset does. Wrong passwords do not count
// here: anyone can type them, so they are bounded per source instead (see ratelimit.go), and a stranger cannot
// spend the owner's budget.
type Budget struct {
	Max    int
	Window time.Duration
	Lock   time.Duration
}

// DefaultBudget is ten failures in fifteen minutes, then a fifteen-minute lock.
var DefaultBudget = Budget{Max: 10, Window: 15 * time.Minute, Lock: 15 * time.Minute}

// Fail is u after a failed step at now, recorded as reason (user.ErrWrongPassword, user.ErrWrongCode, ...).
// While u is locked a failure is recorded but not counted: the lock already stands, and counting would only let
// someone who guesses passwords keep the owner locked out for longer.
func (b Budget) Fail(u user.User, reason string, now time.Time) user.User {
	u.LastLoginError, u.LastLoginErrAt = reason, now
	if u.Locked(now) {
		return u
	}
	if u.FailuresSince.IsZero() || !now.Before(u.FailuresSince.Add(b.Window)) {
		u.Failures, u.FailuresSince = 0, now
	}
	u.Failures++
	if u.Failures >= b.Max {
		u.LockedUntil = now.Add(b.Lock)
	}
	return u
}
