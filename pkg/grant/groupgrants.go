package grant

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// A staff group on a grant (see groups.go for the groups themselves): the partner assigns one of its groups to
// an active grant with some of the grant's roles, changes them, or takes it off; the grant and the group's list
// of grants change in one transaction.

// GroupRolesRequest is the body of PUT /v1/partner-access/{grantId}/groups/{groupId}: the roles the group's
// members act with through the grant, some of the grant's; absent is all of them.
type GroupRolesRequest struct {
	Roles []role.Name `json:"roles"`
}

// AssignGroup assigns one of the partner's staff groups to an active grant, with some of the grant's roles (all
// of them when none are named), or changes the roles of one assigned: its members act in the customer with
// them from their next request. The grant and the group change in one transaction; both sides' audit logs
// record it.
func (s *Service) AssignGroup(ctx context.Context, a actor.Actor, id, groupID string, req GroupRolesRequest) (View, error) {
	g, err := s.update(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
		if err := partnerSide(a, *g); err != nil {
			return err
		}
		group, err := s.loadGroup(dynamo.Fresh(ctx), g.Partner.ID, groupID)
		if err != nil {
			return err
		}
		v := &fault.ValidationError{}
		roles := g.CheckGroupRoles(v, "roles", req.Roles)
		if err := v.Err(); err != nil {
			return err
		}
		prev, _ := g.Assigned(groupID)
		next, err := g.WithGroup(group, roles, now)
		if err != nil || next.Version == g.Version {
			return err
		}
		listed, err := group.Listing(partneraccess.GroupGrant{GrantID: g.ID, CustomerID: g.Customer.ID, CustomerName: g.Customer.Name})
		if err != nil {
			return err
		}
		if listed.Version != group.Version {
			tx.ReplaceGroup(group, listed, dynamo.ErrGrantStale)
		}
		audits(tx, next, a.UserID, audit.GrantGroupAssigned, map[string]string{
			"groupId": group.ID, "groupName": group.Name, "roles": joinRoles(roles), "previousRoles": joinRoles(prev.Roles),
			"members": fmt.Sprint(len(group.Members)),
		}, now)
		*g = next
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "staff group assigned", "grantId", g.ID, "groupId", groupID)
	return viewOf(g, PartnerSide), nil
}

// UnassignGroup takes a staff group off a grant: its members who act through no other group or as staff of
// their own lose access to the customer at their next request.
func (s *Service) UnassignGroup(ctx context.Context, a actor.Actor, id, groupID string) (View, error) {
	g, err := s.update(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
		if err := partnerSide(a, *g); err != nil {
			return err
		}
		prev, ok := g.Assigned(groupID)
		if !ok {
			return errNoGroup
		}
		next, err := g.WithoutGroup(groupID, now)
		if err != nil {
			return err
		}
		name, err := s.unlist(dynamo.Fresh(ctx), tx, g.Partner.ID, groupID, g.ID)
		if err != nil {
			return err
		}
		audits(tx, next, a.UserID, audit.GrantGroupRemoved, map[string]string{
			"groupId": groupID, "groupName": name, "previousRoles": joinRoles(prev.Roles),
		}, now)
		*g = next
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "staff group unassigned", "grantId", g.ID, "groupId", groupID)
	return viewOf(g, PartnerSide), nil
}

// unlist adds to tx taking grantID off the list of a group of partnerID, on the condition that the group is
// unchanged since read (else the grant's change is decided again); a group that is gone needs nothing. It
// returns the group's name ("" when gone). ctx must read the group afresh (dynamo.Fresh, or a Prefetch of it).
func (c *core) unlist(ctx context.Context, tx *dynamo.Tx, partnerID, groupID, grantID string) (string, error) {
	group, err := c.store.StaffGroup(ctx, partnerID, groupID)
	if errors.Is(err, fault.ErrNotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if next := group.Unlisting(grantID); next.Version != group.Version {
		tx.ReplaceGroup(group, next, dynamo.ErrGrantStale)
	}
	return group.Name, nil
}
