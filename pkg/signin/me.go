package signin

import (
	"context"
	"errors"
	"sync"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/license"
	"github.com/partnerhub/partnerhub/pkg/role"
	"github.com/partnerhub/partnerhub/pkg/step"
	"github.com/partnerhub/partnerhub/pkg/user"
)

// Me is the signed-in user's own view: who they are, where they are members, the account they act in, what
// they may do there, the branding to show and the first sign-in steps still to take.
type Me struct {
	User           MeUser            `json:"user"`
	Memberships    []MeMembership    `json:"memberships"`
	CurrentAccount MeAccount         `json:"currentAccount"`
	Permissions    []role.Permission `json:"permissions"`
	Branding       Branding          `json:"branding"`
	// PendingSteps lists the first sign-in steps (license, profile) still to take, in order.
	PendingSteps []string `json:"pendingSteps"`
}

// MeUser is the user part of Me.
type MeUser struct {
	ID          string         `json:"id"`
	Email       string         `json:"email"`
	Name        string         `json:"name"`
	Status      user.Status    `json:"status"`
	TwoFactor   user.TwoFactor `json:"twoFactor"`
	LastLoginAt *time.Time     `json:"lastLoginAt"`
}

// MeMembership is one account the user belongs to, for the account switcher.
type MeMembership struct {
	AccountID   string      `json:"accountId"`
	AccountName string      `json:"accountName"`
	AccountKind string      `json:"accountKind"`
	Roles       []role.Name `json:"roles"`
}

// MeAccount is the account the session acts in.
type MeAccount struct {
	ID     string         `json:"id"`
	Name   string         `json:"name"`
	Kind   account.Kind   `json:"kind"`
	Status account.Status `json:"status"`
}

// Branding is what the portal shows: the effective branding of the account the session acts in (its nearest
// branded partner's, else PartnerHub's).
type Branding = branding.Effective

// DefaultBranding is PartnerHub's own branding.
var DefaultBranding = branding.Default

// Me builds the signed-in user's view. Authenticate has just checked the user, membership and account.
func (s *Service) Me(ctx context.Context, a actor.Actor) (Me, error) {
	// The user and the account come from the session check's read; the memberships (the account switcher) and the
	// branding records on the path are what Me reads itself, side by side.
	u, err := s.store.User(ctx, a.UserID)
	if err != nil {
		return Me{}, err
	}
	acct, err := s.store.Account(ctx, a.AccountID)
	if err != nil {
		return Me{}, err
	}
	var (
		wg             sync.WaitGroup
		ms             []user.Membership
		look           Branding
		msErr, lookErr error
	)
	wg.Go(func() { ms, msErr = s.store.Memberships(ctx, a.UserID) })
	wg.Go(func() { look, lookErr = branding.Resolver{Store: s.store}.EffectiveOf(ctx, acct) })
	wg.Wait()
	if err := errors.Join(msErr, lookErr); err != nil {
		return Me{}, err
	}
	me := Me{
		User: MeUser{ID: u.ID, Email: u.Email, Name: u.Name, Status: u.Status, TwoFactor: u.TwoFactor},
		CurrentAccount: MeAccount{
			ID: acct.ID, Name: acct.Company.Name, Kind: acct.Kind, Status: acct.Status,
		},
		Memberships:  make([]MeMembership, 0, len(ms)),
		Permissions:  append([]role.Permission{}, role.Permissions(a.Roles)...),
		Branding:     look,
		PendingSteps: step.Pending(u, acct, license.Current().Version),
	}
	if !u.LastLoginAt.IsZero() {
		at := u.LastLoginAt
		me.User.LastLoginAt = &at
	}
	grouped, err := s.groupAccounts(ctx, ms)
	if err != nil {
		return Me{}, err
	}
	for _, m := range append(ms, grouped...) {
		roles := m.Roles
		if roles == nil {
			roles = []role.Name{}
		}
		me.Memberships = append(me.Memberships, MeMembership{
			AccountID: m.AccountID, AccountName: m.AccountName, AccountKind: m.AccountKind, Roles: roles,
		})
	}
	return me, nil
}
