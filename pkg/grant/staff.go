package grant

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/audit"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// StaffRequest is the body of PUT /v1/partner-access/{grantId}/staff: the partner's users who act in the
// customer, all of them ([] removes everyone).
type StaffRequest struct {
	UserIDs []string `json:"userIds"`
	// Roles narrows some of them to some of the grant's roles, by user id; a user not named acts with all of the
	// grant's roles (and follows a change of them).
	Roles map[string][]role.Name `json:"roles"`
}

// errAlreadyMember is the problem of a staff member who became a member of the customer meanwhile.
func errAlreadyMember(userID string) error {
	return fault.New(fault.ErrConflict, "already-member",
		"This user is already a member of the customer account, in their own right or through another partner.").
		With("userId", userID)
}

// SetStaff sets which of the partner's users act in the customer through an active grant: each one gets a
// membership in the customer account with the support-staff role and the grant's id, and those taken off lose
// theirs, in one transaction with the grant's new staff list (on the condition that the grant is unchanged since
// read) and the audit events on both sides. Each user must be active and a member of the partner account, and
// not a member of the customer already. The caller acts in the partner account with role.PartnerAccessManage.
func (s *Service) SetStaff(ctx context.Context, a actor.Actor, id string, req StaffRequest) (View, error) {
	g, err := s.load(ctx, id)
	if err != nil {
		return View{}, err
	}
	if err := partnerSide(a, g); err != nil {
		return View{}, err
	}
	staff, err := s.checkStaff(ctx, g, req)
	if err != nil {
		return View{}, err
	}
	customer, err := s.store.Account(ctx, g.Customer.ID)
	if err != nil {
		return View{}, err
	}
	users := map[string]user.User{}
	for _, st := range staff {
		users[st.UserID] = st.user
	}
	list := make([]partneraccess.Staff, len(staff))
	for i, st := range staff {
		list[i] = st.Staff
	}
	g, err = s.update(ctx, id, func(g *partneraccess.Grant, tx *dynamo.Tx, now time.Time) error {
		if err := partnerSide(a, *g); err != nil {
			return err
		}
		v := &fault.ValidationError{}
		list := g.CheckStaffRoles(v, "roles", list, req.Roles)
		if err := v.Err(); err != nil {
			return err
		}
		next, err := g.WithStaff(list, now)
		if err != nil {
			return err
		}
		added, removed := partneraccess.DiffStaff(g.Staff, list)
		regranted := partneraccess.Regranted(g.Staff, list)
		if len(added) == 0 && len(removed) == 0 && len(regranted) == 0 {
			return nil // nothing to write: the grant stays as read
		}
		if 1+len(added)+len(removed)+2 > dynamo.MaxTxItems {
			return fault.Invalid("userIds", "too_many_changes",
				fmt.Sprintf("Change at most %d staff members at once: add or remove the rest in a second step.", dynamo.MaxTxItems-3))
		}
		for _, st := range added {
			m := user.MembershipOf(users[st.UserID], customer, []role.Name{role.SupportStaff}, now)
			m.GrantID = g.ID
			tx.PutStaffMember(m, errAlreadyMember(st.UserID))
		}
		if err := s.drops(ctx, tx, g.ID, g.Customer.ID, removed); err != nil {
			return err
		}
		audits(tx, next, a.UserID, audit.GrantStaffChanged, map[string]string{
			"added": joinIDs(added), "removed": joinIDs(removed), "staffCount": fmt.Sprint(len(list)), "rolesChanged": joinIDs(regranted),
		}, now)
		*g = next
		return nil
	})
	if err != nil {
		return View{}, err
	}
	s.log.InfoContext(ctx, "partner staff set", "grantId", g.ID, "staff", len(g.Staff))
	return viewOf(g, PartnerSide), nil
}

// candidate is a user asked for as staff, as read.
type candidate struct {
	partneraccess.Staff
	user user.User
}

// Field codes of the staff list.
const (
	codeNotMember     = "not_member"
	codeNotActive     = "not_active"
	codeAlreadyMember = "already_member"
	codeDuplicate     = "duplicate"
	codeTooMany       = "too_many"
)

