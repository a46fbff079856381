package grant

import (
	"context"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// errPartnerOnly answers a customer who tries what only the partner does.
var errPartnerOnly = fault.New(fault.ErrForbidden, "partner-only", "Only the invited partner answers an invitation and assigns its staff.")

// partnerSide checks that the caller acts for g's partner with role.PartnerAccessManage.
func partnerSide(a actor.Actor, g Grant) error {
	side, err := sideOf(a, g)
	if err != nil {
		return err
	}
	if side != PartnerSide {
		return errPartnerOnly
	}
	return need(a, role.PartnerAccessManage)
}

// Accept accepts a pending invitation for the partner: the grant becomes active (its staff are assigned next)
// and the customer's administrators are told. The caller acts in the partner account with
// role.PartnerAccessManage. Of two concurrent answers (or an answer and a revoke, or the sweep) one wins; the
// other answers what it finds (grant-not-pending, grant-ended).
func (s *Service) Accept(ctx context.Context, a actor.Actor, id string) (View, error) {
	g, err := s.apply(ctx, id, func(g Grant, now time.Time) (change, error) {
		if err := partnerSide(a, g); err != nil {
			return change{}, err
		}
		next, err := g.accepted(a.UserID, now)
		if err != nil {
			return change{}, err
		}
		by, err := s.userName(ctx, a.UserID)
		if err != nil {
			return change{}, err
		}
		events, err := audits(s.table, next, a.UserID, "partner-access.accepted", map[string]string{"endsAt": stamp(next.EndsAt)}, now)
		if err != nil {
			return change{}, err
		}
		mails, err := s.mail(ctx, next.Customer.ID, "partner-invitation-accepted", next, map[string]string{"by": by, "endsAt": stamp(next.EndsAt)}, now)
		if err != nil {
			return change{}, err
		}
		return change{next: next, items: append(events, mails...)}, nil
	})
	if err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "partner access accepted", "grantId", g.ID)
	return viewOf(g, PartnerSide), nil
}

// Decline declines a pending invitation for the partner: the grant ends (a new invitation is needed), the pair
// guard goes and the customer's administrators are told.
func (s *Service) Decline(ctx context.Context, a actor.Actor, id string) (View, error) {
	g, err := s.apply(ctx, id, func(g Grant, now time.Time) (change, error) {
		if err := partnerSide(a, g); err != nil {
			return change{}, err
		}
		next, err := g.ended(Decline, a.UserID, ReasonDeclined, now)
		if err != nil {
			return change{}, err
		}
		events, err := audits(s.table, next, a.UserID, "partner-access.declined", nil, now)
		if err != nil {
			return change{}, err
		}
		mails, err := s.mail(ctx, next.Customer.ID, "partner-invitation-declined", next, nil, now)
		if err != nil {
			return change{}, err
		}
		items, err := s.ending(ctx, g)
		if err != nil {
			return change{}, err
		}
		return change{next: next, items: append(append(items, events...), mails...)}, nil
	})
	if err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "partner access declined", "grantId", g.ID)
	return viewOf(g, PartnerSide), nil
}

// ending are the items that go with a live grant g as it ends: the deletion of its pair guard and of every staff
// membership it gave that is still the grant's.
func (c *core) ending(ctx context.Context, g Grant) ([]types.TransactWriteItem, error) {
	drops, err := c.drops(ctx, g.ID, g.Customer.ID, g.Staff)
	if err != nil {
		return nil, err
	}
	return append([]types.TransactWriteItem{dynamo.ReleaseGrantPair(c.table, g.Customer.ID, g.Partner.ID, g.ID)}, drops...), nil
}
