package member

import (
	"context"
	"slices"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/actor"
	"github.com/partnerhub/partnerhub/pkg/role"
)

// RoleView is one role of the catalog as the portal shows it.
type RoleView struct {
	Name        role.Name `json:"name"`
	Title       string    `json:"title"`
	Description string    `json:"description"`
	Kinds       []string  `json:"kinds"`
}

// RoleList is the answer of GET /v1/roles: the roles the caller may grant in an account (by default the one
// it acts in), for the invite and edit forms.
type RoleList struct {
	AccountID   string       `json:"accountId"`
	AccountKind account.Kind `json:"accountKind"`
	Roles       []RoleView   `json:"roles"`
}

// Roles lists the roles the caller may grant in an account: those its kind of account may hold and the caller
// may assign (role.Assignable), or none where the caller does not manage users. accountID "" is the caller's
// own account; another must be one the caller sees.
func (s *Service) Roles(ctx context.Context, a actor.Actor, accountID string) (RoleList, error) {
	if err := need(a, role.UsersView); err != nil {
		return RoleList{}, err
	}
	if accountID == "" {
		accountID = a.AccountID
	}
	acc, err := s.account(ctx, a, accountID)
	if err != nil {
		return RoleList{}, err
	}
	out := RoleList{AccountID: acc.ID, AccountKind: acc.Kind, Roles: []RoleView{}}
	if !manages(a, acc) {
		return out, nil
	}
	for _, r := range role.Assignable(a.Roles, string(acc.Kind)) {
		out.Roles = append(out.Roles, RoleView{Name: r.Name, Title: r.Title, Description: r.Description, Kinds: slices.Clone(r.Kinds)})
	}
	return out, nil
}
