package app

import (
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/twofactor"
)

// TwoFactor builds the two-factor settings service.
func (a *App) TwoFactor() (*twofactor.Service, error) {
	return twofactor.New(twofactor.Deps{DB: a.Clients.Dynamo, Table: a.Config.Table, Keys: a.Keys, Clock: a.Clock, Log: a.Log})
}

// twoFactorMux builds the routes of the two-factor function.
func (a *App) twoFactorMux() (httpapi.Mux, error) {
	s, err := a.TwoFactor()
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}
