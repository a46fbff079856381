// Package onboarding brings accounts and people onto the platform: the first administrator (Bootstrap), new
// accounts with their point of contact (Create), activation links (Link, Activate) and re-sent links (Resend).
// The sweep expires the links (dynamo.Store.ExpireToken).
//
// Every change is one DynamoDB transaction with conditions, each added with the domain error its failure means:
// the records, the uniqueness guards, the single-use token, the outbox message that sends the email, the audit
// events and the subtree counters commit together or not at all. Activations and resends go through the user's
// update seam (dynamo.Store.UpdateUser), which decides again when another change got there first. What inviting
// means — the invited user, the link's token, how long it works — is package invitation's.
//
// A link token is never stored, logged or returned by the API: the table holds the token's id and state, the
// outbox message holds a reference from which the mailer derives the link with the HMAC key, and the link puts
// the token in the URL fragment.
package onboarding

import (
	"context"
	"crypto/rand"
	"errors"
	"io"
	"log/slog"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/tally"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// store is what onboarding reads and writes; dynamo.Store is one.
type store interface {
	Tx() *dynamo.Tx
	Commit(ctx context.Context, tx *dynamo.Tx) error
	UpdateUser(ctx context.Context, id string, rule func(u *user.User, tx *dynamo.Tx) error) (user.User, error)
	UpdateAccount(ctx context.Context, id string, rule func(acc *account.Account, tx *dynamo.Tx) error) (account.Account, error)

	ProviderID(ctx context.Context) (string, error)
	Account(ctx context.Context, id string) (account.Account, error)
	User(ctx context.Context, id string) (user.User, error)
	Prefetch(ctx context.Context, refs ...dynamo.Ref) (context.Context, error)
	UserByEmail(ctx context.Context, email string) (user.User, error)
	Membership(ctx context.Context, userID, accountID string) (user.Membership, error)
	Token(ctx context.Context, id string) (token.Token, error)
	UnregisteredPage(ctx context.Context, m dynamo.UnregisteredMatch) ([]dynamo.MemberRow, bool, error)

	branding.Store
}

var _ store = dynamo.Store{}

// Deps are what the service is built from.
type Deps struct {
	DB    dynamo.DB
	Table string
	Keys  *secret.Keyring
	Clock clock.Clock
	Log   *slog.Logger
	// Random draws new MSPs' and partners' Partner IDs; crypto/rand when nil.
	Random io.Reader
	// Count counts accounts created and activations (see package tally); nil counts nothing.
	Count tally.Counter
}

// Service runs the onboarding use cases.
type Service struct {
	store  store
	keys   *secret.Keyring
	clock  clock.Clock
	log    *slog.Logger
	random io.Reader
	count  tally.Counter
}

// New builds the service.
func New(d Deps) (*Service, error) {
	if d.DB == nil || d.Table == "" || d.Keys == nil || d.Clock == nil {
		return nil, errors.New("onboarding: DB, Table, Keys and Clock are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Random == nil {
		d.Random = rand.Reader
	}
	return &Service{
		store:  dynamo.Store{DB: d.DB, Table: d.Table},
		keys:   d.Keys,
		clock:  d.Clock,
		log:    d.Log,
		random: d.Random,
		count:  d.Count,
	}, nil
}
