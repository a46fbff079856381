package member

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/field"
	"github.com/partnerhub/partnerhub/pkg/invitation"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/token"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// EditRequest is the body of PATCH /v1/users/{id}. Every field is optional; what is absent stays.
type EditRequest struct {
	Name   *string `json:"name"`
	Phone  *string `json:"phone"`  // "" removes it
	Mobile *string `json:"mobile"` // "" removes it
	// Email corrects the address of a user who has not activated yet (an address that bounced, or a typo): what
	// the email service reported about the old one is cleared, the pending activation link (sent to the old
	// address) stops working, and a resend may follow at once. A registered user's login does not change here.
	Email *string `json:"email"`
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
	errStale        = fault.New(fault.ErrStaleVersion, "stale-version", "Someone else changed this user first; reload and try again.")
	errEditConflict = fault.New(fault.ErrConflict, "conflict", "The user changed while being edited; try again.")
	errAddressTaken = fault.New(fault.ErrConflict, "email-taken", "Another user already has this email address.")
)

// Edit changes a user's name and phone numbers and their roles in one account. The caller needs
// role.UsersManage over an account the user is a member of (and, for roles, over the account they are changed
// in); it may grant or take away only roles it could hold, never raise its own, and never take the administrator
// role from an account's last administrator. The user, the memberships that copy the name and the roles change
// in one transaction through the user's update seam, with version conditions and the audit event; a change that
// lost a race is decided again on what won it. It answers the user's row in that account.
func (s *Service) Edit(ctx context.Context, a actor.Actor, userID string, req EditRequest, problems *fault.ValidationError) (Row, error) {
	if err := need(a, role.UsersManage); err != nil {
		return Row{}, err
	}
	if !secret.WellFormedID(userID) {
		return Row{}, errNoUser
	}
	var (
		e      edit
		called bool
	)
	u, err := s.store.UpdateUser(ctx, userID, func(u *user.User, tx *dynamo.Tx) error {
		called = true
		var err error
		e, err = s.decide(ctx, a, u, tx, req, problems)
		return err
	})
	switch {
	case !called && errors.Is(err, fault.ErrNotFound):
		return Row{}, errNoUser
	case errors.Is(err, dynamo.ErrUserStale) && req.Version != nil: // the caller asked for that version exactly: it is gone
		return Row{}, errStale
	case errors.Is(err, dynamo.ErrUserStale):
		return Row{}, errEditConflict
	case errors.Is(err, errAddressTaken):
		return Row{}, errAddressTaken
	case err != nil:
		return Row{}, err
	}
	if e.changed {
		s.log.InfoContext(ctx, "user updated", "userId", u.ID, "accountId", e.eventAccount)
	}
	return rowIn(e.target, u, e.eventAccount), nil
}

// edit is what an edit decided: the user as the caller sees them, with their roles as they become, the account
// its audit event belongs to, and whether anything changes.
type edit struct {
	target       target
	eventAccount string
	changed      bool
}

// decide is the edit's rule on the user as read (u): it checks the request, changes u's name and phone numbers,
// and adds the role change, the name's copies in the memberships and the audit event to tx.
func (s *Service) decide(ctx context.Context, a actor.Actor, u *user.User, tx *dynamo.Tx, req EditRequest, problems *fault.ValidationError) (edit, error) {
	t, err := s.targetOf(ctx, a, *u)
	if err != nil {
		return edit{}, err
	}
	if !t.managedBy(a) {
		return edit{}, errReach
	}
	v := &fault.ValidationError{}
	if problems != nil {
		v.Fields = slices.Clone(problems.Fields)
	}
	name, phone, mobile := u.Name, u.Phone, u.Mobile
	if req.Name != nil {
		name = field.Text(v, "name", *req.Name, true, field.MaxPersonName)
	}
	if req.Phone != nil {
		phone = field.Phone(v, "phone", *req.Phone)
	}
	if req.Mobile != nil {
		mobile = field.Phone(v, "mobile", *req.Mobile)
	}
	email := u.Email
	if req.Email != nil {
		email = field.Email(v, "email", *req.Email)
		switch readdressed := !v.Has("email") && !strings.EqualFold(email, u.Email); {
		case readdressed && u.Status != user.Invited:
			v.Add("email", field.CodeNotAllowed, "Only the address of a user who has not activated yet can be corrected.")
		case readdressed && req.Roles != nil:
			v.Add("email", field.CodeNotAllowed, "Correct the address and change the roles in two requests.")
		case !readdressed: // invalid, or the same address (whatever its case): nothing changes
			email = u.Email
		}
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
			return edit{}, err
		}
		var ok bool
		if m, ok = t.membership(acc.ID); !ok {
			return edit{}, errNotMember
		}
		if m.GrantID != "" {
			return edit{}, errGrantMembership
		}
		roles = checkRoles(v, "roles", *req.Roles, acc.Kind)
	} else if req.AccountID != "" {
		v.Add("accountId", field.CodeNotAllowed, "Name an account only to change roles in it.")
	}
	if req.Name == nil && req.Phone == nil && req.Mobile == nil && req.Email == nil && req.Roles == nil && len(v.Fields) == 0 {
		v.Add("body", codeEmpty, "Send at least one of name, phone, mobile, email and roles.")
	}
	if err := v.Err(); err != nil {
		return edit{}, err
	}
	if req.Version != nil && *req.Version != u.Version {
		return edit{}, errStale
	}

	e := edit{target: t, eventAccount: a.AccountID}
	if _, member := t.membership(e.eventAccount); !member {
		e.eventAccount = t.seen(a)[0].AccountID
	}
	details := map[string]string{}
	renamed := name != u.Name
	rolesChanged := false
	if req.Roles != nil {
		e.eventAccount = acc.ID
		newName := ""
		if renamed {
			newName = name
		}
		if rolesChanged, err = s.changeRoles(ctx, tx, a, *u, m, acc, roles, newName); err != nil {
			return edit{}, err
		}
		if rolesChanged {
			details["oldRoles"], details["newRoles"] = invitation.RoleNames(m.Roles), invitation.RoleNames(roles)
		}
		for i := range e.target.memberships {
			if e.target.memberships[i].AccountID == m.AccountID {
				e.target.memberships[i].Roles = roles
			}
		}
	}
	if email != u.Email {
		if err := s.readdress(ctx, u, tx, name, email); err != nil {
			return edit{}, err
		}
		details["email"] = "changed"
		renamed = false // readdress copied the name too
		u.Name = name
	}
	if name != u.Name || phone != u.Phone || mobile != u.Mobile {
		details["contact"] = "changed"
		if renamed {
			// Every membership copies the name and is ordered by it in its account's list; the one whose roles
			// change was renamed with them.
			for _, mm := range t.memberships {
				if !rolesChanged || mm.AccountID != m.AccountID {
					tx.RenameMember(mm, name, dynamo.ErrUserStale)
				}
			}
		}
		u.Name, u.Phone, u.Mobile = name, phone, mobile
	}
	if len(details) == 0 { // nothing changes
		return e, nil
	}
	e.changed = true
	tx.Audit(audit.Event{ID: secret.NewID(), AccountID: e.eventAccount, At: s.clock.Now(), ActorID: a.UserID,
		Action: audit.UserUpdated, TargetType: audit.TargetUser, TargetID: u.ID, Details: details})
	return e, nil
}

