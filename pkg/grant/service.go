package grant

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"maps"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/tally"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// store is what partner access reads and writes; dynamo.Store has it.
type store interface {
	Tx() *dynamo.Tx
	Commit(ctx context.Context, tx *dynamo.Tx) error

	GrantByID(ctx context.Context, id string) (partneraccess.Grant, error)
	UpdateGrant(ctx context.Context, id string, change func(g *partneraccess.Grant, tx *dynamo.Tx) error) (partneraccess.Grant, error)
	GrantPair(ctx context.Context, customerID, partnerAccountID string) (grantID string, found bool, err error)
	GrantsPage(ctx context.Context, customer bool, accountID string, limit int, start dynamo.Cursor) ([]partneraccess.Grant, dynamo.Cursor, error)
	ShareLink(ctx context.Context, id string) (dynamo.ShareLinkRecord, bool, error)
	StaffGroup(ctx context.Context, accountID, id string) (partneraccess.Group, error)
	StaffGroups(ctx context.Context, accountID string) ([]partneraccess.Group, error)

	Account(ctx context.Context, id string) (account.Account, error)
	AccountUsable(ctx context.Context, a account.Account) (bool, error)
	AccountByPartnerID(ctx context.Context, id partnerid.ID) (account.Account, bool, error)
	AdminContacts(ctx context.Context, accountID string, limit int) ([]dynamo.Contact, error)
	User(ctx context.Context, id string) (user.User, error)
	Membership(ctx context.Context, userID, accountID string) (user.Membership, error)
	Prefetch(ctx context.Context, refs ...dynamo.Ref) (context.Context, error)
}

var _ store = dynamo.Store{}

// Deps are what the service and the expirer are built from.
type Deps struct {
	// Store is the table: dynamo.Store{DB: ..., Table: ...}.
	Store store
	// Keys signs share links; the expirer does not need them.
	Keys  *secret.Keyring
	Clock clock.Clock
	Log   *slog.Logger
	// PortalURL is the portal's origin, for share links and the links in emails.
	PortalURL string
	// Random draws Partner IDs; crypto/rand when nil.
	Random io.Reader
	// Count counts grants accepted and revoked (see package tally); nil counts nothing.
	Count tally.Counter
}

// core is what the service and the expirer share: the table, the clock, and how grants change, are audited and
// announced.
type core struct {
	store  store
	clock  clock.Clock
	log    *slog.Logger
	portal string
	random io.Reader
	count  tally.Counter
}

