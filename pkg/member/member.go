// Package member is user maintenance: the people of an account and what they may do there. An administrator
// lists an account's users (search, A–Z, filters, sorting, pages), invites people — a new email gets a login
// and an activation email, an email that already has a login gets an invitation to accept — edits their name,
// phone numbers and roles, removes their access, and checks a user's status (registration, last sign-in and
// its error, lock, two-factor, the last activation email and its delivery, memberships).
//
// Who may do what: viewing needs role.UsersView, changing role.UsersManage, both checked through actor.Can.
// The caller sees the users of the account it acts in and of every account below it; it manages those of its
// own account and of the accounts directly below, or of its whole subtree with the Account Actions Control
// right (role.HierarchyActions) — the rule the partner tree applies to accounts. Anything outside is not found.
//
// The rules that keep an account usable hold under concurrency: an account always keeps an administrator
// (a removal or demotion commits only with a condition check on another administrator's membership), a user
// never raises their own roles nor grants roles they could not hold, a user whose last access is removed is
// disabled in the same transaction and their sessions end. Every change is one conditional transaction with its
// audit event; condition failures become domain errors.
package member

import (
	"errors"
	"log/slog"

	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// DB is the part of the DynamoDB client the service uses: the stores' calls and the batch read of a page of
// the user list.
type DB interface {
	dynamo.DB
	dynamo.BatchGetter
}

// Deps are what the service is built from.
type Deps struct {
	DB    DB
	Table string
	Keys  *secret.Keyring
	Clock clock.Clock
	Log   *slog.Logger
	// Onboarding invites people who have no login yet, exactly as account creation invites a point of contact.
	Onboarding *onboarding.Service
}

// Service runs the user maintenance use cases.
type Service struct {
	db         DB
	table      string
	store      dynamo.Store
	keys       *secret.Keyring
	clock      clock.Clock
	log        *slog.Logger
	onboarding *onboarding.Service
}

// New builds the service.
func New(d Deps) (*Service, error) {
	if d.DB == nil || d.Table == "" || d.Keys == nil || d.Clock == nil || d.Onboarding == nil {
		return nil, errors.New("member: DB, Table, Keys, Clock and Onboarding are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		db:         d.DB,
		table:      d.Table,
		store:      dynamo.Store{DB: d.DB, Table: d.Table},
		keys:       d.Keys,
		clock:      d.Clock,
		log:        d.Log,
		onboarding: d.Onboarding,
	}, nil
}
