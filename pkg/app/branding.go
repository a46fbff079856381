package app

import (
	"github.com/partnerhub/partnerhub/pkg/brand"
	"github.com/partnerhub/partnerhub/pkg/branding"
	"github.com/partnerhub/partnerhub/pkg/dynamo"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
)

// Branding builds the branding use cases.
func (a *App) Branding() (*brand.Service, error) {
	return brand.New(a.Clients.Dynamo, a.Config.Table, a.Clock, a.Log)
}

// brandingMux builds the routes of the branding function.
func (a *App) brandingMux() (httpapi.Mux, error) {
	s, err := a.Branding()
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}

// Brands is the effective-branding lookup of the mailer: emails carry the branding of their account's nearest
// branded partner, with the logo's URL absolute on the portal's origin.
func (a *App) Brands() brand.Mail {
	return brand.Mail{
		Resolver:  a.brandResolver(),
		PortalURL: a.Config.PortalURL,
		Fallback:  brand.MailFallback(a.Config.PortalURL),
	}
}

// brandResolver finds the effective branding of an account: its nearest ancestor (or itself) with branding.
func (a *App) brandResolver() branding.Resolver {
	return branding.Resolver{Store: dynamo.Store{DB: a.Clients.Dynamo, Table: a.Config.Table}}
}
