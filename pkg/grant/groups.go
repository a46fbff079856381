package grant

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// Staff groups (see partneraccess.Group): a partner's administrators make groups of their staff and assign them,
// with some of a grant's roles, to the grants of their customers. Who is in a group acts through every grant it
// is assigned to from the moment they are added, and stops at their next request once taken out: a group's
// members are named on their own membership of the partner account, which the request check of staff reads.
//
// Every change is one transaction on the condition that the group (and for an assignment the grant) is still
// what was read: a member added while the grant is revoked either lands before the revoke, which then reads the
// group again, or is refused and decided again on the ended grant.

// GroupRequest is the body of POST /v1/accounts/{id}/staff-groups and PATCH …/staff-groups/{groupId}.
type GroupRequest struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// GroupView is a staff group as its partner's administrators see it.
type GroupView struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Members     []UserRef `json:"members"`
	// Customers are the customers whose partner access the group is assigned to.
	Customers []GroupCustomer `json:"customers"`
	CreatedAt time.Time       `json:"createdAt"`
	Version   int             `json:"version"`
}

// GroupCustomer is a grant a group is assigned to.
type GroupCustomer struct {
	GrantID      string `json:"grantId"`
	CustomerID   string `json:"customerId"`
	CustomerName string `json:"customerName"`
}

// GroupList is a partner's staff groups, by name.
type GroupList struct {
	Groups []GroupView `json:"groups"`
}

// Problems of staff groups.
var (
	errNoGroup = fault.New(fault.ErrNotFound, "group-not-found",
		"There is no such staff group in the account you act in.")
	errGroupName = fault.New(fault.ErrConflict, "group-name-taken",
		"Another staff group of your account has this name; choose another.")
	errGroupChanged = fault.New(fault.ErrConflict, "group-changed",
		"This staff group changed while you were changing it; reload and try again.")
	errGroupCount = fault.New(fault.ErrConflict, "too-many-groups",
		fmt.Sprintf("Your account has %d staff groups, as many as it can; delete one first.", partneraccess.MaxGroups))
	errNoGroups = fault.New(fault.ErrForbidden, "not-a-partner",
		"Only MSP and partner accounts have staff groups: they group the people who act for their customers.")
	errNotStaff   = fault.New(fault.ErrNotFound, "user-not-found", "There is no such user in your account.")
	errNotInGroup = fault.New(fault.ErrNotFound, "not-member", "This user is not in this staff group.")
	// errGroupStale is a group that changed between its reading and the commit: the change is decided again.
	errGroupStale = errors.New("staff group changed meanwhile")
)

// groupAttempts bounds how often a change of a group is decided again after losing a race.
const groupAttempts = 3

