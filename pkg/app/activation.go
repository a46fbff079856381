package app

import (
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/reset"
)

// activationMux builds the routes of the activation function: activation links and password resets.
func (a *App) activationMux() (httpapi.Mux, error) {
	s, err := a.Onboarding()
	if err != nil {
		return nil, err
	}
	reset, err := a.resetRoutes()
	if err != nil {
		return nil, err
	}
	return httpapi.Merge(s.ActivationMux(), reset)
}

// resetRoutes are the password-reset routes of the activation function.
func (a *App) resetRoutes() (httpapi.Mux, error) {
	s, err := a.Reset()
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}

// Reset builds the password-reset service.
func (a *App) Reset() (*reset.Service, error) {
	return reset.New(reset.Deps{DB: a.Clients.Dynamo, Table: a.Config.Table, Keys: a.Keys, Clock: a.Clock, Log: a.Log})
}