// checkStaff checks a staff list against the table: every user exists, is active and is a member of g's partner,
// and is not a member of g's customer other than through g. One problem names every bad entry.
func (s *Service) checkStaff(ctx context.Context, g partneraccess.Grant, req StaffRequest) ([]candidate, error) {
	v := &fault.ValidationError{}
	switch {
	case req.UserIDs == nil:
		v.Add("userIds", codeRequired, "List the users who act for the customer; [] removes everyone.")
	case len(req.UserIDs) > MaxStaff:
		v.Add("userIds", codeTooMany, fmt.Sprintf("Assign at most %d staff members.", MaxStaff))
	}
	if err := v.Err(); err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for i, id := range req.UserIDs {
		field := fmt.Sprintf("userIds[%d]", i)
		switch {
		case !secret.WellFormedID(id):
			v.Add(field, codeNotMember, "There is no such user in your account.")
		case seen[id]:
			v.Add(field, codeDuplicate, "This user is listed twice.")
		}
		seen[id] = true
	}
	// Each asked-for user with their memberships of the partner and the customer: one batch per 33 users.
	var refs []dynamo.Ref
	for i, id := range req.UserIDs {
		if !v.Has(fmt.Sprintf("userIds[%d]", i)) {
			refs = append(refs, dynamo.UserRef(id), dynamo.MembershipRef(id, g.Partner.ID), dynamo.MembershipRef(id, g.Customer.ID))
		}
	}
	ctx, err := s.store.Prefetch(ctx, refs...)
	if err != nil {
		return nil, err
	}
	out := make([]candidate, len(req.UserIDs))
	problems := make([]string, len(req.UserIDs))
	for i, id := range req.UserIDs {
		if v.Has(fmt.Sprintf("userIds[%d]", i)) {
			continue
		}
		if out[i], problems[i], err = s.candidate(ctx, g, id); err != nil {
			return nil, err
		}
	}
	for i, p := range problems {
		field := fmt.Sprintf("userIds[%d]", i)
		switch p {
		case codeNotMember:
			v.Add(field, p, "There is no such user in your account.")
		case codeNotActive:
			v.Add(field, p, "This user has not activated their login, or is disabled.")
		case codeAlreadyMember:
			v.Add(field, p, "This user is already a member of the customer account, in their own right or through another partner.")
		}
	}
	return out, v.Err()
}

// candidate reads one asked-for user: the user, their membership in the partner and in the customer. problem
// is a field code, or "" if they may act for the customer.
func (s *Service) candidate(ctx context.Context, g partneraccess.Grant, id string) (candidate, string, error) {
	u, err := s.store.User(ctx, id)
	if errors.Is(err, fault.ErrNotFound) {
		return candidate{}, codeNotMember, nil
	}
	if err != nil {
		return candidate{}, "", err
	}
	if _, err := s.store.Membership(ctx, id, g.Partner.ID); errors.Is(err, fault.ErrNotFound) {
		return candidate{}, codeNotMember, nil
	} else if err != nil {
		return candidate{}, "", err
	}
	if u.Status != user.Active {
		return candidate{}, codeNotActive, nil
	}
	m, err := s.store.Membership(ctx, id, g.Customer.ID)
	switch {
	case errors.Is(err, fault.ErrNotFound):
	case err != nil:
		return candidate{}, "", err
	case m.GrantID != g.ID:
		return candidate{}, codeAlreadyMember, nil
	}
	return candidate{Staff: partneraccess.Staff{UserID: u.ID, Name: u.Name, Email: u.Email}, user: u}, "", nil
}

// drops adds to tx the deletion of the staff memberships a grant gave to staff in customerID. A membership that
// is no longer the grant's — a customer administrator removed it, and the user may since have joined in their own
// right — is left alone; one that stops being the grant's before the commit makes the change decide again.
func (c *core) drops(ctx context.Context, tx *dynamo.Tx, grantID, customerID string, staff []partneraccess.Staff) error {
	refs := make([]dynamo.Ref, len(staff))
	for i, st := range staff {
		refs[i] = dynamo.MembershipRef(st.UserID, customerID)
	}
	ctx, err := c.store.Prefetch(ctx, refs...) // every staff membership in one read
	if err != nil {
		return err
	}
	for _, st := range staff {
		m, err := c.store.Membership(ctx, st.UserID, customerID)
		switch {
		case errors.Is(err, fault.ErrNotFound):
		case err != nil:
			return err
		case m.GrantID == grantID:
			tx.DropStaffMember(st.UserID, customerID, grantID, dynamo.ErrGrantStale)
		}
	}
	return nil
}

// joinIDs lists staff user ids for audit details.
func joinIDs(staff []partneraccess.Staff) string {
	ids := make([]string, len(staff))
	for i, st := range staff {
		ids[i] = st.UserID
	}
	return strings.Join(ids, ",")
}
