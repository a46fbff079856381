package grant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Expirer handles grants the expiry sweep finds due (items of type table.TypeGrant): a pending invitation that
// was not answered in time expires, an active grant with an end date gets its reminders and then ends. Each
// change is one transaction on the condition that the grant is unchanged since read, so a sweep that races with
// an answer, a revoke or another sweep does nothing twice: the loser reads again and finds nothing due.
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

// Expire handles the grant of a due index item at now: what its Due names, if it is still due.
func (e *Expirer) Expire(ctx context.Context, item map[string]types.AttributeValue, now time.Time) error {
	var seen struct {
		ID string `dynamodbav:"id"`
	}
	if err := attributevalue.UnmarshalMap(item, &seen); err != nil || seen.ID == "" {
		return fmt.Errorf("expire grant: not a grant item")
	}
	g, err := e.apply(ctx, seen.ID, func(g Grant, _ time.Time) (change, error) {
		return e.due(ctx, g, now)
	})
	if errors.Is(err, errNoGrant) { // collected meanwhile: nothing is due any more
		return nil
	}
	if err != nil {
		return err
	}
	e.log.InfoContext(ctx, "grant swept", "grantId", g.ID, "status", g.Status, "due", g.Due.Event)
	return nil
}

// due decides what the sweep does to g at now.
func (e *Expirer) due(ctx context.Context, g Grant, now time.Time) (change, error) {
	if g.Due.Event == "" || g.Due.At.After(now) {
		return change{next: g, unchanged: true}, nil // handled, answered or rescheduled meanwhile
	}
	switch {
	case g.Status == Invited:
		next, err := g.ended(Expire, "", ReasonNotAnswered, now)
		if err != nil {
			return change{}, err
		}
		return e.end(ctx, g, next, now, "partner-invitation-expired", next.Customer.ID)
	case g.Status == Active && g.pastEnd(now):
		next, err := g.ended(Expire, "", ReasonEndDate, now)
		if err != nil {
			return change{}, err
		}
		return e.end(ctx, g, next, now, "partner-access-expired", next.Customer.ID, next.Partner.ID)
	case g.Status == Active:
		next := g
		next.Version++
		next = next.rescheduled(now)
		var items []types.TransactWriteItem
		for _, to := range []string{g.Customer.ID, g.Partner.ID} {
			mails, err := e.mail(ctx, to, "partner-access-ending", g, map[string]string{"endsAt": stamp(g.EndsAt)}, now)
			if err != nil {
				return change{}, err
			}
			items = append(items, mails...)
		}
		return change{next: next, items: items}, nil
	}
	// An ended grant has nothing due; take it off the index should it still be there.
	next := g
	next.Due = Due{}
	next.Version++
	return change{next: next}, nil
}

// end is the change that ends g (into next) by the sweep: its pair guard and staff memberships go, both sides'
// audit logs record it, and the administrators of the accounts notify are told.
func (e *Expirer) end(ctx context.Context, g, next Grant, now time.Time, template string, notify ...string) (change, error) {
	items, err := e.ending(ctx, g)
	if err != nil {
		return change{}, err
	}
	events, err := audits(e.table, next, "", "partner-access.expired", map[string]string{
		"reason": next.EndReason, "staffRemoved": joinIDs(g.Staff),
	}, now)
	if err != nil {
		return change{}, err
	}
	items = append(items, events...)
	for _, to := range notify {
		mails, err := e.mail(ctx, to, template, next, map[string]string{"endsAt": stamp(g.EndsAt)}, now)
		if err != nil {
			return change{}, err
		}
		items = append(items, mails...)
	}
	return change{next: next, items: items}, nil
}
