package app

import (
	"context"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// Tree builds the partner tree's use cases: accounts with their counts, children, edits, endpoints, apps,
// disabling and enabling, the audit log.
func (a *App) Tree() (*tree.Service, error) {
	return tree.New(tree.Deps{
		DB:    a.Clients.Dynamo,
		Table: a.Config.Table,
		Clock: a.Clock,
		Log:   a.Log,
		Branding: func(ctx context.Context, acc account.Account) (any, error) {
			return a.brandResolver().EffectiveOf(ctx, acc)
		},
	})
}

// accountsMux builds the routes of the accounts (partner tree) function.
func (a *App) accountsMux() (httpapi.Mux, error) {
	t, err := a.Tree()
	if err != nil {
		return nil, err
	}
	return t.AccountsMux(), nil
}
