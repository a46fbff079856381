package app

import "github.com/partnerhub/partnerhub/pkg/httpapi"

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
// TODO(reset): replace with the real endpoints.
func (a *App) resetRoutes() (httpapi.Mux, error) { return httpapi.Mux{}, nil }
