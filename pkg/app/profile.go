package app

import (
	"github.com/partnerhub/partnerhub/pkg/httpapi"
	"github.com/partnerhub/partnerhub/pkg/profile"
)

// Profile builds the first sign-in steps' use cases: the license agreement and the company profile.
func (a *App) Profile() (*profile.Service, error) {
	return profile.New(a.Clients.Dynamo, a.Config.Table, a.Clock, a.Log)
}

// profileMux builds the routes of the profile (first sign-in steps) function.
func (a *App) profileMux() (httpapi.Mux, error) {
	s, err := a.Profile()
	if err != nil {
		return nil, err
	}
	return s.Mux(), nil
}
