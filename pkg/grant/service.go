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

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/clock"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// Deps are what the service and the expirer are built from.
type Deps struct {
	DB    dynamo.DB
	Table string
	// Keys signs share links; the expirer does not need them.
	Keys  *secret.Keyring
	Clock clock.Clock
	Log   *slog.Logger
	// PortalURL is the portal's origin, for share links and the links in emails.
	PortalURL string
	// Random draws Partner IDs; crypto/rand when nil.
	Random io.Reader
}

// core is what the service and the expirer share: the table, the clock, and how grants change, are audited and
// announced.
type core struct {
	store  dynamo.Store
	table  string
	clock  clock.Clock
	log    *slog.Logger
	portal string
	random io.Reader
}

func newCore(d Deps) (core, error) {
	if d.DB == nil || d.Table == "" || d.Clock == nil || d.PortalURL == "" {
		return core{}, errors.New("grant: DB, Table, Clock and PortalURL are required")
	}
	if d.Log == nil {
		d.Log = slog.New(slog.DiscardHandler)
	}
	if d.Random == nil {
		d.Random = rand.Reader
	}
	return core{
		store: dynamo.Store{DB: d.DB, Table: d.Table}, table: d.Table, clock: d.Clock, log: d.Log,
		portal: strings.TrimRight(d.PortalURL, "/"), random: d.Random,
	}, nil
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
func (c *core) load(ctx context.Context, id string) (Grant, error) {
	if !secret.WellFormedID(id) {
		return Grant{}, errNoGrant
	}
	rec, found, err := c.store.Grant(ctx, id)
	if err != nil {
		return Grant{}, err
	}
	if !found {
		return Grant{}, errNoGrant
	}
	return fromRecord(rec)
}

// sideOf is the side of g the caller acts for: the account it acts in is g's customer or g's partner. Any other
// caller does not see g.
func sideOf(a actor.Actor, g Grant) (Side, error) {
	switch a.AccountID {
	case "":
	case g.Customer.ID:
		return CustomerSide, nil
	case g.Partner.ID:
		return PartnerSide, nil
	}
	return "", errNoGrant
}

// changeAttempts bounds how often a change is decided again after it lost a race with another change of the
// same grant (a staff change, a reminder) that left it possible.
const changeAttempts = 4

// change is one decided change of a grant: its next state, the other items of its transaction, and what a
// failed condition of one of them means (nil: a race).
type change struct {
	next   Grant
	items  []types.TransactWriteItem
	failed func(err error) error
	// unchanged says there is nothing to write: next is the grant as read.
	unchanged bool
}

// apply runs a change of grant id decided by decide on a fresh reading, in one transaction whose first item
// replaces the grant on the condition that it is unchanged. If that condition fails, another change came first:
// decide runs again on what is there now, so the loser of a race answers what the winner left (the grant ended,
// already accepted, ...), or errChanged after changeAttempts.
func (c *core) apply(ctx context.Context, id string, decide func(g Grant, now time.Time) (change, error)) (Grant, error) {
	for range changeAttempts {
		g, err := c.load(ctx, id)
		if err != nil {
			return Grant{}, err
		}
		ch, err := decide(g, c.clock.Now())
		if err != nil || ch.unchanged {
			return ch.next, err
		}
		put, err := putGrant(c.table, ch.next, g.Version, g.Status)
		if err != nil {
			return Grant{}, err
		}
		err = c.store.Transact(ctx, append([]types.TransactWriteItem{put}, ch.items...))
		switch {
		case err == nil:
			return ch.next, nil
		case dynamo.FailedAt(err, 0):
			continue
		case dynamo.ConditionFailed(err) && ch.failed != nil:
			if e := ch.failed(err); e != nil {
				return Grant{}, e
			}
			continue
		case dynamo.ConditionFailed(err):
			continue
		}
		return Grant{}, err
	}
	return Grant{}, errChanged
}

// audits are the audit events of a step of g, one on each side's account, with the same details.
func audits(tableName string, g Grant, actorID string, action audit.Action, details map[string]string, now time.Time) ([]types.TransactWriteItem, error) {
	base := map[string]string{
		"customerId": g.Customer.ID, "customerName": g.Customer.Name,
		"partnerAccountId": g.Partner.ID, "partnerName": g.Partner.Name,
	}
	maps.Copy(base, details)
	var items []types.TransactWriteItem
	for _, accountID := range []string{g.Customer.ID, g.Partner.ID} {
		item, err := dynamo.AuditPut(tableName, audit.Event{ID: secret.NewID(), AccountID: accountID, At: now, ActorID: actorID,
			Action: action, TargetType: "grant", TargetID: g.ID, Details: maps.Clone(base)})
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, nil
}

// maxRecipients bounds the administrators of one account an email about a grant goes to (one outbox message
// each, in the change's transaction).
const maxRecipients = 10

// mail is the outbox messages of one email to the administrators of an account about g: branded as that
// account, with the names of both sides, a link to the partner access page, and data.
func (c *core) mail(ctx context.Context, accountID, template string, g Grant, data map[string]string, now time.Time) ([]types.TransactWriteItem, error) {
	contacts, err := c.store.AdminContacts(ctx, accountID, maxRecipients)
	if err != nil {
		return nil, err
	}
	var items []types.TransactWriteItem
	for _, to := range contacts {
		d := map[string]string{
			"name": to.Name, "customerName": g.Customer.Name, "partnerName": g.Partner.Name, "link": c.portal + "/partner-access",
		}
		maps.Copy(d, data)
		item, err := outbox.Put(c.table, outbox.Message{
			ID: secret.NewID(), Template: template, To: to.Email, UserID: to.UserID, AccountID: accountID,
			Data: d, BrandAccountID: accountID, CreatedAt: now,
		})
		if err != nil {
			return nil, err
		}
		items = append(items, item)
	}
	return items, nil
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

// stamp formats a time for email data (RFC 3339); the zero time is "".
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
