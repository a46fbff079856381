package signin

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub/pkg/ratelimit"
	"github.com/partnerhub/partnerhub/pkg/table"
)

// Rate limits of the sign-in endpoints. They are counted before any password is hashed or code compared, and
// the same way whether or not an email address exists.
var (
	// SignInPerIP bounds password attempts from one source address.
	SignInPerIP = ratelimit.Rule{Scope: "signin-ip", Limit: 20, Window: time.Minute}
	// SignInPerEmail bounds password attempts at one email address, from anywhere.
	SignInPerEmail = ratelimit.Rule{Scope: "signin-email", Limit: 10, Window: time.Minute}
	// CodePerIP bounds code submissions and resend requests from one source address. Guessing one code is
	// bounded by the challenge (otp.MaxAttempts) and the user's failure budget; this bounds one address's
	// traffic across challenges.
	CodePerIP = ratelimit.Rule{Scope: "otp-ip", Limit: 30, Window: time.Minute}
)

// limitIP counts a request from a source address. API Gateway always gives one; an empty one (a test, a direct
// invoke) is counted under "unknown".
func (s *Service) limitIP(ctx context.Context, rule ratelimit.Rule, ip string) error {
	if ip == "" {
		ip = "unknown"
	}
	return s.Limits.Take(ctx, rule, ip)
}

// limitEmail counts an attempt at an email address. The counter's key holds an HMAC of the address, so the
// table keeps no trace of addresses that people typed but that do not exist.
func (s *Service) limitEmail(ctx context.Context, email string) error {
	return s.Limits.Take(ctx, SignInPerEmail, s.Keys.Hash("signin-email:"+table.Fold(email)))
}
