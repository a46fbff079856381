package app

import (
	"context"

	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/onboarding"
)

// Onboarding builds the onboarding use cases (accounts, activation links, bootstrap) from the App.
func (a *App) Onboarding() (*onboarding.Service, error) {
	return onboarding.New(onboarding.Deps{
		DB:    a.Clients.Dynamo,
		Table: a.Config.Table,
		Keys:  a.Keys,
		Clock: a.Clock,
		Log:   a.Log,
	})
}

// Bootstrap creates the provider account and its first super administrator unless the platform has them
// already; the local stack calls it on start and phctl on an operator's request.
func (a *App) Bootstrap(ctx context.Context, in onboarding.BootstrapInput) (onboarding.BootstrapResult, error) {
	s, err := a.Onboarding()
	if err != nil {
		return onboarding.BootstrapResult{}, err
	}
	return s.Bootstrap(ctx, in)
}

// signupMux builds the routes of the signup function.
func (a *App) signupMux() (httpapi.Mux, error) {
	s, err := a.Onboarding()
	if err != nil {
		return nil, err
	}
	return s.SignupMux(), nil
}
