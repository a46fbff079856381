package app

import (
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/grant"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// Grants builds partner access: customers' support partners, invitations by Partner ID or share link, answers,
// staff, revokes.
func (a *App) Grants() (*grant.Service, error) {
	return grant.New(a.grantDeps())
}

// GrantExpirer builds the sweep's handler of grants that come due: invitations not answered in time, reminders
// of end dates, ends.
func (a *App) GrantExpirer() (*grant.Expirer, error) { return grant.NewExpirer(a.grantDeps()) }

func (a *App) grantDeps() grant.Deps {
	return grant.Deps{Store: dynamo.Store{DB: a.Clients.Dynamo, Table: a.Config.Table}, Keys: a.Keys, Clock: a.Clock, Log: a.Log, PortalURL: a.Config.PortalURL}
}

// partnerAccessMux builds the routes of the partner-access function.
func (a *App) partnerAccessMux() (httpapi.Mux, error) {
	s, err := a.Grants()
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}

// grantRevokeRoutes are partner access's routes of the revoke function: revoke a grant.
func (a *App) grantRevokeRoutes() (httpapi.Mux, error) {
	s, err := a.Grants()
	if err != nil {
		return nil, err
	}
	return s.RevokeMux(), nil
}
