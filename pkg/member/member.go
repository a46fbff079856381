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
// audit event, each condition added with the domain error its failure means. Edits, removals, acceptances and
// re-invitations go through the user's update seam (dynamo.Store.UpdateUser) and repeated membership invitations
// through the invitation's (dynamo.Store.UpdateInvitation): a change that lost a race is decided again on what
// won it. What inviting means — the invited user, the links' tokens, how long they work — is package
// invitation's, shared with onboarding.
package member

import (
	"context"
	"errors"
	"log/slog"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// store is what user maintenance reads and writes; dynamo.Store is one.
type store interface {
	Tx() *dynamo.Tx
	Commit(ctx context.Context, tx *dynamo.Tx) error
	Prefetch(ctx context.Context, refs ...dynamo.Ref) (context.Context, error)
	UpdateUser(ctx context.Context, id string, rule func(u *user.User, tx *dynamo.Tx) error) (user.User, error)
	UpdateInvitation(ctx context.Context, userID, accountID string, rule func(inv *dynamo.Invitation, found bool, tx *dynamo.Tx) error) (dynamo.Invitation, error)

	Account(ctx context.Context, id string) (account.Account, error)
	User(ctx context.Context, id string) (user.User, error)
	UserByEmail(ctx context.Context, email string) (user.User, error)
	UsersByID(ctx context.Context, ids []string) (map[string]user.User, error)
	Membership(ctx context.Context, userID, accountID string) (user.Membership, error)
	StaffGroup(ctx context.Context, accountID, id string) (partneraccess.Group, error)
	Memberships(ctx context.Context, userID string) ([]user.Membership, error)
	MemberAccounts(ctx context.Context, userID string) ([]string, error)
	Admins(ctx context.Context, accountID string, limit int) ([]string, error)
	MembersPage(ctx context.Context, p dynamo.ListPage) ([]dynamo.MemberRow, bool, error)
	SearchMembersPage(ctx context.Context, accountID string, q table.FindQuery, after string, limit int) ([]dynamo.MemberRow, string, error)
	SearchMembers(ctx context.Context, accountID string, q table.FindQuery, most int) ([]dynamo.MemberRow, error)
	Invitation(ctx context.Context, userID, accountID string) (dynamo.Invitation, bool, error)
	Token(ctx context.Context, id string) (token.Token, error)
	Message(ctx context.Context, id string) (outbox.Message, bool, error)
	EndAllSessions(ctx context.Context, userID string) (int, error)

	branding.Store
}

var _ store = dynamo.Store{}

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
}

// Service runs the user maintenance use cases.
type Service struct {
	store store
	keys  *secret.Keyring
	clock clock.Clock
	log   *slog.Logger
}

// New builds the service.
func New(d Deps) (*Service, error) {
	if d.DB == nil || d.Table == "" || d.Keys == nil || d.Clock == nil {
		return nil, errors.New("member: DB, Table, Keys and Clock are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		store: dynamo.Store{DB: d.DB, Table: d.Table},
		keys:  d.Keys,
		clock: d.Clock,
		log:   d.Log,
	}, nil
}
