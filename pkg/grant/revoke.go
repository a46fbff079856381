package grant

import (
	"context"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/outbox"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/tally"
)

// Revoke ends a grant: the customer revokes it (or withdraws a pending invitation), or the partner ends an
// active one (a pending one it declines). In one transaction the grant becomes revoked on the condition that it
// is unchanged since read, every staff membership it gave and its pair guard are deleted, both sides' audit logs
// record it and the other side's administrators are told. Staff lose access at their very next request. The
// caller acts in either account with role.PartnerAccessManage.
func (s *Service) Revoke(ctx context.Context, a actor.Actor, id string) (View, error) {
	var side Side
	g, err := s.update(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
		var err error
		if side, err = sideOf(a, *g); err != nil {
			return err
		}
		if err := need(a, role.PartnerAccessManage); err != nil {
			return err
		}
		reason, notify := partneraccess.ReasonRevoked, g.Partner.ID
		switch {
		case side == CustomerSide && g.Status == partneraccess.Invited:
			reason = partneraccess.ReasonWithdrawn
		case side == PartnerSide && g.Status == partneraccess.Invited:
			return partneraccess.ErrNotActive
		case side == PartnerSide:
			reason, notify = partneraccess.ReasonEndedByPartner, g.Customer.ID
		}
		next, err := g.Ended(partneraccess.Revoke, a.UserID, reason, now)
		if err != nil {
			return err
		}
		audits(tx, next, a.UserID, audit.GrantRevoked, map[string]string{
			"by": string(side), "reason": reason, "staffRemoved": joinIDs(g.Staff),
		}, now)
		if err := s.mail(ctx, tx, notify, next, func(n outbox.GrantNotice) outbox.Mail {
			return outbox.AccessRevoked{GrantNotice: n, By: string(side), Reason: reason}
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
	s.log.InfoContext(ctx, "partner access revoked", "grantId", g.ID, "by", side, "reason", g.EndReason)
	s.count.Count(ctx, tally.GrantsRevoked)
	return viewOf(g, side), nil
}
