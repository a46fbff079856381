package signin

import (
	"context"
	"errors"
	"slices"

	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// A partner's staff groups (package partneraccess): a member of a group assigned to a grant acts in the customer
// with no membership item there. Their membership of the partner account names their groups; the group names the
// grants it is assigned to (kept in the transactions that assign it, take it off and end the grant). The
// session check stands partneraccess.GroupMembership in for the missing membership when the session acts through
// a grant, and StaffAccess decides, as for any staff, with the roles of their groups.

// groupMembership finds how a user acts in a customer account they have no membership of: through a staff group,
// of a partner account they belong to, that is assigned to that partner's live grant of the customer. It answers
// the membership partneraccess.GroupMembership stands in for, or fault.ErrNotFound. The account switcher asks
// it; the roles are StaffAccess's to work out.
func (s *Service) groupMembership(ctx context.Context, userID, accountID string) (user.Membership, error) {
	ms, err := s.store.Memberships(ctx, userID)
	if err != nil {
		return user.Membership{}, err
	}
	for _, pm := range ms {
		if len(pm.StaffGroups) == 0 {
			continue
		}
		id, found, err := s.store.GrantPair(ctx, accountID, pm.AccountID)
		if err != nil {
			return user.Membership{}, err
		}
		if !found {
			continue
		}
		g, err := s.store.GrantByID(ctx, id)
		if errors.Is(err, fault.ErrNotFound) {
			continue
		}
		if err != nil {
			return user.Membership{}, err
		}
		if g.Customer.ID == accountID && g.ThroughGroup(pm.StaffGroups) {
			return partneraccess.GroupMembership(userID, g), nil
		}
	}
	return user.Membership{}, errNotMember
}

// groupAccounts are the customers a user acts in only through staff groups, for the account switcher: each
// customer the groups of their memberships ms list, once, less the accounts ms already holds. It reads each group
// (all in one batch), not the grants: a group lists exactly the live grants it is assigned to.
func (s *Service) groupAccounts(ctx context.Context, ms []user.Membership) ([]user.Membership, error) {
	var refs []dynamo.Ref
	for _, pm := range ms {
		for _, id := range pm.StaffGroups {
			refs = append(refs, dynamo.StaffGroupRef(pm.AccountID, id))
		}
	}
	if len(refs) == 0 {
		return nil, nil
	}
	ctx, err := s.store.Prefetch(ctx, refs...) // every group in one read
	if err != nil {
		return nil, err
	}
	var out []user.Membership
	held := func(accountID string) bool {
		return slices.ContainsFunc(ms, func(m user.Membership) bool { return m.AccountID == accountID }) ||
			slices.ContainsFunc(out, func(m user.Membership) bool { return m.AccountID == accountID })
	}
	for _, pm := range ms {
		for _, id := range pm.StaffGroups {
			g, err := s.store.StaffGroup(ctx, pm.AccountID, id)
			if errors.Is(err, fault.ErrNotFound) {
				continue
			}
			if err != nil {
				return nil, err
			}
			for _, a := range g.Grants {
				if !held(a.CustomerID) {
					out = append(out, partneraccess.GroupMembership(pm.UserID, partneraccess.Grant{
						ID: a.GrantID, Customer: partneraccess.Party{ID: a.CustomerID, Name: a.CustomerName},
					}))
				}
			}
		}
	}
	return out, nil
}
