package grant

import (
	"context"
	"errors"
	"strconv"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/partnerid"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// View is a grant as its two sides see it.
type View struct {
	ID       string               `json:"id"`
	Status   partneraccess.Status `json:"status"`
	Customer PartyView            `json:"customer"`
	Partner  PartyView            `json:"partner"`
	// Via is how the customer invited: partner-id or share-link.
	Via       string    `json:"via"`
	InvitedAt time.Time `json:"invitedAt"`
	InvitedBy UserRef   `json:"invitedBy"`
	// Since is when the grant took its status: invited, accepted or ended.
	Since time.Time `json:"since"`
	// ExpiresAt is the pending invitation's answer deadline; null once answered.
	ExpiresAt *time.Time `json:"expiresAt"`
	// EndsAt is the end date; null for none (a grant made before every grant was time-bound), or while a
	// duration has not started (it starts at acceptance).
	EndsAt *time.Time `json:"endsAt"`
	// DurationDays is the term in days from acceptance; null when the customer chose an exact end date.
	DurationDays *int `json:"durationDays"`
	// AutoExtend says whether the grant extends itself by 180 days at its end date instead of ending.
	AutoExtend bool       `json:"autoExtend"`
	AcceptedAt *time.Time `json:"acceptedAt"`
	EndedAt    *time.Time `json:"endedAt"`
	EndReason  *string    `json:"endReason"`
	StaffCount int        `json:"staffCount"`
	Staff      []StaffRef `json:"staff"`
	// Groups are the partner's staff groups assigned to the grant, each with the roles its members act with (the
	// partner names them: GET /v1/accounts/{id}/staff-groups).
	Groups []GroupRef `json:"groups"`
	// Roles are what the customer granted: its partner's staff act with these (role.Delegable).
	Roles []role.Name `json:"roles"`
	// RoleRequest is the partner's request for other roles, waiting for the customer; null when none.
	RoleRequest *RoleRequestView `json:"roleRequest"`
	// Side is the side of the grant the caller acts for: customer or partner.
	Side Side `json:"side"`
	// Actions are what the caller's side may do now: accept, decline, staff (people and staff groups), revoke,
	// auto-extend (customer), and for roles: request-roles (partner), roles (customer: take some away) and
	// answer-roles (customer: approve or decline a request).
	Actions []string `json:"actions"`
	Version int      `json:"version"`
}

// GroupRef is a staff group assigned to a grant.
type GroupRef struct {
	ID    string      `json:"id"`
	Roles []role.Name `json:"roles"`
}

// PartyView names one side of a grant.
type PartyView struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// PartnerID is the partner's Partner ID (partner side only).
	PartnerID string `json:"partnerId,omitempty"`
}

// UserRef names a user.
type UserRef struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email,omitempty"`
}

// viewOf is g as side sees it.
func viewOf(g partneraccess.Grant, side Side) View {
	v := View{
		ID: g.ID, Status: g.Status, Via: g.Via, Side: side, Version: g.Version,
		Customer:  PartyView{ID: g.Customer.ID, Name: g.Customer.Name},
		Partner:   PartyView{ID: g.Partner.ID, Name: g.Partner.Name, PartnerID: g.PartnerID},
		InvitedAt: g.InvitedAt, InvitedBy: UserRef{ID: g.InvitedBy, Name: g.InvitedByName},
		Since: g.InvitedAt, EndsAt: optional(g.EndsAt), AcceptedAt: optional(g.AcceptedAt), EndedAt: optional(g.EndedAt),
		StaffCount: len(g.Staff), Staff: make([]StaffRef, 0, len(g.Staff)), Groups: make([]GroupRef, len(g.Groups)), Actions: []string{},
		AutoExtend: g.AutoExtend, Roles: g.Approved(), RoleRequest: roleRequestView(g),
	}
	if g.Term > 0 {
		days := int(g.Term / partneraccess.Day)
		v.DurationDays = &days
	}
	switch {
	case g.Status == partneraccess.Invited:
		v.ExpiresAt = optional(g.ExpiresAt)
	case g.Status == partneraccess.Active:
		v.Since = g.AcceptedAt
	default:
		v.Since = g.EndedAt
		reason := g.EndReason
		v.EndReason = &reason
	}
	for _, s := range g.Staff {
		v.Staff = append(v.Staff, StaffRef{UserRef: UserRef{ID: s.UserID, Name: s.Name, Email: s.Email}, Roles: append([]role.Name{}, g.StaffRoles(s.UserID)...)})
	}
	for i, a := range g.Groups {
		v.Groups[i] = GroupRef{ID: a.ID, Roles: append([]role.Name{}, g.GroupRoles([]string{a.ID})...)}
	}
	switch {
	case g.Status == partneraccess.Invited && side == PartnerSide:
		v.Actions = append(v.Actions, "accept", "decline")
	case g.Status == partneraccess.Invited:
		v.Actions = append(v.Actions, "revoke")
	case g.Status == partneraccess.Active && side == PartnerSide:
		v.Actions = append(v.Actions, "staff", "revoke")
	case g.Status == partneraccess.Active:
		v.Actions = append(v.Actions, "revoke")
	}
	if side == CustomerSide && g.Status.Live() && g.TimeBound() {
		v.Actions = append(v.Actions, "auto-extend")
	}
	v.Actions = append(v.Actions, roleActions(g, side)...)
	return v
}

