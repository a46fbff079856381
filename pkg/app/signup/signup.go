// Package signup is the wiring of the signup function: POST /v1/accounts. Onboarding is also the activation
// function's, and the local stack's and phctl's bootstrap.
package signup

import (
	"github.com/partnerhub/partnerhub/pkg/app"
	"github.com/partnerhub/partnerhub/pkg/app/auth"
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
	"github.com/partnerhub/partnerhub/pkg/route"
)

// Onboarding builds the onboarding use cases (accounts, activation links, bootstrap).
func Onboarding(a *app.App) (*onboarding.Service, error) {
	return onboarding.New(onboarding.Deps{
		DB:    a.Dynamo(),
		Table: a.Config.Table,
		Keys:  a.Keys,
		Clock: a.Clock,
		Log:   a.Log,
		Count: a.Count,
	})
}

// Mux builds the function's endpoints.
func Mux(a *app.App) (httpapi.Mux, error) {
	s, err := Onboarding(a)
	if err != nil {
		return nil, err
	}
	return s.SignupMux(), nil
}

// Handler builds the function's handler.
func Handler(a *app.App) (httpapi.Handler, error) { return auth.HTTP(a, route.Signup, Mux) }
