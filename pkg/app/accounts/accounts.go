// Package accounts is the wiring of the accounts function: the partner tree (accounts with their counts,
// children, edits, endpoints, apps, the audit log). Tree is also the revoke function's.
package accounts

import (
	"context"

	"github.com/partnerhub/partnerhub/pkg/account"
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/tree"
)

// Tree builds the partner tree's use cases: accounts with their counts, children, edits, endpoints, apps,
// disabling and enabling, the audit log.
func Tree(a *app.App) (*tree.Service, error) {
	return tree.New(tree.Deps{
		DB:    a.Dynamo(),
		Table: a.Config.Table,
		Clock: a.Clock,
		Log:   a.Log,
		Branding: func(ctx context.Context, acc account.Account) (any, error) {
			return branding.Resolver{Store: a.Store()}.EffectiveOf(ctx, acc)
		},
	})
}

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	t, err := Tree(a)
	if err != nil {
		return nil, err
	}
	return t.AccountsMux(), nil
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.Accounts, Mux) }
