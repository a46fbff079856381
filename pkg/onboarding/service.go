// Package onboarding brings accounts and people onto the platform: the first administrator (Bootstrap), new
// accounts with their point of contact (Create), activation links (Link, Activate), re-sent links (Resend) and
// their expiry (TokenExpirer).
//
// Every change is one DynamoDB transaction with conditions: the records, the uniqueness guards, the single-use
// token, the outbox message that sends the email, the audit events and the subtree counters commit together or
// not at all. Condition failures come back as domain errors from package fault.
//
// A link token is never stored, logged or returned by the API: the table holds the token's id and state, the
// outbox message holds a reference from which the mailer derives the link with the HMAC key, and the link puts
// the token in the URL fragment.
package onboarding

import (
	"crypto/rand"
	"errors"
	"io"
	"log/slog"
	"time"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// ResendInterval is the least time between two activation emails to one user.
const ResendInterval = time.Minute

// Deps are what the service is built from.
type Deps struct {
	DB    dynamo.DB
	Table string
	Keys  *secret.Keyring
	Clock clock.Clock
	Log   *slog.Logger
	// Random draws new MSPs' and partners' Partner IDs; crypto/rand when nil.
	Random io.Reader
}

// Service runs the onboarding use cases.
type Service struct {
	db     dynamo.DB
	table  string
	store  dynamo.Store
	keys   *secret.Keyring
	clock  clock.Clock
	log    *slog.Logger
	random io.Reader
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
		db:     d.DB,
		table:  d.Table,
		store:  dynamo.Store{DB: d.DB, Table: d.Table},
		keys:   d.Keys,
		clock:  d.Clock,
		log:    d.Log,
		random: d.Random,
	}, nil
}

// Expirer is the sweep's handler for token items.
func (s *Service) Expirer() TokenExpirer { return TokenExpirer{DB: s.db, Table: s.table} }
