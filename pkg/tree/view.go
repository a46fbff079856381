package tree

import (
	"context"
	"maps"
	"time"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
)

// AccountView is the answer of GET /v1/accounts/{id}.
type AccountView struct {
	ID     string         `json:"id"`
	Kind   account.Kind   `json:"kind"`
	Status account.Status `json:"status"`
	// Stage is a customer's stage, "prospect" or "customer"; absent for other kinds.
	Stage string `json:"stage,omitempty"`
	// BlockedBy names the account above that is disabled, if any: while it is, this account's people cannot
	// sign in either, whatever its own status.
	BlockedBy *AccountRef     `json:"blockedBy"`
	Company   account.Company `json:"company"`
	Parent    *AccountRef     `json:"parent"`
	Counts    account.Counts  `json:"counts"`
	CreatedAt time.Time       `json:"createdAt"`
	Version   int             `json:"version"`
	Endpoints *int            `json:"endpoints,omitempty"` // customers only: their own endpoint count
	Apps      map[string]bool `json:"apps,omitempty"`      // customers only: every app of the catalog, on or off
	Branding  any             `json:"branding"`            // effective branding; null until branding is plugged in
	// PartnerID is an MSP's or partner's Partner ID (package grant); "" for other kinds, and for an MSP or partner
	// created before Partner IDs existed until an administrator first opens its partner access page.
	PartnerID string      `json:"partnerId"`
	Perms     Permissions `json:"permissions"`
}

// AccountRef names another account.
type AccountRef struct {
	ID   string       `json:"id"`
	Name string       `json:"name"`
	Kind account.Kind `json:"kind"`
}

func refOf(a account.Account) *AccountRef {
	return &AccountRef{ID: a.ID, Name: a.Company.Name, Kind: a.Kind}
}

// Get is an account with the counts of its whole subtree, its parent, what blocks it and what the caller may do
// to it. It costs the same reads whatever the size of the tree: the account, then the accounts above it (at
// most three) in parallel.
func (s *Service) Get(ctx context.Context, a actor.Actor, id string) (AccountView, error) {
	acc, err := s.authorize(ctx, a, id, View)
	if err != nil {
		return AccountView{}, err
	}
	return s.view(ctx, a, acc)
}

// view builds the answer for an account the caller may view.
func (s *Service) view(ctx context.Context, a actor.Actor, acc account.Account) (AccountView, error) {
	above, err := s.store.AccountAncestors(ctx, acc)
	if err != nil {
		return AccountView{}, err
	}
	v := AccountView{
		ID: acc.ID, Kind: acc.Kind, Status: acc.Status, Company: acc.Company, Counts: acc.Counts,
		CreatedAt: acc.CreatedAt, Version: acc.Version, Perms: PermissionsOn(a, acc), PartnerID: acc.PartnerID,
	}
	if len(above) > 0 && above[len(above)-1].ID == acc.ParentID {
		v.Parent = refOf(above[len(above)-1])
	}
	if b, ok := account.BlockedBy(above); ok {
		v.BlockedBy = refOf(b)
	}
	if acc.Kind == account.Customer {
		n := acc.Endpoints
		v.Endpoints = &n
		v.Apps = appStates(acc.Apps)
		v.Stage = acc.Stage.String()
	}
	if s.branding != nil {
		if v.Branding, err = s.branding(ctx, acc); err != nil {
			return AccountView{}, err
		}
	}
	return v, nil
}

// appStates is every app of the catalog, on or off, for a customer's toggles.
func appStates(on map[string]bool) map[string]bool {
	out := make(map[string]bool, len(Catalog))
	for _, app := range Catalog {
		out[app.ID] = on[app.ID]
	}
	return out
}

// withApps is toggles with changes applied, keeping only apps that are on.
func withApps(toggles map[string]bool, changes map[string]bool) map[string]bool {
	out := maps.Clone(toggles)
	if out == nil {
		out = map[string]bool{}
	}
	for id, on := range changes {
		if on {
			out[id] = true
		} else {
			delete(out, id)
		}
	}
	return out
}
