package member

import (
	"context"
	"errors"
	"slices"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// EditRequest is the body of PATCH /v1/users/{id}. Every field is optional; what is absent stays.
type EditRequest struct {
	Name   *string `json:"name"`
	Phone  *string `json:"phone"`  // "" removes it
	Mobile *string `json:"mobile"` // "" removes it
	// Roles are the user's new roles in AccountID: the account the caller acts in unless it names another one
	// whose users it manages.
	Roles     *[]string `json:"roles"`
	AccountID string    `json:"accountId"`
	// Version, when sent, is the user's version as the caller last read it (the status check shows it): the
	// change is refused with stale-version if someone changed the user since.
	Version *int `json:"version"`
}

// Problems of edits.
var (
	errRaiseOwn  = fault.New(fault.ErrForbidden, "cannot-raise-own-roles", "You cannot give yourself roles you do not have; ask another administrator.")
	errLastAdmin = fault.New(fault.ErrConflict, "last-administrator",
		"An account always keeps at least one administrator: make someone else an administrator first.")
	errStale = fault.New(fault.ErrStaleVersion, "stale-version", "Someone else changed this user first; reload and try again.")
)

// editAttempts bounds the retries of an edit that raced with another change of the same user or account.
const editAttempts = 3

// Edit changes a user's name and phone numbers and their roles in one account. The caller needs
// role.UsersManage over an account the user is a member of (and, for roles, over the account they are changed
// in); it may grant or take away only roles it could hold, never raise its own, and never take the administrator
// role from an account's last administrator. The user, the memberships that copy the name and the roles change
// in one transaction with version conditions and the audit event. It answers the user's row in that account.
func (s *Service) Edit(ctx context.Context, a actor.Actor, userID string, req EditRequest, problems *fault.ValidationError) (Row, error) {
	if err := need(a, role.UsersManage); err != nil {
		return Row{}, err
	}
	for range editAttempts {
		row, err := s.editOnce(ctx, a, userID, req, problems)
		if !errors.Is(err, errRace) {
			return row, err
		}
		if req.Version != nil { // the caller asked for this version exactly: it is gone
			return Row{}, errStale
		}
	}
	return Row{}, fault.New(fault.ErrConflict, "conflict", "The user changed while being edited; try again.")
}

func (s *Service) editOnce(ctx context.Context, a actor.Actor, userID string, req EditRequest, problems *fault.ValidationError) (Row, error) {
	t, err := s.target(ctx, a, userID)
	if err != nil {
		return Row{}, err
	}
	if !t.managedBy(a) {
		return Row{}, errReach
	}
	v := &fault.ValidationError{}
	if problems != nil {
		v.Fields = slices.Clone(problems.Fields)
	}
	contact := dynamo.UserContact{Name: t.user.Name, Phone: t.user.Phone, Mobile: t.user.Mobile}
	if req.Name != nil {
		contact.Name = field.Text(v, "name", *req.Name, true, field.MaxPersonName)
	}
	if req.Phone != nil {
		contact.Phone = field.Phone(v, "phone", *req.Phone)
	}
	if req.Mobile != nil {
		contact.Mobile = field.Phone(v, "mobile", *req.Mobile)
	}
	var (
		acc   account.Account
		m     user.Membership
		roles []role.Name
	)
	if req.Roles != nil {
		accountID := req.AccountID
		if accountID == "" {
			accountID = a.AccountID
		}
		if acc, err = s.managed(ctx, a, accountID); err != nil {
			return Row{}, err
		}
		var ok bool
		if m, ok = t.membership(acc.ID); !ok {
			return Row{}, errNotMember
		}
		if m.GrantID != "" {
			return Row{}, errGrantMembership
		}
		roles = checkRoles(v, "roles", *req.Roles, acc.Kind)
	} else if req.AccountID != "" {
		v.Add("accountId", codeNotAllowed, "Name an account only to change roles in it.")
	}
	if req.Name == nil && req.Phone == nil && req.Mobile == nil && req.Roles == nil && len(v.Fields) == 0 {
		v.Add("body", codeEmpty, "Send at least one of name, phone, mobile and roles.")
	}
	if err := v.Err(); err != nil {
		return Row{}, err
	}
	if req.Version != nil && *req.Version != t.user.Version {
		return Row{}, errStale
	}

	now := s.clock.Now()
	var items []types.TransactWriteItem
	details := map[string]string{}
	contactChanged := contact != dynamo.UserContact{Name: t.user.Name, Phone: t.user.Phone, Mobile: t.user.Mobile}
	renamed := contactChanged && contact.Name != t.user.Name
	eventAccount := a.AccountID
	if _, member := t.membership(eventAccount); !member {
		eventAccount = t.seen(a)[0].AccountID
	}
	rolesChanged := false
	if req.Roles != nil {
		eventAccount = acc.ID
		newName := ""
		if renamed {
			newName = contact.Name
		}
		changes, err := s.roleChange(ctx, a, t.user, m, acc, roles, newName)
		if err != nil {
			return Row{}, err
		}
		items = append(items, changes...)
		if rolesChanged = len(changes) > 0; rolesChanged {
			details["oldRoles"], details["newRoles"] = joinRoles(m.Roles), joinRoles(roles)
		}
		m.Roles = roles
	}
	if contactChanged {
		items = append(items, dynamo.EditUser(s.table, t.user, contact))
		details["contact"] = "changed"
		if renamed {
			// Every membership copies the name and is ordered by it in its account's list; the one whose roles
			// change was renamed with them.
			for _, mm := range t.memberships {
				if rolesChanged && mm.AccountID == m.AccountID {
					continue
				}
				items = append(items, dynamo.MemberName(s.table, t.user.ID, mm.AccountID, contact.Name))
			}
		}
	} else if req.Version != nil {
		items = append(items, dynamo.UserAt(s.table, t.user))
	}
	if len(details) == 0 { // nothing changes
		return rowIn(t, t.user, eventAccount), nil
	}
	event, err := dynamo.AuditPut(s.table, audit.Event{ID: secret.NewID(), AccountID: eventAccount, At: now, ActorID: a.UserID,
		Action: "user.updated", TargetType: "user", TargetID: t.user.ID, Details: details})
	if err != nil {
		return Row{}, err
	}
	items = append(items, event)
	if err := s.store.Transact(ctx, items); err != nil {
		if dynamo.ConditionFailed(err) {
			return Row{}, errRace
		}
		return Row{}, err
	}
	if contactChanged {
		t.user.Name, t.user.Phone, t.user.Mobile = contact.Name, contact.Phone, contact.Mobile
		t.user.Version++
	}
	for i := range t.memberships {
		if t.memberships[i].AccountID == m.AccountID {
			t.memberships[i].Roles = m.Roles
		}
	}
	s.log.InfoContext(ctx, "user updated", "userId", t.user.ID, "accountId", eventAccount)
	return rowIn(t, t.user, eventAccount), nil
}

// roleChange is the part of an edit's transaction that gives m new roles (and, with a non-empty name, renames
// it), or nothing if the roles are the same.
func (s *Service) roleChange(ctx context.Context, a actor.Actor, u user.User, m user.Membership, acc account.Account, roles []role.Name, name string) ([]types.TransactWriteItem, error) {
	added, removed := diff(m.Roles, roles)
	if len(added) == 0 && len(removed) == 0 {
		return nil, nil
	}
	if u.ID == a.UserID && grantsMore(m.Roles, roles) {
		return nil, errRaiseOwn
	}
	if err := mayGrant(a, append(added, removed...), acc.Kind); err != nil {
		return nil, err
	}
	update, err := dynamo.MemberRoles(s.table, m, roles, name)
	if err != nil {
		return nil, err
	}
	items := []types.TransactWriteItem{update}
	admin := role.AdminFor(string(acc.Kind))
	if slices.Contains(removed, admin) {
		check, err := s.anotherAdmin(ctx, acc, u.ID)
		if err != nil {
			return nil, err
		}
		items = append(items, check)
	}
	return items, nil
}

// grantsMore reports whether roles next allow anything that roles old do not: trading roles for ones that allow
// less (an administrator becoming read-only) is no raise.
func grantsMore(old, next []role.Name) bool {
	have := role.Permissions(old)
	for _, p := range role.Permissions(next) {
		if !slices.Contains(have, p) {
			return true
		}
	}
	return false
}

// anotherAdmin is the condition check on an administrator of acc other than userID, which a removal or
// demotion of userID's administrator role commits with; errLastAdmin if there is none.
func (s *Service) anotherAdmin(ctx context.Context, acc account.Account, userID string) (types.TransactWriteItem, error) {
	ids, err := s.store.Admins(ctx, acc.ID, 5)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	for _, id := range ids {
		if id != userID {
			return dynamo.AdminCheck(s.table, id, acc.ID, role.AdminFor(string(acc.Kind))), nil
		}
	}
	return types.TransactWriteItem{}, errLastAdmin
}

// rowIn is the user's row in the list of an account: their roles there (none if not a member).
func rowIn(t target, u user.User, accountID string) Row {
	m, _ := t.membership(accountID)
	return rowOf(dynamo.MemberRow{
		UserID: u.ID, Name: u.Name, Email: u.Email, Status: u.Status, LastLoginAt: u.LastLoginAt, Roles: m.Roles,
	}, u)
}
