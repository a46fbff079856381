package grant

import (
	"context"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/tally"
)

// errPartnerOnly answers a customer who tries what only the partner does.
var errPartnerOnly = fault.New(fault.ErrForbidden, "partner-only", "Only the invited partner answers an invitation and assigns its staff.")

// partnerSide checks that the caller acts for g's partner with role.PartnerAccessManage.
func partnerSide(a actor.Actor, g partneraccess.Grant) error {
	return onSide(a, g, PartnerSide, errPartnerOnly)
}

// onSide checks that the caller acts for g's side want with role.PartnerAccessManage: the other side is refused
// with wrong, anyone else as sideOf refuses them.
func onSide(a actor.Actor, g partneraccess.Grant, want Side, wrong error) error {
	side, err := sideOf(a, g)
	if err != nil {
		return err
	}
	if side != want {
		return wrong
	}
	return need(a, role.PartnerAccessManage)
}

// Accept accepts a pending invitation for the partner: the grant becomes active (its staff are assigned next)
// and the customer's administrators are told. The caller acts in the partner account with
// role.PartnerAccessManage. Of two concurrent answers (or an answer and a revoke, or the sweep) one wins; the
// other answers what it finds (grant-not-pending, grant-ended).
func (s *Service) Accept(ctx context.Context, a actor.Actor, id string) (View, error) {
	g, err := s.update(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
		if err := partnerSide(a, *g); err != nil {
			return err
		}
		next, err := g.Accepted(a.UserID, now)
		if err != nil {
			return err
		}
		by, err := s.userName(ctx, a.UserID)
		if err != nil {
			return err
		}
		audits(tx, next, a.UserID, audit.GrantAccepted, map[string]string{
			"endsAt": stamp(next.EndsAt), "autoExtend": strconv.FormatBool(next.AutoExtend),
		}, now)
		if err := s.mail(ctx, tx, next.Customer.ID, next, func(n outbox.GrantNotice) outbox.Mail {
			n.EndsAt = next.EndsAt
			return outbox.InvitationAccepted{GrantNotice: n, By: by}
		}, now); err != nil {
			return err
		}
		*g = next
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "partner access accepted", "grantId", g.ID)
	s.count.Count(ctx, tally.GrantsAccepted)
	return viewOf(g, PartnerSide), nil
}

// Decline declines a pending invitation for the partner: the grant ends (a new invitation is needed), the pair
// guard goes and the customer's administrators are told.
func (s *Service) Decline(ctx context.Context, a actor.Actor, id string) (View, error) {
	g, err := s.update(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
		if err := partnerSide(a, *g); err != nil {
			return err
		}
		next, err := g.Ended(partneraccess.Decline, a.UserID, partneraccess.ReasonDeclined, now)
		if err != nil {
			return err
		}
		audits(tx, next, a.UserID, audit.GrantDeclined, nil, now)
		if err := s.mail(ctx, tx, next.Customer.ID, next, func(n outbox.GrantNotice) outbox.Mail {
			return outbox.InvitationDeclined{GrantNotice: n}
		}, now); err != nil {
			return err
		}
		if err := s.ending(ctx, tx, *g); err != nil {
			return err
		}
		*g = next
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "partner access declined", "grantId", g.ID)
	return viewOf(g, PartnerSide), nil
}

// ending adds to tx what goes with a live grant g as it ends: the deletion of its pair guard and of every staff
// membership it gave that is still the grant's, and taking it off the list of each staff group assigned to it
// (the ended grant lets no member act: partneraccess.StaffAccess). Any of them failing means g or a group
// changed since read: decide again.
func (c *core) ending(ctx context.Context, tx *dynamo.Tx, g partneraccess.Grant) error {
	tx.ReleaseGrantPair(g.Customer.ID, g.Partner.ID, g.ID, dynamo.ErrGrantStale)
	refs := make([]dynamo.Ref, len(g.Groups))
	for i, a := range g.Groups {
		refs[i] = dynamo.StaffGroupRef(g.Partner.ID, a.ID)
	}
	ctx, err := c.store.Prefetch(dynamo.Fresh(ctx), refs...) // every group in one read
	if err != nil {
		return err
	}
	for _, a := range g.Groups {
		if _, err := c.unlist(ctx, tx, g.Partner.ID, a.ID, g.ID); err != nil {
			return err
		}
	}
	return c.drops(ctx, tx, g.ID, g.Customer.ID, g.Staff)
}