func groupViewOf(g partneraccess.Group) GroupView {
	v := GroupView{ID: g.ID, Name: g.Name, Description: g.Description, CreatedAt: g.CreatedAt, Version: g.Version,
		Members: make([]UserRef, len(g.Members)), Customers: make([]GroupCustomer, len(g.Grants))}
	for i, m := range g.Members {
		v.Members[i] = UserRef{ID: m.UserID, Name: m.Name, Email: m.Email}
	}
	for i, a := range g.Grants {
		v.Customers[i] = GroupCustomer(a)
	}
	slices.SortFunc(v.Members, func(a, b UserRef) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	slices.SortFunc(v.Customers, func(a, b GroupCustomer) int {
		return strings.Compare(strings.ToLower(a.CustomerName), strings.ToLower(b.CustomerName))
	})
	return v
}

// groupsOf checks that the caller manages partner access in accountID, the account they act in: a group of it,
// if any, is theirs to see and change (only partner accounts have groups: groupsAccount).
func groupsOf(a actor.Actor, accountID string) error {
	if err := need(a, role.PartnerAccessManage); err != nil {
		return err
	}
	if accountID != a.AccountID || !secret.WellFormedID(accountID) {
		return errNoAccount
	}
	return nil
}

// groupsAccount checks that the caller manages partner access in accountID, an MSP or partner account (which has
// staff groups) they act in.
func (s *Service) groupsAccount(ctx context.Context, a actor.Actor, accountID string) error {
	if err := need(a, role.PartnerAccessManage); err != nil {
		return err
	}
	_, err := s.ownPartnerAccount(ctx, a, accountID, errNoGroups)
	return err
}

// Groups lists a partner's staff groups.
func (s *Service) Groups(ctx context.Context, a actor.Actor, accountID string) (GroupList, error) {
	if err := s.groupsAccount(ctx, a, accountID); err != nil {
		return GroupList{}, err
	}
	groups, err := s.store.StaffGroups(ctx, accountID)
	if err != nil {
		return GroupList{}, err
	}
	out := GroupList{Groups: make([]GroupView, len(groups))}
	for i, g := range groups {
		out.Groups[i] = groupViewOf(g)
	}
	slices.SortFunc(out.Groups, func(a, b GroupView) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}

// Group reads one of a partner's staff groups.
func (s *Service) Group(ctx context.Context, a actor.Actor, accountID, groupID string) (GroupView, error) {
	if err := groupsOf(a, accountID); err != nil {
		return GroupView{}, err
	}
	g, err := s.loadGroup(ctx, accountID, groupID)
	if err != nil {
		return GroupView{}, err
	}
	return groupViewOf(g), nil
}

// checkWords reads a group's name and description.
func checkWords(req GroupRequest) (name, description string, err error) {
	v := &fault.ValidationError{}
	name, description = partneraccess.CheckGroupWords(v, req.Name, req.Description)
	return name, description, v.Err()
}

// CreateGroup makes a new, empty staff group in the partner account the caller acts in; its name is unique
// there (a guard item) and it counts among the account's at most partneraccess.MaxGroups (a counter), both in the
// same transaction.
func (s *Service) CreateGroup(ctx context.Context, a actor.Actor, accountID string, req GroupRequest) (GroupView, error) {
	name, description, err := checkWords(req)
	if err != nil {
		return GroupView{}, err
	}
	if err := s.groupsAccount(ctx, a, accountID); err != nil {
		return GroupView{}, err
	}
	now := s.clock.Now()
	g := partneraccess.NewGroup(secret.NewID(), accountID, name, description, a.UserID, now)
	tx := s.store.Tx().PutGroup(g, errGroupName, errGroupCount)
	groupAudit(tx, g, a.UserID, audit.StaffGroupCreated, nil, now)
	if err := s.store.Commit(ctx, tx); err != nil {
		return GroupView{}, err
	}
	s.log.InfoContext(ctx, "staff group created", "groupId", g.ID)
	return groupViewOf(g), nil
}

// UpdateGroup renames a staff group or changes its description.
func (s *Service) UpdateGroup(ctx context.Context, a actor.Actor, accountID, groupID string, req GroupRequest) (GroupView, error) {
	name, description, err := checkWords(req)
	if err != nil {
		return GroupView{}, err
	}
	if err := groupsOf(a, accountID); err != nil {
		return GroupView{}, err
	}
	g, err := s.changeGroup(ctx, accountID, groupID, func(g partneraccess.Group, tx *dynamo.Tx, now time.Time) (partneraccess.Group, error) {
		if g.Name == name && g.Description == description {
			return g, nil
		}
		next := g.Renamed(name, description)
		tx.ReplaceGroup(g, next, errGroupStale)
		if !strings.EqualFold(g.Name, name) {
			tx.ReleaseGroupName(g.AccountID, g.Name, g.ID).ClaimGroupName(g.AccountID, name, g.ID, errGroupName)
		}
		groupAudit(tx, next, a.UserID, audit.StaffGroupUpdated, map[string]string{"previousName": g.Name}, now)
		return next, nil
	})
	if err != nil {
		return GroupView{}, err
	}
	return groupViewOf(g), nil
}

// DeleteGroup deletes a staff group that is assigned to no live grant, and takes it off its members'
// memberships, in one transaction.
func (s *Service) DeleteGroup(ctx context.Context, a actor.Actor, accountID, groupID string) error {
	if err := groupsOf(a, accountID); err != nil {
		return err
	}
	_, err := s.changeGroup(ctx, accountID, groupID, func(g partneraccess.Group, tx *dynamo.Tx, now time.Time) (partneraccess.Group, error) {
		if err := g.CheckUnused(); err != nil {
			return g, err
		}
		tx.DeleteGroup(g, errGroupStale)
		if err := s.leaveAll(ctx, tx, g); err != nil {
			return g, err
		}
		groupAudit(tx, g, a.UserID, audit.StaffGroupDeleted, map[string]string{"members": fmt.Sprint(len(g.Members))}, now)
		g.Version++
		return g, nil
	})
	return err
}

// leaveAll adds to tx taking g off the memberships of its members that still exist.
func (s *Service) leaveAll(ctx context.Context, tx *dynamo.Tx, g partneraccess.Group) error {
	refs := make([]dynamo.Ref, len(g.Members))
	for i, m := range g.Members {
		refs[i] = dynamo.MembershipRef(m.UserID, g.AccountID)
	}
	ctx, err := s.store.Prefetch(dynamo.Fresh(ctx), refs...)
	if err != nil {
		return err
	}
	for _, m := range g.Members {
		switch _, err := s.store.Membership(ctx, m.UserID, g.AccountID); {
		case errors.Is(err, fault.ErrNotFound):
		case err != nil:
			return err
		default:
			tx.LeaveGroup(m.UserID, g.AccountID, g.ID, errGroupStale)
		}
	}
	return nil
}

// AddMember puts one of the partner's users in a staff group: from then on they act through every grant the
// group is assigned to, with the group's roles there.
func (s *Service) AddMember(ctx context.Context, a actor.Actor, accountID, groupID, userID string) (GroupView, error) {
	if err := groupsOf(a, accountID); err != nil {
		return GroupView{}, err
	}
	if !secret.WellFormedID(userID) {
		return GroupView{}, errNotStaff
	}
	// The user and their membership of the partner, in one read: only the partner's own people join its groups.
	ctx, err := s.store.Prefetch(ctx, dynamo.UserRef(userID), dynamo.MembershipRef(userID, accountID))
	if err != nil {
		return GroupView{}, err
	}
	u, uErr := s.store.User(ctx, userID)
	_, mErr := s.store.Membership(ctx, userID, accountID)
	for _, err := range []error{uErr, mErr} {
		if errors.Is(err, fault.ErrNotFound) {
			return GroupView{}, errNotStaff
		}
		if err != nil {
			return GroupView{}, err
		}
	}
	g, err := s.changeGroup(ctx, accountID, groupID, func(g partneraccess.Group, tx *dynamo.Tx, now time.Time) (partneraccess.Group, error) {
		next, err := g.WithMember(partneraccess.GroupMember{UserID: u.ID, Name: u.Name, Email: u.Email, AddedAt: now})
		if err != nil || next.Version == g.Version {
			return g, err
		}
		tx.ReplaceGroup(g, next, errGroupStale).JoinGroup(u.ID, accountID, g.ID, errNotStaff)
		groupAudit(tx, next, a.UserID, audit.StaffGroupMemberAdded, map[string]string{
			"userId": u.ID, "customers": fmt.Sprint(len(g.Grants)),
		}, now)
		return next, nil
	})
	if err != nil {
		return GroupView{}, err
	}
	s.log.InfoContext(ctx, "staff group member added", "groupId", g.ID)
	return groupViewOf(g), nil
}

// RemoveMember takes a user out of a staff group: their access through it ends at their next request.
func (s *Service) RemoveMember(ctx context.Context, a actor.Actor, accountID, groupID, userID string) (GroupView, error) {
	if err := groupsOf(a, accountID); err != nil {
		return GroupView{}, err
	}
	g, err := s.changeGroup(ctx, accountID, groupID, func(g partneraccess.Group, tx *dynamo.Tx, now time.Time) (partneraccess.Group, error) {
		next := g.WithoutMember(userID)
		if next.Version == g.Version {
			return g, errNotInGroup
		}
		tx.ReplaceGroup(g, next, errGroupStale)
		switch _, err := s.store.Membership(dynamo.Fresh(ctx), userID, accountID); {
		case errors.Is(err, fault.ErrNotFound): // gone from the account: no groups left to leave
		case err != nil:
			return g, err
		default:
			tx.LeaveGroup(userID, accountID, g.ID, errGroupStale)
		}
		groupAudit(tx, next, a.UserID, audit.StaffGroupMemberRemoved, map[string]string{
			"userId": userID, "customers": fmt.Sprint(len(g.Grants)),
		}, now)
		return next, nil
	})
	if err != nil {
		return GroupView{}, err
	}
	s.log.InfoContext(ctx, "staff group member removed", "groupId", g.ID)
	return groupViewOf(g), nil
}

// loadGroup reads a partner account's group; a malformed or missing one is errNoGroup.
func (c *core) loadGroup(ctx context.Context, accountID, id string) (partneraccess.Group, error) {
	if !secret.WellFormedID(id) {
		return partneraccess.Group{}, errNoGroup
	}
	g, err := c.store.StaffGroup(ctx, accountID, id)
	if errors.Is(err, fault.ErrNotFound) {
		return g, errNoGroup
	}
	return g, err
}

// changeGroup reads a group, lets change decide on it and add its writes to a transaction, and commits them; a
// change that returns the group at the version read writes nothing. When the group changed between the reading
// and the commit (change's writes fail with errGroupStale), it is decided again on a new reading, and after a
// few attempts the answer is errGroupChanged.
func (c *core) changeGroup(ctx context.Context, accountID, id string, change func(g partneraccess.Group, tx *dynamo.Tx, now time.Time) (partneraccess.Group, error)) (partneraccess.Group, error) {
	for range groupAttempts {
		g, err := c.loadGroup(dynamo.Fresh(ctx), accountID, id)
		if err != nil {
			return g, err
		}
		tx := c.store.Tx()
		next, err := change(g, tx, c.clock.Now())
		if err != nil {
			return g, err
		}
		if tx.Len() == 0 {
			return next, nil
		}
		err = c.store.Commit(ctx, tx)
		if errors.Is(err, errGroupStale) {
			continue
		}
		return next, err
	}
	return partneraccess.Group{}, errGroupChanged
}

// groupAudit adds the audit event of a step of group g, in its partner account.
func groupAudit(tx *dynamo.Tx, g partneraccess.Group, actorID string, action audit.Action, details map[string]string, now time.Time) {
	d := map[string]string{"groupId": g.ID, "groupName": g.Name}
	for k, v := range details {
		d[k] = v
	}
	tx.Audit(audit.Event{ID: secret.NewID(), AccountID: g.AccountID, At: now, ActorID: actorID,
		Action: action, TargetType: audit.TargetGroup, TargetID: g.ID, Details: d})
}
