// Package reset is the forgotten-password flow: a reset link by email, then the security question the user
// chose at activation, then a new password that meets the same rules as at activation.
//
// Asking for a link tells nothing: the answer is the same 202, after the same work, whether or not the address
// belongs to someone, and the rate limits drop requests silently. The link is a token like an activation link
// (valid for an hour, single use, the latest one only, expired by the sweep's token expirer) that takes at most
// MaxAnswers security answers, so the question cannot be guessed at leisure. Recovery and sign-in locks are
// kept apart: a reset works while sign-in is locked, and ends the lock; a reset ends every session of the user
// in the transaction that sets the password.
package reset

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/ratelimit"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/session"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// TTL is how long a reset link works.
const TTL = time.Hour

// retention keeps the pointer to the user's current reset token as long as the token item stays after its
// deadline (so a late click learns the link expired rather than that it never existed); TTL then collects both.
const retention = 30 * 24 * time.Hour

// Rate limits of requests for a link. Past either, requests are dropped without a word: the answer stays 202.
var (
	// PerIP bounds requests from one source address.
	PerIP = ratelimit.Rule{Scope: "reset-ip", Limit: 10, Window: 10 * time.Minute}
	// PerEmail bounds requests for one address, from anywhere: at most this many emails an hour.
	PerEmail = ratelimit.Rule{Scope: "reset-email", Limit: 3, Window: time.Hour}
)

// Deps are what the service is built from.
type Deps struct {
	DB    dynamo.DB
	Table string
	Keys  *secret.Keyring
	Clock clock.Clock
	Log   *slog.Logger
}

// store is what the reset use cases read and write; dynamo.Store is one.
type store interface {
	branding.Store
	User(ctx context.Context, id string) (user.User, error)
	UserByEmail(ctx context.Context, email string) (user.User, error)
	RecordLoginError(ctx context.Context, userID, reason string, at time.Time) error
	Token(ctx context.Context, id string) (token.Token, error)
	ResetTokenOf(ctx context.Context, userID string) (string, error)
	CountResetAttempt(ctx context.Context, tokenID string) (int, error)
	SessionsOf(ctx context.Context, userID string) ([]session.Session, error)
	EndAllSessions(ctx context.Context, userID string) (int, error)
	Tx() *dynamo.Tx
	Commit(ctx context.Context, tx *dynamo.Tx) error
}

var _ store = dynamo.Store{}

// Service runs the reset use cases.
type Service struct {
	store  store
	keys   *secret.Keyring
	clock  clock.Clock
	limits ratelimit.Limiter
	log    *slog.Logger
}

// New builds the service.
func New(d Deps) (*Service, error) {
	if d.DB == nil || d.Table == "" || d.Keys == nil || d.Clock == nil {
		return nil, errors.New("reset: DB, Table, Keys and Clock are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		store:  dynamo.Store{DB: d.DB, Table: d.Table},
		keys:   d.Keys,
		clock:  d.Clock,
		limits: ratelimit.Limiter{DB: d.DB, Table: d.Table, Clock: d.Clock},
		log:    d.Log,
	}, nil
}

// Problems of a reset link. A link that does not verify or names nothing may have been mistyped (404); one
// that no longer works says why (410).
var (
	errLinkInvalid = fault.New(fault.ErrNotFound, "link-invalid",
		"This reset link is not valid. Open it again from your email, or ask for a new one.")
	errLinkUsed = fault.New(fault.ErrAlreadyUsed, "link-used",
		"This reset link has already been used. If you still cannot sign in, ask for a new one.")
	errLinkReplaced = fault.New(fault.ErrExpired, "link-replaced",
		"A newer reset link was sent to you, so this one no longer works. Use the latest email.")
	errLinkExpired = fault.New(fault.ErrExpired, "link-expired",
		"This reset link has expired: links work for one hour. Ask for a new one.")
	errLinkUsedUp = fault.New(fault.ErrExpired, "link-used-up",
		"Too many wrong answers with this reset link, so it no longer works. Ask for a new one.")
)

// MaxAnswers is how many security answers one reset link takes; then it is used up and the user asks for a new
// one (at most PerEmail an hour), so the question cannot be guessed at leisure. Wrong answers do not count in
// the sign-in failure budget: recovery never locks sign-in, and a sign-in lock never blocks recovery.
const MaxAnswers = 5

// ErrWrongAnswer answers a wrong security answer (400: the request, not a session, is at fault), saying how
// many answers the link still takes.
func ErrWrongAnswer(left int) error {
	return fault.New(fault.ErrInvalid, "wrong-answer",
		fmt.Sprintf("The answer to your security question is not correct. This link takes %d more %s.", left, plural(left, "answer", "answers")))
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
