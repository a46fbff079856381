// Package activation is the wiring of the activation function: activation links, and password resets.
package activation

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/app/signup"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/reset"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Reset builds the password-reset service.
func Reset(a *app.App) (*reset.Service, error) {
	return reset.New(reset.Deps{DB: a.Dynamo(), Table: a.Config.Table, Keys: a.Keys, Clock: a.Clock, Log: a.Log})
}

// Mux builds the function's endpoints: onboarding's activation routes and the password-reset routes.
func Mux(a *app.App) (httpapi.Mux, error) {
	s, err := signup.Onboarding(a)
	if err != nil {
		return nil, err
	}
	r, err := Reset(a)
	if err != nil {
		return nil, err
	}
	return httpapi.Merge(s.ActivationMux(), r.Mux())
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.Activation, Mux) }
