// Package partneraccess is the wiring of the partner-access function: customers' support partners (Partner IDs,
// share links, invitations, answers, staff). Grants is also the revoke function's.
package partneraccess

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Grants builds partner access: customers' support partners, invitations by Partner ID or share link, answers,
// staff, revokes.
func Grants(a *app.App) (*grant.Service, error) {
	return grant.New(grant.Deps{Store: a.Store(), Keys: a.Keys, Clock: a.Clock, Log: a.Log, PortalURL: a.Config.PortalURL, Count: a.Count})
}

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	s, err := Grants(a)
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.PartnerAccess, Mux) }