func optional(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// List is the answer of GET /v1/accounts/{id}/partner-access.
type List struct {
	AccountID string       `json:"accountId"`
	Kind      account.Kind `json:"kind"`
	// PartnerID is the account's own Partner ID (MSPs and partners), which it gives its customers.
	PartnerID *string `json:"partnerId"`
	// Grants are pending invitations, then active grants (by the other side's name), then grants ended in the
	// last 30 days, newest first.
	Grants []View `json:"grants"`
	// Next is the cursor of the next page; null on the last.
	Next *string `json:"next"`
}

// PageRequest is a page of a list as the query string asks for it.
type PageRequest struct {
	Cursor string
	Limit  string
}

// Page sizes.
const (
	defaultLimit = 50
	maxLimit     = 100
)

// List lists a customer's support partners, or a partner's (MSP's) customers, one page at a time. The caller
// acts in the account and may view it (role.AccountsView or role.PartnerAccessManage). A partner's list shows
// its Partner ID; an MSP or partner created before Partner IDs existed gets one here, when an administrator
// (role.PartnerAccessManage) first looks.
func (s *Service) List(ctx context.Context, a actor.Actor, accountID string, p PageRequest) (List, error) {
	if a.Anonymous() {
		return List{}, fault.ErrUnauthorized
	}
	if !a.Can(role.PartnerAccessManage) && !a.Can(role.AccountsView) {
		return List{}, errManage
	}
	v := &fault.ValidationError{}
	limit := defaultLimit
	if p.Limit != "" {
		n, err := strconv.Atoi(p.Limit)
		if err != nil || n < 1 || n > maxLimit {
			v.Add("limit", codeInvalid, "Ask for 1 to 100 grants per page.")
		}
		limit = n
	}
	start, ok := dynamo.ParseGrantCursor(p.Cursor, accountID)
	if !ok {
		v.Add("cursor", codeInvalid, "This cursor is not one this list handed out; start again from the first page.")
	}
	if err := v.Err(); err != nil {
		return List{}, err
	}
	if accountID != a.AccountID || !secret.WellFormedID(accountID) {
		return List{}, errNoAccount
	}
	acc, err := s.store.Account(ctx, accountID)
	if errors.Is(err, fault.ErrNotFound) {
		return List{}, errNoAccount
	}
	if err != nil {
		return List{}, err
	}
	out := List{AccountID: acc.ID, Kind: acc.Kind, Grants: []View{}}
	side := CustomerSide
	switch {
	case acc.Kind == account.Customer:
	case partnerid.Has(acc.Kind):
		side = PartnerSide
		pid := acc.PartnerID
		if a.Can(role.PartnerAccessManage) {
			if pid, err = s.ensurePartnerID(ctx, acc); err != nil {
				return List{}, err
			}
		}
		out.PartnerID = &pid
	default: // the provider neither grants nor receives partner access
		return out, nil
	}
	page, next, err := s.store.GrantsPage(ctx, side == CustomerSide, acc.ID, limit, start)
	if err != nil {
		return List{}, err
	}
	now := s.clock.Now()
	for _, g := range page {
		if !g.Status.Live() && now.Sub(g.EndedAt) > partneraccess.Recent {
			// Ended grants come last, newest first: this one and every one after it are no longer recent.
			next = dynamo.Cursor{}
			break
		}
		out.Grants = append(out.Grants, viewAt(g, side, now))
	}
	out.Next = next.Next()
	return out, nil
}

// Get is one grant as the caller's side sees it: the caller acts in its customer or its partner account.
func (s *Service) Get(ctx context.Context, a actor.Actor, id string) (View, error) {
	if a.Anonymous() {
		return View{}, fault.ErrUnauthorized
	}
	g, err := s.load(ctx, id)
	if err != nil {
		return View{}, err
	}
	side, err := sideOf(a, g)
	if err != nil {
		return View{}, err
	}
	if !a.Can(role.PartnerAccessManage) && !a.Can(role.AccountsView) {
		return View{}, errManage
	}
	return viewAt(g, side, s.clock.Now()), nil
}

// viewAt is g as side sees it at now: an extension that is due shows as its new end date before the sweep
// records it (the version stays the one stored, which a change must name).
func viewAt(g partneraccess.Grant, side Side, now time.Time) View {
	v := viewOf(g, side)
	v.EndsAt = optional(g.EndAsOf(now))
	return v
}
