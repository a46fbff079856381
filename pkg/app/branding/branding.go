// Package branding is the wiring of the branding function: partner branding (logo, colour, support channel).
package branding

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/brand"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Branding builds the branding use cases.
func Branding(a *app.App) (*brand.Service, error) {
	return brand.New(a.Dynamo(), a.Config.Table, a.Clock, a.Log)
}

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	s, err := Branding(a)
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.Branding, Mux) }
