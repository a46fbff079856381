package signin

import (
	"context"
	"errors"
	"time"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/lockout"
	"github.com/partnerhub/partnerhub/pkg/ratelimit"
)

// Rate limits of the sign-in endpoints. They are counted before any password is hashed or code compared, and
// the same way whether or not an email address exists. A source address is counted by ratelimit.Source: an
// IPv4 address, or an IPv6 /64.
//
// Password guessing meets three bounds, and none of them lets a stranger lock the owner out:
//   - per source: SignInPerIP password steps a minute from one address, whatever the logins;
//   - per login and source: lockout.PasswordPerLoginSource password steps at one login from one address in fifteen
//     minutes, then that address (only that one) is locked out of that login, right password or not; a right
//     password before that clears the count, and so does a password reset;
//   - platform-wide (Guard): when failed password steps across the platform pass a threshold in a minute, every
//     password step shares a fixed number a minute, which slows a spray over many logins from many addresses.
//
// There is no lock of a login from everywhere: it would let anyone who knows an email keep its owner out.
var (
	// SignInPerIP bounds password attempts from one source address.
	SignInPerIP = ratelimit.Rule{Scope: "signin-ip", Limit: 20, Window: time.Minute}
	// passwordPerLoginSource is the lock of a source out of a login (package lockout, shared with reset).
	passwordPerLoginSource = ratelimit.Rule(lockout.PasswordPerLoginSource)
	// CodePerIP bounds code submissions and resend requests from one source address. Guessing one code is
	// bounded by the challenge (otp.MaxAttempts) and the user's failure budget; this bounds one address's
	// traffic across challenges.
	CodePerIP = ratelimit.Rule{Scope: "otp-ip", Limit: 30, Window: time.Minute}
	// platformFailures tallies failed password steps across the platform, a minute at a time (no limit of its
	// own: Guard reads it).
	platformFailures = ratelimit.Rule{Scope: "signin-failures", Window: time.Minute}
)

// platform is the subject of the platform-wide counters.
const platform = "platform"

// Guard is the platform-wide failed-sign-in guard. While the failed password steps of the current or the last
// minute reach Threshold, the platform is under a guessing attack spread over many addresses: every password
// step then takes one of Rate a minute, shared by everyone, and the rest wait (429 with Retry-After).
type Guard struct {
	Threshold int
	Rate      int
}

// DefaultGuard turns on at 200 failed password steps a minute and then admits 60 password steps a minute.
var DefaultGuard = Guard{Threshold: 200, Rate: 60}

// errSlowed answers a password step the guard holds back.
func errSlowed(retry time.Duration) error {
	return &fault.Error{
		Kind: fault.ErrRateLimited, Slug: "sign-in-slowed",
		Detail:     "Sign-in is slowed down for everyone for a moment because of many failed attempts. Try again shortly.",
		RetryAfter: retry,
	}
}

// limitIP counts a request from a source address.
func (s *Service) limitIP(ctx context.Context, rule ratelimit.Rule, ip string) error {
	return s.Limits.Take(ctx, rule, ratelimit.Source(ip))
}

// loginSource is the subject of passwordPerLoginSource for email from ip.
func (s *Service) loginSource(email, ip string) string {
	return lockout.LoginSource(s.Keys, email, ratelimit.Source(ip))
}

// limitLogin counts a password step at email from ip. Past the limit it answers sign-in-locked (423) without
// looking at the password, so the answer cannot tell a right password from a wrong one, nor a login that
// exists from one that does not.
func (s *Service) limitLogin(ctx context.Context, email, ip string) error {
	err := s.Limits.Take(ctx, passwordPerLoginSource, s.loginSource(email, ip))
	var limited *fault.Error
	if errors.As(err, &limited) && errors.Is(err, fault.ErrRateLimited) {
		now := s.Clock.Now()
		return ErrLocked(now.Add(limited.RetryAfter), now)
	}
	return err
}

// clearLogin adds to tx the forgetting of the password steps counted at email from ip: the right password ends
// the count, in the transaction that starts the code step or the session.
func (s *Service) clearLogin(tx *dynamo.Tx, email, ip string) *dynamo.Tx {
	return s.Limits.ClearWith(tx, passwordPerLoginSource, s.loginSource(email, ip))
}

// guard holds a password step back while the platform is under a spread guessing attack (see Guard).
func (s *Service) guard(ctx context.Context) error {
	if s.Guard.Threshold <= 0 {
		return nil
	}
	at := s.Clock.Now()
	counts, err := s.Limits.Counts(ctx, platformFailures, platform, at, at.Add(-platformFailures.Window))
	if err != nil {
		return err
	}
	now, last := counts[0], counts[1]
	if max(now, last) < s.Guard.Threshold {
		return nil
	}
	rule := ratelimit.Rule{Scope: "signin-guarded", Limit: s.Guard.Rate, Window: time.Minute}
	err = s.Limits.Take(ctx, rule, platform)
	var limited *fault.Error
	if errors.As(err, &limited) && errors.Is(err, fault.ErrRateLimited) {
		return errSlowed(limited.RetryAfter)
	}
	return err
}

// failed tallies a failed password step for the guard.
func (s *Service) failed(ctx context.Context) error {
	return s.Limits.Add(ctx, platformFailures, platform)
}
