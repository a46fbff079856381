package signin

import (
	"context"
	"errors"
	"net/http"
	"strings"

	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/fault"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/secret"
)

// RouteSwitchAccount switches the account a session acts in.
const RouteSwitchAccount = "POST /v1/sessions/current/account"

// switchRequest is the body of POST /v1/sessions/current/account.
type switchRequest struct {
	AccountID string `json:"accountId"`
}

func (r *switchRequest) Validate(v *fault.ValidationError) {
	r.AccountID = strings.TrimSpace(r.AccountID)
	switch {
	case v.Has("accountId"):
	case r.AccountID == "":
		v.Add("accountId", "required", "Choose the account to switch to.")
	case len(r.AccountID) > maxID:
		v.Add("accountId", "invalid", "This is not an account id.")
	}
}

// Refusals of a switch.
var (
	errNotMember  = fault.New(fault.ErrNotFound, "not-member", "You are not a member of that account.")
	errAccountOff = fault.New(fault.ErrConflict, "account-disabled",
		"That account is disabled, or an account above it is: its people cannot sign in to it.")
)

// SwitchAccount makes the caller's session act in another account the user is a member of (the account
// switcher), as long as the account is usable: neither it nor an account above it disabled. The session moves
// with a condition that it is still the user's and still acts where it did; the membership and the account are
// checked in the same transaction. It answers the caller's view as the next GET /v1/me will show it.
func (s *Service) SwitchAccount(ctx context.Context, a actor.Actor, accountID string) (Me, error) {
	if a.Anonymous() || a.SessionHash == "" {
		return Me{}, ErrSessionEnded()
	}
	m, err := s.store.Membership(ctx, a.UserID, accountID)
	viaGroup := false
	if errors.Is(err, fault.ErrNotFound) && secret.WellFormedID(accountID) {
		m, err = s.groupMembership(ctx, a.UserID, accountID) // a customer they act for through a staff group?
		viaGroup = err == nil
	}
	if errors.Is(err, fault.ErrNotFound) {
		return Me{}, errNotMember
	}
	if err != nil {
		return Me{}, err
	}
	if m.GrantID != "" { // a support partner's staff membership: only while the grant lets them act, as it lets them
		roles, err := partneraccess.StaffAccess(ctx, s.store, m, s.Clock.Now())
		if err != nil {
			return Me{}, err
		}
		if len(roles) == 0 {
			return Me{}, errNotMember
		}
		m.Roles = roles
	}
	acct, err := s.store.Account(ctx, accountID)
	if errors.Is(err, fault.ErrNotFound) {
		return Me{}, errNotMember
	}
	if err != nil {
		return Me{}, err
	}
	usable, err := s.store.AccountUsable(ctx, acct)
	if err != nil {
		return Me{}, err
	}
	if !usable {
		return Me{}, errAccountOff
	}
	reach, err := s.store.ReachOf(ctx, m) // all read above: from the read set
	if err != nil {
		return Me{}, err
	}
	// The session moves only while it is still the caller's and acts where it did, the membership is there (for
	// a member of a staff group: their membership of the partner) and the account not disabled: each condition
	// answers for itself.
	member := accountID
	if viaGroup {
		member = reach.PartnerID
	}
	tx := s.store.Tx().
		MoveSession(a.SessionHash, a.UserID, a.AccountID, accountID, reach, ErrSessionEnded()).
		RequireMembership(a.UserID, member, errNotMember).
		RequireOpenAccount(accountID, errAccountOff)
	if err := s.store.Commit(ctx, tx); err != nil {
		return Me{}, err
	}
	moved := a
	moved.AccountID, moved.Roles = accountID, m.Roles
	return s.Me(ctx, moved)
}

func (s *Service) postSwitch(ctx context.Context, r *httpapi.Request) (httpapi.Response, error) {
	var in switchRequest
	if err := r.Decode(&in); err != nil {
		return httpapi.Response{}, err
	}
	me, err := s.SwitchAccount(ctx, r.Actor, in.AccountID)
	if err != nil {
		return httpapi.Response{}, err
	}
	return httpapi.JSON(http.StatusOK, me), nil
}
