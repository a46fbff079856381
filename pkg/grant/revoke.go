package grant

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// Revoke ends a grant: the customer revokes it (or withdraws a pending invitation), or the partner ends an
// active one (a pending one it declines). In one transaction the grant becomes revoked on the condition that it
// is unchanged since read, every staff membership it gave and its pair guard are deleted, both sides' audit logs
// record it and the other side's administrators are told. Staff lose access at their very next request. The
// caller acts in either account with role.PartnerAccessManage.
func (s *Service) Revoke(ctx context.Context, a actor.Actor, id string) (View, error) {
	var side Side
	g, err := s.apply(ctx, id, func(g Grant, now time.Time) (change, error) {
		var err error
		if side, err = sideOf(a, g); err != nil {
			return change{}, err
		}
		if err := need(a, role.PartnerAccessManage); err != nil {
			return change{}, err
		}
		reason, notify, template := ReasonRevoked, g.Partner.ID, "partner-access-revoked"
		switch {
		case side == CustomerSide && g.Status == Invited:
			reason = ReasonWithdrawn
		case side == PartnerSide && g.Status == Invited:
			return change{}, errNotActive
		case side == PartnerSide:
			reason, notify = ReasonEndedByPartner, g.Customer.ID
		}
		next, err := g.ended(Revoke, a.UserID, reason, now)
		if err != nil {
			return change{}, err
		}
		events, err := audits(s.table, next, a.UserID, "partner-access.revoked", map[string]string{
			"by": string(side), "reason": reason, "staffRemoved": joinIDs(g.Staff),
		}, now)
		if err != nil {
			return change{}, err
		}
		mails, err := s.mail(ctx, notify, template, next, map[string]string{"by": string(side), "reason": reason}, now)
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
	s.log.InfoContext(ctx, "partner access revoked", "grantId", g.ID, "by", side, "reason", g.EndReason)
	return viewOf(g, side), nil
}
