// Package tree is the partner tree as its administrators use it: an account with the counts of its whole
// subtree (Get), its children one page at a time (Children), a search of the whole subtree by name or Partner ID
// (Search), company details and app toggles (Edit), a customer's endpoint count (ReportEndpoints), disabling and
// enabling (Disable, Enable) and the audit log (AuditLog).
//
// Who may do what is decided in one place, Decide, which every use case asks: an administrator views its whole
// subtree, but edits and disables only the accounts directly below it unless it holds the Account Actions
// Control right; nobody acts on its own account or above it, and what lies outside the caller's subtree does
// not exist for them (404).
//
// Every change goes through the store's update seam (UpdateAccount): one DynamoDB transaction with a version
// condition on the account, the subtree counters of every ancestor and the audit events, read again and decided
// again when another change got there first, so counts stay exact under concurrent changes. Listing an account
// or a page of children costs the same reads for a tree of 10 accounts as for 100,000.
package tree

import (
	"context"
	"errors"
	"log/slog"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/table"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// store is what the partner tree reads and writes; dynamo.Store is one.
type store interface {
	Account(ctx context.Context, id string) (account.Account, error)
	AccountAncestors(ctx context.Context, a account.Account) ([]account.Account, error)
	User(ctx context.Context, id string) (user.User, error)
	ChildrenPage(ctx context.Context, parentID string, limit int, start dynamo.Cursor) ([]account.Account, dynamo.Cursor, error)
	AuditPage(ctx context.Context, q dynamo.AuditQuery) ([]audit.Event, dynamo.Cursor, error)
	UserByEmail(ctx context.Context, email string) (user.User, error)
	UpdateAccount(ctx context.Context, id string, rule func(acc *account.Account, tx *dynamo.Tx) error) (account.Account, error)

	SearchAccountsPage(ctx context.Context, rootID string, q table.FindQuery, after string, desc bool, limit int, keep func(dynamo.FindEntry) bool) (dynamo.FindPage, error)
	SearchAccounts(ctx context.Context, rootID string, q table.FindQuery, most int) ([]dynamo.FindEntry, error)
	AccountsByID(ctx context.Context, ids []string) (map[string]account.Account, error)

	// What the attention summary reads besides (attention.go): a page of the user list, the account's marks of
	// dead addresses, their users, the pending users' last activation emails, and a page of the account's grants.
	MembersPage(ctx context.Context, p dynamo.ListPage) (rows []dynamo.MemberRow, more bool, err error)
	UndeliverableUsers(ctx context.Context, accountID string, limit int) (ids []string, more bool, err error)
	UsersByID(ctx context.Context, ids []string) (map[string]user.User, error)
	MessagesByID(ctx context.Context, ids []string) (map[string]outbox.Message, error)
	GrantsPage(ctx context.Context, customer bool, accountID string, limit int, start dynamo.Cursor) ([]partneraccess.Grant, dynamo.Cursor, error)
}

var _ store = dynamo.Store{}

// BrandingFunc gives the effective branding of an account (the nearest ancestor with branding wins), as the
// account view shows it. The branding service provides it; without one the view's branding is null.
type BrandingFunc func(ctx context.Context, a account.Account) (any, error)

// Deps are what the service is built from.
type Deps struct {
	// DB is the table's client. Search also reads in batches (dynamo.BatchGetter), as the DynamoDB client does.
	DB    dynamo.DB
	Table string
	Clock clock.Clock
	Log   *slog.Logger
	// Branding is optional.
	Branding BrandingFunc
}

// Service runs the partner tree's use cases.
type Service struct {
	store    store
	clock    clock.Clock
	log      *slog.Logger
	branding BrandingFunc
}

// New builds the service.
func New(d Deps) (*Service, error) {
	if d.DB == nil || d.Table == "" || d.Clock == nil {
		return nil, errors.New("tree: DB, Table and Clock are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	return &Service{
		store:    dynamo.Store{DB: d.DB, Table: d.Table},
		clock:    d.Clock,
		log:      d.Log,
		branding: d.Branding,
	}, nil
}
