// Package twofactor is a user's two-factor sign-in settings: whether it is on (switched by a super administrator
// only), and which second factor the user signs in with — a code by email (the default), a code by SMS to a
// mobile number verified with a code sent to it, or an authenticator app (TOTP) with ten one-time recovery codes.
//
// Sign-in itself (package signin) reads what is chosen here. Every change is one transaction with its audit
// event and, where the user must hear of it, the outbox message; secrets are never stored usable (see package
// factor).
package twofactor

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/factor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/passkey"
	"github.com/partnerhub/partnerhub/pkg/ratelimit"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Issuer names the service in authenticator apps.
const Issuer = "PartnerHub"

// Rate limits. Texts cost money and reach other people's phones, so they are bounded per user and per number;
// confirming an authenticator is bounded so its six digits cannot be searched.
var (
	// TextsPerUser bounds verification texts one user asks for.
	TextsPerUser = ratelimit.Rule{Scope: "mobile-user", Limit: 3, Window: 10 * time.Minute}
	// TextsPerNumber bounds verification texts to one number, whoever asks.
	TextsPerNumber = ratelimit.Rule{Scope: "mobile-number", Limit: 5, Window: time.Hour}
	// ConfirmsPerUser bounds attempts at confirming an authenticator app.
	ConfirmsPerUser = ratelimit.Rule{Scope: "totp-user", Limit: 10, Window: 10 * time.Minute}
)

// Deps are what the service is built from.
type Deps struct {
	DB    dynamo.DB
	Table string
	Keys  *secret.Keyring
	Clock clock.Clock
	Log   *slog.Logger
	// Passkeys is the WebAuthn relying party; without it the passkey routes answer no-passkeys.
	Passkeys passkey.Party
}

// store is what the two-factor use cases read and write; dynamo.Store is one.
type store interface {
	User(ctx context.Context, id string) (user.User, error)
	Factors(ctx context.Context, userID string) (factor.Factors, error)
	CountVerificationAttempt(ctx context.Context, f factor.Factors, rule func(*factor.Verification) error) (factor.Verification, factor.Factors, error)
	SetPendingTOTP(ctx context.Context, userID, sealed string, until time.Time) error
	Passkeys(ctx context.Context, userID string) ([]passkey.Credential, error)
	PutCeremony(ctx context.Context, hash string, c passkey.Ceremony) error
	Ceremony(ctx context.Context, hash string) (passkey.Ceremony, error)
	Tx() *dynamo.Tx
	Commit(ctx context.Context, tx *dynamo.Tx) error
}

var _ store = dynamo.Store{}

// Service runs the two-factor use cases.
type Service struct {
	store  store
	keys   *secret.Keyring
	sealer *factor.Sealer
	clock  clock.Clock
	limits ratelimit.Limiter
	log    *slog.Logger
	party  passkey.Party
}

// New builds the service.
func New(d Deps) (*Service, error) {
	if d.DB == nil || d.Table == "" || d.Keys == nil || d.Clock == nil {
		return nil, errors.New("twofactor: DB, Table, Keys and Clock are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	sealer, err := factor.NewSealer(d.Keys)
	if err != nil {
		return nil, err
	}
	return &Service{
		store:  dynamo.Store{DB: d.DB, Table: d.Table},
		keys:   d.Keys,
		sealer: sealer,
		clock:  d.Clock,
		limits: ratelimit.Limiter{DB: d.DB, Table: d.Table, Clock: d.Clock},
		log:    d.Log,
		party:  d.Passkeys,
	}, nil
}

// userFor reads a user who must exist (the signed-in caller, or the target of an administrator).
func (s *Service) userFor(ctx context.Context, id string) (user.User, error) {
	u, err := s.store.User(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return u, fault.New(fault.ErrNotFound, "user-not-found", "There is no such user.")
	}
	return u, err
}

// event is the audit event of action on u, recorded in u's home account.
func event(u user.User, actorID string, action audit.Action, at time.Time, details map[string]string) audit.Event {
	return audit.Event{
		ID: secret.NewID(), AccountID: u.HomeAccountID, At: at, ActorID: actorID,
		Action: action, TargetType: audit.TargetUser, TargetID: u.ID, Details: details,
	}
}

// changedEmail is the "twofactor-changed" email to u: what changed, the method's label, and who changed it
// when it was not u (by).
func changedEmail(u user.User, change, method, by string, now time.Time) outbox.Message {
	return outbox.New(outbox.Envelope{
		ID: secret.NewID(), To: u.Email, UserID: u.ID, AccountID: u.HomeAccountID, BrandAccountID: u.HomeAccountID,
	}, outbox.TwoFactorChanged{Name: u.Name, Change: change, Method: factor.MethodLabel(method), By: by}, now)
}
