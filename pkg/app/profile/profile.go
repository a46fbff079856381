// Package profile is the wiring of the profile function: the first sign-in steps (license agreement, company
// profile).
package profile

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/profile"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Profile builds the first sign-in steps' use cases.
func Profile(a *app.App) (*profile.Service, error) {
	return profile.New(a.Dynamo(), a.Config.Table, a.Clock, a.Log)
}

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	s, err := Profile(a)
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.Profile, Mux) }
