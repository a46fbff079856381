package grant

import (
	"context"
	"errors"
	"time"

	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
)

// Expirer handles grants the expiry sweep finds due (items of type table.TypeGrant): a pending invitation that
// was not answered in time expires, an active grant with an end date is extended at it (auto-extend), or gets
// its reminders and then ends. Each
// change is one transaction on the condition that the grant is unchanged since read (store.UpdateGrant), so a
// sweep that races with an answer, a revoke or another sweep does nothing twice: the loser reads again and finds
// nothing due.
type Expirer struct {
	core
}

// NewExpirer builds the expirer. It needs no keys.
func NewExpirer(d Deps) (*Expirer, error) {
	c, err := newCore(d)
	if err != nil {
		return nil, err
	}
	return &Expirer{core: c}, nil
}

// Expire handles the grant id, found due on the expiry index at now: what its Due names, if it is still due.
func (e *Expirer) Expire(ctx context.Context, id string, now time.Time) error {
	g, err := e.store.UpdateGrant(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx) error {
		return e.due(ctx, g, tx, now)
	})
	if errors.Is(err, dynamo.ErrGrantNotFound) { // collected meanwhile: nothing is due any more
		return nil
	}
	if err != nil {
		return err
	}
	e.log.InfoContext(ctx, "grant swept", "grantId", g.ID, "status", g.Status, "due", g.Due.Event)
	return nil
}

// due applies to g what the sweep does at now, adding what goes with it to tx.
func (e *Expirer) due(ctx context.Context, g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
	if g.Due.Event == "" || g.Due.At.After(now) {
		return nil // handled, answered or rescheduled meanwhile
	}
	switch {
	case g.Status == partneraccess.Invited:
		next, err := g.Ended(partneraccess.Expire, "", partneraccess.ReasonNotAnswered, now)
		if err != nil {
			return err
		}
		if err := e.end(ctx, tx, *g, next, now, func(n outbox.GrantNotice) outbox.Mail {
			return outbox.InvitationExpired{GrantNotice: n}
		}, next.Customer.ID); err != nil {
			return err
		}
		*g = next
	case g.ExtensionDue(now):
		next := g.Extended(now)
		if err := e.extension(ctx, tx, *g, next, now); err != nil {
			return err
		}
		*g = next
	case g.Status == partneraccess.Active && g.PastEnd(now):
		next, err := g.Ended(partneraccess.Expire, "", partneraccess.ReasonEndDate, now)
		if err != nil {
			return err
		}
		if err := e.end(ctx, tx, *g, next, now, func(n outbox.GrantNotice) outbox.Mail {
			return outbox.AccessExpired{GrantNotice: n}
		}, next.Customer.ID, next.Partner.ID); err != nil {
			return err
		}
		*g = next
	case g.Status == partneraccess.Active:
		for _, to := range []string{g.Customer.ID, g.Partner.ID} {
			if err := e.mail(ctx, tx, to, *g, func(n outbox.GrantNotice) outbox.Mail {
				n.EndsAt = g.EndsAt
				return outbox.AccessEnding{GrantNotice: n}
			}, now); err != nil {
				return err
			}
		}
		*g = g.Reminded(now)
	default: // an ended grant has nothing due; take it off the index should it still be there
		*g = g.Unscheduled()
	}
	return nil
}

// end adds to tx what goes with the sweep's ending of g (into next): its pair guard and staff memberships go,
// both sides' audit logs record it, and the administrators of the accounts notify are told, with what.
func (e *Expirer) end(ctx context.Context, tx *dynamo.Tx, g, next partneraccess.Grant, now time.Time, what func(outbox.GrantNotice) outbox.Mail, notify ...string) error {
	if err := e.ending(ctx, tx, g); err != nil {
		return err
	}
	audits(tx, next, "", audit.GrantExpired, map[string]string{
		"reason": next.EndReason, "staffRemoved": joinIDs(g.Staff),
	}, now)
	for _, to := range notify {
		if err := e.mail(ctx, tx, to, next, func(n outbox.GrantNotice) outbox.Mail {
			n.EndsAt = g.EndsAt
			return what(n)
		}, now); err != nil {
			return err
		}
	}
	return nil
}
