package app

import "github.com/partnerhub/partnerhub/pkg/httpapi"

// activationMux builds the routes of the activation function.
func (a *App) activationMux() (httpapi.Mux, error) {
	s, err := a.Onboarding()
	if err != nil {
		return nil, err
	}
	return s.ActivationMux(), nil
}
