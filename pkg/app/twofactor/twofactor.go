// Package twofactor is the wiring of the two-factor function: two-factor choices (email, SMS with a verified
// mobile, authenticator app).
package twofactor

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/route"
	"github.com/partnerhub/partnerhub/pkg/twofactor"
)

// TwoFactor builds the two-factor settings service.
func TwoFactor(a *app.App) (*twofactor.Service, error) {
	return twofactor.New(twofactor.Deps{DB: a.Dynamo(), Table: a.Config.Table, Keys: a.Keys, Clock: a.Clock, Log: a.Log})
}

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	s, err := TwoFactor(a)
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.TwoFactor, Mux) }