// readdress adds to tx what gives an invited user u a new address: the guard moves (errAddressTaken if another user
// has the address), every membership copies the address (and name), the pending activation link dies, and u
// forgets what the email service said about the old address (user.ChangeEmail) and the last activation email,
// which went to the old address, so that a resend to the new address may follow at once.
func (s *Service) readdress(ctx context.Context, u *user.User, tx *dynamo.Tx, name, email string) error {
	memberships, err := s.store.Memberships(ctx, u.ID)
	if err != nil {
		return err
	}
	tx.MoveEmailGuard(u.ID, u.Email, email, errAddressTaken)
	for _, m := range memberships {
		tx.CopyMemberContact(m, name, email, dynamo.ErrUserStale)
	}
	if u.ActivationTokenID != "" {
		switch old, err := s.store.Token(ctx, u.ActivationTokenID); {
		case err == nil && old.Status == token.Pending:
			tx.ReplaceToken(old.ID, s.clock.Now(), dynamo.ErrUserStale)
		case err != nil && !errors.Is(err, fault.ErrNotFound):
			return err
		}
	}
	u.ChangeEmail(email)
	u.ActivationTokenID, u.ActivationSentAt, u.ActivationMessageID = "", time.Time{}, ""
	return nil
}

// changeRoles adds to tx what gives m new roles (and, with a non-empty name, renames it); it adds nothing and
// reports false if the roles are the same.
func (s *Service) changeRoles(ctx context.Context, tx *dynamo.Tx, a actor.Actor, u user.User, m user.Membership, acc account.Account, roles []role.Name, name string) (bool, error) {
	added, removed := diff(m.Roles, roles)
	if len(added) == 0 && len(removed) == 0 {
		return false, nil
	}
	if u.ID == a.UserID && grantsMore(m.Roles, roles) {
		return false, errRaiseOwn
	}
	if err := mayGrant(a, append(added, removed...), acc.Kind); err != nil {
		return false, err
	}
	if slices.Contains(removed, role.AdminFor(string(acc.Kind))) {
		if err := s.requireAnotherAdmin(ctx, tx, acc, u.ID); err != nil {
			return false, err
		}
	}
	tx.SetMemberRoles(m, roles, name, dynamo.ErrUserStale)
	return true, nil
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

// requireAnotherAdmin adds to tx the check on an administrator of acc other than userID, which a removal or
// demotion of userID's administrator role commits with; errLastAdmin if there is none. If that administrator
// loses the role meanwhile, the change is decided again.
func (s *Service) requireAnotherAdmin(ctx context.Context, tx *dynamo.Tx, acc account.Account, userID string) error {
	ids, err := s.store.Admins(ctx, acc.ID, 5)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if id != userID {
			tx.RequireAdmin(id, acc.ID, role.AdminFor(string(acc.Kind)), dynamo.ErrUserStale)
			return nil
		}
	}
	return errLastAdmin
}

// rowIn is the user's row in the list of an account: their roles there (none if not a member).
func rowIn(t target, u user.User, accountID string) Row {
	m, _ := t.membership(accountID)
	return rowOf(dynamo.MemberRow{
		UserID: u.ID, Name: u.Name, Email: u.Email, Status: u.Status, LastLoginAt: u.LastLoginAt, Roles: m.Roles,
	}, u)
}
