// Package revoke is the wiring of the revoke function: everything that ends access. Each use case contributes
// its routes: the partner tree disables and enables accounts, user maintenance removes a user's access, partner
// access revokes a grant.
package revoke

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/accounts"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/app/partneraccess"
	"github.com/partnerhub/partnerhub/pkg/app/users"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	t, err := accounts.Tree(a)
	if err != nil {
		return nil, err
	}
	m, err := users.Members(a)
	if err != nil {
		return nil, err
	}
	g, err := partneraccess.Grants(a)
	if err != nil {
		return nil, err
	}
	return httpapi.Merge(t.RevokeMux(), m.RevokeMux(), g.RevokeMux())
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.Revoke, Mux) }