func newCore(d Deps) (core, error) {
	if d.Store == nil || d.Clock == nil || d.PortalURL == "" {
		return core{}, errors.New("grant: Store, Clock and PortalURL are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Random == nil {
		d.Random = rand.Reader
	}
	return core{store: d.Store, clock: d.Clock, log: d.Log, portal: strings.TrimRight(d.PortalURL, "/"), random: d.Random, count: d.Count}, nil
}

// Service runs the partner access use cases.
type Service struct {
	core
	keys *secret.Keyring
}

// New builds the service.
func New(d Deps) (*Service, error) {
	c, err := newCore(d)
	if err != nil {
		return nil, err
	}
	if d.Keys == nil {
		return nil, errors.New("grant: Keys are required")
	}
	return &Service{core: c, keys: d.Keys}, nil
}

// Problems every use case may answer.
var (
	errNoAccount = fault.New(fault.ErrNotFound, "account-not-found",
		"There is no such account among yours: partner access is managed from inside the account, so switch to it first.")
	errNoGrant = fault.New(fault.ErrNotFound, "grant-not-found", "There is no such partner access for the account you act in.")
	errChanged = fault.New(fault.ErrConflict, "grant-changed", "This partner access changed while you were changing it; reload and try again.")
	errManage  = fault.New(fault.ErrForbidden, "forbidden", "Your role does not allow managing support partners (partner-access:manage).")
)

// need checks that the caller is signed in and holds a permission.
func need(a actor.Actor, p role.Permission) error {
	if a.Anonymous() {
		return fault.ErrUnauthorized
	}
	if !a.Can(p) {
		return errManage
	}
	return nil
}

// load reads a grant; a malformed or missing one is errNoGrant.
func (c *core) load(ctx context.Context, id string) (partneraccess.Grant, error) {
	if !secret.WellFormedID(id) {
		return partneraccess.Grant{}, errNoGrant
	}
	g, err := c.store.GrantByID(ctx, id)
	if errors.Is(err, dynamo.ErrGrantNotFound) {
		return g, errNoGrant
	}
	return g, err
}

// ownPartnerAccount reads accountID, which must be the account the caller acts in and an MSP or partner account
// (one with a Partner ID, share links and staff groups); notPartner is the answer for any other kind.
func (c *core) ownPartnerAccount(ctx context.Context, a actor.Actor, accountID string, notPartner error) (account.Account, error) {
	if accountID != a.AccountID || !secret.WellFormedID(accountID) {
		return account.Account{}, errNoAccount
	}
	acc, err := c.store.Account(ctx, accountID)
	if errors.Is(err, fault.ErrNotFound) {
		return acc, errNoAccount
	}
	if err != nil {
		return acc, err
	}
	if !partnerid.Has(acc.Kind) {
		return acc, notPartner
	}
	return acc, nil
}

// sideOf is the side of g the caller acts for: the account it acts in is g's customer or g's partner. Any other
// caller does not see g.
func sideOf(a actor.Actor, g partneraccess.Grant) (Side, error) {
	switch a.AccountID {
	case "":
	case g.Customer.ID:
		return CustomerSide, nil
	case g.Partner.ID:
		return PartnerSide, nil
	}
	return "", errNoGrant
}

// update changes grant id by the rule change, decided on a fresh reading with the clock's now, in one
// transaction with what change adds to tx (store.UpdateGrant). If another change came first, change runs again on
// what is there now, so the loser of a race answers what the winner left (the grant ended, already accepted, ...),
// or errChanged after a few attempts. A malformed or missing grant is errNoGrant.
func (c *core) update(ctx context.Context, id string, change func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error) (partneraccess.Grant, error) {
	if !secret.WellFormedID(id) {
		return partneraccess.Grant{}, errNoGrant
	}
	g, err := c.store.UpdateGrant(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx) error {
		return change(g, tx, c.clock.Now())
	})
	switch {
	case errors.Is(err, dynamo.ErrGrantNotFound):
		return g, errNoGrant
	case errors.Is(err, dynamo.ErrGrantStale):
		return g, errChanged
	}
	return g, err
}

// audit adds the audit events of a step of g to tx, one on each side's account, with the same details.
func audits(tx *dynamo.Tx, g partneraccess.Grant, actorID string, action audit.Action, details map[string]string, now time.Time) {
	base := map[string]string{
		"customerId": g.Customer.ID, "customerName": g.Customer.Name,
		"partnerAccountId": g.Partner.ID, "partnerName": g.Partner.Name,
	}
	maps.Copy(base, details)
	for _, accountID := range []string{g.Customer.ID, g.Partner.ID} {
		tx.Audit(audit.Event{ID: secret.NewID(), AccountID: accountID, At: now, ActorID: actorID,
			Action: action, TargetType: audit.TargetGrant, TargetID: g.ID, Details: maps.Clone(base)})
	}
}

// maxRecipients bounds the administrators of one account an email about a grant goes to (one outbox message
// each, in the change's transaction).
const maxRecipients = 10

// mail adds to tx one email to each administrator of an account about g, branded as that account: what makes
// of the notice every grant email carries (the recipient's name, both sides' names, a link to the partner access
// page) the mail the template needs.
func (c *core) mail(ctx context.Context, tx *dynamo.Tx, accountID string, g partneraccess.Grant, what func(outbox.GrantNotice) outbox.Mail, now time.Time) error {
	contacts, err := c.store.AdminContacts(ctx, accountID, maxRecipients)
	if err != nil {
		return err
	}
	for _, to := range contacts {
		notice := outbox.GrantNotice{Name: to.Name, CustomerName: g.Customer.Name, PartnerName: g.Partner.Name, Link: c.portal + "/partner-access"}
		tx.Send(outbox.New(outbox.Envelope{ID: secret.NewID(), To: to.Email, UserID: to.UserID, AccountID: accountID, BrandAccountID: accountID},
			what(notice), now))
	}
	return nil
}

// userName is the name of a user, for emails and the grant's record; "" if the user cannot be read.
func (c *core) userName(ctx context.Context, id string) (string, error) {
	u, err := c.store.User(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read user: %w", err)
	}
	return u.Name, nil
}

// stamp formats a time for audit details (RFC 3339); the zero time is "".
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
